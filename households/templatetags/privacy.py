"""Citizen ID and phone numbers in full only for the officers of the household's area.

Everybody else (provincial staff included, as the issue asks) sees them masked by
`households.rules.mask_identifier`: "083190000111" -> "0**********1".

In templates:

    {% load privacy %}
    {% masked household.head_citizen_id household %}   {# full or masked, for request.user #}
    {% masked member.citizen_id member %}               {# a Member, Review or Area works too #}
    {% masked household.phone household as phone %}     {# into a variable #}
    {{ value|mask }}                                     {# always masked #}

In Python (exports, downloads): `identifier_for(user, household, value)`; the predicate is
`can_see_identifiers(user, household)`.
"""

from __future__ import annotations

from django import template

from households import roles
from households.models import Area
from households.rules import mask_identifier

register = template.Library()


def _officer_paths(user) -> tuple[str, ...]:
    """The area paths a user is officer of (cached on the user, one query per request)."""
    cached = getattr(user, "_officer_paths", None)
    if cached is None:
        cached = tuple(Area.objects.filter(officers__user=user).values_list("path", flat=True))
        user._officer_paths = cached
    return cached


def _area_path(obj) -> str:
    """The area path of a household, or of what belongs to one (member, review), or an area."""
    if obj is None:
        return ""
    if isinstance(obj, Area):
        return obj.path
    if getattr(obj, "area_path", ""):
        return obj.area_path
    household = getattr(obj, "household", None)
    return getattr(household, "area_path", "") if household is not None else ""


def can_see_identifiers(user, obj) -> bool:
    """True only for an area officer whose assigned areas contain `obj`'s area."""
    if user is None or not user.is_authenticated or not roles.is_area_officer(user):
        return False
    path = _area_path(obj)
    return bool(path) and any(path.startswith(p) for p in _officer_paths(user))


def identifier_for(user, obj, value) -> str:
    """The value in full for the officers of obj's area, masked for everybody else."""
    value = "" if value is None else str(value)
    if not value:
        return ""
    return value if can_see_identifiers(user, obj) else mask_identifier(value)


@register.simple_tag(takes_context=True)
def masked(context, value, obj) -> str:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return identifier_for(user, obj, value)


@register.filter
def mask(value) -> str:
    return mask_identifier("" if value is None else str(value))
