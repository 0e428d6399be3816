"""Citizen ID and phone numbers in full only for the officers of the household's area.

Everybody else (provincial staff included, as the issue asks) sees them masked by
`households.rules.mask_identifier`: "083190000111" -> "0**********1".

In templates:

    {% load privacy %}
    {% masked household.head_citizen_id household %}   {# full or masked, for request.user #}
    {% masked member.citizen_id member %}               {# a Member, Review or Area works too #}
    {% masked household.phone household as phone %}     {# into a variable #}
    {{ value|mask }}                                     {# always masked #}

In Python: `households.organisation.selectors.identifier_for(user, household, value)` (or
`identifier_masker(user)` for many rows); who sees them in full is
`households.organisation.roles.can_enter_for(user, household)` (the one place it is decided).
"""

from __future__ import annotations

from django import template

from households.organisation.selectors import identifier_for
from households.rules import mask_identifier

register = template.Library()


@register.simple_tag(takes_context=True)
def masked(context, value, obj) -> str:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return identifier_for(user, obj, value)


@register.filter
def mask(value) -> str:
    return mask_identifier("" if value is None else str(value))
