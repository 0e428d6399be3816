"""Every form the app serves, found by opening every page of the URL conf (tests/security/
urlmap.py) as every role and reading its HTML: a form added later is covered by the hostile
value tests without being listed anywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve, reverse

from .bodies import response_text
from .conftest import ROLES
from .url_params import MissingParameter, kwargs_for
from .urlmap import matrix_urls

# Forms that are not the app's: the language switch (Django's set_language) and the logout
# button (no fields).
NOT_OURS = ("set_language", "logout")


@dataclass
class FormField:
    name: str
    kind: str  # input type, "textarea" or "select"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class FoundForm:
    page: str  # the path of the page that shows it
    action: str  # the path it is sent to
    method: str
    multipart: bool
    role: str = ""
    fields: list[FormField] = field(default_factory=list)
    # what the page itself would send (the defaults: values, checked boxes, selected options)
    defaults: dict[str, list[str]] = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        """One form per URL pattern, method and field names (the lock button of every commune
        is one form)."""
        match = resolve(self.action)
        names = tuple(sorted({f.name for f in self.fields}))
        return (match.view_name, self.method, names)

    def fields_to_try(self) -> list[FormField]:
        """Each field once: a formset's first form stands for its others, and the first of a
        numbered series (t01..t12, p1-area..) for the rest."""
        seen, result = set(), []
        for f in self.fields:
            pattern = (re.sub(r"\d+", "N", f.name), f.kind)
            if pattern in seen or f.kind == "submit":
                continue
            seen.add(pattern)
            result.append(f)
        return result

    def __str__(self) -> str:
        return f"{self.method} {self.action} (from {self.page} as {self.role})"


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[FoundForm] = []
        self._form: FoundForm | None = None
        self._textarea: FormField | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            action = urlsplit(urljoin(self.page, a.get("action") or self.page)).path
            self._form = FoundForm(
                page=self.page,
                action=action,
                method=(a.get("method") or "get").lower(),
                multipart="multipart" in a.get("enctype", ""),
            )
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or not a.get("name") or "disabled" in a:
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                if kind == "submit" and a.get("value") is not None and name:
                    form.fields.append(FormField(name, kind, a.get("value", "")))
                return
            form.fields.append(FormField(name, kind, a.get("value", "")))
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.defaults.setdefault(name, []).append(a.get("value", "on"))
            elif kind != "file":
                form.defaults.setdefault(name, []).append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = FormField(name, "textarea")
            form.fields.append(self._textarea)
        elif tag == "select":
            self._select = FormField(name, "select")
            self._select.multiple = "multiple" in a  # type: ignore[attr-defined]
            form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a:
                form.defaults.setdefault(self._select.name, []).append(value)

    def handle_data(self, data):
        if self._textarea is not None and self._form is not None:
            self._form.defaults.setdefault(self._textarea.name, [""])
            self._form.defaults[self._textarea.name][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            if self._textarea is not None and self._form is not None:
                self._form.defaults.setdefault(self._textarea.name, [""])
            self._textarea = None
        elif tag == "select":
            select = self._select
            if select is not None and self._form is not None and select.options:
                multiple = getattr(select, "multiple", False)
                if select.name not in self._form.defaults and not multiple:
                    self._form.defaults[select.name] = [select.options[0]]
            self._select = None


def page_forms(path: str, html: str) -> list[FoundForm]:
    parser = _FormParser(path)
    parser.feed(html)
    forms = []
    for form in parser.forms:
        try:
            name = resolve(form.action).url_name or ""
        except Resolver404:
            continue
        if name in NOT_OURS or form.action.startswith(("/i18n/", "/quan-tri/")):
            continue
        form.fields = [
            f for f in form.fields if f.name != "csrfmiddlewaretoken" and "__prefix__" not in f.name
        ]
        form.defaults = {k: v for k, v in form.defaults.items() if "__prefix__" not in k}
        if form.fields:
            forms.append(form)
    return forms


def all_forms(users, world) -> list[FoundForm]:
    """Each distinct form (action, method, field names) once, with the first role that sees
    it on a page."""
    found: dict[tuple, FoundForm] = {}
    paths = []
    for url in matrix_urls():
        if not url.name:
            continue
        try:
            kwargs, _ = kwargs_for(url, world)
        except MissingParameter:
            continue
        paths.append(reverse(url.name, kwargs=kwargs or None))
    anonymous = Client().get(reverse("login"))
    for form in page_forms(reverse("login"), response_text(anonymous)):
        form.role = "anonymous"
        found.setdefault(form.key, form)
    for role in ROLES[1:]:
        client = Client()
        client.force_login(users[role])
        for path in paths:
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in page_forms(path, response_text(response)):
                form.role = role
                found.setdefault(form.key, form)
    return list(found.values())
