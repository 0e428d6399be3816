"""Review wording that follows who approves (households.organisation.rules.approval_wording).

{% load approval %}
{% approval_words review as words %}        {# by the review's round #}
{% approval_words_for_year year as words %}  {# by the tree of the year #}
{{ words.submit }}  {% status_label words h.review_status %}
"""

from __future__ import annotations

from django import template

from households.organisation import rules as area_rules
from households.organisation.selectors import (
    approval_wording_for_review,
    approval_wording_for_year,
)

register = template.Library()


@register.simple_tag
def approval_words(review) -> area_rules.ApprovalWording:
    return approval_wording_for_review(review)


@register.simple_tag
def approval_words_for_year(year) -> area_rules.ApprovalWording:
    """No year (nothing reviewed yet): the wording of the tree in force today."""
    return approval_wording_for_year(int(year) if year else None)


@register.simple_tag
def status_label(words, status) -> str:
    return area_rules.status_label(words, status or "")
