"""Provision extraction: eId, number, heading, own text, children, path and citation of every provision."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.akn import E, extract_provisions, iter_provisions, parse_akn, xpath

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "akn"


@pytest.fixture
def small_bill():
    """Return the parsed hand-written bill: sections 3 (A., B.), 5 ((a), (b)(1)-(2)) and 16-62.2 ((A), (B)(1))."""
    return parse_akn((FIXTURES / "small-bill.xml").read_bytes()).root


@pytest.fixture
def provisions(small_bill):
    """Return every provision of the small bill by eId."""
    return {provision.eId: provision for provision in iter_provisions(extract_provisions(small_bill))}


def test_extract_provisions_returns_top_level_provisions_in_document_order(small_bill):
    assert [top.eId for top in extract_provisions(small_bill)] == ["sec_3", "sec_5", "sec_16-62.2"]


def test_provision_carries_eid_element_num_and_heading(provisions):
    section = provisions["sec_5"]
    assert (section.eId, section.element, section.num, section.heading) == ("sec_5", "section", "5.", "Prohibition")


def test_provision_without_heading_has_none(provisions):
    assert provisions["sec_5__subsec_a"].heading is None


def test_own_text_is_the_content_of_a_leaf(provisions):
    assert provisions["sec_5__subsec_a"].text == "No agency shall acquire a face surveillance system."


def test_own_text_excludes_num_heading_and_children(provisions):
    assert provisions["sec_5"].text == ""
    assert provisions["sec_3"].text == "In this act the following words mean:"


def test_own_text_joins_intro_and_wrap_up_around_children(provisions):
    assert provisions["sec_5__subsec_b"].text == "No official shall: except as section 16-62.2 allows."


def test_own_text_keeps_inline_markup_words_without_extra_spaces(provisions):
    assert provisions["sec_5__subsec_b__para_2"].text == "ask a third party to use it on the agency's behalf,"


def test_own_text_excludes_the_text_of_provisions_inside_a_container():
    root = E.akomaNtoso(
        E.act(
            E.body(
                E.section(
                    E.num("1."),
                    E.intro(E.p("Lead-in.")),
                    E.part(E.num("A"), E.content(E.p("Nested words."))),
                    E.wrapUp(E.p("Closing words.")),
                    eId="sec_1",
                )
            ),
            name="act",
        )
    )
    (section,) = extract_provisions(root)
    assert section.text == "Lead-in. Closing words."
    assert [child.text for child in section.children] == ["Nested words."]


def test_children_are_the_nearest_provisions_in_document_order(provisions):
    assert [child.eId for child in provisions["sec_5__subsec_b"].children] == [
        "sec_5__subsec_b__para_1",
        "sec_5__subsec_b__para_2",
    ]
    assert provisions["sec_5__subsec_b__para_2"].children == ()


def test_path_lists_printed_numbers_from_the_top(provisions):
    assert provisions["sec_16-62.2__subsec_b__para_1"].path == ("16-62.2", "(B)", "(1)")


@pytest.mark.parametrize(
    ("eid", "citation"),
    [
        ("sec_5__subsec_b__para_2", "5(b)(2)"),
        ("sec_16-62.2__subsec_b__para_1", "16-62.2(B)(1)"),
        ("sec_3__subsec_a", "3(A)"),
        ("sec_5", "5"),
    ],
)
def test_citation_joins_numbers_with_brackets(provisions, eid, citation):
    assert provisions[eid].citation == citation


def test_unnumbered_provision_shares_its_parent_path():
    root = E.akomaNtoso(
        E.act(E.body(E.section(E.num("7."), E.hcontainer(E.content(E.p("Note.")), eId="sec_7__hcontainer_1"))))
    )
    (section,) = extract_provisions(root)
    (container,) = section.children
    assert (container.num, container.path, container.citation) == (None, ("7.",), "7")


def test_provisions_in_meta_are_ignored(small_bill):
    meta = xpath(small_bill, "//akn:meta")[0]
    meta.append(E.proprietary(E.section(E.num("99."), E.content(E.p("Hidden.")), eId="sec_99"), source="#drafting"))
    eids = [provision.eId for provision in iter_provisions(extract_provisions(small_bill))]
    assert "sec_99" not in eids
    assert eids[0] == "sec_3"


def test_iter_provisions_walks_depth_first_in_document_order(small_bill):
    document_order = [node.get("eId") for node in xpath(small_bill, "//akn:body//*[@eId]")]
    assert [provision.eId for provision in iter_provisions(extract_provisions(small_bill))] == document_order


def test_provision_as_dict_nests_children_with_citations(provisions):
    data = provisions["sec_16-62.2__subsec_b"].as_dict()
    assert data == {
        "eId": "sec_16-62.2__subsec_b",
        "element": "subsection",
        "num": "(B)",
        "heading": None,
        "citation": "16-62.2(B)",
        "text": "The agency shall delete such data:",
        "quoted": False,
        "children": [
            {
                "eId": "sec_16-62.2__subsec_b__para_1",
                "element": "paragraph",
                "num": "(1)",
                "heading": None,
                "citation": "16-62.2(B)(1)",
                "text": "within thirty days of collection.",
                "quoted": False,
                "children": [],
            }
        ],
    }
