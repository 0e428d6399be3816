"""Issue 14 item 4, in words: buttons, badges and messages follow who approves the round.

With districts (2023, Xã An Đức under Huyện Ba Tri) the commune sends to the district; in the
two-tier tree (2026, Xã Ba Tri under Tỉnh Vĩnh Long) the commune People's Committee recognises
the list, and nothing says "huyện".
"""

import pytest
from django.urls import reverse

from households import rules, services
from households.models import Area, Household, ReviewRound
from households.organisation import roles
from tests.conftest import login, make_user

pytestmark = pytest.mark.django_db

DECIDED = services.ReviewInput(
    income_per_capita=1_000_000,
    facts=rules.HouseholdFacts(),
    ticks=dict.fromkeys(range(1, 13), False),
)


def _household(code: str, commune: str) -> Household:
    return Household.objects.create(
        code=code, commune=Area.objects.get(code=commune), head_name="Trần Thị Mai", declared_size=3
    )


def _page(client, household) -> str:
    return client.get(reverse("households:detail", args=[household.pk])).content.decode()


def test_two_tier_year_says_the_commune_recognises(client):
    officer = make_user("batri", roles.AREA_OFFICER, areas=["29110-2025"])
    household = _household("BT-1", "29110-2025")
    review = services.review_save(household=household, year=2026, data=DECIDED, user=officer)
    client = login(client, officer)
    page = _page(client, household)
    assert "Gửi UBND xã công nhận" in page
    assert "huyện" not in page.lower()
    form = client.get(reverse("households:review-edit", args=[household.pk, 2026])).content.decode()
    assert "Lưu và gửi UBND xã công nhận" in form
    assert "huyện" not in form.lower()
    response = client.post(reverse("households:review-submit", args=[review.pk]), follow=True)
    text = response.content.decode()
    assert "Đã gửi phiếu để UBND xã công nhận." in text
    assert "Chờ UBND xã công nhận" in text  # the badge of the sent review
    assert "Xã đã gửi" not in text
    listing = client.get(reverse("households:list")).content.decode()
    assert "Chờ UBND xã công nhận" in listing
    assert "Xã đã gửi" not in listing
    queue = client.get(reverse("households:review-queue")).content.decode()
    assert "Trả lại cán bộ nhập phiếu" in queue  # the commune recognises: it can send back
    assert "huyện" not in queue.lower()


def test_year_with_districts_keeps_the_district(client, alice):
    household = _household("AD-1", "29173")  # Xã An Đức, Huyện Ba Tri
    review = services.review_save(household=household, year=2023, data=DECIDED, user=alice)
    client = login(client, alice)
    assert "Gửi huyện duyệt" in _page(client, household)
    response = client.post(reverse("households:review-submit", args=[review.pk]), follow=True)
    text = response.content.decode()
    assert "Đã gửi phiếu lên huyện." in text
    assert "Xã đã gửi" in text
    queue = client.get(reverse("households:review-queue")).content.decode()
    assert "Chờ huyện duyệt" in queue  # alice submits; the district approves


def test_the_rounds_setting_decides_over_the_tree(client, alice):
    """An administrator sets a 2023 round to commune recognition: its words follow."""
    household = _household("AD-2", "29173")
    review = services.review_save(household=household, year=2023, data=DECIDED, user=alice)
    ReviewRound.objects.filter(pk=review.round_id).update(
        approving_level=ReviewRound.ApprovingLevel.COMMUNE
    )
    page = _page(login(client, alice), household)
    assert "Gửi UBND xã công nhận" in page
    assert "Gửi huyện duyệt" not in page


def test_dashboard_and_lists_of_a_two_tier_year_have_no_district_column(client, pat):
    client = login(client, pat)
    page = client.get(reverse("households:year-locks"), {"year": 2026}).content.decode()
    assert "Xã Ba Tri" in page
    assert ">Huyện<" not in page
    page = client.get(reverse("households:year-locks"), {"year": 2023}).content.decode()
    assert ">Huyện<" in page
    assert "Xã Ba Tri" not in page  # the 2023 page lists the 2023 tree
    page = client.get(reverse("households:population"), {"year": 2026}).content.decode()
    assert ">Huyện<" not in page
