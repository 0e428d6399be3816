"""Development: the embedded default (`make run`)."""

from .base import *
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY", default="dev-only-insecure-secret-key-change-me-0123456789abcdef"
)
