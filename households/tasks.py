"""Celery tasks of the households app (autodiscovered)."""

from households.excel.tasks import *  # noqa: F403
