"""Issue 14: agencies close and hand their tasks to their successor in one action."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from households.models import Agency
from targets.models import Task
from targets.services import agency_tasks_hand_over

from .conftest import make_task

pytestmark = pytest.mark.django_db


def test_a_closed_agencys_open_tasks_go_to_its_successor_done_ones_stay(plan, pat):
    lead_old = Agency.objects.get(code="SLDTBXH")
    assert lead_old.valid_to is not None
    open_task = make_task(plan, "SLDTBXH", title="Rà soát hộ nghèo")
    done = make_task(plan, "SLDTBXH", title="Báo cáo năm 2023")
    Task.objects.filter(pk=done.pk).update(status="done")
    helped = make_task(plan, "SYT", title="Thẻ BHYT", supporting_agencies=[lead_old])
    n = agency_tasks_hand_over(agency=lead_old, user=pat)
    assert n == 2
    assert Task.objects.get(pk=open_task.pk).lead_agency.code == "SNNMT"
    assert Task.objects.get(pk=done.pk).lead_agency.code == "SLDTBXH"
    assert [a.code for a in Task.objects.get(pk=helped.pk).supporting_agencies.all()] == ["SNNMT"]
    # a second run hands over nothing more
    assert agency_tasks_hand_over(agency=lead_old, user=pat) == 0


def test_an_agency_without_successor_is_refused(plan, pat):
    with pytest.raises(ValidationError, match="chưa có cơ quan kế thừa"):
        agency_tasks_hand_over(agency=Agency.objects.get(code="SYT"), user=pat)


def test_the_admin_action_hands_over_in_one_step(client, plan, admin_user):
    task = make_task(plan, "SKHDT", title="Bố trí vốn")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:households_agency_changelist"),
        {"action": "hand_over_tasks", "_selected_action": [Agency.objects.get(code="SKHDT").pk]},
        follow=True,
    )
    assert "đã giao 1 nhiệm vụ cho Sở Tài chính" in response.content.decode()
    assert Task.objects.get(pk=task.pk).lead_agency.code == "STC"
