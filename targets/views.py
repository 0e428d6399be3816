from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from households.forms import add_service_errors
from households.organisation import roles
from households.organisation.selectors import agency_of
from households.workbook import mime_of, private_path

from . import selectors, services
from .forms import ManualFigureForm, PlanDocumentForm, TaskForm, TaskUpdateForm
from .models import TaskStatus

PAGE_SIZE = 50


def _today():
    return timezone.localdate()


def _private_file_response(relative: str, name: str) -> FileResponse:
    try:
        path = private_path(relative)
    except ValueError as exc:
        raise Http404 from exc
    if not relative or not path.is_file():
        raise Http404
    download_name = f"{Path(name).stem or 'tep'}{path.suffix}"
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=download_name, content_type=mime_of(relative)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def targets_home(request: HttpRequest) -> HttpResponse:
    """/ke-hoach/: provincial staff to the plans, agency staff to their agency's tasks."""
    selectors.require_targets_user(request.user)
    if roles.is_provincial(request.user):
        return redirect("targets:plan-list")
    return redirect("targets:task-list")


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    selectors.require_targets_user(request.user)
    plans = selectors.plan_list_for_user(request.user)
    return render(request, "targets/plan_list.html", {"plans": plans})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk=pk)
    context = {
        "plan": plan,
        "targets": selectors.target_list(plan=plan),
        "counts": selectors.task_status_counts(plan=plan, today=_today()),
        "documents": plan.documents.all(),
        "is_provincial": roles.is_provincial(request.user),
        "document_form": PlanDocumentForm() if roles.is_provincial(request.user) else None,
    }
    return render(request, "targets/plan_detail.html", context)


@login_required
@require_http_methods(["POST"])
def plan_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_provincial(request.user)
    plan = selectors.plan_get_for_user(request.user, pk=pk)
    form = PlanDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.plan_document_create(plan=plan, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã đính kèm văn bản."))
            return redirect("targets:plan-detail", pk=plan.pk)
    context = {"plan": plan, "form": form}
    return render(request, "targets/plan_document_form.html", context, status=400)


@login_required
def plan_document_download(request: HttpRequest, pk: int) -> FileResponse:
    selectors.require_targets_user(request.user)
    document = selectors.plan_document_get_for_user(request.user, pk=pk)
    return _private_file_response(document.file_path, document.original_name)


@login_required
def matrix(request: HttpRequest) -> HttpResponse:
    selectors.require_provincial(request.user)
    plan = selectors.plan_current()
    rows = selectors.agency_status_matrix(today=_today(), plan=plan)
    context = {"plan": plan, "rows": rows, "statuses": TaskStatus.choices}
    return render(request, "targets/matrix.html", context)


@login_required
def overdue_list(request: HttpRequest) -> HttpResponse:
    selectors.require_provincial(request.user)
    tasks = selectors.overdue_task_list(request.user, today=_today())
    return render(request, "targets/overdue_list.html", {"tasks": tasks, "today": _today()})


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    selectors.require_targets_user(request.user)
    today = _today()
    tasks = selectors.my_agency_task_list(request.user, today=today)
    status = request.GET.get("status", "")
    agency_id = request.GET.get("agency", "")
    tasks = selectors.task_filter(
        tasks, today=today, agency_id=agency_id if agency_id.isdigit() else None, status=status
    )
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "tasks": page.object_list,
        "today": today,
        "agency": agency_of(request.user),
        "is_provincial": roles.is_provincial(request.user),
        "status": status,
        "statuses": TaskStatus.choices,
        "agencies": selectors.agency_list() if roles.is_provincial(request.user) else [],
        "agency_id": agency_id,
    }
    return render(request, "targets/task_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    selectors.require_provincial(request.user)
    plan = selectors.plan_get_for_user(request.user, pk=plan_pk)
    form = TaskForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(plan=plan, created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã giao nhiệm vụ “%(title)s”.") % {"title": task.title})
            return redirect("targets:task-detail", pk=task.pk)
    return render(request, "targets/task_form.html", {"form": form, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_provincial(request.user)
    task = selectors.task_get_for_user(request.user, pk=pk)
    form = TaskForm(
        request.POST or None, plan=task.plan, task=task, initial=TaskForm.initial_for(task)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.task_edit(task=task, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu nhiệm vụ."))
            return redirect("targets:task-detail", pk=task.pk)
    return render(
        request, "targets/task_form.html", {"form": form, "plan": task.plan, "task": task}
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get_for_user(request.user, pk=pk)
    can_update = selectors.can_update_task(request.user, task)
    context = {
        "task": task,
        "updates": selectors.task_update_history(task),
        "overdue": task.is_overdue_on(_today()),
        "can_update": can_update,
        "form": TaskUpdateForm(initial={"status": task.status, "percent": task.percent})
        if can_update
        else None,
        "is_provincial": roles.is_provincial(request.user),
    }
    return render(request, "targets/task_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_update(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get_for_update(request.user, pk=pk)
    form = TaskUpdateForm(
        request.POST or None,
        request.FILES or None,
        initial={"status": task.status, "percent": task.percent},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.task_update_create(
                task=task,
                user=request.user,
                agency=agency_of(request.user),
                status=data["status"],
                percent=data["percent"],
                note=data["note"],
                files=data["evidence"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã cập nhật tiến độ nhiệm vụ."))
            return redirect("targets:task-detail", pk=task.pk)
    context = {"task": task, "form": form, "updates": selectors.task_update_history(task)}
    return render(request, "targets/task_update.html", context, status=400 if form.errors else 200)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = selectors.evidence_get_for_user(request.user, pk=pk)
    return _private_file_response(evidence.file_path, evidence.original_name)


@login_required
def figure_list(request: HttpRequest) -> HttpResponse:
    selectors.require_targets_user(request.user)
    figures = selectors.manual_figure_list_for_user(request.user)
    page = Paginator(figures, PAGE_SIZE).get_page(request.GET.get("page"))
    can_enter = selectors.manual_target_list_for_user(request.user).exists()
    context = {"page": page, "figures": page.object_list, "can_enter": can_enter}
    return render(request, "targets/figure_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def figure_create(request: HttpRequest) -> HttpResponse:
    selectors.require_targets_user(request.user)
    targets = selectors.manual_target_list_for_user(request.user)
    if not targets.exists():
        raise Http404
    form = ManualFigureForm(request.POST or None, request.FILES or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.manual_figure_create(user=request.user, file=data.pop("evidence"), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận số liệu."))
            return redirect("targets:figure-list")
    status = 400 if form.errors else 200
    return render(request, "targets/figure_form.html", {"form": form}, status=status)


@login_required
def figure_download(request: HttpRequest, pk: int) -> FileResponse:
    figure = selectors.manual_figure_get_for_user(request.user, pk=pk)
    return _private_file_response(figure.file_path, figure.original_name)
