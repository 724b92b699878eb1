"""The redline of an amending bill reads inside its quoted structures and loses none of them, in every renderer;
the pages that print a document mark its quoted provisions as quoted text.

A quoted provision (the text an amending bill inserts into another law) is an entry of its own, a child of the
amending provision's, flagged `quoted`; the words of the instruction are the amending provision's own text. The AKN
redline keeps every mod, quotedStructure (with its attributes) and quotedText of the new document, marks the changed
words where they stand, puts a deleted quoted provision back into its quoted structure, and validates strictly.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile

import lxml.html
import pytest
from lxml import etree

from drafting import services
from drafting.akn import akn, extract_provisions, serialize, validate, xpath
from drafting.akn.eids import PROVISION_TAGS
from drafting.compare import compare, render
from drafting.compare.akn import render_akn_tree
from drafting.compare.docx import render_docx
from drafting.compare.html import render_fragment, render_html
from drafting.compare.model import walk
from tests.test_quoted_structures_documents import amending_bill, every_document, imported, uncommon_shapes
from tests.test_web import sign_in

HOSTILE = '<script>alert(1)</script> {{7*7}} <img src=x onerror=alert(2)>'
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def element(root, eid: str) -> etree._Element:
    return xpath(root, f"//*[@eId='{eid}']")[0]


def remove(root, eid: str) -> None:
    node = element(root, eid)
    node.getparent().remove(node)


# --- the edits an amending bill goes through ------------------------------------------------------------------------


def edited(root: etree._Element) -> etree._Element:
    """The instruction reworded, a quoted subsection reworded, a quoted subsection added, quoted words changed."""
    new = copy.deepcopy(root)
    modification = element(new, "sec_1__mod_1")
    modification.text = modification.text.replace("after section 219", "after section 218")
    quoted = element(new, "sec_1__sec_220__subsec_c")
    quoted.find(f"{akn('content')}/{akn('p')}").text = "Any information obtained in violation of this section shall " \
        "not be admissible in any civil, criminal or administrative proceeding."
    added = copy.deepcopy(quoted)
    added.set("eId", "sec_1__sec_220__subsec_d")
    added.find(akn("num")).text = "(d)"
    added.find(f"{akn('content')}/{akn('p')}").text = "Any person aggrieved may bring a civil action."
    quoted.addnext(added)
    element(new, "sec_2__mod_1__qtext_2").text = '"ninety days"'
    return new


def first_quoted_deleted(root):
    """The first of the two subsections SECTION 2 of uncommon_shapes quotes the second time, deleted."""
    new = copy.deepcopy(root)
    remove(new, "sec_2__subsec_e")
    return new


def quoted_structure_deleted(root):
    new = copy.deepcopy(root)
    remove(new, "sec_1__mod_1__qstr_1")
    return new


def mod_deleted(root):
    """The instruction kept as plain words: no mod in the new paragraph to put the deleted quoted text back into."""
    new = quoted_structure_deleted(root)
    modification = element(new, "sec_1__mod_1")
    paragraph = modification.getparent()
    paragraph.text = modification.text
    paragraph.remove(modification)
    return new


def amending_section_deleted(root):
    new = copy.deepcopy(root)
    remove(new, "sec_1")
    return new


def quoted_sections_deleted(root):
    """A quoted subsection and an ordinary one deleted, a quoted paragraph reworded."""
    new = copy.deepcopy(root)
    remove(new, "sec_2__subsec_e")
    remove(new, "sec_1__subsec_b")
    element(new, "sec_1__para_9").find(f"{akn('content')}/{akn('p')}").text = "Keep a public log online."
    return new


EDITS = {
    "edited": (amending_bill, edited),
    "first-quoted-deleted": (uncommon_shapes, first_quoted_deleted),
    "quoted-structure-deleted": (amending_bill, quoted_structure_deleted),
    "mod-deleted": (amending_bill, mod_deleted),
    "amending-section-deleted": (amending_bill, amending_section_deleted),
    "amending-section-inserted": (lambda: amending_section_deleted(amending_bill()), lambda _: amending_bill()),
    "another-bill": (lambda: imported("printed-quotes"), lambda _: imported("quoted-chapter")),
    "uncommon-shapes-edited": (uncommon_shapes, quoted_sections_deleted),
}


def pair(name):
    make_old, make_new = EDITS[name]
    old = make_old()
    return old, make_new(old)


def modifications(root) -> dict[str, dict]:
    """Every mod, quotedStructure and quotedText of a document, by eId, with its attributes."""
    return {node.get("eId"): dict(node.attrib)
            for node in xpath(root, "//akn:mod | //akn:quotedStructure | //akn:quotedText")}


# --- the redline model ----------------------------------------------------------------------------------------------


def test_quoted_provisions_are_entries_of_their_amending_provision_flagged_quoted():
    old = amending_bill()
    redline = compare(old, edited(old))
    first = redline.alignment[0]
    assert (first.new, first.quoted) == (("sec_1",), False)
    quoted = first.children[0]
    assert (quoted.new, quoted.quoted, quoted.status) == (("sec_1__sec_220",), True, "changed")
    assert [(child.new, child.status, child.quoted) for child in quoted.children] == [
        (("sec_1__sec_220__subsec_a",), "unchanged", False),
        (("sec_1__sec_220__subsec_b",), "unchanged", False),
        (("sec_1__sec_220__subsec_c",), "changed", False),
        (("sec_1__sec_220__subsec_d",), "inserted", False),
    ]
    # the instruction's own words are the amending section's text; the quoted law is not
    assert ("-", "219") in first.diff and ("+", "218") in first.diff
    assert "inadmissible" not in "".join(text for _, text in first.diff)
    json = redline.as_dict()["alignment"][0]
    assert "quoted" not in json and json["children"][0]["quoted"] is True


def test_paragraph_diffs_of_an_instruction_leave_out_the_text_it_quotes():
    old = amending_bill()
    first = compare(old, edited(old)).alignment[0]
    assert [(change.block, change.index) for change in first.paragraph_diffs] == [("content", 0)]
    words = "".join(text for _, text in first.paragraph_diffs[0].diff)
    assert "219" in words and "Section 220" not in words and "admissible" not in words


@pytest.mark.parametrize("name", sorted(EDITS))
def test_quoted_flags_follow_the_quoted_provisions_of_either_side(name):
    old, new = pair(name)
    quoted_old = {p.eId for p in _walk(extract_provisions(old)) if p.quoted}
    quoted_new = {p.eId for p in _walk(extract_provisions(new)) if p.quoted}
    for entry in walk(compare(old, new).alignment):
        eid = (entry.new or entry.old)[0]
        assert entry.quoted == (eid in (quoted_new if entry.new else quoted_old)), entry


def _walk(provisions):
    for provision in provisions:
        yield from provision.walk()


# --- the AKN redline ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EDITS))
def test_akn_redline_of_an_amending_bill_validates_strictly_and_keeps_every_quoted_structure(name):
    old, new = pair(name)
    assert validate(old, strict=True).valid and validate(new, strict=True).valid
    marked = render_akn_tree(compare(old, new), new, old)
    report = validate(marked, strict=True)
    assert report.valid, report.errors[:3]
    kept = modifications(marked)
    for eid, attributes in modifications(new).items():
        assert {key: value for key, value in kept[eid].items() if key != "class"} == attributes, eid
    # every provision of the new document is there, under the same quoted structure
    for provision in new.iter(*PROVISION_TAGS):
        structure = next(provision.iterancestors(akn("quotedStructure")), None)
        there = element(marked, provision.get("eId"))
        around = next(there.iterancestors(akn("quotedStructure")), None)
        assert (around.get("eId") if around is not None else None) == (
            structure.get("eId") if structure is not None else None), provision.get("eId")
    # changed words are marked once: never an <ins> or <del> inside another, never one around a quoted structure
    assert not xpath(marked, "//akn:ins//akn:ins | //akn:del//akn:del | //akn:ins//akn:del | //akn:del//akn:ins")
    assert not xpath(marked, "//akn:ins//akn:quotedStructure | //akn:del//akn:quotedStructure")
    # every change listed points at an element of the redline
    eids = {node.get("eId") for node in marked.iter() if node.get("eId")}
    for destination in xpath(marked, "//akn:textualMod/akn:destination"):
        assert destination.get("href")[1:] in eids


def test_akn_redline_marks_the_instructions_words_inside_its_mod_and_quoted_text():
    old = amending_bill()
    new = edited(old)
    marked = render_akn_tree(compare(old, new), new, old)
    instruction = element(marked, "sec_1__mod_1")
    assert [node.text for node in xpath(instruction, "akn:del")] == ["219"]
    assert [node.text for node in xpath(instruction, "akn:ins")] == ["218"]
    assert instruction.find(akn("quotedStructure")) is not None
    words = element(marked, "sec_2__mod_1__qtext_2")
    assert ("".join(words.itertext()), [node.text for node in words.iter(akn("ins"))]) == (
        '"sixty"ninety days"', ['"ninety'])
    added = element(marked, "sec_1__sec_220__subsec_d")
    assert added.get("class") == "redline-inserted"
    assert "".join(added.find(f"{akn('content')}/{akn('p')}/{akn('ins')}").itertext()).startswith("Any person")


def test_akn_redline_puts_a_deleted_quoted_provision_back_into_its_quoted_structure():
    old = uncommon_shapes()
    new = first_quoted_deleted(old)
    marked = render_akn_tree(compare(old, new), new, old)
    removed = element(marked, "deleted__sec_2__subsec_e")
    assert removed.getparent().get("eId") == "sec_2__mod_1__qstr_2"
    assert removed.getparent().index(removed) == 0 and removed.get("status") == "removed"


def test_akn_redline_keeps_quoted_text_whose_structure_is_gone_in_a_deleted_structure():
    old = amending_bill()
    for make in (quoted_structure_deleted, mod_deleted):
        new = make(old)
        marked = render_akn_tree(compare(old, new), new, old)
        removed = element(marked, "deleted__sec_1__sec_220")
        structure = removed.getparent()
        # in a copy of the old structure: in the amending section, or in the copy of the deleted amending section
        assert (structure.tag, structure.get("eId")) == (akn("quotedStructure"), "deleted__sec_1__mod_1__qstr_1")
        assert validate(marked, strict=True).valid


def test_akn_redline_puts_quoted_provisions_of_a_structure_gone_into_a_copy_of_it_in_the_instruction():
    old = uncommon_shapes()
    new = copy.deepcopy(old)
    structure = element(new, "sec_2__mod_1__qstr_2")
    structure.getprevious().tail = "."
    structure.getparent().remove(structure)
    marked = render_akn_tree(compare(old, new), new, old)
    assert validate(marked, strict=True).valid
    copied = element(marked, "deleted__sec_2__mod_1__qstr_2")
    assert (copied.getparent().get("eId"), copied.get("class"), copied.get("startQuote")) == (
        "sec_2__mod_1", "redline-deleted", "“")
    assert [child.get("eId") for child in copied] == ["deleted__sec_2__subsec_e", "deleted__sec_2__subsec_f"]
    assert [child.get("eId") for child in element(marked, "sec_2__mod_1__qstr_1")] == ["sec_2__subsec_c"]


def test_akn_redline_marks_each_word_of_a_wholly_inserted_provision_once():
    old = amending_section_deleted(amending_bill())
    new = amending_bill()
    marked = render_akn_tree(compare(old, new), new, old)
    for eid in ("sec_1", "sec_1__sec_220", "sec_1__sec_220__subsec_a"):
        assert element(marked, eid).get("class") == "redline-inserted"
    num = element(marked, "sec_1__sec_220__subsec_a").find(akn("num"))
    assert etree.tostring(num, encoding="unicode", with_tail=False).count("<ins") == 1
    instruction = element(marked, "sec_1__mod_1")
    assert instruction.find(akn("ins")).text.startswith("Chapter 6")


def test_akn_redline_of_nested_inserted_provisions_wraps_their_words_once():
    # a provision inserted with its children: each child is an entry of its own, marked once (not again by its
    # parent), amending bill or not
    old = copy.deepcopy(uncommon_shapes())
    new = copy.deepcopy(old)
    remove(old, "sec_1")
    marked = render_akn_tree(compare(old, new), new, old)
    assert not xpath(marked, "//akn:ins//akn:ins")
    assert element(marked, "sec_1__subsec_a").find(f"{akn('num')}/{akn('ins')}").text == "(a)"


def test_render_akn_of_an_amending_bill_is_strictly_valid_bytes():
    old = amending_bill()
    new = edited(old)
    data = render(compare(old, new), "akn", new_root=new, old_root=old)
    assert validate(etree.fromstring(data), strict=True).valid


# --- the HTML redline -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["inline", "side-by-side"])
def test_html_redline_marks_quoted_provisions_as_quoted_text_of_their_amending_provision(view):
    old = amending_bill()
    page = lxml.html.fromstring(render_html(compare(old, edited(old)), view=view))
    quoted = page.xpath("//*[contains(concat(' ', @class, ' '), ' quoted ')]")
    assert [node.get("data-new") for node in quoted] == ["sec_1__sec_220"]
    caption = quoted[0].xpath(".//p[@class='quoted-by']")[0]
    assert caption.text_content().strip() == "“ Quoted text inserted by 1"
    inside = page.xpath("//*[contains(concat(' ', @class, ' '), ' in-quote ')]/@data-new")
    assert inside == ["sec_1__sec_220", *(f"sec_1__sec_220__subsec_{x}" for x in "abcd")]
    assert ".entry.quoted" in page.xpath("//style")[0].text


def test_html_redline_without_quoted_text_neither_marks_nor_styles_it():
    old = every_document()["amending-bill"]
    new = copy.deepcopy(old)
    for node in xpath(new, "//akn:section[@eId='sec_3']"):
        node.find(akn("num")).text = "SECTION 4."
    for root in (old, new):
        remove(root, "sec_1")
    html = render_html(compare(old, new))
    assert "quoted" not in html


def test_html_fragment_marks_quoted_text_and_escapes_it():
    old = amending_bill()
    new = edited(old)
    element(new, "sec_1__sec_220__subsec_d").find(f"{akn('content')}/{akn('p')}").text = HOSTILE
    fragment = str(render_fragment(compare(old, new)))
    assert "<script>" not in fragment and "<img" not in fragment and "&lt;script&gt;" in fragment
    page = lxml.html.fromstring(fragment)
    entry = page.xpath("//section[contains(concat(' ', @class, ' '), ' quoted ')]")[0]
    assert entry.get("data-new") == "sec_1__sec_220"


# --- the Word redline -----------------------------------------------------------------------------------------------


def _w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


def test_word_redline_rules_quoted_text_and_notes_which_provision_quotes_it():
    old = amending_bill()
    data = render_docx(compare(old, edited(old)))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = etree.fromstring(package.read("word/document.xml"))
        comments = etree.fromstring(package.read("word/comments.xml"))
    paragraphs = list(body.iter(_w("p")))
    ruled = ["".join(p.itertext()) for p in paragraphs if p.find(f"{_w('pPr')}/{_w('pBdr')}") is not None]
    assert ruled[0] == "Section 220."
    assert any(text.startswith("(d) Any person aggrieved") for text in ruled)
    assert not any("Chapter 6 of the General Laws" in text for text in ruled)
    assert "Quoted text inserted by 1" in ["".join(c.itertext()) for c in comments.iter(_w("comment"))]
    # w:pBdr stands where the schema puts it in w:pPr: after w:pStyle, before w:ind and w:rPr
    for p in paragraphs:
        properties = p.find(_w("pPr"))
        names = [etree.QName(child).localname for child in properties] if properties is not None else []
        if "pBdr" in names:
            assert [name for name in names if name in ("pStyle", "pBdr", "ind", "rPr")] == [
                name for name in ("pStyle", "pBdr", "ind", "rPr") if name in names]


# --- the pages that print a document -----------------------------------------------------------------------------


@pytest.fixture
def stored_bill(app, client, auth):
    """Store the amending bill (version 1) and its edit (version 2); sign a viewer in; return the document id."""
    old = amending_bill()
    response = client.post("/api/documents", data=serialize(old),
                           headers=auth(**{"Content-Type": "application/akn+xml"}))
    assert response.status_code == 201, response.get_data(as_text=True)
    document_id = response.get_json()["id"]
    current = client.get(f"/api/documents/{document_id}", headers=auth(Accept="application/akn+xml"))
    saved = client.put(f"/api/documents/{document_id}?message=edit", data=serialize(edited(old)),
                       headers=auth(**{"Content-Type": "application/akn+xml", "If-Match": current.headers["ETag"]}))
    assert saved.status_code == 200, saved.get_data(as_text=True)
    services.create_user(app.extensions["drafting.database"], "vera", "viewer", "correct horse battery")
    sign_in(client, "vera", "correct horse battery")
    return document_id


def test_document_page_prints_quoted_provisions_in_a_blockquote_named_after_the_amending_section(client, stored_bill):
    page = lxml.html.fromstring(client.get(f"/documents/{stored_bill}").get_data(as_text=True))
    quotes = page.xpath("//article[@class='bill']//blockquote[@class='quoted']")
    assert [quote.get("aria-label") for quote in quotes] == ["quoted text inserted by 1"]
    assert quotes[0].xpath("./section/@id") == ["sec_1__sec_220"]
    assert quotes[0].xpath(".//section/@id")[1:] == [f"sec_1__sec_220__subsec_{x}" for x in "abcd"]
    assert quotes[0].getparent().get("id") == "sec_1"
    amending = page.xpath("//section[@id='sec_1']/p")[0].text_content()
    assert "after section 218" in amending and "Public agency" not in amending


def test_compare_page_marks_quoted_text_in_the_redline(client, stored_bill):
    response = client.get(f"/documents/{stored_bill}/compare?against={stored_bill}&against_version=1&version=2")
    page = lxml.html.fromstring(response.get_data(as_text=True))
    quoted = page.xpath("//div[contains(@class, 'redline')]//section[contains(concat(' ', @class, ' '), ' quoted ')]")
    assert [node.get("data-new") for node in quoted] == ["sec_1__sec_220"]
    assert re.sub(r"\s+", " ", quoted[0].xpath(".//p[@class='quoted-by']")[0].text_content()).strip() \
        == "“ Quoted text inserted by 1"


def test_the_provision_tree_says_which_provisions_open_a_quoted_structure():
    tree = [provision.as_dict() for provision in extract_provisions(amending_bill())]
    assert [item["quoted"] for item in tree] == [False, False, False]
    assert tree[0]["children"][0]["quoted"] is True
    assert tree[0]["children"][0]["children"][0]["quoted"] is False
