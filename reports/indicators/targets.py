"""Targets family: completion and lateness of the tasks (nhiệm vụ) of the year's plans.

Tasks belong to agencies, not areas, so they are placed on the area tree by who leads them:
a district People's Committee's task (Agency.kind district_committee, Agency.area = the
district) counts at that district; every other task (the departments') counts at the province
(the root area). The roll-up adds the districts into the province, so the province shows every
task of the plan and a district only its committee's tasks. Communes have none.

The tasks counted are those of the plans of the year (Plan.year). "Overdue" is judged on a
reference day (`overdue_reference_date`): the day of the rebuild for the current (or a future)
year, 31 December for a past year — so a past year's snapshot does not change as time passes,
and the current year's counts what is late today (the nightly rebuild moves it forward).
The task's own state is its denormalised `status`/`due_date` (set by targets.services).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import Agency, Area
from targets.models import Task, TaskStatus
from targets.selectors import overdue_q

from .base import Counts, Good, Indicator, Kind, Unit

ITEMS, PCT = Unit.ITEMS, Unit.PERCENT

INDICATORS = (
    Indicator("tasks_total", _("Số nhiệm vụ được giao"), ITEMS),
    Indicator("tasks_done", _("Số nhiệm vụ đã hoàn thành"), ITEMS, Good.UP),
    Indicator("tasks_overdue", _("Số nhiệm vụ quá hạn chưa hoàn thành"), ITEMS, Good.DOWN),
    Indicator(
        "task_completion_rate",
        _("Tỷ lệ nhiệm vụ đã hoàn thành"),
        PCT,
        Good.UP,
        Kind.RATIO,
        "tasks_done",
        "tasks_total",
    ),
)


def overdue_reference_date(year: int, today: date) -> date:
    """The day overdue is judged on: `today`, but no later than 31 December of `year`."""
    return min(today, date(year, 12, 31))


def _root_area_id() -> int | None:
    root = Area.objects.filter(code=settings.PROVINCE_CODE).values_list("pk", flat=True).first()
    if root is None:
        root = Area.objects.filter(parent__isnull=True).values_list("pk", flat=True).first()
    return root


def compute(year: int) -> Counts:
    """Task counts of the year's plans by leading district (or the province): one query."""
    reference = overdue_reference_date(year, timezone.localdate())
    root = _root_area_id()
    district = Q(lead_agency__kind=Agency.Kind.DISTRICT_COMMITTEE, lead_agency__area__isnull=False)
    rows = (
        Task.objects.filter(plan__year=year)
        .values("lead_agency__kind", "lead_agency__area_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
            overdue=Count("id", filter=overdue_q(reference)),
            in_district=Count("id", filter=district),
        )
        .order_by()
    )
    counts: Counts = {}
    for row in rows:
        area = row["lead_agency__area_id"] if row["in_district"] else root
        if area is None:
            continue
        for code, key in (("tasks_total", "total"), ("tasks_done", "done"),
                          ("tasks_overdue", "overdue")):  # fmt: skip
            counts[(code, area)] = counts.get((code, area), 0) + row[key]
    return counts
