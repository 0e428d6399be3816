"""Collects the statuses the permission matrix saw, prints the size, writes the table."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

RESULTS: dict[str, dict[str, str]] = {}  # url name -> role -> status seen
ROLE_ORDER: list[str] = []


def record(url_name: str, role: str, status: str) -> None:
    RESULTS.setdefault(url_name, {})[role] = status
    if role not in ROLE_ORDER:
        ROLE_ORDER.append(role)


def merge(results: dict[str, dict[str, str]], roles: list[str]) -> None:
    """Add what another process saw (a pytest-xdist worker's share of the matrix)."""
    for name, statuses in results.items():
        for role in roles:
            if role in statuses:
                record(name, role, statuses[role])


def summary_lines() -> list[str]:
    if not RESULTS:
        return []
    urls, roles = len(RESULTS), len(ROLE_ORDER)
    path = Path(settings.BASE_DIR) / "test-output" / "permission-matrix.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = ["| URL | " + " | ".join(ROLE_ORDER) + " |", "|---" * (roles + 1) + "|"]
    rows += [
        f"| {name} | " + " | ".join(RESULTS[name].get(r, "") for r in ROLE_ORDER) + " |"
        for name in sorted(RESULTS)
    ]
    path.write_text(
        f"# Permission matrix: {urls} URLs x {roles} roles = {urls * roles} requests\n\n"
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )
    return [
        f"{urls} URLs x {roles} roles = {urls * roles} requests "
        f"(table: {path.relative_to(settings.BASE_DIR)})"
    ]
