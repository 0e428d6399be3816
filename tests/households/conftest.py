from datetime import date

import pytest

from households.models import Area, Household, Member


def household_make(code="BT-0001", commune_code="29173", head="Nguyễn Văn An", **kwargs):
    commune = Area.objects.get(code=commune_code)
    household = Household.objects.create(code=code, commune=commune, head_name=head, **kwargs)
    Member.objects.create(
        household=household,
        full_name=head,
        sex="M",
        date_of_birth=date(1989, 1, 1),
        relationship="head",
        citizen_id=kwargs.get("head_citizen_id", ""),
    )
    return household


@pytest.fixture
def household(db):
    return household_make(head_citizen_id="083089000123")


@pytest.fixture
def make_household(db):
    return household_make
