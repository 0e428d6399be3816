"""The reference reorganisations: the 1 December 2024 step and the 1 July 2025 Vĩnh Long tree
(households/reference/README.md says where each file comes from)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _

from .models import Area, ReorganisationStep
from .organisation.services import ReorganisationRefused, StepInput, reorganisation_record
from .reference_data import REFERENCE_DIR, LoadResult, _read, _upsert

VINH_LONG_FILE = REFERENCE_DIR / "vinh-long-2025-units.csv"
MAPPING_FILE = REFERENCE_DIR / "ben-tre-2023-to-2025.csv"
VINH_LONG_CODE = "86"
VINH_LONG_FROM = date(2025, 7, 1)
MERGER_2024 = date(2024, 12, 1)
KIND_2025 = {"xã": Area.Kind.COMMUNE, "phường": Area.Kind.WARD}
PREFIX = {Area.Kind.COMMUNE: "Xã", Area.Kind.WARD: "Phường"}


def unit_key_2025(gso: str, taken: set[str]) -> str:
    """The key of a 2025 unit: its GSO code, or "<gso>-2025" when an older unit had it."""
    return f"{gso}-2025" if gso in taken else gso


def _codes_2023() -> set[str]:
    return {row["code"] for row in _read(REFERENCE_DIR / "ben-tre-administrative-units-2023.csv")}


def vinh_long_load(path: Path = VINH_LONG_FILE) -> LoadResult:
    result = LoadResult()
    province = _upsert(
        Area,
        {"code": VINH_LONG_CODE},
        {"name": "Tỉnh Vĩnh Long", "level": Area.Level.PROVINCE, "kind": Area.Kind.PROVINCE,
         "parent": None, "valid_from": VINH_LONG_FROM,
         "note": "Nghị quyết 202/2025/QH15: hợp nhất tỉnh Bến Tre, tỉnh Trà Vinh, tỉnh Vĩnh Long"},
        result,
    )  # fmt: skip
    taken = _codes_2023()
    for row in _read(path):
        kind = KIND_2025[row["type"]]
        _upsert(
            Area,
            {"code": unit_key_2025(row["code"], taken)},
            {"gso_code": row["code"], "name": f"{PREFIX[kind]} {row['name']}",
             "level": Area.Level.COMMUNE, "kind": kind, "parent": province,
             "valid_from": VINH_LONG_FROM, "note": row["former_units"]},
            result,
        )  # fmt: skip
    return result


def _mapping_steps() -> tuple[list[StepInput], list[StepInput]]:
    """(2024 steps, 2025 steps) from the mapping file; its row numbers (header = 1)."""
    taken = _codes_2023()
    rows = _read(MAPPING_FILE)
    absorbed = {r["old_code"]: r for r in rows if r["merged_2024_12_01_into"]}
    steps_2024, steps_2025 = [], []
    for number, row in enumerate(rows, start=2):
        certainty = row["certainty"] or ReorganisationStep.Certainty.SURE
        if row["old_code"] in absorbed:
            steps_2024.append(
                StepInput(number, row["old_code"], row["merged_2024_12_01_into"],
                          row["share"], certainty, row["old_name"])
            )  # fmt: skip
            continue
        steps_2025.append(
            StepInput(number, row["old_code"], unit_key_2025(row["new_code"], taken),
                      row["share"], certainty)
        )  # fmt: skip
    return steps_2024, steps_2025


class Results(dict):
    def __str__(self) -> str:
        return "; ".join(f"{key}: {value}" for key, value in self.items())


def reorganisations_load() -> dict[str, object]:
    steps_2024, steps_2025 = _mapping_steps()
    districts = Area.objects.filter(level=Area.Level.DISTRICT, parent__code="83")
    end = len(steps_2025) + len(steps_2024) + 2
    tree_steps = [StepInput(end, "83", VINH_LONG_CODE)] + [
        StepInput(end, d.code, VINH_LONG_CODE, note=_("Cấp huyện kết thúc hoạt động"))
        for d in districts
    ]
    first = reorganisation_record(
        code="NQ1237-2024-12-01",
        name="Sắp xếp đơn vị hành chính cấp xã tỉnh Bến Tre 2023-2025",
        legal_basis="Nghị quyết 1237/NQ-UBTVQH15 của Ủy ban Thường vụ Quốc hội",
        effective_date=MERGER_2024,
        steps=steps_2024,
        source="households/reference/ben-tre-2023-to-2025.csv",
    )
    second = reorganisation_record(
        code="NQ1687-2025-07-01",
        name="Tỉnh Vĩnh Long (mới), chính quyền địa phương hai cấp",
        legal_basis="Nghị quyết 202/2025/QH15; Nghị quyết 1687/NQ-UBTVQH15 ngày 16/6/2025",
        effective_date=VINH_LONG_FROM,
        steps=steps_2025 + tree_steps,
        source="households/reference/ben-tre-2023-to-2025.csv, vinh-long-2025-units.csv",
    )
    return Results({"2024-12-01": first, "2025-07-01": second})


def reorganisation_file_read(path: Path) -> list[StepInput]:
    """A reorganisation file: columns old_code, new_code, share (whole|part), certainty, note."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"old_code", "new_code"} - set(reader.fieldnames or ())
        if missing:
            raise ReorganisationRefused(
                [(1, _("Thiếu cột: %(cols)s.") % {"cols": ", ".join(sorted(missing))})]
            )
        return [
            StepInput(
                number,
                (row.get("old_code") or "").strip(),
                (row.get("new_code") or "").strip(),
                (row.get("share") or "whole").strip(),
                (row.get("certainty") or "sure").strip(),
                (row.get("note") or "").strip(),
            )
            for number, row in enumerate(reader, start=2)
        ]
