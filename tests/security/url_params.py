"""How to fill each URL keyword argument from the fixture world (tests/security/world.py).

When a new page needs a keyword argument that is not listed here, the permission matrix FAILS
naming the URL: add the argument below (and, if it points at a new kind of object, build that
object in `World`). Every value points at an object of Xã An Đức (Ba Tri) when the argument is
area-bound (`AREA`), so that the officer of Thạnh Phú must get 403/404 on it.

Lookup order for a URL name like "households:review-edit" and an argument "pk":
  1. BY_URL["households:review-edit"]["pk"]
  2. BY_KWARG["pk"] is never defined: "pk"/"id" resolve through the entity of the URL name
     (the part before the first "-": "review" -> ENTITY_PK["review"]),
  3. BY_KWARG[kwarg].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .world import YEAR, World


@dataclass(frozen=True)
class Param:
    value: Callable[[World], Any]
    area_bound: bool = True  # the object belongs to household A's area (An Đức, Ba Tri)


def _pk(attr: str) -> Param:
    return Param(lambda w: getattr(w, attr).pk)


ENTITY_PK: dict[str, Param] = {
    "household": _pk("household"),
    "detail": _pk("household"),  # households:detail
    "edit": _pk("household"),  # households:edit
    "history": _pk("household"),
    "member": _pk("member"),
    "review": _pk("review"),
    "round": Param(lambda w: w.review.round_id),
}

BY_KWARG: dict[str, Param] = {
    "household_pk": _pk("household"),
    "household_id": _pk("household"),
    "member_pk": _pk("member"),
    "member_id": _pk("member"),
    "review_pk": _pk("review"),
    "review_id": _pk("review"),
    "round_pk": Param(lambda w: w.review.round_id),
    "round_id": Param(lambda w: w.review.round_id),
    "code": Param(lambda w: w.commune.code),
    "area_code": Param(lambda w: w.commune.code),
    "commune_code": Param(lambda w: w.commune.code),
    "district_code": Param(lambda w: w.district.code),
    "household_code": Param(lambda w: w.household.code),
    "year": Param(lambda w: YEAR, area_bound=False),
    "month": Param(lambda w: 1, area_bound=False),
}


def _free(attr: str) -> Param:
    """An object bound to an agency or an owner, not to household A's area."""
    return Param(lambda w: getattr(w, attr).pk, area_bound=False)


BY_URL: dict[str, dict[str, Param]] = {
    # These take the household's pk (the review is found by year), not the review's.
    "households:review-edit": {"pk": _pk("household")},
    "households:review-preview": {"pk": _pk("household")},
    "targets:plan-detail": {"pk": _free("plan")},
    "targets:task-create": {"plan_pk": _free("plan")},
    "targets:document-add": {"pk": _free("plan")},
    "targets:document-download": {"pk": _free("document")},
    "targets:task-detail": {"pk": _free("task")},
    "targets:task-edit": {"pk": _free("task")},
    "targets:task-update": {"pk": _free("task")},
    "targets:evidence-download": {"pk": _free("evidence")},
    "targets:figure-download": {"pk": _free("figure")},
    "reports:table-xlsx": {"key": Param(lambda w: "areas", area_bound=False)},
    "households:import-job": {"pk": _free("import_job")},
    "households:import-status": {"pk": _free("import_job")},
    "households:import-errors": {"pk": _free("import_job")},
    "households:import-confirm": {"pk": _free("import_job")},
    "households:export-job": {"pk": _free("export_job")},
    "households:export-status": {"pk": _free("export_job")},
    "households:export-download": {"pk": _free("export_job")},
    "reports:forecast-job": {"pk": _free("forecast_job")},
    "reports:forecast-download": {"pk": _free("forecast_job")},
    "programs:support-create": {"pk": _pk("household")},
    "programs:detail": {"code": Param(lambda w: "BHYT", area_bound=False)},
    # "targets:task-update": {"pk": Param(lambda w: w.task.pk, area_bound=False)},
}


class MissingParameter(LookupError):
    pass


def param_for(url_name: str, kwarg: str) -> Param:
    if kwarg in BY_URL.get(url_name, {}):
        return BY_URL[url_name][kwarg]
    if kwarg in ("pk", "id"):
        entity = url_name.rsplit(":", 1)[-1].split("-")[0]
        if entity in ENTITY_PK:
            return ENTITY_PK[entity]
    if kwarg in BY_KWARG:
        return BY_KWARG[kwarg]
    raise MissingParameter(
        f"{url_name or '(unnamed)'}: no value for URL argument '{kwarg}' "
        "- add it to tests/security/url_params.py"
    )


def kwargs_for(url, world: World | None = None) -> tuple[dict[str, Any], bool]:
    """The keyword arguments for a URL from the world, and whether the URL is area-bound."""
    params = {k: param_for(url.name, k) for k in url.kwargs}
    values = {k: p.value(world) for k, p in params.items()} if world is not None else {}
    return values, any(p.area_bound for p in params.values())
