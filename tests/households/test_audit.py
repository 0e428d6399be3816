"""Every service write is audited with its user (households.audit), in a request or not:
the history rows each service leaves carry the user who called it; an anonymous write is
refused before anything is saved."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from households import audit, services
from households.models import AreaPopulation, HouseholdReview, Member, ReviewRound
from programs import services as programs_services
from programs.models import Programme, SupportRecord
from programs.reference_data import programmes_load
from tests.households.test_services import DATA

pytestmark = pytest.mark.django_db


def _users(queryset) -> set:
    return {record.history_user for record in queryset}


def test_review_services_leave_history_rows_with_their_user(alice, bob, pat, household):
    review = services.review_save(household=household, year=2023, data=DATA, user=alice)
    services.review_submit(review=review, user=alice)
    services.review_return(review=review, user=bob, reason="Thiếu thông tin nhà ở")
    services.review_save_submit(household=household, year=2023, data=DATA, user=alice)
    services.review_approve(review=review, user=bob)
    services.review_reopen(review=review, user=pat, reason="Sai thu nhập")
    rows = HouseholdReview.history.filter(id=review.pk).order_by("history_id")
    assert [(r.status, r.history_user.username) for r in rows] == [
        ("draft", "alice"),
        ("submitted", "alice"),
        ("returned", "bob"),
        ("draft", "alice"),
        ("submitted", "alice"),
        ("approved", "bob"),
        ("draft", "pat"),
    ]


def test_round_lock_and_reopen_leave_history_rows_with_their_user(bob, pat, household):
    round_ = services.year_lock(commune=household.commune, year=2023, user=bob)
    services.round_reopen(round_=round_, user=pat, reason="Bổ sung hộ")
    rows = ReviewRound.history.filter(id=round_.pk).order_by("history_id")
    # created when the year had no round yet (by the lock), then locked, then reopened
    assert [(r.status, r.history_user and r.history_user.username) for r in rows][-2:] == [
        ("locked", "bob"),
        ("open", "pat"),
    ]


def test_household_and_population_services_audit_their_user(alice, household):
    member = Member(
        full_name="Nguyễn Thị Bé", sex="F", date_of_birth=date(2015, 1, 1), relationship="child"
    )
    services.household_save(household=household, members=[member], user=alice, expected_version=1)
    assert _users(household.history.all()[:1]) == {alice}
    assert _users(Member.history.filter(id=member.pk)) == {alice}
    services.population_save(
        area=household.commune, year=2023, households=9, persons=30, user=alice
    )
    assert _users(AreaPopulation.history.all()) == {alice}


def test_support_services_audit_their_user(alice, household):
    programmes_load()
    from tests.programs.conftest import make_review

    make_review(household, 2023, "poor")
    card = Programme.objects.get(code="BHYT")
    head = household.members.get()
    programs_services.support_record_create(
        household=household,
        data=programs_services.SupportInput(
            programme=card, member=head, date=date(2023, 3, 1), valid_until=date(2023, 12, 31)
        ),
        user=alice,
    )
    assert _users(SupportRecord.history.all()) == {alice}
    assert _users(Member.history.filter(id=head.pk, has_health_insurance=True)) == {alice}
    water = Programme.objects.get(code="NUOCSACH")
    programs_services.support_bulk_create(
        households=household.__class__.objects.filter(pk=household.pk),
        programme=water,
        on=date(2023, 6, 1),
        valid_until=None,
        amount=1000,
        quantity=None,
        note="",
        user=alice,
    )
    assert SupportRecord.history.count() == 2
    assert _users(SupportRecord.history.all()) == {alice}


@pytest.mark.parametrize("user", [None, AnonymousUser()])
def test_an_anonymous_write_is_refused_and_saves_nothing(household, user):
    household.phone = "0900000000"
    with pytest.raises(ValueError, match="needs the user"):
        audit.save_audited(household, user=user)
    household.refresh_from_db()
    assert household.phone == ""
    assert household.history.count() == 1
