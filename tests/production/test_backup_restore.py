"""Backups: dump, wipe, restore, and the data and files are all back (issue 20)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from households.models import Household, Member
from households.reference_data import all_reference_data_load
from households.site.backups import backup_list, backups_prune, table_counts
from tests.households.conftest import household_make

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def installation(settings, tmp_path):
    all_reference_data_load()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_ROOT = tmp_path / "backups"
    evidence = settings.MEDIA_ROOT / "evidence" / "2026" / "bien-ban.pdf"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(b"%PDF-1.7 bien ban hop thon " * 100)
    for n in range(3):
        household_make(
            code=f"BT-{n:04d}", head=f"Nguyễn Văn {n}", head_citizen_id=f"08308900{n:04d}"
        )
    return evidence


def _fingerprint() -> list[tuple]:
    return list(
        Member.objects.order_by("household__code").values_list(
            "household__code", "full_name", "citizen_id", "date_of_birth"
        )
    )


def test_dump_wipe_restore_brings_back_rows_and_files(installation, settings, capsys):
    before_counts, before_rows = table_counts(), _fingerprint()
    evidence_bytes = installation.read_bytes()

    call_command("backup_create")
    out = capsys.readouterr().out
    assert "Đã sao lưu" in out
    [backup] = backup_list()
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["counts"]["households_household"] == 3

    # Wipe: the households and the uploaded file are gone.
    Household.objects.all().delete()
    installation.unlink()
    assert Member.objects.count() == 0

    with pytest.raises(CommandError, match="--yes"):
        call_command("backup_restore", str(backup))
    assert Household.objects.count() == 0

    call_command("backup_restore", str(backup), yes=True)
    assert "khớp với bản sao lưu" in capsys.readouterr().out
    assert table_counts() == before_counts
    assert _fingerprint() == before_rows
    assert installation.read_bytes() == evidence_bytes


def test_a_damaged_backup_is_refused_and_nothing_changes(installation, settings):
    call_command("backup_create")
    [backup] = backup_list()
    dump = next(p for p in backup.iterdir() if p.name.startswith("database."))
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    Household.objects.filter(code="BT-0000").delete()

    with pytest.raises(CommandError, match="SHA-256"):
        call_command("backup_restore", str(backup), yes=True)
    assert Household.objects.count() == 2
    assert installation.exists()


def test_old_backups_are_pruned_but_the_newest_is_kept(installation, settings):
    now = timezone.now()
    call_command("backup_create")
    [first] = backup_list()
    manifest = json.loads((first / "manifest.json").read_text())
    manifest["created_at"] = (now - timedelta(days=30)).isoformat()
    (first / "manifest.json").write_text(json.dumps(manifest))

    assert backups_prune(keep_days=14) == []  # the only backup stays, however old

    from households.site.backups import backup_create

    backup_create(now=now + timedelta(seconds=5))
    assert backups_prune(keep_days=14) == [first]
    assert len(backup_list()) == 1
