#!/usr/bin/env bash
# The embedded default end to end: a fresh SQLite file, migrations, reference and demo data,
# the server answering the login page, and a demo user logging in.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
D=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$D"' EXIT
export DATABASE_URL="sqlite:///$D/smoke.sqlite3" DJANGO_SETTINGS_MODULE=config.settings.local
unset CELERY_BROKER_URL REDIS_URL
$PY manage.py migrate --noinput -v 0
$PY manage.py makemigrations --check --dry-run >/dev/null
$PY manage.py load_reference_data >/dev/null
$PY manage.py load_demo_data --households 60 > "$D/demo.log"
grep -q "commune-anduc" "$D/demo.log"
PORT=$((20000 + RANDOM % 20000))
$PY manage.py runserver "127.0.0.1:$PORT" --noreload >"$D/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "http://127.0.0.1:$PORT/accounts/login/" | grep -q "Đăng nhập"
$PY - "$PORT" <<'PYEOF'
import http.cookiejar, re, sys, urllib.parse, urllib.request
port = sys.argv[1]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
base = f"http://127.0.0.1:{port}"
page = opener.open(base + "/accounts/login/").read().decode()
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "province",
                               "password": "demo-BenTre-2025"}).encode()
home = opener.open(urllib.request.Request(base + "/accounts/login/", data,
                   headers={"Referer": base + "/accounts/login/"})).read().decode()
assert "Xin chào" in home, home[:500]
print("smoke: SQLite migrate + data + login OK")
PYEOF
