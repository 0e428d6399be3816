from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy when settings define one (production)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class RequestIdMiddleware:
    """Gives every request an id: taken from nginx's X-Request-ID when well formed, else new.

    The id goes on every log line written while the request runs (config.logging's filter) and
    back to the browser in the X-Request-ID header, so a user's report ("mã yêu cầu ...") finds
    the log lines of that request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from config.logging import new_request_id, request_id_var

        # Not reset when the chain returns: Django logs the response ("Not Found: ...") after
        # the middleware; config.logging clears it when the request has finished.
        request_id_var.set(new_request_id(request.headers.get("X-Request-ID", "")))
        response = self.get_response(request)
        response["X-Request-ID"] = request_id_var.get()
        return response
