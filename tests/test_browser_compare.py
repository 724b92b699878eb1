"""The compare page in a real browser: stepping through the changes by button and by key moves the focus and says
which change it is; choosing another document lists its versions; nothing complains on the console."""

from __future__ import annotations

import contextlib
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from drafting import services
from tests.app_fixtures import sample_bytes
from tests.browser_support import create_user_with_password

pytestmark = pytest.mark.browser


@pytest.fixture
def documents(database):
    """Store the sample bill and a sample ordinance (the ordinance twice saved); return their ids."""
    ordinance = services.create_document_from_xml(
        database, sample_bytes("us-ma-bayport-ordinance-16-62.xml"), author="seed").document.id
    bill = services.create_document_from_xml(
        database, sample_bytes("ma-biometric-moratorium-bill.xml"), author="seed").document.id
    return {"ordinance": ordinance, "bill": bill}


def sign_in(page, live_server, database) -> None:
    name, password = create_user_with_password(database)
    page.goto(f"{live_server}/login")
    page.locator('input[name="name"]').fill(name)
    page.locator('input[name="password"]').fill(password)
    page.locator('form:has(input[name="password"]) button[type="submit"]').click()
    page.wait_for_url(lambda url: urlsplit(url).path != "/login")


def settled_top(locator) -> float:
    """Return where an element's top is once a smooth scroll has stopped moving it."""
    last = None
    for _ in range(100):
        box = locator.bounding_box()
        assert box is not None
        if box["y"] == last:
            return last
        last = box["y"]
        locator.page.wait_for_timeout(50)
    raise AssertionError("the page was still scrolling after 5 s")


def focused_change(page) -> str | None:
    return page.evaluate("document.activeElement && document.activeElement.getAttribute('data-change')")


def focus_reaches(page, change: str) -> str | None:
    """Wait for the focus to be on a change (a click lands after the page has stopped moving, and its handler runs
    after the button took the focus on mousedown): the state, never a time; then say where the focus is."""
    with contextlib.suppress(PlaywrightTimeoutError):  # the assertion that follows says where the focus went
        page.wait_for_function("change => document.activeElement && "
                               "document.activeElement.getAttribute('data-change') === change", arg=change,
                               timeout=5000)
    return focused_change(page)


@pytest.mark.parametrize("view", ["inline", "side-by-side"])
def test_next_change_moves_focus_and_announces_it(live_server, database, documents, page, page_events, screenshot,
                                                  view):
    sign_in(page, live_server, database)
    response = page.goto(f"{live_server}/documents/{documents['bill']}/compare"
                         f"?against={documents['ordinance']}&view={view}")
    assert response is not None and response.ok
    next_button = page.get_by_role("button", name="Next change")
    next_button.wait_for(state="visible")  # the script shows the buttons once it has found the changes
    status = page.locator("#change-status")
    total = page.locator(".redline .entry[data-change]").count()
    assert total > 2

    next_button.click()
    next_button.click()

    assert focus_reaches(page, "2") == "2"
    second = page.locator('.redline .entry[data-change="2"]')
    assert second.evaluate("element => element === document.activeElement")
    name = page.locator('.redline nav li[data-change="2"] a').text_content().strip()
    what = page.locator('.redline nav li[data-change="2"] .status').text_content().strip()
    assert status.text_content() == f"Change 2 of {total}: {name} — {what}"
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    # the change scrolls into view, below the sticky tools
    top, viewport = settled_top(second), page.viewport_size
    tools = page.locator(".compare-tools").bounding_box()
    assert tools is not None and viewport is not None
    assert tools["y"] + tools["height"] - 1 <= top < viewport["height"]
    # visible focus: the focused change (or its provision, inline) is outlined
    outlined = ".provision" if view == "inline" else ""
    target = second.locator(outlined).first if outlined else second
    assert target.evaluate("element => getComputedStyle(element).outlineStyle") == "solid"
    screenshot(f"{view}-second-change")

    assert page_events.console_errors == []
    assert page_events.dialogs == []


def test_keys_step_forward_and_back_and_stop_at_the_ends(live_server, database, documents, page, page_events):
    sign_in(page, live_server, database)
    page.goto(f"{live_server}/documents/{documents['bill']}/compare?against={documents['ordinance']}")
    page.get_by_role("button", name="Next change").wait_for(state="visible")
    status = page.locator("#change-status")

    page.keyboard.press("n")
    assert focus_reaches(page, "1") == "1"
    page.keyboard.press("j")
    page.keyboard.press("n")
    assert focus_reaches(page, "3") == "3"
    page.keyboard.press("k")
    assert focus_reaches(page, "2") == "2"
    page.keyboard.press("p")
    page.keyboard.press("p")
    assert focus_reaches(page, "1") == "1"
    assert status.text_content().startswith("There is no earlier change. Change 1 of ")

    page.get_by_role("button", name="Previous change").click()
    assert focus_reaches(page, "1") == "1"
    # typing in a field is not stepping
    page.locator("#against").focus()
    page.keyboard.press("n")
    assert focused_change(page) is None
    assert page_events.console_errors == []
    assert page_events.dialogs == []


def test_choosing_another_document_lists_its_versions(live_server, database, documents, page, page_events):
    stored = services.get_document(database, documents["ordinance"])
    xml = stored.version.xml.replace("</heading>", " (amended)</heading>", 1)
    services.save_version(database, documents["ordinance"], xml.encode("utf-8"), base_version=1, author="ada",
                          message="second")
    sign_in(page, live_server, database)
    page.goto(f"{live_server}/documents/{documents['bill']}/compare")
    versions = page.locator("#against_version option")
    assert versions.count() == 2  # the bill itself: latest, version 1

    page.locator("#against").select_option(str(documents["ordinance"]))

    expect = pytest.importorskip("playwright.sync_api").expect
    expect(versions).to_have_count(3)  # polls from Playwright's side: the page's CSP forbids string evaluation
    assert versions.nth(0).text_content() == "latest (version 2)"
    assert versions.nth(1).text_content().startswith("version 2 · ") and "second" in versions.nth(1).text_content()
    assert page.locator('label[for="against_version"]').text_content().startswith("Version of Ordinance")
    page.get_by_role("button", name="Compare", exact=True).click()
    page.wait_for_selector(".redline")
    assert page.locator(".redline .document-old .version").text_content() == "(version 2)"
    assert page_events.console_errors == []
    assert page_events.dialogs == []
