"""Issue 17, finding 5: a deprivation shows its code once ("CS04 Bảo hiểm y tế")."""

from datetime import date

import pytest
from django.urls import reverse

from .conftest import make_household

pytestmark = pytest.mark.django_db


def test_household_page_names_a_gap_with_its_code_once(client, catalogue, alice):
    household = make_household("V5", members=[{"date_of_birth": date(1980, 1, 1)}])
    review = household.reviews.get()
    review.d04 = True
    review.save()
    client.force_login(alice)
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert '<span class="badge poor">CS04</span> Bảo hiểm y tế' in page
    assert "CS04 CS04" not in page
    assert "CS04</span> CS04" not in page
