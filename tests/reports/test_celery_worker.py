"""The rebuild through a real Celery worker against Redis (CI sets CELERY_BROKER_URL)."""

import time

import pytest
from django.conf import settings

from households.reference_data import reference_data_load

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        not getattr(settings, "CELERY_REAL_BROKER_URL", ""),
        reason="no real broker (set CELERY_BROKER_URL=redis://...)",
    ),
]


@pytest.fixture
def reference_reloaded(django_db_blocker):
    """Transactional tests empty the tables at the end: load the reference data before (an
    earlier transactional test may have emptied them) and restore it after."""
    with django_db_blocker.unblock():
        reference_data_load()
    yield
    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture
def real_app():
    """A separate Celery app on the real broker (the project's app stays eager for the suite)."""
    from celery import Celery

    from config.celery_app import app as project_app

    app = Celery("giamngheo-test-worker", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=settings.CELERY_REAL_BROKER_URL,
        task_always_eager=False,
        task_default_queue="reports-test-worker",
    )
    app.autodiscover_tasks(["reports"], force=True)
    yield app
    app.close()
    project_app.set_current()
    project_app.set_default()


@pytest.fixture
def worker_connections_closed():
    """The test worker runs tasks in its own thread, whose database connection would outlive it
    (and keep the test database from being dropped): close it when each task ends there."""
    import threading

    from celery.signals import task_postrun
    from django.db import connections

    def close(**_kwargs) -> None:
        if threading.current_thread() is not threading.main_thread():
            connections.close_all()

    task_postrun.connect(close, weak=False)
    yield
    task_postrun.disconnect(close)


def test_rebuild_runs_in_a_real_worker(
    reference_reloaded, transactional_db, real_app, worker_connections_closed
):
    from celery.contrib.testing.worker import start_worker

    from reports.models import IndicatorValue, RebuildJob
    from reports.tasks import snapshot_rebuild_task
    from tests.reports.conftest import build_province_data

    build_province_data()
    job = RebuildJob.objects.create(year=2023, trigger="manual")
    with start_worker(real_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        snapshot_rebuild_task.apply_async(
            args=[2023], kwargs={"trigger": "manual", "job_id": job.pk}
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in ("done", "failed"):
                break
            time.sleep(0.2)
    assert job.status == "done", job.error
    poor = IndicatorValue.objects.get(
        snapshot__status="active", year=2023, indicator="poor_households", area__code="83"
    )
    assert poor.value == 4
