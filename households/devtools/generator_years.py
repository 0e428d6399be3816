"""The years after the generated ones: households carried through the reorganisations, one
review a year in the unit of that year, and units of the merged province with households from
2025 (generate_province --until 2026 --new-households N)."""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.db.models import Count, Sum, TextField
from django.db.models.functions import Cast

from households import rules
from households.devtools.generator import (
    APPROVED,
    BATCH,
    DEFAULT_POOR_RATE,
    DEMO_COMMUNE,
    REVIEW_COLUMNS,
    REVIEW_FACT_COLUMNS,
    REVIEW_REASON_COLUMNS,
    REVIEW_RESULT_COLUMNS,
    SUBMITTED,
    BulkWriter,
    CopyWriter,
    Generator,
    defer_indexes,
    restore_indexes,
)
from households.models import Area, AreaPopulation, Household, HouseholdReview, HouseholdTransfer
from households.organisation.rules import tree_date_for_year
from households.organisation.selectors import area_tree_for_year, is_urban_on_date
from households.organisation.services import households_carry, households_carry_plan
from households.selectors import standard_for_year
from households.services import default_reference_date

# Read from last year's review and carried into this year's: the facts and results of
# REVIEW_COLUMNS (generator.REVIEW_FACT_COLUMNS, _REASON_, _RESULT_COLUMNS), and where it lives.
CARRIED = (
    "household_id",
    *REVIEW_FACT_COLUMNS,
    *REVIEW_REASON_COLUMNS,
    *REVIEW_RESULT_COLUMNS,
    "household__commune_id",
)


def year_extend(generator: Generator, *, year: int, out) -> int:
    """Carry the households to the units in force on the year's reference date, then give each
    household with a review last year its review of `year`, filed in its unit of that year.
    Returns the reviews written."""
    started = time.monotonic()
    with transaction.atomic():
        deferred = []
        moving = households_carry_plan(on=tree_date_for_year(year)).households
        if connection.vendor == "postgresql" and moving * 4 >= Household.objects.count() > 0:
            # The carry rewrites most household rows: their indexes are built once afterwards.
            with connection.cursor() as cursor:
                deferred = defer_indexes(cursor.cursor, [Household, HouseholdTransfer])
        plan = households_carry(on=tree_date_for_year(year), reason=f"generate_province {year}")
        if deferred:
            with connection.cursor() as cursor:
                restore_indexes(cursor.cursor, deferred)
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
    # PostgreSQL: the JSON columns are read as text and copied as they are.
    dumps = lambda value: value  # noqa: E731
    now = generator.now
    final = year == generator.until
    demo_unit = _demo_unit(communes) if generator.demo and final else None
    submitted_left = 5 if demo_unit else 0
    written = 0
    with transaction.atomic():
        writer = CopyWriter() if connection.vendor == "postgresql" else BulkWriter()
        ids = writer.start()
        if Household.objects.count() * 4 >= ids["review"]:
            writer.defer([HouseholdReview])
        review_id = ids["review"]
        batch: list[tuple] = []
        try:
            previous_rows = (
                HouseholdReview.objects.filter(year=year - 1, is_current=True)
                .order_by("household_id")
                .values_list(*_carried_columns())
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
                            **{f: values[f] for f in REVIEW_FACT_COLUMNS},
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


def _carried_columns() -> list:
    """CARRIED, with the JSON columns as their text on PostgreSQL (no parse and dump)."""
    if connection.vendor != "postgresql":
        return list(CARRIED)
    return [Cast(c, TextField()) if c in ("sources", "reasons") else c for c in CARRIED]


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
