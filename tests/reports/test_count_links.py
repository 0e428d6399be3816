"""Issue 17 finding 9: every count of the dashboard and the official-table preview opens the
household list filtered exactly as the count; the list's total equals the number shown, for
each role (same scope rules)."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from households.models import Area
from reports.links import household_list_params
from reports.models import IndicatorValue
from tests.conftest import login

LINK = re.compile(r'<a href="([^"]+)" class="count-link"[^>]*>([^<]+)</a>')


def _links(page: str) -> list[tuple[str, int]]:
    return [(html.unescape(href), int(text.replace(".", ""))) for href, text in LINK.findall(page)]


def _list_total(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page"].paginator.count


@pytest.mark.parametrize(
    ("user", "dashboard", "least"),
    [("pat", None, 10), ("bob", None, 8), ("alice", None, 6), ("pat", "837", 4)],
)
def test_every_dashboard_count_opens_exactly_its_households(
    client, rebuilt, request, user, dashboard, least
):
    login(client, request.getfixturevalue(user))
    url = (
        reverse("reports:area-dashboard", args=[dashboard])
        if dashboard
        else reverse("reports:dashboard")
    )
    links = _links(client.get(url).content.decode())
    assert len(links) >= least
    for href, shown in links:
        assert _list_total(client, href) == shown, href


def test_the_province_counts_of_the_official_tables_open_their_households(client, pat, rebuilt):
    login(client, pat)
    province = Area.objects.get(code="83")
    checked = 0
    for table in ("summary", "poor_deprivations", "near_deprivations", "groups"):
        page = client.get(
            reverse("reports:official"),
            {"year": 2023, "area": province.code, "table": table, "show": "1"},
        ).content.decode()
        for href, shown in _links(page):
            assert _list_total(client, href) == shown, href
            checked += 1
    assert checked >= 20


def test_the_list_agrees_with_the_snapshot_for_a_commune_officer(client, alice, rebuilt):
    """An Đức's 2023 poor households (H1, H4; H6 is only submitted) and their CS04."""
    login(client, alice)
    for code in ("poor_households", "poor_d04", "near_poor_households", "pending_reviews"):
        value = IndicatorValue.objects.get(
            snapshot__status="active", year=2023, indicator=code, area__code="29173"
        ).value
        params = household_list_params(code, area_code="29173", year=2023)
        assert _list_total(client, reverse("households:list") + "?" + _encode(params)) == value


def test_an_area_outside_the_scope_lists_nothing(client, charlie, rebuilt):
    """Thạnh Phú's officer asking for Ba Tri's households gets an empty list, not Ba Tri's."""
    login(client, charlie)
    params = household_list_params("poor_households", area_code="836", year=2023)
    assert _list_total(client, reverse("households:list") + "?" + _encode(params)) == 0


def _encode(params) -> str:
    from urllib.parse import urlencode

    return urlencode(params)
