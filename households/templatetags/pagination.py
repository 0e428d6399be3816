"""The page links of templates/includes/pagination.html (every paginated list uses it)."""

from django import template
from django.core.paginator import Page

register = template.Library()


@register.filter
def page_links(page: Page) -> list:
    """1 … 4 5 [6] 7 8 … 20: the first and last pages, two each side of the current one."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
