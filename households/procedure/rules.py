"""The periodic review's steps as plain rules (Decision 24/2021/QĐ-TTg, Article 4; method:
Circular 07/2021/TT-BLĐTBXH). No ORM: services fetch, these decide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

# The steps of a hamlet's (then the commune's) periodic review, in the order they close.
MEETING = "meeting"  # họp dân ở thôn/ấp, biên bản
POSTING = "posting"  # niêm yết công khai danh sách dự kiến
COMPLAINTS = "complaints"  # tiếp nhận, giải quyết khiếu nại trong thời gian niêm yết
RECOGNITION = "recognition"  # quyết định công nhận của cấp phê duyệt
CERTIFICATES = "certificates"  # cấp giấy chứng nhận
REPORT = "report"  # báo cáo kết quả lên tỉnh

STEPS: tuple[str, ...] = (MEETING, POSTING, COMPLAINTS, RECOGNITION, CERTIFICATES, REPORT)
# Steps done per hamlet; the rest once for the whole commune.
HAMLET_STEPS: tuple[str, ...] = (MEETING, POSTING, COMPLAINTS)


def step_blocker(step: str, closed: set[str]) -> str | None:
    """The earlier step still open when `step` is to be closed, or None (a step cannot close
    before the one before it)."""
    index = STEPS.index(step)
    for earlier in STEPS[:index]:
        if earlier not in closed:
            return earlier
    return None


def next_step(closed: set[str]) -> str | None:
    for step in STEPS:
        if step not in closed:
            return step
    return None


def meeting_agrees(agreeing: int, attendees: int, *, share_percent: int = 50) -> bool:
    """A household is kept on the list when at least `share_percent` % of the meeting's
    attendees agree (≥ 50 %, Circular 07/2021 Appendix) - exactly half is enough."""
    if attendees <= 0:
        return False
    return Fraction(agreeing, attendees) * 100 >= share_percent


def meeting_share(agreeing: int, attendees: int) -> Fraction:
    return Fraction(agreeing, attendees) if attendees > 0 else Fraction(0)


def working_days(start: date, end: date) -> int:
    """Monday-Friday days from `start` to `end`, both included (public holidays are not
    subtracted: the calendar of holidays is not data yet)."""
    if end < start:
        return 0
    days = 0
    day = start
    while day <= end:
        if day.weekday() < 5:
            days += 1
        day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class Calendar:
    """The year's calendar of the periodic review (data: ReviewCalendar)."""

    start: date  # 1 September
    end: date  # 14 December
    preliminary_by: date  # preliminary results to the ministry before 15 November
    official_by: date  # official results before 20 December
    posting_working_days: int  # the legal length of the public posting
    meeting_share_percent: int = 50


def late_steps(calendar: Calendar, closed_on: dict[str, date], today: date) -> list[str]:
    """Steps late against the calendar: meeting and posting (the preliminary list) not closed
    before `preliminary_by`, complaints and recognition not by `end`, certificates and the
    report not before `official_by`."""
    late = []
    due = {
        MEETING: calendar.preliminary_by,
        POSTING: calendar.preliminary_by,
        COMPLAINTS: calendar.end + timedelta(days=1),  # 14 December is still on time
        RECOGNITION: calendar.end + timedelta(days=1),
        CERTIFICATES: calendar.official_by,
        REPORT: calendar.official_by,
    }
    for step in STEPS:
        when = closed_on.get(step)
        deadline = due[step]
        if (when is None and today >= deadline) or (when is not None and when >= deadline):
            late.append(step)
    return late


def posting_error(start: date, end: date, *, legal_working_days: int) -> str | None:
    """Why a posting's dates are refused (in Vietnamese is the caller's job: a key here)."""
    if end < start:
        return "end_before_start"
    if working_days(start, end) < legal_working_days:
        return "too_short"
    return None
