"""Loading the reference data (areas, agencies, the poverty standard, roles) idempotently.

Every loader matches rows on their code and updates them in place, so running it twice
changes nothing and an administrator's later corrections to other fields are only
overwritten where the file says otherwise.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from households.organisation import roles
from households.organisation.rules import committee_name, committee_short_name

from .models import (
    Agency,
    Area,
    AreaKindChange,
    EthnicGroup,
    PovertyCause,
    PovertyIndicator,
    PovertyStandard,
)

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
AREAS_FILE = REFERENCE_DIR / "ben-tre-administrative-units-2023.csv"
# The 2023 file is a picture of the tree on 10 April 2023: when each unit began is not in it,
# so the units are open at the start (valid_from None) and valid on any earlier review date.
AREAS_VALID_FROM = None

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


_LOOK_UP = object()


def _upsert(model, lookup: dict, values: dict, result: LoadResult, stored=_LOOK_UP):
    """Create or update one row; `stored` is the row as already read (None: not there)."""
    obj = model.objects.filter(**lookup).first() if stored is _LOOK_UP else stored
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
    # Every stored area in one query (a row at a time would be three queries per area, and the
    # test suite reloads this table before each browser test).
    stored = {a.code: a for a in Area.objects.select_related("parent")}
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
            "valid_from": AREAS_VALID_FROM,
        }
        area = stored.get(row["code"])
        if area is None:
            values["valid_from"] = AREAS_VALID_FROM
        by_code[row["code"]] = stored[row["code"]] = _upsert(
            Area, {"code": row["code"]}, values, result, area
        )
        if change:
            _upsert(
                AreaKindChange,
                {"area": by_code[row["code"]],
                 "effective_date": date.fromisoformat(change["kind_changed_on"])},
                {"from_kind": change["former_kind"], "to_kind": values["kind"],
                 "note": change["note"][:300]},
                result,
            )  # fmt: skip
    return result


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def agencies_load() -> LoadResult:
    result = LoadResult()
    rows = _read(REFERENCE_DIR / "agencies.csv")
    by_code = {}
    for row in rows:
        by_code[row["code"]] = _upsert(
            Agency,
            {"code": row["code"]},
            {
                "name": row["name"],
                "short_name": row["short_name"],
                "kind": Agency.Kind.DEPARTMENT,
                "is_lead": row["is_lead"] == "1",
                "email": row["email"],
                "valid_from": _date(row["valid_from"]),
                "valid_to": _date(row["valid_to"]),
                "source": row["source"][:300],
            },
            result,
        )
    for row in rows:
        if row["successor"]:
            _upsert(Agency, {"code": row["code"]}, {"successor": by_code[row["successor"]]}, result)
    # Each district-level unit's People's Committee is an agency for the tasks it is given;
    # from 1 July 2025 the commune People's Committees take the district steps (Decree
    # 131/2025/NĐ-CP) and their tasks.
    for district in Area.objects.filter(level=Area.Level.DISTRICT):
        _upsert(
            Agency,
            {"code": f"UBND-{district.code}"},
            {
                "name": committee_name(district.name),
                "short_name": committee_short_name(district.name),
                "kind": Agency.Kind.DISTRICT_COMMITTEE,
                "area": district,
                "valid_to": district.valid_to,
            },
            result,
        )
    communes = Area.objects.filter(level=Area.Level.COMMUNE, valid_from__isnull=False)
    for commune in communes:
        _upsert(
            Agency,
            {"code": f"UBND-{commune.code}"},
            {
                "name": committee_name(commune.name),
                "short_name": committee_short_name(commune.name),
                "kind": Agency.Kind.COMMUNE_COMMITTEE,
                "area": commune,
                "valid_from": commune.valid_from,
                "valid_to": commune.valid_to,
            },
            result,
        )
    return result


def _int_or_none(value: str) -> int | None:
    return int(value) if value.strip() else None


STANDARD_INTEGERS = (
    "year_from",
    "year_to",
    "rural_poverty_line",
    "urban_poverty_line",
    "poor_min_deprivations",
)
STANDARD_OPTIONAL_INTEGERS = (
    "rural_average_line",
    "urban_average_line",
    "low_income_year_from",
    "low_income_year_to",
    "low_income_rural_line",
    "low_income_urban_line",
)


def ethnic_groups_load() -> LoadResult:
    """The 54 ethnic groups (households/reference/ethnic-groups.csv, source in its README)."""
    result = LoadResult()
    for row in _read(REFERENCE_DIR / "ethnic-groups.csv"):
        _upsert(
            EthnicGroup,
            {"code": row["code"]},
            {
                "name": row["name"],
                "other_names": row["other_names"],
                "is_minority": row["is_minority"] == "1",
            },
            result,
        )
    return result


def standards_load() -> LoadResult:
    """The national standards and their indicator sets (sources in the files' `source`)."""
    result = LoadResult()
    standards = {}
    for row in _read(REFERENCE_DIR / "poverty-standards.csv"):
        values = {k: row[k] for k in ("name", "legal_basis", "scope", "provisional_note", "source")}
        values.update({k: int(row[k]) for k in STANDARD_INTEGERS})
        values.update({k: _int_or_none(row[k]) for k in STANDARD_OPTIONAL_INTEGERS})
        values["has_average_band"] = row["has_average_band"] == "1"
        values["low_income_provisional"] = row["low_income_provisional"] == "1"
        values["low_income_params"] = json.loads(row["low_income_params"] or "{}")
        standards[row["code"]] = _upsert(PovertyStandard, {"code": row["code"]}, values, result)
    for row in _read(REFERENCE_DIR / "poverty-indicators.csv"):
        _upsert(
            PovertyIndicator,
            {"standard": standards[row["standard"]], "number": int(row["number"])},
            {
                **{k: row[k] for k in ("code", "service", "name", "description", "rule", "source")},
                "column": int(row["column"]),
                "params": json.loads(row["params"] or "{}"),
                "provisional": row["provisional"] == "1",
            },
            result,
        )
    for order, row in enumerate(_read(REFERENCE_DIR / "poverty-causes.csv")):
        _upsert(PovertyCause, {"code": row["code"]}, {"name": row["name"], "order": order}, result)
    return result


# Which model permissions each role's group holds. App-wide entries cover every model of the
# app, so the programmes, targets and reports apps need no change here when they add models.
REFERENCE_MODELS = (
    "area",
    "areakindchange",
    "reorganisation",
    "reorganisationstep",
    "agency",
    "povertystandard",
    "povertyindicator",
    "povertycause",
    "ethnicgroup",
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
    from .reorganisation_data import reorganisations_load, vinh_long_load

    results = {
        "areas": areas_load(),
        "areas_2025": vinh_long_load(),
        "reorganisations": reorganisations_load(),
        "agencies": agencies_load(),
        "standards": standards_load(),
        "ethnic_groups": ethnic_groups_load(),
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
