"""The production smoke test's browser stand-in (run by scripts/prod_smoke.sh).

Talks to the real gunicorn as nginx would (X-Forwarded-Proto: https): logs in as each demo role,
opens the main pages, approves a submitted review, waits until the worker has rebuilt the
dashboard's snapshot, and downloads an official table.
"""

from __future__ import annotations

import html
import os
import re
import sys
import time
import urllib.parse
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from households.devtools.http_client import Session, check

BASE = sys.argv[1].rstrip("/")
PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-BenTre-2025")
PAGES = {
    "province": ["/", "/ho-gia-dinh/", "/bao-cao/", "/bao-cao/bieu/", "/ke-hoach/"],
    "district-batri": ["/", "/ho-gia-dinh/", "/ho-gia-dinh/duyet/"],
    "commune-anduc": ["/", "/ho-gia-dinh/"],
    "agency-syte": ["/", "/ke-hoach/"],
    "admin": ["/", "/quan-tri/"],
}


def latest_snapshot() -> str:
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        row = conn.execute("SELECT max(built_at)::text FROM reports_snapshot").fetchone()
    return row[0] or ""


def first_option(page: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    check(select, f"no select {name}")
    values = [v for v in re.findall(r'<option value="([^"]*)"', select.group(1)) if v]
    check(values, f"select {name} has no options")
    return html.unescape(values[0])


def main() -> None:
    status, headers, _ = Session(BASE, PASSWORD).request("/healthz")
    check(status == 200, f"/healthz: {status}")
    login_page = Session(BASE, PASSWORD).get("/accounts/login/")
    css = re.search(r'href="(/static/[^"]+\.css)"', login_page)
    check(css, "no stylesheet on the login page")
    status, headers, _ = Session(BASE, PASSWORD).request(css.group(1))
    check(status == 200 and "max-age" in headers.get("Cache-Control", ""), "static not served")

    sessions = {}
    for username, pages in PAGES.items():
        session = sessions[username] = Session(BASE, PASSWORD)
        session.login(username)
        for page in pages:
            session.get(page)
        print(f"prod-smoke: {username} opened {len(pages)} pages")

    before = latest_snapshot()
    approved = None
    for username, session in sessions.items():
        queue = session.request("/ho-gia-dinh/duyet/")[2].decode()
        # The queue ticks the reviews its user may approve (a checkbox per row); each is
        # approved through its own address as well.
        found = [
            f"/ho-gia-dinh/phieu/{pk}/duyet/"
            for pk in re.findall(r'<input type="checkbox" name="review" value="(\d+)"', queue)
        ]
        if found:
            status, headers = session.post(found[0], {})
            check(status == 302, f"{username} approving {found[0]}: {status}")
            approved = (username, found[0])
            break
    check(approved, "no user could approve a submitted review")
    print(f"prod-smoke: {approved[0]} approved {approved[1]}")

    deadline = time.monotonic() + 90
    while latest_snapshot() == before:
        check(time.monotonic() < deadline, "the worker did not rebuild the dashboard in 90 s")
        time.sleep(0.5)
    dashboard = sessions["province"].get("/bao-cao/")
    check("Số liệu tính đến" in dashboard, "dashboard without its as-of line")
    print("prod-smoke: the worker rebuilt the dashboard after the approval")

    official = sessions["province"].get("/bao-cao/bieu/")
    query = {name: first_option(official, name) for name in ("year", "area", "table")}
    status, headers, content = sessions["province"].request(
        "/bao-cao/bieu/?" + urllib.parse.urlencode(query)
    )
    check(status == 200 and content[:4] == b"PK\x03\x04", f"official table: {status}")
    print(f"prod-smoke: official table {query['table']} downloaded ({len(content)} bytes)")


if __name__ == "__main__":
    main()
