"""The bill editor in real Chromium on an amending bill: the quoted text is shown and listed, edited, kept.

The editor shows an instruction's own words as its provision's text and the quoted structure after it as quoted
provisions (indented, between its quotation marks, a group named "quoted text inserted by 1"), listed in the outline
under the amending section. Editing the instruction keeps its <mod> and <quotedStructure>; editing a quoted subsection
edits it in place; what is saved is strictly valid. Every wait is for a state of the page, never for a time.
"""

from __future__ import annotations

import pytest

from drafting import akn, services
from drafting.akn.eids import expected_eids, modification_eids
from tests.browser_support import create_user_with_password, sign_in_browser
from tests.test_quoted_structures_documents import amending_bill, uncommon_shapes

pytestmark = pytest.mark.browser

INSTRUCTION = ("Chapter 6 of the General Laws, as appearing in the 2024 Official Edition, is hereby amended by "
               "inserting after section 219 the following section:-")
QUOTED_TEXT = "No public agency or official shall acquire, possess, access or use any face surveillance system."


@pytest.fixture
def drafter(live_server, database, page):
    """A drafter signed in through the browser."""
    name, password = create_user_with_password(database)
    sign_in_browser(page, live_server, name, password)
    return page


def store(database, root) -> int:
    stored = services.create_document_from_xml(database, akn.serialize(root), author="test")
    assert stored.version.valid, stored.report
    return stored.document.id


def open_editor(page, live_server, document_id: int) -> None:
    page.goto(f"{live_server}/documents/{document_id}/edit")
    page.locator("#status", has_text="Ready.").wait_for()


def replace_words(page, box, text: str) -> None:
    """Select all the words of a text box and type new ones, as a person would."""
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


SELECT = """(element, words) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(words);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + words.length);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    return true;
  }
  return false;
}"""


def retype_words(page, box, words: str, text: str) -> None:
    """Select some words of a text box, as a double click does, and type others over them."""
    box.click()
    assert box.evaluate(SELECT, words)
    page.keyboard.type(text)


def save(page, message: str, version: int) -> None:
    page.locator("#message").fill(message)
    page.locator("#save").click()
    page.locator("#status", has_text=f"Saved as version {version}.").wait_for()


def stored_root(database, document_id: int):
    stored = services.get_document(database, document_id)
    return stored, akn.parse_akn(stored.version.xml.encode("utf-8")).root


def assert_named_by_the_convention(root) -> None:
    assert {node: node.get("eId") for node in expected_eids(root)} == expected_eids(root)
    assert {node: node.get("eId") for node in modification_eids(root)} == modification_eids(root)


def test_drafter_edits_an_instruction_and_its_quoted_text_and_saves_both_with_the_quoted_structure(
        live_server, drafter, database, page_events, screenshot):
    page = drafter
    document_id = store(database, amending_bill())
    open_editor(page, live_server, document_id)

    # the quoted section is listed under the amending section, and shown as quoted text after the instruction
    outline = page.locator("#outline li")
    eids = outline.locator(".outline-item").evaluate_all("(links) => links.map((link) => link.dataset.eid)")
    assert eids[:5] == ["sec_1", "sec_1__sec_220", *(f"sec_1__sec_220__subsec_{x}" for x in "abc")]
    quoted_item = page.locator("#outline li.quoted")
    assert quoted_item.count() == 1 and "depth-1" in quoted_item.get_attribute("class")
    assert quoted_item.inner_text().startswith("220")
    group = page.get_by_role("group", name="quoted text inserted by 1")
    group.wait_for()
    assert group.locator("#p-sec_1__sec_220").is_visible()
    assert group.locator(".quote-mark").count() == 0  # the imported bill prints no marks: none are added
    instruction = page.locator("#p-sec_1 > p.text.instruction")
    assert instruction.inner_text().startswith("Chapter 6 of the General Laws is hereby amended")
    assert "Public agency" not in instruction.inner_text()
    # the quoted section comes after the instruction, inside the amending section, indented
    box = instruction.bounding_box()
    quoted_box = page.locator("#p-sec_1__sec_220").bounding_box()
    assert quoted_box["y"] > box["y"] and quoted_box["x"] > box["x"]
    striking = page.locator("#p-sec_2 > p.text.instruction .quoted-text")
    assert striking.all_inner_texts() == ['"thirty days"', '"sixty days"']
    screenshot("opened")

    replace_words(page, instruction, INSTRUCTION)
    quoted = page.locator("#p-sec_1__sec_220__subsec_b > p.text")
    replace_words(page, quoted, QUOTED_TEXT)
    page.get_by_role("group", name="quoted text inserted by 1").wait_for()
    assert page.locator("#selected").inner_text() == "subsection 220(b) (quoted text inserted by 1)"
    screenshot("edited")
    save(page, "instruction and quoted subsection", 2)

    stored, root = stored_root(database, document_id)
    assert stored.version.valid, stored.report
    assert akn.validate(root, strict=True).valid
    modification = akn.xpath(root, "//akn:section[@eId='sec_1']/akn:content/akn:p/akn:mod")[0]
    assert modification.get("eId") == "sec_1__mod_1"
    assert " ".join(modification.text.split()) == INSTRUCTION
    structure = modification.find(akn.akn("quotedStructure"))
    assert structure is not None and structure.get("eId") == "sec_1__mod_1__qstr_1"
    provisions = {p.eId: p for p in akn.iter_provisions(akn.extract_provisions(root))}
    assert provisions["sec_1__sec_220"].quoted
    assert provisions["sec_1__sec_220__subsec_b"].text == QUOTED_TEXT
    assert "Public agency" in provisions["sec_1__sec_220__subsec_a"].text
    assert len(akn.xpath(root, "//akn:quotedText")) == 2
    assert_named_by_the_convention(root)
    # the saved version is shown again as it was edited
    page.get_by_role("group", name="quoted text inserted by 1").locator("#p-sec_1__sec_220__subsec_b").wait_for()
    assert page.locator("#p-sec_1 > p.text.instruction").inner_text() == INSTRUCTION
    assert page_events.console_errors == [] and page_events.dialogs == []


def test_quoted_words_and_structure_edits_keep_the_amendment_markup(live_server, drafter, database, page_events):
    page = drafter
    document_id = store(database, amending_bill())
    open_editor(page, live_server, document_id)

    # quoted words edited inside their quotation marks stay quoted text
    retype_words(page, page.locator("#p-sec_2 > p.text.instruction"), "sixty", "ninety")
    # a quoted subsection added after (c) is numbered in its run; the quoted section cannot leave its structure
    page.locator("#p-sec_1__sec_220__subsec_c > p.text").click()
    page.locator("button[data-action=add-sibling]").click()
    page.locator("#p-sec_1__sec_220__subsec_d").wait_for()
    page.locator("#p-sec_1__sec_220__subsec_d > p.text").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Any person aggrieved may bring a civil action.")
    page.locator("#p-sec_1__sec_220 > .line .heading").click()
    assert page.locator("#move-into option[value=body]").count() == 0
    page.locator("button[data-action=outdent]").click()
    page.locator("#status", has_text="That move is not possible here.").wait_for()
    page.locator("button[data-action=delete]").click()
    page.locator("#status", has_text="That move is not possible here.").wait_for()
    # the amending section moves below the next one: its quoted provisions and modifications follow its new eId
    page.locator("#p-sec_2 > .line .heading").click()
    page.locator("button[data-action=move-up]").click()
    page.locator('#outline [data-eid="sec_2__sec_220"]').wait_for()
    assert page.get_by_role("group", name="quoted text inserted by 2").count() == 1
    save(page, "quoted words and a quoted subsection", 2)

    stored, root = stored_root(database, document_id)
    assert stored.version.valid, stored.report
    assert_named_by_the_convention(root)
    words = akn.xpath(root, "//akn:section[@eId='sec_1']//akn:quotedText")
    assert ["".join(node.itertext()) for node in words] == ['"thirty days"', '"ninety days"']
    provisions = {p.eId: p for p in akn.iter_provisions(akn.extract_provisions(root))}
    assert provisions["sec_2__sec_220__subsec_d"].text == "Any person aggrieved may bring a civil action."
    assert akn.xpath(root, "//akn:mod[@eId='sec_2__mod_1']/akn:quotedStructure[@eId='sec_2__mod_1__qstr_1']")
    assert page_events.console_errors == [] and page_events.dialogs == []


def test_quotation_marks_and_uncommon_shapes_are_shown_and_kept(live_server, drafter, database, page_events,
                                                                 screenshot):
    page = drafter
    document_id = store(database, uncommon_shapes())
    open_editor(page, live_server, document_id)
    # two quoted structures in one paragraph, the words between them and after them editable in place
    groups = page.locator("#p-sec_2 .quoted-structure")
    assert groups.count() == 2
    assert groups.nth(0).locator(".quote-mark").all_inner_texts() == ["“", "“"]  # endQuote defaults to startQuote
    assert groups.nth(1).locator(".quote-mark").all_inner_texts() == ["“", "”"]
    runs = page.locator("#p-sec_2 > p.text.instruction")
    assert runs.all_inner_texts()[1:] == ["and by inserting after subsection (d) the following 2 subsections:-", "."]
    replace_words(page, runs.nth(1), "and by inserting after subsection (e) the following 2 subsections:-")
    # a quoted structure in an intro, before the provision's own subsections; a bare quoted paragraph
    assert page.locator("#p-sec_1 > .quoted-structure #p-sec_1__para_9").count() == 1
    bare = page.locator("#p-sec_3 .quoted-structure > p.text")
    replace_words(page, bare, "No record shall be kept longer than 14 days.")
    screenshot()
    save(page, "uncommon shapes", 2)

    stored, root = stored_root(database, document_id)
    assert stored.version.valid, stored.report
    before = akn.parse_akn(akn.serialize(uncommon_shapes())).root
    for node in akn.xpath(before, "//akn:quotedStructure"):
        kept = akn.xpath(root, f"//akn:quotedStructure[@eId='{node.get('eId')}']")
        assert kept and dict(kept[0].attrib) == dict(node.attrib)
    instruction = akn.xpath(root, "//akn:mod[@eId='sec_2__mod_1']")[0]
    assert " ".join("".join(akn.xpath(instruction, "text()")).split()) == (
        "Section 7 of chapter 40 is hereby amended by inserting after subsection (c) the following subsection:- "
        "and by inserting after subsection (e) the following 2 subsections:- .")
    assert akn.xpath(root, "//akn:quotedStructure[@eId='sec_3__mod_1__qstr_1']/akn:p")[0].text == (
        "No record shall be kept longer than 14 days.")
    assert_named_by_the_convention(root)
    assert page_events.console_errors == [] and page_events.dialogs == []


# --- the instruction's words, set as the editor sets them -----------------------------------------------------------

SET_RUN = """async ([url, xml, eid, run, text]) => {
  const akn = await import(url);
  const doc = akn.parseDocument(xml);
  const modification = Array.from(doc.getElementsByTagNameNS(akn.AKN_NS, "mod"))
    .find((node) => node.getAttribute("eId") === eid);
  const changed = akn.setParagraphText(modification.parentElement, text, run);
  return { changed, xml: akn.serializeDocument(doc) };
}"""

TEXT_AFTER = "</quotedStructure>; and</mod>"


def instruction_words(xml: str, eid: str) -> tuple[str, list[str], list[str]]:
    """The words of a mod outside its quoted structures, its quotedText words, and its quoted structures' eIds."""
    root = akn.parse_akn(xml.encode("utf-8")).root
    modification = akn.xpath(root, f"//akn:mod[@eId='{eid}']")[0]
    outside = " ".join("".join(akn.xpath(modification, "text() | akn:quotedText//text()")).split())
    return (outside, ["".join(node.itertext()) for node in modification.iter(akn.akn("quotedText"))],
            [node.get("eId") for node in modification.iter(akn.akn("quotedStructure"))])


@pytest.mark.parametrize(("eid", "run", "text", "expected"), [
    # words typed at the end of the words after a quoted structure stay in the mod
    ("sec_1__mod_1", 1, "; and further", ("Chapter 6 of the General Laws is hereby amended by inserting after section "
                                          "219 the following section:- ; and further", [], ["sec_1__mod_1__qstr_1"])),
    # every word of the instruction retyped: the mod and the quoted structure stay
    ("sec_1__mod_1", 0, "New words:-", ("New words:- ; and", [], ["sec_1__mod_1__qstr_1"])),
    # every word deleted: still there
    ("sec_1__mod_1", 0, "", ("; and", [], ["sec_1__mod_1__qstr_1"])),
    # quoted words edited stay quoted text; words around them stay outside
    ("sec_2__mod_1", 0, 'Section 37 of chapter 66 of the General Laws is hereby amended by striking out the words '
     '"forty days" and inserting in place thereof the following words:- "seventy days".',
     ('Section 37 of chapter 66 of the General Laws is hereby amended by striking out the words "forty days" and '
      'inserting in place thereof the following words:- "seventy days".', ['"forty days"', '"seventy days"'], [])),
    # quoted words whose every word went are no quoted text any more
    ("sec_2__mod_1", 0, "Section 37 is hereby repealed.", ("Section 37 is hereby repealed.", [], [])),
])
def test_instruction_words_are_set_in_place_keeping_the_mod_and_its_quoted_structure(
        live_server, drafter, database, page_events, eid, run, text, expected):
    page = drafter
    xml = akn.serialize(amending_bill()).decode("utf-8").replace("</quotedStructure></mod>", TEXT_AFTER)
    document_id = store(database, akn.parse_akn(xml.encode("utf-8")).root)
    open_editor(page, live_server, document_id)
    url = page.evaluate("() => new URL('akn.js', document.querySelector('script[type=module]').src).href")
    result = page.evaluate(SET_RUN, [url, xml, eid, run, text])
    assert result["changed"]
    assert instruction_words(result["xml"], eid) == expected
    assert akn.validate(akn.parse_akn(result["xml"].encode("utf-8")).root, strict=True).valid
    assert page_events.console_errors == []
