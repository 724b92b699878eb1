"""Plain-text rendering: the document as printed, num and heading layout, no word lost or invented, no meta."""

from __future__ import annotations

import copy
import re
from collections import Counter
from pathlib import Path

import pytest

from drafting.akn import E, akn, extract_provisions, iter_provisions, parse_akn, xpath
from drafting.akn.eids import parent_provision
from drafting.akn.text import render_text

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "drafting" / "samples"
SAMPLE_FILES = sorted(SAMPLES_DIR.glob("*.xml"))


def _closed(heading: str) -> str:
    """A heading as the house style prints it: with a final period unless it ends in punctuation."""
    return heading if heading.endswith((".", ":", ";", "!", "?")) else f"{heading}."


def _folded(node) -> str:
    """An element's text as printed: inline markup dropped, whitespace folded."""
    return " ".join("".join(node.itertext()).split())


def _document(*body, preface=None, meta_value="/akn/us-xx/act/2026/hidden"):
    """Build a minimal act: a meta block with a recognisable FRBR URI, an optional preface, then the body."""
    parts = [E.meta(E.identification(E.FRBRWork(E.FRBRuri(value=meta_value)), source="#x"))]
    if preface is not None:
        parts.append(E.preface(*preface))
    parts.append(E.body(*body))
    return E.akomaNtoso(E.act(*parts, name="act"))


def _paragraphs(text: str) -> list[str]:
    return text.rstrip("\n").split("\n\n")


@pytest.fixture(params=SAMPLE_FILES, ids=lambda path: path.stem)
def sample(request) -> Path:
    return request.param


@pytest.fixture
def sample_root(sample):
    return parse_akn(sample.read_bytes()).root


def test_every_provision_prints_num_heading_and_own_text_in_document_order(sample_root):
    output = render_text(sample_root)
    cursor = 0
    for provision in iter_provisions(extract_provisions(sample_root)):
        label = provision.num
        if provision.heading:
            label = f"{label} {_closed(provision.heading)}"
        match = re.compile(rf"^{re.escape(label)}(?: |$)", re.MULTILINE).search(output, cursor)
        assert match, f"{provision.eId}: {label!r} not found at the start of a line after offset {cursor}"
        cursor = match.start()
        (node,) = xpath(sample_root, "//*[@eId=$eid]", eid=provision.eId)
        position = match.end()
        for p in node.iter(akn("p")):
            if parent_provision(p) is node:
                printed = _folded(p)
                position = output.index(printed, position) + len(printed)


def test_printed_words_are_the_document_words_plus_heading_periods(sample_root):
    document = copy.deepcopy(sample_root)
    for meta in xpath(document, "//akn:meta"):
        meta.getparent().remove(meta)
    for heading in xpath(document, "//akn:heading"):
        printed = _closed(_folded(heading))
        for child in list(heading):
            heading.remove(child)
        heading.text = printed
    expected = Counter("".join(document.itertext()).split())
    assert Counter(render_text(sample_root).split()) == expected


@pytest.mark.parametrize("xml", SAMPLE_FILES, ids=lambda path: path.stem)
def test_committed_sample_text_equals_render_text_of_its_xml(xml):
    committed = xml.with_suffix(".txt")
    assert committed.exists(), f"{committed.name} is missing; render it from {xml.name}"
    assert committed.read_text(encoding="utf-8") == render_text(parse_akn(xml.read_bytes()).root)


def test_meta_never_appears(sample_root):
    output = render_text(sample_root)
    uris = [value for value in xpath(sample_root, "//akn:meta//@value | //akn:meta//@href") if value.startswith("/")]
    assert uris
    assert not [uri for uri in uris if uri in output]
    assert "/akn/" not in output


def test_meta_text_of_a_built_document_is_not_printed():
    output = render_text(_document(E.section(E.num("1."), E.content(E.p("Text.")))))
    assert "hidden" not in output
    assert output == "1. Text.\n"


def test_hostile_text_is_printed_literally():
    root = _document(
        E.section(
            E.num("1."),
            E.heading("<script>alert(1)</script>"),
            E.content(E.p("Use &amp; <b>bold</b> & ]]> as typed.")),
        )
    )
    assert render_text(root) == "1. <script>alert(1)</script>.\n\nUse &amp; <b>bold</b> & ]]> as typed.\n"


def test_text_never_breaks_a_paragraph_across_lines():
    root = _document(E.section(E.num("1."), E.content(E.p("one\r\ntwo\u2028three\x85four\tfive"))))
    assert render_text(root) == "1. one two three four five\n"


def test_section_with_heading_prints_num_and_heading_as_its_own_paragraph():
    root = _document(E.section(E.num("2.128.030"), E.heading("Definitions"), E.content(E.p("In this chapter."))))
    assert _paragraphs(render_text(root)) == ["2.128.030 Definitions.", "In this chapter."]


def test_num_is_printed_exactly_as_stored():
    root = _document(E.section(E.num("  Section\n 3. "), E.heading("Definitions"), E.content(E.p("Text."))))
    assert _paragraphs(render_text(root))[0] == "Section 3. Definitions."


def test_heading_that_ends_in_punctuation_gets_no_extra_period():
    root = _document(E.section(E.num("1."), E.heading("What is covered?"), E.content(E.p("Text."))))
    assert _paragraphs(render_text(root))[0] == "1. What is covered?"


def test_section_without_heading_runs_its_num_into_its_first_paragraph():
    root = _document(E.section(E.num("5."), E.content(E.p("This act takes effect."), E.p("Second."))))
    assert _paragraphs(render_text(root)) == ["5. This act takes effect.", "Second."]


def test_subsection_runs_num_and_heading_into_its_first_paragraph():
    root = _document(
        E.section(
            E.num("3."),
            E.heading("Enforcement"),
            E.subsection(E.num("A."), E.heading("Suppression"), E.content(E.p("No evidence."), E.p("More."))),
        )
    )
    assert _paragraphs(render_text(root)) == ["3. Enforcement.", "A. Suppression. No evidence.", "More."]


def test_subsection_with_only_children_prints_its_label_alone():
    root = _document(
        E.section(
            E.num("1."),
            E.subsection(E.num("(B)"), E.heading("Relief"), E.paragraph(E.num("(1)"), E.content(E.p("An action.")))),
        )
    )
    assert _paragraphs(render_text(root)) == ["1.", "(B) Relief.", "(1) An action."]


def test_intro_children_and_wrap_up_print_in_that_order():
    root = _document(
        E.section(
            E.num("1."),
            E.heading("Definitions"),
            E.paragraph(
                E.num("(3)"),
                E.intro(E.p("System, any of:")),
                E.point(E.num("(i)"), E.content(E.p("the face;"))),
                E.point(E.num("(ii)"), E.content(E.p("gait."))),
                E.wrapUp(E.p("The term includes more.")),
            ),
        )
    )
    assert _paragraphs(render_text(root)) == [
        "1. Definitions.",
        "(3) System, any of:",
        "(i) the face;",
        "(ii) gait.",
        "The term includes more.",
    ]


def test_definition_prints_its_term_in_place_with_its_quotes():
    root = _document(
        E.section(
            E.num("1."),
            E.paragraph(E.num("(1)"), E.content(E.p('"', E.def_("Third party", refersTo="#t"), '", any person.'))),
        )
    )
    assert _paragraphs(render_text(root))[-1] == '(1) "Third party", any person.'


def test_unnumbered_hcontainer_prints_only_its_content():
    root = _document(E.hcontainer(E.content(E.p("Introductory words.")), name="crossHeading"))
    assert render_text(root) == "Introductory words.\n"


def test_preface_blocks_print_as_paragraphs_before_the_body():
    root = _document(
        E.section(E.num("1."), E.content(E.p("Text."))),
        preface=[E.p(E.docTitle("A  Title"), **{"class": "title"}), E.longTitle(E.p("An Act\n  concerning X"))],
    )
    assert _paragraphs(render_text(root)) == ["A Title", "An Act concerning X", "1. Text."]


def test_line_break_element_keeps_the_words_on_either_side_apart():
    root = _document(E.section(E.num("1."), E.content(E.p("first", E.eol(), "second"))))
    assert render_text(root) == "1. first second\n"


def test_empty_document_prints_nothing():
    assert render_text(_document()) == ""
