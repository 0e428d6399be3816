from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


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


class DeferredWorkMiddleware:
    """When a write's background work could not be queued (broker down; households.outbox),
    the write stands and the user reads that the figures will follow, not an error.

    Listed after MessageMiddleware, so its message is stored with the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.contrib import messages
        from django.utils.translation import gettext as _

        from households import outbox

        outbox.deferred_reset()
        response = self.get_response(request)
        if outbox.was_deferred() and hasattr(request, "_messages"):
            messages.info(
                request,
                _(
                    "Đã lưu. Số liệu sẽ được cập nhật khi hệ thống xử lý nền hoạt động trở lại "
                    "(việc cần làm đã được ghi lại, không bị mất)."
                ),
            )
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response but static files: pages and files of this
    application carry personal data (names, citizen IDs, phones) that no browser or proxy
    cache may keep (issue 16)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.static = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(self.static):
            response["Cache-Control"] = "no-store, private"
            response.setdefault("Pragma", "no-cache")
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


class ChosenLanguageMiddleware(LocaleMiddleware):
    """The UI is Vietnamese unless the user chose English (the language buttons set Django's
    language cookie through /i18n/setlang/). The browser's Accept-Language is NOT followed: an
    officer on an English Chrome still gets the Vietnamese UI (issue 17, finding 8)."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # No i18n_patterns here, so nothing to redirect; the page depends on the cookie only.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
