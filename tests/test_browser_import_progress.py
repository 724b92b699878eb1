"""The import page shows an import's progress in a real browser (static/import.js): the bytes sent, then
"Importing… n s" counting the seconds, in a polite live region, then the preview in place, without the page ever
freezing; "Saving… n s" while it saves; and a cancelled import leaves the form ready again.

The server's import is held at a gate the test opens, so each state is awaited, never a length of time; the upload is
throttled through the Chrome DevTools Protocol so that the bytes sent can be seen going up.
"""

from __future__ import annotations

import re
import threading
from urllib.parse import urlsplit

import pytest

from drafting.web import library_pages
from tests.browser_support import create_user_with_password, sign_in_browser

pytestmark = pytest.mark.browser

UPLOAD_BYTES_PER_SECOND = 32 * 1024  # the 82 KB paste takes about two and a half seconds to send
SENDING = re.compile(r"^Sending\u2026 \d+ KB of (?P<total>\d+) KB \((?P<percent>\d+)%\)$")
IMPORTING = re.compile(r"^Importing\u2026 (?P<seconds>[1-9]\d*) s$")
SAVING = re.compile(r"^Saving\u2026 [1-9]\d* s$")
WAIT_MS = 20_000


def ordinance(sections: int) -> str:
    """A plain ordinance of `sections` sections, each with two labelled subsections (about 330 bytes a section)."""
    parts = ["AN ORDINANCE ON THE PROGRESS OF IMPORTS", "Be it ordained by the City Council of Testville as follows:"]
    for number in range(1, sections + 1):
        parts += [f"Section {number}. Reporting {number}.",
                  f"(a) The department shall report on surveillance technology number {number} every year.",
                  f"(b) The council shall hold a public hearing on report number {number} within thirty days of it."]
    return "\n\n".join(parts) + "\n"


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Hold every preview the live server makes (the save makes one too) until the test sets the returned event."""
    opened = threading.Event()
    preview = library_pages.preview_import

    def held(given, **options):
        if not opened.wait(timeout=60):
            raise AssertionError("the test never let the import go on")
        return preview(given, **options)

    monkeypatch.setattr(library_pages, "preview_import", held)
    yield opened
    opened.set()  # never leave a server thread waiting


def status_text(page, selector: str) -> str:
    return page.locator(selector).inner_text().strip()


def wait_for_status(page, selector: str, pattern: re.Pattern) -> re.Match:
    """Wait until the status line says something the pattern matches; return the match."""
    page.wait_for_function(
        "([selector, source]) => new RegExp(source).test(document.querySelector(selector)?.textContent.trim() ?? '')",
        arg=[selector, pattern.pattern.replace("(?P<", "(?<")], timeout=WAIT_MS,
    )
    return pattern.match(status_text(page, selector))


def paste(page, text: str) -> None:
    """Put a long text in the textarea at once, as a paste does (typing it would take Playwright minutes)."""
    page.locator("textarea#text").evaluate("(node, text) => { node.value = text; }", text)


def open_import_form(page, live_server: str, database) -> None:
    sign_in_browser(page, live_server, *create_user_with_password(database))
    page.goto(f"{live_server}/import")
    page.evaluate("window.importPageMark = 'the same page'")  # gone if the browser loaded another page


def test_a_long_import_shows_the_bytes_sent_then_the_seconds_then_the_preview(live_server, database, page,
                                                                             page_events, gate, screenshot):
    open_import_form(page, live_server, database)
    text = ordinance(400)
    paste(page, text)
    page.locator("select#type").select_option("ordinance")
    devtools = page.context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                       "uploadThroughput": UPLOAD_BYTES_PER_SECOND})
    status = "form.import-form [data-import-status]"
    assert page.locator(status).get_attribute("role") == "status"
    assert page.locator(status).get_attribute("aria-live") == "polite"

    page.get_by_role("button", name="Preview the import").click()

    sending = wait_for_status(page, status, SENDING)
    assert int(sending["total"]) >= len(text.encode()) // 1024
    assert int(sending["percent"]) < 100
    assert page.locator("form.import-form progress").is_visible()
    assert page.get_by_role("button", name="Preview the import").is_disabled()
    screenshot("sending")
    devtools.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                       "uploadThroughput": -1})

    first = int(wait_for_status(page, status, IMPORTING)["seconds"])
    assert not page.locator("form.import-form progress").is_visible()
    # the seconds go on while the server works: the page is not frozen
    page.wait_for_function(
        "([selector, first]) => Number(/(\\d+) s$/.exec(document.querySelector(selector).textContent)?.[1]) > first",
        arg=[status, first], timeout=WAIT_MS,
    )
    screenshot("importing")

    gate.set()
    heading = page.get_by_role("heading", name="Preview: nothing is saved yet")
    heading.wait_for(timeout=WAIT_MS)
    assert heading.evaluate("node => node === document.activeElement")
    assert urlsplit(page.url).path == "/import/preview"
    assert page.evaluate("window.importPageMark") == "the same page"
    assert "section 400" in page.locator(".counts").inner_text()
    assert page.locator("textarea#text").input_value().strip() == text.strip()
    assert page_events.console_errors == []
    assert page_events.dialogs == []

    gate.clear()
    page.get_by_role("button", name="Save to the library").click()
    wait_for_status(page, "form.save [data-import-status]", SAVING)
    gate.set()
    page.wait_for_url(lambda url: urlsplit(url).path.startswith("/documents/"), timeout=WAIT_MS)
    assert page.get_by_role("heading", level=1).inner_text() == "AN ORDINANCE ON THE PROGRESS OF IMPORTS"
    assert page_events.console_errors == []
    page.goto(f"{live_server}/")  # the final screenshot: the library, not a document page thousands of pixels tall


def test_a_cancelled_import_leaves_the_form_ready_to_send_again(live_server, database, page, page_events, gate):
    open_import_form(page, live_server, database)
    page.locator("textarea#text").fill(ordinance(3))
    status = "form.import-form [data-import-status]"

    page.get_by_role("button", name="Preview the import").click()
    wait_for_status(page, status, IMPORTING)
    page.get_by_role("button", name="Cancel").click()

    wait_for_status(page, status, re.compile(r"^Import cancelled"))
    assert page.get_by_role("button", name="Preview the import").is_enabled()
    assert not page.get_by_role("button", name="Cancel").is_visible()
    gate.set()
    page.get_by_role("button", name="Preview the import").click()
    page.get_by_role("heading", name="Preview: nothing is saved yet").wait_for(timeout=WAIT_MS)
    assert urlsplit(page.url).path == "/import/preview"
    assert page_events.console_errors == []


def test_a_quick_import_says_nothing_and_a_reload_of_its_address_opens_the_form(live_server, database, page,
                                                                               page_events):
    open_import_form(page, live_server, database)
    page.locator("textarea#text").fill(ordinance(2))

    page.get_by_role("button", name="Preview the import").click()
    page.get_by_role("heading", name="Preview: nothing is saved yet").wait_for(timeout=WAIT_MS)

    assert status_text(page, "form.import-form [data-import-status]") == ""
    page.reload()
    assert urlsplit(page.url).path == "/import/preview"
    assert page.get_by_role("heading", name="What to import").is_visible()
    assert page_events.console_errors == []


def test_an_import_the_server_refuses_shows_its_error_in_place(live_server, database, page, page_events):
    open_import_form(page, live_server, database)

    page.get_by_role("button", name="Preview the import").click()

    error = page.get_by_role("alert")
    error.wait_for(timeout=WAIT_MS)
    assert "expected pasted text or a file to import" in error.inner_text()
    assert error.evaluate("node => node === document.activeElement")
    assert page.evaluate("window.importPageMark") == "the same page"
    assert page.get_by_role("button", name="Preview the import").is_enabled()
    assert [entry for entry in page_events.console_errors if "400" not in entry] == []
