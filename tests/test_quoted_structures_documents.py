"""Amending bills whose quoted structures the renderers, the pages and the editor must read and keep.

The documents here are made as a drafter makes them: the text importer reads an amending bill ("SECTION 1. Chapter 6
... is hereby amended by inserting after section 219 the following section:- Section 220. ...") into a <mod> holding
a <quotedStructure>, striking words into <quotedText>, repeals into a bare <mod>; and one document is built by hand in
the shapes the importer does not make (a quoted structure in an intro, two in one paragraph, words after one, one
holding a bare paragraph). tests/test_quoted_structures_render.py, tests/test_browser_quoted_editor.py and the eId
parity test (tests/test_browser_eids.py) use them; the tests below say what they hold.
"""

from __future__ import annotations

import pytest
from lxml import etree

from drafting.akn import E, extract_provisions, generate_eids, iter_provisions, serialize, validate, xpath
from drafting.akn.eids import expected_eids, modification_eids
from drafting.importers.text import import_text

AMENDING_BILL = """AN ACT RELATIVE TO FACE SURVEILLANCE IN THE COMMONWEALTH

SECTION 1. Chapter 6 of the General Laws is hereby amended by inserting after section 219 the following section:-
Section 220. (a) For the purposes of this section, the following words shall have the following meanings:-
"Face surveillance", an automated or semi-automated process that assists in identifying an individual.
"Public agency", any agency, executive office, department, board, commission or authority of the commonwealth.
(b) No public agency shall acquire, possess, access or use any face surveillance system.
(c) Any information obtained in violation of this section shall be inadmissible in any proceeding.

SECTION 2. Section 37 of chapter 66 of the General Laws is hereby amended by striking out the words "thirty days" and \
inserting in place thereof the following words:- "sixty days".

SECTION 3. Section 99 of chapter 272 of the General Laws is hereby repealed.
"""

QUOTED_CHAPTER = """AN ACT ESTABLISHING A FACE SURVEILLANCE COMMISSION

SECTION 1. The General Laws are hereby amended by inserting after chapter 6D the following chapter:-
CHAPTER 6E. FACE SURVEILLANCE
Section 1. Definitions. As used in this chapter, the following words shall have the following meanings:-
"Face surveillance system", any computer software that performs face surveillance.
Section 2. No agency shall use a face surveillance system.
Section 3. Any person aggrieved by a violation of this chapter may bring a civil action.
"""

PRINTED_QUOTES = """AN ACT RELATIVE TO BIOMETRIC DATA

SECTION 1. Section 12 of chapter 66 of the General Laws is hereby amended by adding the following 2 subsections:-
“(c) No person shall sell biometric data.
“(d) A violation of this section is an unfair practice.”
"""

TEXTS = {"amending-bill": AMENDING_BILL, "quoted-chapter": QUOTED_CHAPTER, "printed-quotes": PRINTED_QUOTES}


def imported(name: str) -> etree._Element:
    """Import one of the texts above as the service does."""
    return import_text(TEXTS[name]).root


def amending_bill() -> etree._Element:
    return imported("amending-bill")


def uncommon_shapes() -> etree._Element:
    """An amending act built by hand: a quoted structure in an intro, before its provision's own children; two in one
    paragraph with words between and after them; one holding a bare paragraph; quoted text inside a quoted section."""
    meta = E.meta(E.identification(
        E.FRBRWork(E.FRBRthis(value="/akn/us-ma/act/2026/shapes/!main"), E.FRBRuri(value="/akn/us-ma/act/2026/shapes"),
                   E.FRBRdate(date="2026-01-01", name="Generation"), E.FRBRauthor(href="#drafting"),
                   E.FRBRcountry(value="us-ma")),
        E.FRBRExpression(E.FRBRthis(value="/akn/us-ma/act/2026/shapes/eng@2026-01-01/!main"),
                         E.FRBRuri(value="/akn/us-ma/act/2026/shapes/eng@2026-01-01"),
                         E.FRBRdate(date="2026-01-01", name="Generation"), E.FRBRauthor(href="#drafting"),
                         E.FRBRlanguage(language="eng")),
        E.FRBRManifestation(E.FRBRthis(value="/akn/us-ma/act/2026/shapes/eng@2026-01-01/!main.xml"),
                            E.FRBRuri(value="/akn/us-ma/act/2026/shapes/eng@2026-01-01.akn"),
                            E.FRBRdate(date="2026-01-01", name="Generation"), E.FRBRauthor(href="#drafting")),
        source="#drafting",
    ), E.references(E.TLCOrganization(eId="drafting", href="/ontology/organization/drafting", showAs="Drafting"),
                    source="#drafting"))

    def section(num, *content):
        return E.section(E.num(num), *content)

    def text(words):
        return E.content(E.p(words))

    first = E.section(
        E.num("SECTION 1."),
        E.intro(E.p(E.mod("Section 2 of chapter 41 is hereby amended by adding the following paragraph:- ",
                          E.quotedStructure(E.paragraph(E.num("(9)"), text("Keep a public log.")),
                                            startQuote="“", endQuote="”"),
                          "; and"))),
        E.subsection(E.num("(a)"), text("This section takes effect on passage.")),
        E.subsection(E.num("(b)"), text("It applies to every town.")),
    )
    second = section(
        "SECTION 2.",
        E.content(E.p(E.mod(
            "Section 7 of chapter 40 is hereby amended by inserting after subsection (c) the following subsection:- ",
            E.quotedStructure(E.subsection(E.num("(c½)"), text("No town shall buy drones.")), startQuote="“"),
            " and by inserting after subsection (d) the following 2 subsections:- ",
            E.quotedStructure(
                E.subsection(E.num("(e)"), E.content(E.p(E.mod(
                    "Each town shall strike the words ", E.quotedText('"may use"'), ".")))),
                E.subsection(E.num("(f)"), text("Each town shall report yearly.")),
                startQuote="“", endQuote="”"),
            ".",
        ))),
    )
    third = section("SECTION 3.", E.content(E.p(E.mod(
        "Section 9 of chapter 4 is hereby amended by adding the following sentence:- ",
        E.quotedStructure(E.p("No record shall be kept longer than 30 days."), startQuote="“", endQuote="”")))))
    root = E.akomaNtoso(E.act(meta, E.body(first, second, third), name="act"))
    generate_eids(root)
    return root


def every_document() -> dict[str, etree._Element]:
    return {**{name: imported(name) for name in TEXTS}, "uncommon-shapes": uncommon_shapes()}


def quoted_structures(root: etree._Element) -> list[etree._Element]:
    return xpath(root, "//akn:quotedStructure")


# --- what the documents hold --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(every_document()))
def test_amending_documents_are_strictly_valid_with_quoted_structures(name):
    root = every_document()[name]
    assert quoted_structures(root), serialize(root).decode()
    report = validate(root, strict=True)
    assert report.valid, report.errors[:3]


@pytest.mark.parametrize("name", sorted(every_document()))
def test_amending_documents_name_every_provision_and_modification_by_the_convention(name):
    root = every_document()[name]
    assert {node: node.get("eId") for node in expected_eids(root)} == expected_eids(root)
    assert {node: node.get("eId") for node in modification_eids(root)} == modification_eids(root)


def test_amending_bill_quotes_a_section_with_a_definitions_subsection_under_its_amending_section():
    root = amending_bill()
    first = extract_provisions(root)[0]
    quoted = first.children[0]
    assert (first.eId, quoted.eId, quoted.quoted, quoted.citation) == ("sec_1", "sec_1__sec_220", True, "220")
    assert [child.citation for child in quoted.children] == ["220(a)", "220(b)", "220(c)"]
    assert "Public agency" in quoted.children[0].text
    assert "inserting after section 219" in first.text and "Public agency" not in first.text
    assert xpath(root, "//akn:section[@eId='sec_2']//akn:quotedText")


def test_quoted_chapter_and_printed_quotes_open_their_quoted_structures():
    chapter = extract_provisions(imported("quoted-chapter"))[0].children[0]
    assert (chapter.element, chapter.quoted, len(chapter.children)) == ("chapter", True, 3)
    printed = imported("printed-quotes")
    assert [p.citation for p in iter_provisions(extract_provisions(printed)) if p.quoted] == ["(c)", "(d)"]
    assert quoted_structures(printed)[0].get("startQuote") == "“"
