"""Reads of plans, targets, tasks and manual figures, and the one place tasks are scoped.

Who sees which task:
- provincial staff (and administrators): every task;
- agency staff: tasks where their agency leads or supports; only the lead agency may post
  progress updates (`task_get_for_update`), a supporting agency reads them;
- anybody else (area officers, no role): nothing (Http404).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from django.db.models import BooleanField as BoolField
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.http import Http404

from households.models import Agency
from households.organisation import roles
from households.organisation.selectors import agency_of
from households.types import AnyUser

from .models import (
    MANUAL,
    ManualFigure,
    Plan,
    PlanDocument,
    Target,
    Task,
    TaskEvidence,
    TaskStatus,
    TaskUpdate,
)

M = TypeVar("M", Task, Target, ManualFigure)


def can_use_targets(user: AnyUser) -> bool:
    """Provincial staff, or agency staff attached to an agency."""
    if not user.is_authenticated:
        return False
    return roles.is_provincial(user) or (
        roles.is_agency_staff(user) and agency_of(user) is not None
    )


def require_targets_user(user: AnyUser) -> None:
    if not can_use_targets(user):
        raise Http404


def require_provincial(user: AnyUser) -> None:
    if not roles.is_provincial(user):
        raise Http404


def overdue_q(today: date, prefix: str = "") -> Q:
    """Tasks past their due date and not done (targets.rules.is_overdue, as a filter);
    `prefix` reaches them through a relation ("lead_tasks__")."""
    return Q(**{f"{prefix}due_date__lt": today}) & ~Q(**{f"{prefix}status": TaskStatus.DONE})


def with_overdue(queryset: QuerySet[Task], today: date) -> QuerySet[Task]:
    return queryset.annotate(
        overdue=Case(
            When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BoolField()
        )
    )


# --- tasks -----------------------------------------------------------------------------------


def _agency_scoped(
    user: AnyUser, queryset: QuerySet[M], scope: Callable[[QuerySet[M], Agency], QuerySet[M]]
) -> QuerySet[M]:
    """Provincial staff: `queryset`; agency staff attached to an agency: what
    `scope(queryset, agency)` keeps; anybody else: nothing."""
    if roles.is_provincial(user):
        return queryset
    agency = agency_of(user) if roles.is_agency_staff(user) else None
    if agency is None:
        return queryset.none()
    return scope(queryset, agency)


def _lead_or_supporting(queryset: QuerySet[Task], agency: Agency) -> QuerySet[Task]:
    supporting = Task.supporting_agencies.through.objects.filter(
        task_id=OuterRef("pk"), agency_id=agency.pk
    )
    return queryset.filter(Q(lead_agency=agency) | Exists(supporting))


def task_list_for_user(user: AnyUser) -> QuerySet[Task]:
    """Tasks the user may see (see the module docstring)."""
    return _agency_scoped(user, Task.objects.all(), _lead_or_supporting)


def task_get_for_user(user: AnyUser, *, pk: int) -> Task:
    try:
        return (
            task_list_for_user(user)
            .select_related("plan", "lead_agency")
            .prefetch_related("supporting_agencies", "targets")
            .get(pk=pk)
        )
    except Task.DoesNotExist as exc:
        raise Http404 from exc


def can_update_task(user: AnyUser, task: Task) -> bool:
    """Only staff of the lead agency post progress updates."""
    if not roles.is_agency_staff(user):
        return False
    agency = agency_of(user)
    return agency is not None and agency.pk == task.lead_agency_id


def task_get_for_update(user: AnyUser, *, pk: int) -> Task:
    """A task the user may report on (lead agency staff); anything else is a 404."""
    task = task_get_for_user(user, pk=pk)
    if not can_update_task(user, task):
        raise Http404
    return task


def my_agency_task_list(user: AnyUser, *, today: date) -> QuerySet[Task]:
    """The agency's tasks, overdue first, then by due date."""
    return (
        with_overdue(task_list_for_user(user), today)
        .select_related("lead_agency", "plan")
        .order_by("-overdue", "due_date", "id")  # type: ignore[misc]  # with_overdue's annotation
    )


def task_filter(
    queryset: QuerySet[Task], *, today: date, agency_id: int | None = None, status: str = ""
) -> QuerySet[Task]:
    """Filter by lead agency and by status; status "overdue" means rules.is_overdue."""
    if agency_id:
        queryset = queryset.filter(lead_agency_id=agency_id)
    if status == "overdue":
        queryset = queryset.filter(overdue_q(today))
    elif status in TaskStatus.values:
        queryset = queryset.filter(status=status)
    return queryset


def overdue_task_list(user: AnyUser, *, today: date) -> QuerySet[Task]:
    return (
        task_list_for_user(user)
        .filter(overdue_q(today))
        .select_related("lead_agency", "plan")
        .order_by("due_date", "id")
    )


def task_update_history(task: Task) -> QuerySet[TaskUpdate]:
    return task.updates.select_related("created_by", "agency").prefetch_related("evidence")


def evidence_get_for_user(user: AnyUser, *, pk: int) -> TaskEvidence:
    """An evidence file, only if the user may see its task."""
    visible = task_list_for_user(user).values("pk")
    try:
        return TaskEvidence.objects.select_related("update").get(pk=pk, update__task__in=visible)
    except TaskEvidence.DoesNotExist as exc:
        raise Http404 from exc


STATUS_COLUMNS = (
    TaskStatus.NOT_STARTED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.DONE,
    TaskStatus.BLOCKED,
)


def agency_status_matrix(*, today: date, plan: Plan | None = None) -> QuerySet[Agency]:
    """Agencies (rows) with their lead tasks counted by status and overdue, in one query.

    Each agency carries `n_not_started`, `n_in_progress`, `n_done`, `n_blocked`, `n_overdue`,
    `n_total`. Departments first, then district People's Committees.
    """
    base = Q(lead_tasks__plan=plan) if plan is not None else Q(lead_tasks__isnull=False)
    counts = {
        f"n_{status}": Count("lead_tasks", filter=base & Q(lead_tasks__status=status))
        for status in STATUS_COLUMNS
    }
    counts["n_overdue"] = Count(
        "lead_tasks",
        filter=base & overdue_q(today, "lead_tasks__"),
    )
    counts["n_total"] = Count("lead_tasks", filter=base)
    # Agencies in force, and closed ones whose tasks stay readable (until handed over).
    has_tasks = Exists(Task.objects.filter(lead_agency=OuterRef("pk")))
    return (
        Agency.objects.filter(Q(is_active=True) | has_tasks)
        .annotate(**counts)
        .order_by("kind", "-is_lead", "name")
    )


# --- plans and targets -----------------------------------------------------------------------


def plan_list_for_user(user: AnyUser) -> QuerySet[Plan]:
    if not can_use_targets(user):
        return Plan.objects.none()
    return Plan.objects.select_related("issuing_agency")


def plan_get_for_user(user: AnyUser, *, pk: int) -> Plan:
    try:
        return plan_list_for_user(user).get(pk=pk)
    except Plan.DoesNotExist as exc:
        raise Http404 from exc


def plan_document_get_for_user(user: AnyUser, *, pk: int) -> PlanDocument:
    try:
        return PlanDocument.objects.filter(plan__in=plan_list_for_user(user)).get(pk=pk)
    except PlanDocument.DoesNotExist as exc:
        raise Http404 from exc


def agency_list() -> QuerySet[Agency]:
    """The active agencies, departments first (Agency's ordering): for choosing one."""
    return Agency.objects.filter(is_active=True)


def plan_current() -> Plan | None:
    return Plan.objects.order_by("-year", "id").first()


def target_list(*, plan: Plan | None = None, year: int | None = None) -> QuerySet[Target]:
    """Targets of a plan, or of every plan of a year (for the reports app), breakdowns prefetched."""
    queryset = Target.objects.select_related("plan", "responsible_agency").prefetch_related(
        "breakdowns__area"
    )
    if plan is not None:
        queryset = queryset.filter(plan=plan)
    if year is not None:
        queryset = queryset.filter(plan__year=year)
    return queryset.order_by("plan", "order", "code")


def manual_target_list_for_user(user: AnyUser) -> QuerySet[Target]:
    """Manually measured targets the user may enter figures for."""
    queryset = Target.objects.filter(indicator_code=MANUAL).select_related("plan")
    return _agency_scoped(user, queryset, lambda qs, agency: qs.filter(responsible_agency=agency))


def manual_figure_list_for_user(user: AnyUser) -> QuerySet[ManualFigure]:
    queryset = ManualFigure.objects.select_related(
        "target", "area", "agency", "entered_by"
    ).order_by(*(ManualFigure._meta.ordering or []), "-pk")  # a total order: pages never overlap
    return _agency_scoped(user, queryset, lambda qs, agency: qs.filter(agency=agency))


def manual_figure_get_for_user(user: AnyUser, *, pk: int) -> ManualFigure:
    try:
        return manual_figure_list_for_user(user).get(pk=pk)
    except ManualFigure.DoesNotExist as exc:
        raise Http404 from exc


def task_status_counts(*, plan: Plan | None = None, today: date) -> dict[str, int]:
    """Counts of tasks by status plus "overdue" and "total" (for dashboards), one query."""
    queryset = Task.objects.all() if plan is None else Task.objects.filter(plan=plan)
    aggregates: dict[str, Count] = {s: Count("id", filter=Q(status=s)) for s in STATUS_COLUMNS}
    aggregates["overdue"] = Count("id", filter=overdue_q(today))
    aggregates["total"] = Count("id")
    return queryset.aggregate(**aggregates)


def visible_targets(user: AnyUser, *, year: int) -> QuerySet[Target]:
    """The targets of the year's plans a user may see on the dashboard: all for provincial
    staff and area officers; for agency staff those their agency's tasks serve."""
    targets = Target.objects.filter(plan__year=year).order_by("plan__code", "order", "code")
    if roles.is_area_officer(user):
        return targets

    def served_by(queryset: QuerySet[Target], agency: Agency) -> QuerySet[Target]:
        served = Task.objects.filter(
            Q(lead_agency=agency) | Q(supporting_agencies=agency), targets__isnull=False
        ).values("targets")
        return queryset.filter(pk__in=served)

    return _agency_scoped(user, targets, served_by)


# The names of computed indicators live in the reports app, above this one: it registers a
# lookup when it starts (reports.apps), so a plan shows "Tỷ lệ hộ nghèo" rather than
# "poor_rate" without targets importing reports.
_indicator_namers: list[Callable[[str], str | None]] = []


def indicator_namer_register(namer: Callable[[str], str | None]) -> None:
    if namer not in _indicator_namers:
        _indicator_namers.append(namer)


def indicator_name(code: str) -> str:
    """The indicator's name in the active language; the code itself when nobody knows it."""
    for namer in _indicator_namers:
        name = namer(code)
        if name:
            return str(name)
    return code
