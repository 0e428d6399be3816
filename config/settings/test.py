"""Tests: fast hashing, locmem e-mail, eager Celery unless a real broker is named."""

from pathlib import Path

from .base import *
from .base import INSTALLED_APPS, env

DEBUG = False
SECRET_KEY = "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The suite runs eager even when a broker is named; the real-worker test switches itself.
CELERY_TASK_ALWAYS_EAGER = True
# The refresh after an approval runs inline in tests (tests/reports/test_refresh.py switches the
# background queue on where it tests it).
REPORTS_REFRESH_IN_BACKGROUND = False
CELERY_REAL_BROKER_URL = env("CELERY_BROKER_URL", default=env("REDIS_URL", default=""))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "test-media")
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
LANGUAGE_CODE = "vi"

# No persistent connections: a connection opened by a worker or server thread is closed when
# its task or request ends (Celery's Django fix-up, Django's request_finished), so none is
# left open on the test database when the suite drops it.
DATABASES["default"]["CONN_MAX_AGE"] = 0

# Every log line of a test run also goes to a file, through the same filters as production's
# handler; tests/conftest.py greps it for citizen IDs and phone numbers when the run ends.
TEST_LOG_FILE = Path(env("TEST_LOG_FILE", default=str(BASE_DIR / "test-output" / "test-run.log")))
TEST_LOG_FILE.parent.mkdir(parents=True, exist_ok=True)
LOGGING["handlers"]["test_file"] = {
    "class": "logging.FileHandler",
    "filename": str(TEST_LOG_FILE),
    "filters": LOGGING["handlers"]["console"]["filters"],
    "formatter": "text",
    "encoding": "utf-8",
}
LOGGING["root"]["handlers"] = [*LOGGING["root"]["handlers"], "test_file"]

# Development tools (generate_province, bench_*): never installed in production.
INSTALLED_APPS = [*INSTALLED_APPS, "households.devtools"]

# pytest-xdist: each worker process has its own test database (pytest-django suffixes its name)
# and its own cache keys, so two workers never see each other's import progress or rebuild
# debounce.
CACHES["default"]["KEY_PREFIX"] = env("PYTEST_XDIST_WORKER", default="")
