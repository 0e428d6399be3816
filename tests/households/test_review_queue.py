"""The approval queue as a work list (issue 17, finding 6): filters, the review opened in place,
approve or return several at once after a confirmation, only the approver's own reviews."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from households import services
from households.models import HouseholdReview
from households.rules import HouseholdFacts
from tests.conftest import login

from .conftest import household_make

QUEUE = reverse("households:review-queue")
BULK = reverse("households:review-queue-bulk")


def submitted(user, code, commune="29173", *, income=3_000_000, head="Nguyễn Văn An"):
    household = household_make(code=code, commune_code=commune, head=head)
    review = services.review_save(
        household=household,
        year=2023,
        user=user,
        data=services.ReviewInput(
            income_per_capita=income,
            facts=HouseholdFacts(),
            ticks=dict.fromkeys(range(7, 13), False),
        ),
    )
    return services.review_submit(review=review, user=user)


@pytest.fixture
def queue(alice, charlie, db):
    """Three reviews of Xã An Đức, one of Xã Tân Mỹ (both Ba Tri), one of Thạnh Phú."""
    from households.organisation import roles
    from tests.conftest import make_user

    tan_my = make_user("tam", roles.AREA_OFFICER, areas=["29113"])
    reviews = {
        "a1": submitted(alice, "AD-0001", income=1_000_000, head="Trần Văn Một"),
        "a2": submitted(alice, "AD-0002", income=1_200_000, head="Lê Thị Hai"),
        "a3": submitted(alice, "AD-0003", income=3_000_000, head="Phạm Văn Ba"),
        "b1": submitted(tan_my, "TM-0001", "29113", income=1_100_000, head="Võ Thị Bốn"),
        "c1": submitted(charlie, "TP-0001", "29182", income=900_000, head="Huỳnh Văn Năm"),
    }
    return reviews


def _codes(html: str) -> list[str]:
    import re

    return re.findall(r">((?:AD|TM|TP)-\d{4})</a>", html)


def test_queue_filters_by_commune_class_status_and_date(client, bob, queue, area):
    login(client, bob)
    page = client.get(QUEUE).content.decode()
    assert _codes(page) == ["AD-0001", "AD-0002", "AD-0003", "TM-0001"]
    an_duc = area("29173")
    page = client.get(QUEUE, {"commune": an_duc.pk}).content.decode()
    assert _codes(page) == ["AD-0001", "AD-0002", "AD-0003"]
    assert "3 phiếu" in page
    # 1.0-1.2 million a month is under the rural poverty line, 3 million above the average one.
    assert [queue[k].classification for k in ("a1", "a2", "a3", "b1")] == [
        "near_poor", "near_poor", "above", "near_poor"
    ]  # fmt: skip
    page = client.get(QUEUE, {"classification": "near_poor"}).content.decode()
    assert _codes(page) == ["AD-0001", "AD-0002", "TM-0001"]
    page = client.get(QUEUE, {"classification": "above", "commune": an_duc.pk}).content.decode()
    assert _codes(page) == ["AD-0003"]
    # Submitted two days ago: outside a filter starting yesterday.
    HouseholdReview.objects.filter(pk=queue["a1"].pk).update(
        submitted_at=timezone.now() - timedelta(days=2)
    )
    yesterday = (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y")
    page = client.get(QUEUE, {"submitted_from": yesterday}).content.decode()
    assert _codes(page) == ["AD-0002", "AD-0003", "TM-0001"]
    page = client.get(QUEUE, {"submitted_to": yesterday}).content.decode()
    assert _codes(page) == ["AD-0001"]
    # Status: the approved ones, once approved.
    services.review_approve(review=queue["a2"], user=bob)
    assert _codes(client.get(QUEUE, {"status": "approved"}).content.decode()) == ["AD-0002"]
    assert "AD-0002" not in _codes(client.get(QUEUE).content.decode())
    # A bad date is a message, not a crash.
    page = client.get(QUEUE, {"submitted_from": "31/02/2026"})
    assert page.status_code == 200
    assert "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 25/12/1980." in page.content.decode()
    assert _codes(page.content.decode()) == ["AD-0001", "AD-0003", "TM-0001"]


def test_review_opens_in_place_with_income_line_indicators_and_members(client, bob, queue):
    login(client, bob)
    review = queue["a1"]
    page = client.get(QUEUE, {"open": review.pk}).content.decode()
    assert f'id="detail-{review.pk}"' in page
    assert "1.000.000" in page  # income per person
    assert "1.500.000" in page  # the rural poverty line of the 2022-2025 standard
    assert page.count('data-indicator="') == 12
    assert "Trần Văn Một – Chủ hộ" in page
    partial = client.get(
        reverse("households:review-queue-detail", args=[review.pk]), {"partial": "1"}
    )
    html = partial.content.decode()
    assert "<html" not in html
    assert "CS01" in html
    assert "CS12" in html
    assert f'value="approve:{review.pk}"' in html
    # Without JavaScript the detail link lands on the queue opened on the review.
    plain = client.get(reverse("households:review-queue-detail", args=[review.pk]))
    assert plain.status_code == 302
    assert f"open={review.pk}" in plain["Location"]


def test_outsider_cannot_open_another_areas_review(client, charlie, queue):
    login(client, charlie)
    url = reverse("households:review-queue-detail", args=[queue["a1"].pk])
    assert client.get(url, {"partial": "1"}).status_code == 404
    assert client.get(QUEUE, {"open": queue["a1"].pk}).status_code == 404


def test_bulk_approve_three_in_one_post_after_confirmation(client, bob, queue):
    login(client, bob)
    ids = [queue[k].pk for k in ("a1", "a2", "b1")]
    confirm = client.post(BULK, {"action": "approve", "review": ids, "back": "commune=&page=1"})
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Xác nhận duyệt 3 phiếu" in html
    assert all(f'name="v-{pk}"' in html for pk in ids)
    assert HouseholdReview.objects.filter(status="approved").count() == 0  # nothing yet
    data = {"action": "approve", "review": ids, "confirm": "1", "back": "page=1"}
    data |= {f"v-{pk}": str(HouseholdReview.objects.get(pk=pk).version) for pk in ids}
    response = client.post(BULK, data, follow=True)
    assert response.redirect_chain[-1][0] == f"{QUEUE}?page=1"
    assert "Đã duyệt 3 phiếu." in response.content.decode()
    approved = HouseholdReview.objects.filter(status="approved")
    assert sorted(approved.values_list("pk", flat=True)) == sorted(ids)
    assert {r.approved_by for r in approved} == {bob}
    assert all(r.is_current for r in approved)
    assert {r.history.latest().history_user for r in approved} == {bob}
    assert HouseholdReview.objects.get(pk=queue["a3"].pk).status == "submitted"


def test_bulk_confirmation_with_a_stale_version_writes_nothing(client, bob, queue):
    login(client, bob)
    ids = [queue["a1"].pk, queue["a2"].pk]
    data = {"action": "approve", "review": ids, "confirm": "1"}
    data |= {f"v-{pk}": "0" for pk in ids}
    page = client.post(BULK, data, follow=True).content.decode()
    assert "vừa được người khác thay đổi" in page
    assert HouseholdReview.objects.filter(status="approved").count() == 0


def test_bulk_return_requires_a_reason(client, bob, queue):
    login(client, bob)
    ids = [queue["a1"].pk, queue["a3"].pk]
    versions = {f"v-{pk}": str(HouseholdReview.objects.get(pk=pk).version) for pk in ids}
    base = {"action": "return", "review": ids, "confirm": "1"} | versions
    page = client.post(BULK, base | {"reason": "  "})
    assert page.status_code == 200
    assert "Hãy ghi lý do trả lại phiếu." in page.content.decode()
    assert HouseholdReview.objects.filter(status="returned").count() == 0
    response = client.post(BULK, base | {"reason": "Thiếu giấy xác nhận thu nhập"}, follow=True)
    assert "Đã trả lại 2 phiếu cho xã." in response.content.decode()
    returned = HouseholdReview.objects.filter(status="returned")
    assert sorted(returned.values_list("pk", flat=True)) == sorted(ids)
    assert set(returned.values_list("return_reason", flat=True)) == {"Thiếu giấy xác nhận thu nhập"}


def test_another_areas_review_in_the_post_refuses_the_whole_step(client, bob, charlie, queue):
    login(client, bob)
    ids = [queue["a1"].pk, queue["a2"].pk, queue["c1"].pk]  # c1 is Thạnh Phú's
    data = {"action": "approve", "review": ids, "confirm": "1"}
    data |= {f"v-{pk}": str(HouseholdReview.objects.get(pk=pk).version) for pk in ids}
    page = client.post(BULK, data, follow=True).content.decode()
    assert "không thuộc quyền duyệt của bạn" in page
    assert HouseholdReview.objects.exclude(status="submitted").count() == 0
    # Nor does the confirmation page list anything.
    page = client.post(BULK, {"action": "approve", "review": ids}, follow=True).content.decode()
    assert "Xác nhận duyệt" not in page
    # A commune officer (who only submits in the district tree) is refused their own review.
    login(client, charlie)
    own = queue["c1"].pk
    client.post(BULK, {"action": "return", "review": [own, queue["a1"].pk], "confirm": "1",
                       "reason": "x", f"v-{own}": "2"})  # fmt: skip
    assert HouseholdReview.objects.exclude(status="submitted").count() == 0


def test_commune_officer_gets_no_bulk_buttons_in_the_district_tree(client, alice, queue):
    login(client, alice)
    page = client.get(QUEUE).content.decode()
    assert _codes(page) == ["AD-0001", "AD-0002", "AD-0003"]
    assert 'name="review"' not in page
    assert "Duyệt các phiếu đã chọn" not in page
    data = {"action": "approve", "review": [queue["a1"].pk], "confirm": "1"}
    client.post(BULK, data | {f"v-{queue['a1'].pk}": str(queue["a1"].version)})
    assert HouseholdReview.objects.get(pk=queue["a1"].pk).status == "submitted"


def test_service_refuses_ids_outside_the_scope(bob, queue):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.reviews_approve(review_ids=[queue["a1"].pk, queue["c1"].pk], user=bob)
    assert HouseholdReview.objects.filter(status="approved").count() == 0
    done = services.reviews_approve(review_ids=[queue["a1"].pk, queue["b1"].pk], user=bob)
    assert [r.household.code for r in done] == ["AD-0001", "TM-0001"]


def test_in_the_two_tier_tree_the_commune_approves_its_own_reviews_in_bulk(client, db):
    """2026: no districts; the round's approving level is the commune (organisation.selectors
    round_approving_level), so the commune officer ticks and approves its own list, and only
    its own."""
    from households.organisation import roles
    from tests.conftest import make_user

    ba_tri = make_user("xa-ba-tri", roles.AREA_OFFICER, areas=["29110-2025"])
    other = make_user("xa-khac", roles.AREA_OFFICER, areas=["29122-2025"])
    own = [_submitted_in(ba_tri, f"BT26-{i}", "29110-2025", year=2026) for i in range(2)]
    theirs = _submitted_in(other, "MCH26-1", "29122-2025", year=2026)
    login(client, ba_tri)
    page = client.get(QUEUE).content.decode()
    assert "Duyệt các phiếu đã chọn" in page
    assert page.count('name="review"') == 2
    ids = [r.pk for r in own]
    data = {"action": "approve", "review": [*ids, theirs.pk], "confirm": "1"}
    data |= {f"v-{r.pk}": str(r.version) for r in [*own, theirs]}
    client.post(BULK, data)
    assert HouseholdReview.objects.filter(status="approved").count() == 0
    data = {"action": "approve", "review": ids, "confirm": "1"}
    data |= {f"v-{r.pk}": str(r.version) for r in own}
    client.post(BULK, data)
    assert (
        sorted(HouseholdReview.objects.filter(status="approved").values_list("pk", flat=True))
        == ids
    )


def _submitted_in(user, code, commune, *, year):
    household = household_make(code=code, commune_code=commune, head="Nguyễn Thị Sáu")
    review = services.review_save(
        household=household,
        year=year,
        user=user,
        data=services.ReviewInput(
            income_per_capita=1_000_000,
            facts=HouseholdFacts(),
            ticks=dict.fromkeys(range(7, 13), False),
        ),
    )
    return services.review_submit(review=review, user=user)


# session, user, scope, the queue page and its count, the filter choices, and the approving
# level of the tree in force for the status words (issue 14)
QUERIES_QUEUE = 9


@pytest.mark.parametrize("extra", [0, 6])
def test_queue_reads_a_fixed_number_of_times(
    client, bob, alice, queue, django_assert_num_queries, extra
):
    for i in range(extra):
        submitted(alice, f"AD-01{i:02d}", head="Đỗ Văn Bảy")
    login(client, bob)
    client.get(QUEUE)  # the first request warms the organisation header's cache
    with django_assert_num_queries(QUERIES_QUEUE):
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert len(_codes(response.content.decode())) == 4 + extra
