"""Writes of the periodic review's steps. Each owns its transaction, checks the step order
(rules.step_blocker) and writes nothing when it refuses (a ValidationError in the user's
language). Complaints that change a household go through the review services themselves."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from households import services as review_services
from households.models import (
    Area,
    Complaint,
    HamletMeeting,
    HouseholdReview,
    MeetingResult,
    Posting,
    ProcedureStep,
    Recognition,
    ReviewRound,
)
from households.organisation.selectors import round_approving_level
from households.papers.selectors import posting_rows
from households.types import User

from . import rules
from .selectors import (
    STEP_NAMES,
    calendar_for,
    closed_steps,
    hamlet_reviews,
    hamlets_of_round,
    latest_posting,
)


def _commune_of(area: Area) -> Area:
    return area.parent if area.level == Area.Level.HAMLET and area.parent else area


def _ensure_order(round_: ReviewRound, area: Area, step: str) -> None:
    blocker = rules.step_blocker(step, closed_steps(round_, area))
    if blocker is not None:
        raise ValidationError(
            _("Chưa thể thực hiện bước “%(step)s”: bước “%(before)s” chưa hoàn thành.")
            % {"step": STEP_NAMES[step], "before": STEP_NAMES[blocker]}
        )


def _close(round_: ReviewRound, area: Area, step: str, on: date, user: User) -> ProcedureStep:
    return ProcedureStep.objects.create(
        round=round_, area=area, step=step, closed_on=on, closed_by=user
    )


def _ensure_open_year(round_: ReviewRound) -> None:
    review_services.ensure_year_open(commune=round_.area, year=round_.year)


@transaction.atomic
def meeting_record(
    *,
    round_: ReviewRound,
    hamlet: Area,
    held_on: date,
    chair: str,
    attendees: list[str],
    agreeing: dict[int, int],
    user: User,
    secretary: str = "",
    note: str = "",
) -> HamletMeeting:
    """The hamlet meeting: attendees, and per household (review id) how many agreed. Closes the
    hamlet's meeting step."""
    _ensure_open_year(round_)
    names = [a.strip() for a in attendees if a.strip()]
    if not names:
        raise ValidationError({"attendees": _("Cuộc họp phải có danh sách người tham dự.")})
    if not chair.strip():
        raise ValidationError({"chair": _("Hãy ghi người chủ trì cuộc họp.")})
    if held_on.year != round_.year:
        raise ValidationError(
            {"held_on": _("Ngày họp phải trong năm rà soát %(year)s.") % {"year": round_.year}}
        )
    _ensure_order(round_, hamlet, rules.MEETING)
    reviews = list(hamlet_reviews(round_, hamlet))
    if not reviews:
        raise ValidationError(_("Ấp chưa có hộ nào trong danh sách rà soát."))
    missing = [r.household.head_name for r in reviews if r.pk not in agreeing]
    if missing:
        raise ValidationError(
            _("Chưa ghi kết quả biểu quyết của hộ: %(names)s.") % {"names": ", ".join(missing)}
        )
    too_many = [r.household.head_name for r in reviews if agreeing[r.pk] > len(names)]
    if too_many:
        raise ValidationError(
            _("Số người đồng ý nhiều hơn số người tham dự (%(n)s): %(names)s.")
            % {"n": len(names), "names": ", ".join(too_many)}
        )
    share = calendar_for(round_.year).meeting_share_percent
    rows = posting_rows(hamlet_reviews(round_, hamlet))
    for row in rows:
        row["agreeing"] = agreeing[row["review"]]
        row["kept"] = rules.meeting_agrees(row["agreeing"], len(names), share_percent=share)
    meeting = HamletMeeting.objects.create(
        round=round_, hamlet=hamlet, held_on=held_on, chair=chair.strip(),
        secretary=secretary.strip(), attendees=names, note=note, snapshot=rows,
        recorded_by=user,
    )  # fmt: skip
    MeetingResult.objects.bulk_create(
        MeetingResult(meeting=meeting, review_id=row["review"], agreeing=row["agreeing"],
                      kept=row["kept"])
        for row in rows
    )  # fmt: skip
    _close(round_, hamlet, rules.MEETING, held_on, user)
    return meeting


@transaction.atomic
def posting_record(
    *, round_: ReviewRound, hamlet: Area, start: date, end: date, user: User, place: str = ""
) -> Posting:
    """The public posting of the hamlet's preliminary list (the households the meeting kept),
    at least the legal number of working days. Closes the posting step."""
    _ensure_open_year(round_)
    _ensure_order(round_, hamlet, rules.POSTING)
    meeting = HamletMeeting.objects.filter(round=round_, hamlet=hamlet).first()
    if meeting and start < meeting.held_on:
        raise ValidationError({"start": _("Ngày niêm yết không được trước ngày họp dân.")})
    legal = calendar_for(round_.year).posting_working_days
    problem = rules.posting_error(start, end, legal_working_days=legal)
    if problem == "end_before_start":
        raise ValidationError({"end": _("Ngày kết thúc niêm yết phải sau ngày bắt đầu.")})
    if problem == "too_short":
        raise ValidationError(
            {
                "end": _(
                    "Thời gian niêm yết %(days)s ngày làm việc, ngắn hơn thời gian tối thiểu "
                    "%(legal)s ngày làm việc."
                )
                % {"days": rules.working_days(start, end), "legal": legal}
            }
        )
    kept = {row["review"] for row in (meeting.snapshot if meeting else []) if row.get("kept")}
    rows = [r for r in posting_rows(hamlet_reviews(round_, hamlet)) if r["review"] in kept]
    posting = Posting.objects.create(
        round=round_, area=hamlet, start=start, end=end, place=place, snapshot=rows,
        recorded_by=user,
    )  # fmt: skip
    _close(round_, hamlet, rules.POSTING, end, user)
    return posting


@transaction.atomic
def complaint_record(
    *,
    round_: ReviewRound,
    review: HouseholdReview,
    received_on: date,
    complainant: str,
    content: str,
    user: User,
) -> Complaint:
    """A complaint about one household of a posted list, received during the posting."""
    _ensure_open_year(round_)
    hamlet = review.household.hamlet
    posting = latest_posting(round_, hamlet) if hamlet else None
    if posting is None:
        raise ValidationError(_("Danh sách của ấp chưa được niêm yết: chưa nhận khiếu nại."))
    if not posting.start <= received_on <= posting.end:
        raise ValidationError(
            {
                "received_on": _(
                    "Khiếu nại phải được nhận trong thời gian niêm yết (%(start)s - %(end)s)."
                )
                % {"start": f"{posting.start:%d/%m/%Y}", "end": f"{posting.end:%d/%m/%Y}"}
            }
        )
    if not complainant.strip() or not content.strip():
        raise ValidationError(_("Hãy ghi người khiếu nại và nội dung khiếu nại."))
    if ProcedureStep.objects.filter(round=round_, area=hamlet, step=rules.COMPLAINTS).exists():
        raise ValidationError(_("Bước giải quyết khiếu nại của ấp đã hoàn thành."))
    return Complaint.objects.create(
        round=round_, posting=posting, review=review, received_on=received_on,
        complainant=complainant.strip(), content=content.strip(),
        class_before=review.classification, income_before=review.income_per_capita,
        recorded_by=user,
    )  # fmt: skip


@transaction.atomic
def complaint_resolve(
    *,
    complaint: Complaint,
    resolved_on: date,
    note: str,
    user: User,
    data: review_services.ReviewInput | None = None,
) -> Complaint:
    """The complaint's outcome. With `data` (the household re-checked) the review is returned,
    saved and submitted again through the review services: the classification is re-run the
    same way, the earlier result stays in the review's history."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.outcome != Complaint.Outcome.PENDING:
        raise ValidationError(_("Khiếu nại này đã được giải quyết."))
    if resolved_on < complaint.received_on:
        raise ValidationError({"resolved_on": _("Ngày giải quyết không được trước ngày nhận.")})
    if not note.strip():
        raise ValidationError({"note": _("Hãy ghi kết luận giải quyết khiếu nại.")})
    review = complaint.review
    if data is not None:
        reason = _("Rà soát lại theo khiếu nại ngày %(day)s.") % {
            "day": f"{complaint.received_on:%d/%m/%Y}"
        }
        if review.status == HouseholdReview.Status.SUBMITTED:
            review = review_services.review_return(review=review, user=user, reason=reason)
        review = review_services.review_save(
            household=review.household, year=review.year, data=data, user=user
        )
        review = review_services.review_submit(review=review, user=user)
        complaint.outcome = Complaint.Outcome.CHANGED
        complaint.class_after = review.classification
        complaint.income_after = review.income_per_capita
    else:
        complaint.outcome = Complaint.Outcome.REJECTED
        complaint.class_after = complaint.class_before
    complaint.resolved_on = resolved_on
    complaint.outcome_note = note.strip()
    complaint.save(
        update_fields=["outcome", "class_after", "income_after", "resolved_on", "outcome_note"]
    )
    return complaint


@transaction.atomic
def complaints_close(*, round_: ReviewRound, hamlet: Area, on: date, user: User) -> ProcedureStep:
    """Close the hamlet's complaints step: the posting is over and every complaint answered."""
    _ensure_open_year(round_)
    _ensure_order(round_, hamlet, rules.COMPLAINTS)
    posting = latest_posting(round_, hamlet)
    if posting is not None and on < posting.end:
        raise ValidationError(_("Thời gian niêm yết chưa kết thúc."))
    pending = Complaint.objects.filter(
        round=round_, posting__area=hamlet, outcome=Complaint.Outcome.PENDING
    ).count()
    if pending:
        raise ValidationError(_("Còn %(n)s khiếu nại chưa giải quyết.") % {"n": pending})
    return _close(round_, hamlet, rules.COMPLAINTS, on, user)


@transaction.atomic
def recognition_record(
    *,
    round_: ReviewRound,
    number: str,
    decided_on: date,
    signer_name: str,
    user: User,
    signer_title: str = "Chủ tịch",
) -> Recognition:
    """The recognition decision by the round's approving level: every hamlet's complaints
    closed, the decision dated on or after the last meeting and posting; the round's submitted
    reviews are approved with it, the annexed lists stored as decided."""
    _ensure_open_year(round_)
    from households.selectors import approves_area

    commune = round_.area
    level = round_approving_level(round_, path=commune.path)
    if not approves_area(user, commune.path):
        raise ValidationError(_("Chỉ cấp phê duyệt của kỳ rà soát được công nhận danh sách."))
    if not number.strip():
        raise ValidationError({"number": _("Hãy ghi số quyết định.")})
    hamlets = hamlets_of_round(round_)
    if not hamlets:
        raise ValidationError(_("Chưa có ấp nào họp dân và niêm yết danh sách."))
    for hamlet in hamlets:
        _ensure_order(round_, hamlet, rules.RECOGNITION)
    last_meeting = max(m.held_on for m in HamletMeeting.objects.filter(round=round_))
    if decided_on < last_meeting:
        raise ValidationError(
            {"decided_on": _("Ngày quyết định không được trước ngày họp dân (%(day)s).")
             % {"day": f"{last_meeting:%d/%m/%Y}"}}
        )  # fmt: skip
    last_posting = max(p.end for p in Posting.objects.filter(round=round_))
    if decided_on < last_posting:
        raise ValidationError(
            {"decided_on": _("Ngày quyết định không được trước ngày kết thúc niêm yết (%(day)s).")
             % {"day": f"{last_posting:%d/%m/%Y}"}}
        )  # fmt: skip
    for review in round_.reviews.filter(status=HouseholdReview.Status.SUBMITTED):
        review_services.review_approve(review=review, user=user)
    # The annexed lists: the households the hamlets posted, with their class after complaints.
    posted = {
        row["review"]
        for hamlet in hamlets
        if (posting := latest_posting(round_, hamlet)) is not None
        for row in posting.snapshot
    }
    rows = posting_rows(
        round_.reviews.filter(
            pk__in=posted,
            status=HouseholdReview.Status.APPROVED,
            classification__in=("poor", "near_poor"),
        )
        .select_related("household__hamlet")
        .order_by("classification", "household__hamlet__name", "household__head_name")
    )
    recognition = Recognition.objects.create(
        round=round_, number=number.strip(), decided_on=decided_on, level=level,
        signer_name=signer_name.strip(), signer_title=signer_title, snapshot=rows,
        recorded_by=user,
    )  # fmt: skip
    _close(round_, commune, rules.RECOGNITION, decided_on, user)
    return recognition


@transaction.atomic
def commune_step_close(*, round_: ReviewRound, step: str, on: date, user: User) -> ProcedureStep:
    """Certificates issued, results reported up: closed for the commune, in order."""
    if step not in (rules.CERTIFICATES, rules.REPORT):
        raise ValidationError(_("Bước không hợp lệ."))
    _ensure_order(round_, round_.area, step)
    return _close(round_, round_.area, step, on, user)


def meeting_agreeing_from(data: dict[str, Any]) -> dict[int, int]:
    """{review id: agreeing} from form fields named "agree-<review id>"; bad numbers refused."""
    found: dict[int, int] = {}
    for key, value in data.items():
        if not key.startswith("agree-"):
            continue
        try:
            found[int(key.removeprefix("agree-"))] = int(str(value).strip())
        except ValueError as exc:
            raise ValidationError(_("Số người đồng ý phải là số nguyên.")) from exc
        if found[int(key.removeprefix("agree-"))] < 0:
            raise ValidationError(_("Số người đồng ý không được âm."))
    return found


def recheck_input(review: HouseholdReview, *, income: int) -> review_services.ReviewInput:
    """The review's own Phiếu B with the income found on re-checking a complaint: the facts
    and the officer's ticks stay, the classification is re-run on them."""
    from households.rules import HouseholdFacts

    ticks: dict[int, bool | None] = {}
    reasons: dict[int, str] = {}
    flags = review.deprivation_flags()
    for n, flag in flags.items():
        source = (review.sources or {}).get(str(n))
        if source in (HouseholdReview.Source.REVIEWER, HouseholdReview.Source.OVERRIDDEN):
            ticks[n] = flag
        override = (review.overrides or {}).get(str(n))
        if override and override.get("reason"):
            reasons[n] = override["reason"]
    return review_services.ReviewInput(
        income_per_capita=income,
        facts=HouseholdFacts(
            nondurable_parts=review.nondurable_parts,
            floor_area_m2=review.floor_area_m2,
            water_source=review.water_source,
            latrine=review.latrine,
            uses_internet=review.uses_internet,
            has_information_device=review.has_information_device,
        ),
        ticks=ticks,
        override_reasons=reasons,
        income_confirmed=True,
    )
