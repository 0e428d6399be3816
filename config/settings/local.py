"""Development: the embedded default (`make run`)."""

from .base import *
from .base import INSTALLED_APPS, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY", default="dev-only-insecure-secret-key-change-me-0123456789abcdef"
)

# Development tools (generate_province, bench_*): never installed in production.
INSTALLED_APPS = [*INSTALLED_APPS, "households.devtools"]
