"""The household list as rows of the import format, read in chunks (memory stays flat)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db.models import QuerySet

from households.models import HouseholdReview, Member
from households.models.reviews import INDICATOR_FIELDS

from .columns import label_for
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
)
REVIEW_VALUES = (
    "household_id",
    "income_per_capita",
    *INDICATOR_FIELDS,
    "deprivation_count",
    "classification",
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
        if review is None:
            yield [*base, None, *([None] * 12), *flags, None, None]
        else:
            yield [
                *base,
                review[1],
                *(_bit(x) for x in review[2:14]),
                *flags,
                review[14],
                CLASSIFICATION_LABELS.get(review[15], review[15]),
            ]


def export_member_rows(queryset: QuerySet, *, shown: Shown | None = None) -> Iterator[list]:
    reveal = shown or _in_full
    members = (
        Member.objects.filter(household__in=queryset.values("id"), left_on__isnull=True)
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
        )
        .iterator(chunk_size=CHUNK)
    )
    for code, name, dob, sex, rel, cid, card, school, education, work, path in members:
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
        ]
