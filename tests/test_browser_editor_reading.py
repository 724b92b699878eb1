"""The reading of a provision in the bill editor, in real Chromium: asked for on demand, of the text as it stands on
screen (unsaved edits included), one line per norm under the provision, hidden again; by keyboard; on a phone.
Every wait is for a state of the page, never for a time."""

from __future__ import annotations

import pytest

from drafting import services
from tests.test_browser_quoted_editor import retype_words

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=alert(1)>{{7*7}}"


def bill_id(library) -> int:
    documents, _ = services.list_documents(library, doc_type="bill")
    return documents[0].id


def open_editor(page, live_server, document_id: int) -> None:
    page.goto(f"{live_server}/documents/{document_id}/edit")
    page.locator("#status", has_text="Ready.").wait_for()
    # the first safeguards check is under way as the page opens; a test's own requests come after it
    page.locator("#safeguards .findings").wait_for()


def toggle(page, eid: str):
    return page.locator(f"#p-{eid} > .line .reading-toggle")


def reading(page, cite: str):
    return page.get_by_role("region", name=f"Reading of {cite}")


def shown(page, cite: str):
    """The reading of a provision once it has arrived (not while it is being read)."""
    panel = reading(page, cite)
    page.locator(f'.reading[aria-label="Reading of {cite}"][data-state="shown"]').wait_for()
    return panel


def stored_kind(live_server, page, document_id: int, eid: str) -> str:
    """The kind the service reads in the stored version of a provision, asked with the browser's own session."""
    norms = page.evaluate("""async (url) => (await (await fetch(url, {headers: {Accept: "application/json"}}))
        .json()).norms""", f"{live_server}/api/documents/{document_id}/norms")
    (kind,) = [norm["kind"] for norm in norms if norm["eId"] == eid]
    return kind


def test_drafter_reads_an_edited_provision_and_sees_the_new_reading(live_server, signed_in, library, page_events,
                                                                    screenshot):
    page = signed_in
    document_id = bill_id(library)
    open_editor(page, live_server, document_id)
    assert stored_kind(live_server, page, document_id, "sec_8__subsec_b") == "prohibition"

    # the stored text reads as a prohibition
    button = toggle(page, "sec_8__subsec_b")
    assert button.get_attribute("aria-expanded") == "false"
    page.get_by_role("button", name="Show reading of 8(b)", exact=True).click()
    panel = shown(page, "8(b)")
    assert button.get_attribute("aria-expanded") == "true" and button.inner_text() == "Hide reading"
    assert page.get_by_role("button", name="Hide reading of 8(b)").count() == 1
    (line,) = panel.locator("li.norm").all()
    assert line.locator(".kind").inner_text() == "prohibition"
    assert line.locator(".words").inner_text().startswith("8(b) prohibition · a public official")
    # under the provision's own words
    text_box = page.locator("#p-sec_8__subsec_b > p.text").bounding_box()
    assert panel.bounding_box()["y"] > text_box["y"]

    # "shall not" becomes "should not", unsaved: the reading says it no longer matches the text
    retype_words(page, page.locator("#p-sec_8__subsec_b > p.text"), "shall not", "should not")
    panel.locator(".stale", has_text="The text has changed since this reading.").wait_for()
    panel.get_by_role("button", name="Read 8(b) again").click()
    shown(page, "8(b)")
    (line,) = panel.locator("li.norm").all()
    assert line.locator(".kind").inner_text() == "recommendation"
    assert line.locator(".words").inner_text().startswith("8(b) recommendation (negated) · a public official")
    assert panel.locator(".stale").count() == 0
    screenshot("recommendation")
    # nothing was saved: the stored version still reads as a prohibition
    assert services.get_document(library, document_id).version.number == 1
    assert stored_kind(live_server, page, document_id, "sec_8__subsec_b") == "prohibition"

    # hidden again
    page.get_by_role("button", name="Hide reading of 8(b)").click()
    reading(page, "8(b)").wait_for(state="detached")
    assert toggle(page, "sec_8__subsec_b").get_attribute("aria-expanded") == "false"
    assert page_events.console_errors == [] and page_events.dialogs == []


def test_the_reading_is_asked_for_by_keyboard_and_reads_items_with_their_lead_in(live_server, signed_in, library,
                                                                                  page_events):
    page = signed_in
    open_editor(page, live_server, bill_id(library))
    # from the text of 2(a)(1), Shift+Tab reaches the button of its line, and Enter asks for the reading
    page.locator("#p-sec_2__subsec_a__para_1 > p.text").click()
    page.keyboard.press("Shift+Tab")
    focused = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert focused == "Show reading of 2(a)(1)"
    page.keyboard.press("Enter")
    panel = shown(page, "2(a)(1)")
    kinds = panel.locator("li.norm .kind").all_inner_texts()
    assert kinds == ["prohibition", "prohibition"]
    assert panel.locator("li.norm .words").all_inner_texts()[0] == (
        "2(a)(1)(i) prohibition · no public agency or public official · acquire, possess, retain, access, use · "
        "a biometric surveillance system · except 4")
    # a structure edit draws the bill again: the reading stays open, read afresh (a new item completes the lead-in)
    page.locator("#p-sec_2__subsec_a__para_1 > p.text").click()
    page.locator("button[data-action=add-child]").click()
    page.locator("#p-sec_2__subsec_a__para_1__point_iii").wait_for()
    panel = shown(page, "2(a)(1)")
    assert panel.locator("li.norm .words").all_inner_texts()[2].startswith("2(a)(1)(iii) prohibition")
    # a new section, its words taken away, has no operative clause
    page.locator("#p-sec_16 > p.text").click()
    page.locator("button[data-action=add-sibling]").click()
    page.locator("#p-sec_17 > p.text").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    toggle(page, "sec_17").click()
    shown(page, "17").locator(".none", has_text="no operative clause").wait_for()
    assert shown(page, "17").locator("li.norm").count() == 0
    assert page_events.console_errors == []


def test_document_text_in_a_reading_is_shown_as_text(live_server, signed_in, library, page_events):
    page = signed_in
    open_editor(page, live_server, bill_id(library))
    retype_words(page, page.locator("#p-sec_8__subsec_b > p.text"), "indemnified", f"indemnified {HOSTILE}")
    toggle(page, "sec_8__subsec_b").click()
    panel = shown(page, "8(b)")
    assert HOSTILE in panel.inner_text()
    assert panel.locator("img, script, [onerror]").count() == 0
    assert page_events.dialogs == [] and page_events.console_errors == []


def test_a_reading_fits_a_400_px_screen(live_server, signed_in, library, page_events, screenshot):
    page = signed_in
    page.set_viewport_size({"width": 400, "height": 800})
    open_editor(page, live_server, bill_id(library))
    button = toggle(page, "sec_5__subsec_a__para_3")
    button.focus()
    page.keyboard.press("Enter")
    panel = shown(page, "5(a)(3)")
    assert panel.locator("li.norm .kind").all_inner_texts() == ["safe harbour"]
    panel.scroll_into_view_if_needed()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 400, f"the page is {width} px wide on a 400 px screen"
    for box in (panel.bounding_box(), button.bounding_box(), panel.locator("li.norm").bounding_box()):
        assert box["x"] >= 0 and box["x"] + box["width"] <= 400, box
    screenshot("phone")
    assert page_events.console_errors == []
