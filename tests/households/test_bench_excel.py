"""bench_excel's phases, run in-process on a small workbook: they work and report real plans."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from households.devtools.management.commands.bench_excel import Command
from households.models import Household, HouseholdReview, ReviewRound


def run_phase(phase: str, path, **extra) -> dict:
    out = StringIO()
    arguments = ["--phase", phase, "--file", str(path), "--rows", "30", "--export-rows", "40"]
    call_command("bench_excel", *arguments, stdout=out, **extra)
    return json.loads(out.getvalue().strip().splitlines()[-1])


@pytest.fixture
def workbook(tmp_path, db):
    path = tmp_path / "bench.xlsx"
    Command()._generate(path, 30)
    return path


def test_reading_phases_time_the_file(workbook):
    for phase in ("calamine", "bounds", "bounded", "openpyxl"):
        result = run_phase(phase, workbook)
        assert result["seconds"] > 0
        assert result["maxrss_mb"] > 0


def test_import_phases_plan_and_roll_back(workbook):
    preview = run_phase("validate", workbook)
    assert "'create': 30" in preview["note"]
    imported = run_phase("import", workbook)
    assert "'create': 30" in imported["note"]
    assert "foreign-key checks" in imported["note"]
    assert not Household.objects.filter(code__startswith="BENCH-").exists()


def test_reimport_phases_store_then_clean_up(workbook):
    rounds = set(ReviewRound.objects.values_list("pk", flat=True))
    run_phase("stored", workbook)
    assert ReviewRound.objects.filter(year=2024).exists()
    assert Household.objects.filter(code__startswith="BENCH-").count() == 30
    again = run_phase("reimport", workbook)
    assert "'unchanged': 30" in again["note"]
    corrected = run_phase("corrected", workbook)
    # every tenth household's income is corrected: rows 0, 10 and 20 are updated
    assert "'update': 3" in corrected["note"]
    assert Household.objects.filter(code__startswith="BENCH-").count() == 30
    run_phase("cleanup", workbook)
    assert not Household.objects.filter(code__startswith="BENCH-").exists()
    assert not HouseholdReview.objects.filter(year=2024).exists()
    assert not Household.history.filter(code__startswith="BENCH-").exists()
    # the database as the bench found it: no 2024 rounds left behind
    assert set(ReviewRound.objects.values_list("pk", flat=True)) == rounds
    assert not ReviewRound.history.filter(year=2024).exists()


def test_export_phase_streams_and_rolls_back(workbook):
    before = Household.objects.count()
    result = run_phase("export", workbook)
    assert "exported" in result["note"]
    assert Household.objects.count() == before
