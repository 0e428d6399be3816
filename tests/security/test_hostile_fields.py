"""Every form field by field with hostile values (issue 16).

The forms are found by opening every page of the URL conf as every role
(tests/security/forms_found.py): a new form is covered without being listed. Each field in
turn gets each hostile value, the form's other fields keeping what the page itself would send,
as the first role that sees the form. For every answer:

- never a 5xx;
- a refused value (the form answered again, 200) wrote nothing: no row added or removed in
  any table, audit history included, and the page says why in Vietnamese;
- an accepted value (a redirect) is rendered escaped on the page it leads to;
- no redirect leaves the site;
- without its CSRF token the form is refused (403) and writes nothing.

Each post runs in a savepoint rolled back afterwards, so every one starts from the same data.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client

from .bodies import response_text
from .forms_found import FoundForm, all_forms

pytestmark = pytest.mark.django_db

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
HOSTILE: dict[str, str | list[str]] = {
    "100 kB": "Ạ" + "x" * 100_000,
    "NUL": "An\x00Đức",
    "control characters": "a\x01\x02\x08\x0b\x1b[31m\x7fb",
    "right-to-left override": "\u202eanod.exe",
    "emoji": "👨‍👩‍👧‍👦🏳️‍🌈",
    "SQL": "' OR 1=1; DROP TABLE households_household; --",
    "HTML/JS": XSS,
    "negative": "-1",
    "huge negative": "-99999999999999999999999999",
    "huge": "99999999999999999999999999999999",
    "float overflow": "1e309",
    "NaN": "NaN",
    "Infinity": "Infinity",
    "-Infinity": "-Infinity",
    "date 0000-00-00": "0000-00-00",
    "date 31/02/2026": "31/02/2026",
    "date 2026-02-31": "2026-02-31",
    "year 99999": "99999-01-01",
    "off-site address": "https://evil.example/x",
    "scheme-relative address": "//evil.example/x",
    "list for a scalar": ["1", "2"],
}
STRINGS = ("100 kB", "NUL", "control characters", "right-to-left override", "emoji", "SQL")
NUMBERS = ("negative", "huge negative", "huge", "float overflow", "NaN", "Infinity", "-Infinity")
DATES = ("date 0000-00-00", "date 31/02/2026", "date 2026-02-31", "year 99999")
ANY = ("HTML/JS", "list for a scalar")
# Which values each kind of field gets: what it could be mistaken for, plus the values every
# field gets (HTML, a list, raw bytes). A text box may hold a number (incomes, areas).
BY_KIND = {
    "text": (*STRINGS, "negative", "huge", "NaN", "Infinity"),
    "textarea": STRINGS,
    "search": STRINGS,
    "number": (*NUMBERS, "100 kB", "NUL"),
    "date": (*DATES, "NUL"),
    "hidden": (*NUMBERS[:4], "100 kB", "NUL", "off-site address", "scheme-relative address"),
    "select": ("100 kB", "NUL", "negative", "huge"),
    "checkbox": ("100 kB", "NUL", "huge"),
    "radio": ("100 kB", "NUL", "huge"),
    "password": ("100 kB", "NUL", "emoji"),
}


def values_for(kind: str) -> list[str]:
    return [*BY_KIND.get(kind, STRINGS), *ANY]


# Raw bytes, sent in a hand-made body (a str cannot hold them): a lone surrogate encoded as
# UTF-8 would be, and bytes that are no UTF-8 at all.
RAW = {"lone surrogate": "%ED%A0%80", "invalid UTF-8": "%FF%FE%C3%28"}

# Tables a request writes whatever it is sent: sessions, login throttling.
UNCOUNTED = re.compile(r"^(django_session|axes_)")
ENGLISH_DEFAULTS = re.compile(
    r"This field|Enter a|Ensure this|Select a valid|Null characters|not a valid|is required"
)


def _tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if not UNCOUNTED.match(t))


def row_counts(tables: list[str]) -> dict[str, int]:
    sql = " UNION ALL ".join(
        # table names from the introspection, quoted: no user input
        f"SELECT '{t}', COUNT(*) FROM {connection.ops.quote_name(t)}"  # noqa: S608
        for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


class _Errors(HTMLParser):
    """The text of the page's error messages (field errors, form alerts, message boxes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self._depth:
            self._depth += 1
        elif "error" in classes or "errorlist" in classes:
            self._depth = 1
            self.texts.append("")

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.texts[-1] += data


def error_texts(html: str) -> list[str]:
    parser = _Errors()
    parser.feed(html)
    return [t.strip() for t in parser.texts if t.strip()]


def _client(form: FoundForm, users, **kwargs) -> Client:
    client = Client(raise_request_exception=False, **kwargs)
    if form.role != "anonymous":
        client.force_login(users[form.role])
    return client


def _send(client: Client, form: FoundForm, data: dict, raw: tuple[str, str] | None = None):
    if form.method == "get":
        query = urlencode(data, doseq=True)
        if raw:
            query += f"&{quote(raw[0])}={raw[1]}"
        return client.get(f"{form.action}?{query}")
    if raw:
        body = urlencode(data, doseq=True) + f"&{quote(raw[0])}={raw[1]}"
        return client.post(form.action, body, content_type="application/x-www-form-urlencoded")
    return client.post(form.action, data)  # multipart, as a browser sends a form


def _try(client, form, data, tables, baseline, label, raw=None) -> list[str]:
    """Send once inside a savepoint; what went wrong, in words."""
    problems = []
    savepoint = transaction.savepoint()
    try:
        response = _send(client, form, data, raw)
        status = response.status_code
        written = {t: n for t, n in row_counts(tables).items() if n != baseline[t]}
        html = response_text(response) if "html" in response.get("Content-Type", "") else ""
        if status >= 500:
            return [f"{label}: answered {status}"]
        location = response.get("Location", "")
        if status in (301, 302, 303) and urlsplit(location).netloc not in ("", "testserver"):
            problems.append(f"{label}: redirected off the site to {location}")
        if XSS in html:
            problems.append(f"{label}: the HTML payload is shown unescaped")
        if status == 200 and form.method == "post":
            if written:
                problems.append(f"{label}: answered the form again but wrote {written}")
            errors = error_texts(html)
            if not errors:
                problems.append(f"{label}: answered the form again with no message")
            elif all(ENGLISH_DEFAULTS.search(e) or e.isascii() for e in errors):
                problems.append(f"{label}: message not in Vietnamese: {errors}")
        if form.method == "get" and written:
            problems.append(f"{label}: a GET form wrote {written}")
        if status in (302, 303) and location and not urlsplit(location).netloc:
            shown = client.get(location)
            if shown.status_code >= 500:
                problems.append(f"{label}: the page after saving answered {shown.status_code}")
            elif XSS in response_text(shown):
                problems.append(f"{label}: the saved HTML payload is shown unescaped")
    finally:
        transaction.savepoint_rollback(savepoint)
    return problems


REPORT = Path(settings.BASE_DIR) / "test-output" / "hostile-fields.md"


@pytest.fixture
def forms(users, world):
    found = all_forms(users, world)
    only = os.environ.get("HOSTILE_FORMS")  # while fixing one form: a part of its address
    if only:
        found = [f for f in found if only in f.action or f.role == "anonymous"]
    # The app's own forms, seen by the roles that may use them (not only the filters).
    assert only or sum(f.method == "post" for f in found) >= 15
    assert any(f.role == "anonymous" for f in found)  # the login form
    return found


@pytest.mark.hostile
def test_every_field_of_every_form_survives_hostile_values(users, forms):
    tables = _tables()
    baseline = row_counts(tables)
    problems: list[str] = []
    tried = 0
    for form in forms:
        client = _client(form, users)
        for index, field in enumerate(form.fields_to_try()):
            if field.kind == "file":
                continue  # hostile files: tests/security/test_hostile_files.py
            for name in values_for(field.kind):
                data = {**form.defaults, field.name: HOSTILE[name]}
                label = f"{form} field {field.name!r} = {name}"
                problems += _try(client, form, data, tables, baseline, label)
                tried += 1
            # Raw bytes break the decoding of the whole body, whichever field holds them: the
            # first field of each form carries them.
            if not form.multipart and index == 0:
                for name, raw in RAW.items():
                    data = {k: v for k, v in form.defaults.items() if k != field.name}
                    label = f"{form} field {field.name!r} = {name}"
                    problems += _try(
                        client, form, data, tables, baseline, label, raw=(field.name, raw)
                    )
                    tried += 1
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(
        f"# Hostile values, field by field\n\n{len(forms)} forms, {tried} requests, "
        f"{len(problems)} problems.\n\n" + "".join(f"- {p}\n" for p in problems)
    )
    assert os.environ.get("HOSTILE_FORMS") or tried > 1000
    assert not problems, f"{len(problems)} problems in {tried} requests:\n" + "\n".join(problems)


def test_every_post_form_without_its_csrf_token_is_refused_and_writes_nothing(users, forms):
    tables = _tables()
    baseline = row_counts(tables)
    accepted = []
    for form in forms:
        if form.method != "post":
            continue
        client = _client(form, users, enforce_csrf_checks=True)
        savepoint = transaction.savepoint()
        try:
            response = client.post(form.action, form.defaults)
            written = {t: n for t, n in row_counts(tables).items() if n != baseline[t]}
        finally:
            transaction.savepoint_rollback(savepoint)
        if response.status_code != 403 or written:
            accepted.append(f"{form}: {response.status_code}, wrote {written}")
    assert not accepted, "\n".join(accepted)


# --- what this test found, each fixed (kept as plain regressions) ------------------------------


def test_the_population_page_refuses_an_impossible_year_with_a_message(alice):
    from households.models import AreaPopulation

    client = Client()
    client.force_login(alice)
    page = client.get("/ho-gia-dinh/dan-so/?year=99999", follow=True)
    assert page.status_code == 200
    assert "Năm “99999” không hợp lệ" in page.content.decode()
    before = AreaPopulation.objects.count()
    response = client.post(
        "/ho-gia-dinh/dan-so/",
        {"area": "29173", "year": "-1", "households": "10", "persons": "40"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Năm “-1” không hợp lệ" in response.content.decode()
    assert AreaPopulation.objects.count() == before


def test_a_damaged_version_number_is_refused_with_a_message_above_the_form(alice, world):
    client = Client()
    client.force_login(alice)
    household = world.household
    response = client.post(
        f"/ho-gia-dinh/{household.pk}/ra-soat/{world.review.year}/", {"version": "abc"}
    )
    assert response.status_code == 200
    assert "số phiên bản không hợp lệ" in response.content.decode()


def test_a_nul_character_is_refused_in_vietnamese(alice, world):
    client = Client()
    client.force_login(alice)
    response = client.post(
        f"/ho-gia-dinh/{world.household.pk}/ra-soat/{world.review.year}/",
        {"income_per_capita": "1\x00000"},
    )
    assert "ký tự rỗng (NUL)" in response.content.decode()
