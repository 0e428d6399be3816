"""Issue 17, finding 5: the plan shows each target's indicator by its name, not its code."""

from django.conf import settings
from django.urls import reverse

from targets.models import Target

from ..conftest import login


def test_plan_shows_indicator_names_not_codes(client, pat, plan):
    codes = set(
        Target.objects.filter(plan=plan).exclude(indicator_code="manual")
        .values_list("indicator_code", flat=True)
    )  # fmt: skip
    assert "poor_rate_change" in codes
    client = login(client, pat)
    body = client.get(reverse("targets:plan-detail", args=[plan.pk])).content.decode()
    assert "Tỷ lệ hộ nghèo tăng (+) / giảm (-) so với năm trước" in body
    for code in codes:
        assert f">{code}<" not in body, code
        assert f"<code>{code}" not in body, code
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("targets:plan-detail", args=[plan.pk])).content.decode()
    assert "poor_rate_change" not in english
