import logging
import re

# A 12-digit citizen ID or a Vietnamese phone number never reaches a log line.
_CITIZEN_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")
_PHONE = re.compile(r"(?<!\d)(?:\+84|0)\d{9,10}(?!\d)")


def mask_personal(text: str) -> str:
    text = _CITIZEN_ID.sub("[CCCD]", text)
    return _PHONE.sub("[SĐT]", text)


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
