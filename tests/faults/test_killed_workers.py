"""A worker killed in the middle of its work leaves nothing half-written and its job failed.

To kill it at a known point, the test holds a lock (from its own connection) that the task
needs only after it has written everything: the outbox table for the import (its last insert),
the active snapshot's row for the rebuild (the swap). The task waits on it, mid-transaction;
the test kills the worker's child process (SIGKILL), as the out-of-memory killer would.
"""

from __future__ import annotations

import os
import signal
import time

import psycopg
import pytest

from households.excel.tasks import import_job_run_task
from households.models import Household, HouseholdReview, ImportJob, Member
from reports.models import IndicatorValue, RebuildJob, Snapshot
from reports.tasks import snapshot_rebuild_task
from tests.households.test_excel_support import build_workbook, household_row

from .conftest import database_url_of_tests, pool_children

pytestmark = [pytest.mark.faults]
LOST = "Máy xử lý nền đã dừng đột ngột"


def _wait_for(predicate, seconds: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _someone_waits_on_a_lock(locker) -> bool:
    # Statistics are a snapshot per transaction: clear it to see the waits of now.
    locker.execute("SELECT pg_stat_clear_snapshot()")
    row = locker.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
    ).fetchone()
    return row[0] > 0


def _kill_the_pool_child(worker) -> None:
    children = pool_children(worker.pid)
    assert children, "the worker has no pool child"
    for child in children:
        os.kill(child, signal.SIGKILL)


def test_worker_killed_mid_import_writes_nothing_and_fails_the_job(
    reference_reloaded, transactional_db, broker_app, worker_process, alice, tmp_path
):
    path = tmp_path / "import.xlsx"
    path.write_bytes(build_workbook([household_row(code=f"HB-{n:04d}") for n in range(1, 201)]))
    job = ImportJob.objects.create(
        user=alice, file_path=str(path), year=2024, status=ImportJob.Status.QUEUED
    )
    with psycopg.connect(database_url_of_tests()) as locker:
        locker.execute("LOCK TABLE households_outboxmessage IN EXCLUSIVE MODE")
        import_job_run_task.apply_async(args=[job.pk])
        _wait_for(lambda: _someone_waits_on_a_lock(locker), what="the import to reach its end")
        # Everything is written, not committed: the 200 households are in its transaction.
        _kill_the_pool_child(worker_process)
        _wait_for(
            lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.FAILED,
            what="the job to be failed",
        )
    job.refresh_from_db()
    assert LOST in job.errors[0]["message"]
    assert Household.objects.count() == 0
    assert Member.objects.count() == 0
    assert HouseholdReview.objects.count() == 0
    assert worker_process.poll() is None  # the worker itself lives on, with a new child


def test_worker_killed_mid_rebuild_keeps_the_previous_snapshot_and_fails_the_job(
    reference_reloaded, transactional_db, broker_app, worker_process
):
    from reports.services import snapshot_rebuild
    from tests.reports.conftest import build_province_data

    build_province_data()
    snapshot_rebuild(year=2023)
    previous = Snapshot.objects.get(year=2023, status="active")
    poor = {"snapshot__status": "active", "indicator": "poor_households", "area__code": "83"}
    assert IndicatorValue.objects.get(year=2023, **poor).value == 4
    # A change the next rebuild would show (H6 approved: 5 poor households).
    HouseholdReview.objects.filter(year=2023, status="submitted").update(status="approved")
    job = RebuildJob.objects.create(year=2023)
    with psycopg.connect(database_url_of_tests()) as locker:
        locker.execute("SELECT id FROM reports_snapshot WHERE id = %s FOR UPDATE", [previous.pk])
        snapshot_rebuild_task.apply_async(
            args=[2023], kwargs={"trigger": "manual", "job_id": job.pk}
        )
        _wait_for(lambda: _someone_waits_on_a_lock(locker), what="the rebuild to reach its swap")
        _kill_the_pool_child(worker_process)
        _wait_for(
            lambda: RebuildJob.objects.get(pk=job.pk).status == RebuildJob.Status.FAILED,
            what="the job to be failed",
        )
    job.refresh_from_db()
    assert job.error.startswith(LOST)
    assert list(Snapshot.objects.filter(year=2023).values_list("pk", "status")) == [
        (previous.pk, "active")
    ]
    assert IndicatorValue.objects.get(year=2023, **poor).value == 4  # still served
    assert worker_process.poll() is None


def test_a_hostile_workbook_in_a_real_worker_is_refused_and_the_worker_goes_on(
    reference_reloaded, transactional_db, broker_app, worker_process, alice, tmp_path
):
    from households.excel.tasks import import_job_validate_task
    from tests.security import hostile_files

    sparse = tmp_path / "sparse.xlsx"
    sparse.write_bytes(hostile_files.sparse_range("HO"))
    good = tmp_path / "good.xlsx"
    good.write_bytes(build_workbook([household_row()]))

    jobs = [
        ImportJob.objects.create(user=alice, file_path=str(p), year=2024) for p in (sparse, good)
    ]
    child = pool_children(worker_process.pid)
    for job in jobs:
        import_job_validate_task.apply_async(args=[job.pk])
    _wait_for(
        lambda: not ImportJob.objects.filter(status__in=["pending", "validating"]).exists(),
        what="both validations",
    )
    refused, ready = (ImportJob.objects.get(pk=j.pk) for j in jobs)
    assert refused.status == ImportJob.Status.REFUSED
    assert "vùng dữ liệu quá lớn" in refused.errors[0]["message"]
    assert ready.status == ImportJob.Status.READY
    assert pool_children(worker_process.pid) == child  # the same child: nothing died
    assert Household.objects.count() == 0
