"""The household list as rows of the import format, read in chunks (memory stays flat)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db.models import OuterRef, QuerySet, Subquery

from households import rules
from households.models import HouseholdReview, Member
from households.models.reviews import COLUMN_FIELDS
from households.selectors import NoStandardError, indicator_list, standard_for_year

from .columns import WASTE_CHOICES, label_for
from .writer import CLASSIFICATION_LABELS

WASTE_LABELS = {value: label for label, value in WASTE_CHOICES.items()}


def year_indicators(year: int) -> list | None:
    """The indicators (in order) of the standard in force for `year`; None when there is none
    (the workbook then keeps the 2022-2025 titles)."""
    try:
        return indicator_list(standard_for_year(year))
    except NoStandardError:
        return None


CHUNK = 2000
Shown = Callable[[str, str], str]
HOUSEHOLD_VALUES = (
    "id",
    "code",
    "commune__code",
    "hamlet__name",
    "head_name",
    "head_citizen_id",
    "declared_size",
    "is_meritorious",
    "is_ethnic_minority",
    "no_labour_capacity",
    "wants_loan",
    "area_path",
)
REVIEW_VALUES = (
    "household_id",
    "income_per_capita",
    *COLUMN_FIELDS,
    "deprivation_count",
    "classification",
    "waste_treatment",
    "uses_digital_services",
)


def _bit(value: bool) -> int:
    return 1 if value else 0


def _in_full(where, value: str) -> str:
    return value


def export_rows(queryset: QuerySet, *, year: int, shown: Shown | None = None) -> Iterator[list]:
    """Rows of sheet HO in the import's column order, plus the two computed columns.

    Citizen IDs pass through `shown(area_path, value)`, the pages' masking
    (households.organisation.selectors.identifier_masker); None: all in full (the shell command).
    """
    reveal = shown or _in_full
    indicators = year_indicators(year)
    # Tick N of the sheet is the standard's N-th indicator, read from its column (d01..d13).
    positions = [2 + i.column - 1 for i in indicators] if indicators else list(range(2, 14))
    buffer: list[tuple] = []
    for row in queryset.order_by("code").values_list(*HOUSEHOLD_VALUES).iterator(chunk_size=CHUNK):
        buffer.append(row)
        if len(buffer) >= CHUNK:
            yield from _with_reviews(buffer, year, reveal, positions)
            buffer = []
    if buffer:
        yield from _with_reviews(buffer, year, reveal, positions)


def _tri(value: bool | None) -> int | None:
    return None if value is None else _bit(value)


def _with_reviews(households: list[tuple], year: int, reveal, positions) -> Iterator[list]:
    reviews = {
        r[0]: r
        for r in HouseholdReview.objects.filter(
            household_id__in=[h[0] for h in households], year=year, is_current=True
        )
        .order_by("household_id", "-round__month")
        .values_list(*REVIEW_VALUES)
    }
    for h in households:
        review = reviews.get(h[0])
        base = [h[1], h[2], h[3] or "", h[4], reveal(h[11], h[5]), h[6]]
        flags = [_bit(x) for x in h[7:11]]
        if review is None:
            yield [*base, None, *([None] * len(positions)), *flags, None, None, None, None]
        else:
            yield [
                *base,
                review[1],
                *(_bit(review[p]) for p in positions),
                *flags,
                WASTE_LABELS.get(review[17], ""),
                _tri(review[18]),
                review[15],
                CLASSIFICATION_LABELS.get(review[16], review[16]),
            ]


def _low_income_check(year: int | None):
    """member values -> "1"/"" (a low-income worker in the year's review), or None when the
    year's standard does not identify them (the column then stays empty)."""
    if year is None:
        return None
    try:
        standard = standard_for_year(year)
    except NoStandardError:
        return None
    rule = standard.low_income_rule(year)
    if rule is None:
        return None

    def check(dob, sex, work, income, is_urban, classification, on) -> int | None:
        if income is None or dob is None:
            return None
        facts = rules.MemberFacts(
            full_name="", date_of_birth=dob, is_female=sex == Member.Sex.FEMALE, work_status=work
        )
        found = rules.is_low_income_worker(
            facts,
            on=on,
            income_per_capita=income,
            is_urban=is_urban,
            classification=classification,
            rule=rule,
        )
        return 1 if found else 0

    return check


def export_member_rows(
    queryset: QuerySet, *, shown: Shown | None = None, year: int | None = None
) -> Iterator[list]:
    reveal = shown or _in_full
    check = _low_income_check(year)
    review = HouseholdReview.objects.filter(
        household_id=OuterRef("household_id"), year=year, is_current=True
    ).order_by("-round__month", "-pk")
    members = (
        Member.objects.filter(household__in=queryset.values("id"), left_on__isnull=True)
        .annotate(
            r_income=Subquery(review.values("income_per_capita")[:1]),
            r_urban=Subquery(review.values("is_urban")[:1]),
            r_class=Subquery(review.values("classification")[:1]),
            r_on=Subquery(review.values("reference_date")[:1]),
        )
        .order_by("household__code", "id")
        .values_list(
            "household__code",
            "full_name",
            "date_of_birth",
            "sex",
            "relationship",
            "citizen_id",
            "has_health_insurance",
            "school_level",
            "education",
            "work_status",
            "household__area_path",
            "r_income",
            "r_urban",
            "r_class",
            "r_on",
        )
        .iterator(chunk_size=CHUNK)
    )
    for row in members:
        code, name, dob, sex, rel, cid, card, school, education, work, path = row[:11]
        low_income = check(dob, sex, work, *row[11:]) if check is not None else None
        cid = reveal(path, cid)
        yield [
            code,
            name,
            dob,
            label_for("sex", sex),
            label_for("relationship", rel),
            cid,
            _bit(card),
            label_for("school_level", school) if school else "",
            label_for("education", education),
            label_for("work_status", work),
            low_income,
        ]
