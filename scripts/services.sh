#!/usr/bin/env bash
# Start (or stop) a throw-away PostgreSQL and Redis on loopback, for tests and `make worker`.
# Debian: PostgreSQL 15 server binaries and redis-server (installed when missing and root).
# Prints the variables to export. Data lives in $SERVICES_DIR (default: a temporary directory).
set -euo pipefail
action=${1:-start}
PG_PORT=${PG_PORT:-55432}
REDIS_PORT=${REDIS_PORT:-56379}
STATE=${SERVICES_STATE:-/tmp/giamngheo-services.dir}

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  echo "$dir"
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "$action" = stop ]; then
  [ -f "$STATE" ] || exit 0
  D=$(cat "$STATE")
  as_postgres "$(pg_bin)/pg_ctl" -D "$D/data" -m fast stop >/dev/null 2>&1 || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$D" "$STATE"
  exit 0
fi

need=()
[ -n "$(pg_bin)" ] || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "Thiếu ${need[*]}: hãy cài đặt hoặc đặt DATABASE_URL / CELERY_BROKER_URL tới máy chủ có sẵn." >&2
    exit 1
  fi
fi

D=${SERVICES_DIR:-$(mktemp -d /tmp/giamngheo-services.XXXXXX)}
mkdir -p "$D"
echo "$D" > "$STATE"
if [ "$(id -u)" = 0 ]; then chown postgres "$D"; fi
BIN=$(pg_bin)
if [ ! -d "$D/data" ]; then
  as_postgres "$BIN/initdb" -D "$D/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
fi
as_postgres "$BIN/pg_ctl" -D "$D/data" -w -l "$D/pg.log" \
  -o "-p $PG_PORT -k $D -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
  --logfile "$D/redis.log" --dir "$D"
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres"
echo "export CELERY_BROKER_URL=redis://127.0.0.1:$REDIS_PORT/0"
echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/1"
