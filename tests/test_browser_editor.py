"""The bill editor in real Chromium: create, edit, move, delete, save, live safeguards, adopt, merge, restore."""

from __future__ import annotations

import re

import pytest

from drafting import akn, services
from tests.app_fixtures import SHARED
from tests.browser_support import TIMEOUT_MS, create_user_with_password, screenshot_file, sign_in_browser

pytestmark = pytest.mark.browser

BAN = ("A public agency or public official {modal} obtain, retain, access or use any biometric surveillance system "
       "or any information derived from it.")


def create_bill(page, live_server, title="Statewide Biometric Moratorium") -> int:
    """Create a bill from the template through the library page; return its id."""
    page.goto(f"{live_server}/")
    form = page.locator('form:has(select[name="template"])')
    form.locator('select[name="template"]').select_option("bill")
    form.locator('input[name="title"]').fill(title)
    form.locator('input[name="jurisdiction"]').fill("us-ma")
    form.locator('input[name="number"]').fill("statewide-moratorium")
    form.locator('button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/documents/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def open_editor(page, live_server, document_id: int) -> None:
    page.goto(f"{live_server}/documents/{document_id}/edit")
    page.locator("#bill .provision").first.wait_for()
    page.locator("#safeguards .findings").wait_for()


def text_of(page, eid: str):
    return page.locator(f"#p-{eid} > p.text").first


def replace_text(page, eid: str, text: str) -> None:
    """Select all the words of a provision's text and type new ones, as a person would."""
    box = text_of(page, eid)
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def save(page, message: str) -> None:
    page.locator("#message").fill(message)
    page.locator("#save").click()
    page.locator("#status", has_text="Saved as version").wait_for()


def stored_xml(database, document_id: int) -> str:
    return services.get_document(database, document_id).version.xml


def test_drafter_creates_a_bill_adds_edits_moves_deletes_and_saves(live_server, signed_in, library, page_events,
                                                                    screenshot):
    page = signed_in
    document_id = create_bill(page, live_server)
    page.get_by_role("link", name="Edit").click()
    page.locator("#bill .provision").first.wait_for()
    screenshot("opened")

    replace_text(page, "sec_1", "This act may be cited as the Statewide Biometric Moratorium Act.")
    page.locator("button[data-action=add-sibling]").click()
    assert page.locator("#selected").inner_text() == "section 2"
    heading = page.locator("#p-sec_2 > .line .heading")
    heading.click()
    page.keyboard.type("Moratorium")
    replace_text(page, "sec_2", BAN.format(modal="shall not"))
    page.locator("button[data-action=add-child]").click()
    assert page.locator("#selected").inner_text() == "subsection 2(a)"
    replace_text(page, "sec_2__subsec_a", "This section applies to every public agency.")
    page.locator("button[data-action=add-sibling]").click()
    replace_text(page, "sec_2__subsec_b", "It applies also to contractors acting for a public agency.")
    # move (b) above (a): the numbers follow the new order
    page.locator("button[data-action=move-up]").click()
    assert text_of(page, "sec_2__subsec_a").inner_text().startswith("It applies also to contractors")
    # keyboard: Alt+ArrowDown moves it back
    text_of(page, "sec_2__subsec_a").click()
    page.keyboard.press("Alt+ArrowDown")
    assert text_of(page, "sec_2__subsec_b").inner_text().startswith("It applies also to contractors")
    # a third section, then deleted
    page.locator("#p-sec_2 > .line .heading").click()
    page.locator("button[data-action=add-sibling]").click()
    assert page.locator("#p-sec_3").count() == 1
    page.locator("button[data-action=delete]").click()
    assert page.locator("#p-sec_3").count() == 0
    screenshot("edited")

    save(page, "moratorium section")
    stored = services.get_document(library, document_id)
    assert stored.version.number == 2 and stored.version.message == "moratorium section"
    assert stored.version.valid, stored.report
    root = akn.parse_akn(stored.version.xml.encode()).root
    provisions = {p.eId: p for p in akn.iter_provisions(akn.extract_provisions(root))}
    assert provisions["sec_2"].heading == "Moratorium"
    assert provisions["sec_2__subsec_a"].num == "(a)"
    assert "every public agency" in provisions["sec_2__subsec_a"].text
    assert "contractors" in provisions["sec_2__subsec_b"].text
    assert "sec_3" not in provisions
    assert page_events.console_errors == [] and page_events.dialogs == []


def test_undo_and_redo_step_through_the_edits(live_server, signed_in, library, page_events):
    page = signed_in
    document_id = create_bill(page, live_server)
    open_editor(page, live_server, document_id)
    text_of(page, "sec_1").click()
    page.locator("button[data-action=add-sibling]").click()
    assert page.locator("#p-sec_2").count() == 1
    page.keyboard.press("Control+Z")
    assert page.locator("#p-sec_2").count() == 0
    page.locator("#redo").click()
    assert page.locator("#p-sec_2").count() == 1
    page.locator("#undo").click()
    assert page.locator("#p-sec_2").count() == 0
    assert page_events.console_errors == []


def test_outline_drag_and_drop_moves_a_provision_into_another(live_server, signed_in, library, page_events,
                                                              screenshot):
    page = signed_in
    document_id = create_bill(page, live_server)
    open_editor(page, live_server, document_id)
    text_of(page, "sec_1").click()
    page.locator("button[data-action=add-sibling]").click()
    replace_text(page, "sec_2", "Second section.")
    # drop section 2 on the middle of section 1 in the outline: it becomes its first subsection
    page.locator('#outline [data-eid="sec_2"]').drag_to(page.locator('#outline [data-eid="sec_1"]'))
    page.locator('#outline [data-eid="sec_1__subsec_a"]').wait_for()
    assert page.locator("#p-sec_1__subsec_a > p.text").inner_text() == "Second section."
    assert page.locator("#p-sec_2").count() == 0
    screenshot()
    assert page_events.console_errors == []


def test_keep_printed_numbers_gives_an_inserted_number(live_server, signed_in, library):
    page = signed_in
    document_id = create_bill(page, live_server)
    open_editor(page, live_server, document_id)
    page.locator("#keep-numbers").check()
    text_of(page, "sec_1").click()
    page.locator("button[data-action=add-sibling]").click()
    assert page.locator("#selected").inner_text() == "section 1A"
    assert page.locator("#p-sec_1a").count() == 1


def test_safeguards_panel_follows_the_text_within_a_second(live_server, signed_in, library, screenshot):
    page = signed_in
    document_id = create_bill(page, live_server)
    open_editor(page, live_server, document_id)
    finding = page.locator('#safeguards [data-safeguard="ban-mandatory"]')
    assert "absent" in finding.locator(".badge").inner_text()

    replace_text(page, "sec_1", BAN.format(modal="shall not"))
    finding.locator(".reason", has_text="'shall not'").wait_for(timeout=1500)
    assert "present" in finding.locator(".badge").inner_text()
    # "may not" is a prohibition too: still present, and the panel quotes the new words
    replace_text(page, "sec_1", BAN.format(modal="may not"))
    finding.locator(".reason", has_text="'may not'").wait_for(timeout=1500)
    assert "present" in finding.locator(".badge").inner_text()
    # "should not" binds no one: the panel says weak
    replace_text(page, "sec_1", BAN.format(modal="should not"))
    finding.locator(".badge", has_text="weak").wait_for(timeout=1500)
    screenshot()
    # the evidence links to the provision
    finding.locator(".evidence button").first.click()
    assert page.locator("#selected").inner_text().startswith("section 1")


def test_adopting_a_suggestion_inserts_the_ordinance_language(live_server, signed_in, library, page_events,
                                                              screenshot):
    page = signed_in
    document_id = create_bill(page, live_server)
    open_editor(page, live_server, document_id)
    finding = page.locator('#safeguards [data-safeguard="private-right-of-action"]')
    finding.locator("summary").click()
    before = page.locator("#bill .provision").count()
    finding.locator("button.adopt").first.click()
    page.locator("#status", has_text="Adopted as").wait_for()
    assert page.locator("#bill .provision").count() > before
    finding.locator(".badge", has_text="present").wait_for(timeout=2000)
    screenshot()
    save(page, "adopted a private right of action")
    xml = stored_xml(library, document_id)
    assert "note_adopted_1" in xml and "Adopted from" in xml
    assert page_events.console_errors == []


def test_unsaved_changes_survive_a_reload(live_server, signed_in, library):
    page = signed_in
    document_id = create_bill(page, live_server)
    open_editor(page, live_server, document_id)
    replace_text(page, "sec_1", "Words not yet saved.")
    page.wait_for_timeout(400)  # the local copy is written a moment after typing stops
    page.reload()
    page.locator("#bill .provision").first.wait_for()
    assert text_of(page, "sec_1").inner_text() == "Words not yet saved."
    assert page.locator("#restored").is_visible()
    assert services.get_document(library, document_id).version.number == 1
    page.locator("#discard").click()
    page.locator("#status", has_text="discarded").wait_for()
    assert text_of(page, "sec_1").inner_text() != "Words not yet saved."


def test_a_save_after_the_session_ended_says_so_and_keeps_the_draft(live_server, signed_in, library, screenshot):
    page = signed_in
    document_id = create_bill(page, live_server)
    open_editor(page, live_server, document_id)
    name = page.locator("header.bar a[href='/account']").inner_text()
    services.end_sessions(library, name)  # an administrator signs the drafter out everywhere
    replace_text(page, "sec_1", "Words typed after the session ended.")
    page.locator("#save").click()
    page.locator("#status", has_text="your session has ended").wait_for()
    screenshot("session-ended")
    assert services.get_document(library, document_id).version.number == 1
    page.reload()  # the page itself now asks to sign in again, and the words wait in this browser
    page.wait_for_url(re.compile(r"/login"))


def test_second_save_of_the_same_version_gets_the_merge_view(live_server, signed_in, library, browser, page_events,
                                                             request):
    first = signed_in
    document_id = create_bill(first, live_server)
    open_editor(first, live_server, document_id)
    text_of(first, "sec_1").click()
    first.locator("button[data-action=add-sibling]").click()
    replace_text(first, "sec_2", "Second section as the first drafter wrote it.")
    save(first, "second section")

    name, password = create_user_with_password(library, name="second-drafter")
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        second = context.new_page()
        sign_in_browser(second, live_server, name, password)
        open_editor(second, live_server, document_id)
        open_editor(first, live_server, document_id)
        # both start from version 2; the first saves an edit of section 1, the second edits sections 1 and 2
        replace_text(first, "sec_1", "Short title as the first drafter wants it.")
        save(first, "short title")
        replace_text(second, "sec_1", "Short title as the second drafter wants it.")
        replace_text(second, "sec_2", "Second section as the second drafter rewrote it.")
        second.locator("#save").click()
        merge = second.locator("#merge")
        merge.locator("h2", has_text="Someone else saved first").wait_for()
        assert services.get_document(library, document_id).version.number == 3  # nothing overwritten
        conflict = merge.locator(".merge-item.kind-conflict")
        assert conflict.count() == 1
        assert "first drafter wants" in conflict.inner_text() and "second drafter wants" in conflict.inner_text()
        assert merge.locator(".merge-item.kind-mine-only").count() == 1
        second.screenshot(path=screenshot_file(request, "merge-view"), full_page=True)
        conflict.get_by_label("your text").check()
        merge.get_by_role("button", name="Merge").click()
        second.locator("#status", has_text="Merged with version 3").wait_for()
        second.locator("#save").click()
        second.locator("#status", has_text="Saved as version 4").wait_for()
    finally:
        context.close()
    xml = stored_xml(library, document_id)
    assert "second drafter wants" in xml and "second drafter rewrote" in xml
    assert page_events.console_errors == []


def test_history_restores_an_old_version(live_server, signed_in, library, screenshot):
    page = signed_in
    document_id = create_bill(page, live_server)
    open_editor(page, live_server, document_id)
    original = stored_xml(library, document_id)
    replace_text(page, "sec_1", "A changed short title.")
    save(page, "changed")
    page.goto(f"{live_server}/documents/{document_id}/history")
    screenshot("history")
    page.locator('form:has(input[name="version"][value="1"]) button').click()
    page.wait_for_url(re.compile(r"/history$"))
    restored = services.get_document(library, document_id)
    assert restored.version.number == 3 and restored.version.message == "restored version 1"
    body = re.compile(r"<body>.*</body>", re.S)
    assert body.search(restored.version.xml).group(0) == body.search(original).group(0)


HOSTILE = ["09-xss-in-heading.xml", "13-xss-plain.txt"]


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is absent")
@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_document_is_inert_in_the_editor(live_server, signed_in, library, page_events, payload, screenshot):
    page = signed_in
    data = (SHARED / "attacks" / payload).read_bytes()
    if payload.endswith(".xml"):
        stored = services.create_document_from_xml(library, data, author="test")
    else:
        stored = services.create_document_from_import(library, data, "text/plain", {}, author="test")
    open_editor(page, live_server, stored.document.id)
    text = page.locator("#bill").inner_text()
    assert "<script" in text or "<img" in text or "{{7*7}}" in text  # shown as words
    assert page.locator("#bill script, #bill img, #bill [onerror], #bill iframe").count() == 0
    assert "49" not in page.locator("h1").inner_text()
    screenshot()
    assert page_events.dialogs == []
    assert page_events.console_errors == []


def test_editor_is_readable_on_a_phone(live_server, signed_in, library, screenshot):
    page = signed_in
    page.set_viewport_size({"width": 400, "height": 800})
    documents, _ = services.list_documents(library, doc_type="bill")
    open_editor(page, live_server, documents[0].id)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 400, f"the page is {width} px wide on a 400 px screen"
    screenshot("phone")
