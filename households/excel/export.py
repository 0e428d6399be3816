"""The household list as rows of the import format, read in chunks (memory stays flat)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from households.models import HouseholdReview, Member
from households.models.reviews import INDICATOR_FIELDS

from .columns import FACT_KEYS, label_for
from .validation import MEMBER_FIELDS
from .writer import CLASSIFICATION_LABELS

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
    *INDICATOR_FIELDS,
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
    """Rows of sheet HO in the import's column order, plus the two computed columns.

    Citizen IDs pass through `shown(area_path, value)`, the pages' masking
    (households.organisation.selectors.identifier_masker); None: all in full (the shell command).
    """
    reveal = shown or _in_full
    buffer: list[tuple] = []
    for row in queryset.order_by("code").values_list(*HOUSEHOLD_VALUES).iterator(chunk_size=CHUNK):
        buffer.append(row)
        if len(buffer) >= CHUNK:
            yield from _with_reviews(buffer, year, reveal)
            buffer = []
    if buffer:
        yield from _with_reviews(buffer, year, reveal)


def _with_reviews(households: list[tuple], year: int, reveal) -> Iterator[list]:
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
            yield [*base, None, *([None] * 12), *flags, phone, *([None] * 19), None, None, None]
            continue
        sources, overrides, confirmed = review[16], review[17] or {}, review[18]
        parts, area, water, latrine, internet, device = review[19:25]
        # Only what a person chose is written as a tick; "unknown" stays blank, so that the
        # re-import is a no-op (a derived tick equal to the facts stays derived).
        ticks = [
            None if sources.get(str(n)) == "unknown" else _bit(x)
            for n, x in enumerate(review[2:14], start=1)
        ]
        yield [
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
            _bit(confirmed) if confirmed else None,
            *((overrides.get(str(n)) or {}).get("reason", "") for n in range(1, 13)),
            _authors(overrides),
            review[14],
            CLASSIFICATION_LABELS.get(review[15], review[15]),
        ]


def _authors(overrides: dict) -> str:
    """ "CS04: Nguyễn Văn A, 02/12/2026 10:00" for each override (who and when; why has its
    own column)."""
    parts = []
    for key in sorted(overrides, key=int):
        entry = overrides[key]
        when = parse_datetime(entry.get("at") or "")
        stamp = timezone.localtime(when).strftime("%d/%m/%Y %H:%M") if when else ""
        parts.append(f"CS{int(key):02d}: {entry.get('by_name') or entry.get('by')}, {stamp}")
    return "; ".join(parts)


def export_member_rows(queryset: QuerySet, *, shown: Shown | None = None) -> Iterator[list]:
    reveal = shown or _in_full
    members = (
        Member.objects.filter(household__in=queryset.values("id"), left_on__isnull=True)
        .order_by("household__code", "id")
        .values_list(
            "household__code",
            "full_name",
            "date_of_birth",
            *MEMBER_FIELDS,
            "household__area_path",
        )
        .iterator(chunk_size=CHUNK)
    )
    for row in members:
        code, name, dob, sex, rel, cid, card, school, education, work = row[:10]
        expiry, disability, allowance, malnourished, path = row[10:]
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
        ]
