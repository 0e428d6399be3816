"""The list's query count is constant in the page size; filters; generate_province; can_approve."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from households import selectors
from households.filters import HouseholdFilter
from households.models import AreaPopulation, Household, HouseholdReview
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db):
    call_command("generate_province", households=300, year=2023, seed=3, demo=True, stdout=None)


@pytest.mark.parametrize("size", [10, 100])
def test_list_query_count_does_not_grow_with_page_size(
    client, pat, province, django_assert_max_num_queries, size
):
    login(client, pat)
    # 13: the first page of a session also reads the organisation header (cached afterwards).
    with django_assert_max_num_queries(13):
        response = client.get(reverse("households:list"), {"size": size, "classification": "poor"})
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get(reverse("households:list"), {"size": size})
    assert len(response.context["page"].object_list) == size


def test_generated_province_is_consistent(province):
    assert Household.objects.count() == 300
    assert Household.objects.filter(commune__code="29173").count() >= 30
    submitted = HouseholdReview.objects.filter(status="submitted", year=2023)
    assert submitted.filter(household__commune__code="29173").count() == 5
    approved_2023 = HouseholdReview.objects.filter(year=2023, status="approved")
    assert approved_2023.count() == 300 - 5
    for review in approved_2023.filter(classification="poor")[:20]:
        assert review.deprivation_count >= 3
    assert AreaPopulation.objects.filter(year=2022).count() == 157
    assert Household.history.count() == 0


def test_filter_is_reusable_and_combines_review_conditions(pat, province):
    qs = selectors.household_list_for_user(pat)
    poor = HouseholdFilter(
        {"classification": "poor", "indicator": "10"}, qs, user=pat, year=2023
    ).qs
    expected = HouseholdReview.objects.filter(
        year=2023, is_current=True, classification="poor", d10=True
    ).count()
    assert poor.count() == expected
    flags = HouseholdFilter({"group": "is_meritorious"}, qs, user=pat, year=2023).qs
    assert flags.count() == Household.objects.filter(is_meritorious=True).count()
    submitted = HouseholdFilter({"status": "submitted"}, qs, user=pat, year=2023).qs
    assert submitted.count() == 5


def test_can_approve_district_and_province_not_commune(alice, bob, charlie, pat, make_household):
    household = make_household()
    review = HouseholdReview(household=household, year=2023, reference_date=date(2023, 9, 1))
    assert selectors.can_approve(bob, review) is True
    assert selectors.can_approve(pat, review) is True
    assert selectors.can_approve(alice, review) is False
    assert selectors.can_approve(charlie, review) is False


def test_count_is_exact_up_to_the_cap_and_marked_beyond_it(client, pat, province, settings):
    login(client, pat)
    url = reverse("households:list")
    poor = HouseholdReview.objects.filter(year=2023, is_current=True, classification="poor")
    settings.HOUSEHOLD_LIST_COUNT_CAP = 100
    response = client.get(url, {"classification": "poor"})
    assert response.context["page"].paginator.count == poor.count() < 100
    assert not response.context["page"].paginator.capped
    response = client.get(url)
    page = response.context["page"]
    assert page.paginator.capped
    assert page.paginator.count == 100
    assert "Hơn 100 hộ" in response.content.decode()
    assert page.paginator.num_pages == 4  # 25 a page up to the cap
    response = client.get(url, {"page": 4})
    assert [h.code for h in response.context["page"]] == list(
        Household.objects.order_by("code").values_list("code", flat=True)[75:100]
    )


def test_filter_selects_render_the_choices_and_the_selection(client, pat, province):
    login(client, pat)
    commune = Household.objects.order_by("code").first().commune
    response = client.get(reverse("households:list"), {"commune": commune.pk})
    html = response.content.decode()
    assert f'<option value="{commune.pk}" selected>{commune.name}</option>' in html
    assert 'name="classification"' in html
    assert 'id="id_classification"' in html
