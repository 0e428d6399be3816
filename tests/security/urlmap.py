"""Every URL pattern of the project, enumerated from the resolver.

A page added later is picked up automatically by the permission matrix and the CSRF checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver

# Not part of the matrix: Django's admin (its own permission system, staff only), the language
# switch, static files, and the public pages (login, logout, forgotten password, health check).
SKIPPED_NAMESPACES = frozenset({"admin"})
SKIPPED_PREFIXES = ("i18n/", "static/", "media/", "__debug__/")
PUBLIC_NAMES = frozenset(
    {
        "login",
        "logout",
        "healthz",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
    }
)


@dataclass(frozen=True)
class ProjectUrl:
    name: str  # namespaced, e.g. "households:detail"; "" when the pattern has no name
    route: str  # the pattern as written, for messages
    kwargs: tuple[str, ...]  # the keyword arguments the URL needs, in order
    namespaces: tuple[str, ...]

    def __str__(self) -> str:
        return self.name or self.route


def _walk(resolver: URLResolver, prefix: str, namespaces: tuple[str, ...], kwargs: tuple):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        own = tuple(k for k in entry.pattern.regex.groupindex if k not in kwargs)
        if isinstance(entry, URLResolver):
            ns = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry, route, ns, kwargs + own)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else ""
            yield ProjectUrl(name=name, route=route, kwargs=kwargs + own, namespaces=namespaces)


@cache
def all_urls() -> tuple[ProjectUrl, ...]:
    """Every pattern of ROOT_URLCONF, admin included."""
    return tuple(_walk(get_resolver(), "", (), ()))


def is_skipped(url: ProjectUrl) -> bool:
    if SKIPPED_NAMESPACES.intersection(url.namespaces):
        return True
    if url.route.startswith(SKIPPED_PREFIXES):
        return True
    return url.name in PUBLIC_NAMES


def matrix_urls() -> list[ProjectUrl]:
    """The URLs every role is tried against (the project's own pages)."""
    seen, result = set(), []
    for url in all_urls():
        key = url.name or url.route
        if is_skipped(url) or key in seen:
            continue
        seen.add(key)
        result.append(url)
    return result
