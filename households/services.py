"""Writes of the households app. Each service owns its transaction and audits through
households.audit (save_audited and its bulk siblings): every history row carries the user,
whether the service runs in a request, a command or a task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
from .models.reviews import INDICATOR_FIELDS
from .selectors import (
    member_facts,
    standard_for_year,
)
from .signals import announce_review_data_changed


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
    return _("Năm %(year)s đã được phê duyệt và khoá số liệu cho địa bàn này.") % {"year": year}


def ensure_year_open(*, commune: Area, year: int) -> None:
    """Every write of a year's data for a commune (review form, transitions, import, support
    records, the admin) asks here first: a locked year refuses, nothing is written."""
    if is_year_locked(commune=commune, year=year):
        raise LockedYearError(locked_year_message(year))


def review_round_get_or_create(
    *, commune: Area, year: int, kind: str = ReviewRound.Kind.PERIODIC, month: int = 0
) -> ReviewRound:
    round_, _created = ReviewRound.objects.get_or_create(
        area=commune,
        year=year,
        kind=kind,
        month=month,
        defaults={"reference_date": default_reference_date(year)},
    )
    return round_


@dataclass(frozen=True)
class ReviewInput:
    """What the reviewer enters on Phiếu B besides the members."""

    income_per_capita: int
    facts: rules.HouseholdFacts
    ticks: dict[int, bool | None]


def review_evaluate(*, household: Household, year: int, data: ReviewInput) -> rules.Evaluation:
    """Classify without saving (the form's live preview uses it)."""
    on = default_reference_date(year)
    standard = standard_for_year(year)
    return rules.evaluate(
        members=member_facts(household),
        facts=data.facts,
        ticks=data.ticks,
        income_per_capita=data.income_per_capita,
        is_urban=household.commune.is_urban_on(on),
        lines=standard.lines(),
        on=on,
        declared_size=household.declared_size,
    )


def _apply_evaluation(review: HouseholdReview, evaluation: rules.Evaluation) -> None:
    for n, field in zip(rules.INDICATORS, INDICATOR_FIELDS, strict=True):
        setattr(review, field, evaluation.deprived[n])
    review.sources = {str(n): s for n, s in evaluation.sources.items()}
    review.reasons = {str(n): list(r) for n, r in evaluation.reasons.items()}
    review.deprivation_count = evaluation.count
    review.classification = evaluation.classification
    review.member_count = evaluation.member_count


@transaction.atomic
def review_save(
    *,
    household: Household,
    year: int,
    data: ReviewInput,
    user,
    confirm_conflicts: bool = False,
    expected_version: int | None = None,
) -> HouseholdReview:
    """Create or update the household's periodic review of `year` (a draft or returned one).

    Refuses: a locked year, an approved or submitted review (reopen first), a stale version,
    and indicators where the reviewer's tick contradicts the member facts unless confirmed.
    """
    if data.income_per_capita < 0:
        raise ValidationError({"income_per_capita": _("Thu nhập không được âm.")})
    ensure_year_open(commune=household.commune, year=year)
    round_ = review_round_get_or_create(commune=household.commune, year=year)
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
    evaluation = review_evaluate(household=household, year=year, data=data)
    if evaluation.conflicts and not confirm_conflicts:
        raise ValidationError(
            _(
                "Các chỉ số %(codes)s được đánh dấu khác với thông tin nhân khẩu. Hãy kiểm tra và xác nhận."
            )
            % {"codes": ", ".join(f"CS{n:02d}" for n in evaluation.conflicts)},
            code="conflicts",
        )
    standard = standard_for_year(year)
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
    review.standard = standard
    review.is_urban = household.commune.is_urban_on(round_.reference_date)
    review.income_per_capita = data.income_per_capita
    review.nondurable_parts = data.facts.nondurable_parts
    review.floor_area_m2 = data.facts.floor_area_m2
    review.water_source = data.facts.water_source
    review.latrine = data.facts.latrine
    review.uses_internet = data.facts.uses_internet
    review.has_information_device = data.facts.has_information_device
    if review.status == HouseholdReview.Status.RETURNED:
        review.status = HouseholdReview.Status.DRAFT
    _apply_evaluation(review, evaluation)
    save_audited(review, user=user)
    return review


def _transition(review: HouseholdReview, *, expected: tuple[str, ...], user) -> HouseholdReview:
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
def review_submit(*, review: HouseholdReview, user) -> HouseholdReview:
    review = _transition(
        review, expected=(HouseholdReview.Status.DRAFT, HouseholdReview.Status.RETURNED), user=user
    )
    review.status = HouseholdReview.Status.SUBMITTED
    review.submitted_at = timezone.now()
    review.return_reason = ""
    review.version += 1
    save_audited(
        review, user=user, update_fields=["status", "submitted_at", "return_reason", "version"]
    )
    return review


@transaction.atomic
def review_return(*, review: HouseholdReview, user, reason: str) -> HouseholdReview:
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do trả lại phiếu.")})
    review = _transition(review, expected=(HouseholdReview.Status.SUBMITTED,), user=user)
    review.status = HouseholdReview.Status.RETURNED
    review.return_reason = reason.strip()
    review.version += 1
    save_audited(review, user=user, update_fields=["status", "return_reason", "version"])
    return review


def previous_movement(*, household: Household, year: int, classification: str) -> tuple[str, str]:
    """(previous classification, movement) from the household's earlier approved reviews."""
    earlier = list(
        HouseholdReview.objects.filter(
            household=household,
            year__lt=year,
            is_current=True,
            status=HouseholdReview.Status.APPROVED,
        )
        .order_by("-year")
        .values_list("year", "classification")
    )
    previous = earlier[0][1] if earlier and earlier[0][0] == year - 1 else None
    older = [c for _y, c in earlier]
    move = rules.movement(
        previous,
        classification,
        ever_poor=rules.POOR in older,
        ever_near_poor=rules.NEAR_POOR in older,
    )
    return previous or "", move


@transaction.atomic
def review_approve(*, review: HouseholdReview, user) -> HouseholdReview:
    review = _transition(review, expected=(HouseholdReview.Status.SUBMITTED,), user=user)
    review.status = HouseholdReview.Status.APPROVED
    review.approved_by = user
    review.approved_at = timezone.now()
    review.previous_classification, review.movement = previous_movement(
        household=review.household, year=review.year, classification=review.classification
    )
    review.version += 1
    save_audited(
        review,
        user=user,
        update_fields=[
            "status",
            "approved_by",
            "approved_at",
            "previous_classification",
            "movement",
            "version",
        ],
    )
    _mark_current(review)
    announce_review_data_changed(
        years={review.year, review.year + 1}, area_paths=[review.household.area_path]
    )
    return review


def _mark_current(review: HouseholdReview) -> None:
    """The latest approved review of the year stands for the household that year."""
    same_year = HouseholdReview.objects.filter(household=review.household, year=review.year)
    same_year.exclude(pk=review.pk).update(is_current=False)
    same_year.filter(pk=review.pk).update(is_current=True)
    review.is_current = True


@transaction.atomic
def review_reopen(*, review: HouseholdReview, user, reason: str) -> HouseholdReview:
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
    announce_review_data_changed(
        years={review.year, review.year + 1}, area_paths=[review.household.area_path]
    )
    return review


@transaction.atomic
def round_lock(*, round_: ReviewRound, user) -> ReviewRound:
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


def year_lock(*, commune: Area, year: int, user) -> ReviewRound:
    """Lock a commune's year (its periodic round, created if the year has none yet)."""
    return round_lock(round_=review_round_get_or_create(commune=commune, year=year), user=user)


def year_reopen(*, commune: Area, year: int, user, reason: str) -> ReviewRound:
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
def round_reopen(*, round_: ReviewRound, user, reason: str) -> ReviewRound:
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
    user,
    expected_version: int | None = None,
    causes=None,
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
    save_audited(household, user=user)
    if causes is not None:
        household.poverty_causes.set(causes)
    errors = {}
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
    user,
    confirm_conflicts: bool = False,
    expected_version: int | None = None,
) -> HouseholdReview:
    """Save the review and send it to the district in one step (both or neither)."""
    review = review_save(
        household=household,
        year=year,
        data=data,
        user=user,
        confirm_conflicts=confirm_conflicts,
        expected_version=expected_version,
    )
    return review_submit(review=review, user=user)


@transaction.atomic
def population_save(*, area: Area, year: int, households: int, persons: int, user):
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
