"""The periodic round as its steps (issue 18): a commune's round walked from the hamlet meeting
to the report, each refusal writing nothing, each paper rendered and its PDF text checked."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from households.models import (
    Complaint,
    HamletMeeting,
    HouseholdReview,
    MeetingResult,
    Posting,
    ProcedureStep,
    Recognition,
)
from households.procedure import rules, services
from households.services import review_round_get_or_create
from tests.conftest import login

from .test_papers import YEAR, hamlet_make, keep, pdf_text, reviewed

pytestmark = pytest.mark.django_db

ATTENDEES = [f"Người dân {n}" for n in range(1, 11)]


# --- rules (no database) --------------------------------------------------------------------


def test_meeting_keeps_a_household_at_exactly_half():
    assert rules.meeting_agrees(5, 10)
    assert not rules.meeting_agrees(4, 10)
    assert not rules.meeting_agrees(0, 0)
    assert rules.meeting_agrees(2, 3, share_percent=66) is True
    assert rules.meeting_agrees(2, 3, share_percent=67) is False


def test_working_days_skip_the_weekend():
    assert rules.working_days(date(2023, 10, 5), date(2023, 10, 9)) == 3  # Thu, Fri, Mon
    assert rules.working_days(date(2023, 10, 7), date(2023, 10, 8)) == 0
    assert rules.posting_error(date(2023, 10, 5), date(2023, 10, 6), legal_working_days=3) == (
        "too_short"
    )
    assert rules.posting_error(date(2023, 10, 5), date(2023, 10, 9), legal_working_days=3) is None
    assert rules.posting_error(date(2023, 10, 9), date(2023, 10, 5), legal_working_days=3) == (
        "end_before_start"
    )


def test_steps_close_in_order():
    assert rules.step_blocker(rules.POSTING, set()) == rules.MEETING
    assert rules.step_blocker(rules.POSTING, {rules.MEETING}) is None
    assert rules.step_blocker(rules.REPORT, set(rules.STEPS[:4])) == rules.CERTIFICATES
    assert rules.next_step(set(rules.STEPS)) is None


def test_late_against_the_calendar():
    cal = rules.Calendar(
        start=date(2026, 9, 1), end=date(2026, 12, 14), preliminary_by=date(2026, 11, 15),
        official_by=date(2026, 12, 20), posting_working_days=3,
    )  # fmt: skip
    assert rules.late_steps(cal, {}, date(2026, 11, 14)) == []
    assert rules.late_steps(cal, {}, date(2026, 11, 15)) == [rules.MEETING, rules.POSTING]
    on_time = {rules.MEETING: date(2026, 10, 1), rules.POSTING: date(2026, 11, 14)}
    assert rules.late_steps(cal, on_time, date(2026, 12, 14)) == []
    assert rules.COMPLAINTS in rules.late_steps(cal, on_time, date(2026, 12, 15))
    late_posting = {rules.MEETING: date(2026, 10, 1), rules.POSTING: date(2026, 11, 15)}
    assert rules.late_steps(cal, late_posting, date(2026, 11, 16)) == [rules.POSTING]


# --- the walk ---------------------------------------------------------------------------------


def paper(client, name: str, url_name: str, *args) -> bytes:
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == 200, url_name
    assert response["Content-Type"] == "application/pdf"
    keep(name, response.content)
    return response.content


def _counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (HamletMeeting, MeetingResult, Posting, Complaint, Recognition, ProcedureStep)
    )


def test_a_communes_periodic_round_through_every_step_with_its_papers(client, alice, bob):
    hamlet = hamlet_make()
    r1 = reviewed("BT-W-1", "Nguyễn Thị Lành", hamlet=hamlet, user=alice)
    r2 = reviewed("BT-W-2", "Trần Văn Đủ", hamlet=hamlet, user=alice)
    r3 = reviewed("BT-W-3", "Phạm Thị Ước", hamlet=hamlet, user=alice)
    round_ = review_round_get_or_create(commune=hamlet.parent, year=YEAR)
    agreeing = {r1.pk: 8, r2.pk: 5, r3.pk: 4}

    # Out of order, without attendees: refused, nothing written.
    with pytest.raises(ValidationError, match="Họp dân"):
        services.posting_record(
            round_=round_, hamlet=hamlet, start=date(2023, 10, 5), end=date(2023, 10, 9),
            user=alice,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="người tham dự"):
        services.meeting_record(
            round_=round_, hamlet=hamlet, held_on=date(2023, 10, 2), chair="Lê Văn Trưởng",
            attendees=["  "], agreeing=agreeing, user=alice,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="nhiều hơn số người tham dự"):
        services.meeting_record(
            round_=round_, hamlet=hamlet, held_on=date(2023, 10, 2), chair="Lê Văn Trưởng",
            attendees=ATTENDEES[:3], agreeing=agreeing, user=alice,
        )  # fmt: skip
    assert _counts() == (0, 0, 0, 0, 0, 0)

    # 1. The hamlet meeting, through the page.
    login(client, alice)
    page = client.get(reverse("households:round", args=["29173", YEAR]))
    assert page.status_code == 200
    assert "Ấp Thạnh Hòa" in page.content.decode()
    response = client.post(
        reverse("households:round-meeting", args=["29173", YEAR, hamlet.code]),
        {
            "held_on": "2023-10-02", "chair": "Lê Văn Trưởng", "secretary": "Đỗ Thị Thư",
            "attendees": "\n".join(ATTENDEES),
            **{f"agree-{pk}": n for pk, n in agreeing.items()},
        },
    )  # fmt: skip
    assert response.status_code == 302
    meeting = HamletMeeting.objects.get()
    assert dict(MeetingResult.objects.values_list("review_id", "kept")) == {
        r1.pk: True, r2.pk: True, r3.pk: False,
    }  # fmt: skip
    minutes = pdf_text(
        paper(client, "bien-ban-hop", "households:paper-minutes-pdf", hamlet.code, YEAR)
    )
    for expected in ("BIÊN BẢN HỌP DÂN", "Ấp Thạnh Hòa", "Lê Văn Trưởng", "Số người tham dự: 10",
                     "Nguyễn Thị Lành", "8/10 80,0%", "Phạm Thị Ước", "4/10 40,0% Không đạt",
                     "Số hộ đạt: 2/3", "ngày 02 tháng 10 năm 2023"):  # fmt: skip
        assert expected in minutes, expected

    # 2. The posting: too short refused, then the legal three working days.
    with pytest.raises(ValidationError, match="ngắn hơn thời gian tối thiểu 3 ngày làm việc"):
        services.posting_record(
            round_=round_, hamlet=hamlet, start=date(2023, 10, 5), end=date(2023, 10, 6),
            user=alice,
        )  # fmt: skip
    assert Posting.objects.count() == 0
    client.post(
        reverse("households:round-posting", args=["29173", YEAR, hamlet.code]),
        {"start": "2023-10-05", "end": "2023-10-09", "place": "Nhà văn hóa ấp"},
    )
    posting = Posting.objects.get()
    assert [row["head_name"] for row in posting.snapshot] == ["Nguyễn Thị Lành", "Trần Văn Đủ"]

    # 3. A complaint: outside the posting refused; one that changes the household's class.
    with pytest.raises(ValidationError, match="trong thời gian niêm yết"):
        services.complaint_record(
            round_=round_, review=r1, received_on=date(2023, 10, 10), complainant="Hàng xóm",
            content="Hộ có thu nhập cao", user=alice,
        )  # fmt: skip
    client.post(
        reverse("households:review-complaint", args=[r1.pk]),
        {"received_on": "2023-10-06", "complainant": "Võ Văn Góp", "content": "Hộ có con đi làm"},
    )
    complaint = Complaint.objects.get()
    history_before = HouseholdReview.history.filter(id=r1.pk).count()
    client.post(
        reverse("households:complaint-resolve", args=[complaint.pk]),
        {"resolved_on": "2023-10-09", "outcome": "changed", "income": "2.000.000",
         "note": "Phúc tra: thu nhập 2.000.000 đồng/người/tháng"},
    )  # fmt: skip
    complaint.refresh_from_db()
    r1.refresh_from_db()
    assert (complaint.outcome, complaint.class_before, complaint.class_after) == (
        "changed", "poor", "average",
    )  # fmt: skip
    assert (r1.classification, r1.status, r1.income_per_capita) == (
        "average",
        "submitted",
        2_000_000,
    )
    # The earlier result stays in the history.
    old = HouseholdReview.history.filter(id=r1.pk).order_by("history_date")
    assert old.count() > history_before
    assert old.first().classification == "poor"
    record = pdf_text(paper(client, "khieu-nai", "households:paper-complaint-pdf", complaint.pk))
    for expected in ("BIÊN BẢN GIẢI QUYẾT KHIẾU NẠI", "Võ Văn Góp", "Nguyễn Thị Lành",
                     "Phân loại trước khiếu nại: Hộ nghèo", "Hộ có mức sống trung bình", "2.000.000"):  # fmt: skip
        assert expected in record, expected
    # The posting list prints as posted, not as corrected since.
    posted = pdf_text(paper(client, "niem-yet", "households:paper-posting-pdf", hamlet.code, YEAR))
    assert "Nguyễn Thị Lành" in posted
    assert "từ ngày 05/10/2023 đến ngày 09/10/2023" in posted
    assert "Tổng cộng: 2 hộ nghèo" in posted

    # Recognition before the complaints step is closed: refused.
    with pytest.raises(ValidationError, match="Giải quyết khiếu nại"):
        services.recognition_record(
            round_=round_, number="125/QĐ-UBND", decided_on=date(2023, 10, 20),
            signer_name="Nguyễn Văn Chủ", user=bob,
        )  # fmt: skip
    client.post(
        reverse("households:round-complaints-close", args=["29173", YEAR, hamlet.code]),
        {"on": "2023-10-10"},
    )
    assert ProcedureStep.objects.filter(step="complaints").count() == 1

    # 4. Recognition by the round's approving level (Ba Tri district in 2023) only, dated after
    # the meeting and posting.
    with pytest.raises(ValidationError, match="cấp phê duyệt"):
        services.recognition_record(
            round_=round_, number="125/QĐ-UBND", decided_on=date(2023, 10, 20),
            signer_name="Nguyễn Văn Chủ", user=alice,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="trước ngày họp dân"):
        services.recognition_record(
            round_=round_, number="125/QĐ-UBND", decided_on=date(2023, 10, 1),
            signer_name="Nguyễn Văn Chủ", user=bob,
        )  # fmt: skip
    assert Recognition.objects.count() == 0
    login(client, bob)
    client.post(
        reverse("households:round-recognition", args=["29173", YEAR]),
        {"number": "125/QĐ-UBND", "decided_on": "2023-10-20", "signer_name": "Nguyễn Văn Chủ"},
    )
    decision = Recognition.objects.get()
    assert decision.level == "district"
    assert set(HouseholdReview.objects.values_list("status", flat=True)) == {"approved"}
    text = pdf_text(paper(client, "quyet-dinh", "households:paper-decision-pdf", "29173", YEAR))
    for expected in ("Số: 125/QĐ-UBND", "UBND HUYỆN BA TRI", "QUYẾT ĐỊNH", "Công nhận 1 hộ nghèo và 0 hộ cận nghèo",
                     "DANH SÁCH HỘ NGHÈO NĂM 2023", "Trần Văn Đủ", "Nguyễn Văn Chủ", "ngày 20 tháng 10 năm 2023"):  # fmt: skip
        assert expected in text, expected
    assert "Nguyễn Thị Lành" not in text  # re-classed by the complaint
    assert "Phạm Thị Ước" not in text  # not kept by the meeting

    # 5. Certificates: the recognised households only, with the decision's number and date.
    text = pdf_text(
        paper(client, "giay-chung-nhan", "households:paper-area-certificates", "29173", YEAR)
    )
    assert "Trần Văn Đủ" in text
    assert "Quyết định số 125/QĐ-UBND ngày 20/10/2023" in text
    assert "Phạm Thị Ước" not in text
    assert "Nguyễn Thị Lành" not in text

    # 6. Steps of the commune in order; the report prints the recognised figures.
    with pytest.raises(ValidationError, match="Cấp giấy chứng nhận"):
        services.commune_step_close(
            round_=round_, step=rules.REPORT, on=date(2023, 10, 25), user=bob
        )
    services.commune_step_close(
        round_=round_, step=rules.CERTIFICATES, on=date(2023, 10, 25), user=bob
    )
    services.commune_step_close(round_=round_, step=rules.REPORT, on=date(2023, 10, 26), user=bob)
    report = pdf_text(paper(client, "bao-cao", "households:paper-report-pdf", "29173", YEAR))
    assert "BÁO CÁO KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO" in report
    assert "Hộ nghèo 2 4" in report  # approved poor reviews: Đủ and Ước (2 members each)
    assert "Quyết định số 125/QĐ-UBND ngày 20/10/2023" in report
    phieu_b = pdf_text(
        paper(client, "phieu-b", "households:paper-form-pdf", r2.household_id, "b", YEAR)
    )
    for expected in ("PHIẾU B", "Trần Văn Đủ", "1.200.000", "CS12", "Hộ nghèo"):
        assert expected in phieu_b, expected
    blank = pdf_text(
        paper(client, "phieu-a-trang", "households:paper-blank-form-pdf", "29173", YEAR, "a")
    )
    assert "PHIẾU A – PHIẾU NHẬN DẠNG NHANH ĐẶC ĐIỂM HỘ GIA ĐÌNH" in blank
    page = client.get(reverse("households:round", args=["29173", YEAR])).content.decode()
    assert "125/QĐ-UBND" in page
    assert meeting.pk


def test_decision_date_before_the_posting_end_is_refused(alice, bob):
    hamlet = hamlet_make()
    r = reviewed("BT-D-1", "Lý Văn Sớm", hamlet=hamlet, user=alice)
    round_ = review_round_get_or_create(commune=hamlet.parent, year=YEAR)
    services.meeting_record(
        round_=round_, hamlet=hamlet, held_on=date(2023, 10, 2), chair="Chủ trì",
        attendees=ATTENDEES, agreeing={r.pk: 9}, user=alice,
    )  # fmt: skip
    services.posting_record(
        round_=round_, hamlet=hamlet, start=date(2023, 10, 5), end=date(2023, 10, 9), user=alice
    )
    services.complaints_close(round_=round_, hamlet=hamlet, on=date(2023, 10, 9), user=alice)
    with pytest.raises(ValidationError, match="kết thúc niêm yết"):
        services.recognition_record(
            round_=round_, number="9/QĐ", decided_on=date(2023, 10, 6), signer_name="X", user=bob
        )
    assert Recognition.objects.count() == 0
    assert HouseholdReview.objects.get().status == "submitted"


def test_outsider_gets_404_on_the_round(client, charlie):
    assert (
        login(client, charlie).get(reverse("households:round", args=["29173", YEAR])).status_code
        == 404
    )


def test_a_locked_year_refuses_every_step_and_writes_nothing(alice, bob, pat):
    from households import services as review_services

    hamlet = hamlet_make()
    r = reviewed("BT-L-1", "Mai Văn Khóa", hamlet=hamlet, user=alice)
    round_ = review_round_get_or_create(commune=hamlet.parent, year=YEAR)
    review_services.review_approve(review=r, user=bob)
    review_services.year_lock(commune=hamlet.parent, year=YEAR, user=pat)
    with pytest.raises(ValidationError, match="số liệu cho địa bàn này"):
        services.meeting_record(
            round_=round_, hamlet=hamlet, held_on=date(2023, 10, 2), chair="Chủ trì",
            attendees=ATTENDEES, agreeing={r.pk: 9}, user=alice,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="số liệu cho địa bàn này"):
        services.recognition_record(
            round_=round_, number="1/QĐ", decided_on=date(2023, 10, 20), signer_name="X", user=bob
        )
    assert _counts() == (0, 0, 0, 0, 0, 0)
