"""The navigation bar: each app lists its own entries in a navigation module (`<app>/navigation.py`;
households' in `households/site/navigation.py`).

`items(user)` there returns (url name, label) pairs the user may open; apps stay independent
of one another and the bar fits the role.
"""

from importlib import import_module

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from households.organisation import roles

MODULES = (
    "households.site.navigation",
    "programs.navigation",
    "targets.navigation",
    "reports.navigation",
)


def _entries(user) -> list[dict]:
    entries = []
    for path in MODULES:
        try:
            module = import_module(path)
        except ModuleNotFoundError:
            continue
        for name, label in module.items(user):
            try:
                entries.append({"url": reverse(name), "label": label, "name": name})
            except NoReverseMatch:
                continue
    return entries


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_role": None}
    path = request.path
    items = _entries(user)
    # One entry lit: the longest URL the path is under (/ho/duyet/ is "Duyệt phiếu", not also
    # "Hộ gia đình" at /ho/).
    matches = [item for item in items if item["url"] != "/" and path.startswith(item["url"])]
    current = max(matches, key=lambda item: len(item["url"]), default=None)
    if current is None and path == "/":
        current = next((item for item in items if item["url"] == "/"), None)
    for item in items:
        item["active"] = item is current
    return {"nav_items": items, "user_role": roles.primary_role(user)}
