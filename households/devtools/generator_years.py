"""The years after the generated ones: households carried through the reorganisations, one
review a year in the unit of that year, and units of the merged province with households from
2025 (generate_province --until 2026 --new-households N)."""

from __future__ import annotations

import json
import time

from django.db import connection, transaction
from django.db.models import Count, Sum

from households import rules
from households.devtools.generator import (
    APPROVED,
    BATCH,
    DEFAULT_POOR_RATE,
    DEMO_COMMUNE,
    REVIEW_COLUMNS,
    SUBMITTED,
    BulkWriter,
    CopyWriter,
    Generator,
)
from households.models import Area, AreaPopulation, HouseholdReview
from households.models.reviews import COLUMN_FIELDS
from households.organisation.rules import tree_date_for_year
from households.organisation.selectors import area_tree_for_year, is_urban_on_date
from households.organisation.services import households_carry
from households.selectors import standard_for_year
from households.services import default_reference_date

# Read from last year's review and carried into this year's.
CARRIED = (
    "household_id",
    "classification",
    "deprivation_count",
    "member_count",
    "nondurable_parts",
    "floor_area_m2",
    "water_source",
    "latrine",
    "uses_internet",
    "has_information_device",
    "waste_treatment",
    "uses_digital_services",
    *COLUMN_FIELDS,
    "sources",
    "reasons",
    "household__commune_id",
)


def year_extend(generator: Generator, *, year: int, out) -> int:
    """Carry the households to the units in force on the year's reference date, then give each
    household with a review last year its review of `year`, filed in its unit of that year.
    Returns the reviews written."""
    started = time.monotonic()
    plan = households_carry(on=tree_date_for_year(year), reason=f"generate_province {year}")
    if plan.households:
        out.write(f"  {year}: {plan.households} hộ sang đơn vị mới")
    communes = {a.pk: a for a in area_tree_for_year(year).filter(level=Area.Level.COMMUNE)}
    for area in Area.objects.filter(households__isnull=False).distinct():
        communes.setdefault(area.pk, area)
    rounds = generator.rounds(list(communes.values()), (year,))
    standard = standard_for_year(year)
    lines = standard.lines()
    on = default_reference_date(year)
    urban = {pk: is_urban_on_date(a, on) for pk, a in communes.items()}
    rng = generator.rng
    dumps = json.dumps if connection.vendor == "postgresql" else (lambda value: value)
    now = generator.now
    final = year == generator.until
    demo_unit = _demo_unit(communes) if generator.demo and final else None
    submitted_left = 5 if demo_unit else 0
    written = 0
    with transaction.atomic():
        writer = CopyWriter() if connection.vendor == "postgresql" else BulkWriter()
        ids = writer.start()
        review_id = ids["review"]
        batch: list[tuple] = []
        try:
            previous_rows = (
                HouseholdReview.objects.filter(year=year - 1, is_current=True)
                .order_by("household_id")
                .values_list(*CARRIED)
                .iterator(chunk_size=5000)
            )
            for row in previous_rows:
                values = dict(zip(CARRIED, row, strict=True))
                commune = communes[values["household__commune_id"]]
                previous = values["classification"]
                target = generator.next_target(previous, DEFAULT_POOR_RATE)
                is_urban = urban[commune.pk]
                line = lines.urban_poverty_line if is_urban else lines.rural_poverty_line
                average = lines.urban_average_line if is_urban else lines.rural_average_line
                if target in (rules.POOR, rules.NEAR_POOR):
                    income = rng.randrange(int(line * 0.5), line + 1, 1000)
                else:
                    income = rng.randrange(line + 1000, average * 3, 1000)
                classification = rules.classify(
                    income_per_capita=income,
                    is_urban=is_urban,
                    deprivation_count=values["deprivation_count"],
                    lines=lines,
                )
                status = APPROVED
                if submitted_left and commune.pk == demo_unit:
                    status, submitted_left = SUBMITTED, submitted_left - 1
                review_id += 1
                batch.append(
                    _row(
                        {
                            "id": review_id, "household_id": values["household_id"],
                            "round_id": rounds[commune.pk, year], "area_id": commune.pk,
                            "area_path": commune.path, "year": year, "reference_date": on,
                            "standard_id": standard.pk, "is_urban": is_urban,
                            "standard_revision": standard.revision, "poverty_line": line,
                            "income_per_capita": income,
                            **{f: values[f] for f in CARRIED[4:-1] if f not in ("sources", "reasons")},
                            "sources": dumps(values["sources"]),
                            "reasons": dumps(values["reasons"]),
                            "deprivation_count": values["deprivation_count"],
                            "classification": classification,
                            "member_count": values["member_count"], "status": status,
                            "return_reason": "", "overrides": "{}",  # from the facts
                            "is_current": True, "submitted_at": now,
                            "approved_at": now if status == APPROVED else None, "version": 1,
                            "created_at": now, "updated_at": now,
                        }
                    )
                )  # fmt: skip
                if len(batch) >= BATCH:
                    writer.write(([], [], batch))
                    written += len(batch)
                    batch = []
            if batch:
                writer.write(([], [], batch))
                written += len(batch)
        finally:
            writer.stop()
        writer.finish()
        _populations(year)
        if not final:
            generator.lock(list(communes.values()), year)
    writer.analyze()
    out.write(f"  {year}: {written} phiếu ({time.monotonic() - started:.1f} s)")
    return written


def _defaults() -> dict[str, object]:
    """Each review column's model default (the generator's column list may grow)."""
    out = {}
    for column in REVIEW_COLUMNS:
        field = next(f for f in HouseholdReview._meta.concrete_fields if f.attname == column)
        # A CharField without a default stores "" (its get_default), never NULL.
        out[column] = None if field.null and not field.has_default() else field.get_default()
    return out


DEFAULTS = _defaults()


def _row(values: dict) -> tuple:
    return tuple(values.get(c, DEFAULTS[c]) for c in REVIEW_COLUMNS)


def _demo_unit(communes) -> int | None:
    """The 2025 unit the demo commune (Xã An Đức) went into: Xã Ba Tri."""
    from households.organisation.selectors import final_successor_map

    an_duc = Area.objects.filter(code=DEMO_COMMUNE).first()
    if an_duc is None:
        return None
    return final_successor_map().get(an_duc.pk, an_duc.pk)


def _populations(year: int) -> None:
    """Resident households of each unit: its reviewed households and persons, plus 3%."""
    rows = (
        HouseholdReview.objects.filter(year=year, is_current=True)
        .values("area_id")
        .annotate(n=Count("id"), persons=Sum("member_count"))
        .order_by()
    )
    for row in rows:
        AreaPopulation.objects.update_or_create(
            area_id=row["area_id"],
            year=year,
            defaults={
                "households": int(row["n"] * 1.03) or 1,
                "persons": int((row["persons"] or 0) * 1.03) or 1,
            },
        )


def new_unit_codes(count: int | None) -> list[str]:
    """Units of the 2025 tree with no Bến Tre predecessor (former Trà Vinh and Vĩnh Long)."""
    from households.models import ReorganisationStep

    born = set(ReorganisationStep.objects.values_list("new_area_id", flat=True))
    units = [
        a.code
        for a in area_tree_for_year(2025).filter(level=Area.Level.COMMUNE).order_by("code")
        if a.pk not in born
    ]
    if count is None:
        return units
    # a few spread over the list (wards and communes of both former provinces)
    step = max(1, len(units) // max(count, 1))
    return units[::step][:count]
