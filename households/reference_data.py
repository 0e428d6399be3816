"""Loading the reference data (areas, agencies, the poverty standard, roles) idempotently.

Every loader matches rows on their code and updates them in place, so running it twice
changes nothing and an administrator's later corrections to other fields are only
overwritten where the file says otherwise.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from households.organisation import roles

from .models import Agency, Area, PovertyCause, PovertyIndicator, PovertyStandard

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
AREAS_FILE = REFERENCE_DIR / "ben-tre-administrative-units-2023.csv"
AREAS_VALID_FROM = date(2023, 4, 10)

KIND_BY_LABEL = {
    "Tỉnh": Area.Kind.PROVINCE,
    "Thành phố": Area.Kind.CITY,
    "Thị xã": Area.Kind.TOWN_DISTRICT,
    "Huyện": Area.Kind.DISTRICT,
    "Phường": Area.Kind.WARD,
    "Thị trấn": Area.Kind.TOWNSHIP,
    "Xã": Area.Kind.COMMUNE,
}


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} mới, {self.updated} cập nhật, {self.unchanged} không đổi"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert(model, lookup: dict, values: dict, result: LoadResult):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        result.created += 1
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save()
        result.updated += 1
    else:
        result.unchanged += 1
    return obj


def areas_load(path: Path = AREAS_FILE) -> LoadResult:
    result = LoadResult()
    changes = {row["code"]: row for row in _read(REFERENCE_DIR / "area-type-changes.csv")}
    by_code: dict[str, Area] = {}
    for row in _read(path):
        parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        if row["parent_code"] and parent is None:
            parent = Area.objects.get(code=row["parent_code"])
        change = changes.get(row["code"])
        values = {
            "name": row["name"],
            "level": row["level"],
            "kind": KIND_BY_LABEL[row["type"]],
            "parent": parent,
            "former_kind": change["former_kind"] if change else "",
            "kind_changed_on": date.fromisoformat(change["kind_changed_on"]) if change else None,
        }
        area = Area.objects.filter(code=row["code"]).first()
        if area is None:
            values["valid_from"] = AREAS_VALID_FROM
        by_code[row["code"]] = _upsert(Area, {"code": row["code"]}, values, result)
    return result


def agencies_load() -> LoadResult:
    result = LoadResult()
    for row in _read(REFERENCE_DIR / "agencies.csv"):
        _upsert(
            Agency,
            {"code": row["code"]},
            {
                "name": row["name"],
                "short_name": row["short_name"],
                "kind": Agency.Kind.DEPARTMENT,
                "is_lead": row["is_lead"] == "1",
                "email": row["email"],
            },
            result,
        )
    # Each district-level unit's People's Committee is an agency for the tasks it is given.
    for district in Area.objects.filter(level=Area.Level.DISTRICT, valid_to__isnull=True):
        _upsert(
            Agency,
            {"code": f"UBND-{district.code}"},
            {
                "name": f"Ủy ban nhân dân {district.name}",
                "short_name": f"UBND {district.name.replace('Huyện ', '').replace('Thành phố ', 'TP. ')}",
                "kind": Agency.Kind.DISTRICT_COMMITTEE,
                "area": district,
            },
            result,
        )
    return result


def standards_load() -> LoadResult:
    result = LoadResult()
    standards = {}
    for row in _read(REFERENCE_DIR / "poverty-standards.csv"):
        values = {k: row[k] for k in ("name", "legal_basis")}
        values.update(
            {
                k: int(row[k])
                for k in (
                    "year_from",
                    "year_to",
                    "rural_poverty_line",
                    "urban_poverty_line",
                    "rural_average_line",
                    "urban_average_line",
                    "poor_min_deprivations",
                )
            }
        )
        standards[row["code"]] = _upsert(PovertyStandard, {"code": row["code"]}, values, result)
    for row in _read(REFERENCE_DIR / "poverty-indicators.csv"):
        _upsert(
            PovertyIndicator,
            {"standard": standards[row["standard"]], "number": int(row["number"])},
            {k: row[k] for k in ("code", "service", "name", "description")},
            result,
        )
    for order, row in enumerate(_read(REFERENCE_DIR / "poverty-causes.csv")):
        _upsert(PovertyCause, {"code": row["code"]}, {"name": row["name"], "order": order}, result)
    return result


# Which model permissions each role's group holds. App-wide entries cover every model of the
# app, so the programmes, targets and reports apps need no change here when they add models.
REFERENCE_MODELS = (
    "area",
    "agency",
    "povertystandard",
    "povertyindicator",
    "povertycause",
    "reviewround",
    "staffprofile",
)
OFFICER_MODELS = ("household", "member", "householdreview", "areapopulation")


def _perms(app_label: str, actions: tuple[str, ...], models: tuple[str, ...] | None = None):
    qs = Permission.objects.filter(content_type__app_label=app_label)
    if models is not None:
        qs = qs.filter(content_type__model__in=models)
    return [p for p in qs if p.codename.split("_", 1)[0] in actions]


def roles_ensure() -> None:
    everything = ("view", "add", "change", "delete")
    plan = {
        roles.AREA_OFFICER: _perms("households", ("view", "add", "change"), OFFICER_MODELS)
        + _perms("programs", ("view", "add", "change")),
        roles.PROVINCIAL_STAFF: _perms("households", ("view",))
        + _perms("households", everything, REFERENCE_MODELS)
        + _perms("programs", everything)
        + _perms("targets", everything)
        + _perms("reports", everything),
        roles.AGENCY_STAFF: _perms("targets", ("view", "add")) + _perms("programs", ("view",)),
        roles.ADMINISTRATOR: list(Permission.objects.all()),
    }
    for name, permissions in plan.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


@transaction.atomic
def reference_data_load() -> dict[str, LoadResult]:
    results = {
        "areas": areas_load(),
        "agencies": agencies_load(),
        "standards": standards_load(),
    }
    roles_ensure()
    return results


def all_reference_data_load() -> dict[str, object]:
    """This app's reference data, then every other app's (their `load_reference_data` hook)."""
    from django.apps import apps

    results: dict[str, object] = dict(reference_data_load())
    for config in apps.get_app_configs():
        loader = getattr(config, "load_reference_data", None)
        if loader is not None:
            results[config.label] = loader()
    return results
