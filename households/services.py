"""Writes of the households app. Each service owns its transaction and audits through
households.audit (save_audited and its bulk siblings): every history row carries the user,
whether the service runs in a request, a command or a task."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules
from .audit import save_audited
from .models import (
    Area,
    Household,
    HouseholdReview,
    Member,
    ReviewReopening,
    ReviewRound,
)
from .models.reviews import COLUMN_FIELDS, COLUMN_NUMBERS
from .organisation.selectors import user_display_name
from .selectors import (
    ethnic_groups_get,
    indicator_specs,
    member_facts,
    review_facts,
    standard_for_round,
    standard_for_year,
)
from .signals import announce_review_data_changed
from .types import User

if TYPE_CHECKING:
    from .models import AreaPopulation, PovertyCause, PovertyStandard


class ConcurrentEditError(ValidationError):
    """Somebody else saved the same record since this form was opened."""


class LockedYearError(ValidationError):
    """The year's results are approved and locked for this area."""


def default_reference_date(year: int) -> date:
    """Ages are computed at the review's reference date: 1 September of the year (domain §2)."""
    return date(year, 9, 1)


def is_year_locked(*, commune: Area, year: int) -> bool:
    """A year is locked for a commune when a locked round exists for it or an ancestor
    (rules.is_locked_area, in one indexed query)."""
    ancestors = rules.ancestor_paths(commune.path)
    return ReviewRound.objects.filter(
        year=year, status=ReviewRound.Status.LOCKED, area__path__in=ancestors
    ).exists()


def locked_year_message(year: int) -> str:
    return _("Năm %(year)s đã được phê duyệt và khóa số liệu cho địa bàn này.") % {"year": year}


def ensure_year_open(*, commune: Area, year: int) -> None:
    """Every write of a year's data for a commune (review form, transitions, import, support
    records, the admin) asks here first: a locked year refuses, nothing is written."""
    if is_year_locked(commune=commune, year=year):
        raise LockedYearError(locked_year_message(year))


def review_round_get_or_create(
    *, commune: Area, year: int, kind: str = ReviewRound.Kind.PERIODIC, month: int = 0
) -> ReviewRound:
    """The round of a commune and year; a new one names the national standard in force for its
    year (NoStandardError, a ValidationError, when there is none: nothing is created)."""
    round_ = ReviewRound.objects.filter(area=commune, year=year, kind=kind, month=month).first()
    if round_ is not None:
        if round_.standard_id is None:
            round_.standard = standard_for_year(year)
            ReviewRound.objects.filter(pk=round_.pk).update(standard=round_.standard)
        return round_
    round_, _created = ReviewRound.objects.get_or_create(
        area=commune,
        year=year,
        kind=kind,
        month=month,
        defaults={
            "reference_date": default_reference_date(year),
            "standard": standard_for_year(year),
        },
    )
    return round_


def is_urban_for(commune: Area, on: date) -> bool:
    """The unit's type in force on `on` (its dated type changes, AreaKindChange)."""
    from .organisation.selectors import is_urban_on_date

    return is_urban_on_date(commune, on)


@dataclass(frozen=True)
class ReviewInput:
    """What the reviewer enters on Phiếu B besides the members.

    `ticks`: only what a person set explicitly (None = from the facts); `override_reasons`:
    why a tick contradicts the facts (required for each such tick); `income_confirmed`: the
    officer confirms an income the plausibility rule questions."""

    income_per_capita: int
    facts: rules.HouseholdFacts
    ticks: dict[int, bool | None]
    override_reasons: dict[int, str] = dataclasses.field(default_factory=dict)
    income_confirmed: bool = False


def income_confirm_bound() -> int:
    """Income per person per month above which a confirmation is needed (setting)."""
    return settings.INCOME_CONFIRM_ABOVE


def previous_income(*, household: Household, year: int) -> int | None:
    """Last year's income per person of the household (its current review), if any."""
    return (
        HouseholdReview.objects.filter(household=household, year=year - 1, is_current=True)
        .order_by("-pk")
        .values_list("income_per_capita", flat=True)
        .first()
    )


def income_error(*, income: int, previous: int | None, confirmed: bool) -> str | None:
    """The message when an implausible income is not confirmed (form and import alike)."""
    if confirmed or not rules.income_needs_confirmation(
        income, bound=income_confirm_bound(), previous=previous
    ):
        return None
    if income > income_confirm_bound():
        return _(
            "Thu nhập %(income)s đồng/người/tháng cao hơn mức %(bound)s; hãy kiểm tra và xác nhận."
        ) % {"income": _vnd(income), "bound": _vnd(income_confirm_bound())}
    return _(
        "Thu nhập %(income)s đồng/người/tháng gấp hơn 10 lần năm trước (%(previous)s); "
        "hãy kiểm tra và xác nhận."
    ) % {"income": _vnd(income), "previous": _vnd(previous or 0)}


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def override_error(
    evaluation: rules.Evaluation,
    reasons: dict[int, str],
    codes: dict[int, str] | None = None,
) -> str | None:
    """The message when a tick contradicts the facts without a written reason; `codes`: the
    standard's code of each column (CS01.. of the 2022-2025 standard when not given)."""
    missing = rules.unexplained_overrides(evaluation.conflicts, reasons)
    if not missing:
        return None
    codes = codes or {}
    return _(
        "Các chỉ số %(codes)s được đánh dấu khác với thông tin nhân khẩu. Hãy sửa thông tin, "
        "để “Theo thông tin nhân khẩu”, hoặc ghi lý do điều chỉnh."
    ) % {"codes": ", ".join(codes.get(n, f"CS{n:02d}") for n in missing)}


def overrides_record(
    *,
    evaluation: rules.Evaluation,
    reasons: dict[int, str],
    user: User,
    previous: dict,
    now: datetime | None = None,
) -> dict:
    """The stored overrides (who, when, why), keeping the author of one left unchanged."""
    return rules.override_entries(
        conflicts=evaluation.conflicts,
        deprived=evaluation.deprived,
        reasons=reasons,
        previous=previous,
        by=getattr(user, "username", "") or "",
        by_name=user_display_name(user),
        at=timezone.localtime(now or timezone.now()).isoformat(timespec="seconds"),
    )


def reference_date_for(*, commune: Area, year: int) -> date:
    """The reference date of the commune's periodic round of `year` (ages are counted on it),
    or the default when the round does not exist yet."""
    found = (
        ReviewRound.objects.filter(area=commune, year=year, kind=ReviewRound.Kind.PERIODIC, month=0)
        .values_list("reference_date", flat=True)
        .first()
    )
    return found or default_reference_date(year)


def review_evaluate(
    *,
    household: Household,
    year: int,
    data: ReviewInput,
    standard: PovertyStandard | None = None,
) -> rules.Evaluation:
    """Classify without saving (the form's live preview uses it), under the standard of the
    household's round for the year (else the one in force for the year). Ages at the round's
    reference date, the one stored on the review."""
    on = reference_date_for(commune=household.commune, year=year)
    if standard is None:
        standard = standard_of(commune=household.commune, year=year)
    return rules.evaluate(
        members=member_facts(household),
        facts=data.facts,
        ticks=data.ticks,
        income_per_capita=data.income_per_capita,
        is_urban=household.commune.is_urban_on(on),
        lines=standard.lines(),
        on=on,
        declared_size=household.declared_size,
        indicators=indicator_specs(standard),
    )


def standard_of(*, commune: Area, year: int) -> PovertyStandard:
    """The standard of the commune's periodic round of the year, else the one in force."""
    round_ = (
        ReviewRound.objects.select_related("standard")
        .filter(area=commune, year=year, kind=ReviewRound.Kind.PERIODIC, month=0)
        .first()
    )
    return standard_for_round(round_) if round_ is not None else standard_for_year(year)


def _apply_evaluation(
    review: HouseholdReview, evaluation: rules.Evaluation, standard: PovertyStandard
) -> None:
    for n, field in zip(COLUMN_NUMBERS, COLUMN_FIELDS, strict=True):
        setattr(review, field, evaluation.deprived.get(n, False))
    review.sources = {str(n): s for n, s in evaluation.sources.items()}
    review.reasons = {str(n): list(r) for n, r in evaluation.reasons.items()}
    review.deprivation_count = evaluation.count
    review.classification = evaluation.classification
    review.member_count = evaluation.member_count
    review.standard = standard
    review.standard_revision = standard.revision
    lines = standard.lines()
    review.poverty_line = lines.urban_poverty_line if review.is_urban else lines.rural_poverty_line


def _apply_local(
    review: HouseholdReview, household: Household, data: ReviewInput, year: int
) -> None:
    """The household's status under the province's local standard, beside the national one."""
    from .models import PovertyStandard

    local = standard_for_year(
        year, scope=PovertyStandard.Scope.LOCAL, province_path=household.commune.path
    )
    if local is None:
        review.local_standard = None
        review.local_classification = ""
        review.local_deprivation_count = None
        return
    evaluation = review_evaluate(household=household, year=year, data=data, standard=local)
    review.local_standard = local
    review.local_classification = evaluation.classification
    review.local_deprivation_count = evaluation.count


@transaction.atomic
def review_save(
    *,
    household: Household,
    year: int,
    data: ReviewInput,
    user: User,
    expected_version: int | None = None,
) -> HouseholdReview:
    """Create or update the household's periodic review of `year` (a draft or returned one).

    Refuses: a locked year, an approved or submitted review (reopen first), a stale version,
    an implausible income not confirmed, and ticks that contradict the recorded facts without
    a reason. A draft stores only what a person chose: undecided indicators stay "unknown".
    """
    if data.income_per_capita < 0:
        raise ValidationError({"income_per_capita": _("Thu nhập không được âm.")})
    ensure_year_open(commune=household.commune, year=year)
    round_ = review_round_get_or_create(commune=household.commune, year=year)
    standard = standard_for_round(round_)
    review = (
        HouseholdReview.objects.select_for_update()
        .filter(household=household, round=round_)
        .first()
    )
    if review is not None:
        if expected_version is not None and review.version != expected_version:
            raise ConcurrentEditError(
                _(
                    "Phiếu này vừa được người khác cập nhật. Vui lòng tải lại trang để xem thay đổi, rồi nhập lại."
                )
            )
        if review.status in (HouseholdReview.Status.SUBMITTED, HouseholdReview.Status.APPROVED):
            raise ValidationError(
                _("Phiếu đã gửi hoặc đã duyệt không thể sửa. Cần mở lại phiếu kèm lý do.")
            )
    evaluation = review_evaluate(household=household, year=year, data=data, standard=standard)
    errors: dict[str, Any] = {}
    problem = income_error(
        income=data.income_per_capita,
        previous=previous_income(household=household, year=year),
        confirmed=data.income_confirmed,
    )
    if problem:
        errors["income_per_capita"] = problem
    problem = override_error(evaluation, data.override_reasons, column_codes(standard))
    if problem:
        errors["__all__"] = ValidationError(problem, code="conflicts")
    if errors:
        raise ValidationError(errors)
    if review is None:
        review = HouseholdReview(
            household=household,
            round=round_,
            year=year,
            entered_by=user,
            reference_date=round_.reference_date,
        )
    else:
        review.version += 1
    review.is_urban = household.commune.is_urban_on(round_.reference_date)
    review.income_per_capita = data.income_per_capita
    review.nondurable_parts = data.facts.nondurable_parts
    review.floor_area_m2 = data.facts.floor_area_m2
    review.water_source = data.facts.water_source
    review.latrine = data.facts.latrine
    review.uses_internet = data.facts.uses_internet
    review.has_information_device = data.facts.has_information_device
    review.waste_treatment = data.facts.waste_treatment
    review.uses_digital_services = data.facts.uses_digital_services
    if review.status == HouseholdReview.Status.RETURNED:
        review.status = HouseholdReview.Status.DRAFT
    review.income_confirmed = data.income_confirmed and rules.income_needs_confirmation(
        data.income_per_capita,
        bound=income_confirm_bound(),
        previous=previous_income(household=household, year=year),
    )
    review.overrides = overrides_record(
        evaluation=evaluation,
        reasons=data.override_reasons,
        user=user,
        previous=review.overrides or {},
    )
    _apply_evaluation(review, evaluation, standard)
    _apply_local(review, household, data, year)
    save_audited(review, user=user)
    return review


def column_codes(standard: PovertyStandard) -> dict[int, str]:
    """The standard's code of each result column ({13: "CS12"} for the 2027 standard)."""
    return dict(standard.indicators.values_list("column", "code"))


def _transition(
    review: HouseholdReview, *, expected: tuple[str, ...], user: User
) -> HouseholdReview:
    locked = (
        HouseholdReview.objects.select_for_update()
        .select_related("household__commune")
        .get(pk=review.pk)
    )
    if locked.status not in expected:
        raise ValidationError(
            _("Phiếu đang ở trạng thái “%(status)s”, không thực hiện được thao tác này.")
            % {"status": locked.get_status_display()}
        )
    ensure_year_open(commune=locked.household.commune, year=locked.year)
    return locked


@transaction.atomic
def review_submit(*, review: HouseholdReview, user: User) -> HouseholdReview:
    review = _transition(
        review, expected=(HouseholdReview.Status.DRAFT, HouseholdReview.Status.RETURNED), user=user
    )
    unknown = review_unknown_indicators(review)
    if unknown:
        raise ValidationError(
            _(
                "Chưa gửi được: các chỉ số %(codes)s chưa đủ thông tin. Hãy ghi nhận thông tin "
                "còn thiếu hoặc để cán bộ xác định từng chỉ số."
            )
            % {"codes": ", ".join(review_unknown_codes(review, unknown))},
            code="unknown",
        )
    review.status = HouseholdReview.Status.SUBMITTED
    review.submitted_at = timezone.now()
    review.return_reason = ""
    review.version += 1
    save_audited(
        review, user=user, update_fields=["status", "submitted_at", "return_reason", "version"]
    )
    _announce(review, years={review.year})  # the pending count of its commune
    return review


def review_unknown_indicators(review: HouseholdReview) -> tuple[int, ...]:
    """Result columns of a stored review that nobody decided (facts unknown, no tick)."""
    return tuple(n for n in COLUMN_NUMBERS if review.sources.get(str(n)) == rules.UNKNOWN)


def review_unknown_codes(
    review: HouseholdReview, columns: Iterable[int] | None = None
) -> list[str]:
    """The codes, in the review's standard, of its undecided indicators ("CS04", ...)."""
    if columns is None:
        columns = review_unknown_indicators(review)
    columns = list(columns)
    if not columns:
        return []
    codes = (
        {i.column: i.code for i in review.standard.indicators.all()} if review.standard_id else {}
    )
    return [codes.get(n, f"CS{n:02d}") for n in columns]


@transaction.atomic
def review_return(*, review: HouseholdReview, user: User, reason: str) -> HouseholdReview:
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do trả lại phiếu.")})
    review = _transition(review, expected=(HouseholdReview.Status.SUBMITTED,), user=user)
    review.status = HouseholdReview.Status.RETURNED
    review.return_reason = reason.strip()
    review.version += 1
    save_audited(review, user=user, update_fields=["status", "return_reason", "version"])
    _announce(review, years={review.year})  # the pending count of its commune
    return review


def _announce(review: HouseholdReview, *, years: set[int]) -> None:
    """Review data of the review's unit changed: the unit it was filed in and the household's
    (they differ once a household has moved), for the snapshots' partial refresh."""
    announce_review_data_changed(
        years=years, area_paths=[p for p in (review.area_path, review.household.area_path) if p]
    )


@transaction.atomic
def review_approve(*, review: HouseholdReview, user: User) -> HouseholdReview:
    review = _transition(review, expected=(HouseholdReview.Status.SUBMITTED,), user=user)
    review.status = HouseholdReview.Status.APPROVED
    review.approved_by = user
    review.approved_at = timezone.now()
    review.version += 1
    save_audited(
        review,
        user=user,
        update_fields=[
            "status",
            "approved_by",
            "approved_at",
            "version",
        ],
    )
    _mark_current(review)
    _announce(review, years={review.year, review.year + 1})
    return review


def _mark_current(review: HouseholdReview) -> None:
    """The latest approved review of the year stands for the household that year."""
    same_year = HouseholdReview.objects.filter(household=review.household, year=review.year)
    same_year.exclude(pk=review.pk).update(is_current=False)
    same_year.filter(pk=review.pk).update(is_current=True)
    review.is_current = True


@transaction.atomic
def review_reopen(*, review: HouseholdReview, user: User, reason: str) -> HouseholdReview:
    """Reopen an approved review with a recorded reason (who, why, when)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do mở lại phiếu.")})
    review = _transition(review, expected=(HouseholdReview.Status.APPROVED,), user=user)
    ReviewReopening.objects.create(review=review, reason=reason.strip(), reopened_by=user)
    review.status = HouseholdReview.Status.DRAFT
    review.approved_by = None
    review.approved_at = None
    review.version += 1
    save_audited(
        review, user=user, update_fields=["status", "approved_by", "approved_at", "version"]
    )
    _announce(review, years={review.year, review.year + 1})
    return review


@transaction.atomic
def round_lock(*, round_: ReviewRound, user: User) -> ReviewRound:
    """Lock a round's year for its area once its results are recognised: every review of the
    round approved. From then on every write of that year's data in the area refuses
    (ensure_year_open) until the round is reopened with a reason."""
    round_ = ReviewRound.objects.select_for_update().select_related("area").get(pk=round_.pk)
    if round_.status == ReviewRound.Status.LOCKED:
        raise ValidationError(_("Năm %(year)s của %(area)s đã được khóa.") % _round_names(round_))
    pending = round_.reviews.exclude(status=HouseholdReview.Status.APPROVED).count()
    if pending:
        raise ValidationError(
            _("Chưa khóa được năm %(year)s của %(area)s: còn %(n)s phiếu chưa được phê duyệt.")
            % {**_round_names(round_), "n": pending}
        )
    round_.status = ReviewRound.Status.LOCKED
    round_.locked_by = user
    round_.locked_at = timezone.now()
    save_audited(round_, user=user, update_fields=["status", "locked_by", "locked_at"])
    return round_


def year_lock(*, commune: Area, year: int, user: User) -> ReviewRound:
    """Lock a commune's year (its periodic round, created if the year has none yet)."""
    return round_lock(round_=review_round_get_or_create(commune=commune, year=year), user=user)


def year_reopen(*, commune: Area, year: int, user: User, reason: str) -> ReviewRound:
    round_ = ReviewRound.objects.filter(
        area=commune, year=year, kind=ReviewRound.Kind.PERIODIC, month=0
    ).first()
    if round_ is None:
        raise ValidationError(
            _("Năm %(year)s của %(area)s chưa bị khóa, không cần mở lại.")
            % {"year": year, "area": commune.name}
        )
    return round_reopen(round_=round_, user=user, reason=reason)


def _round_names(round_: ReviewRound) -> dict:
    return {"year": round_.year, "area": round_.area.name}


@transaction.atomic
def round_reopen(*, round_: ReviewRound, user: User, reason: str) -> ReviewRound:
    """Reopen a locked year with a recorded reason (who, why, when: ReviewReopening)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do mở lại kỳ rà soát.")})
    round_ = ReviewRound.objects.select_for_update().select_related("area").get(pk=round_.pk)
    if round_.status != ReviewRound.Status.LOCKED:
        raise ValidationError(
            _("Năm %(year)s của %(area)s chưa bị khóa, không cần mở lại.") % _round_names(round_)
        )
    ReviewReopening.objects.create(round=round_, reason=reason.strip(), reopened_by=user)
    round_.status = ReviewRound.Status.OPEN
    save_audited(round_, user=user, update_fields=["status"])
    return round_


def household_bump_version(*, household: Household, expected_version: int) -> None:
    """Optimistic concurrency: refuse when the household changed since the form was opened."""
    updated = Household.objects.filter(pk=household.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not updated:
        raise ConcurrentEditError(
            _(
                "Hộ này vừa được người khác cập nhật trong lúc bạn sửa. Không có thay đổi nào bị ghi đè; "
                "vui lòng tải lại trang để xem bản mới nhất rồi nhập lại."
            )
        )
    household.version = expected_version + 1


# --- households and their members ---------------------------------------------------------------


def _citizen_id_taken(member: Member) -> bool:
    if not member.citizen_id or member.left_on is not None:
        return False
    others = Member.objects.filter(citizen_id=member.citizen_id, left_on__isnull=True)
    if member.pk:
        others = others.exclude(pk=member.pk)
    return others.exists()


@transaction.atomic
def household_save(
    *,
    household: Household,
    members: list[Member],
    user: User,
    expected_version: int | None = None,
    causes: Iterable[PovertyCause] | None = None,
) -> Household:
    """Create or update a household and its members in one transaction.

    `members` are the rows of the form (new ones without pk, changed ones, and the ones that
    left with `left_on` set: a member who leaves is kept with the date, never deleted).
    Refuses a stale version (optimistic concurrency) and a citizen ID already held by an
    active member of any household; nothing is saved then.
    """
    if household.pk:
        household_bump_version(household=household, expected_version=expected_version or 0)
    elif household.created_by_id is None:
        household.created_by = user
    household.area_path = household.commune.path
    minority = ethnic_groups_get().is_minority_household(_head_ethnicity(household, members))
    if minority is not None:  # the head's group is in the list: the rule decides
        household.is_ethnic_minority = minority
    save_audited(household, user=user)
    if causes is not None:
        household.poverty_causes.set(causes)
    errors: dict[int, ValidationError] = {}
    for index, member in enumerate(members):
        if _citizen_id_taken(member):
            errors[index] = ValidationError(
                {"citizen_id": _("Số CCCD này đã có ở một nhân khẩu khác đang cư trú.")}
            )
    if errors:
        transaction.set_rollback(True)
        raise MemberRowsError(errors)
    for member in members:
        member.household = household
        try:
            with transaction.atomic():
                save_audited(member, user=user)
        except IntegrityError as exc:  # a concurrent insert of the same citizen ID
            transaction.set_rollback(True)
            raise MemberRowsError(
                {
                    members.index(member): ValidationError(
                        {"citizen_id": _("Số CCCD này đã có ở một nhân khẩu khác đang cư trú.")}
                    )
                }
            ) from exc
    return household


def _head_ethnicity(household: Household, members: list[Member]) -> str | None:
    """The ethnic group of the household's head once the form's rows are saved: a head row of
    the form, else the head already stored (a form row may leave or change role)."""
    changed = {m.pk for m in members if m.pk}
    for member in members:
        if member.relationship == Member.Relationship.HEAD and not member.left_on:
            return member.ethnicity
    if household.pk:
        stored = (
            Member.objects.filter(
                household=household, relationship=Member.Relationship.HEAD, left_on__isnull=True
            )
            .exclude(pk__in=changed)
            .values_list("ethnicity", flat=True)
            .first()
        )
        return stored
    return None


class MemberRowsError(ValidationError):
    """Errors of member rows, keyed by the row's index in the list given to household_save."""

    def __init__(self, rows: dict[int, ValidationError]) -> None:
        self.rows = rows
        super().__init__(_("Có lỗi ở danh sách nhân khẩu."))


@transaction.atomic
def review_save_submit(
    *,
    household: Household,
    year: int,
    data: ReviewInput,
    user: User,
    expected_version: int | None = None,
) -> HouseholdReview:
    """Save the review and send it to the district in one step (both or neither)."""
    review = review_save(
        household=household,
        year=year,
        data=data,
        user=user,
        expected_version=expected_version,
    )
    return review_submit(review=review, user=user)


@transaction.atomic
def population_save(
    *, area: Area, year: int, households: int, persons: int, user: User
) -> AreaPopulation:
    """Record an area's resident households and persons for a year (the rates' denominator)."""
    from .models import AreaPopulation

    if households < 0 or persons < 0:
        raise ValidationError(_("Số hộ và số nhân khẩu không được âm."))
    if persons and households > persons:
        raise ValidationError(_("Số hộ không thể lớn hơn số nhân khẩu."))
    population = AreaPopulation.objects.filter(area=area, year=year).first()
    if population is None:
        population = AreaPopulation(area=area, year=year)
    elif (population.households, population.persons) == (households, persons):
        return population
    population.households = households
    population.persons = persons
    population.updated_by = user
    save_audited(population, user=user)
    announce_review_data_changed(years={year}, area_paths=[area.path])
    return population


@transaction.atomic
def round_reclassify(
    *, round_: ReviewRound, standard: PovertyStandard, user: User, reason: str
) -> int:
    """Put a round under another standard and classify its open reviews again: an explicit,
    audited action (the round's and each review's history record who, when and why).

    Refused when a review of the round is submitted or approved (reopen it first), when the
    standard does not cover the round's year, and without a reason. Returns the reviews
    classified again."""
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do phân loại lại.")})
    if not standard.year_from <= round_.year <= standard.year_to:
        raise ValidationError(
            {
                "standard": _("Chuẩn “%(name)s” không áp dụng cho năm %(year)s.")
                % {"name": standard.name, "year": round_.year}
            }
        )
    round_ = ReviewRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status == ReviewRound.Status.LOCKED:
        raise LockedYearError(_("Kỳ rà soát đã khóa số liệu."))
    reviews = list(round_.reviews.select_for_update().select_related("household__commune"))
    closed = [r for r in reviews if r.status not in ("draft", "returned")]
    if closed:
        raise ValidationError(
            _(
                "Có %(n)s phiếu đã gửi hoặc đã duyệt trong kỳ này. Cần mở lại các phiếu đó "
                "trước khi phân loại lại."
            )
            % {"n": len(closed)}
        )
    round_.standard = standard
    setattr(round_, "_change_reason", reason.strip()[:100])  # noqa: B010 (simple_history)
    save_audited(round_, user=user, update_fields=["standard"])
    for review in reviews:
        flags = review.column_flags()
        data = ReviewInput(
            income_per_capita=review.income_per_capita,
            facts=review_facts(review),
            ticks=rules.carried_ticks(review.sources, flags, COLUMN_NUMBERS),
        )
        evaluation = review_evaluate(
            household=review.household, year=review.year, data=data, standard=standard
        )
        _apply_evaluation(review, evaluation, standard)
        # The officer's overrides carried keep their reasons; one the new rules now agree with
        # is no override any more.
        review.overrides = overrides_record(
            evaluation=evaluation,
            reasons={int(n): o.get("reason", "") for n, o in (review.overrides or {}).items()},
            user=user,
            previous=review.overrides or {},
        )
        review.version += 1
        setattr(review, "_change_reason", reason.strip()[:100])  # noqa: B010 (simple_history)
        save_audited(review, user=user)
    return len(reviews)
