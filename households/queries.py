"""The SQL siblings of households.rules: where a rule must run inside a query, its Q builder
lives here, next to nothing else, and names the rule it mirrors. A test compares each pair on
the same data (tests/households/test_queries.py, tests/programs/test_coverage_twins.py)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from . import rules


def _f(prefix: str, name: str) -> str:
    return f"{prefix}{name}"


def valid_health_card_q(on: date, prefix: str = "") -> Q:
    """rules.card_valid_on over Member.has_health_insurance / health_insurance_expiry."""
    return Q(**{_f(prefix, "has_health_insurance"): True}) & (
        Q(**{_f(prefix, "health_insurance_expiry__isnull"): True})
        | Q(**{_f(prefix, "health_insurance_expiry__gte"): on})
    )


def living_on_q(on: date, prefix: str = "") -> Q:
    """rules.lives_there_on over Member.joined_on / left_on."""
    return (
        Q(**{_f(prefix, "joined_on__isnull"): True}) | Q(**{_f(prefix, "joined_on__lte"): on})
    ) & (Q(**{_f(prefix, "left_on__isnull"): True}) | Q(**{_f(prefix, "left_on__gt"): on}))


def aged_at_least_q(age: int, on: date, prefix: str = "") -> Q:
    """rules.age_on(date_of_birth, on) >= age."""
    return Q(**{_f(prefix, "date_of_birth__lte"): rules.latest_birth_date_for_age(age, on)})
