"""Issue 14: reorganisations as data, the tree on a date, households following their unit."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from households.models import (
    Area,
    AreaKindChange,
    Household,
    HouseholdTransfer,
    Reorganisation,
    ReorganisationStep,
    TransferRun,
)
from households.organisation.selectors import (
    area_predecessors,
    area_tree_on,
    final_successor_map,
    households_under_closed_units,
    is_urban_on_date,
)
from households.organisation.services import (
    ReorganisationRefused,
    StepInput,
    households_carry,
    reorganisation_record,
    reorganisation_step_correct,
)
from households.reference_data import all_reference_data_load

pytestmark = pytest.mark.django_db

JULY_2025 = dt.date(2025, 7, 1)


def test_loading_twice_changes_nothing():
    counts = (
        Area.objects.count(),
        ReorganisationStep.objects.count(),
        Reorganisation.objects.count(),
    )
    results = all_reference_data_load()
    assert (
        Area.objects.count(),
        ReorganisationStep.objects.count(),
        Reorganisation.objects.count(),
    ) == counts
    assert (results["areas_2025"].created, results["areas_2025"].updated) == (0, 0)
    for step in results["reorganisations"].values():
        assert (step.created, step.closed) == (0, 0)


def test_the_tree_on_1_july_2025_is_vinh_long_with_124_units():
    tree = area_tree_on(JULY_2025)
    communes = tree.filter(level=Area.Level.COMMUNE)
    assert communes.count() == 124
    assert communes.filter(kind=Area.Kind.COMMUNE).count() == 105
    assert communes.filter(kind=Area.Kind.WARD).count() == 19
    assert not tree.filter(level=Area.Level.DISTRICT).exists()
    assert list(tree.filter(level=Area.Level.PROVINCE).values_list("code", "name")) == [
        ("86", "Tỉnh Vĩnh Long")
    ]
    ba_tri = Area.objects.get(code="29110-2025")
    assert (ba_tri.gso_code, ba_tri.name, ba_tri.kind) == ("29110", "Xã Ba Tri", "xa")
    assert ba_tri.path == "86/29110-2025/"


def test_the_tree_on_10_april_2023_is_ben_tre_with_districts():
    tree = area_tree_on(dt.date(2023, 4, 10))
    assert tree.filter(level=Area.Level.DISTRICT).count() == 9
    assert tree.filter(level=Area.Level.COMMUNE).count() == 157
    assert list(tree.filter(level=Area.Level.PROVINCE).values_list("code", flat=True)) == ["83"]
    # 1 December 2024: nine units absorbed by a neighbour
    assert area_tree_on(dt.date(2024, 12, 1)).filter(level=Area.Level.COMMUNE).count() == 148
    assert Area.objects.get(code="29113").valid_to == dt.date(2024, 11, 30)


def test_every_2023_unit_reaches_exactly_one_of_the_48_ben_tre_born_units():
    final = final_successor_map(JULY_2025)
    communes_2023 = Area.objects.filter(level=Area.Level.COMMUNE, path__startswith="83/")
    assert communes_2023.count() == 157
    reached = {final[a.pk] for a in communes_2023}
    units = Area.objects.filter(pk__in=reached)
    assert units.count() == 48
    assert all(u.is_valid_on(JULY_2025) and u.parent.code == "86" for u in units)
    assert units.filter(kind=Area.Kind.WARD).count() == 5
    # through the 2024 step: Tân Mỹ went into Mỹ Hòa (assumed), then Mỹ Chánh Hòa
    tan_my = Area.objects.get(code="29113")
    assert Area.objects.get(pk=final[tan_my.pk]).name == "Xã Mỹ Chánh Hòa"


def test_xa_ba_tri_was_formed_from_five_units():
    names = {a.name for a in area_predecessors(Area.objects.get(code="29110-2025"))}
    assert names == {"Thị trấn Ba Tri", "Xã Vĩnh Hòa", "Xã An Đức", "Xã Vĩnh An", "Xã An Bình Tây"}


def test_ba_tri_town_is_urban_until_2025_then_rural_and_a_type_change_is_dated():
    town = Area.objects.get(code="29110")
    ba_tri = Area.objects.get(code="29110-2025")
    assert is_urban_on_date(town, dt.date(2024, 9, 1)) is True
    assert is_urban_on_date(ba_tri, dt.date(2025, 9, 1)) is False
    AreaKindChange.objects.create(
        area=ba_tri, from_kind="xa", to_kind="phuong", effective_date=dt.date(2026, 11, 1)
    )
    assert is_urban_on_date(ba_tri, dt.date(2025, 9, 1)) is False
    assert is_urban_on_date(ba_tri, dt.date(2026, 11, 1)) is True
    # Tiệm Tôm became a town in 2023: rural before, urban after
    tiem_tom = Area.objects.get(code="29179")
    assert is_urban_on_date(tiem_tom, dt.date(2022, 9, 1)) is False
    assert is_urban_on_date(tiem_tom, dt.date(2023, 9, 1)) is True


# --- bad reorganisation input: refused whole, row and reason, nothing written -----------------


def _write(tmp_path, text):
    path = tmp_path / "reorg.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _load(path, date="2027-01-01"):
    call_command(
        "load_reorganisation", str(path), code="TEST", name="Thử", legal_basis="NQ thử",
        effective_date=date,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "date", "reason"),
    [
        ("29110-2025,99999,whole", "2027-01-01", "Dòng 3: Mã đơn vị mới “99999” không có"),
        ("29125-2025,29110-2025,whole\n29125-2025,29158-2025,whole", "2027-01-01",
         "Dòng 4: Đơn vị “29125-2025” đã được chuyển toàn bộ ở dòng 3"),
        ("29137-2025,29158-2025,whole\n29158-2025,29137-2025,whole", "2027-01-01",
         "Dòng 4: Vòng lặp"),
        ("29110-2025,28756,whole", "2025-05-01", "Dòng 3: Ngày hiệu lực 01/05/2025 trước khi"),
    ],
    ids=["unknown-code", "whole-twice", "cycle", "before-it-existed"],
)  # fmt: skip
def test_a_bad_reorganisation_file_is_refused_whole(tmp_path, capsys, rows, date, reason):
    # the first row is valid: it must not be written either
    path = _write(tmp_path, f"old_code,new_code,share\n29143-2025,29137-2025,whole\n{rows}\n")
    before = (
        ReorganisationStep.objects.count(),
        Area.objects.filter(valid_to__isnull=True).count(),
    )
    with pytest.raises(CommandError, match="không có gì được ghi"):
        _load(path, date)
    assert reason in capsys.readouterr().err
    assert not Reorganisation.objects.filter(code="TEST").exists()
    assert (
        ReorganisationStep.objects.count(),
        Area.objects.filter(valid_to__isnull=True).count(),
    ) == before


def test_a_good_file_closes_the_old_unit_and_allows_a_split(tmp_path):
    path = _write(
        tmp_path,
        "old_code,new_code,share\n29143-2025,29137-2025,part\n29143-2025,29158-2025,part\n",
    )
    _load(path)
    old = Area.objects.get(code="29143-2025")
    assert old.valid_to == dt.date(2026, 12, 31)
    assert old.successor is None  # split: two successors, none of them "the" successor
    assert {a.code for a in Area.objects.filter(steps_in__old_area=old)} == {
        "29137-2025",
        "29158-2025",
    }


def test_reorganisation_record_refuses_a_cycle_within_the_file():
    with pytest.raises(ReorganisationRefused) as caught:
        reorganisation_record(
            code="LOOP", name="Vòng", legal_basis="-", effective_date=dt.date(2027, 1, 1),
            steps=[StepInput(2, "29137-2025", "29158-2025"), StepInput(3, "29158-2025", "29137-2025")],
        )  # fmt: skip
    assert [row for row, _reason in caught.value.rows] == [3]
    assert not Reorganisation.objects.filter(code="LOOP").exists()


# --- households follow their unit ----------------------------------------------------------------


@pytest.fixture
def old_households(db):
    units = {c: Area.objects.get(code=c) for c in ("29173", "29110", "29113", "28810")}
    return {
        code: Household.objects.create(code=f"HH-{code}", commune=unit, head_name="Lê Thị Hộ")
        for code, unit in units.items()
    }


def test_carry_moves_households_in_one_audited_step_and_a_second_run_moves_nothing(
    old_households, capsys
):
    with pytest.raises(CommandError, match="4 hộ còn thuộc 4 đơn vị"):
        call_command("check_households_units")
    call_command("carry_households", "--dry-run")
    out = capsys.readouterr().out
    assert "29173        Xã An Đức" in out
    assert "29110-2025   Xã Ba Tri: 1 hộ" in out
    assert "Sẽ chuyển 4 hộ của 4 đơn vị" in out
    assert Household.objects.filter(commune__code="29173").count() == 1
    assert not TransferRun.objects.exists()

    call_command("carry_households")
    assert "Đã chuyển 4 hộ" in capsys.readouterr().out
    moved = {
        h.code: (h.commune.code, h.area_path) for h in Household.objects.select_related("commune")
    }
    assert moved == {
        "HH-29173": ("29110-2025", "86/29110-2025/"),
        "HH-29110": ("29110-2025", "86/29110-2025/"),
        "HH-29113": ("29122-2025", "86/29122-2025/"),  # via Mỹ Hòa (2024)
        "HH-28810": ("28810-2025", "86/28810-2025/"),  # An Khánh -> TT Châu Thành -> Phú Túc
    }
    transfers = HouseholdTransfer.objects.select_related("from_area", "to_area")
    assert {(t.from_area.code, t.to_area.code) for t in transfers} == {
        ("29173", "29110-2025"), ("29110", "29110-2025"), ("29113", "29122-2025"),
        ("28810", "28810-2025"),
    }  # fmt: skip
    assert TransferRun.objects.get().households == 4

    call_command("carry_households")
    assert "Đã chuyển 0 hộ" in capsys.readouterr().out
    assert TransferRun.objects.count() == 1
    assert households_under_closed_units() == []
    call_command("check_households_units")
    assert "Không có hộ nào" in capsys.readouterr().out


def test_carry_on_a_date_before_the_merger_moves_only_the_2024_step(old_households):
    plan = households_carry(on=dt.date(2025, 1, 15))
    assert plan.households == 2
    assert Household.objects.get(code="HH-29113").commune.code == "29116"  # Xã Mỹ Hòa
    assert Household.objects.get(code="HH-28810").commune.code == "28801"  # TT Châu Thành
    assert Household.objects.get(code="HH-29173").commune.code == "29173"


def test_hamlets_go_on_under_the_successor(old_households):
    hamlet = Area.objects.create(
        code="29173-01", name="Ấp An Thạnh", level=Area.Level.HAMLET, kind=Area.Kind.HAMLET,
        parent=Area.objects.get(code="29173"),
    )  # fmt: skip
    households_carry(on=JULY_2025)
    hamlet.refresh_from_db()
    assert (hamlet.parent.code, hamlet.path, hamlet.depth) == (
        "29110-2025",
        "86/29110-2025/29173-01/",
        2,
    )


def test_correcting_an_assumed_step_flows_through(old_households, pat):
    households_carry(on=JULY_2025)
    step = ReorganisationStep.objects.get(old_area__code="29113")
    assert step.certainty == "assumed"
    # the administrator finds Tân Mỹ went into Xã An Ngãi Trung (2025: Xã An Ngãi Trung)
    target = Area.objects.get(code="29143")
    moved = reorganisation_step_correct(step=step, new_area=target, user=pat, note="Đã xác minh")
    assert moved == 1
    step.refresh_from_db()
    assert (step.new_area.code, step.certainty) == ("29143", "sure")
    assert Area.objects.get(code="29113").successor.code == "29143"
    assert Household.objects.get(code="HH-29113").commune.code == "29143-2025"
    assert households_under_closed_units() == []
    # the loader does not undo an administrator's correction
    all_reference_data_load()
    assert ReorganisationStep.objects.get(old_area__code="29113").new_area.code == "29143"


# --- people --------------------------------------------------------------------------------------


def test_provincial_staff_see_officers_without_a_current_scope_and_rescope_them(
    client, alice, bob, pat
):
    from django.urls import reverse

    from households.models import StaffProfile

    client.force_login(pat)
    page = client.get(reverse("households:officers-unscoped")).content.decode()
    assert "alice" in page
    assert "bob" in page
    assert "Xã An Đức (đến 30/06/2025)" in page
    response = client.post(
        reverse("households:officers-unscoped"),
        {f"p{alice.profile.pk}-area": "29110-2025", f"p{bob.profile.pk}-area": ""},
        follow=True,
    )
    assert "Đã phân công địa bàn mới cho 1 cán bộ." in response.content.decode()
    codes = set(StaffProfile.objects.get(user=alice).areas.values_list("code", flat=True))
    assert codes == {"29173", "29110-2025"}  # the history stays readable
    page = client.get(reverse("households:officers-unscoped")).content.decode()
    assert "alice" not in page
    assert "bob" in page


def test_the_officers_page_is_provincial_only(client, alice):
    from django.urls import reverse

    client.force_login(alice)
    assert client.get(reverse("households:officers-unscoped")).status_code == 404


def test_generate_province_builds_the_merged_province_year_by_year():
    from households.models import HouseholdReview
    from households.organisation.selectors import area_tree_for_year

    call_command(
        "generate_province", households=40, year=2023, seed=3, until=2026, new_households=9,
        new_units=3,
    )  # fmt: skip
    assert Household.objects.count() == 49
    assert not Household.objects.filter(commune__valid_to__isnull=False).exists()
    for year in range(2022, 2027):
        tree = set(area_tree_for_year(year).values_list("id", flat=True))
        filed = set(HouseholdReview.objects.filter(year=year).values_list("area_id", flat=True))
        assert filed <= tree, year
    assert HouseholdReview.objects.filter(year=2023).count() == 40
    assert HouseholdReview.objects.filter(year=2026).count() == 49
    # the new units' households start in 2025
    fresh = Household.objects.exclude(transfers__isnull=False)
    assert fresh.count() == 9
    assert set(
        HouseholdReview.objects.filter(household__in=fresh).values_list("year", flat=True)
    ) == {
        2025,
        2026,
    }
