"""Settings shared by every environment, read through django-environ.

With nothing set the app runs on its embedded default: SQLite, Celery tasks in-process.
`DATABASE_URL` selects PostgreSQL, `CELERY_BROKER_URL` (or `REDIS_URL`) a real broker.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
# A local `.env` (development) fills in what the environment does not set; production and CI
# have none and rely on the environment alone.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "axes",
    "households",
    "programs",
    "targets",
    "reports",
]

MIDDLEWARE = [
    # First, so every log line of the request (other middleware's too) carries its id.
    "config.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese unless the user chose English; never the browser's Accept-Language.
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After MessageMiddleware: adds "số liệu sẽ được cập nhật" when work was deferred.
    "config.middleware.DeferredWorkMiddleware",
    "config.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    # AxesMiddleware last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.navigation.navigation",
                "households.context_processors.organisation",
            ],
            # `{{ user|person_name }}` everywhere: names family name first.
            "builtins": ["households.templatetags.people"],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the in-process Celery jobs and the server read while one writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    # A persistent connection is checked before reuse: after a PostgreSQL restart the next
    # request reconnects instead of failing on the dead socket (no app restart needed).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out user or address before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A password-reset link works once, for 3 days (the reset page and e-mail say so).
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 8 working hours and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Login throttling (django-axes): after 5 failures lock the username AT that address (the two
# together), so that nobody can lock another person out by typing their username, and one
# person's mistakes do not lock everybody behind a shared office address. Administrators
# unlock from the admin (user list action "Mở khóa đăng nhập", or the access attempts list).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The second, independent limit: a username's failures from EVERY address within the cool-off
# (households/site/login_limits.py); refused with a message that does not tell whether the
# account exists.
LOGIN_USERNAME_FAILURE_LIMIT = env.int("LOGIN_USERNAME_FAILURE_LIMIT", default=20)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (evidence, workbooks) live outside the static root and are served only
# through permission-checked views, never by URL.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# The readiness page (he-thong/tinh-trang/) warns when the media disk has less free space.
MEDIA_FREE_WARN_MB = env.int("MEDIA_FREE_WARN_MB", default=2048)
PRIVATE_UPLOAD_MAX_BYTES = env.int("PRIVATE_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
WORKBOOK_MAX_BYTES = env.int("WORKBOOK_MAX_BYTES", default=30 * 1024 * 1024)
# Bounds of an uploaded workbook, checked before any reader allocates it (households.workbook
# .bounds), and the limits of the child process that reads it (households.workbook.sandbox).
WORKBOOK_MAX_COLUMNS = env.int("WORKBOOK_MAX_COLUMNS", default=256)
WORKBOOK_MAX_CELLS = env.int("WORKBOOK_MAX_CELLS", default=20_000_000)
WORKBOOK_MAX_UNCOMPRESSED_BYTES = env.int(
    "WORKBOOK_MAX_UNCOMPRESSED_BYTES", default=512 * 1024 * 1024
)
WORKBOOK_READ_MEMORY_MB = env.int("WORKBOOK_READ_MEMORY_MB", default=2048)
WORKBOOK_READ_SECONDS = env.int("WORKBOOK_READ_SECONDS", default=180)
# A household list longer than this is exported by a background task (a district's list takes
# longer to write than a web request may last); shorter lists download at once.
EXPORT_DIRECT_MAX_HOUSEHOLDS = env.int("EXPORT_DIRECT_MAX_HOUSEHOLDS", default=10_000)
# Exported files are kept this many hours, then removed.
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=48)
# Backups (manage.py backup_create, nightly by deploy/systemd/giamngheo-backup.timer): where,
# and how many days they are kept (the newest is always kept).
BACKUP_ROOT = env.path("BACKUP_ROOT", default=BASE_DIR / "var" / "backups")
BACKUP_KEEP_DAYS = env.int("BACKUP_KEEP_DAYS", default=14)
# Plausibility (issue 13): an income per person per month above this needs a confirmation.
INCOME_CONFIRM_ABOVE = env.int("INCOME_CONFIRM_ABOVE", default=50_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="giamngheo@localhost")

# Celery: a real broker when one is named, otherwise tasks run in-process (embedded default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=env("REDIS_URL", default=""))
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Eager tasks (no broker): the snapshot refresh after an approval runs in a thread of this
# process once requests go quiet for REPORTS_REFRESH_DELAY seconds (at most MAX_WAIT after the
# first), never inside the request (reports.background).
REPORTS_REFRESH_IN_BACKGROUND = env.bool(
    "REPORTS_REFRESH_IN_BACKGROUND", default=CELERY_TASK_ALWAYS_EAGER
)
REPORTS_REFRESH_DELAY = env.float("REPORTS_REFRESH_DELAY", default=1.0)
REPORTS_REFRESH_MAX_WAIT = env.float("REPORTS_REFRESH_MAX_WAIT", default=4.0)
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Tasks are named "<app>.<service>_task" (see style.md), whatever module defines them.
# A message is acknowledged when its task ends only for the tasks that declare themselves safe to
# run twice (`acks_late=True` on the task: every task we have today, see each task's docstring);
# one task at a time per worker process, so a crash redelivers at most that one.
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker killed by the hard limit (or by the OOM killer) does not get the message back: the
# same input would kill the next worker too.
CELERY_TASK_REJECT_ON_WORKER_LOST = False
# No task holds a worker forever: past the soft limit the task gets SoftTimeLimitExceeded (our
# jobs record it as failed), past the hard limit its process is killed. The defaults suit the
# short tasks (a reminder run, a prune); the long ones (rebuilds, imports, exports) set their
# own on the task.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=5 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=6 * 60)
# Periodic tasks (celery beat, `make beat`). Each task is safe to run twice.
CELERY_BEAT_SCHEDULE = {
    # targets: e-mail agencies their tasks due within 7 days and overdue (once per agency and day).
    "targets-task-reminders": {
        "task": "targets.task_reminders_send_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # reports: every year rebuilt nightly; every 5 minutes the current and previous year, if
    # their data changed.
    "reports-rebuild-all-nightly": {
        "task": "reports.snapshot_rebuild_all_task",
        "schedule": crontab(hour=2, minute=15),
    },
    "reports-rebuild-dirty": {
        "task": "reports.snapshot_rebuild_dirty_task",
        "schedule": 300.0,
    },
    # households: exported workbooks older than EXPORT_KEEP_HOURS removed every night.
    "households-export-files-prune": {
        "task": "households.export_files_prune_task",
        "schedule": crontab(hour=3, minute=0),
    },
    # households: jobs whose worker died whole (no task_failure signal) are failed by a sweep.
    "households-jobs-stale-sweep": {
        "task": "households.jobs_stale_sweep_task",
        "schedule": 300.0,
    },
    # households: the outbox relay (work a write owed while the broker was down) and the
    # heartbeats the health page shows.
    "households-outbox-relay": {
        "task": "households.outbox_relay_task",
        "schedule": 30.0,
    },
    "households-heartbeat": {
        "task": "households.heartbeat_task",
        "schedule": 60.0,
    },
}
# Longer than any task's hard time limit (the nightly all-years rebuild: 2 h).
JOB_STALE_AFTER_SECONDS = env.int("JOB_STALE_AFTER_SECONDS", default=3 * 3600)

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# The province this installation serves (statistical code of the root area).
PROVINCE_CODE = env("PROVINCE_CODE", default="83")

# Logs: one line a record, with the request id (config.middleware.RequestIdMiddleware) and
# never a citizen ID or phone number (MaskPersonalDataFilter). LOG_FORMAT=json writes one JSON
# object a line for a log collector (production's default); "text" is for people (local).
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_personal": {"()": "config.logging.MaskPersonalDataFilter"},
        "request_id": {"()": "config.logging.RequestIdFilter"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "mask_personal"],
            "formatter": LOG_FORMAT if LOG_FORMAT in ("text", "json") else "text",
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Papers (households.papers): the serif font printed on every paper, embedded (subset) into each
# PDF. Liberation Serif 2 (Debian fonts-liberation2, SIL OFL) has Times New Roman's metrics, the
# typeface Decree 30/2020/NĐ-CP prescribes for administrative documents, and every Vietnamese
# glyph (Liberation 1.x of fonts-liberation lacks most of them). DejaVu Serif is the fallback.
PAPER_FONT_DIR = env.str("PAPER_FONT_DIR", default="/usr/share/fonts/truetype/liberation2")
# Households per WeasyPrint pass when many papers go into one PDF: each pass is laid out and
# written on its own, so memory stays flat however many pages the file has.
PAPER_CHUNK = env.int("PAPER_CHUNK", default=100)
# Processes rendering those passes side by side (at most the machine's cores; one inside a
# Celery worker's child process).
PAPER_WORKERS = env.int("PAPER_WORKERS", default=4)
# More households than this and the commune's certificates are made by a background job.
PAPER_DIRECT_MAX = env.int("PAPER_DIRECT_MAX", default=200)
