"""CSRF on every form: each POST form carries the token, and a POST without it is refused."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from .bodies import response_text
from .conftest import ROLES
from .url_params import MissingParameter, kwargs_for
from .urlmap import matrix_urls

pytestmark = pytest.mark.django_db

PUBLIC_FORMS = ("login", "logout", "set_language")


class PostForms(HTMLParser):
    """Collects, for each <form method="post">, whether it holds a csrfmiddlewaretoken."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._open = {"action": attrs.get("action", ""), "token": False}
            self.forms.append(self._open)
        elif (
            tag == "input"
            and self._open is not None
            and attrs.get("name") == "csrfmiddlewaretoken"
            and attrs.get("value")
        ):
            self._open["token"] = True

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def post_forms(html: str) -> list[dict]:
    parser = PostForms()
    parser.feed(html)
    return parser.forms


def concrete_paths(world):
    for url in matrix_urls():
        if not url.name:
            continue
        try:
            kwargs, _ = kwargs_for(url, world)
        except MissingParameter:
            continue  # reported by test_permission_matrix
        yield url.name, reverse(url.name, kwargs=kwargs or None)


def test_every_post_form_carries_the_csrf_token(users, world):
    missing, pages_with_forms = [], 0
    for role in ROLES[1:]:
        client = Client()
        client.force_login(users[role])
        for name, path in concrete_paths(world):
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            forms = post_forms(response_text(response))
            pages_with_forms += bool(forms)
            missing += [
                f"{name} as {role}: form action={f['action']!r}" for f in forms if not f["token"]
            ]
    anonymous_login = post_forms(Client().get(reverse("login")).content.decode())
    missing += [f"login: form action={f['action']!r}" for f in anonymous_login if not f["token"]]
    assert pages_with_forms > 0
    assert not missing, "POST forms without csrfmiddlewaretoken:\n" + "\n".join(missing)


def test_a_post_without_the_token_is_refused_everywhere(users, world):
    accepted = []
    paths = [*concrete_paths(world), *((n, reverse(n)) for n in PUBLIC_FORMS)]
    for role in ("anonymous", "alice", "pat"):
        client = Client(enforce_csrf_checks=True)
        if users[role] is not None:
            client.force_login(users[role])
        for name, path in paths:
            status = client.post(path, {"q": "x"}).status_code
            if status != 403:
                accepted.append(f"{name} as {role}: {status}")
    assert not accepted, "POST without CSRF token not refused (csrf_exempt?):\n" + "\n".join(
        accepted
    )


def test_the_login_form_refuses_a_post_without_the_token(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
