"""What another standard would do to the lists: the latest approved reviews of an area
classified again under that standard, in memory. Reads only; nothing is written.

The same rules classify as for a review: where the other standard applies the same rule with the
same parameters to a column, the stored result stands (rules.reusable_columns); the other columns
are derived by their rule from the stored facts of the review (and the members on its reference
date, only when such a rule reads them), resolved with the reviewer's own tick; the class comes
from the other standard's lines (rules.reclassified). Tests compare it with rules.evaluate run one
household at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from . import rules
from .models import Area, HouseholdReview, Member, PovertyStandard
from .models.reviews import COLUMN_FIELDS, COLUMN_NUMBERS
from .selectors import MEMBER_FACT_FIELDS, indicator_list, indicator_specs, member_facts_from

CHUNK = 2000
REVIEW_VALUES = (
    "id",
    "household_id",
    "household__code",
    "household__head_name",
    "household__declared_size",
    "household__commune_id",  # where the household is now (the next year is reviewed there)
    "standard_id",
    "reference_date",
    "is_urban",
    "income_per_capita",
    "nondurable_parts",
    "floor_area_m2",
    "water_source",
    "latrine",
    "uses_internet",
    "has_information_device",
    "waste_treatment",
    "uses_digital_services",
    "sources",
    "classification",
    *COLUMN_FIELDS,
)
_FLAGS_AT = REVIEW_VALUES.index("d01")


@dataclass
class CommuneForecast:
    area_id: int
    code: str = ""
    name: str = ""
    households: int = 0
    before: Counter = field(default_factory=Counter)  # classification -> households
    after: Counter = field(default_factory=Counter)
    changes: Counter = field(default_factory=Counter)  # "poor>near_poor" -> households
    gained: Counter = field(default_factory=Counter)  # column -> households newly deprived
    lost: Counter = field(default_factory=Counter)  # column -> households no longer deprived

    @property
    def poor_change(self) -> int:
        return self.after[rules.POOR] - self.before[rules.POOR]

    @property
    def near_poor_change(self) -> int:
        return self.after[rules.NEAR_POOR] - self.before[rules.NEAR_POOR]


@dataclass(frozen=True, slots=True)
class HouseholdChange:
    """One household whose class would change, and the indicators that differ."""

    commune_id: int
    code: str
    head_name: str
    before: str
    after: str
    gained: tuple[int, ...]
    lost: tuple[int, ...]


@dataclass
class Forecast:
    area: Area
    standard: PovertyStandard
    year: int
    communes: dict[int, CommuneForecast]
    changes: list[HouseholdChange]
    labels: dict[int, str]  # column -> "CS12 Xử lý rác thải sinh hoạt" (target's, else source's)
    source_standards: list[PovertyStandard]

    @property
    def total(self) -> CommuneForecast:
        total = CommuneForecast(area_id=self.area.pk, code=self.area.code, name=self.area.name)
        for commune in self.communes.values():
            total.households += commune.households
            for name in ("before", "after", "changes", "gained", "lost"):
                getattr(total, name).update(getattr(commune, name))
        return total

    def ranked(self) -> list[CommuneForecast]:
        """Communes by how much their poor count would change (largest first)."""
        return sorted(
            self.communes.values(), key=lambda c: (-abs(c.poor_change), -c.households, c.code)
        )

    @property
    def mixes_standards(self) -> bool:
        return any(s.pk != self.standard.pk for s in self.source_standards)


def latest_approved_year(area: Area) -> int | None:
    return (
        HouseholdReview.objects.filter(
            status=HouseholdReview.Status.APPROVED,
            is_current=True,
            household__area_path__startswith=area.path,
        )
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


def _reviews(area: Area, year: int) -> Iterator[list[tuple]]:
    """The year's approved current reviews under the area, in chunks of CHUNK."""
    queryset = (
        HouseholdReview.objects.filter(
            year=year,
            status=HouseholdReview.Status.APPROVED,
            is_current=True,
            household__area_path__startswith=area.path,
        )
        .order_by("household_id")
        .values_list(*REVIEW_VALUES)
    )
    chunk: list[tuple] = []
    for row in queryset.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _members(household_ids: list[int]) -> dict[int, list[rules.MemberFacts]]:
    members: dict[int, list[rules.MemberFacts]] = {}
    fields = ("household_id", *MEMBER_FACT_FIELDS)
    rows = Member.objects.filter(household_id__in=household_ids).values(*fields)
    for row in rows.iterator(chunk_size=CHUNK * 4):
        members.setdefault(row["household_id"], []).append(member_facts_from(row))
    return members


def forecast_run(
    *,
    area: Area,
    standard: PovertyStandard,
    year: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Forecast:
    """Classify the approved reviews of `year` (default: the latest year with approved
    reviews) under `area` by `standard`; counts by commune, the households whose class would
    change and the indicators that make the difference. Writes nothing."""
    year = year or latest_approved_year(area) or 0
    target = indicator_list(standard)
    specs = tuple(i.spec() for i in target)
    lines = standard.lines()
    communes: dict[int, CommuneForecast] = {}
    changes: list[HouseholdChange] = []
    plans: dict[int, tuple] = {}  # source standard id -> (columns reused, specs derived, members?)
    done = 0
    for chunk in _reviews(area, year):
        for standard_id in {row[6] for row in chunk} - plans.keys():
            source = indicator_specs(PovertyStandard.objects.get(pk=standard_id))
            reuse = rules.reusable_columns(source, specs)
            derive = tuple(s for s in specs if s.column not in reuse)
            plans[standard_id] = (reuse, derive, any(s.rule in rules.MEMBER_RULES for s in derive))
        needing = [row[1] for row in chunk if plans[row[6]][2]]
        members = _members(needing) if needing else {}
        for row in chunk:
            (_id, household_id, code, head, size, commune_id, standard_id, on, urban, income) = row[
                :10
            ]
            reuse, derive, _needs_members = plans[standard_id]
            flags = dict(zip(COLUMN_NUMBERS, row[_FLAGS_AT:], strict=True))
            present = rules.members_on(members.get(household_id, ()), on)
            new, after = rules.reclassified(
                flags=flags,
                sources=row[18] or {},
                reuse=reuse,
                derive=derive,
                present=present,
                facts=rules.HouseholdFacts(
                    nondurable_parts=row[10],
                    floor_area_m2=row[11],
                    water_source=row[12],
                    latrine=row[13],
                    uses_internet=row[14],
                    has_information_device=row[15],
                    waste_treatment=row[16],
                    uses_digital_services=row[17],
                )
                if derive
                else rules.NO_FACTS,
                on=on,
                size=len(present) or size or 0,
                income_per_capita=income,
                is_urban=urban,
                lines=lines,
            )
            before = row[19]
            commune = communes.get(commune_id)
            if commune is None:
                commune = communes[commune_id] = CommuneForecast(area_id=commune_id)
            commune.households += 1
            commune.before[before] += 1
            commune.after[after] += 1
            gained = tuple(n for n in COLUMN_NUMBERS if new.get(n, False) and not flags[n])
            lost = tuple(n for n in COLUMN_NUMBERS if flags[n] and not new.get(n, False))
            if gained:
                commune.gained.update(gained)
            if lost:
                commune.lost.update(lost)
            if before != after:
                commune.changes[rules.class_change(before, after)] += 1
                changes.append(HouseholdChange(commune_id, code, head, before, after, gained, lost))
        done += len(chunk)
        if progress is not None:
            progress(done)
    source_ids = set(plans)
    for a in Area.objects.filter(pk__in=communes).only("code", "name"):
        communes[a.pk].code, communes[a.pk].name = a.code, a.name
    sources = list(PovertyStandard.objects.filter(pk__in=source_ids))
    labels = {}
    for s in sources:
        labels.update({i.column: f"{i.code} {i.name}" for i in indicator_list(s)})
    labels.update({i.column: f"{i.code} {i.name}" for i in target})
    return Forecast(
        area=area,
        standard=standard,
        year=year,
        communes=communes,
        changes=changes,
        labels=labels,
        source_standards=sources,
    )
