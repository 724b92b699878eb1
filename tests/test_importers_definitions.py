"""Definitions in every printed form become `<def>` with a term reference; sentences that only use "means" do not.

Each test imports a short snippet written for it and asserts on the terms marked up (`<def refersTo>` pointing at a
TLCTerm), on the provisions where the form is about headings, and on the import report's reasons. The last test scores
the development gold documents written for these rules (bench/import_gold/dev/D*_*) with the gold scorer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.akn.namespaces import xpath
from drafting.akn.provisions import block_text, extract_provisions, iter_provisions
from drafting.importers.structure.definitions import find_terms
from drafting.importers.text import ImportResult, import_text
from tests.bench_scripts import bench_script
from tests.import_helpers import imported, lines

ROOT = Path(__file__).resolve().parents[1]






def terms(result: ImportResult) -> list[str]:
    """Return the defined terms as marked up, in document order."""
    return [" ".join(block_text(node).split()) for node in xpath(result.root, "//akn:def")]


def tlc_terms(result: ImportResult) -> dict[str, str]:
    return {node.get("eId"): node.get("showAs") for node in xpath(result.root, "//akn:references/akn:TLCTerm")}


def headings(result: ImportResult) -> dict[str | None, str | None]:
    return {p.num: p.heading for p in iter_provisions(extract_provisions(result.root))}


# --- the forms ------------------------------------------------------------------------------------------------------


def test_a_body_that_opens_with_a_quoted_definition_starts_the_body_there():
    result = imported(lines(
        "\u201cAgency\u201d means any department, board or commission of the city.",
        "",
        "\u201cFace recognition\u201d means the automated comparison of images of faces.",
    ))

    assert terms(result) == ["Agency", "Face recognition"]
    assert xpath(result.root, "//akn:preface") == []


def test_capitalised_term_with_a_full_stop_under_a_label_is_a_term_not_a_heading():
    result = imported(lines(
        "Sec. 14-2. Definitions.",
        "For the purposes of this chapter, the following words have the meanings given in this section:",
        "(A) BIOMETRIC DATA. Any measurement of a person's body that can identify the person.",
        "(B) CITY. The City of Carver Bay and each of its departments.",
    ))

    assert terms(result) == ["BIOMETRIC DATA", "CITY"]
    assert headings(result)["(A)"] is None and headings(result)["(B)"] is None


def test_mixed_case_term_with_a_full_stop_in_a_definitions_section_is_a_term():
    result = imported(lines(
        "Section 3. Definitions.",
        "As used in this section, the following words shall have the following meanings:",
        "(1) Face surveillance. An automated process that identifies a person from the face.",
        "(2) Vendor. A person who sells face surveillance systems.",
    ))

    assert terms(result) == ["Face surveillance", "Vendor"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("\u201cAgency\u201d means any department of the city.", ["Agency"], id="quoted-means"),
        pytest.param("The term \u201cagency\u201d means any department of the city.", ["agency"], id="the-term"),
        pytest.param("\u201cFace recognition\u201d or \u201cfacial recognition\u201d means comparing faces.",
                     ["Face recognition", "facial recognition"], id="either-term"),
        pytest.param("\"Enroll\" and \"enrollment\" mean adding a face to a database.", ["Enroll", "enrollment"],
                     id="both-terms-mean"),
        pytest.param("In this section, \u201cagency\u201d means a department, and \u201cofficial\u201d means an "
                     "officer.", ["agency", "official"], id="two-in-one-sentence"),
        pytest.param("\"Agency\", any department, board or commission of the state.", ["Agency"], id="comma"),
        pytest.param("\"Meaningful human review,\" review by a trained person.", ["Meaningful human review"],
                     id="comma-inside-quotes"),
        pytest.param("\"Face recognition service\" -- any technology that performs face recognition.",
                     ["Face recognition service"], id="dash"),
    ],
)
def test_quoted_definitions_are_marked_in_every_form(sentence, expected):
    result = imported(lines("SECTION 2. Definitions.", "As used in this act:", sentence))

    assert terms(result) == expected
    assert sorted(tlc_terms(result).values()) == sorted(expected)
    assert [item["term"] for item in result.report["definitions"]] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("(1) Surveillance data shall mean any image captured by a camera.", "Surveillance data",
                     id="shall-mean"),
        pytest.param("(2) Third party means any person other than the city.", "Third party", id="means"),
        pytest.param("(3) CITY OFFICIAL, any person acting on behalf of the city.", "CITY OFFICIAL", id="caps-comma"),
        pytest.param("(4) VENDOR - a person that sells face recognition technology.", "VENDOR", id="caps-dash"),
        pytest.param("(5) Operator: an employee who runs a search.", "Operator", id="colon"),
    ],
)
def test_unquoted_terms_are_definitions_inside_a_definitions_section(sentence, expected):
    result = imported(lines("SECTION 2. Definitions.", "For the purposes of this act:", sentence))

    assert terms(result) == [expected]


def test_definitions_in_a_list_inside_a_section_end_with_the_list():
    result = imported(lines(
        "SECTION 4. Use by agencies.",
        "(a) As used in this section:",
        "(1) \u201cOngoing surveillance\u201d means tracking a person for more than 24 hours.",
        "(2) Operator means an employee of an agency who runs a search.",
        "(b) Prohibition. No agency shall engage in ongoing surveillance.",
        "(c) Training. Each operator shall be trained.",
    ))

    assert terms(result) == ["Ongoing surveillance", "Operator"]
    assert headings(result)["(b)"] == "Prohibition" and headings(result)["(c)"] == "Training"


def test_federal_dash_heading_is_the_heading_and_the_quoted_term_the_definition():
    result = imported(lines(
        "SEC. 2. DEFINITIONS.",
        "In this Act:",
        "(1) Biometric surveillance system.--The term ``biometric surveillance system'' means any computer software "
        "that performs facial recognition.",
        "(2) Real-time.--The term ``real-time'', with respect to facial recognition, means use within 72 hours.",
        "(3) Facial recognition technology.--The term ``facial recognition technology''--",
        "(A) means any system that performs facial recognition; and",
        "(B) does not include a system that only detects a face.",
    ))

    assert terms(result) == ["biometric surveillance system", "real-time", "facial recognition technology"]
    assert headings(result)["(1)"] == "Biometric surveillance system"
    assert headings(result)["(2)"] == "Real-time"


def test_a_quoted_term_inside_an_amendment_in_gpo_inner_quotes_is_a_definition():
    found = find_terms("In this subsection, the term `facial recognition system' means any automated system.")

    assert found is not None and found.terms == ("facial recognition system",)


def test_one_definition_of_two_terms_gives_each_term_its_own_reference():
    result = imported(lines("SECTION 2. \u201cFace recognition\u201d or \u201cfacial recognition\u201d means comparing "
                            "faces."))

    paragraph = xpath(result.root, "//akn:def/..")[0]
    assert [node.get("refersTo") for node in xpath(paragraph, "akn:def")] == [
        "#term-face_recognition", "#term-facial_recognition"]
    assert " ".join(block_text(paragraph).split()) == (
        "\u201cFace recognition\u201d or \u201cfacial recognition\u201d means comparing faces.")


def test_the_report_says_which_form_showed_each_definition():
    result = imported(lines("SECTION 2. Definitions.", "For the purposes of this act:",
                            "(1) Third party means any person other than the city."))

    assert {"line": 3, "what": "definition of 'Third party' (term followed by a defining verb)"} in (
        result.report["recognised"])


# --- what is not a definition ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(lines("SECTION 3. Prohibition.", "(a) No agency shall identify a person by means of face "
                           "recognition."), id="by-means-of"),
        pytest.param(lines("SECTION 5. Training.", "The training shall explain the means by which a result may be "
                           "wrong."), id="the-means-by-which"),
        pytest.param(lines("SECTION 3. Definitions.", "As used in this section, the following words shall have the "
                           "following meanings:", "(1) \u201cAgency\u201d means any department.",
                           "(2) Nothing in this section means that an agency may buy face recognition."),
                     id="nothing-means-in-a-definitions-section"),
        pytest.param(lines("SECTION 6. Operators.", "(a) As defined in section 2, an operator shall be trained."),
                     id="cross-reference"),
        pytest.param(lines("SECTION 7. Exceptions.", "(a) Evidence. The city may use evidence that a third party "
                           "generated.", "(b) User verification. An employee may unlock a device."),
                     id="headings-outside-definitions"),
        pytest.param(lines("SECTION 1. Short title.", "This act may be cited as the \u201cFace Recognition Act\u201d."),
                     id="quoted-short-title"),
    ],
)
def test_sentences_that_only_use_means_cross_references_and_headings_are_not_definitions(text):
    result = imported(text)

    assert [term for term in terms(result) if term != "Agency"] == []


def test_in_general_heading_of_a_definitions_section_is_a_heading():
    result = imported(lines(
        "SEC. 3. DEFINITIONS.",
        "(a) In general. In this section:",
        "(1) \u201cAgency\u201d means any department.",
        "(b) Exclusions. The term \u201cagency\u201d does not include a court.",
    ))

    assert headings(result)["(a)"] == "In general"
    assert headings(result)["(b)"] == "Exclusions"


# --- the development documents --------------------------------------------------------------------------------------


def test_the_definitions_and_front_matter_documents_of_the_development_set_score_fully():
    scorer = bench_script("bench_import_gold")
    documents = [(name, text, gold) for name, text, gold in scorer.documents("dev") if name[:1] in "DF"
                 and name[1:2].isdigit()]
    assert len(documents) >= 6
    for name, text, gold in documents:
        score = scorer.score(name, text, gold)
        assert score.valid and score.error is None, (name, score.error)
        assert score.definitions_found == score.definitions, (name, score)
        assert score.title_right and score.cover_right, (name, score)
        assert score.recitals_found == score.recitals, (name, score)
        # no term is marked that the gold does not define
        found = {scorer._norm(term) for term in terms(import_text(text.decode("utf-8")))}
        assert found == {scorer._norm(term) for term in gold["definitions"]}, name
