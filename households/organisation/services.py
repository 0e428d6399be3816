"""Writes of the area tree over time: recording a reorganisation, correcting one of its steps,
and carrying households to the successor of their closed unit (one set-based statement)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import (
    Area,
    Household,
    HouseholdReview,
    HouseholdTransfer,
    Reorganisation,
    ReorganisationStep,
    StaffProfile,
    TransferRun,
)
from households.types import User

from . import rules as area_rules
from . import selectors as area_selectors


class ReorganisationRefused(ValidationError):
    """A reorganisation with errors: nothing was written. `rows` = [(row, reason)]."""

    def __init__(self, rows: list[tuple[int, str]]) -> None:
        self.rows = rows
        super().__init__([f"{_('Dòng')} {row}: {reason}" for row, reason in rows])


@dataclass
class RecordResult:
    created: int = 0
    unchanged: int = 0
    closed: int = 0

    def __str__(self) -> str:
        return f"{self.created} bước mới, {self.unchanged} không đổi, {self.closed} đơn vị đóng"


@dataclass(frozen=True)
class StepInput:
    row: int
    old_code: str
    new_code: str
    share: str = area_rules.WHOLE
    certainty: str = ReorganisationStep.Certainty.SURE
    note: str = ""


def _units() -> dict[str, Area]:
    return {a.code: a for a in Area.objects.exclude(level=Area.Level.HAMLET)}


def _existing_edges(exclude_code: str) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    rows = ReorganisationStep.objects.exclude(reorganisation__code=exclude_code).values_list(
        "old_area__code", "new_area__code"
    )
    for old, new in rows:
        edges.setdefault(old, set()).add(new)
    return edges


@transaction.atomic
def reorganisation_record(
    *,
    code: str,
    name: str,
    legal_basis: str,
    effective_date: date,
    steps: Sequence[StepInput],
    source: str = "",
    note: str = "",
) -> RecordResult:
    """Record a reorganisation and close its old units, or refuse it whole (ReorganisationRefused
    lists every row and reason; nothing is written). Steps already recorded for an old unit are
    kept as they are: they may carry an administrator's correction."""
    units = _units()
    facts = {c: area_rules.Unit(c, a.valid_from, a.valid_to) for c, a in units.items()}
    errors = area_rules.reorganisation_errors(
        [area_rules.StepRow(s.row, s.old_code, s.new_code, s.share) for s in steps],
        units=facts,
        effective_date=effective_date,
        existing=_existing_edges(code),
    )
    if errors:
        raise ReorganisationRefused(errors)
    reorg, _created = Reorganisation.objects.update_or_create(
        code=code,
        defaults={"name": name, "legal_basis": legal_basis, "effective_date": effective_date,
                  "source": source, "note": note},
    )  # fmt: skip
    result = RecordResult()
    recorded = set(reorg.steps.values_list("old_area__code", "new_area__code", "share"))
    whole_done = {old for old, _new, share in recorded if share == area_rules.WHOLE}
    for step in steps:
        if step.old_code in whole_done or (step.old_code, step.new_code, step.share) in recorded:
            result.unchanged += 1
            continue
        ReorganisationStep.objects.create(
            reorganisation=reorg,
            old_area=units[step.old_code],
            new_area=units[step.new_code],
            share=step.share,
            certainty=step.certainty,
            note=step.note[:300],
        )
        result.created += 1
    result.closed = _close_old_units(reorg)
    return result


def _close_old_units(reorg: Reorganisation) -> int:
    """Old units end the day before; the single whole successor is kept on the unit."""
    closed = 0
    end = area_rules.day_before(reorg.effective_date)
    by_old: dict[int, list[ReorganisationStep]] = {}
    for step in reorg.steps.select_related("old_area"):
        by_old.setdefault(step.old_area_id, []).append(step)
    for steps in by_old.values():
        area = steps[0].old_area
        whole = [s for s in steps if s.share == area_rules.WHOLE]
        successor_id = whole[0].new_area_id if len(steps) == 1 and whole else None
        if area.valid_to != end or area.successor_id != successor_id:
            Area.objects.filter(pk=area.pk).update(valid_to=end, successor_id=successor_id)
            closed += 1
    return closed


@transaction.atomic
def reorganisation_step_correct(
    *, step: ReorganisationStep, new_area: Area, user: User, note: str = ""
) -> int:
    """Correct where a unit went (e.g. an `assumed` row), and let it flow through: the unit's
    successor, and the households already carried along the wrong chain are carried again
    (with the reviews they made in the wrong unit since). Returns the households moved."""
    reorg = step.reorganisation
    others = _existing_edges(reorg.code)
    for old_code, new_code in reorg.steps.exclude(pk=step.pk).values_list(
        "old_area__code", "new_area__code"
    ):
        others.setdefault(old_code, set()).add(new_code)
    facts = {c: area_rules.Unit(c, a.valid_from, a.valid_to) for c, a in _units().items()}
    old = step.old_area
    facts[old.code] = area_rules.Unit(old.code, old.valid_from, None)
    errors = area_rules.reorganisation_errors(
        [area_rules.StepRow(1, old.code, new_area.code, step.share)],
        units=facts,
        effective_date=reorg.effective_date,
        existing=others,
    )
    if errors:
        raise ValidationError([reason for _row, reason in errors])
    wrong_targets = set(area_selectors.final_successor_map().values())
    step.new_area = new_area
    step.certainty = ReorganisationStep.Certainty.SURE
    if note:
        step.note = note[:300]
    step.save(update_fields=["new_area", "certainty", "note"])
    _close_old_units(reorg)
    final = area_selectors.final_successor_map()
    target_id = final.get(old.pk)
    if target_id is None:
        return 0
    target = Area.objects.get(pk=target_id)
    # The households that came out of the corrected unit and now sit elsewhere than its
    # corrected successor.
    moved_ids = list(
        HouseholdTransfer.objects.filter(from_area=old)
        .exclude(household__commune_id=target_id)
        .filter(household__commune_id__in=wrong_targets)
        .values_list("household_id", flat=True)
        .distinct()
    )
    if not moved_ids:
        return 0
    run = TransferRun.objects.create(
        on=area_selectors.today(),
        user=user,
        reason=_("Sửa bước sắp xếp: %(step)s") % {"step": f"{old} → {new_area}"},
    )
    pairs = list(
        Household.objects.filter(pk__in=moved_ids).values_list("pk", "commune_id").order_by()
    )
    HouseholdTransfer.objects.bulk_create(
        [HouseholdTransfer(run=run, household_id=pk, from_area_id=c, to_area_id=target_id)
         for pk, c in pairs],
        batch_size=2000,
    )  # fmt: skip
    Household.objects.filter(pk__in=moved_ids).update(
        commune_id=target_id, area_path=target.path, updated_at=timezone.now()
    )
    # Reviews made since the reorganisation were filed in the wrong unit only because of the
    # wrong step: file them where the household really was.
    since = HouseholdReview.objects.filter(
        household_id__in=moved_ids, reference_date__gte=reorg.effective_date
    )
    years = set(since.values_list("year", flat=True))
    since.update(area_id=target_id, area_path=target.path)
    run.households = len(pairs)
    run.summary = {str(old.pk): [target_id, len(pairs)]}
    run.save(update_fields=["households", "summary"])
    _years_changed(years)
    return len(pairs)


def _years_changed(years: set[int]) -> None:
    from households.signals import announce_review_data_changed

    if years:
        announce_review_data_changed(years=years)


# --- households follow their unit ---------------------------------------------------------------


@dataclass
class CarryPlan:
    on: date
    # [(old unit, new unit, households)]
    moves: list[tuple[Area, Area, int]] = field(default_factory=list)
    hamlets: int = 0

    @property
    def households(self) -> int:
        return sum(n for _old, _new, n in self.moves)


def households_carry_plan(*, on: date | None = None) -> CarryPlan:
    """What `households_carry` would move on `on`: per closed unit, its successor and count."""
    on = on or area_selectors.today()
    final = area_selectors.final_successor_map(on)
    closed = dict(Area.objects.filter(pk__in=list(final), valid_to__lt=on).in_bulk().items())
    final = {old: new for old, new in final.items() if old in closed}
    plan = CarryPlan(on=on)
    if not final:
        return plan
    counts = dict(
        Household.objects.filter(commune_id__in=list(final))
        .values_list("commune_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    targets = Area.objects.in_bulk(set(final.values()))
    plan.moves = [
        (closed[old], targets[new], counts[old])
        for old, new in sorted(final.items(), key=lambda kv: closed[kv[0]].code)
        if counts.get(old)
    ]
    plan.hamlets = Area.objects.filter(parent_id__in=list(final), level=Area.Level.HAMLET).count()
    return plan


@transaction.atomic
def households_carry(
    *, on: date | None = None, user: User | None = None, dry_run: bool = False, reason: str = ""
) -> CarryPlan:
    """From the effective date, the households (and hamlets) of a closed unit belong to its
    successor: one UPDATE ... FROM a mapping table, on PostgreSQL and SQLite alike, audited
    (a TransferRun and one HouseholdTransfer row per household, written by INSERT ... SELECT).
    Reviews are never touched: they stay filed where they were made. Running it twice moves
    nothing the second time."""
    plan = households_carry_plan(on=on)
    if dry_run or (not plan.moves and not plan.hamlets):
        return plan
    run = TransferRun.objects.create(
        on=plan.on,
        user=user,
        reason=reason or _("Hộ theo đơn vị hành chính mới"),
        households=plan.households,
        hamlets=plan.hamlets,
        summary={str(old.pk): [new.pk, n] for old, new, n in plan.moves},
    )
    final = area_selectors.final_successor_map(plan.on)
    olds = {a.pk for a in Area.objects.filter(pk__in=list(final), valid_to__lt=plan.on)}
    targets = Area.objects.in_bulk(set(final.values()))
    mapping = [
        (old, new, targets[new].path, targets[new].depth)
        for old, new in final.items()
        if old in olds
    ]
    household = Household._meta.db_table
    area = Area._meta.db_table
    transfer = HouseholdTransfer._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS carry_map")
        cursor.execute(
            "CREATE TEMPORARY TABLE carry_map (old_id bigint PRIMARY KEY, new_id bigint NOT NULL,"
            " new_path varchar(255) NOT NULL, new_depth integer NOT NULL)"
        )
        cursor.executemany("INSERT INTO carry_map VALUES (%s, %s, %s, %s)", mapping)
        cursor.execute(
            f"INSERT INTO {transfer} (run_id, household_id, from_area_id, to_area_id)"  # noqa: S608
            f" SELECT %s, h.id, h.commune_id, m.new_id FROM {household} h"
            " JOIN carry_map m ON h.commune_id = m.old_id",
            [run.pk],
        )
        cursor.execute(
            f"UPDATE {household} SET commune_id = m.new_id, area_path = m.new_path,"  # noqa: S608
            " version = version + 1, updated_at = %s"
            f" FROM carry_map m WHERE {household}.commune_id = m.old_id",
            [now],
        )
        # Hamlets (ấp, khu phố) go on under the successor; their code ends their path.
        cursor.execute(
            f"UPDATE {area} SET parent_id = m.new_id, path = m.new_path || {area}.code || '/',"  # noqa: S608
            " depth = m.new_depth + 1"
            f" FROM carry_map m WHERE {area}.parent_id = m.old_id AND {area}.level = %s",
            [Area.Level.HAMLET],
        )
        cursor.execute("DROP TABLE carry_map")
    return plan


@transaction.atomic
def officer_rescope(*, profile: StaffProfile, areas: Sequence[Area], by: User) -> None:
    """Give an officer units of the tree in force; the closed ones stay (their history stays
    readable). Audited in the admin's change log."""
    from django.contrib.admin.models import CHANGE, LogEntry

    closed = [a for a in profile.areas.all() if not a.is_valid_on(area_selectors.today())]
    profile.areas.set([*closed, *areas])
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[profile],
        action_flag=CHANGE,
        change_message=_("Phân công địa bàn mới: %(areas)s")
        % {"areas": ", ".join(a.name for a in areas)},
        single_object=True,
    )
