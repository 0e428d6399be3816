"""Writes of the households app. Each service owns its transaction and audits through
django-simple-history (the request's user is recorded by HistoryRequestMiddleware; services
called outside a request set `_history_user`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules
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
    """A year is locked for a commune when a locked round exists for it or an ancestor."""
    ancestors = rules.ancestor_paths(commune.path)
    return ReviewRound.objects.filter(
        year=year, status=ReviewRound.Status.LOCKED, area__path__in=ancestors
    ).exists()


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


def is_urban_for(commune: Area, on: date) -> bool:
    return rules.is_urban_on(
        commune.kind,
        former_kind=commune.former_kind,
        kind_changed_on=commune.kind_changed_on,
        on=on,
    )


@dataclass(frozen=True)
class ReviewInput:
    """What the reviewer enters on Phiếu B besides the members."""

    income_per_capita: int
    facts: rules.HouseholdFacts
    ticks: dict[int, bool | None]


def reference_date_for(*, commune: Area, year: int) -> date:
    """The reference date of the commune's periodic round of `year` (ages are counted on it),
    or the default when the round does not exist yet."""
    found = (
        ReviewRound.objects.filter(area=commune, year=year, kind=ReviewRound.Kind.PERIODIC, month=0)
        .values_list("reference_date", flat=True)
        .first()
    )
    return found or default_reference_date(year)


def review_evaluate(*, household: Household, year: int, data: ReviewInput) -> rules.Evaluation:
    """Classify without saving (the form's live preview uses it). Ages at the round's
    reference date, the one stored on the review."""
    on = reference_date_for(commune=household.commune, year=year)
    standard = standard_for_year(year)
    return rules.evaluate(
        members=member_facts(household),
        facts=data.facts,
        ticks=data.ticks,
        income_per_capita=data.income_per_capita,
        is_urban=is_urban_for(household.commune, on),
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
    if is_year_locked(commune=household.commune, year=year):
        raise LockedYearError(
            _("Năm %(year)s đã được phê duyệt và khoá số liệu cho địa bàn này.") % {"year": year}
        )
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
    review.is_urban = is_urban_for(household.commune, round_.reference_date)
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
    review._history_user = user
    review.save()
    review.refresh_from_db()
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
    if is_year_locked(commune=locked.household.commune, year=locked.year):
        raise LockedYearError(
            _("Năm %(year)s đã được phê duyệt và khoá số liệu cho địa bàn này.")
            % {"year": locked.year}
        )
    locked._history_user = user
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
    review.save()
    review.refresh_from_db()
    return review


@transaction.atomic
def review_return(*, review: HouseholdReview, user, reason: str) -> HouseholdReview:
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do trả lại phiếu.")})
    review = _transition(review, expected=(HouseholdReview.Status.SUBMITTED,), user=user)
    review.status = HouseholdReview.Status.RETURNED
    review.return_reason = reason.strip()
    review.version += 1
    review.save()
    review.refresh_from_db()
    return review


@transaction.atomic
def review_approve(*, review: HouseholdReview, user) -> HouseholdReview:
    review = _transition(review, expected=(HouseholdReview.Status.SUBMITTED,), user=user)
    review.status = HouseholdReview.Status.APPROVED
    review.approved_by = user
    review.approved_at = timezone.now()
    review.version += 1
    review.save()
    _mark_current(review)
    announce_review_data_changed(
        years={review.year, review.year + 1}, area_paths=[review.household.area_path]
    )
    review.refresh_from_db()
    return review


def _mark_current(review: HouseholdReview) -> None:
    """The latest approved review of the year stands for the household that year."""
    same_year = HouseholdReview.objects.filter(household=review.household, year=review.year)
    same_year.exclude(pk=review.pk).update(is_current=False)
    same_year.filter(pk=review.pk).update(is_current=True)


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
    review.save()
    announce_review_data_changed(
        years={review.year, review.year + 1}, area_paths=[review.household.area_path]
    )
    review.refresh_from_db()
    return review


@transaction.atomic
def round_lock(*, round_: ReviewRound, user) -> ReviewRound:
    round_ = ReviewRound.objects.select_for_update().get(pk=round_.pk)
    round_.status = ReviewRound.Status.LOCKED
    round_.locked_by = user
    round_.locked_at = timezone.now()
    round_._history_user = user
    round_.save()
    return round_


@transaction.atomic
def round_reopen(*, round_: ReviewRound, user, reason: str) -> ReviewRound:
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do mở lại kỳ rà soát.")})
    round_ = ReviewRound.objects.select_for_update().get(pk=round_.pk)
    ReviewReopening.objects.create(round=round_, reason=reason.strip(), reopened_by=user)
    round_.status = ReviewRound.Status.OPEN
    round_._history_user = user
    round_.save()
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
    household._history_user = user
    household.save()
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
        member._history_user = user
        try:
            with transaction.atomic():
                member.save()
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
    population._history_user = user
    population.save()
    announce_review_data_changed(years={year}, area_paths=[area.path])
    return population
