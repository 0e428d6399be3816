"""Programme coverage computed both ways on the same generated province: the pure formulas of
programs.rules (the definition) over rows read plainly, and the set-based SQL of
programs.selectors.coverage_counts_by_commune (what the reports use). They must agree exactly,
commune by commune."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from households.models import Household, HouseholdReview, Member
from households.rules import lives_there_on
from programs import rules
from programs.models import Programme, SupportRecord
from programs.selectors import coverage_counts_by_commune, reference_date

pytestmark = pytest.mark.django_db

YEAR = 2023
FORMULAS = (
    "health_insurance_coverage",
    "credit_coverage",
    "tuition_exemption_coverage",
    "meritorious_poor_supported",
)


def _sprinkle_support(seed: int) -> None:
    """Support records around the year's edges: before, inside and after it, with and without a
    term, on households and on members, so that every boundary of the formulas is crossed."""
    rng = random.Random(seed)
    by_kind = {p.kind: p for p in Programme.objects.order_by("code")}
    dates = [
        date(YEAR - 2, 6, 1),
        date(YEAR - 1, 12, 31),
        date(YEAR, 1, 1),
        date(YEAR, 7, 15),
        date(YEAR, 12, 31),
        date(YEAR + 1, 1, 1),
    ]
    terms = [None, date(YEAR - 1, 12, 31), date(YEAR, 1, 1), date(YEAR, 12, 30), date(YEAR, 12, 31)]
    records = []
    households = list(Household.objects.order_by("pk"))
    # The generator makes few meritorious households (người có công): make a third of them so.
    meritorious = [h.pk for h in households if rng.random() < 0.3]
    Household.objects.filter(pk__in=meritorious).update(is_meritorious=True)
    # Members at the edges of 31 December: a card ending on it or the day before, a member who
    # left on it or the day after, one who joined on it or the day after.
    end = date(YEAR, 12, 31)
    edges = [
        {"has_health_insurance": True, "health_insurance_expiry": end},
        {"has_health_insurance": True, "health_insurance_expiry": end - timedelta(days=1)},
        {"left_on": end},
        {"left_on": end + timedelta(days=1)},
        {"joined_on": end},
        {"joined_on": end + timedelta(days=1)},
    ]
    for member_id in Member.objects.order_by("pk").values_list("pk", flat=True):
        if rng.random() < 0.2:
            Member.objects.filter(pk=member_id).update(**rng.choice(edges))

    def record(kind, household, member=None) -> SupportRecord:
        on, until = rng.choice(dates), rng.choice(terms)
        return SupportRecord(
            programme=by_kind[kind],
            household=household,
            member=member,
            date=on,
            valid_until=until if until is None or until >= on else None,
        )

    for household in Household.objects.prefetch_related("members").order_by("pk"):
        records.extend(
            record(kind, household)
            for kind in (Programme.Kind.CREDIT, Programme.Kind.HOUSING)
            if rng.random() < 0.4
        )
        for member in household.members.all():
            records.extend(
                record(kind, household, member)
                for kind in (Programme.Kind.HEALTH_CARD, Programme.Kind.TUITION)
                if rng.random() < 0.6
            )
    SupportRecord.objects.bulk_create(records)


def _by_rules() -> dict[int, dict[str, tuple[int, int]]]:
    on = reference_date(YEAR)
    approved = defaultdict(dict)  # household id -> {year: classification}
    for household_id, year, cls in HouseholdReview.objects.filter(
        is_current=True, status=HouseholdReview.Status.APPROVED
    ).values_list("household_id", "year", "classification"):
        approved[household_id][year] = cls
    records = defaultdict(list)  # (household id, member id or None) -> [(kind, date, until)]
    for r in SupportRecord.objects.values(
        "household_id", "member_id", "programme__kind", "date", "valid_until"
    ):
        records[r["household_id"], r["member_id"]].append(
            (r["programme__kind"], r["date"], r["valid_until"])
        )

    def active(key, kinds=None) -> bool:
        return any(
            rules.is_active_in_year(d, until, YEAR)
            for kind, d, until in records[key]
            if kinds is None or kind in kinds
        )

    def card_record_on(member_id: int, household_id: int) -> bool:
        return any(
            kind == Programme.Kind.HEALTH_CARD and d <= on and (until is None or until >= on)
            for kind, d, until in records[household_id, member_id]
        )

    cards, loans, children, merit = (defaultdict(list) for _ in range(4))
    households = Household.objects.prefetch_related("members").order_by("pk")
    for household in households:
        years = approved.get(household.pk, {})
        cls = years.get(YEAR)
        was_listed = any(
            years.get(y) in rules.ON_LIST for y in range(YEAR - rules.ESCAPE_WINDOW_YEARS, YEAR)
        )
        present = [m for m in household.members.all() if lives_there_on(m, on)]
        commune = household.commune_id
        if cls in rules.ON_LIST:
            cards[commune].append(
                [
                    rules.MemberCard(
                        m.date_of_birth,
                        m.has_health_insurance,
                        m.health_insurance_expiry,
                        record_covers=card_record_on(m.pk, household.pk),
                    )
                    for m in present
                ]
            )
            for m in present:
                children[commune].append(
                    (m.date_of_birth, active((household.pk, m.pk), {Programme.Kind.TUITION}))
                )
        loans[commune].append(
            rules.LoanFacts(
                eligible=cls in rules.ON_LIST or was_listed,
                wants_loan=household.wants_loan,
                got_credit=active((household.pk, None), {Programme.Kind.CREDIT}),
            )
        )
        if cls is not None:
            supported = active((household.pk, None)) or any(
                active((household.pk, m.pk)) for m in household.members.all()
            )
            merit[commune].append((household.is_meritorious, cls, supported))
    communes = set(cards) | set(loans) | set(children) | set(merit)
    return {
        commune: {
            "health_insurance_coverage": rules.health_card_coverage(cards[commune], on),
            "credit_coverage": rules.credit_coverage(loans[commune]),
            "tuition_exemption_coverage": rules.tuition_coverage(children[commune], on),
            "meritorious_poor_supported": rules.meritorious_poor_supported(merit[commune]),
        }
        for commune in communes
    }


def _comparable(counts: dict[int, dict[str, tuple[int, int]]]) -> dict[int, dict]:
    """Only the four formulas, and only communes where one of them counts anything (the SQL
    lists a commune with workers only; the rules list every commune with a household)."""
    result = {}
    for commune, figures in counts.items():
        kept = {code: figures[code] for code in FORMULAS}
        if any(value != (0, 0) for value in kept.values()):
            result[commune] = kept
    return result


@pytest.mark.parametrize(("households", "seed"), [(200, 3), (400, 11)])
def test_coverage_by_rules_equals_coverage_by_sql(catalogue, households, seed):
    call_command(
        "generate_province", households=households, year=YEAR, seed=seed, demo=True, stdout=None
    )
    _sprinkle_support(seed)
    by_sql = _comparable(coverage_counts_by_commune(YEAR))
    by_rules = _comparable(_by_rules())
    assert by_sql == by_rules
    # Every formula has a base, and the data hold both covered and uncovered cases.
    totals = {
        code: tuple(map(sum, zip(*(c[code] for c in by_sql.values()), strict=True)))
        for code in FORMULAS
    }
    assert all(den > 0 for _num, den in totals.values()), totals
    assert any(num > 0 for num, _den in totals.values()), totals
    assert any(num < den for num, den in totals.values()), totals
