import contextvars
import logging
import re
import uuid

from django.core.signals import request_finished

# A 12-digit citizen ID or a Vietnamese phone number never reaches a log line: not in the
# message, not in its arguments, not in an exception's traceback.
_CITIZEN_ID = re.compile(r"(?<![0-9A-Za-z-])\d{12}(?![0-9A-Za-z-])")
_PHONE = re.compile(r"(?<![0-9A-Za-z-])(?:\+84|0)\d{9,10}(?![0-9A-Za-z-])")


def mask_personal(text: str) -> str:
    text = _CITIZEN_ID.sub("[CCCD]", text)
    return _PHONE.sub("[SĐT]", text)


class MaskPersonalDataFilter(logging.Filter):
    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when set: the masked traceback is what gets written.
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal(record.stack_info)
        return True


# --- request ids ---------------------------------------------------------------------------------
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def new_request_id(incoming: str = "") -> str:
    """The proxy's id when it is a plain token (never trust arbitrary text into logs), else new."""
    return incoming if _REQUEST_ID.match(incoming or "") else uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the current request's id (or "-" outside a request) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def _request_finished(**_: object) -> None:
    request_id_var.set("-")


request_finished.connect(_request_finished, dispatch_uid="config.logging.request_id_reset")
