"""Smoke test in a real browser: the pages load, sign-in works, and nothing complains on the console."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser_support import create_user_with_password

pytestmark = pytest.mark.browser


def test_user_signs_in_and_reaches_a_drafting_page(live_server, database, page, page_events, screenshot):
    name, password = create_user_with_password(database)

    response = page.goto(f"{live_server}/")
    assert response is not None
    assert response.ok, f"GET / answered {response.status}"

    # The sign-in page may not exist yet (the web pages are being built); ask without navigating, so a 404
    # leaves no trace on the page's console.
    login = page.request.get(f"{live_server}/login")
    login_exists = login.status == 200
    login.dispose()

    if login_exists:
        if urlsplit(page.url).path != "/login":
            page.goto(f"{live_server}/login")
        page.locator('input[name="name"]').fill(name)
        page.locator('input[name="password"]').fill(password)
        form = page.locator('form:has(input[name="password"])')
        form.locator('button:not([type]), button[type="submit"], input[type="submit"]').first.click()
        page.wait_for_url(lambda url: urlsplit(url).path != "/login")
        page.wait_for_load_state()
        assert "Drafting" in page.title()
    else:
        assert page.locator("body").inner_text().strip(), "/ rendered an empty page"

    shot = screenshot()
    assert shot.stat().st_size > 0
    assert page_events.console_errors == []
    assert page_events.dialogs == []
