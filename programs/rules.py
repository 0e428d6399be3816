"""Pure rules of support: who is eligible, what covers whom, gaps, and coverage formulas.

No ORM, no request: plain values in, plain values out, tested without a database.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from households.rules import HEALTH_CARD_MIN_AGE, age_on, card_valid_on, is_working_age

POOR = "poor"
NEAR_POOR = "near_poor"
RECENTLY_ESCAPED = "recently_escaped"
MERITORIOUS = "meritorious"
CHILDREN = "children"
WORKING_AGE = "working_age"
HOUSEHOLD_GROUPS = (POOR, NEAR_POOR, RECENTLY_ESCAPED, MERITORIOUS)
PERSON_GROUPS = (CHILDREN, WORKING_AGE)
ON_LIST = frozenset({POOR, NEAR_POOR})
# "Recently escaped": left the poor or near-poor list within the last 3 years.
ESCAPE_WINDOW_YEARS = 3
CHILD_MAX_AGE = 16  # "trẻ em dưới 16 tuổi"
SCHOOL_AGE_FROM, SCHOOL_AGE_TO = 3, 16  # as CS06: 3 to under 16

GROUP_LABELS = {
    POOR: "hộ nghèo",
    NEAR_POOR: "hộ cận nghèo",
    RECENTLY_ESCAPED: "hộ mới thoát nghèo, thoát cận nghèo",
    MERITORIOUS: "hộ người có công",
    CHILDREN: "trẻ em dưới 16 tuổi",
    WORKING_AGE: "người trong độ tuổi lao động",
}


# --- eligibility ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EligibilityFacts:
    """A household's approved classifications by year and its group flags; an optional member."""

    classifications: dict[int, str] = field(default_factory=dict)
    is_meritorious: bool = False
    member_date_of_birth: date | None = None
    member_is_female: bool = False


def classification_in_force(classifications: dict[int, str], on: date) -> tuple[int, str | None]:
    """The latest approved classification of a year up to `on` (the list in force), and its year.

    Without one, (on.year, None): the household is on no list.
    """
    years = [y for y in classifications if y <= on.year]
    if not years:
        return on.year, None
    year = max(years)
    return year, classifications[year]


def is_recently_escaped(classifications: dict[int, str], on: date) -> bool:
    """Not poor nor near-poor now, but poor or near-poor in one of the 3 years before."""
    year, current = classification_in_force(classifications, on)
    if current in ON_LIST:
        return False
    return any(classifications.get(y) in ON_LIST for y in range(year - ESCAPE_WINDOW_YEARS, year))


def household_groups(facts: EligibilityFacts, on: date) -> set[str]:
    _year, current = classification_in_force(facts.classifications, on)
    groups = set()
    if current in ON_LIST:
        groups.add(current)
    if is_recently_escaped(facts.classifications, on):
        groups.add(RECENTLY_ESCAPED)
    if facts.is_meritorious:
        groups.add(MERITORIOUS)
    return groups


def person_groups(date_of_birth: date, *, is_female: bool, on: date) -> set[str]:
    groups = set()
    if age_on(date_of_birth, on) < CHILD_MAX_AGE:
        groups.add(CHILDREN)
    if is_working_age(date_of_birth, is_female=is_female, on=on):
        groups.add(WORKING_AGE)
    return groups


def _labels(codes: Iterable[str]) -> str:
    return ", ".join(_(GROUP_LABELS.get(c, c)) for c in codes)


def eligibility(
    programme_groups: Sequence[str], facts: EligibilityFacts, on: date
) -> tuple[bool, str]:
    """Whether a household (and member) may receive a programme on a date, and why not.

    The programme's household groups (poor, near-poor, recently escaped, meritorious): the
    household must be in one. Its person groups (children, working age): the member, when one
    is named, must be in one. No groups = everybody.
    """
    wanted_household = [g for g in programme_groups if g in HOUSEHOLD_GROUPS]
    if wanted_household:
        have = household_groups(facts, on)
        if not have.intersection(wanted_household):
            return False, _(
                "Hộ không thuộc đối tượng của chương trình (%(groups)s) vào ngày %(on)s."
            ) % {"groups": _labels(wanted_household), "on": on.strftime("%d/%m/%Y")}
    wanted_person = [g for g in programme_groups if g in PERSON_GROUPS]
    if wanted_person and facts.member_date_of_birth is not None:
        have = person_groups(facts.member_date_of_birth, is_female=facts.member_is_female, on=on)
        if not have.intersection(wanted_person):
            return False, _("Nhân khẩu không thuộc đối tượng của chương trình (%(groups)s).") % {
                "groups": _labels(wanted_person)
            }
    return True, ""


# --- validity and gaps ------------------------------------------------------------------------


def is_covering(record_date: date, valid_until: date | None, on: date) -> bool:
    """A record covers on a date from its start; one with a validity period only while valid.

    One-off support (no validity end) counts from its date on.
    """
    return record_date <= on and (valid_until is None or on <= valid_until)


def periods_overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Two records' periods [date, valid_until or date] share a day."""
    a_end = a_end or a_start
    b_end = b_end or b_start
    return a_start <= b_end and b_start <= a_end


@dataclass(frozen=True)
class Received:
    """A support record as the gap rule needs it."""

    indicators: tuple[int, ...]
    date: date
    valid_until: datetime.date | None = None  # not `date`: the field above shadows the type


def gaps(
    deprived: Iterable[int],
    received: Iterable[Received],
    on: date,
    *,
    members_lacking_card: int | None = None,
) -> list[int]:
    """Deprivations not addressed by any support still covering on `on`, in indicator order.

    CS04 (health insurance) is decided per person when the count of members aged 6+ still
    lacking a valid card is known: a card for one member does not cover the others.
    """
    covered: set[int] = set()
    for record in received:
        if is_covering(record.date, record.valid_until, on):
            covered.update(record.indicators)
    result = []
    for n in sorted(set(deprived)):
        if n == 4 and members_lacking_card is not None:
            if members_lacking_card > 0:
                result.append(n)
        elif n not in covered:
            result.append(n)
    return result


# --- coverage formulas ------------------------------------------------------------------------


# Each formula below is the definition of a figure that programs.selectors.
# coverage_counts_by_commune computes set-based in SQL; tests/programs/test_coverage_twins.py
# computes both on the same generated data and compares them exactly.


@dataclass(frozen=True)
class MemberCard:
    date_of_birth: date
    has_card: bool = False  # Member.has_health_insurance
    card_valid_until: date | None = None  # Member.health_insurance_expiry
    record_covers: bool = False  # a health-card support record runs on the date


def has_valid_card(member: MemberCard, on: date) -> bool:
    """The card fact (households.rules.card_valid_on) or a support record covering the date."""
    return member.record_covers or card_valid_on(
        has_card=member.has_card, expiry=member.card_valid_until, on=on
    )


def health_card_coverage(households: Sequence[Sequence[MemberCard]], on: date) -> tuple[int, int]:
    """(households whose every member aged 6+ holds a valid card on `on`, households).

    Pass the poor and near-poor households and their members living there on `on`. A household
    with no member aged 6+ counts as covered.
    """
    covered = sum(
        all(
            has_valid_card(m, on)
            for m in members
            if age_on(m.date_of_birth, on) >= HEALTH_CARD_MIN_AGE
        )
        for members in households
    )
    return covered, len(households)


@dataclass(frozen=True)
class LoanFacts:
    eligible: bool  # poor, near-poor or recently escaped
    wants_loan: bool
    got_credit: bool


def is_active_in_year(record_date: date, valid_until: date | None, year: int) -> bool:
    """A support record counts for a year when dated in it, or dated before with a term (loan,
    card) running into it. SQL sibling: programs.selectors._active_in_year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return record_date <= end and (
        record_date >= start or (valid_until is not None and valid_until >= start)
    )


def credit_coverage(households: Sequence[LoanFacts]) -> tuple[int, int]:
    """(eligible households wanting a loan that got credit, eligible households wanting a loan)."""
    wanting = [h for h in households if h.eligible and h.wants_loan]
    return sum(h.got_credit for h in wanting), len(wanting)


def is_school_age(date_of_birth: date, on: date) -> bool:
    return SCHOOL_AGE_FROM <= age_on(date_of_birth, on) < SCHOOL_AGE_TO


def tuition_coverage(children: Sequence[tuple[date, bool]], on: date) -> tuple[int, int]:
    """(school-age children with a tuition exemption record, school-age children).

    `children`: (date of birth, exempted) of the members of poor and near-poor households.
    """
    school_age = [exempted for dob, exempted in children if is_school_age(dob, on)]
    return sum(school_age), len(school_age)


def meritorious_poor_supported(
    households: Sequence[tuple[bool, str | None, bool]],
) -> tuple[int, int]:
    """(meritorious poor households with any support, meritorious poor households).

    `households`: (is meritorious, classification, supported in the year).
    """
    base = [supported for merit, cls, supported in households if merit and cls == POOR]
    return sum(base), len(base)
