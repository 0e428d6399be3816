"""A small HTTP client that talks to the real server as nginx would (X-Forwarded-Proto: https),
for the production smoke test (scripts/prod_smoke.py) and the load benchmark (bench_load).

Cookies are kept by hand: the production cookies are Secure and these clients talk plain HTTP on
loopback, which http.cookiejar would refuse.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie


class SmokeFailure(Exception):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    def __init__(self, base: str, password: str = "") -> None:
        self.base = base.rstrip("/")
        self.password = password
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict, bytes]:
        headers = {"X-Forwarded-Proto": "https", "Referer": f"https://{self.base.split('//')[1]}/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(self.base + path, body, headers)  # noqa: S310 - BASE is http
        try:
            with self.opener.open(req, timeout=30) as resp:
                status, resp_headers, content = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as error:
            status, resp_headers, content = error.code, error.headers, error.read()
        for value in resp_headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(value)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return status, dict(resp_headers), content

    def get(self, path: str, expect: int = 200) -> str:
        status, headers, content = self.request(path)
        for _ in range(3):  # follow the site's own redirects (a section's index page)
            location = headers.get("Location", "")
            if status not in (301, 302) or not location.startswith("/"):
                break
            path = location
            status, headers, content = self.request(path)
        check(status == expect, f"GET {path}: {status}, expected {expect}")
        check(headers.get("X-Request-ID"), f"GET {path}: no X-Request-ID")
        return content.decode("utf-8", "replace")

    def post(self, path: str, data: dict) -> tuple[int, dict]:
        status, headers, _ = self.request(path, data)
        return status, headers

    def login(self, username: str) -> None:
        self.get("/accounts/login/")
        status, _ = self.post("/accounts/login/", {"username": username, "password": self.password})
        check(status == 302, f"login {username}: {status}")
        check("Xin chào" in self.get("/"), f"{username}: home page without greeting")
