"""The provincial home page's figures (households.site.todos): the poor rate of the default
year against its target, and the areas behind their targets, from the dashboard's own rows."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from households.organisation import roles

from . import selectors

RATE_CODES = ("poor_rate", "poor_rate_change")


def areas_behind(context: dict) -> list:
    """The units below the dashboard's area that miss at least one of their targets."""
    behind = []
    for row in context.get("target_rows", []):
        for cell in row["cells"][1:]:
            if cell["ok"] is False and cell["area"] not in behind:
                behind.append(cell["area"])
    return behind


def province_todos(*, user) -> list[dict]:
    from .dashboard import dashboard_get

    if not roles.is_provincial(user):
        return []
    snapshots = selectors.snapshot_list_active()
    year = selectors.snapshot_default_year(snapshots)
    if year is None:
        return []
    area = selectors.dashboard_area_get(user, code=None, year=year)
    context = dashboard_get(user, area=area, year=year, snapshots=snapshots)
    url = f"{reverse('reports:dashboard')}?year={year}"
    rate = context.get("summary", {}).get("poor_rate")
    todos = []
    if rate is not None:
        text = _("Tỷ lệ hộ nghèo năm %(year)s: %(rate)s%%") % {
            "year": year, "rate": number_format(rate, 2)
        }  # fmt: skip
        details, tone = [], ""
        for row in context.get("target_rows", []):
            if row["spec"].indicator_code in RATE_CODES:
                cell = row["cells"][0]
                verdict = {True: _("đạt"), False: _("chưa đạt"), None: _("chưa có số liệu")}
                details.append(f"{row['spec'].code} {row['spec'].statement}: {verdict[cell['ok']]}")
                tone = "warning" if cell["ok"] is False else tone
        todos.append({
            "key": "poor_rate", "count": 0, "url": url, "details": details, "tone": tone,
            "text": text,
        })  # fmt: skip
    behind = areas_behind(context)
    todos.append({
        "key": "areas_behind", "count": len(behind), "url": f"{url}#targets-head",
        "details": [a.name for a in behind[:10]], "tone": "warning" if behind else "",
        "text": ngettext(
            "%(n)s địa bàn chưa đạt chỉ tiêu", "%(n)s địa bàn chưa đạt chỉ tiêu", len(behind)
        ) % {"n": len(behind)},
    })  # fmt: skip
    return todos
