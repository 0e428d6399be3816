"""Reads of the review procedure's steps (meeting, posting, complaints, recognition)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from households.models import (
    Area,
    Complaint,
    HamletMeeting,
    HouseholdReview,
    Posting,
    ProcedureStep,
    Recognition,
    ReviewCalendar,
    ReviewRound,
)

from . import rules

STEP_NAMES = {
    rules.MEETING: _("Họp dân"),
    rules.POSTING: _("Niêm yết công khai"),
    rules.COMPLAINTS: _("Giải quyết khiếu nại"),
    rules.RECOGNITION: _("Quyết định công nhận"),
    rules.CERTIFICATES: _("Cấp giấy chứng nhận"),
    rules.REPORT: _("Báo cáo lên tỉnh"),
}


def _day(text: str, year: int) -> date:
    day, month = (int(p) for p in text.split("/"))
    return date(year, month, day)


def calendar_for(year: int) -> rules.Calendar:
    """The year's calendar (data: ReviewCalendar; Decision 24/2021's dates when none)."""
    row = ReviewCalendar.objects.filter(year_from__lte=year, year_to__gte=year).first()
    row = row or ReviewCalendar()
    return rules.Calendar(
        start=_day(row.start_day, year),
        end=_day(row.end_day, year),
        preliminary_by=_day(row.preliminary_by_day, year),
        official_by=_day(row.official_by_day, year),
        posting_working_days=row.posting_working_days,
        meeting_share_percent=row.meeting_share_percent,
    )


def hamlet_reviews(round_: ReviewRound, hamlet: Area) -> QuerySet[HouseholdReview]:
    """The round's reviews of one hamlet's households, in list order."""
    return (
        round_.reviews.filter(household__hamlet=hamlet, is_current=True)
        .select_related("household__hamlet")
        .order_by("household__head_name", "household__code")
    )


def round_hamlets(round_: ReviewRound) -> list[Area]:
    """The hamlets with households in the round, by name."""
    ids = round_.reviews.values_list("household__hamlet", flat=True).distinct()
    return list(Area.objects.filter(pk__in=ids).order_by("name"))


def hamlets_of_round(round_: ReviewRound) -> list[Area]:
    return round_hamlets(round_)


def closed_steps(round_: ReviewRound, area: Area) -> set[str]:
    """The steps closed for `area`. For the commune, a hamlet step counts once every hamlet of
    the round closed it."""
    closed = set(
        ProcedureStep.objects.filter(round=round_, area=area).values_list("step", flat=True)
    )
    if area.level != Area.Level.HAMLET:
        hamlets = round_hamlets(round_)
        for step in rules.HAMLET_STEPS:
            done = ProcedureStep.objects.filter(round=round_, step=step, area__in=hamlets)
            if hamlets and done.count() == len(hamlets):
                closed.add(step)
    return closed


def latest_posting(round_: ReviewRound, hamlet: Area) -> Posting | None:
    return Posting.objects.filter(round=round_, area=hamlet).order_by("-version", "-pk").first()


def round_get(*, commune: Area, year: int) -> ReviewRound | None:
    return ReviewRound.objects.filter(area=commune, year=year, kind="periodic", month=0).first()


def round_state(round_: ReviewRound, *, today: date) -> dict[str, Any]:
    """Where each hamlet stands (steps closed, next step, late ones) and the commune's steps."""
    calendar = calendar_for(round_.year)
    steps = list(ProcedureStep.objects.filter(round=round_).select_related("closed_by"))
    by_area: dict[int, dict[str, date]] = {}
    for s in steps:
        by_area.setdefault(s.area_id, {})[s.step] = s.closed_on
    commune_closed = by_area.get(round_.area_id, {})
    hamlets = []
    for hamlet in round_hamlets(round_):
        closed = dict(by_area.get(hamlet.pk, {}))
        merged = {**closed, **commune_closed}
        nxt = rules.next_step(set(merged))
        late = [s for s in rules.late_steps(calendar, merged, today) if s in rules.HAMLET_STEPS]
        hamlets.append(
            {
                "hamlet": hamlet,
                "closed": closed,
                "next": nxt,
                "next_name": STEP_NAMES.get(nxt or "", ""),
                "late": [STEP_NAMES[s] for s in late],
                "reviews": hamlet_reviews(round_, hamlet).count(),
                "posting": latest_posting(round_, hamlet),
                "complaints": Complaint.objects.filter(round=round_, posting__area=hamlet).count(),
            }
        )
    all_closed = closed_steps(round_, round_.area)
    late = [
        str(STEP_NAMES[s])
        for s in rules.late_steps(calendar, commune_closed, today)
        if s not in rules.HAMLET_STEPS
    ]
    return {
        "calendar": calendar,
        "hamlets": hamlets,
        "commune_closed": commune_closed,
        "closed": all_closed,
        "next": rules.next_step(all_closed),
        "late": late,
        "recognition": Recognition.objects.filter(round=round_).first(),
        "complaints": list(
            Complaint.objects.filter(round=round_).select_related("review__household")
        ),
        "meetings": list(HamletMeeting.objects.filter(round=round_).select_related("hamlet")),
    }


def recognition_for_paper(*, area: Area, year: int) -> dict[str, Any]:
    """The recognition decision of `area`'s periodic round of `year`, for printing."""
    round_ = round_get(commune=area, year=year)
    found = Recognition.objects.filter(round=round_).first() if round_ else None
    if found is None:
        return {}
    return {
        "number": found.number,
        "date": found.decided_on,
        "signer_name": found.signer_name,
        "signer_title": found.signer_title,
        "signer_body": f"Chủ tịch UBND {_decision_unit(area, found.level).name}",
        "certificate_number": "",
    }


def recognition_review_ids(*, area: Area, year: int) -> set[int] | None:
    """The reviews in the recognition decision's lists, or None before any decision."""
    round_ = round_get(commune=area, year=year)
    found = Recognition.objects.filter(round=round_).first() if round_ else None
    if found is None:
        return None
    return {row["review"] for row in found.snapshot}


def _decision_unit(area: Area, level: str) -> Area:
    if level == ReviewRound.ApprovingLevel.DISTRICT and area.parent is not None:
        return area.parent
    return area


def posting_for_paper(*, area: Area, year: int) -> tuple[Any, list[dict[str, Any]]]:
    """The recorded posting of `area` (a hamlet) in `year` and the rows it posted (its
    snapshot, as posted: a later correction does not rewrite it)."""
    if area.level != Area.Level.HAMLET or area.parent is None:
        return None, []
    round_ = round_get(commune=area.parent, year=year)
    posting = latest_posting(round_, area) if round_ else None
    if posting is None:
        return None, []
    return posting, [dict(row) for row in posting.snapshot]


def meeting_for_paper(*, hamlet: Area, year: int) -> HamletMeeting | None:
    if hamlet.parent is None:
        return None
    round_ = round_get(commune=hamlet.parent, year=year)
    if round_ is None:
        return None
    return HamletMeeting.objects.filter(round=round_, hamlet=hamlet).first()


def complaint_get(*, pk: int) -> Complaint | None:
    return (
        Complaint.objects.select_related("review__household__hamlet", "round__area")
        .filter(pk=pk)
        .first()
    )


def report_lines(*, commune: Area, year: int, month: int = 0) -> list[tuple[str, int, int]]:
    """(label, households, persons) of a commune's results: the year's approved current
    reviews, or with `month` those approved in the month's regular round."""
    from django.db.models import Count, Sum

    reviews = HouseholdReview.objects.filter(
        area=commune, year=year, status=HouseholdReview.Status.APPROVED, is_current=True
    )
    if month:
        reviews = reviews.filter(round__kind=ReviewRound.Kind.REGULAR, round__month=month)
    found = {
        row["classification"]: (row["n"], row["persons"] or 0)
        for row in reviews.values("classification").annotate(
            n=Count("pk"), persons=Sum("member_count")
        )
    }
    total = (sum(v[0] for v in found.values()), sum(v[1] for v in found.values()))
    return [
        ("Số hộ được rà soát, phê duyệt", *total),
        ("Hộ nghèo", *found.get("poor", (0, 0))),
        ("Hộ cận nghèo", *found.get("near_poor", (0, 0))),
        ("Hộ có mức sống trung bình", *found.get("average", (0, 0))),
        ("Không thuộc diện", *found.get("above", (0, 0))),
    ]
