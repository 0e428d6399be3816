"""`{{ target.indicator_code|indicator_name }}`: a computed indicator's name, not its code."""

from __future__ import annotations

from django import template

from targets.selectors import indicator_name as indicator_name_of

register = template.Library()


@register.filter
def indicator_name(code: str) -> str:
    return indicator_name_of(code or "")
