"""A year locked for an area in the interface, reopened with a reason, and every write path
refusing it: the review form, the workbook import (page and command), one support record, the
bulk recording, the support workbook, and the admin."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from households import services
from households.models import Area, Household, HouseholdReview, ReviewReopening, ReviewRound
from programs.models import Programme, SupportRecord
from programs.reference_data import programmes_load
from tests.conftest import login
from tests.households.test_excel_support import build_workbook, household_row
from tests.programs.conftest import make_household
from tests.programs.test_views import _xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def programmes(db):
    programmes_load()


LOCKED = "đã được phê duyệt và khóa số liệu"
LOCKS = reverse("households:year-locks")


def _lock_url(code="29173", year=2023):
    return reverse("households:year-lock", args=[code, year])


def _reopen_url(code="29173", year=2023):
    return reverse("households:year-reopen", args=[code, year])


def _page(client, year=2023, code="29173"):
    """The page of the lock list that holds the commune (50 communes a page, tree order)."""
    communes = list(
        Area.objects.filter(level="commune").order_by("path").values_list("code", flat=True)
    )
    number = communes.index(code) // 50 + 1
    return client.get(f"{LOCKS}?year={year}&page={number}").content.decode()


@pytest.fixture
def locked_2023(programmes, pat):
    """Xã An Đức (29173) with one approved poor household (V1, an adult without a card), its
    year 2023 locked by provincial staff through the page's service."""
    household = make_household("V1", members=[{"date_of_birth": date(1980, 1, 1)}])
    commune = household.commune
    services.year_lock(commune=commune, year=2023, user=pat)
    return household


def test_provincial_staff_lock_a_recognised_year_and_the_page_shows_it(client, programmes, pat):
    make_household("V1")
    login(client, pat)
    page = _page(client)
    assert "Xã An Đức" in page
    assert _lock_url() in page
    response = client.post(_lock_url())
    assert response.status_code == 302
    round_ = ReviewRound.objects.get(area__code="29173", year=2023)
    assert (round_.status, round_.locked_by) == ("locked", pat)
    assert round_.history.latest().history_user == pat
    page = client.get(response.url).content.decode()
    assert "Đã khóa số liệu năm 2023 của Xã An Đức." in page
    page = _page(client)
    assert "Đã khóa" in page
    assert _reopen_url() in page


def test_a_year_with_reviews_not_yet_approved_cannot_be_locked(client, programmes, pat):
    make_household("V1")
    make_household("V2", classification=None)
    HouseholdReview.objects.filter(household__code="V1").update(status="submitted")
    login(client, pat)
    page = client.post(_lock_url(), follow=True).content.decode()
    assert "Chưa khóa được năm 2023 của Xã An Đức: còn 1 phiếu chưa được phê duyệt." in page
    assert not ReviewRound.objects.filter(status="locked").exists()


def test_reopening_needs_a_reason_and_is_recorded_and_shown(client, locked_2023, pat):
    login(client, pat)
    page = client.post(_reopen_url(), {"reason": "  "}, follow=True).content.decode()
    assert "Hãy ghi lý do mở lại kỳ rà soát." in page
    assert ReviewRound.objects.get(area__code="29173", year=2023).status == "locked"
    client.post(_reopen_url(), {"reason": "Sót hộ Trần Văn Bé, cần rà soát bổ sung"})
    round_ = ReviewRound.objects.get(area__code="29173", year=2023)
    assert round_.status == "open"
    reopening = ReviewReopening.objects.get()
    assert (reopening.round, reopening.reopened_by) == (round_, pat)
    assert reopening.reason == "Sót hộ Trần Văn Bé, cần rà soát bổ sung"
    assert round_.history.latest().history_user == pat
    page = _page(client)
    assert "Sót hộ Trần Văn Bé, cần rà soát bổ sung" in page
    assert _lock_url() in page  # open again: can be locked again
    # Reopening an open year says so and records nothing.
    page = client.post(_reopen_url(), {"reason": "lần nữa"}, follow=True).content.decode()
    assert "Năm 2023 của Xã An Đức chưa bị khóa, không cần mở lại." in page
    assert ReviewReopening.objects.count() == 1


def test_the_district_locks_its_communes_the_commune_only_sees(client, programmes, alice, bob):
    make_household("V1")
    login(client, alice)
    page = _page(client)
    assert "Xã An Đức" in page
    assert _lock_url() not in page  # a commune officer does not lock its own year
    assert client.post(_lock_url()).status_code == 404
    login(client, bob)
    assert _lock_url() in _page(client)
    assert client.post(_lock_url()).status_code == 302
    assert ReviewRound.objects.get(area__code="29173", year=2023).locked_by == bob


def test_outsiders_get_404(client, programmes, charlie, agnes):
    make_household("V1")
    login(client, charlie)  # district officer of Thạnh Phú
    assert "Xã An Đức" not in _page(client)
    assert client.post(_lock_url()).status_code == 404
    assert client.post(_reopen_url(), {"reason": "x"}).status_code == 404
    login(client, agnes)  # agency staff
    assert client.get(LOCKS).status_code == 404
    assert not ReviewRound.objects.filter(status="locked").exists()


# --- every write path refuses a locked year ---------------------------------------------------


def test_review_form_refuses(client, locked_2023, alice):
    login(client, alice)
    url = reverse("households:review-edit", args=[locked_2023.pk, 2023])
    response = client.post(url, {"income_per_capita": "1000000"})
    assert LOCKED in response.content.decode()
    review = HouseholdReview.objects.get()
    assert (review.status, review.version) == ("approved", 1)


def test_review_reopen_refuses(client, locked_2023, bob):
    review = locked_2023.reviews.get()
    login(client, bob)
    page = client.post(
        reverse("households:review-reopen", args=[review.pk]), {"reason": "sai"}, follow=True
    ).content.decode()
    assert LOCKED in page
    review.refresh_from_db()
    assert review.status == "approved"
    assert not ReviewReopening.objects.exists()


def test_workbook_import_command_refuses(tmp_path, programmes, pat, alice):
    services.year_lock(commune=make_household("V1").commune, year=2024, user=pat)
    path = tmp_path / "in.xlsx"
    build_workbook([household_row()], path=path)
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_reviews", str(path), "--year", "2024", "--user", "alice")
    assert not Household.objects.exclude(code="V1").exists()


def test_one_support_record_refuses(client, locked_2023, alice):
    login(client, alice)
    url = reverse("programs:support-create", args=[locked_2023.pk])
    page = client.post(
        url, {"programme": Programme.objects.get(code="NUOCSACH").pk, "date": "2023-06-01"}
    ).content.decode()
    assert LOCKED in page
    assert not SupportRecord.objects.exists()


def test_bulk_support_refuses(client, locked_2023, alice):
    login(client, alice)
    url = reverse("programs:bulk-support") + "?classification=poor&year=2023"
    page = client.post(
        url,
        {
            "programme": Programme.objects.get(code="BHYT").pk,
            "date": "2023-06-01",
            "valid_until": "2023-12-31",
        },
        follow=True,
    ).content.decode()
    assert LOCKED in page
    assert "Các hộ thuộc địa bàn đã khóa: V1." in page
    assert not SupportRecord.objects.exists()


def test_support_workbook_refuses(client, locked_2023, alice):
    login(client, alice)
    url = reverse("programs:import")
    client.post(
        url, {"file": _xlsx([["V1", None, "NUOCSACH", "01/06/2023", None, 1000, None, ""]])}
    )
    page = client.post(url, {"confirm": "1"}, follow=True).content.decode()
    assert LOCKED in page
    assert not SupportRecord.objects.exists()


def test_admin_refuses(client, locked_2023, admin_user):
    client.force_login(admin_user)
    review = locked_2023.reviews.get()
    url = reverse("admin:households_householdreview_change", args=[review.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {"household": review.household_id, "round": review.round_id, "income_per_capita": 1}
    # Reviews are read-only in the admin (issue 16): the write is refused whatever the year.
    assert client.post(url, data).status_code == 403
    review.refresh_from_db()
    assert review.income_per_capita == 1_000_000
    url = reverse("admin:programs_supportrecord_add")
    page = client.post(
        url,
        {
            "programme": Programme.objects.get(code="NUOCSACH").pk,
            "household": locked_2023.pk,
            "date": "2023-06-01",
        },
    ).content.decode()
    assert LOCKED in page
    assert not SupportRecord.objects.exists()
    # The round's lock is shown in the admin, never set there.
    round_ = ReviewRound.objects.get(status="locked")
    page = client.get(reverse("admin:households_reviewround_change", args=[round_.pk]))
    assert "status" not in page.context["adminform"].form.fields


@pytest.mark.parametrize("locked_communes", [("29173",), ("29173", "29182", "29185")])
def test_the_lock_page_reads_a_fixed_number_of_times(
    client, programmes, pat, django_assert_num_queries, locked_communes
):
    for i, code in enumerate(locked_communes):
        household = make_household(f"L{i}", commune=code)
        services.year_lock(commune=household.commune, year=2023, user=pat)
        services.round_reopen(
            round_=ReviewRound.objects.get(area__code=code), user=pat, reason=f"lý do {i}"
        )
        services.year_lock(commune=household.commune, year=2023, user=pat)
    login(client, pat)
    with django_assert_num_queries(QUERIES_LOCK_PAGE):
        response = client.get(f"{LOCKS}?year=2023")
    assert response.status_code == 200
    shown = "".join(_page(client, code=code) for code in {"29173", "29182"})
    assert shown.count("Đã khóa</strong>") >= 1


QUERIES_LOCK_PAGE = 7


@pytest.mark.parametrize("n", [1, 5])
def test_review_approve_writes_a_fixed_number_of_queries(
    programmes, alice, bob, django_assert_num_queries, n
):
    for i in range(n):
        make_household(f"A{i}", classification=None)
    from dataclasses import replace

    from tests.households.test_services import DATA

    household = make_household("Z", classification=None)
    # Every indicator decided by the officer: the members' facts are not recorded here.
    data = replace(DATA, ticks=dict.fromkeys(range(1, 13), False))
    review = services.review_save_submit(household=household, year=2023, data=data, user=alice)
    with django_assert_num_queries(QUERIES_APPROVE):
        approved = services.review_approve(review=review, user=bob)
    assert approved.status == "approved"
    assert HouseholdReview.objects.get(pk=review.pk).is_current


QUERIES_APPROVE = 9
