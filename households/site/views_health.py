"""The health page of the background (system-health) and the page of a database outage."""

from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET

from households import health
from households.organisation import roles

OUTAGE_RETRY_SECONDS = 30


@login_required
@require_GET
def system_health(request: HttpRequest) -> HttpResponse:
    """Broker, worker and beat (last heartbeat), pending outbox, failed jobs: for provincial
    staff and administrators."""
    if not roles.is_provincial(request.user):
        raise Http404
    return render(request, "households/health.html", health.system_health())


def _database_down(exc: BaseException | None) -> bool:
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    # psycopg's own errors, raised before Django wraps them (connect at request start)
    return isinstance(exc, DatabaseError) and "connect" in str(exc).lower()


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database that cannot be reached answers 503 with a message (and the next
    request reconnects: CONN_HEALTH_CHECKS); anything else the plain 500 page. Neither page
    touches the database (no user, no navigation)."""
    exc = sys.exc_info()[1]
    if _database_down(exc):
        body = loader.render_to_string("503.html", {"retry": OUTAGE_RETRY_SECONDS})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(OUTAGE_RETRY_SECONDS)
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
