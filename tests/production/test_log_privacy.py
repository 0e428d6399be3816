"""No personal data in the logs, and every line carries the request id (issue 20)."""

import logging

import pytest
from django.conf import settings
from django.test import override_settings


def _tail() -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return settings.TEST_LOG_FILE.read_text(encoding="utf-8")


def test_a_citizen_id_and_a_phone_logged_by_the_app_are_masked_in_the_file():
    logging.getLogger("households.services").warning(
        "import refused for %s, head 083089000123, phone 0912345678", "BT-0001"
    )
    text = _tail()
    assert "import refused for BT-0001, head [CCCD], phone [SĐT]" in text
    assert "083089000123" not in text
    assert "0912345678" not in text


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_request_lines_carry_the_request_id(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader"))
    response = client.get("/ho-gia-dinh/khong-co/083089000123/", HTTP_X_REQUEST_ID="req-abcdef12")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-abcdef12"
    assert "Not Found: /ho-gia-dinh/khong-co/[CCCD]/" in _tail().splitlines()[-1]
    assert "[req-abcdef12]" in _tail().splitlines()[-1]
    bogus = client.get("/accounts/login/", HTTP_X_REQUEST_ID="bad id with spaces\nand newline")
    assert bogus["X-Request-ID"] != "bad id with spaces\nand newline"
    assert len(bogus["X-Request-ID"]) == 32
