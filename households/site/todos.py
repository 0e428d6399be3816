"""The home page's numbers and to-dos, per role (issue 17 finding 7).

Each app may offer, on its AppConfig, `home_todos(self, *, user) -> list[dict]`; the home page
shows them all in app order. A to-do is a dict:
    key: str       stable name (tests, CSS)
    text: str      the sentence with its number ("5 phiếu chờ duyệt")
    count: int     the number (the list behind `url` holds exactly that many)
    url: str       the filtered list behind the number
    details: list[str]  optional lines (e.g. the reasons reviews were returned)
    tone: str      "warning" when something is late or behind, else ""
households gives the approver's queue and the commune's returned and unreviewed households;
reports the province's rate against its target; targets the agency's overdue tasks.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from households.types import AnyUser

# A review waiting longer than this for its approval is overdue (the approving level's
# working week; Decree 07/2021 leaves the timing of each step to the province) [verify].
REVIEW_APPROVAL_DAYS = 7
RETURNED_SHOWN = 5


def home_todos(user: AnyUser) -> list[dict]:
    result: list[dict] = []
    for config in apps.get_app_configs():
        provider = getattr(config, "home_todos", None)
        if provider is not None:
            result += provider(user=user)
    return result


def review_overdue_cutoff():
    return timezone.now() - timedelta(days=REVIEW_APPROVAL_DAYS)


def household_todos(*, user: AnyUser) -> list[dict]:
    """The approver's queue (waiting, overdue) and the commune's returned and unreviewed."""
    from households import selectors
    from households.filters import HouseholdFilter
    from households.organisation import roles

    todos: list[dict] = []
    if selectors.can_approve_any(user):
        queue = selectors.review_queue_for_user(user)
        waiting = queue.count()
        late = queue.filter(submitted_at__lt=review_overdue_cutoff()).count()
        url = reverse("households:review-queue")
        todos.append({
            "key": "queue", "count": waiting, "url": url, "details": [], "tone": "",
            "text": ngettext("%(n)s phiếu chờ duyệt", "%(n)s phiếu chờ duyệt", waiting)
            % {"n": waiting},
        })  # fmt: skip
        todos.append({
            "key": "queue_overdue", "count": late, "url": f"{url}?qua_han=1", "details": [],
            "tone": "warning" if late else "",
            "text": ngettext(
                "%(n)s phiếu quá hạn (chờ duyệt hơn %(days)s ngày)",
                "%(n)s phiếu quá hạn (chờ duyệt hơn %(days)s ngày)",
                late,
            ) % {"n": late, "days": REVIEW_APPROVAL_DAYS},
        })  # fmt: skip
    if roles.entry_paths(user):
        year = selectors.default_year(for_entry=True)
        if year is None:
            return todos
        households = selectors.household_list_for_user(user)

        def listed(**params) -> tuple[int, str]:
            data = {"year": str(year), **params}
            count = HouseholdFilter(data, households, user=user, year=year).qs.count()
            return count, f"{reverse('households:list')}?{urlencode(data)}"

        returned, url = listed(status="returned")
        reasons = [
            f"{review.household.code} {review.household.head_name}: {review.return_reason}"
            for review in selectors.review_list_for_user(user)
            .filter(year=year, status="returned", is_current=True)
            .select_related("household")
            .order_by("-pk")[:RETURNED_SHOWN]
        ]
        todos.append({
            "key": "returned", "count": returned, "url": url, "details": reasons,
            "tone": "warning" if returned else "",
            "text": ngettext(
                "%(n)s phiếu bị trả lại năm %(year)s", "%(n)s phiếu bị trả lại năm %(year)s",
                returned,
            ) % {"n": returned, "year": year},
        })  # fmt: skip
        unreviewed, url = listed(status="none")
        todos.append({
            "key": "unreviewed", "count": unreviewed, "url": url, "details": [], "tone": "",
            "text": ngettext(
                "%(n)s hộ chưa rà soát năm %(year)s", "%(n)s hộ chưa rà soát năm %(year)s",
                unreviewed,
            ) % {"n": unreviewed, "year": year},
        })  # fmt: skip
    return todos


def todos_heading() -> str:
    return _("Việc cần làm")
