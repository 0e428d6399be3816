"""Issue 17, item 10: lists that stopped at 50 or 100 rows with no way on. Every paginated list
goes through templates/includes/pagination.html; the programme's beneficiaries and the bulk
list are paginated like the rest."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from programs.models import Programme, SupportRecord

from .conftest import make_household

pytestmark = pytest.mark.django_db
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_programme_beneficiaries_past_the_100th_are_reachable(client, catalogue, pat):
    programme = Programme.objects.get(code="HOCPHI")
    household = make_household("P1", members=[{"date_of_birth": date(1980, 1, 1)}])
    SupportRecord.objects.bulk_create(
        SupportRecord(
            programme=programme,
            household=household,
            date=date(2023, 1, 1) + timedelta(days=i),
            amount=1000 + i,
        )
        for i in range(120)
    )
    client.force_login(pat)
    url = reverse("programs:detail", args=["HOCPHI"])
    first = client.get(url).content.decode()
    assert "120 lượt" in first
    assert "Trang 1/3" in first
    assert 'href="?page=3"' in first
    amounts = []
    for n in (1, 2, 3):
        html = client.get(url, {"page": n}).content.decode()
        amounts += re.findall(r'<td class="num">(1\.\d{3})</td>', html)
    assert len(amounts) == 120
    assert len(set(amounts)) == 120
    assert amounts[0] == "1.119"  # the latest first


def test_bulk_support_list_is_paginated(client, catalogue, alice):
    for i in range(60):
        make_household(f"BK{i:02d}", members=[{"date_of_birth": date(1980, 1, 1)}])
    client.force_login(alice)
    url = reverse("programs:bulk-support")
    page = client.get(url).content.decode()
    assert "Trang 1/2" in page
    assert "Chỉ hiện 50 hộ đầu tiên" not in page
    second = client.get(url, {"page": 2}).content.decode()
    assert "BK59" in second
    assert "BK00" not in second


def test_every_paginated_template_uses_the_one_pagination_include():
    """A template that reads a Paginator page (page.paginator, `for … in page`) shows its page
    links through includes/pagination.html, never its own or none."""
    uses_page = re.compile(r"page\.paginator|\bin page\b|page\.has_next")
    missing = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if path.name != "pagination.html"
        and uses_page.search(path.read_text(encoding="utf-8"))
        and "includes/pagination.html" not in path.read_text(encoding="utf-8")
        and not path.name.startswith("_")
    ]
    assert missing == []
