"""Front matter: each block before the body is classified (cover, title, long title, recitals, enacting formula,
instructions) by its features and its neighbours, and the decision and its reason are in the import report.

Each test imports a short front matter written for it and asserts on the AKN parts (coverPage, preface, preamble),
on the report's title and on the reasons recorded.
"""

from __future__ import annotations

import pytest

from drafting.akn.namespaces import akn, xpath
from drafting.akn.provisions import block_text, extract_provisions, iter_provisions
from drafting.importers.structure.front import classify_front
from drafting.importers.text import ImportResult
from tests.import_helpers import imported, lines


def words(node) -> str:
    return " ".join(block_text(node).split())


def part(result: ImportResult, name: str):
    return result.root[0].find(akn(name))


def recitals(result: ImportResult) -> list[str]:
    return [words(node) for node in xpath(result.root, "//akn:preamble/akn:recitals/akn:recital")]


def formula(result: ImportResult) -> list[str]:
    return [words(node) for node in xpath(result.root, "//akn:preamble/akn:formula")]


def outline(result: ImportResult) -> list[tuple[str | None, str | None]]:
    return [(p.num, p.heading) for p in iter_provisions(extract_provisions(result.root))]


def recognised(result: ImportResult) -> str:
    return " | ".join(item["what"] for item in result.report["recognised"])


BODY = ("", "SECTION 1. No agency shall use face recognition technology.")

# --- titles ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "title"),
    [
        pytest.param(("THE COMMONWEALTH OF MASSACHUSETTS", "", "An Act relative to face recognition.", "",
                      "Be it enacted by the Senate and House of Representatives in General Court assembled:"),
                     "An Act relative to face recognition.", id="an-act-relative-to"),
        pytest.param(("CITY OF LISLE", "", "AN ORDINANCE PROHIBITING FACE SURVEILLANCE BY CITY DEPARTMENTS", "",
                      "BE IT ORDAINED by the City Council of the City of Lisle:"),
                     "AN ORDINANCE PROHIBITING FACE SURVEILLANCE BY CITY DEPARTMENTS", id="an-ordinance-in-capitals"),
        pytest.param(("S. 412", "", "To limit face recognition by Federal agencies.", "", "A BILL", "",
                      "To limit face recognition by Federal agencies.", "",
                      "Be it enacted by the Senate and House of Representatives of the United States of America in "
                      "Congress assembled,"),
                     "To limit face recognition by Federal agencies.", id="a-bill-and-its-long-title"),
        pytest.param(("ORDINANCE NO. 2024-17", "", "PROHIBITING THE USE OF FACE RECOGNITION BY CITY DEPARTMENTS", "",
                      "The City Council of the City of Oak Ridge hereby ordains as follows:"),
                     "PROHIBITING THE USE OF FACE RECOGNITION BY CITY DEPARTMENTS", id="ordinance-number-and-title"),
        pytest.param(("AN ORDINANCE", "ESTABLISHING RESTRICTIONS ON THE USE OF", "SURVEILLANCE TECHNOLOGY", "",
                      "Be it ordained by the City Council of the City of Northfield, as follows:"),
                     "AN ORDINANCE ESTABLISHING RESTRICTIONS ON THE USE OF SURVEILLANCE TECHNOLOGY",
                     id="title-over-several-lines"),
        pytest.param(("HOUSE OF REPRESENTATIVES", "H.B. NO. 88", "", "A BILL FOR AN ACT", "",
                      "RELATING TO FACIAL RECOGNITION.", "", "BE IT ENACTED BY THE LEGISLATURE OF THE STATE:"),
                     "RELATING TO FACIAL RECOGNITION.", id="a-bill-for-an-act"),
        pytest.param(("Amendment #12 to H 4100", "", "Police Use of Face Recognition", "",
                      "Be it enacted by the Senate and House of Representatives in General Court assembled:"),
                     "Police Use of Face Recognition", id="amendment-and-its-title-line"),
        pytest.param(("TOWN OF HARBORVIEW", "", "Ban on Biometric Surveillance by the Town", "",
                      "The Town Council of the Town of Harborview ordains as follows:"),
                     "Ban on Biometric Surveillance by the Town", id="heading-like-line-without-an-act"),
    ],
)
def test_the_title_is_the_documents_real_title(front, title):
    result = imported(lines(*front, *BODY))

    assert result.report["title"] == title
    assert outline(result) == [("SECTION 1.", None)]


def test_a_short_title_names_the_document_only_when_no_title_is_printed():
    printed = imported(lines("An Act relative to face recognition", "", "Be it enacted by the General Court:", "",
                             "SECTION 1. This act may be cited as the \u201cFace Recognition Act\u201d."))
    unprinted = imported(lines("SECTION 1. This act may be cited as the \u201cFace Recognition Act\u201d."))

    assert printed.report["title"] == "An Act relative to face recognition"
    assert unprinted.report["title"] == "Face Recognition Act"


# --- cover page -----------------------------------------------------------------------------------------------------

MA_PETITION = lines(
    "HOUSE DOCKET, NO. 4012        FILED ON: 1/17/2025",
    "HOUSE . . . . . . . . . . . . . . . No. 1873",
    "",
    "The Commonwealth of Massachusetts",
    "",
    "PRESENTED BY:",
    "",
    "Dana L. Whitcomb",
    "",
    "The undersigned legislators and/or citizens respectfully petition for the adoption of the accompanying bill:",
    "",
    "An Act establishing a moratorium on face recognition.",
    "",
    "PETITIONERS:",
    "Dana L. Whitcomb              7th Hampden                1/17/2025",
    "",
    "In the One Hundred and Ninety-Fourth General Court",
    "(2025-2026)",
    "",
    "An Act establishing a moratorium on face recognition.",
    "",
    "Be it enacted by the Senate and House of Representatives in General Court assembled, and by the authority of "
    "the same, as follows:",
    *BODY,
)

FEDERAL = lines(
    "119th CONGRESS",
    "  2d Session",
    "                                S. 3120",
    "",
    "To limit face recognition by Federal agencies.",
    "",
    "                   IN THE SENATE OF THE UNITED STATES",
    "",
    "                           February 10, 2026",
    "",
    "Ms. Alvarado introduced the following bill; which was read twice and referred to the Committee on the Judiciary",
    "",
    "                                 A BILL",
    "",
    "To limit face recognition by Federal agencies.",
    "",
    "    Be it enacted by the Senate and House of Representatives of the United States of America in Congress "
    "assembled,",
    *BODY,
)


def test_a_docket_and_petition_sheet_is_the_cover_page():
    result = imported(MA_PETITION)

    cover = words(part(result, "coverPage"))
    for printed in ("HOUSE DOCKET, NO. 4012", "PRESENTED BY:", "respectfully petition", "PETITIONERS:",
                    "In the One Hundred and Ninety-Fourth General Court"):
        assert printed in cover
    assert words(part(result, "preface")) == "An Act establishing a moratorium on face recognition."
    assert result.report["title"] == "An Act establishing a moratorium on face recognition."
    assert "a cover page: filing data: docket" in recognised(result)


def test_the_first_page_of_a_federal_bill_is_its_preface_not_a_cover_page():
    result = imported(FEDERAL)

    assert part(result, "coverPage") is None
    preface = words(part(result, "preface"))
    assert "119th CONGRESS" in preface and "introduced the following bill" in preface
    assert "no cover page" in recognised(result)


@pytest.mark.parametrize(
    "front",
    [
        pytest.param(("CITY OF RIVERTON", "IN CITY COUNCIL", "", "AN ORDINANCE REGULATING SURVEILLANCE", "",
                      "Be it ordained by the City Council of the City of Riverton as follows:"), id="city-header"),
        pytest.param(("CITY OF NORTHFIELD", "", "In the Year Two Thousand and Seventeen", "",
                      "Upon the Recommendation of Councilors Ryan Doyle and Alisa Klein.", "",
                      "AN ORDINANCE ESTABLISHING RESTRICTIONS ON SURVEILLANCE", "",
                      "Be it ordained by the City Council of the City of Northfield as follows:"),
                     id="sponsors-in-prose"),
        pytest.param(("An Act relative to face recognition", "",
                      "Be it enacted by the Senate and House of Representatives in General Court assembled:"),
                     id="nothing-before-the-title"),
    ],
)
def test_a_header_printed_on_the_first_page_is_no_cover_page(front):
    assert part(imported(lines(*front, *BODY)), "coverPage") is None


@pytest.mark.parametrize(
    "front",
    [
        pytest.param(("STATE OF NORTH ESSEX", "H.B. NO. 1142", "INTRODUCED BY: Representative Ama Boateng",
                      "REFERRED TO: Committee on Judiciary", "", "A BILL FOR AN ACT RELATING TO FACE SURVEILLANCE.",
                      "", "BE IT ENACTED BY THE LEGISLATURE OF THE STATE OF NORTH ESSEX:"), id="filing-form"),
        pytest.param(("CITY OF HOLLIS BEND", "MEMORANDUM", "TO: Members of the City Council",
                      "FROM: Renata Vos, City Attorney", "",
                      "The attached ordinance was requested by the Public Safety Committee at its meeting of "
                      "February 10, 2027, and is ready for a first reading.", "",
                      "AN ORDINANCE REGULATING BIOMETRIC SURVEILLANCE", "",
                      "BE IT ORDAINED BY THE CITY COUNCIL OF THE CITY OF HOLLIS BEND:"), id="covering-memo"),
    ],
)
def test_a_filing_form_or_a_covering_memo_before_the_title_is_a_cover_page(front):
    result = imported(lines(*front, *BODY))

    assert part(result, "coverPage") is not None
    assert "a cover page" in recognised(result)


# --- recitals -------------------------------------------------------------------------------------------------------


def test_numbered_findings_before_the_enacting_formula_are_recitals_not_units():
    result = imported(lines(
        "AN ORDINANCE PROHIBITING FACE RECOGNITION",
        "",
        "Findings and Purpose",
        "",
        "1. Face recognition misidentifies people.",
        "",
        "2. The City has no policy on its use.",
        "",
        "NOW, THEREFORE, THE CITY COUNCIL OF THE CITY OF BRANDEN FALLS ORDAINS AS FOLLOWS:",
        *BODY,
    ))

    assert recitals(result) == ["1. Face recognition misidentifies people.", "2. The City has no policy on its use."]
    assert words(xpath(result.root, "//akn:recitals/akn:heading")[0]) == "Findings and Purpose"
    assert outline(result) == [("SECTION 1.", None)]


def test_unnumbered_statement_of_facts_before_the_formula_is_recitals():
    result = imported(lines(
        "AN ACT relative to face surveillance",
        "",
        "Statement of facts",
        "",
        "The use of face surveillance by public agencies has grown without oversight.",
        "",
        "Residents are not told when their images are searched.",
        "",
        "Be it enacted by the People of the State of New Hanover:",
        *BODY,
    ))

    assert recitals(result) == ["The use of face surveillance by public agencies has grown without oversight.",
                                "Residents are not told when their images are searched."]


def test_findings_under_a_heading_before_the_first_section_are_recitals_without_a_formula():
    result = imported(lines(
        "An ordinance relating to biometric surveillance",
        "",
        "Findings",
        "",
        "(a) Face surveillance misidentifies people.",
        "",
        "(b) The City has no policy on its use.",
        "",
        "Section 1. Prohibition. No department shall use face surveillance.",
    ))

    assert recitals(result) == ["(a) Face surveillance misidentifies people.", "(b) The City has no policy on its use."]
    assert outline(result) == [("Section 1.", "Prohibition")]


def test_a_findings_heading_in_a_covering_report_before_the_title_is_not_recitals():
    result = imported(lines(
        "SENATE COMMITTEE ON THE JUDICIARY",
        "",
        "The Committee on the Judiciary, to which was referred Senate Bill 2217, has considered the bill and reports "
        "that it ought to pass.",
        "",
        "Background",
        "",
        "The committee held a public hearing on the bill on April 14, 2027.",
        "",
        "AN ACT ESTABLISHING LIMITS ON THE USE OF FACE RECOGNITION",
        "",
        "Be it enacted by the General Assembly of the State of Calder:",
        *BODY,
    ))

    assert recitals(result) == []
    assert "The committee held a public hearing" in words(part(result, "coverPage"))
    assert result.report["title"] == "AN ACT ESTABLISHING LIMITS ON THE USE OF FACE RECOGNITION"


def test_a_second_findings_heading_is_kept_as_a_line_of_the_recitals():
    result = imported(lines(
        "AN ORDINANCE RELATING TO FACE SURVEILLANCE",
        "",
        "Findings",
        "",
        "Face surveillance misidentifies people.",
        "",
        "Purpose",
        "",
        "This ordinance forbids its use.",
        "",
        "BE IT ORDAINED by the Town Council:",
        *BODY,
    ))

    assert words(xpath(result.root, "//akn:recitals/akn:heading")[0]) == "Findings"
    assert recitals(result) == ["Face surveillance misidentifies people.", "Purpose", "This ordinance forbids its use."]


def test_findings_that_are_units_of_an_enacted_section_stay_units():
    result = imported(lines(
        "An Act establishing a moratorium on face recognition",
        "",
        "Be it enacted by the Senate and House of Representatives in General Court assembled:",
        "",
        "SECTION 1. Findings. The general court finds that:",
        "(1) face recognition misidentifies people; and",
        "(2) no law governs its use.",
        "",
        "SECTION 2. No agency shall use face recognition.",
    ))

    assert recitals(result) == []
    assert outline(result) == [("SECTION 1.", "Findings"), ("(1)", None), ("(2)", None), ("SECTION 2.", None)]


def test_whereas_clauses_of_an_order_are_recitals_and_ordered_is_its_formula():
    result = imported(lines(
        "CITY OF NORWOOD HEIGHTS",
        "IN CITY COUNCIL",
        "",
        "ORDER REQUESTING A REPORT ON FACE RECOGNITION",
        "",
        "WHEREAS, The Police Department has received images from a face recognition service; and",
        "",
        "WHEREAS, The City Council has never approved that use; NOW, THEREFORE, BE IT",
        "",
        "ORDERED: That the Police Commissioner report to the City Council on the following:",
        "",
        "1. The number of searches requested in each of the last three years; and",
        "",
        "2. The policies that govern those requests.",
    ))

    assert result.report["title"] == "ORDER REQUESTING A REPORT ON FACE RECOGNITION"
    assert len(recitals(result)) == 2
    assert formula(result) == ["ORDERED: That the Police Commissioner report to the City Council on the following:"]
    assert outline(result) == [("1.", None), ("2.", None)]


@pytest.mark.parametrize(
    "clause",
    [
        "Be it enacted by the Senate and House of Representatives in General Court assembled:",
        "BE IT ORDAINED BY THE CITY COUNCIL OF THE CITY OF LISLE:",
        "The City Council of the City of Oak Ridge hereby ordains as follows:",
        "The people of the State of California do enact as follows:",
        "NOW, THEREFORE, BE IT RESOLVED by the Board of Supervisors:",
    ],
)
def test_enacting_formulas_in_their_printed_forms(clause):
    result = imported(lines("An ordinance relating to face surveillance", "", clause, *BODY))

    assert formula(result) == [clause]


def test_text_after_the_formula_before_the_first_unit_is_an_instruction():
    result = imported(lines(
        "AN ORDINANCE RELATING TO FACE SURVEILLANCE",
        "",
        "Be it ordained by the City Council of the City of Lisle, as follows:",
        "",
        "That the following ordinance is adopted.",
        *BODY,
    ))

    preamble = part(result, "preamble")
    assert [words(node) for node in preamble if node.tag == akn("p")] == ["That the following ordinance is adopted."]


def test_a_digest_between_the_title_and_the_formula_is_not_recitals():
    result = imported(lines(
        "An act to add Section 1798.300 to the Civil Code, relating to privacy.",
        "",
        "LEGISLATIVE COUNSEL'S DIGEST",
        "",
        "Existing law regulates the collection of personal information by businesses.",
        "",
        "The people of the State of California do enact as follows:",
        *BODY,
    ))

    assert recitals(result) == []
    assert "Existing law regulates" in words(part(result, "preface"))


# --- the classifier -------------------------------------------------------------------------------------------------


def test_every_front_matter_block_is_classified_with_its_reason_in_the_report():
    result = imported(FEDERAL)

    decided = [item["what"] for item in result.report["recognised"][:10]]
    assert decided[0] == "cover matter (session)"
    assert "cover matter (bill number)" in decided
    assert "name of the instrument (generic name of the instrument)" in decided
    assert "long title (the long title after \u201cA BILL\u201d is the title)" in decided
    assert "enacting formula (enacting words)" in decided


def test_the_classifier_decides_by_neighbours_position_before_and_after_the_formula():
    classes, title = classify_front([
        "CITY OF LISLE",
        "AN ORDINANCE",
        "PROHIBITING FACE SURVEILLANCE",
        "Face surveillance misidentifies residents.",
        "BE IT ORDAINED by the City Council of the City of Lisle:",
        "That the following sections are adopted.",
    ])

    assert [found.kind for found in classes] == ["cover", "title", "joined", "recital", "formula", "instruction"]
    assert title == 1
