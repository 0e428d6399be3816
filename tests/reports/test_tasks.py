import pytest
from django.core.cache import cache
from django.core.management import call_command

from reports import tasks
from reports.models import IndicatorValue, RebuildJob, Snapshot, YearState
from reports.services import years_mark_dirty


def _forget_scheduled_rebuilds() -> None:
    # Only this test process's keys (cache.clear() would empty the other xdist workers' too).
    cache.delete_many([tasks.debounce_key(year) for year in range(2020, 2031)])


@pytest.fixture(autouse=True)
def _clear_cache():
    _forget_scheduled_rebuilds()
    yield
    _forget_scheduled_rebuilds()


def test_rebuild_command_all_years_and_one_year(rebuilt):
    call_command("rebuild_indicators")
    assert RebuildJob.objects.filter(trigger="command", status="done").count() == 2
    call_command("rebuild_indicators", "--year", "2023")
    assert RebuildJob.objects.filter(trigger="command", year=2023).count() == 2
    assert Snapshot.objects.filter(status="active").count() == 2


def test_bench_command_prints_both_times_and_the_ratio(rebuilt, capsys):
    from io import StringIO

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("bench_reports measures PostgreSQL")
    out = StringIO()
    call_command("bench_reports", "--year", "2023", "--requests", "2", "--runs", "1", stdout=out)
    text = out.getvalue()
    assert "hand-written SQL, households family" in text
    assert "hand-written SQL, programme coverage" in text
    assert "ratio rebuild / hand-written SQL" in text
    assert "median of 1 alternating runs" in text
    assert "plan nodes of the rebuild's reads" in text


def _hand_written(sql: str, year: int) -> dict[str, list[tuple]]:
    from django.db import connection

    from reports.management.commands.bench_reports import _params, _statements

    rows: dict[str, list[tuple]] = {}
    with connection.cursor() as cursor:
        for statement in _statements(sql):
            cursor.execute(statement, _params(year))
            for row in cursor.fetchall():
                rows.setdefault(row[0], []).append(row[1:])
    return rows


def _snapshot(year: int, code: str, field: str = "value") -> dict[int, float]:
    return dict(
        IndicatorValue.objects.filter(
            snapshot__status="active", year=year, indicator=code
        ).values_list("area_id", field)
    )


def test_bench_sql_computes_the_same_counts_as_the_rebuild(rebuilt):
    from django.db import connection

    from reports.management.commands.bench_reports import COVERAGE_SQL, HOUSEHOLDS_SQL

    if connection.vendor != "postgresql":
        pytest.skip("the hand-written SQL is PostgreSQL's (FILTER)")
    rows = _hand_written(HOUSEHOLDS_SQL, 2023)
    poor = {area: row[1] for area, *row in rows["year"]}
    near_persons = {area: row[4] for area, *row in rows["year"]}
    snapshot = _snapshot(2023, "poor_households")
    assert poor == {a: v for a, v in snapshot.items() if a in poor}
    assert sum(poor.values()) > 0
    persons = _snapshot(2023, "near_poor_persons")
    assert near_persons == {a: v for a, v in persons.items() if a in near_persons}
    coverage = _hand_written(COVERAGE_SQL, 2023)
    den = {area: row[0] for area, *row in coverage["households"]}
    num = {area: row[1] for area, *row in coverage["households"]}
    assert den == {
        a: v for a, v in _snapshot(2023, "health_insurance_coverage_den").items() if a in den
    }
    assert num == {
        a: v for a, v in _snapshot(2023, "health_insurance_coverage_num").items() if a in num
    }


def test_burst_of_changes_schedules_one_rebuild(
    province_data, monkeypatch, django_capture_on_commit_callbacks
):
    from households.models import OutboxMessage

    queued = []
    monkeypatch.setattr(tasks.snapshot_rebuild_task, "apply_async", lambda **kw: queued.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        for _i in range(5):
            tasks.snapshot_rebuild_schedule(year=2023, trigger="signal", countdown=30)
    assert len(queued) == 1
    assert queued[0]["countdown"] == 30
    # Recorded in the outbox first, then sent.
    (message,) = OutboxMessage.objects.filter(name=tasks.snapshot_rebuild_task.name)
    assert message.sent_at is not None
    assert RebuildJob.objects.filter(status="queued").count() == 1


def test_dirty_years_are_rebuilt_by_the_periodic_task(rebuilt, monkeypatch):
    import datetime as dt

    monkeypatch.setattr(tasks.timezone, "localdate", lambda: dt.date(2023, 12, 1))
    assert tasks.snapshot_rebuild_dirty_task() == []
    marked = years_mark_dirty(years=[2022])
    assert marked == [2022, 2023]  # 2023's change against 2022 depends on it
    jobs = tasks.snapshot_rebuild_dirty_task()
    assert len(jobs) == 2
    assert not YearState.objects.filter(dirty_since__isnull=False).exists()


def test_nightly_task_rebuilds_every_year(rebuilt):
    assert len(tasks.snapshot_rebuild_all_task()) == 2


def test_demo_loader_rebuilds(province_data):
    from django.apps import apps

    message = apps.get_app_config("reports").load_demo_data()
    assert "2022" in message
    assert Snapshot.objects.filter(status="active").count() == 2


def test_beat_schedule_names_real_tasks():
    from django.conf import settings

    from config.celery_app import app

    app.loader.import_default_modules()
    assert {"reports-rebuild-all-nightly", "households-export-files-prune"} <= set(
        settings.CELERY_BEAT_SCHEDULE
    )
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_our_tasks_follow_one_naming_convention_and_have_time_limits():
    """ "<app>.<service>_task" whatever module defines the task, acknowledged late (each is safe
    to run twice) and stopped by a soft then a hard time limit."""
    from django.conf import settings

    from config.celery_app import app

    app.loader.import_default_modules()
    ours = {
        name: task
        for name, task in app.tasks.items()
        if task.__module__.split(".")[0] in {"households", "programs", "targets", "reports"}
    }
    assert {
        "households.import_job_validate_task",
        "households.import_job_run_task",
        "households.export_job_run_task",
        "households.export_files_prune_task",
        "reports.snapshot_rebuild_task",
        "reports.snapshot_rebuild_all_task",
        "reports.snapshot_rebuild_dirty_task",
        "targets.task_reminders_send_task",
    } <= set(ours)
    for name, task in ours.items():
        app_label, function = name.split(".")
        assert task.__module__.split(".")[0] == app_label, name
        assert function == task.__wrapped__.__name__, name
        assert function.endswith("_task"), name
        assert task.acks_late is True, f"{name}: not safe to run twice? then say so here"
        soft = task.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
        hard = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        assert 0 < soft < hard, name
