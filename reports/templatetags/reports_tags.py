from django import template
from django.utils.formats import number_format

register = template.Library()

DECIMALS = {"int": 0, "pct": 2, "pts": 2}


@register.filter
def cell(value, kind: str = "text") -> str:
    """A table cell: numbers in Vietnamese format (1.234; 2,63), '–' when missing."""
    if value is None or value == "":
        return "–"
    if kind not in DECIMALS:
        return value
    text = number_format(value, DECIMALS[kind], use_l10n=True, force_grouping=True)
    if kind == "pts" and value > 0:
        return f"+{text}"
    return text
