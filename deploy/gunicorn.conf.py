"""gunicorn settings for the web process (read with `gunicorn -c deploy/gunicorn.conf.py`).

Each value can be changed from the environment file without editing this one.
Why gunicorn: a pre-fork WSGI server that Django documents, maintained, packaged on PyPI as
pure Python (no compiler, no network at run time), with graceful reload on SIGHUP, which
`make upgrade` and `systemctl reload` use.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers: the pages are short database reads; long work (imports, exports,
# rebuilds) runs in Celery. The usual 2 x CPU + 1, capped so a large host does not exhaust
# PostgreSQL's connections (each worker keeps one, CONN_MAX_AGE).
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 12)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request that runs longer than this is killed and logged; nginx's proxy_read_timeout is a
# little longer so the user sees gunicorn's answer, not a gateway error.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Only nginx on this host talks to gunicorn; it sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips
# Access lines carry no query string (search terms may be names or IDs): method, path, status.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
pidfile = os.environ.get("GUNICORN_PID_FILE") or None
wsgi_app = "config.wsgi:application"
