"""Panels higher apps add to the household detail page, found through the app registry.

An app's AppConfig may define `household_panels(request, household)` returning a list of
dict(template=..., context=...); households never imports the higher app.
"""

from __future__ import annotations

import logging

from django.apps import apps

logger = logging.getLogger(__name__)


def household_panels(request, household) -> list[dict]:
    panels: list[dict] = []
    for config in apps.get_app_configs():
        provider = getattr(config, "household_panels", None)
        if provider is None:
            continue
        panels.extend(
            {"template": panel["template"], "context": panel.get("context", {})}
            for panel in provider(request, household) or ()
            if panel and panel.get("template")
        )
    return panels
