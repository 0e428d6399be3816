"""The household list as rows of the import format, read in chunks (memory stays flat)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from households import rules
from households.models import HouseholdReview, Member
from households.models.reviews import COLUMN_FIELDS
from households.selectors import NoStandardError, indicator_list, standard_for_year

from .columns import (
    EXPORT_EXTRA_TITLES,
    FACT_KEYS,
    HOUSEHOLD_COLUMNS,
    REASON_KEYS,
    household_columns,
    label_for,
)
from .validation import MEMBER_FIELDS
from .writer import CLASSIFICATION_LABELS


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
    "phone",
)
REVIEW_VALUES = (
    "household_id",
    "income_per_capita",
    *COLUMN_FIELDS,
    "deprivation_count",
    "classification",
    "sources",
    "overrides",
    "income_confirmed",
    *FACT_KEYS,
)


def _bit(value: bool) -> int:
    return 1 if value else 0


def _tri(value: bool | None) -> int | None:
    """1, 0, or blank for a fact not recorded."""
    return None if value is None else _bit(value)


def _in_full(where, value: str) -> str:
    return value


def export_rows(queryset: QuerySet, *, year: int, shown: Shown | None = None) -> Iterator[list]:
    """Rows of sheet HO in the column order of the year's standard (household_columns), plus
    the computed columns (EXPORT_EXTRA_TITLES).

    Citizen IDs pass through `shown(area_path, value)`, the pages' masking
    (households.organisation.selectors.identifier_masker); None: all in full (the shell command).
    """
    reveal = shown or _in_full
    indicators = year_indicators(year)
    layout = _Layout(indicators)
    buffer: list[tuple] = []
    for row in queryset.order_by("code").values_list(*HOUSEHOLD_VALUES).iterator(chunk_size=CHUNK):
        buffer.append(row)
        if len(buffer) >= CHUNK:
            yield from _with_reviews(buffer, year, reveal, layout)
            buffer = []
    if buffer:
        yield from _with_reviews(buffer, year, reveal, layout)


class _Layout:
    """Where the export's full row (every HOUSEHOLD_COLUMNS key, then the computed columns)
    goes in the year's sheet: the standard's columns only (a fact it does not read is left
    out), ticks and reasons in the order of its indicators."""

    def __init__(self, indicators: list | None) -> None:
        self.columns = [i.column for i in indicators] if indicators else list(range(1, 13))
        self.codes = (
            {i.column: i.code for i in indicators}
            if indicators
            else {n: f"CS{n:02d}" for n in range(1, 13)}
        )
        keys = {c.key for c in household_columns(indicators)}
        keep = [i for i, c in enumerate(HOUSEHOLD_COLUMNS) if c.key in keys]
        extra = len(HOUSEHOLD_COLUMNS)
        keep += range(extra, extra + len(EXPORT_EXTRA_TITLES))
        self.project = (
            (lambda row: row)
            if len(keep) == extra + len(EXPORT_EXTRA_TITLES)
            else (lambda row: [row[i] for i in keep])
        )


# The cells after the phone of a household without a review: the facts, the confirmation and
# the reasons.
_PADDING = [None] * (len(FACT_KEYS) + 1 + len(REASON_KEYS))


def _with_reviews(households: list[tuple], year: int, reveal, layout: _Layout) -> Iterator[list]:
    columns, codes, project, padding = layout.columns, layout.codes, layout.project, _PADDING
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
        phone = reveal(h[11], h[12])
        if review is None:
            yield project([*base, None, *([None] * 12), *flags, phone, *padding, None, None, None])
            continue
        sources, overrides, confirmed = review[17], review[18] or {}, review[19]
        parts, area, water, latrine, internet, device, waste, digital = review[20:28]
        # Only what a person chose is written as a tick; "unknown" stays blank, so that the
        # re-import is a no-op (a derived tick equal to the facts stays derived). Tick N is the
        # standard's N-th indicator, read from its column (d01..d13).
        ticks = [None if sources.get(str(n)) == "unknown" else _bit(review[1 + n]) for n in columns]
        ticks += [None] * (12 - len(ticks))
        reasons = [(overrides.get(str(n)) or {}).get("reason", "") for n in columns]
        reasons += [""] * (12 - len(reasons))
        yield project(
            [
                *base,
                review[1],
                *ticks,
                *flags,
                phone,
                parts,
                area,
                label_for("water_source", water) if water else "",
                label_for("latrine", latrine) if latrine else "",
                _tri(internet),
                _tri(device),
                label_for("waste_treatment", waste) if waste else "",
                _tri(digital),
                _bit(confirmed) if confirmed else None,
                *reasons,
                _authors(overrides, codes),
                review[15],
                CLASSIFICATION_LABELS.get(review[16], review[16]),
            ]
        )


def _authors(overrides: dict, codes: dict[int, str]) -> str:
    """ "CS04: Nguyễn Văn A, 02/12/2026 10:00" for each override (who and when; why has its
    own column); the code is the standard's."""
    parts = []
    for key in sorted(overrides, key=int):
        entry = overrides[key]
        when = parse_datetime(entry.get("at") or "")
        stamp = timezone.localtime(when).strftime("%d/%m/%Y %H:%M") if when else ""
        code = codes.get(int(key), f"CS{int(key):02d}")
        parts.append(f"{code}: {entry.get('by_name') or entry.get('by')}, {stamp}")
    return "; ".join(parts)


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
            *MEMBER_FIELDS,
            "household__area_path",
            "r_income",
            "r_urban",
            "r_class",
            "r_on",
        )
        .iterator(chunk_size=CHUNK)
    )
    for row in members:
        code, name, dob, sex, rel, cid, card, school, education, work = row[:10]
        expiry, disability, allowance, malnourished, path = row[10:15]
        low_income = check(dob, sex, work, *row[15:]) if check is not None else None
        cid = reveal(path, cid)
        yield [
            code,
            name,
            dob,
            label_for("sex", sex),
            label_for("relationship", rel),
            cid,
            _tri(card),
            label_for("school_level", school),
            label_for("education", education),
            label_for("work_status", work),
            expiry,
            _tri(disability),
            _tri(allowance),
            _tri(malnourished),
            low_income,
        ]
