"""Production: refuses to start without a real secret; passes `check --deploy`."""

import sys

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import env

DEBUG = False
# `manage.py deploy_check` must start without a valid environment, to say what is missing.
_DEPLOY_CHECK = sys.argv[1:2] == ["deploy_check"]
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
_weak = len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith(("dev-", "test-"))
if _weak and _DEPLOY_CHECK:
    SECRET_KEY = "dev-missing"  # reported by deploy_check, never served
elif _weak:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY phải được đặt: ít nhất 50 ký tự ngẫu nhiên "
        "(DJANGO_SECRET_KEY must be set to at least 50 random characters)."
    )
ALLOWED_HOSTS = (
    env.list("DJANGO_ALLOWED_HOSTS", default=[])
    if _DEPLOY_CHECK
    else env.list("DJANGO_ALLOWED_HOSTS")
)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# WhiteNoise serves the collected static files (`make upgrade` runs collectstatic), right after
# SecurityMiddleware as its documentation asks.
_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
MIDDLEWARE = [
    *MIDDLEWARE[: _security + 1],
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[_security + 1 :],
]
# Uploads, exports and backups live in a directory outside the code (the deployment's
# environment file names it); static files are collected to another.
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/var/lib/giamngheo/media")
STATIC_ROOT = env.path("STATIC_ROOT", default="/var/lib/giamngheo/static")
BACKUP_ROOT = env.path("BACKUP_ROOT", default="/var/lib/giamngheo/backups")
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="json")
