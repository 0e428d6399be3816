from datetime import date

import pytest
from django.core.exceptions import ValidationError

from households.models import Household, Member
from programs.models import Programme, SupportRecord
from programs.services import SupportInput, support_bulk_create, support_record_create

from .conftest import make_household, make_review

pytestmark = pytest.mark.django_db

ADULT, CHILD5 = date(1980, 5, 1), date(2019, 1, 1)


def p(code):
    return Programme.objects.get(code=code)


def create(household, user, **kwargs):
    data = SupportInput(**{"programme": p("NHCSXH"), "date": date(2023, 3, 1), **kwargs})
    return support_record_create(household=household, data=data, user=user)


def errors_of(excinfo):
    return excinfo.value.message_dict


def test_credit_for_poor_household_is_saved_with_history(catalogue, alice):
    h = make_household("H1", wants_loan=True)
    r = create(h, alice, valid_until=date(2026, 3, 1), amount=50_000_000)
    assert r.entered_by == alice
    assert r.history.first().history_user == alice
    assert SupportRecord.objects.count() == 1


def test_credit_refused_for_household_on_no_list_unless_override_with_note(catalogue, alice):
    h = make_household("H2", classification="above")
    with pytest.raises(ValidationError) as exc:
        create(h, alice, valid_until=date(2026, 3, 1), amount=1)
    assert "Hộ không thuộc đối tượng" in errors_of(exc)["programme"][0]
    with pytest.raises(ValidationError) as exc:
        create(h, alice, valid_until=date(2026, 3, 1), amount=1, override=True)
    assert errors_of(exc)["override_note"] == ["Ghi nhận ngoài đối tượng cần ghi rõ lý do."]
    assert SupportRecord.objects.count() == 0
    r = create(
        h,
        alice,
        valid_until=date(2026, 3, 1),
        amount=1,
        override=True,
        override_note="UBND xã đề nghị",
    )
    assert r.eligibility_override
    assert r.override_note == "UBND xã đề nghị"


def test_recently_escaped_household_may_borrow(catalogue, alice):
    h = make_household("H3", year=2021, classification="poor")
    make_review(h, 2022, "above")
    assert create(h, alice, valid_until=date(2026, 3, 1)).pk


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"amount": -1, "valid_until": date(2026, 1, 1)}, "amount", "Số tiền không được âm."),
        (
            {"valid_until": None},
            "valid_until",
            "Chương trình này cần ngày hết hiệu lực (thẻ, khoản vay).",
        ),
        (
            {"valid_until": date(2023, 2, 1)},
            "valid_until",
            "Ngày hết hiệu lực phải sau ngày hỗ trợ.",
        ),
    ],
)
def test_bad_input_saves_nothing(catalogue, alice, kwargs, field, message):
    h = make_household("H4")
    with pytest.raises(ValidationError) as exc:
        create(h, alice, **kwargs)
    assert errors_of(exc)[field] == [message]
    assert SupportRecord.objects.count() == 0


def test_date_outside_programme_period(catalogue, alice):
    h = make_household("H5")
    with pytest.raises(ValidationError) as exc:
        create(h, alice, programme=p("DA2"), date=date(2026, 1, 5))
    assert errors_of(exc)["date"] == [
        "Ngày hỗ trợ nằm ngoài thời gian thực hiện của chương trình (01/01/2021 – 31/12/2025)."
    ]


def test_member_who_left_before_the_date(catalogue, alice):
    h = make_household("H6", members=[{"date_of_birth": ADULT, "left_on": date(2023, 2, 1)}])
    with pytest.raises(ValidationError) as exc:
        create(
            h, alice, programme=p("BHYT"), member=h.members.get(), valid_until=date(2023, 12, 31)
        )
    assert "đã ra khỏi hộ ngày 01/02/2023" in errors_of(exc)["member"][0]
    assert SupportRecord.objects.count() == 0


def test_duplicate_card_for_same_member_and_period(catalogue, alice):
    h = make_household("H7", members=[{"date_of_birth": ADULT}])
    m = h.members.get()
    kwargs = {"programme": p("BHYT"), "member": m, "valid_until": date(2023, 12, 31)}
    create(h, alice, **kwargs)
    with pytest.raises(ValidationError) as exc:
        create(h, alice, **{**kwargs, "date": date(2023, 6, 1)})
    assert "Đã có hỗ trợ của chương trình này" in errors_of(exc)["member"][0]
    # the next year's card is not a duplicate
    create(h, alice, **{**kwargs, "date": date(2024, 1, 1), "valid_until": date(2024, 12, 31)})
    assert SupportRecord.objects.count() == 2


def test_health_card_updates_member_facts_with_history(catalogue, alice):
    h = make_household(
        "H8",
        members=[
            {
                "date_of_birth": ADULT,
                "has_health_insurance": True,
                "health_insurance_expiry": date(2023, 1, 31),
            }
        ],
    )
    m = h.members.get()
    create(h, alice, programme=p("BHYT"), member=m, valid_until=date(2023, 12, 31))
    m.refresh_from_db()
    assert m.has_health_insurance
    assert m.health_insurance_expiry == date(2023, 12, 31)
    assert m.history.first().history_user == alice


def test_member_programme_needs_a_member(catalogue, alice):
    h = make_household("H9")
    with pytest.raises(ValidationError) as exc:
        create(h, alice, programme=p("BHYT"), valid_until=date(2023, 12, 31))
    assert "member" in errors_of(exc)


def test_bulk_health_cards_skip_small_children_and_valid_cards_and_do_not_duplicate(
    catalogue, alice
):
    h1 = make_household(
        "B1",
        members=[
            {"date_of_birth": ADULT},
            {"date_of_birth": CHILD5},
            {
                "date_of_birth": ADULT,
                "has_health_insurance": True,
                "health_insurance_expiry": date(2025, 1, 1),
            },
            {"date_of_birth": ADULT, "left_on": date(2022, 1, 1)},
        ],
    )
    make_household("B2", members=[{"date_of_birth": ADULT}])
    make_household("B3", classification="above", members=[{"date_of_birth": ADULT}])
    kwargs = {
        "households": Household.objects.filter(code__in=["B1", "B2", "B3"]),
        "programme": p("BHYT"),
        "on": date(2023, 3, 1),
        "valid_until": date(2023, 12, 31),
        "amount": None,
        "quantity": None,
        "note": "",
        "user": alice,
    }
    result = support_bulk_create(**kwargs)
    assert (result.created, result.skipped, len(result.refused)) == (2, 1, 1)
    assert result.refused[0].startswith("B3: ")
    assert set(SupportRecord.objects.values_list("member__household__code", flat=True)) == {
        "B1",
        "B2",
    }
    adult = h1.members.get(
        date_of_birth=ADULT,
        left_on=None,
        has_health_insurance=True,
        health_insurance_expiry=date(2023, 12, 31),
    )
    assert adult.history.first().history_user == alice
    again = support_bulk_create(**kwargs)
    assert (again.created, again.skipped) == (0, 3)
    assert SupportRecord.objects.count() == 2
    assert Member.objects.filter(has_health_insurance=False).count() == 3  # child 5, left, B3


def test_bulk_refuses_negative_amount_whole(catalogue, alice):
    make_household("B4")
    with pytest.raises(ValidationError):
        support_bulk_create(
            households=Household.objects.all(),
            programme=p("NUOCSACH"),
            on=date(2023, 3, 1),
            valid_until=None,
            amount=-5,
            quantity=None,
            note="",
            user=alice,
        )
    assert SupportRecord.objects.count() == 0


def test_reference_data_is_idempotent(catalogue):
    from programs.reference_data import programmes_load

    assert programmes_load().startswith("0 mới, 0 cập nhật")
    assert Programme.objects.get(code="DA4.TDA2").parent.code == "DA4"
    assert Programme.objects.get(code="BHYT").addresses_indicators == [4]
