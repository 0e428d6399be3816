"""People's names in templates, family name first ("Trần Thị Tỉnh").

A builtin (config/settings/base.py, TEMPLATES "builtins"): `{{ user|person_name }}` in any
template, no `{% load %}` needed. Never `user.get_full_name`, which puts the given name first.
"""

from __future__ import annotations

from django import template

from households.organisation.selectors import user_display_name

register = template.Library()


@register.filter
def person_name(user: object) -> str:
    return user_display_name(user)
