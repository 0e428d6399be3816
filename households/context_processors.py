"""The province and the lead department shown in every page's header (from data)."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def organisation(request: HttpRequest) -> dict:
    from .organisation.selectors import organisation_header

    return {"organisation": SimpleLazyObject(organisation_header)}
