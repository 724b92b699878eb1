"""The Word redline: real tracked revisions (w:ins / w:del by the drafting service) that accept into the new text
and reject into the old one, notes as comments, nesting as indentation."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from datetime import UTC, datetime

import docx
from lxml import etree

from drafting.compare.docx import AUTHOR, render_docx
from drafting.compare.model import (
    INSERTED,
    SPLIT,
    DocumentSummary,
    Redline,
)
from drafting.importers.docx import docx_to_text
from tests.redline_builders import deleted_sunset, sample_opening
from tests.redline_builders import entry as make_entry

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DATE = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
HOSTILE = '<script>alert(1)</script> " onmouseover="x {{7*7}} </w:t><w:t>'


def w(name: str) -> str:
    """Return the Clark name of a WordprocessingML tag or attribute."""
    return f"{{{W_NS}}}{name}"


def _summary(title: str) -> DocumentSummary:
    return DocumentSummary("/akn/us-ma/bill/2026/moratorium", None, title, "bill", "sha256:abcdef")


def _sample() -> Redline:
    return Redline(
        old=_summary("Moratorium"),
        new=_summary("Moratorium (amended)"),
        alignment=(
            *sample_opening(),
            make_entry(
                INSERTED,
                old=(),
                new=("sec_9",),
                new_num="9.",
                new_heading="Reporting",
                diff=(("+", "The agency shall publish\nan annual report."),),
                children=(
                    make_entry(
                        INSERTED, old=(), new=("sec_9__subsec_a",), new_num="(a)", diff=(("+", "It shall be public."),)
                    ),
                ),
            ),
            deleted_sunset("This Act expires\tin 2030."),
            make_entry(
                old=("sec_10",),
                new=("sec_10",),
                old_num="10.",
                new_num="10.",
                old_heading="Penalties",
                new_heading=None,
                diff=(("=", "A fine "), ("+", "of $500 "), ("=", "applies.")),
                labels=("number-changed",),
            ),
            make_entry(
                SPLIT,
                old=("sec_11",),
                new=("sec_11", "sec_12"),
                old_num="11.",
                new_num="11.",
                diff=(("=", "Enforcement."),),
            ),
        ),
    )


# The entry paragraphs each side should read, in order (the header before them is the same on both sides).
NEW_TEXT = [
    "1. Short title",
    "This Act may be cited as the Moratorium Act.",
    "4. Warrant requirement",
    "(a) The officer may report within 60 days.",
    "2. Definitions",
    'In this Act, "agency" means any agency; ',
    "9. Reporting",
    "The agency shall publish\nan annual report.",
    "(a) It shall be public.",
    "10. A fine of $500 applies.",
    "11. Enforcement.",
]
OLD_TEXT = [
    "1. Short title",
    "This Act may be cited as the Moratorium Act.",
    "3. Warrants",
    "(a) The officer shall report within 30 days.",
    "7. Definitions",
    "In this Act, ",
    "8. Sunset",
    "This Act expires\tin 2030.",
    "10. Penalties",
    "A fine applies.",
    "11. Enforcement.",
]


def _document_xml(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read("word/document.xml"))


def _paragraph_text(paragraph: etree._Element) -> str:
    parts = []
    for node in paragraph.iter(w("t"), w("delText"), w("tab"), w("br")):
        parts.append("\t" if node.tag == w("tab") else "\n" if node.tag == w("br") else node.text or "")
    return "".join(parts)


def _paragraphs_after(root: etree._Element, mark_removed: str) -> list[str]:
    """Read the body's paragraphs, joining each whose paragraph mark is removed (`mark_removed`) with the next."""
    texts, pending = [], ""
    for paragraph in root.find(w("body")).iter(w("p")):
        text = pending + _paragraph_text(paragraph)
        if paragraph.find(f"{w('pPr')}/{w('rPr')}/{w(mark_removed)}") is not None:
            pending = text
            continue
        texts.append(text)
        pending = ""
    assert pending == ""
    return texts


def _unwrap(element: etree._Element) -> None:
    parent = element.getparent()
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


def _accept_all(root: etree._Element) -> list[str]:
    """Accept every revision as Word does: deletions vanish, insertions stay; return the paragraphs' text."""
    root = copy.deepcopy(root)
    for deleted in list(root.iter(w("del"))):
        if deleted.getparent().tag != w("rPr"):
            deleted.getparent().remove(deleted)
    for inserted in list(root.iter(w("ins"))):
        if inserted.getparent().tag != w("rPr"):
            _unwrap(inserted)
    assert not root.xpath("//w:delText", namespaces={"w": W_NS})
    return _paragraphs_after(root, "del")


def _reject_all(root: etree._Element) -> list[str]:
    """Reject every revision: insertions vanish, deletions come back as ordinary text."""
    root = copy.deepcopy(root)
    for inserted in list(root.iter(w("ins"))):
        if inserted.getparent().tag != w("rPr"):
            inserted.getparent().remove(inserted)
    for deleted in list(root.iter(w("del"))):
        if deleted.getparent().tag != w("rPr"):
            _unwrap(deleted)
    for text in list(root.iter(w("delText"))):
        text.tag = w("t")
    return _paragraphs_after(root, "ins")


def _split(texts: list[str], entries: list[str]) -> tuple[list[str], list[str]]:
    return texts[: len(texts) - len(entries)], texts[len(texts) - len(entries) :]


# --- the package ------------------------------------------------------------------------------------------------


def test_the_package_opens_with_python_docx():
    document = docx.Document(io.BytesIO(render_docx(_sample(), date=DATE)))
    assert document.paragraphs[0].text == "Redline"
    assert "Moratorium (amended)" in "\n".join(p.text for p in document.paragraphs[:4])
    assert document.core_properties.author == AUTHOR


def test_the_same_redline_and_date_give_the_same_bytes():
    assert render_docx(_sample(), date=DATE) == render_docx(_sample(), date=DATE)


# --- revisions --------------------------------------------------------------------------------------------------


def test_revisions_carry_author_date_and_unique_ids():
    root = _document_xml(render_docx(_sample(), date=DATE))
    revisions = list(root.iter(w("ins"), w("del")))
    assert len([r for r in revisions if r.tag == w("ins")]) >= 5
    assert len([r for r in revisions if r.tag == w("del")]) >= 5
    for revision in revisions:
        assert revision.get(w("author")) == "Drafting service"
        assert revision.get(w("date")) == "2026-11-26T09:30:00Z"
    ids = [revision.get(w("id")) for revision in revisions]
    assert all(re.fullmatch(r"\d+", value) for value in ids)
    assert len(ids) == len(set(ids))


def test_deleted_text_is_deltext_and_inserted_text_is_t():
    root = _document_xml(render_docx(_sample(), date=DATE))
    for deleted in root.iter(w("del")):
        assert not deleted.xpath(".//w:t", namespaces={"w": W_NS})
    for inserted in root.iter(w("ins")):
        assert not inserted.xpath(".//w:delText", namespaces={"w": W_NS})
    deleted_texts = [t.text for t in root.iter(w("delText"))]
    assert "shall" in deleted_texts and "30" in deleted_texts
    for text in root.iter(w("t"), w("delText")):
        if text.text != text.text.strip():
            assert text.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


def test_accepting_all_revisions_gives_the_new_text():
    header, entries = _split(_accept_all(_document_xml(render_docx(_sample(), date=DATE))), NEW_TEXT)
    assert entries == NEW_TEXT
    assert header[0] == "Redline"


def test_rejecting_all_revisions_gives_the_old_text():
    root = _document_xml(render_docx(_sample(), date=DATE))
    header, entries = _split(_reject_all(root), OLD_TEXT)
    assert entries == OLD_TEXT
    assert header == _split(_accept_all(root), NEW_TEXT)[0]


def test_the_importer_reads_the_redline_as_the_new_document():
    text = docx_to_text(render_docx(_sample(), date=DATE)).text
    assert "4. Warrant requirement" in text and "(a) The officer may report within 60 days." in text
    assert "Sunset" not in text and "shall report" not in text


def test_renumbering_is_a_tracked_deletion_of_the_old_number_and_insertion_of_the_new():
    root = _document_xml(render_docx(_sample(), date=DATE))
    label = next(p for p in root.iter(w("p")) if _paragraph_text(p).startswith("3.4. "))
    revisions = [(child.tag, _paragraph_text(child)) for child in label if child.tag in (w("ins"), w("del"))]
    assert revisions[:2] == [(w("del"), "3."), (w("ins"), "4.")]


def test_whole_inserted_and_deleted_provisions_track_their_paragraph_marks():
    root = _document_xml(render_docx(_sample(), date=DATE))
    body = root.find(w("body"))
    by_text = {_paragraph_text(p): p for p in body.iter(w("p"))}
    for text, mark in (
        ("9. Reporting", "ins"),
        ("(a) It shall be public.", "ins"),
        ("8. Sunset", "del"),
        ("This Act expires\tin 2030.", "del"),
        ("Penalties", None),
    ):
        paragraph = next(p for t, p in by_text.items() if t.startswith(text) or (mark is None and text in t))
        marks = paragraph.findall(f"{w('pPr')}/{w('rPr')}/*")
        if mark is None:  # a changed provision: only its paragraph that exists on one side alone is tracked
            assert [m.tag for m in marks] == [w("del")]
            continue
        assert [m.tag for m in marks] == [w(mark)]
        assert marks[0].get(w("author")) == AUTHOR
        # Every run of the paragraph is inside the same kind of revision.
        for run in paragraph.iter(w("r")):
            if run.find(w("t")) is not None or run.find(w("delText")) is not None:
                assert run.getparent().tag == w(mark)


def test_nested_entries_are_indented_by_depth():
    root = _document_xml(render_docx(_sample(), date=DATE))
    paragraphs = {_paragraph_text(p): p for p in root.iter(w("p"))}
    child = next(p for t, p in paragraphs.items() if t.startswith("(a) The officer"))
    parent = next(p for t, p in paragraphs.items() if t.startswith("3.4."))
    assert int(child.find(f"{w('pPr')}/{w('ind')}").get(w("left"))) > 0
    assert parent.find(f"{w('pPr')}/{w('ind')}") is None


def test_moves_renumbering_and_labels_are_comments_not_text():
    data = render_docx(_sample(), date=DATE)
    document = docx.Document(io.BytesIO(data))
    comments = [comment.text for comment in document.comments]
    assert "Moved from position 5 (old 7.)" in comments
    assert not any("Renumbered" in comment for comment in comments)  # the tracked number change says it
    assert "shall → may: weakened" in comments
    assert "Split into sec_11, sec_12" in comments
    assert all(comment.author == AUTHOR for comment in document.comments)
    root = _document_xml(data)
    assert len(root.xpath("//w:commentReference", namespaces={"w": W_NS})) == len(comments)
    # A comment's range starts and ends outside every revision, so accepting or rejecting never strands it.
    for marker in root.xpath("//w:commentRangeStart | //w:commentRangeEnd", namespaces={"w": W_NS}):
        assert marker.getparent().tag == w("p")
    assert not any("Moved" in text for text in _accept_all(root) + _reject_all(root))


def test_hostile_text_stays_text_and_xml_illegal_characters_are_dropped():
    redline = Redline(
        old=_summary(HOSTILE + "\x00"),
        new=_summary("New\x1b[31m"),
        alignment=(
            make_entry(
                old_num="1.\x01",
                new_num="1.\x01",
                old_heading=HOSTILE,
                new_heading=HOSTILE + "\x0b",
                diff=(("=", "a\x00b "), ("-", HOSTILE + "\ud800"), ("+", "c\x08d")),
                labels=(HOSTILE + "\x02",),
            ),
        ),
    )
    data = render_docx(redline, date=DATE)
    document = docx.Document(io.BytesIO(data))
    assert any(HOSTILE in p.text for p in document.paragraphs)
    root = _document_xml(data)
    assert "<script>" in "".join(root.itertext())
    assert not root.xpath("//*[local-name() = 'script']")
    assert _accept_all(root)[-2:] == [f"1. {HOSTILE}", "ab cd"]
    assert _reject_all(root)[-2:] == [f"1. {HOSTILE}", f"ab {HOSTILE}"]


def test_a_naive_date_is_taken_as_utc():
    root = _document_xml(render_docx(_sample(), date=datetime(2026, 1, 2, 3, 4, 5)))
    assert {r.get(w("date")) for r in root.iter(w("ins"), w("del"))} == {"2026-01-02T03:04:05Z"}


def test_a_heading_on_one_side_only_accepts_and_rejects_into_each_layout():
    added = make_entry(
        old=("sec_5",),
        new=("sec_5",),
        old_num="5.",
        new_num="5.",
        new_heading="Records",
        diff=(("=", "Records are kept."),),
    )
    removed = make_entry(
        old=("sec_6",),
        new=("sec_6",),
        old_num="6.",
        new_num="6.",
        old_heading="Audit",
        diff=(("=", "Audits are annual."),),
    )
    redline = Redline(old=_summary("Old"), new=_summary("New"), alignment=(added, removed))
    root = _document_xml(render_docx(redline, date=DATE))
    assert _accept_all(root)[-3:] == ["5. Records", "Records are kept.", "6. Audits are annual."]
    assert _reject_all(root)[-3:] == ["5. Records are kept.", "6. Audit", "Audits are annual."]
