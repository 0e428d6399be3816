"""Reads: the catalogue, who sees which beneficiaries, the household panel, and coverage counts.

Area scoping goes through households.selectors (the one place it is decided).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from households.filters import HouseholdFilter
from households.models import Household, HouseholdReview, Member
from households.models.reviews import COLUMN_NAMES
from households.organisation import roles
from households.organisation.selectors import agency_of, scoped
from households.queries import aged_at_least_q, living_on_q, valid_health_card_q
from households.rules import has_valid_health_card, members_on
from households.types import AnyUser

from . import rules
from .models import Programme, SupportRecord

POOR, NEAR_POOR = rules.POOR, rules.NEAR_POOR
APPROVED = HouseholdReview.Status.APPROVED
COVERAGE_CODES = (
    "health_insurance_coverage",
    "credit_coverage",
    "tuition_exemption_coverage",
    "meritorious_poor_supported",
    "workers_trained",
    "workers_placed",
    "workers_abroad",
)
TRAINING_KINDS = (Programme.Kind.TRAINING,)


# --- catalogue and access ---------------------------------------------------------------------


def programme_list() -> QuerySet[Programme]:
    return Programme.objects.select_related("owner_agency", "parent").order_by("order", "code")


def programme_by_code(code: str) -> Programme | None:
    return Programme.objects.filter(code=code).first() if code else None


def can_see_all_beneficiaries(user: AnyUser, programme: Programme) -> bool:
    if roles.is_provincial(user):
        return True
    agency = agency_of(user)
    return (
        roles.is_agency_staff(user)
        and agency is not None
        and agency.pk == programme.owner_agency_id
    )


def programme_get_for_user(user: AnyUser, *, code: str) -> Programme:
    """Provincial staff, the owning agency, and area officers (their area only) open a programme."""
    programme = programme_list().filter(code=code).first()
    if programme is None:
        raise Http404
    if can_see_all_beneficiaries(user, programme) or roles.is_area_officer(user):
        return programme
    raise Http404


def support_list_for_user(
    user: AnyUser, programme: Programme | None = None
) -> QuerySet[SupportRecord]:
    records = SupportRecord.objects.all()
    if programme is not None:
        records = records.filter(programme=programme)
        if can_see_all_beneficiaries(user, programme):
            return records
    return scoped(user, records, "household__area_path")


def programme_totals(records: QuerySet[SupportRecord]) -> dict[str, Any]:
    return records.aggregate(
        records=Count("pk"),
        households=Count("household", distinct=True),
        members=Count("member", distinct=True),
        amount=Sum("amount"),
        quantity=Sum("quantity"),
    )


def programme_by_area(records: QuerySet[SupportRecord]) -> list[Mapping[str, Any]]:
    return list(
        records.values(
            "household__commune__parent__name", "household__commune__name", "household__commune_id"
        )
        .annotate(
            records=Count("pk"),
            households=Count("household", distinct=True),
            amount=Sum("amount"),
        )
        .order_by("household__commune__parent__name", "household__commune__name")
    )


# --- one household ----------------------------------------------------------------------------


def approved_classifications(household_ids: Iterable[int]) -> dict[int, dict[int, str]]:
    """{household id: {year: classification}} of the approved current reviews, one query."""
    by_household: dict[int, dict[int, str]] = {pk: {} for pk in household_ids}
    rows = HouseholdReview.objects.filter(
        household__in=list(by_household), status=APPROVED, is_current=True
    ).values_list("household_id", "year", "classification")
    for household_id, year, classification in rows:
        by_household[household_id][year] = classification
    return by_household


def support_periods(household_ids: Iterable[int]) -> dict[tuple, list[tuple]]:
    """{(programme id, household id, member id or None): [(date, valid_until), ...]} of the
    records of these households, one query (duplicate checks over many rows)."""
    periods: dict[tuple, list[tuple]] = {}
    rows = SupportRecord.objects.filter(household__in=list(household_ids)).values_list(
        "programme_id", "household_id", "member_id", "date", "valid_until"
    )
    for programme_id, household_id, member_id, start, until in rows:
        periods.setdefault((programme_id, household_id, member_id), []).append((start, until))
    return periods


def eligibility_facts(
    household: Household,
    member: Member | None = None,
    *,
    classifications: dict[int, str] | None = None,
) -> rules.EligibilityFacts:
    """The facts eligibility is decided on; `classifications` when already read in bulk."""
    if classifications is None:
        reviews = HouseholdReview.objects.filter(
            household=household, status=APPROVED, is_current=True
        )
        classifications = dict(reviews.values_list("year", "classification"))
    return rules.EligibilityFacts(
        classifications=classifications,
        is_meritorious=household.is_meritorious,
        member_date_of_birth=member.date_of_birth if member else None,
        member_is_female=member.sex == Member.Sex.FEMALE if member else False,
    )


def current_review(household: Household) -> HouseholdReview | None:
    """The latest current review of the household (approved first, then the latest year)."""
    return (
        HouseholdReview.objects.filter(household=household, is_current=True)
        .order_by("-year", "-status")
        .first()
    )


def household_panel(household: Household, on: date) -> dict:
    """What the household and each member received, and its deprivations not yet addressed."""
    records = list(
        SupportRecord.objects.filter(household=household)
        .select_related("programme", "member")
        .order_by("-date", "-id")
    )
    review = current_review(household)
    # Every result column of the review's standard (d13: waste treatment from 2027).
    deprived = [n for n, flag in review.column_flags().items() if flag] if review else []
    named = (
        {i.column: (i.code, i.name) for i in review.standard.indicators.all()}
        if review is not None and review.standard_id
        else {}
    )
    # The households rules read Member instances as they read MemberFacts (same attributes).
    active = members_on(household.members.all(), on)
    lacking = [
        m
        for m in active
        if rules.age_on(m.date_of_birth, on) >= rules.HEALTH_CARD_MIN_AGE
        and not has_valid_health_card(m, on)
    ]
    received = [
        rules.Received(tuple(r.programme.addresses_indicators), r.date, r.valid_until)
        for r in records
    ]
    gap_numbers = rules.gaps(deprived, received, on, members_lacking_card=len(lacking))
    programmes_by_indicator: dict[int, list[Programme]] = {n: [] for n in gap_numbers}
    for programme in Programme.objects.filter(active=True).order_by("order", "code"):
        for n in programme.addresses_indicators:
            if n in programmes_by_indicator:
                programmes_by_indicator[n].append(programme)
    reasons = review.reasons if review else {}
    return {
        "household": household,
        "review": review,
        "household_records": [r for r in records if r.member_id is None],
        "member_records": [r for r in records if r.member_id is not None],
        "gaps": [
            {
                "number": n,
                "code": named[n][0] if n in named else f"CS{n:02d}",
                # The name alone: the code is beside it ("CS04 Bảo hiểm y tế", not twice).
                "label": named[n][1] if n in named else COLUMN_NAMES[n],
                "reasons": (
                    [f"{m.full_name}" for m in lacking] if n == 4 else reasons.get(str(n), [])
                ),
                "programmes": programmes_by_indicator[n],
            }
            for n in gap_numbers
        ],
        "on": on,
    }


# --- households for bulk recording -------------------------------------------------------------


def _lacking_card_members(on: date) -> QuerySet[Member]:
    """Members living in the household on `on`, aged 6+, without a valid card on `on`."""
    card_record = SupportRecord.objects.filter(
        member=OuterRef("pk"), programme__kind=Programme.Kind.HEALTH_CARD, date__lte=on
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    return (
        Member.objects.filter(aged_at_least_q(rules.HEALTH_CARD_MIN_AGE, on), living_on_q(on))
        .annotate(_has_record=Exists(card_record))
        .exclude(valid_health_card_q(on))
        .filter(_has_record=False)
    )


def lacking_health_insurance(households: QuerySet[Household], *, on: date) -> QuerySet[Household]:
    """Those of `households` with a member aged 6+ living there without a valid card on `on`."""
    return households.filter(Exists(_lacking_card_members(on).filter(household=OuterRef("pk"))))


def bulk_household_list(
    filterset: HouseholdFilter, *, lacking_card: bool, on: date
) -> QuerySet[Household]:
    """The households the bulk page records support for: exactly what the household list shows
    with the same filter (households.filters.HouseholdFilter over the user's scoped queryset),
    narrowed to those lacking a health card when asked. An invalid filter (a commune outside the
    user's area, say) selects nothing rather than being ignored: this list is written to.
    """
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    households = filterset.qs
    if lacking_card:
        households = lacking_health_insurance(households, on=on)
    return households.order_by("code")


# --- coverage per commune and year (set-based, for the reports app) ---------------------------


def reference_date(year: int) -> date:
    """Coverage is measured on 31 December of the year (the end of the reporting year)."""
    return date(year, 12, 31)


def _active_in_year(year: int, prefix: str = "") -> Q:
    """rules.is_active_in_year: a record dated in the year, or started before and still running
    in it (loan, card)."""
    start, end = date(year, 1, 1), reference_date(year)
    return Q(**{f"{prefix}date__lte": end}) & (
        Q(**{f"{prefix}date__gte": start}) | Q(**{f"{prefix}valid_until__gte": start})
    )


def _filed_unit(year: int) -> Coalesce:
    """The unit the household's review of `year` was filed in, else its present unit: a
    year's figures stay in that year's tree after the household moves on."""
    filed = HouseholdReview.objects.filter(
        household=OuterRef("household_id"), year=year, is_current=True
    ).values("area_id")[:1]
    return Coalesce(Subquery(filed), "household__commune_id", output_field=BigIntegerField())


def coverage_counts_by_commune(year: int) -> dict[int, dict[str, tuple[int, int]]]:
    """Coverage numerators and denominators per commune (Area id) for a year, set-based.

    The year's households are those with a current approved review of the year
    (HouseholdReview year=year, is_current, status approved); R = 31 December of the year.

    - health_insurance_coverage: poor + near-poor households none of whose members living there
      on R and aged 6+ on R lacks a valid card on R (Member.has_health_insurance with expiry
      null or >= R, or a health-card support record covering R) / poor + near-poor households.
    - credit_coverage: eligible households (poor or near-poor, or recently escaped: not poor nor
      near-poor this year — or not reviewed — but poor or near-poor in an approved review of one of
      the 3 previous years) wanting a loan (Household.wants_loan) with a credit record active in
      the year (dated in it, or dated before with a term running into it) / eligible wanting a loan.
    - tuition_exemption_coverage: school-age children (aged 3 to under 16 on R, living there on R)
      of poor + near-poor households with a member-level tuition record active in the year /
      those children.
    - meritorious_poor_supported: meritorious poor households with any support record active in
      the year / meritorious poor households.
    - workers_trained, workers_placed, workers_abroad: distinct members with a training, job, or
      work-abroad record dated in the year, any classification (denominator 0).

    Every commune with any count appears, with all seven codes.
    """
    end = reference_date(year)
    start = date(year, 1, 1)
    on_list = (POOR, NEAR_POOR)
    # Only households on the poor or near-poor list this year or in the escape window can count
    # anywhere below: narrowing to them first (an indexed read of the reviews) spares the
    # per-household subqueries on the rest of the registry (~94% of it).
    listed = HouseholdReview.objects.filter(
        year__gte=year - rules.ESCAPE_WINDOW_YEARS,
        year__lte=year,
        is_current=True,
        status=APPROVED,
        classification__in=on_list,
    ).values("household_id")
    # One LEFT JOIN to this year's current approved review (one per household and year),
    # rather than a correlated subquery that every FILTER below would repeat.
    households = Household.objects.filter(pk__in=listed).annotate(
        this_year=FilteredRelation(
            "reviews",
            condition=Q(reviews__year=year, reviews__is_current=True, reviews__status=APPROVED),
        ),
        cls=F("this_year__classification"),
    )
    lacking = _lacking_card_members(end).filter(household=OuterRef("pk"))
    credit = SupportRecord.objects.filter(
        _active_in_year(year), household=OuterRef("pk"), programme__kind=Programme.Kind.CREDIT
    )
    any_support = SupportRecord.objects.filter(_active_in_year(year), household=OuterRef("pk"))
    # `listed` is exactly the eligible set: poor or near-poor this year, or recently escaped
    # (on the list in the window before it), so credit needs no separate "escaped" test.
    household_rows = (
        households.annotate(
            _covered=~Exists(lacking),
            _credit=Exists(credit),
            _support=Exists(any_support),
        )
        # Counted in the unit the year's review was filed in (the tree of that year), else
        # the household's present unit.
        .values(unit=Coalesce("this_year__area_id", "commune_id", output_field=BigIntegerField()))
        .annotate(
            hi_den=Count("pk", filter=Q(cls__in=on_list)),
            hi_num=Count("pk", filter=Q(cls__in=on_list, _covered=True)),
            cr_den=Count("pk", filter=Q(wants_loan=True)),
            cr_num=Count("pk", filter=Q(wants_loan=True, _credit=True)),
            me_den=Count("pk", filter=Q(cls=POOR, is_meritorious=True)),
            me_num=Count("pk", filter=Q(cls=POOR, is_meritorious=True, _support=True)),
        )
        .order_by()
    )
    tuition = SupportRecord.objects.filter(
        _active_in_year(year), member=OuterRef("pk"), programme__kind=Programme.Kind.TUITION
    )
    listed_this_year = HouseholdReview.objects.filter(
        year=year, is_current=True, status=APPROVED, classification__in=on_list
    ).values("household_id")
    child_rows = (
        # listed_this_year already keeps only poor and near-poor households of the year.
        Member.objects.filter(household_id__in=listed_this_year)
        .annotate(_exempted=Exists(tuition))
        # rules.is_school_age on R
        .filter(
            aged_at_least_q(rules.SCHOOL_AGE_FROM, end),
            ~aged_at_least_q(rules.SCHOOL_AGE_TO, end),
        )
        .filter(living_on_q(end))
        .values(unit=_filed_unit(year))
        .annotate(den=Count("pk"), num=Count("pk", filter=Q(_exempted=True)))
        .order_by()
    )
    worker_rows = (
        SupportRecord.objects.filter(member__isnull=False, date__gte=start, date__lte=end)
        .values(unit=_filed_unit(year))
        .annotate(
            trained=Count("member", distinct=True, filter=Q(programme__kind__in=TRAINING_KINDS)),
            placed=Count("member", distinct=True, filter=Q(programme__kind=Programme.Kind.JOB)),
            abroad=Count("member", distinct=True, filter=Q(programme__kind=Programme.Kind.ABROAD)),
        )
        .order_by()
    )
    result: dict[int, dict[str, tuple[int, int]]] = {}

    def row(commune_id: int) -> dict[str, tuple[int, int]]:
        return result.setdefault(commune_id, dict.fromkeys(COVERAGE_CODES, (0, 0)))

    for r in household_rows:
        counts = row(r["unit"])
        counts["health_insurance_coverage"] = (r["hi_num"], r["hi_den"])
        counts["credit_coverage"] = (r["cr_num"], r["cr_den"])
        counts["meritorious_poor_supported"] = (r["me_num"], r["me_den"])
    for c in child_rows:
        row(c["unit"])["tuition_exemption_coverage"] = (c["num"], c["den"])
    for w in worker_rows:
        counts = row(w["unit"])
        counts["workers_trained"] = (w["trained"], 0)
        counts["workers_placed"] = (w["placed"], 0)
        counts["workers_abroad"] = (w["abroad"], 0)
    return result
