"""Every URL of the project x every role: the expected status, and no data of another area.

URLs are enumerated from the resolver (tests/security/urlmap.py), so a page added later is in
the matrix without anyone touching this file; if it needs a URL argument the registry does not
know, `test_every_url_argument_has_a_value` fails naming it (tests/security/url_params.py).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from . import matrix_report
from .bodies import response_text
from .conftest import ROLES
from .url_params import MissingParameter, kwargs_for
from .urlmap import matrix_urls
from .world import IDS_VISIBLE, NAMES_VISIBLE, SAMPLES

pytestmark = pytest.mark.django_db

# 400: an empty POST to a POST-only view (see request_as) is refused as invalid input.
ALLOWED = frozenset({200, 302, 400, 403, 404, 405})
OUTSIDERS = frozenset({403, 404})
LOGGED_IN = tuple(r for r in ROLES if r != "anonymous")

# The statuses we promise, by URL name and role (an int or a set of ints). Anything not listed
# follows the DEFAULT rule (see `expected`). Add a row when a page's access rule is decided.
EXPECTED: dict[str, dict[str, int | frozenset[int]]] = {
    "home": dict.fromkeys(LOGGED_IN, 200),
    "password_change": dict.fromkeys(LOGGED_IN, 200),
    # No snapshot is built in the world: a table of an in-scope area is then "not found".
    "reports:table-xlsx": {"bob": {200, 404}, "alice": {200, 404}},
    "households:list": {"alice": 200, "bob": 200, "charlie": 200, "pat": 200},
    "households:review-queue": {"bob": 200, "charlie": 200, "pat": 200},
    # The forecast is for provincial staff; a job is its owner's (pat's, still queued: its
    # workbook does not exist yet).
    "reports:forecast": {**dict.fromkeys(LOGGED_IN, 404), "pat": 200},
    "reports:forecast-job": {**dict.fromkeys(LOGGED_IN, 404), "pat": 200},
    "reports:forecast-download": dict.fromkeys(LOGGED_IN, 404),
}


def expected(url_name: str, role: str, *, area_bound: bool) -> frozenset[int]:
    """DEFAULT rule: anonymous -> 302 to login (405 for a POST-only view); the officer of another
    district -> 403/404 on a Ba Tri object; the district officer of Ba Tri never 404s on one;
    everybody else -> any of ALLOWED, never 500."""
    listed = EXPECTED.get(url_name, {}).get(role)
    if listed is not None:
        return frozenset({listed} if isinstance(listed, int) else listed)
    if role == "anonymous":
        return frozenset({302, 405})
    if area_bound and role == "charlie":
        return OUTSIDERS
    if area_bound and role == "bob":
        return ALLOWED - {404}
    return ALLOWED


def leaks(role: str, body: str) -> list[str]:
    """The personal data of households outside the role's area found in a body."""
    found = []
    for key, sample in SAMPLES.items():
        values = {} if key in NAMES_VISIBLE[role] else dict(sample.names())
        if key not in IDS_VISIBLE[role]:
            values |= sample.secrets()
        found += [
            f"{label} of household {key} ({value})"
            for label, value in values.items()
            if value in body
        ]
    return found


def request_as(client: Client, path: str) -> tuple[int, str, str]:
    """(status, location, body); an exception is a 500 with its message.

    A POST-only view answers GET with 405 before any access check, so it is POSTed (empty form)
    too: the status that counts is the POST's, which must be the outsider's 403/404."""
    try:
        response = client.get(path)
        if response.status_code == 405:
            response = client.post(path, {})
    except Exception as exc:  # a crash is a finding, reported with the URL
        return 500, "", f"{type(exc).__name__}: {exc}"
    return response.status_code, response.get("Location", ""), response_text(response)


def clients_for(users) -> dict[str, Client]:
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        if user is not None:
            clients[role].force_login(user)
    return clients


MATRIX = matrix_urls()


def test_every_url_argument_has_a_value():
    missing = []
    for url in MATRIX:
        try:
            kwargs_for(url)
        except MissingParameter as exc:
            missing.append(str(exc))
    assert not missing, "\n".join(missing)


def test_every_url_is_named():
    unnamed = [url.route for url in MATRIX if not url.name]
    assert not unnamed, f"give these URL patterns a name (app:entity-action): {unnamed}"


@pytest.mark.parametrize("url", [u for u in MATRIX if u.name], ids=str)
def test_permission_matrix(url, users, world):
    try:
        kwargs, area_bound = kwargs_for(url, world)
    except MissingParameter as exc:
        pytest.fail(str(exc))
    path = reverse(url.name, kwargs=kwargs or None)
    login_url = reverse("login")
    problems = []
    for role, client in clients_for(users).items():
        status, location, body = request_as(client, path)
        matrix_report.record(url.name, role, str(status))
        allowed = expected(url.name, role, area_bound=area_bound)
        if status not in allowed:
            problems.append(f"{role}: got {status}, expected one of {sorted(allowed)}")
            if status == 500:
                problems.append(f"    {body[:300]}")
        if role == "anonymous" and status == 302 and not location.startswith(login_url):
            problems.append(f"anonymous: redirected to {location}, not to the login page")
        problems += [f"{role}: {leak} in the response" for leak in leaks(role, body)]
    assert not problems, f"GET {path} ({url.name}):\n" + "\n".join(problems)


def test_the_matrix_covers_the_pages_on_main():
    names = {u.name for u in MATRIX}
    assert {"home", "households:list", "households:review-queue"} <= names
    assert not any(n.startswith("admin:") for n in names)
    assert "login" not in names


def test_the_leak_check_sees_what_it_looks_for():
    assert leaks("charlie", "<td>Võ Thị Mẫu Ân</td>") == [
        "head name of household A (Võ Thị Mẫu Ân)"
    ]
    assert leaks("pat", "CCCD 083190000111") == ["citizen ID of household A (083190000111)"]
    assert leaks("pat", "CCCD 0**********1, Võ Thị Mẫu Ân") == []
    assert leaks("bob", "Võ Thị Mẫu Ân 083190000111 Lê Văn Mẫu Bình 0912000222") == []


def test_the_world_is_visible_to_its_officers(client, world, users):
    """Guards the leak check against a vacuous pass: bob does see his two households."""
    client.force_login(users["bob"])
    body = client.get(reverse("households:list")).content.decode()
    assert "Võ Thị Mẫu Ân" in body
    assert "Lê Văn Mẫu Bình" in body
    assert "Phạm Văn Mẫu Châu" not in body
