#!/usr/bin/env bash
# The production smoke test (issue 20): production settings, gunicorn on loopback, a real Celery
# worker and beat, PostgreSQL and Redis (DATABASE_URL / CELERY_BROKER_URL name the servers; a
# fresh database is made on that server). Follows the README's production section.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL server (make services)}"
: "${CELERY_BROKER_URL:?set CELERY_BROKER_URL to Redis (make services)}"
D=$(mktemp -d /tmp/giamngheo-prod-smoke.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$D"
}
trap cleanup EXIT

# A database of its own on the same server.
export DATABASE_URL=$($PY - <<'PYEOF'
import os, psycopg
from urllib.parse import urlsplit, urlunsplit
url = urlsplit(os.environ["DATABASE_URL"])
with psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True) as conn:
    conn.execute("DROP DATABASE IF EXISTS giamngheo_prod_smoke WITH (FORCE)")
    conn.execute("CREATE DATABASE giamngheo_prod_smoke")
print(urlunsplit(url._replace(path="/giamngheo_prod_smoke")))
PYEOF
)
broker_db=${PROD_SMOKE_REDIS_DB:-13}
export CELERY_BROKER_URL="${CELERY_BROKER_URL%/*}/$broker_db"
export REDIS_URL="${CELERY_BROKER_URL%/*}/$((broker_db + 1))"
redis-cli -u "$CELERY_BROKER_URL" flushdb >/dev/null
export DJANGO_SETTINGS_MODULE=config.settings.production
export DJANGO_SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(64))')
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export MEDIA_ROOT="$D/media" STATIC_ROOT="$D/static" BACKUP_ROOT="$D/backups"
export DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend EMAIL_HOST=127.0.0.1
export EMAIL_PORT=$((30000 + RANDOM % 10000)) LOG_FORMAT=json
PORT=$((20000 + RANDOM % 10000))
export GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=2 GUNICORN_PID_FILE="$D/gunicorn.pid"

echo "== prod-smoke: migrate, reference and demo data, collectstatic"
$PY manage.py migrate --noinput -v 0
$PY manage.py load_reference_data >/dev/null
# Demo households come from the generator, a development tool the production settings leave out.
DJANGO_SETTINGS_MODULE=config.settings.local $PY manage.py load_demo_data --households 60 >"$D/demo.log"
$PY manage.py collectstatic --noinput -v 0
echo "== prod-smoke: check --deploy"
$PY manage.py check --deploy --fail-level WARNING

# A throw-away SMTP sink so that deploy_check's e-mail check and reminder e-mails have a server.
$PY - "$EMAIL_PORT" >"$D/smtp.log" 2>&1 <<'PYEOF' &
import socketserver, sys
class Sink(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 sink\r\n")
        data = False
        for line in self.rfile:
            if data:
                if line.strip() == b".":
                    data = False
                    self.wfile.write(b"250 ok\r\n")
                continue
            cmd = line[:4].upper()
            if cmd == b"DATA":
                data = True
                self.wfile.write(b"354 go\r\n")
            elif cmd == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")
socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PYEOF
PIDS+=($!)

echo "== prod-smoke: gunicorn, worker, beat"
.venv/bin/gunicorn -c deploy/gunicorn.conf.py >"$D/web.log" 2>&1 &
PIDS+=($!)
.venv/bin/celery -A config worker --loglevel=INFO --concurrency=1 --without-mingle \
  --without-gossip >"$D/worker.log" 2>&1 &
PIDS+=($!)
.venv/bin/celery -A config beat --loglevel=INFO --schedule="$D/beat-schedule" \
  >"$D/beat.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
$PY manage.py deploy_check
if ! $PY scripts/prod_smoke.py "http://127.0.0.1:$PORT"; then
  echo "--- web.log"; tail -n 40 "$D/web.log"; echo "--- worker.log"; tail -n 40 "$D/worker.log"
  exit 1
fi
grep -q '"level": "INFO"' "$D/web.log" "$D/worker.log" || { echo "no JSON log lines"; exit 1; }
echo "prod-smoke: gunicorn + worker + beat on PostgreSQL and Redis OK"
