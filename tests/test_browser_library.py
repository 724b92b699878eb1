"""The library in a real browser: paste an ordinance, read the import report, save it, find it in the library,
open its export page; without script, console errors or dialogs."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser_support import create_user_with_password

pytestmark = pytest.mark.browser

ORDINANCE = """CITY OF TESTVILLE
ORDINANCE NO. 2026-7

AN ORDINANCE BANNING FACE SURVEILLANCE <script>alert("x")</script> {{7*7}}

Be it ordained by the City Council of Testville as follows:

Section 1. Definitions.
(a) "Face surveillance" means an automated process to identify a person by the face.

Section 2. Ban.
(a) No department shall obtain face surveillance.
"""
TITLE = 'AN ORDINANCE BANNING FACE SURVEILLANCE <script>alert("x")</script> {{7*7}}'


def sign_in(page, live_server: str, name: str, password: str) -> None:
    page.goto(f"{live_server}/login")
    page.locator('input[name="name"]').fill(name)
    page.locator('input[name="password"]').fill(password)
    page.locator('form:has(input[name="password"]) button[type="submit"]').click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/")


def test_drafter_imports_pasted_text_after_a_preview_and_exports_it(live_server, database, page, page_events,
                                                                    screenshot):
    sign_in(page, live_server, *create_user_with_password(database))
    page.get_by_role("link", name="Import text, Word or AKN").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/import")
    page.locator("textarea#text").fill(ORDINANCE)
    page.locator("select#type").select_option("ordinance")
    page.locator("input#jurisdiction").fill("us-ma-testville")
    page.get_by_role("button", name="Preview the import").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/import/preview")

    assert page.get_by_role("heading", name="Preview: nothing is saved yet").is_visible()
    assert page.locator(".preview-title").inner_text() == TITLE
    assert "definitions 1, section 2" in page.locator(".counts").inner_text()
    assert page.locator(".preview .state-valid").inner_text() == "valid"
    assert page.locator(".preview-bill").get_by_text("No department shall obtain face surveillance.").is_visible()
    screenshot("preview")

    page.get_by_role("button", name="Save to the library").click()
    page.wait_for_url(lambda url: urlsplit(url).path.startswith("/documents/"))
    assert page.get_by_role("heading", level=1).inner_text() == TITLE

    page.goto(f"{live_server}/")
    row = page.locator("table.library tbody tr")
    assert row.count() == 1
    assert row.get_by_role("link", name=TITLE).inner_text() == TITLE
    assert row.locator(".state").inner_text() == "valid"
    page.locator("select#filter-type").select_option("ordinance")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(lambda url: "type=ordinance" in url)
    assert page.locator("table.library tbody tr").count() == 1
    screenshot("library")

    row = page.locator("table.library tbody tr")
    row.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Export AKN (valid)").click()
    page.wait_for_url(lambda url: urlsplit(url).path.endswith("/export"))
    assert "against the official AKN 3.0 schema" in page.locator(".facts").inner_text()
    assert page.locator(".filename").inner_text().endswith(".xml")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the AKN XML").click()
    assert download_info.value.suggested_filename == page.locator(".filename").inner_text()
    screenshot("export")

    assert page_events.console_errors == []
    assert page_events.dialogs == []


def test_viewer_is_offered_no_import(live_server, database, page, page_events):
    sign_in(page, live_server, *create_user_with_password(database, "browser-viewer", "viewer"))
    assert page.get_by_role("heading", name="Library").is_visible()
    assert page.get_by_role("link", name="Import text, Word or AKN").count() == 0
    assert page.locator("form[action='/documents']").count() == 0
    assert page_events.console_errors == []
