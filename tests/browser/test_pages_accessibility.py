"""axe-core on every page of the project (found through the URL resolver, so pages added later
are checked without anyone listing them), opened as the first of bob / pat / agnes who gets it.

Each page's full axe report is written to test-output/axe/page-<url name>.json and a
screenshot to test-output/screenshots/page-<url name>.png.
"""

import pytest
from django.urls import reverse

from tests.browser.helpers import axe, login, screenshot
from tests.security.url_params import MissingParameter, kwargs_for
from tests.security.urlmap import matrix_urls
from tests.security.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWERS = ("bob", "pat", "agnes")


@pytest.mark.parametrize("url", [u for u in matrix_urls() if u.name], ids=str)
def test_page_has_no_serious_accessibility_violation(page, live_server, request, url):
    users = {name: request.getfixturevalue(name) for name in ("alice", *VIEWERS)}
    world = World(users)
    try:
        kwargs, _ = kwargs_for(url, world)
    except MissingParameter as exc:
        # tests/security/test_permission_matrix.py fails for it; here it is only a page unseen.
        pytest.skip(f"{exc} (the permission matrix test reports it)")
    path = live_server.url + reverse(url.name, kwargs=kwargs or None)
    for viewer in VIEWERS:
        login(page, live_server, viewer)
        # Ask first, with the browser's cookies: a POST-only view (405, empty body) or a
        # download opened with goto() sends Chromium to its own error page mid-navigation.
        probe = page.request.get(path)
        content_type = probe.headers.get("content-type") or ""
        if probe.status == 200 and "html" in content_type:
            page.goto(path)
            break
        page.context.clear_cookies()
    else:
        pytest.skip(f"{url.name}: no HTML page for {', '.join(VIEWERS)}")
    name = f"page-{url.name.replace(':', '-')}"
    screenshot(page, name)
    assert axe(page, name) == [], f"{url.name} as {viewer}"
