"""Rules of the area tree over time, as pure functions (no ORM).

A unit is valid from `valid_from` to `valid_to` (both inclusive, None = open). A reorganisation
(Resolution 1237/NQ-UBTVQH15 from 1 December 2024, Resolution 1687/NQ-UBTVQH15 and 202/2025/QH15
from 1 July 2025) is a list of steps "old unit -> new unit", whole or part; a unit's type
(urban/rural) is dated too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

URBAN_KINDS = frozenset({"phuong", "thi_tran", "khu_pho"})
WHOLE = "whole"
PART = "part"


def tree_date_for_year(year: int) -> date:
    """The date whose tree a year's review and report use: the review's reference date,
    1 September (domain §2), so the 2024 tables keep the units merged on 1 December 2024."""
    return date(year, 9, 1)


def is_valid_on(valid_from: date | None, valid_to: date | None, on: date) -> bool:
    return (valid_from is None or valid_from <= on) and (valid_to is None or on <= valid_to)


def day_before(on: date) -> date:
    return on - timedelta(days=1)


def kind_on(kind: str, changes: Iterable[tuple[date, str, str]], on: date) -> str:
    """The type in force on `on`: the latest change on or before it, else the type before the
    first change, else `kind`. `changes`: (effective date, from kind, to kind)."""
    ordered = sorted(changes)
    if not ordered:
        return kind
    in_force = ordered[0][1]
    for effective, _from, to in ordered:
        if effective <= on:
            in_force = to
    return in_force


def is_urban_kind(kind: str) -> bool:
    """Urban (thành thị) = phường, thị trấn (and khu phố); rural (nông thôn) = xã."""
    return kind in URBAN_KINDS


@dataclass(frozen=True)
class Unit:
    code: str
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class StepRow:
    row: int  # the line of the file (header = 1)
    old_code: str
    new_code: str
    share: str = WHOLE


def reorganisation_errors(
    steps: Sequence[StepRow],
    *,
    units: Mapping[str, Unit],
    effective_date: date,
    existing: Mapping[str, Iterable[str]] | None = None,
) -> list[tuple[int, str]]:
    """Every reason to refuse a reorganisation, as (row, reason); empty when it can be applied.

    Refused: an unknown code, a share other than whole/part, a unit mapped to itself, a unit
    mapped twice as "whole" (or whole and part), a step dated before the old unit existed or
    after it closed, a new unit not valid from the date, and a cycle through the steps already
    recorded (`existing`: old code -> new codes of earlier reorganisations).
    """
    errors: list[tuple[int, str]] = []
    whole_seen: dict[str, int] = {}
    part_seen: dict[str, int] = {}
    edges: dict[str, set[str]] = {k: set(v) for k, v in (existing or {}).items()}
    for step in steps:
        bad = False
        for code, label in ((step.old_code, _("đơn vị cũ")), (step.new_code, _("đơn vị mới"))):
            if code not in units:
                errors.append(
                    (step.row, _("Mã %(label)s “%(code)s” không có trong danh mục.")
                     % {"label": label, "code": code})
                )  # fmt: skip
                bad = True
        if step.share not in (WHOLE, PART):
            errors.append(
                (step.row, _("Phạm vi “%(share)s” không hợp lệ (whole hoặc part).")
                 % {"share": step.share})
            )  # fmt: skip
            bad = True
        if bad:
            continue
        if step.old_code == step.new_code:
            errors.append((step.row, _("Đơn vị “%(code)s” không thể sáp nhập vào chính nó.")
                           % {"code": step.old_code}))  # fmt: skip
            continue
        seen = whole_seen if step.share == WHOLE else part_seen
        other = part_seen if step.share == WHOLE else whole_seen
        if step.old_code in whole_seen or (step.share == WHOLE and step.old_code in other):
            first = whole_seen.get(step.old_code) or other.get(step.old_code)
            errors.append(
                (step.row, _("Đơn vị “%(code)s” đã được chuyển toàn bộ ở dòng %(first)s.")
                 % {"code": step.old_code, "first": first})
            )  # fmt: skip
            continue
        seen.setdefault(step.old_code, step.row)
        old, new = units[step.old_code], units[step.new_code]
        if old.valid_from is not None and effective_date <= old.valid_from:
            errors.append(
                (step.row, _("Ngày hiệu lực %(date)s trước khi đơn vị “%(code)s” được thành lập "
                             "(%(start)s).")
                 % {"date": f"{effective_date:%d/%m/%Y}", "code": step.old_code,
                    "start": f"{old.valid_from:%d/%m/%Y}"})
            )  # fmt: skip
            continue
        if old.valid_to is not None and old.valid_to < day_before(effective_date):
            errors.append(
                (step.row, _("Đơn vị “%(code)s” đã giải thể từ %(end)s, trước ngày hiệu lực.")
                 % {"code": step.old_code, "end": f"{old.valid_to:%d/%m/%Y}"})
            )  # fmt: skip
            continue
        if not is_valid_on(new.valid_from, new.valid_to, effective_date):
            errors.append(
                (step.row, _("Đơn vị mới “%(code)s” không có hiệu lực vào ngày %(date)s.")
                 % {"code": step.new_code, "date": f"{effective_date:%d/%m/%Y}"})
            )  # fmt: skip
            continue
        if _reaches(edges, step.new_code, step.old_code):
            errors.append(
                (step.row, _("Vòng lặp: “%(new)s” đã là đơn vị cũ của “%(old)s”.")
                 % {"new": step.new_code, "old": step.old_code})
            )  # fmt: skip
            continue
        edges.setdefault(step.old_code, set()).add(step.new_code)
    return errors


def _reaches(edges: Mapping[str, set[str]], start: str, goal: str) -> bool:
    stack, seen = [start], set()
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        if node in seen:
            continue
        seen.add(node)
        stack.extend(edges.get(node, ()))
    return False


def final_successors(
    edges: Mapping[int, Sequence[tuple[int, str, date]]], *, on: date
) -> dict[int, int]:
    """{old unit: the unit its households belong to on `on`} for every unit closed by then.

    `edges`: old unit -> [(new unit, share, effective date)]. Households follow a chain of
    whole steps (An Khánh -> Thị trấn Châu Thành in 2024 -> Phú Túc in 2025); a unit split in
    parts has no single successor, so its households are left for an officer to assign (the
    check command lists them).
    """
    direct: dict[int, int] = {}
    for old, targets in edges.items():
        due = [(new, share) for new, share, effective in targets if effective <= on]
        if len(due) == 1 and due[0][1] == WHOLE:
            direct[old] = due[0][0]
    result: dict[int, int] = {}
    for old in direct:
        node, seen = old, {old}
        while node in direct and direct[node] not in seen:
            node = direct[node]
            seen.add(node)
        result[old] = node
    return result


def predecessors_closure(edges: Mapping[int, Iterable[int]], unit: int) -> set[int]:
    """Every unit that went (directly or through others) into `unit`; `edges`: old -> news."""
    reverse: dict[int, set[int]] = {}
    for old, news in edges.items():
        for new in news:
            reverse.setdefault(new, set()).add(old)
    found: set[int] = set()
    stack = [unit]
    while stack:
        for old in reverse.get(stack.pop(), ()):
            if old not in found and old != unit:
                found.add(old)
                stack.append(old)
    return found


def person_name(*, family: str, given: str, username: str = "") -> str:
    """A person's name the Vietnamese way, family name first: "Trần Thị" + "Tỉnh" ->
    "Trần Thị Tỉnh" (Django's `get_full_name()` puts the given name first).

    Convention of this product (households/organisation/demo.py, the admin's user form): a
    user's `last_name` holds the family and middle names ("họ và tên đệm"), `first_name` the
    given name ("tên"). Without either, the username."""
    name = " ".join(part for part in (family.strip(), given.strip()) if part)
    return name or username


# Unit types at the front of an official unit name, longest first ("Thành phố" before "Thị").
UNIT_TYPE_WORDS = ("Thành phố", "Thị trấn", "Thị xã", "Huyện", "Quận", "Phường", "Tỉnh", "Xã")


def unit_name_in_text(name: str) -> str:
    """A unit's name inside a longer name or a sentence: the unit type in lower case, as legal
    texts write it ("Ủy ban nhân dân huyện Ba Tri"); the name itself is left alone."""
    for word in UNIT_TYPE_WORDS:
        if name.startswith(word + " "):
            return word.lower() + name[len(word) :]
    return name


def committee_name(unit_name: str) -> str:
    """The People's Committee of a unit: "Huyện Ba Tri" -> "Ủy ban nhân dân huyện Ba Tri"."""
    return f"Ủy ban nhân dân {unit_name_in_text(unit_name)}"


def committee_short_name(unit_name: str) -> str:
    """Its short form, the same words abbreviated: "UBND huyện Ba Tri", "UBND xã An Đức"."""
    return f"UBND {unit_name_in_text(unit_name)}"
