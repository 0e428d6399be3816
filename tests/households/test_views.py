"""The officer's journey through the test client, the outsider's 404s, bad input."""

from datetime import date

import pytest
from django.urls import reverse

from households.models import Household, HouseholdReview, ReviewRound
from tests.conftest import login

pytestmark = pytest.mark.django_db


def household_post(commune, *, version="", members=(), existing=0, **extra):
    data = {
        "code": "BT-NEW-1",
        "commune": str(commune.pk),
        "hamlet": "",
        "address": "Ấp 1",
        "head_name": "Trần Văn Bốn",
        "head_citizen_id": "",
        "phone": "",
        "declared_size": "",
        "version": str(version),
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": str(existing),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for i, member in enumerate(members):
        row = {
            "full_name": "",
            "sex": "M",
            "date_of_birth": "",
            "relationship": "head",
            "citizen_id": "",
            "ethnicity": "Kinh",
            "education": "none",
            "work_status": "not_in_labour_force",
            "join_reason": "initial",
        } | member
        for key, value in row.items():
            if value is True:
                value = "on"
            if value is False:
                continue
            data[f"members-{i}-{key}"] = value
    data.update(extra)
    return data


FOUR = [
    {
        "full_name": "Trần Văn Bốn",
        "date_of_birth": "1989-03-02",
        "citizen_id": "083089000777",
        "work_status": "unemployed",
        "education": "primary",
    },
    {
        "full_name": "Lê Thị Năm",
        "sex": "F",
        "date_of_birth": "1990-05-05",
        "relationship": "spouse",
        "has_health_insurance": True,
        "health_insurance_expiry": "2024-12-31",
        "work_status": "self_employed",
        "education": "upper_secondary",
    },
    {
        "full_name": "Trần Văn Sáu",
        "date_of_birth": "2015-01-10",
        "relationship": "child",
        "school_level": "primary",
        "has_health_insurance": True,
    },
    {
        "full_name": "Trần Thị Bảy",
        "sex": "F",
        "date_of_birth": "2019-02-01",
        "relationship": "child",
        "school_level": "preschool",
    },
]

REVIEW = {
    "income_per_capita": "1.200.000",
    "nondurable_parts": "2",
    "floor_area_m2": "40",
    "water_source": "tap",
    "latrine": "unhygienic",
    "uses_internet": "1",
    "has_information_device": "1",
}


def test_journey_create_review_submit_approve(client, alice, bob, charlie, area):
    an_duc = area("29173")
    login(client, alice)
    response = client.post(reverse("households:create"), household_post(an_duc, members=FOUR))
    household = Household.objects.get(code="BT-NEW-1")
    assert response.status_code == 302
    assert household.members.count() == 4
    assert household.area_path == "83/836/29173/"

    preview = client.post(reverse("households:review-preview", args=[household.pk, 2023]), REVIEW)
    assert "Hộ nghèo" in preview.content.decode()
    assert "Trần Văn Bốn, 34 tuổi, không có thẻ BHYT" in preview.content.decode()

    response = client.post(
        reverse("households:review-edit", args=[household.pk, 2023]), REVIEW | {"submit": "1"}
    )
    assert response.status_code == 302
    review = HouseholdReview.objects.get(household=household, year=2023)
    assert review.status == "submitted"
    assert review.classification == "poor"
    assert review.deprivation_count == 4  # CS01, CS04, CS07, CS10

    # Commune officers cannot approve.
    assert client.post(reverse("households:review-approve", args=[review.pk])).status_code == 404
    login(client, bob)
    queue = client.get(reverse("households:review-queue"))
    assert "BT-NEW-1" in queue.content.decode()
    client.post(reverse("households:review-approve", args=[review.pk]))
    review.refresh_from_db()
    assert review.status == "approved"
    assert review.approved_by == bob
    # No approved 2022 review: the household joins the poor list as "other increase".
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "Tăng khác (năm trước không có trong danh sách của địa bàn)" in page

    login(client, charlie)
    assert client.get(reverse("households:detail", args=[household.pk])).status_code == 404
    assert "BT-NEW-1" not in client.get(reverse("households:list")).content.decode()


def test_review_form_conflict_needs_confirmation(client, alice, household):
    login(client, alice)
    url = reverse("households:review-edit", args=[household.pk, 2023])
    data = REVIEW | {"t04": "0"}  # the head, 34, has no card: the facts say deprived
    response = client.post(url, data)
    assert response.status_code == 200
    assert "CS04" in response.content.decode()
    assert not HouseholdReview.objects.exists()
    client.post(url, data | {"r04": "Thẻ đã cấp, chưa cập nhật"})
    review = HouseholdReview.objects.get()
    assert review.d04 is False
    assert review.sources["4"] == "overridden"
    assert review.overrides["4"]["reason"] == "Thẻ đã cấp, chưa cập nhật"
    assert review.overrides["4"]["by"] == alice.username


def test_negative_income_and_locked_year_are_refused(client, alice, household):
    login(client, alice)
    url = reverse("households:review-edit", args=[household.pk, 2023])
    response = client.post(url, REVIEW | {"income_per_capita": "-5"})
    assert "Thu nhập không được âm." in response.content.decode()
    ReviewRound.objects.create(
        area=household.commune, year=2023, reference_date=date(2023, 9, 1), status="locked"
    )
    response = client.post(url, REVIEW)
    assert "đã được phê duyệt và khóa số liệu" in response.content.decode()
    assert not HouseholdReview.objects.exists()


def test_bad_member_input_gets_vietnamese_messages_and_saves_nothing(client, alice, area):
    login(client, alice)
    an_duc = area("29173")
    members = [
        {"full_name": "A", "date_of_birth": "2099-01-01"},
        {"full_name": "B", "date_of_birth": "1989-01-01", "citizen_id": "12345"},
        {"full_name": "C", "date_of_birth": "1989-01-01", "citizen_id": "083089000555"},
        {"full_name": "D", "date_of_birth": "1989-02-01", "citizen_id": "083089000555"},
    ]
    response = client.post(reverse("households:create"), household_post(an_duc, members=members))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Ngày sinh không được ở tương lai." in text
    assert "Số CCCD phải gồm đúng 12 chữ số." in text
    assert "bị nhập hai lần" in text
    assert not Household.objects.exists()


def test_hamlet_outside_the_commune_is_refused(client, alice, area):
    from households.models import Area

    an_duc = area("29173")
    other = Area.objects.create(
        code="29113-01", name="Ấp 1", level="hamlet", kind="ap", parent=area("29113")
    )
    login(client, alice)
    response = client.post(
        reverse("households:create"), household_post(an_duc, members=[], hamlet=str(other.pk))
    )
    assert response.status_code == 200
    assert not Household.objects.exists()


def test_citizen_id_held_by_another_household_is_a_field_message(client, alice, household, area):
    login(client, alice)
    members = [{"full_name": "X", "date_of_birth": "1989-01-01", "citizen_id": "083089000123"}]
    response = client.post(
        reverse("households:create"), household_post(area("29173"), members=members)
    )
    assert "Số CCCD này đã có ở một nhân khẩu khác đang cư trú." in response.content.decode()
    assert Household.objects.count() == 1


def test_removing_a_member_records_that_they_left(client, alice, household):
    login(client, alice)
    member = household.members.get()
    data = household_post(
        household.commune,
        version=household.version,
        existing=1,
        code=household.code,
        members=[
            {
                "id": str(member.pk),
                "full_name": member.full_name,
                "date_of_birth": "1989-01-01",
                "citizen_id": member.citizen_id,
                "DELETE": True,
            }
        ],
    )
    data["code"] = household.code
    response = client.post(reverse("households:edit", args=[household.pk]), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_on is not None
    assert member.leave_reason == "other"


def test_second_save_with_stale_version_is_refused(client, alice, bob, household):
    url = reverse("households:edit", args=[household.pk])
    member = household.members.get()
    row = {
        "id": str(member.pk),
        "full_name": member.full_name,
        "date_of_birth": "1989-01-01",
        "citizen_id": member.citizen_id,
    }
    first = household_post(
        household.commune, version=1, existing=1, members=[row], head_name="Nguyễn Văn An (alice)"
    )
    second = household_post(
        household.commune, version=1, existing=1, members=[row], head_name="Nguyễn Văn An (bob)"
    )
    first["code"] = second["code"] = household.code
    login(client, alice)
    assert client.post(url, first).status_code == 302
    login(client, bob)
    response = client.post(url, second)
    assert response.status_code == 200
    assert "vừa được người khác cập nhật" in response.content.decode()
    household.refresh_from_db()
    assert household.head_name == "Nguyễn Văn An (alice)"
    assert household.version == 2


def test_outsider_gets_404_on_every_url_and_changes_nothing(client, charlie, household):
    review = HouseholdReview.objects.create(
        household=household,
        round=ReviewRound.objects.create(
            area=household.commune, year=2023, reference_date=date(2023, 9, 1)
        ),
        year=2023,
        reference_date=date(2023, 9, 1),
        standard_id=1,
        is_urban=False,
        income_per_capita=1,
        classification="poor",
        status="submitted",
    )
    login(client, charlie)
    gets = [
        reverse("households:detail", args=[household.pk]),
        reverse("households:edit", args=[household.pk]),
        reverse("households:review-edit", args=[household.pk, 2023]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        (
            reverse("households:edit", args=[household.pk]),
            household_post(household.commune, version=1, head_name="Hacked"),
        ),
        (reverse("households:review-edit", args=[household.pk, 2023]), REVIEW),
        (reverse("households:review-preview", args=[household.pk, 2023]), REVIEW),
        (reverse("households:review-submit", args=[review.pk]), {}),
        (reverse("households:review-approve", args=[review.pk]), {}),
        (reverse("households:review-return", args=[review.pk]), {"reason": "x"}),
        (reverse("households:review-reopen", args=[review.pk]), {"reason": "x"}),
        (
            reverse("households:population"),
            {"area": "29173", "year": "2023", "households": "1", "persons": "1"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    household.refresh_from_db()
    review.refresh_from_db()
    assert household.head_name == "Nguyễn Văn An"
    assert review.status == "submitted"
    assert "BT-0001" not in client.get(reverse("households:list")).content.decode()
    assert "BT-0001" not in client.get(reverse("households:review-queue")).content.decode()


def test_agency_staff_and_nobody_see_nothing(client, agnes, nobody, household):
    for user in (agnes, nobody):
        login(client, user)
        assert client.get(reverse("households:detail", args=[household.pk])).status_code == 404
        assert client.get(reverse("households:create")).status_code == 404
        assert client.get(reverse("households:population")).status_code == 404


def test_search_without_diacritics_and_by_citizen_id(client, alice, household, make_household):
    make_household(code="BT-0002", head="Lê Thị Hoa")
    login(client, alice)
    page = client.get(reverse("households:list"), {"q": "nguyen van an"}).content.decode()
    assert "BT-0001" in page
    assert "BT-0002" not in page
    page = client.get(reverse("households:list"), {"q": "083089000123"}).content.decode()
    assert "BT-0001" in page
    assert "BT-0002" not in page


def test_list_masks_citizen_id_for_provincial_staff(client, alice, pat, household):
    login(client, alice)
    assert "083089000123" in client.get(reverse("households:list")).content.decode()
    login(client, pat)
    page = client.get(reverse("households:list")).content.decode()
    assert "083089000123" not in page
    assert "0**********3" in page


def test_detail_shows_audit_trail_with_who_and_old_new(client, alice, household):
    login(client, alice)
    member = household.members.get()
    data = household_post(
        household.commune,
        version=1,
        existing=1,
        members=[
            {
                "id": str(member.pk),
                "full_name": member.full_name,
                "date_of_birth": "1989-01-01",
                "citizen_id": member.citizen_id,
            }
        ],
        head_name="Nguyễn Văn Ân",
        phone="0912345678",
    )
    data["code"] = household.code
    assert client.post(reverse("households:edit", args=[household.pk]), data).status_code == 302
    record = household.history.latest()
    assert record.history_user == alice
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "Nguyễn Văn An → Nguyễn Văn Ân" in page
    assert "Alice" in page


def test_population_page_saves_figures(client, alice):
    from households.models import AreaPopulation

    login(client, alice)
    url = reverse("households:population")
    assert "Xã An Đức" in client.get(url, {"year": 2023}).content.decode()
    client.post(url, {"area": "29173", "year": "2023", "households": "2500", "persons": "8000"})
    figure = AreaPopulation.objects.get(area__code="29173", year=2023)
    assert (figure.households, figure.persons) == (2500, 8000)
    assert figure.history.latest().history_user == alice


def test_return_and_reopen_with_reason(client, alice, bob, household):
    from households import services

    review = services.review_save(
        household=household,
        year=2023,
        user=alice,
        data=services.ReviewInput(
            income_per_capita=3_000_000,
            facts=__import__("households.rules", fromlist=["HouseholdFacts"]).HouseholdFacts(),
            ticks=dict.fromkeys(range(7, 13), False),
        ),
    )
    services.review_submit(review=review, user=alice)
    login(client, bob)
    client.post(reverse("households:review-return", args=[review.pk]), {"reason": "Thiếu thu nhập"})
    review.refresh_from_db()
    assert review.status == "returned"
    assert review.return_reason == "Thiếu thu nhập"
    services.review_submit(review=review, user=alice)
    client.post(reverse("households:review-approve", args=[review.pk]))
    client.post(reverse("households:review-reopen", args=[review.pk]), {"reason": "Sai diện tích"})
    review.refresh_from_db()
    assert review.status == "draft"
    assert review.reopenings.get().reason == "Sai diện tích"


def test_search_by_full_citizen_id_only_for_those_who_may_see_it(
    client, alice, bob, pat, household
):
    """Provincial staff see IDs masked: a search by a full ID must not confirm who holds it."""
    for user, found in ((alice, True), (bob, True), (pat, False)):
        login(client, user)
        page = client.get(reverse("households:list"), {"q": "083089000123"}).content.decode()
        assert ("BT-0001" in page) is found, user.username
        # The household is still found by its name.
        page = client.get(reverse("households:list"), {"q": "nguyen van an"}).content.decode()
        assert "BT-0001" in page


def test_pages_with_personal_data_are_not_stored_by_browsers(client, alice, household):
    login(client, alice)
    for url in (
        reverse("households:list"),
        reverse("households:detail", args=[household.pk]),
        reverse("households:export"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
