import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("giamngheo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
def _log_with_task_id(task_id: str | None = None, **_: object) -> None:
    # A task's log lines carry its id where a request's carry the request id.
    from config.logging import request_id_var

    request_id_var.set(f"task-{task_id}" if task_id else "-")
