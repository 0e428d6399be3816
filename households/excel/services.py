"""Writes of the Excel import: validate a workbook, then write all of it in one transaction.

Reviews imported land as drafts (status "draft"), as if typed on the web form: the commune
officer checks and submits them for district approval. A row whose review is already submitted
or approved may only be re-imported unchanged (a no-op); a change needs a reopening first.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from households import rules
from households.audit import bulk_create_audited, bulk_update_audited
from households.models import (
    Area,
    ExportJob,
    Household,
    HouseholdReview,
    ImportJob,
    Member,
    ReviewRound,
)
from households.organisation.selectors import area_in_scope, user_display_name
from households.outbox import outbox_task, quiet_cache
from households.selectors import (
    MEMBER_FACT_FIELDS,
    NoStandardError,
    indicator_specs,
    locked_area_paths,
    member_facts_from,
    standard_for_year,
)
from households.services import (
    default_reference_date,
    review_round_get_or_create,
)
from households.signals import announce_review_data_changed
from households.types import AnyUser, User
from households.workbook import WorkbookError, normalize, read_workbook

from . import pgwrite
from . import validation as v
from .columns import HOUSEHOLD_SHEET, MEMBER_SHEET

CHUNK = 2000
Progress = Callable[[str, int], None]
Job = TypeVar("Job", ImportJob, ExportJob)


class ImportRefused(Exception):
    def __init__(self, plan: v.Plan):
        super().__init__(_("Tệp có lỗi, không có dữ liệu nào được ghi."))
        self.plan = plan


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cycle collector: 20,000 rows of new objects would set it off hundreds of
    times (each pass walking every object alive) for no garbage; reference counting still
    frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _matching(queryset: QuerySet[Any], field: str, values: list[Any]) -> Iterator[QuerySet[Any]]:
    """`queryset` filtered on `field` IN `values`, as querysets to run in turn: on PostgreSQL
    one query with the values as one array (households.lookups), elsewhere in chunks."""
    if not values:
        return
    if connection.vendor == "postgresql":
        yield queryset.filter(**{f"{field}__any_of": values})
        return
    for chunk in _chunks(values):
        yield queryset.filter(**{f"{field}__in": chunk})


# --- reading the database into the validation context ------------------------------------------


class _Shared:
    """One object per distinct JSON value ({"1": "reviewer", ...} and the like): 20,000
    reviews share a few dozen, and each decoded copy would cost about a kilobyte."""

    def __init__(self) -> None:
        self.seen: dict[object, object] = {}

    def __call__(self, value: Any) -> Any:
        try:
            key = _frozen(value)
        except TypeError:
            return value
        return self.seen.setdefault(key, value)


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, list):
        return ("[]", *map(_frozen, value))
    hash(value)
    return value


def context_build(*, parsed: v.Parsed, user: AnyUser, year: int) -> v.Context:
    on = default_reference_date(year)
    try:
        standard = standard_for_year(year)
    except NoStandardError as exc:  # the whole file cannot be classified: say why, once
        raise WorkbookError(exc.messages[0]) from exc
    codes = {h.commune_code for h in parsed.households} | {c for _r, c in parsed.commune_checks}
    communes: dict[str, v.CommuneRef] = {}
    # Only the units of the tree in force on the review date: in 2026 "29110" is Xã Ba Tri
    # (its GSO code), not the Thị trấn Ba Tri of 2023 that had it before.
    from django.db.models import Q

    from households.organisation.selectors import area_tree_on

    code_list = list(codes)
    areas = list(
        area_tree_on(on).filter(
            Q(code__in=code_list) | Q(gso_code__in=code_list), level=Area.Level.COMMUNE
        )
    )
    locked_paths = locked_area_paths(year)
    for area in areas:
        communes[area.gso_code] = communes[area.code] = v.CommuneRef(
            id=area.id,
            code=area.code,
            name=area.name,
            path=area.path,
            in_scope=area_in_scope(user, area),
            is_urban=area.is_urban_on(on),
            locked=rules.is_locked_area(area.path, locked_paths),
        )
    hamlets = {
        (parent_id, search_name): pk
        for pk, parent_id, search_name in Area.objects.filter(
            parent_id__in=[a.id for a in areas], level=Area.Level.HAMLET
        ).values_list("id", "parent_id", "search_name")
    }
    code_by_commune_id = {a.id: a.code for a in areas}
    households: dict[str, v.ExistingHousehold] = {}
    household_codes = [h.code for h in parsed.households]
    fields = ("id", "code", "commune__code", *v.HOUSEHOLD_FIELDS)
    for matching in _matching(Household.objects.all(), "code", household_codes):
        for row in matching.values(*fields):
            households[row["code"]] = v.ExistingHousehold(
                id=row["id"],
                commune_code=row["commune__code"],
                values={f: row[f] for f in v.HOUSEHOLD_FIELDS},
            )
    del code_by_commune_id
    by_id = {h.id: h for h in households.values()}
    ids = list(by_id)
    reviews: dict[int, v.ExistingReview] = {}
    review_fields = ("id", "household_id", "status", "version", *v.REVIEW_FIELDS)
    shared = _Shared()
    periodic = HouseholdReview.objects.filter(year=year, round__kind=ReviewRound.Kind.PERIODIC)
    for matching in _matching(periodic, "household_id", ids):
        for row in matching.values(*review_fields):
            row["sources"] = shared(row["sources"])
            row["reasons"] = shared(row["reasons"])
            row["overrides"] = shared(row["overrides"])
            reviews[row["household_id"]] = v.ExistingReview(
                id=row["id"],
                status=row["status"],
                version=row["version"],
                values={f: row[f] for f in v.REVIEW_FIELDS},
            )
    active = Member.objects.filter(left_on__isnull=True)
    member_fields: tuple[str, ...] = (
        "id",
        "household_id",
        "search_name",
        *MEMBER_FACT_FIELDS,
        *v.MEMBER_FIELDS,
    )
    member_fields = tuple(dict.fromkeys(member_fields))  # some fields are both
    for matching in _matching(active, "household_id", ids):
        # Plain tuples, streamed: 80,000 model instances held at once would cost ~100 MB.
        for row in matching.values_list(*member_fields).iterator(chunk_size=5000):
            member = dict(zip(member_fields, row, strict=True))
            by_id[member["household_id"]].members.append(
                v.ExistingMember(
                    id=member["id"],
                    key=(member["search_name"], member["date_of_birth"]),
                    facts=member_facts_from(member),
                    values=tuple(member[f] for f in v.MEMBER_FIELDS),
                )
            )
    cids = [m.get("citizen_id") for h in parsed.households for m in h.members]
    cids = [c for c in cids if c]
    citizen_ids = {}
    for matching in _matching(active, "citizen_id", cids):
        for cid, household_id, member_id in matching.values_list(
            "citizen_id", "household_id", "id"
        ):
            citizen_ids[cid] = (household_id, member_id)
    previous_incomes: dict[int, int] = {}
    last_year = HouseholdReview.objects.filter(year=year - 1, is_current=True)
    for matching in _matching(last_year, "household_id", ids):
        previous_incomes.update(matching.values_list("household_id", "income_per_capita"))
    return v.Context(
        year=year,
        on=on,
        lines=standard.lines(),
        standard_id=standard.id,
        indicators=indicator_specs(standard),
        standard_revision=standard.revision,
        communes=communes,
        hamlets=hamlets,
        households=households,
        reviews=reviews,
        citizen_ids=citizen_ids,
        previous_incomes=previous_incomes,
        income_bound=settings.INCOME_CONFIRM_ABOVE,
        by=getattr(user, "username", "") or "",
        by_name=user_display_name(user),
        at=timezone.localtime().isoformat(timespec="seconds"),
    )


# --- validate and write -----------------------------------------------------------------------


def workbook_validate(
    *, path: str | Path, user: AnyUser, year: int, progress: Progress | None = None
) -> v.Plan:
    """Read and validate every row; nothing is written. WorkbookError when unreadable."""
    with _no_gc():
        book = read_workbook(path, (HOUSEHOLD_SHEET, MEMBER_SHEET))
        on_progress = (lambda n: progress("validated", n)) if progress else None
        parsed = v.parse_workbook(book, on_progress, on=default_reference_date(year))
        del book
        context = context_build(parsed=parsed, user=user, year=year)
        plan = v.plan_import(parsed, context)
    if progress:
        progress("validated", plan.rows_total)
    return plan


@transaction.atomic
def workbook_import(
    *, path: str | Path, user: User, year: int, progress: Progress | None = None
) -> v.Plan:
    """Validate again inside one transaction, then write everything, or nothing on any error."""
    plan = workbook_validate(path=path, user=user, year=year, progress=progress)
    if plan.errors:
        raise ImportRefused(plan)
    with _no_gc():
        _write(plan, user=user, year=year, progress=progress)
    paths = {p.commune.path for p in plan.rows if p.action != "unchanged"}
    if paths:
        announce_review_data_changed(years={year, year + 1}, area_paths=paths)
    return plan


def _write(plan: v.Plan, *, user: User, year: int, progress: Progress | None) -> None:
    now = timezone.now()
    hamlet_ids: dict[tuple[int, str], int] = {}
    communes = {a.id: a for a in Area.objects.filter(id__in={p.commune.id for p in plan.rows})}
    for p in plan.rows:
        if p.new_hamlet is None:
            continue
        key = (p.new_hamlet[0], normalize(p.new_hamlet[1]))
        if key not in hamlet_ids:
            commune = communes[p.new_hamlet[0]]
            hamlet = Area(
                code=f"{commune.code}-{uuid.uuid4().hex[:8]}",
                name=p.new_hamlet[1],
                level=Area.Level.HAMLET,
                kind=Area.Kind.QUARTER if commune.is_urban else Area.Kind.HAMLET,
                parent=commune,
            )
            hamlet.save()
            hamlet_ids[key] = hamlet.id
        p.household_values["hamlet_id"] = hamlet_ids[key]
    rounds = {
        cid: review_round_get_or_create(commune=communes[cid], year=year)
        for cid in {p.commune.id for p in plan.rows if p.review_changed}
    }
    if connection.vendor == "postgresql":
        pgwrite.write(plan, user=user, year=year, now=now, rounds=rounds, progress=progress)
    else:
        _write_orm(plan, user=user, year=year, now=now, rounds=rounds, progress=progress)


def _write_orm(
    plan: v.Plan,
    *,
    user: User,
    year: int,
    now: datetime,
    rounds: dict[int, ReviewRound],
    progress: Progress | None,
) -> None:
    """The portable write (SQLite): the ORM's bulk helpers, with simple_history's."""
    # Households
    to_create, to_update = [], []
    by_code: dict[str, int] = {}
    for p in plan.rows:
        if p.household is not None:
            by_code[p.row.code] = p.household.id
        if not p.household_changed:
            continue
        values = p.household_values
        obj = Household(
            code=p.row.code,
            area_path=p.commune.path,
            search_text=rules.household_search_text(values["head_name"], p.row.code, normalize),
            created_by=user if p.household is None else None,
            **values,
        )
        if p.household is None:
            to_create.append(obj)
        else:
            obj.id = p.household.id
            to_update.append(obj)
    written = 0
    for chunk in _chunks(to_create):
        created = bulk_create_audited(chunk, Household, user=user, default_date=now)
        for obj in created:
            by_code[obj.code] = obj.id
        written += len(chunk)
        if progress:
            progress("written", written)
    if any(o.id is None for o in to_create):
        by_code.update(
            Household.objects.filter(code__in=[o.code for o in to_create]).values_list("code", "id")
        )
    update_fields = [*v.HOUSEHOLD_FIELDS, "search_text", "area_path", "updated_at", "version"]
    for chunk in _chunks(to_update):
        loaded = _loaded(Household, chunk, update_fields, now)
        bulk_update_audited(loaded, Household, update_fields, user=user, default_date=now)
        written += len(chunk)
        if progress:
            progress("written", written)
    # Members
    new_members: list[Member] = []
    changed_members: list[Member] = []
    for p in plan.rows:
        hid = by_code[p.row.code]
        new_members.extend(
            Member(
                household_id=hid,
                full_name=m.full_name,
                search_name=normalize(m.full_name),
                date_of_birth=m.date_of_birth,
                **m.as_dict(),
            )
            for m in p.members_new
        )
        changed_members.extend(
            Member(
                id=existing.id,
                household_id=hid,
                full_name=m.full_name,
                date_of_birth=m.date_of_birth,
                **m.as_dict(),
            )
            for existing, m in p.members_changed
        )
    for chunk in _chunks(new_members):
        bulk_create_audited(chunk, Member, user=user, default_date=now)
    for chunk in _chunks(changed_members):
        bulk_update_audited(
            _loaded(Member, chunk, v.MEMBER_FIELDS, now),
            Member,
            list(v.MEMBER_FIELDS),
            user=user,
            default_date=now,
        )
    # Reviews
    reviews_new: list[HouseholdReview] = []
    reviews_changed: list[HouseholdReview] = []
    for p in plan.rows:
        if not p.review_changed or p.review_values is None:
            continue
        round_ = rounds[p.commune.id]
        review = HouseholdReview(
            household_id=by_code[p.row.code],
            round=round_,
            area_id=p.commune.id,
            area_path=p.commune.path,
            year=year,
            reference_date=round_.reference_date,
            status=HouseholdReview.Status.DRAFT,
            entered_by=user,
            updated_at=now,
            **p.review_values,
        )
        if p.review is None:
            review.created_at = now
            reviews_new.append(review)
        else:
            review.id = p.review.id
            reviews_changed.append(review)
    for chunk in _chunks(reviews_new):
        bulk_create_audited(chunk, HouseholdReview, user=user, default_date=now)
        written += len(chunk)
        if progress:
            progress("written", written)
    review_update_fields = [*v.REVIEW_FIELDS, "status", "version", "updated_at", "entered_by"]
    for chunk in _chunks(reviews_changed):
        bulk_update_audited(
            _loaded(HouseholdReview, chunk, review_update_fields, now),
            HouseholdReview,
            review_update_fields,
            user=user,
            default_date=now,
        )
        written += len(chunk)
        if progress:
            progress("written", written)


def _loaded(
    model: type[Any], changed: list[Any], fields: Iterable[str], now: datetime
) -> list[Any]:
    """The stored rows with the changed fields applied (history copies whole rows)."""
    stored = model.objects.in_bulk([o.id for o in changed])
    result = []
    for obj in changed:
        target = stored[obj.id]
        for name in fields:
            if name == "version":
                target.version += 1
            elif name == "updated_at":
                target.updated_at = now
            else:
                setattr(target, name, getattr(obj, name))
        result.append(target)
    return result


# --- jobs -------------------------------------------------------------------------------------


def _progress_key(job_id: int) -> str:
    return f"households:import-job:{job_id}:progress"


def job_progress(job: ImportJob) -> dict:
    """Counters of a job: the row's, overlaid with the cache during the write transaction."""
    data = {
        "status": job.status,
        "rows_total": job.rows_total,
        "rows_validated": job.rows_validated,
        "rows_written": job.rows_written,
    }
    live = quiet_cache("get", _progress_key(job.id))
    if live and job.is_running:
        data.update({k: v_ for k, v_ in live.items() if k != "status" or job.is_running})
    return data


def _reporter(job: ImportJob, total_hint: int = 0) -> Progress:
    state = {"rows_validated": job.rows_validated, "rows_written": 0, "rows_total": total_hint}

    def report(stage: str, count: int) -> None:
        state[f"rows_{stage}"] = count
        quiet_cache("set", _progress_key(job.id), dict(state), 3600)

    return report


@transaction.atomic
def import_job_create(*, user: User, upload: UploadedFile, year: int) -> ImportJob:
    """Store the uploaded workbook privately, record the job, and queue its validation once the
    job row is committed (the task reads it)."""
    from .tasks import import_job_validate_task

    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.xlsx"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    job = ImportJob.objects.create(
        user=user, file_path=str(path), original_name=(upload.name or "")[:255], year=year
    )
    outbox_task(import_job_validate_task.name, args=[job.id])
    return job


def _finish(job: ImportJob, status: str, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.status = status
    job.finished_at = timezone.now()
    job.save()
    quiet_cache("delete", _progress_key(job.id))


def _store_plan(job: ImportJob, plan: v.Plan) -> None:
    job.rows_total = plan.rows_total
    job.rows_validated = plan.rows_total
    job.preview = plan.summary()
    job.errors = [e.as_dict() for e in plan.errors[:10000]]
    job.warnings = [w.as_dict() for w in plan.warnings[:1000]]


def job_claim(model: type[Job], job_id: int, *, waiting: str, running: str) -> tuple[Job, bool]:
    """(job, claimed): move a job from `waiting` to `running` in one UPDATE, so that a task
    delivered twice runs once; `claimed` is False when another run had it already."""
    claimed = model.objects.filter(id=job_id, status=waiting).update(
        status=running, started_at=timezone.now()
    )
    return model.objects.select_related("user").get(id=job_id), bool(claimed)


def _job_errors(message: str) -> list[dict]:
    """The one error of a job as a whole (a workbook that cannot be read, a job out of time), in
    the shape of the row errors."""
    return [{"sheet": "", "row": None, "column": "", "col": None, "message": message}]


def import_job_validate(*, job_id: int) -> ImportJob:
    """Validate a pending job (safe to run twice: a job past validation is left alone)."""
    Status = ImportJob.Status
    job, claimed = job_claim(ImportJob, job_id, waiting=Status.PENDING, running=Status.VALIDATING)
    if not claimed:
        return job
    try:
        plan = workbook_validate(
            path=job.file_path, user=job.user, year=job.year, progress=_reporter(job)
        )
    except WorkbookError as exc:
        job.errors = _job_errors(str(exc))
        _finish(job, ImportJob.Status.REFUSED)
        return job
    _store_plan(job, plan)
    _finish(job, ImportJob.Status.REFUSED if plan.errors else ImportJob.Status.READY)
    return job


def import_job_time_out(*, job_id: int) -> ImportJob:
    """A job whose task ran past its time limit: failed, with what the user can do about it
    (its write, if it had started, was rolled back with its transaction)."""
    job = ImportJob.objects.get(id=job_id)
    message = _(
        "Tệp cần quá nhiều thời gian để xử lý. Hãy chia tệp thành các tệp nhỏ hơn "
        "(ví dụ mỗi xã một tệp) rồi nhập lại."
    )
    job.errors = _job_errors(message)
    _finish(job, ImportJob.Status.FAILED)
    return job


def import_job_confirm(*, job: ImportJob) -> bool:
    """Queue the write of a validated job (the task starts on commit); False when it is not
    ready."""
    from .tasks import import_job_run_task

    queued = ImportJob.objects.filter(id=job.id, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.QUEUED
    )
    if queued:
        outbox_task(import_job_run_task.name, args=[job.id])
    return bool(queued)


def import_job_run(*, job_id: int) -> ImportJob:
    """Write a queued job in one transaction (safe to run twice: only a queued job runs)."""
    Status = ImportJob.Status
    job, claimed = job_claim(ImportJob, job_id, waiting=Status.QUEUED, running=Status.IMPORTING)
    if not claimed:
        return job
    report = _reporter(job, job.rows_total)
    try:
        plan = workbook_import(path=job.file_path, user=job.user, year=job.year, progress=report)
    except ImportRefused as exc:
        _store_plan(job, exc.plan)
        _finish(job, ImportJob.Status.REFUSED)
        return job
    except WorkbookError as exc:
        job.errors = _job_errors(str(exc))
        _finish(job, ImportJob.Status.FAILED)
        return job
    _store_plan(job, plan)
    counts = plan.counts
    _finish(job, ImportJob.Status.DONE, rows_written=counts["create"] + counts["update"])
    return job


# --- a job whose worker died (households.jobs) ----------------------------------------------


def import_job_fail(job_id: int, message: str) -> bool:
    """Mark an unfinished import failed with `message` (shown on its page); False if it had
    finished. Its write transaction, if any, died with the worker: nothing was half-written."""
    failed = ImportJob.objects.filter(id=job_id, status__in=ImportJob.RUNNING).update(
        status=ImportJob.Status.FAILED,
        errors=[{"sheet": "", "row": None, "column": "", "col": None, "message": message}],
        finished_at=timezone.now(),
    )
    if failed:
        quiet_cache("delete", _progress_key(job_id))
    return bool(failed)


def import_jobs_sweep(cutoff: datetime, message: str) -> int:
    """Fail the imports claimed before `cutoff` and still running, and those waiting a day."""
    Status = ImportJob.Status
    running = ImportJob.objects.filter(
        status__in=[Status.VALIDATING, Status.IMPORTING], started_at__lt=cutoff
    )
    waiting = ImportJob.objects.filter(
        status__in=[Status.PENDING, Status.QUEUED], created_at__lt=cutoff - timedelta(days=1)
    )
    ids = [*running.values_list("id", flat=True), *waiting.values_list("id", flat=True)]
    return sum(import_job_fail(job_id, message) for job_id in ids)
