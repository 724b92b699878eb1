"""The plain-text importer, rule by rule: every sample is a short surveillance bill or ordinance written for the test.

Each test imports a snippet, checks that the result validates strictly against the AKN schema, and asserts on the
provisions tree (element, num, heading, eId, text), on the AKN markup where the rule is about markup, and on the
import report where the rule says something is reported.
"""

from __future__ import annotations

import re
import string
from collections import Counter

import pytest
from lxml import etree

from drafting.akn import read_identification, validate
from drafting.akn.namespaces import akn, xpath
from drafting.akn.provisions import Provision, block_text, extract_provisions, iter_provisions
from drafting.errors import TextEncodingError
from drafting.importers.text import ImportResult, import_bytes
from tests.import_helpers import imported, lines

# --- helpers --------------------------------------------------------------------------------------------------------






def provisions(result: ImportResult) -> list[Provision]:
    """Return every provision of an imported document in document order."""
    return list(iter_provisions(extract_provisions(result.root)))


def outline(result: ImportResult) -> list[tuple[str | None, str, str | None]]:
    """Return (eId, element, num) of every provision in document order."""
    return [(p.eId, p.element, p.num) for p in provisions(result)]


def provision(result: ImportResult, eid: str) -> Provision:
    """Return the provision with an eId, failing with the outline when it is absent."""
    found = {p.eId: p for p in provisions(result)}
    assert eid in found, outline(result)
    return found[eid]


def children(result: ImportResult, eid: str) -> list[str | None]:
    """Return the eIds of a provision's direct children."""
    return [child.eId for child in provision(result, eid).children]


def part(result: ImportResult, name: str) -> etree._Element | None:
    """Return a top-level part of the document (coverPage, preface, preamble, body, conclusions), or None."""
    return result.root[0].find(akn(name))


def text_of(node: etree._Element | None) -> str:
    """Return the words of an element, one space apart, its paragraphs kept apart and inline markup joined."""
    return " ".join(block_text(node).split()) if node is not None else ""


def defs(result: ImportResult) -> dict[str, str]:
    """Return {defined term as marked up: refersTo} for every <def> of the document."""
    return {text_of(node): node.get("refersTo") for node in xpath(result.root, "//akn:def")}


def tlc_terms(result: ImportResult) -> dict[str, str]:
    """Return {eId: showAs} of the TLCTerm references."""
    return {node.get("eId"): node.get("showAs") for node in xpath(result.root, "//akn:references/akn:TLCTerm")}


def assert_defined(result: ImportResult, term: str) -> str:
    """Assert that term is marked up as a <def> pointing at a TLCTerm and is listed in the report; return its eId."""
    marked = defs(result)
    assert term in marked, marked
    eid = marked[term].removeprefix("#")
    assert tlc_terms(result).get(eid) == term, tlc_terms(result)
    assert {"term": term, "refersTo": f"#{eid}"} in result.report["definitions"]
    return eid


def words(text: str) -> Counter:
    """Count the words of a text (letters and digits; punctuation and quotes are not words)."""
    return Counter(re.findall(r"[^\W_]+", text))


def document_words(result: ImportResult) -> Counter:
    """Count the words of everything the document prints: cover page, preface, preamble, body, conclusions."""
    document = result.root[0]
    return words(" ".join(block_text(child) for child in document if child.tag != akn("meta")))


def guesses(result: ImportResult) -> str:
    """Return what the report says was guessed, as one text to search."""
    return " | ".join(item["what"] for item in result.report["guessed"])


# --- top-level units --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "first_eid", "second_eid"),
    [
        ("SECTION 1.", "SECTION 2.", "sec_1", "sec_2"),
        ("Section 2.", "Section 3.", "sec_2", "sec_3"),
        ("Sec. 3.", "Sec. 4.", "sec_3", "sec_4"),
        ("SEC. 4.", "SEC. 5.", "sec_4", "sec_5"),
        ("§ 19B.3.", "§ 19B.4.", "sec_19b.3", "sec_19b.4"),
        ("16-62.2", "16-62.3", "sec_16-62.2", "sec_16-62.3"),
        ("2.128.030", "2.128.040", "sec_2.128.030", "sec_2.128.040"),
    ],
)
def test_each_us_section_marker_opens_a_section_numbered_as_printed(first, second, first_eid, second_eid):
    result = imported(lines(
        f"{first} Camera registry.",
        "Each department shall keep a public registry of its cameras.",
        "",
        f"{second} Retention.",
        "Recordings shall be deleted after thirty days.",
    ))

    assert outline(result) == [(first_eid, "section", first), (second_eid, "section", second)]
    registry, retention = provision(result, first_eid), provision(result, second_eid)
    assert (registry.heading, registry.text) == (
        "Camera registry", "Each department shall keep a public registry of its cameras."
    )
    assert (retention.heading, retention.text) == ("Retention", "Recordings shall be deleted after thirty days.")


def test_article_line_opens_an_article_element():
    result = imported(lines(
        "Article 8.39. Acquisition of surveillance technology.",
        "No department shall acquire surveillance technology without the approval of the council.",
        "",
        "Article 8.40. Annual report.",
        "Each department shall report on its surveillance technology every year.",
    ))

    assert outline(result) == [("art_8.39", "article", "Article 8.39."), ("art_8.40", "article", "Article 8.40.")]
    assert provision(result, "art_8.39").heading == "Acquisition of surveillance technology"
    assert provision(result, "art_8.40").text == (
        "Each department shall report on its surveillance technology every year."
    )


def test_article_line_contains_the_sections_that_follow():
    result = imported(lines(
        "ARTICLE 8.39 SURVEILLANCE TECHNOLOGY",
        "",
        "Sec. 8.39.010. Approval required.",
        "No department shall acquire surveillance technology without the approval of the council.",
        "",
        "Sec. 8.39.020. Annual report.",
        "Each department shall report on its surveillance technology every year.",
    ))

    assert outline(result) == [
        ("art_8.39", "article", "ARTICLE 8.39"),
        ("art_8.39__sec_8.39.010", "section", "Sec. 8.39.010."),
        ("art_8.39__sec_8.39.020", "section", "Sec. 8.39.020."),
    ]
    assert provision(result, "art_8.39").heading == "SURVEILLANCE TECHNOLOGY"
    assert provision(result, "art_8.39__sec_8.39.010").heading == "Approval required"


@pytest.mark.parametrize(
    ("chapter_line", "num", "heading", "eid", "first", "second"),
    [
        ("CHAPTER 9", "CHAPTER 9", None, "chp_9", "Section 9.1.", "Section 9.2."),
        ("Chapter 2.128 SURVEILLANCE", "Chapter 2.128", "SURVEILLANCE", "chp_2.128", "2.128.010", "2.128.020"),
    ],
)
def test_chapter_line_contains_the_sections_that_follow(chapter_line, num, heading, eid, first, second):
    result = imported(lines(
        chapter_line,
        "",
        f"{first} Purpose.",
        "This chapter governs how departments acquire surveillance technology.",
        "",
        f"{second} Scope.",
        "This chapter applies to every department of the city.",
    ))

    chapter = provision(result, eid)
    assert (chapter.element, chapter.num, chapter.heading) == ("chapter", num, heading)
    assert [(child.element, child.num, child.heading) for child in chapter.children] == [
        ("section", first, "Purpose"), ("section", second, "Scope"),
    ]
    assert len(extract_provisions(result.root)) == 1


def test_chapter_heading_on_the_next_line_is_the_chapters_heading():
    result = imported(lines(
        "CHAPTER 9",
        "SURVEILLANCE TECHNOLOGY",
        "",
        "Section 9.1. Purpose.",
        "This chapter governs how departments acquire surveillance technology.",
    ))

    assert outline(result) == [("chp_9", "chapter", "CHAPTER 9"), ("chp_9__sec_9.1", "section", "Section 9.1.")]
    assert provision(result, "chp_9").heading == "SURVEILLANCE TECHNOLOGY"


def test_a_chapter_heading_of_any_length_opens_the_chapter_that_holds_the_sections():
    heading = ("Restricting the Purchase, Operation and Data Retention of Remote Biometric Identification Systems by "
               "Town Departments and by Vendors Working for Them")
    result = imported(lines(
        f"Chapter 14.70 {heading}",
        "",
        "14.70.010 Findings.",
        "The Town finds that remote biometric identification threatens privacy.",
        "",
        "14.70.020 Ban.",
        "No Town department shall operate a remote biometric identification system.",
    ))

    assert [eid for eid, _, _ in outline(result)] == [
        "chp_14.70", "chp_14.70__sec_14.70.010", "chp_14.70__sec_14.70.020",
    ]
    assert provision(result, "chp_14.70").heading == heading


def test_a_chapter_line_that_reads_as_a_sentence_is_not_a_container():
    result = imported(lines(
        "SECTION 1. Chapter 6 of the General Laws is hereby amended by adding the following words at the end.",
        "SECTION 2. This act takes effect upon passage.",
    ))

    assert [element for _, element, _ in outline(result)] == ["section", "section"]


def test_title_line_contains_the_chapters_that_follow():
    result = imported(lines(
        "Title 2 ADMINISTRATION AND PERSONNEL",
        "",
        "Chapter 2.128 SURVEILLANCE TECHNOLOGY",
        "",
        "2.128.010 Purpose.",
        "This chapter governs how departments acquire surveillance technology.",
    ))

    assert [(p.element, p.num, p.heading) for p in provisions(result)] == [
        ("title", "Title 2", "ADMINISTRATION AND PERSONNEL"),
        ("chapter", "Chapter 2.128", "SURVEILLANCE TECHNOLOGY"),
        ("section", "2.128.010", "Purpose"),
    ]
    assert [len(p.path) for p in provisions(result)] == [1, 2, 3]


def test_title_eid_is_built_from_its_number():
    result = imported(lines(
        "TITLE 2",
        "",
        "2.128.010 Purpose.",
        "This chapter governs how departments acquire surveillance technology.",
    ))

    assert outline(result) == [("title_2", "title", "TITLE 2"), ("title_2__sec_2.128.010", "section", "2.128.010")]


@pytest.mark.parametrize(
    ("text", "eid", "num", "heading", "expected"),
    [
        pytest.param(
            lines("SECTION 1. Short title.", 'This ordinance may be cited as the "Surveillance Oversight Ordinance".'),
            "sec_1", "SECTION 1.", "Short title",
            'This ordinance may be cited as the "Surveillance Oversight Ordinance".',
            id="text-on-the-next-line",
        ),
        pytest.param(
            lines('Section 2. Definitions. As used in this chapter, "surveillance technology" includes any camera.'),
            "sec_2", "Section 2.", "Definitions",
            'As used in this chapter, "surveillance technology" includes any camera.',
            id="text-on-the-same-line-is-split-off",
        ),
    ],
)
def test_section_heading_on_the_marker_line_is_the_heading(text, eid, num, heading, expected):
    section = provision(imported(text), eid)

    assert (section.num, section.heading) == (num, heading)
    assert section.text == expected


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            ['This Act may be cited as the "Biometric Privacy Act".'],
            id="text",
        ),
        pytest.param(
            ['(a) This Act may be cited as the "Biometric Privacy Act".', "(b) It takes effect on passage."],
            id="subsections",
        ),
    ],
)
def test_section_heading_on_the_next_line_is_the_heading(body):
    result = imported(lines("SECTION 1.", "SHORT TITLE.", *body))

    section = provision(result, "sec_1")
    assert (section.num, section.heading) == ("SECTION 1.", "SHORT TITLE")
    assert "SHORT TITLE" not in section.text
    assert 'This Act may be cited as the "Biometric Privacy Act".' in " ".join(p.text for p in section.walk())


def test_one_sentence_section_is_text_not_a_heading():
    result = imported(lines(
        "SECTION 1. No department shall acquire surveillance technology without council approval.",
        "",
        "SECTION 2. This ordinance takes effect on passage.",
    ))

    section = provision(result, "sec_2")
    assert section.heading is None
    assert section.text == "This ordinance takes effect on passage."


# --- nested numbering -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            lines(
                "SEC. 5. LIMITS ON USE.",
                "(a) IN GENERAL.--No agency may--",
                "(1) acquire a biometric surveillance system; or",
                "(2) use information derived from such a system, unless--",
                "(A) a court has issued a warrant; and",
                "(B) the warrant names the individual.",
                "(b) EXCEPTION.--Subsection (a) does not apply to a search for a missing child.",
            ),
            [
                ("sec_5", "section", "SEC. 5."),
                ("sec_5__subsec_a", "subsection", "(a)"),
                ("sec_5__subsec_a__para_1", "paragraph", "(1)"),
                ("sec_5__subsec_a__para_2", "paragraph", "(2)"),
                ("sec_5__subsec_a__para_2__point_a", "point", "(A)"),
                ("sec_5__subsec_a__para_2__point_b", "point", "(B)"),
                ("sec_5__subsec_b", "subsection", "(b)"),
            ],
            id="(a)>(1)>(A)",
        ),
        pytest.param(
            lines(
                "Sec. 6. Reports.",
                "A. Each department shall submit:",
                "1. a description of each technology;",
                "2. the number of times it was used; and",
                "3. the data shared, including:",
                "a. the recipient; and",
                "b. the legal basis.",
                "B. The clerk shall publish each report.",
            ),
            [
                ("sec_6", "section", "Sec. 6."),
                ("sec_6__subsec_a", "subsection", "A."),
                ("sec_6__subsec_a__para_1", "paragraph", "1."),
                ("sec_6__subsec_a__para_2", "paragraph", "2."),
                ("sec_6__subsec_a__para_3", "paragraph", "3."),
                ("sec_6__subsec_a__para_3__point_a", "point", "a."),
                ("sec_6__subsec_a__para_3__point_b", "point", "b."),
                ("sec_6__subsec_b", "subsection", "B."),
            ],
            id="A.>1.>a.",
        ),
        pytest.param(
            lines(
                "Sec. 7. Prohibitions.",
                "(A) It shall be unlawful for any city official to:",
                "(1) obtain a face surveillance system; or",
                "(2) enter into an agreement to:",
                "(a) access face surveillance data; or",
                "1. for a vendor;",
                "2. for another city.",
                "(b) use face surveillance data.",
                "(B) Evidence obtained in violation of this section is inadmissible.",
            ),
            [
                ("sec_7", "section", "Sec. 7."),
                ("sec_7__subsec_a", "subsection", "(A)"),
                ("sec_7__subsec_a__para_1", "paragraph", "(1)"),
                ("sec_7__subsec_a__para_2", "paragraph", "(2)"),
                ("sec_7__subsec_a__para_2__point_a", "point", "(a)"),
                ("sec_7__subsec_a__para_2__point_a__point_1", "point", "1."),
                ("sec_7__subsec_a__para_2__point_a__point_2", "point", "2."),
                ("sec_7__subsec_a__para_2__point_b", "point", "(b)"),
                ("sec_7__subsec_b", "subsection", "(B)"),
            ],
            id="(A)>(1)>(a)>1.",
        ),
        pytest.param(
            lines(
                "Sec. 8. Exceptions.",
                "1. This section does not apply to:",
                "a) doorbell cameras owned by residents; or",
                "b) body cameras worn by officers.",
                "2. The council may grant further exceptions by vote.",
            ),
            [
                ("sec_8", "section", "Sec. 8."),
                ("sec_8__para_1", "paragraph", "1."),
                ("sec_8__para_1__point_a", "point", "a)"),
                ("sec_8__para_1__point_b", "point", "b)"),
                ("sec_8__para_2", "paragraph", "2."),
            ],
            id="1.>a)",
        ),
    ],
)
def test_each_new_label_series_nests_one_level_deeper(text, expected):
    assert outline(imported(text)) == expected


def _lettered_policy(*items: str) -> str:
    return lines("Sec. 9. Policy contents.", "Each surveillance use policy shall state:", *items)


def test_i_after_h_at_the_same_level_is_the_letter_i():
    result = imported(_lettered_policy(
        "(g) public access;",
        "(h) sharing with third parties;",
        "(i) training of staff; and",
        "(j) auditing.",
    ))

    assert children(result, "sec_9") == ["sec_9__subsec_g", "sec_9__subsec_h", "sec_9__subsec_i", "sec_9__subsec_j"]
    assert provision(result, "sec_9__subsec_i").text == "training of staff; and"
    assert provision(result, "sec_9__subsec_h").children == ()


def test_i_under_a_digit_under_h_is_roman_one():
    result = imported(_lettered_policy(
        "(g) public access;",
        "(h) sharing with third parties, including:",
        "(1) the recipients;",
        "(2) the purpose; and",
        "(3) the safeguards, namely:",
        "(i) encryption of data in transit; and",
        "(ii) deletion after use;",
        "(i) training of staff; and",
        "(j) auditing.",
    ))

    assert children(result, "sec_9__subsec_h__para_3") == [
        "sec_9__subsec_h__para_3__point_i", "sec_9__subsec_h__para_3__point_ii",
    ]
    assert provision(result, "sec_9__subsec_h__para_3__point_i").text == "encryption of data in transit; and"
    assert children(result, "sec_9") == ["sec_9__subsec_g", "sec_9__subsec_h", "sec_9__subsec_i", "sec_9__subsec_j"]
    assert provision(result, "sec_9__subsec_i").text == "training of staff; and"
    assert "(i) read as a roman numeral" in guesses(result)


@pytest.mark.parametrize("label", ["v", "x"])
def test_v_and_x_after_the_previous_letter_are_letters(label):
    items = [f"({c}) camera type {c.upper()};" for c in string.ascii_lowercase[:24]]
    result = imported(_lettered_policy(*items))

    section = provision(result, "sec_9")
    assert [child.num for child in section.children] == [f"({c})" for c in string.ascii_lowercase[:24]]
    assert provision(result, f"sec_9__subsec_{label}").text == f"camera type {label.upper()};"
    assert all(not child.children for child in section.children)


@pytest.mark.parametrize("label", ["v", "x"])
def test_v_and_x_after_the_previous_roman_numeral_are_roman(label):
    romans = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi"]
    result = imported(lines(
        "Sec. 11. Safeguards.",
        "(a) Each policy shall include:",
        "(1) protections, namely:",
        *[f"({r}) safeguard number {n};" for n, r in enumerate(romans, start=1)],
        "(2) an audit schedule.",
    ))

    parent = "sec_11__subsec_a__para_1"
    assert children(result, parent) == [f"{parent}__point_{r}" for r in romans]
    value = romans.index(label) + 1
    assert provision(result, f"{parent}__point_{label}").text == f"safeguard number {value};"
    assert children(result, "sec_11__subsec_a") == [parent, "sec_11__subsec_a__para_2"]


def test_upper_roman_numerals_nest_under_lower_roman_numerals():
    result = imported(lines(
        "SEC. 12. WARRANT REQUIREMENT.",
        "(a) IN GENERAL.--An agency may use biometric surveillance only if--",
        "(1) a judge has found that--",
        "(A) there is probable cause, and that--",
        "(i) the search is limited to--",
        "(I) one named individual; or",
        "(II) one named location; and",
        "(ii) no less intrusive means exists; and",
        "(B) the order is in writing; and",
        "(2) the agency gives notice.",
    ))

    clause = "sec_12__subsec_a__para_1__point_a__point_i"
    assert children(result, clause) == [f"{clause}__point_i", f"{clause}__point_ii"]
    assert [provision(result, eid).num for eid in children(result, clause)] == ["(I)", "(II)"]
    assert provision(result, f"{clause}__point_ii").text == "one named location; and"
    assert children(result, "sec_12__subsec_a__para_1__point_a") == [
        clause, "sec_12__subsec_a__para_1__point_a__point_ii",
    ]
    assert children(result, "sec_12__subsec_a__para_1") == [
        "sec_12__subsec_a__para_1__point_a", "sec_12__subsec_a__para_1__point_b",
    ]


def test_upper_i_after_upper_h_is_the_letter_i():
    items = [f"({c}) matter {c};" for c in string.ascii_uppercase[:10]]
    result = imported(lines(
        "SEC. 3. REPORT CONTENTS.",
        "(a) IN GENERAL.--Each report shall include--",
        "(1) the number of searches; and",
        "(2) the following matters:",
        *items,
    ))

    parent = "sec_3__subsec_a__para_2"
    assert [provision(result, eid).num for eid in children(result, parent)] == [
        f"({c})" for c in string.ascii_uppercase[:10]
    ]
    assert provision(result, f"{parent}__point_i").text == "matter I;"


def test_doubled_letter_after_the_previous_doubled_letter_is_a_letter():
    labels = [*string.ascii_lowercase, "aa", "bb", "cc", "dd"]
    result = imported(lines(
        "Sec. 2. Definitions.",
        "In this chapter:",
        *[f'({c}) "Term {c}" means thing {c}.' for c in labels],
    ))

    assert [provision(result, eid).num for eid in children(result, "sec_2")] == [f"({c})" for c in labels]
    assert provision(result, "sec_2__subsec_cc").text == '"Term cc" means thing cc.'


# --- labels -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("gap", ["", "\n"], ids=["adjacent", "blank-lines"])
def test_label_alone_on_its_line_takes_the_next_line_as_its_text(gap):
    result = imported(gap.join(lines(*chunk) for chunk in [
        ["Sec. 13. Prohibited uses."],
        ["A."],
        ["No city official shall obtain, retain or use:"],
        ["(1)"],
        ["any face surveillance system; or"],
        ["(2)"],
        ["any information derived from such a system."],
        ["B."],
        ["This section expires when the council adopts a use policy."],
    ]))

    assert outline(result) == [
        ("sec_13", "section", "Sec. 13."),
        ("sec_13__subsec_a", "subsection", "A."),
        ("sec_13__subsec_a__para_1", "paragraph", "(1)"),
        ("sec_13__subsec_a__para_2", "paragraph", "(2)"),
        ("sec_13__subsec_b", "subsection", "B."),
    ]
    assert provision(result, "sec_13__subsec_a").text == "No city official shall obtain, retain or use:"
    assert provision(result, "sec_13__subsec_a__para_1").text == "any face surveillance system; or"
    assert provision(result, "sec_13__subsec_b").text == "This section expires when the council adopts a use policy."


def test_section_marker_and_first_label_on_one_line():
    result = imported(lines(
        "Section 220. (a) The department shall publish its surveillance use policy.",
        "(b) The policy shall be updated every year.",
    ))

    assert outline(result) == [
        ("sec_220", "section", "Section 220."),
        ("sec_220__subsec_a", "subsection", "(a)"),
        ("sec_220__subsec_b", "subsection", "(b)"),
    ]
    assert provision(result, "sec_220").text == ""
    assert provision(result, "sec_220__subsec_a").text == "The department shall publish its surveillance use policy."


def test_two_labels_run_together_open_two_levels():
    result = imported(lines(
        "Sec. 21. Use policies.",
        "(a) The department shall publish its surveillance use policy.",
        "(b)(1) The policy shall describe each technology.",
        "(2) The policy shall name the officer responsible.",
    ))

    assert outline(result)[2:] == [
        ("sec_21__subsec_b", "subsection", "(b)"),
        ("sec_21__subsec_b__para_1", "paragraph", "(1)"),
        ("sec_21__subsec_b__para_2", "paragraph", "(2)"),
    ]
    assert provision(result, "sec_21__subsec_b").text == ""
    assert provision(result, "sec_21__subsec_b__para_1").text == "The policy shall describe each technology."


# --- element names by depth -------------------------------------------------------------------------------------------


def test_element_names_follow_depth_section_subsection_paragraph_point():
    result = imported(lines(
        "Sec. 30. Data retention.",
        "(a) Surveillance data shall be deleted:",
        "(1) within thirty days, unless:",
        "(A) it is evidence in an investigation; or",
        "(i) a court orders otherwise.",
    ))

    assert [(p.element, p.num) for p in provisions(result)] == [
        ("section", "Sec. 30."), ("subsection", "(a)"), ("paragraph", "(1)"), ("point", "(A)"), ("point", "(i)"),
    ]


DIGITS_ARE_PARAGRAPHS = ("paragraph", "para_1", "para_2")
LETTERS_ARE_SUBSECTIONS = ("subsection", "subsec_a", "subsec_b")


@pytest.mark.parametrize(
    ("number", "first", "second", "placed"),
    [
        ("31", "(1)", "(2)", DIGITS_ARE_PARAGRAPHS),
        ("31", "1.", "2.", DIGITS_ARE_PARAGRAPHS),
        ("32", "(a)", "(b)", LETTERS_ARE_SUBSECTIONS),
        ("32", "(A)", "(B)", LETTERS_ARE_SUBSECTIONS),
        ("32", "A.", "B.", LETTERS_ARE_SUBSECTIONS),
    ],
    ids=["(1)-paragraphs", "1.-paragraphs", "(a)-subsections", "(A)-subsections", "A.-subsections"],
)
def test_digits_directly_under_a_section_are_paragraphs_and_letters_subsections(number, first, second, placed):
    element, first_eid, second_eid = placed
    result = imported(lines(
        f"Sec. {number}. Notice.",
        f"{first} Each camera shall carry a visible sign.",
        f"{second} The sign shall name the department responsible.",
    ))

    assert outline(result) == [
        (f"sec_{number}", "section", f"Sec. {number}."),
        (f"sec_{number}__{first_eid}", element, first),
        (f"sec_{number}__{second_eid}", element, second),
    ]


# --- definitions ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("open_quote", "close_quote"), [('"', '"'), ("\u201c", "\u201d")], ids=["straight", "curly"])
def test_quoted_term_followed_by_means_is_a_definition(open_quote, close_quote):
    result = imported(lines(
        "Sec. 2. Definitions.",
        "As used in this chapter:",
        f"(a) {open_quote}Surveillance technology{close_quote} means any electronic device used to monitor people.",
        f"(b) {open_quote}Face surveillance{close_quote} means an automated process that identifies a person.",
    ))

    eid = assert_defined(result, "Surveillance technology")
    assert eid == "term-surveillance_technology"
    assert assert_defined(result, "Face surveillance") == "term-face_surveillance"
    subsection = xpath(result.root, "//akn:subsection[@eId='sec_2__subsec_a']//akn:p")[0]
    assert text_of(subsection) == (
        f"{open_quote}Surveillance technology{close_quote} means any electronic device used to monitor people."
    )
    assert provision(result, "sec_2__subsec_a").text.startswith(f"{open_quote}Surveillance technology{close_quote}")


def test_quoted_term_followed_by_a_comma_and_no_verb_is_a_definition():
    result = imported(lines(
        "Sec. 2. Definitions.",
        "For the purposes of this chapter:",
        '"Department", any office, board or agency of the city.',
        '"Surveillance data", any information gathered by surveillance technology.',
    ))

    assert assert_defined(result, "Department") == "term-department"
    assert assert_defined(result, "Surveillance data") == "term-surveillance_data"
    assert provision(result, "sec_2").text.endswith(
        '"Surveillance data", any information gathered by surveillance technology.'
    )


def test_capitalised_term_and_period_in_a_definitions_section_is_a_definition():
    result = imported(lines(
        "16-70.1 Definitions.",
        "For the purposes of this section, the following definitions apply:",
        "CITY OFFICIAL. Any person acting on behalf of the city, including any contractor.",
        "FACE SURVEILLANCE SYSTEM. Any software that identifies individuals from images of their faces.",
        "",
        "16-70.2 Ban.",
        "No city official shall use a face surveillance system.",
    ))

    assert assert_defined(result, "CITY OFFICIAL") == "term-city_official"
    assert assert_defined(result, "FACE SURVEILLANCE SYSTEM") == "term-face_surveillance_system"
    definition = xpath(result.root, "//akn:def[@refersTo='#term-city_official']")[0]
    assert definition.tail == ". Any person acting on behalf of the city, including any contractor."
    assert provision(result, "sec_16-70.2").text == "No city official shall use a face surveillance system."


def test_capitalised_term_and_period_outside_a_definitions_section_is_not_a_definition():
    result = imported(lines(
        "Sec. 4. Penalties.",
        "FINES. Any department that violates this chapter shall pay a fine.",
    ))

    assert defs(result) == {}
    assert result.report["definitions"] == []


def test_term_alone_on_its_line_is_defined_by_the_next_paragraph():
    result = imported(lines(
        "Sec. 1. Definitions.",
        "As used in this chapter, the following terms shall have the meanings indicated:",
        "LICENSE PLATE READER",
        "A camera system that captures and stores vehicle plate numbers.",
        "DRONE",
        "An unmanned aircraft flown by or for a city department.",
        "",
        "Sec. 2. Prohibition.",
        "No department shall operate a drone over a private residence.",
    ))

    assert assert_defined(result, "LICENSE PLATE READER") == "term-license_plate_reader"
    assert assert_defined(result, "DRONE") == "term-drone"
    paragraphs = [text_of(p) for p in xpath(result.root, "//akn:section[@eId='sec_1']//akn:p")]
    assert paragraphs[1:] == [
        "LICENSE PLATE READER",
        "A camera system that captures and stores vehicle plate numbers.",
        "DRONE",
        "An unmanned aircraft flown by or for a city department.",
    ]
    assert provision(result, "sec_2").text == "No department shall operate a drone over a private residence."


def test_federal_term_heading_with_gpo_quotes_is_a_definition():
    result = imported(lines(
        "SEC. 2. DEFINITIONS.",
        "",
        "    In this Act:",
        "        (1) BIOMETRIC SURVEILLANCE SYSTEM.--The term ``biometric ",
        "    surveillance system'' means any computer software that performs ",
        "    facial recognition.",
        "        (2) FEDERAL OFFICIAL.--The term ``Federal official'' means ",
        "    any officer or employee of a Federal agency.",
    ))

    assert outline(result) == [
        ("sec_2", "section", "SEC. 2."), ("sec_2__para_1", "paragraph", "(1)"), ("sec_2__para_2", "paragraph", "(2)"),
    ]
    first = provision(result, "sec_2__para_1")
    assert first.heading == "BIOMETRIC SURVEILLANCE SYSTEM"
    assert first.text == (
        "The term \u201cbiometric surveillance system\u201d means any computer software that performs facial "
        "recognition."
    )
    assert assert_defined(result, "biometric surveillance system") == "term-biometric_surveillance_system"
    assert assert_defined(result, "Federal official") == "term-federal_official"


# --- front matter -----------------------------------------------------------------------------------------------------

ORDINANCE = lines(
    "CITY OF RIVERTON",
    "IN CITY COUNCIL",
    "",
    "AN ORDINANCE",
    "REGULATING THE USE OF SURVEILLANCE TECHNOLOGY",
    "",
    "WHEREAS, surveillance technology can threaten the privacy of residents; and",
    "",
    "WHEREAS, the public should have a voice in decisions about surveillance;",
    "",
    "NOW, THEREFORE, Be it ordained by the City Council of the City of Riverton as follows:",
    "",
    "Section 1. Council approval required.",
    "No department shall acquire surveillance technology without the approval of the City Council.",
    "",
    "Section 2. Annual report.",
    "Each department shall file an annual surveillance report with the City Clerk.",
    "",
    "Adopted by the City Council on April 14, 2025.",
)

BILL = lines(
    "THE COMMONWEALTH OF MASSACHUSETTS",
    "",
    "In the One Hundred and Ninety-Fourth General Court",
    "(2025-2026)",
    "",
    "IN THE HOUSE OF REPRESENTATIVES",
    "",
    "Docket No. 1187",
    "Filed on: January 17, 2025",
    "Sponsors: Representatives Ana Ruiz and Tom Becker",
    "",
    "AN ACT",
    "ESTABLISHING A MORATORIUM ON BIOMETRIC SURVEILLANCE",
    "",
    "Be it enacted by the Senate and House of Representatives in General Court assembled, and by the authority of "
    "the same, as follows:",
    "",
    "SECTION 1. No executive agency shall use a biometric surveillance system until December 31, 2027.",
    "",
    "SECTION 2. This act shall take effect upon its passage.",
)


def test_title_in_capitals_over_two_lines_is_the_document_title():
    result = imported(ORDINANCE)

    titles = xpath(result.root, "//akn:preface//akn:docTitle")
    assert [text_of(t) for t in titles] == ["AN ORDINANCE REGULATING THE USE OF SURVEILLANCE TECHNOLOGY"]
    assert result.report["title"] == "AN ORDINANCE REGULATING THE USE OF SURVEILLANCE TECHNOLOGY"


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        (ORDINANCE, "NOW, THEREFORE, Be it ordained by the City Council of the City of Riverton as follows:"),
        (BILL, "Be it enacted by the Senate and House of Representatives in General Court assembled, and by the "
               "authority of the same, as follows:"),
    ],
    ids=["ordained", "enacted"],
)
def test_enacting_clause_is_the_preamble_formula(text, clause):
    result = imported(text)

    formulas = xpath(result.root, "//akn:preamble/akn:formula[@name='enactingFormula']")
    assert [text_of(f) for f in formulas] == [clause]
    assert all(clause not in p.text for p in provisions(result))


@pytest.mark.parametrize(("text", "doc_type"), [(ORDINANCE, "ordinance"), (BILL, "bill")])
def test_document_type_follows_the_enacting_words(text, doc_type):
    result = imported(text)

    assert result.report["doc_type"] == doc_type
    assert result.root[0].get("name") == doc_type


def test_whereas_recitals_are_in_the_preamble():
    result = imported(ORDINANCE)

    recitals = xpath(result.root, "//akn:preamble/akn:recitals/akn:recital")
    assert [text_of(r) for r in recitals] == [
        "WHEREAS, surveillance technology can threaten the privacy of residents; and",
        "WHEREAS, the public should have a voice in decisions about surveillance;",
    ]
    assert all("WHEREAS" not in p.text for p in provisions(result))


def test_legislature_cover_page_is_kept_apart_from_the_body():
    result = imported(BILL)

    cover = text_of(part(result, "coverPage"))
    for printed in ("THE COMMONWEALTH OF MASSACHUSETTS", "One Hundred and Ninety-Fourth General Court", "(2025-2026)",
                    "IN THE HOUSE OF REPRESENTATIVES", "Docket No. 1187", "Filed on: January 17, 2025",
                    "Sponsors: Representatives Ana Ruiz and Tom Becker"):
        assert printed in cover
    body = text_of(part(result, "body"))
    assert "Docket" not in body and "Sponsors" not in body
    assert "Docket" not in text_of(part(result, "preface"))
    assert outline(result) == [("sec_1", "section", "SECTION 1."), ("sec_2", "section", "SECTION 2.")]
    assert result.report["title"] == "AN ACT ESTABLISHING A MORATORIUM ON BIOMETRIC SURVEILLANCE"


def test_adoption_line_is_in_the_conclusions():
    result = imported(ORDINANCE)

    assert text_of(part(result, "conclusions")) == "Adopted by the City Council on April 14, 2025."
    assert provision(result, "sec_2").text == (
        "Each department shall file an annual surveillance report with the City Clerk."
    )


def test_closing_words_on_a_section_line_are_its_text_not_what_follows_a_heading():
    result = imported(lines("Section 3. Effective date. Passed by the City Council 2020."))

    assert provision(result, "sec_3").heading is None
    assert provision(result, "sec_3").text == "Effective date. Passed by the City Council 2020."
    assert part(result, "conclusions") is None


def test_closing_words_before_more_units_do_not_end_the_section_before_them():
    result = imported(lines("Section 3. Effect.", "Adopted by the City Council 2020.", "Section 4. Purpose. Text."))

    assert provision(result, "sec_3").heading == "Effect"
    assert provision(result, "sec_3").text == "Adopted by the City Council 2020."
    assert part(result, "conclusions") is None


UNTITLED = lines(
    "SECTION 1. The department shall publish an annual report.",
    "",
    "SECTION 2. The department shall retain its records for one year.",
)
OTHER_UNTITLED = lines("SECTION 1. No police department shall use face surveillance.")


def work_uri(result: ImportResult) -> str:
    return read_identification(result.root).work_uri


def test_untitled_texts_get_distinct_numbers_derived_from_their_content():
    first, second = imported(UNTITLED), imported(OTHER_UNTITLED)

    assert work_uri(first) != work_uri(second)
    for result in (first, second):
        assert re.fullmatch(r"/akn/us/bill/[0-9]{4}/untitled-[0-9a-f]{8}", work_uri(result)), work_uri(result)


def test_the_same_untitled_text_gets_the_same_derived_number():
    assert work_uri(imported(UNTITLED)) == work_uri(imported(UNTITLED.replace("\n", "\r\n") + "\n"))


def test_import_report_says_the_number_was_derived_from_the_content():
    result = imported(UNTITLED)
    number = work_uri(result).rsplit("/", 1)[1]

    assert [note for note in result.report["notes"] if number in note] == [
        f"no title or number was found: the number {number} is derived from the text's content (the same text "
        "gets the same number)"
    ]


def test_a_given_number_of_an_untitled_text_is_kept():
    result = imported(UNTITLED, number="2026-7")

    assert work_uri(result).endswith("/2026-7")
    assert not any("derived" in note for note in result.report["notes"])


# --- typographic noise ------------------------------------------------------------------------------------------------


def test_printed_line_numbers_are_removed_even_when_glued_to_a_word():
    result = imported(lines(
        "1 SECTION 1. The City Council of Riverton",
        "2hereby ordains that no department shall",
        "3 acquire or use any surveillance technology",
        "4 without prior approval of the council.",
        "5",
        "6 SECTION 2. Each department shall publish",
        "7 an annual report on its use of cameras",
        "8 within 90 days of the end of each fiscal",
        "9 year.",
    ))

    assert outline(result) == [("sec_1", "section", "SECTION 1."), ("sec_2", "section", "SECTION 2.")]
    assert provision(result, "sec_1").text == (
        "The City Council of Riverton hereby ordains that no department shall acquire or use any surveillance "
        "technology without prior approval of the council."
    )
    assert provision(result, "sec_2").text == (
        "Each department shall publish an annual report on its use of cameras within 90 days of the end of each "
        "fiscal year."
    )
    assert "removed 9 printed line numbers" in result.report["notes"]


def test_page_numbers_and_running_headers_are_removed_and_reported():
    result = imported(lines(
        "Riverton Surveillance Ordinance - Draft",
        "Section 1. Purpose.",
        "This ordinance shall govern how city departments acquire surveillance technology.",
        "Page 1 of 3",
        "",
        "Riverton Surveillance Ordinance - Draft",
        "Section 2. Approval.",
        "A department shall obtain the approval of the council before it",
        "Page 2 of 3",
        "Riverton Surveillance Ordinance - Draft",
        "acquires any surveillance technology.",
        "",
        "Section 3. Reports.",
        "Each department shall report on its use of surveillance technology each year.",
        "Page 3 of 3",
        "Riverton Surveillance Ordinance - Draft",
    ))

    assert outline(result) == [
        ("sec_1", "section", "Section 1."), ("sec_2", "section", "Section 2."), ("sec_3", "section", "Section 3."),
    ]
    assert provision(result, "sec_2").text == (
        "A department shall obtain the approval of the council before it acquires any surveillance technology."
    )
    everything = text_of(result.root[0])
    assert "Page" not in everything and "Draft" not in everything
    removed = Counter(item["text"] for item in result.report["removed"])
    assert removed == {
        "Page 1 of 3": 1, "Page 2 of 3": 1, "Page 3 of 3": 1, "Riverton Surveillance Ordinance - Draft": 4,
    }
    assert any("page furniture" in note for note in result.report["notes"])


@pytest.mark.parametrize(
    ("ending", "following", "expected"),
    [
        pytest.param(
            "Each department shall report each year on its use of surveil-", "lance technology.",
            "Each department shall report each year on its use of surveillance technology.",
            id="word-joined",
        ),
        pytest.param(
            "Each report shall list every semi-", "automated analysis the department ran.",
            "Each report shall list every semi-automated analysis the department ran.",
            id="hyphen-after-a-prefix-kept",
        ),
    ],
)
def test_word_hyphenated_at_a_line_end_is_joined_and_a_hyphen_after_a_prefix_kept(ending, following, expected):
    result = imported(lines("Sec. 3. Reports.", ending, following))

    assert provision(result, "sec_3").text == expected


def test_soft_line_breaks_inside_a_sentence_are_joined():
    result = imported(lines(
        "Sec. 4. Reports.",
        "Each department shall report to the",
        "City Council and to the U.S.",
        "Department of Justice every",
        "year.",
    ))

    section = provision(result, "sec_4")
    assert section.text == (
        "Each department shall report to the City Council and to the U.S. Department of Justice every year."
    )
    assert len(xpath(result.root, "//akn:section[@eId='sec_4']//akn:p")) == 1


@pytest.mark.parametrize(
    ("text", "eid", "expected"),
    [
        pytest.param(
            lines(
                "2.128.040 Annual report.",
                "Each department shall report on any technology approved under section",
                "2.128.030 of this chapter within ninety days.",
            ),
            "sec_2.128.040",
            "Each department shall report on any technology approved under section 2.128.030 of this chapter within "
            "ninety days.",
            id="code-number",
        ),
        pytest.param(
            lines(
                "Sec. 4. Reports.",
                "(a) Each department shall report annually.",
                "(b) A report made under subsection",
                "(a) shall be posted online.",
            ),
            "sec_4__subsec_b",
            "A report made under subsection (a) shall be posted online.",
            id="label",
        ),
    ],
)
def test_cross_reference_wrapped_to_a_line_start_continues_the_sentence(text, eid, expected):
    result = imported(text)

    assert provision(result, eid).text == expected
    assert len(provisions(result)) == len({p.num for p in provisions(result)})


def test_a_bracketed_label_and_a_comma_after_a_wrapped_reference_word_is_a_reference():
    result = imported(lines(
        "SEC. 3. MORATORIUM.",
        "    (d) Certification.--The moratorium ends on certification by the Attorney General.",
        "    (e) Considerations.--Before making a certification under subsection",
        "(d), the Attorney General should ensure that--",
        "            (1) the technology has been evaluated for accuracy; and",
        "            (2) guidelines governing its use have been issued.",
    ))

    assert [p.eId for p in provisions(result)] == [
        "sec_3", "sec_3__subsec_d", "sec_3__subsec_e", "sec_3__subsec_e__para_1", "sec_3__subsec_e__para_2"]
    assert "under subsection (d), the Attorney General" in provision(result, "sec_3__subsec_e").text


def test_non_breaking_spaces_read_as_spaces():
    result = imported("Sec.\u00a05.\u00a0Retention.\nRecordings shall be deleted after thirty\u00a0days.\n")

    section = provision(result, "sec_5")
    assert (section.num, section.heading) == ("Sec. 5.", "Retention")
    assert section.text == "Recordings shall be deleted after thirty days."
    assert "\u00a0" not in etree.tostring(result.root, encoding="unicode")


INVISIBLE = {"zwsp": "\u200b", "shy": "\u00ad", "zwj": "\u200d", "bom": "\ufeff"}


@pytest.mark.parametrize(
    ("text", "eid", "expected", "note", "removed"),
    [
        *(
            pytest.param(
                f"Sec. 5. Retention.\nData from a sur{character}veil{character}lance camera shall be deleted.\n",
                "sec_5",
                "Data from a surveillance camera shall be deleted.", "removed 2 invisible characters", character,
                id=name,
            )
            for name, character in INVISIBLE.items()
        ),
        pytest.param(
            "Sec. 6. Access.\nNo official shall share data\x07 with a vendor without a\x00 warrant.\n", "sec_6",
            "No official shall share data with a vendor without a warrant.", "removed 2 control characters",
            "\x07\x00",
            id="control",
        ),
        pytest.param(
            "Sec. 6. Access.\nNo official shall share \u202eatad\u202c with a vendor.\n", "sec_6",
            "No official shall share atad with a vendor.", "removed 2 bidirectional control characters",
            "\u202e\u202c",
            id="bidirectional-override",
        ),
    ],
)
def test_invisible_control_and_bidirectional_characters_are_removed_and_reported(text, eid, expected, note, removed):
    result = imported(text)

    assert provision(result, eid).text == expected
    assert note in result.report["notes"]
    serialised = etree.tostring(result.root, encoding="unicode")
    assert not any(character in serialised for character in removed)


@pytest.mark.parametrize(("open_quote", "close_quote"), [('"', '"'), ("\u201c", "\u201d"), ("``", "''")],
                         ids=["straight", "curly", "gpo"])
def test_short_title_is_found_in_straight_curly_and_gpo_quotes(open_quote, close_quote):
    result = imported(lines(
        "SECTION 1. Short title.",
        f"This ordinance may be cited as the {open_quote}Surveillance Oversight Ordinance{close_quote}.",
    ))

    assert result.report["title"] == "Surveillance Oversight Ordinance"


@pytest.mark.parametrize(
    "note",
    [
        pytest.param("(Added by Ord. 123, 2019)", id="added-by"),
        pytest.param(
            "(Ord. 2021 c. 14)",
            id="ord",
        ),
    ],
)
def test_history_note_is_a_history_paragraph_not_a_provision(note):
    result = imported(lines(
        "2.128.030 Council approval.",
        "A. A department shall obtain council approval before acquiring surveillance technology.",
        "B. The council shall hold a public hearing first.",
        note,
        "",
        "2.128.040 Annual report.",
        "Each department shall submit an annual surveillance report.",
        note,
    ))

    histories = xpath(result.root, "//akn:body//akn:p[@class='history']")
    assert [text_of(p) for p in histories] == [note, note]
    assert [ancestor.get("eId") for p in histories for ancestor in p.iterancestors() if ancestor.get("eId")] == [
        "sec_2.128.030", "sec_2.128.040",
    ]
    assert outline(result) == [
        ("sec_2.128.030", "section", "2.128.030"),
        ("sec_2.128.030__subsec_a", "subsection", "A."),
        ("sec_2.128.030__subsec_b", "subsection", "B."),
        ("sec_2.128.040", "section", "2.128.040"),
    ]
    assert provision(result, "sec_2.128.030__subsec_b").text == "The council shall hold a public hearing first."


# --- nothing is dropped -----------------------------------------------------------------------------------------------

ODD = lines(
    "Draft for discussion only",
    "prepared by the office of the city solicitor",
    "",
    "Sec. 1. Purpose.",
    "The council finds that cameras are spreading.",
    "(c) A stray subsection without any (a) or (b).",
    "see also the privacy commission report",
    "Note: this draft omits penalties.",
    "*** editorial marker ***",
    "",
    "Sec. 2. Drones.",
    "Drones shall not hover over homes.",
    "(1)",
    "EDITOR'S NOTE",
    "The numbering of this section was changed in 2022.",
    "A.",
)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(ODD, id="odd"),
        pytest.param(ORDINANCE, id="ordinance"),
        pytest.param(BILL, id="bill"),
        pytest.param(lines("Article 8.39. Acquisition.", "No department shall acquire a drone."), id="article"),
        pytest.param(lines("SECTION 1.", "SHORT TITLE.", "This Act is the Camera Act."), id="heading-below"),
        pytest.param(lines("CHAPTER 9", "SURVEILLANCE", "Section 9.1. Purpose.", "It governs cameras."),
                     id="chapter-heading-below"),
        pytest.param(lines("Sec. 1. Definitions.", "As used in this chapter:", "DRONE", "An unmanned aircraft.",
                           "ORPHAN TERM"), id="term-without-definition"),
    ],
)
def test_every_word_of_the_input_is_kept(text):
    result = imported(text)

    assert words(text) - document_words(result) == Counter()


# --- encoding and characters ------------------------------------------------------------------------------------------


def test_invalid_utf8_is_refused_with_its_offset():
    data = b"Sec. 1. Scope.\nThe caf\xe9 camera rule.\n"

    with pytest.raises(TextEncodingError, match=r"0xe9 at offset 22 \(line 2\)"):
        import_bytes(data)


def test_utf8_byte_order_mark_is_allowed():
    result = import_bytes("\ufeffSec. 1. Scope.\nThis chapter applies to every camera.\n".encode())

    assert validate(result.root).valid
    assert outline(result) == [("sec_1", "section", "Sec. 1.")]


# --- hostile text -----------------------------------------------------------------------------------------------------


def test_markup_and_template_syntax_stay_literal_text():
    sentence = 'The clerk shall print <script>alert("x")</script> and {{7*7}} and &amp; as written.'
    result = imported(lines("Sec. 7. Display.", sentence))

    assert provision(result, "sec_7").text == sentence
    assert xpath(result.root, "//*[local-name()='script']") == []
    serialised = etree.tostring(result.root, encoding="unicode")
    assert "&lt;script&gt;" in serialised and "{{7*7}}" in serialised
    assert "49" not in serialised
