"""The layouts the pre-structure stage reads: bill line numbers on part of a document, text without line breaks
(run-in labels and line numbers), and the furniture of code websites. Each rule is pinned on a short text written
for the test; the dev gold documents of these layouts (bench/import_gold/dev/L*) must score full structure.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.akn.provisions import extract_provisions, iter_provisions
from drafting.importers.cleanup import clean
from drafting.importers.layout import decode, find_line_numbers, unfold
from drafting.importers.text import ImportResult
from tests.bench_scripts import bench_script
from tests.import_helpers import imported, lines

ROOT = Path(__file__).resolve().parents[1]
GOLD_DEV = ROOT / "bench" / "import_gold" / "dev"
LAYOUT_GOLD = sorted(GOLD_DEV.glob("L*_*.gold.json"))


# --- helpers --------------------------------------------------------------------------------------------------------






def nums(result: ImportResult) -> list[tuple[str, str | None]]:
    """Return (eId, num) of every provision in document order."""
    return [(p.eId, p.num) for p in iter_provisions(extract_provisions(result.root))]


def cleaned(text: str) -> list[str]:
    return [line.text.strip() for line in clean(text).lines]


def paragraphs_of(text: str) -> list[str]:
    """Return the non-blank cleaned lines: for run-in text, one per paragraph the stage found."""
    return [line for line in cleaned(text) if line.strip()]


def numbered(rows: list[str], *, per_page: int | None = None, start: int = 1) -> list[str]:
    """Number rows as a bill PDF prints them (restarting on each page when `per_page` is given)."""
    return [f"{(index % per_page if per_page else index) + start:>2} {row}".rstrip() for index, row in enumerate(rows)]


BILL = [
    "SECTION 1. Short title. This act may be cited as the Face",
    "Recognition Limits Act.",
    "",
    "SECTION 2. Prohibition. (a) No agency shall acquire or use a face",
    "recognition system.",
    "(b) Information obtained in violation of subsection (a) shall be",
    "deleted.",
    "",
    "SECTION 3. Effective date. This act takes effect on passage.",
]

# a long sentence of plain words, to give run-in text the length of a real law
FILLER = ("Each agency shall keep the records that this act requires for five years and shall make them available "
          "to the public on request. ")


# --- 1. line numbers on part of a document -----------------------------------------------------------------------


COVER = [
    "2027 Regular Session",
    "COMMITTEE REPORT",
    "June 3, 2027",
    "The committee recommends that the bill ought to pass. It would:",
    "1. Give the act a short title.",
    "2. Forbid agencies to use face recognition.",
    "",
    "2020",
    "",
]


def test_line_numbers_are_removed_only_where_lines_are_numbered():
    result = clean(lines(*COVER, *numbered(BILL)))
    texts = [line.text.strip() for line in result.lines]

    assert texts[: len(COVER)] == COVER
    assert texts[len(COVER):] == [*BILL, ""]
    assert "removed 9 line numbers 1\u20139 from lines 10\u201318" in result.notes
    assert result.line_numbers == ({"lines": [10, 18], "runs": [[1, 9]], "count": 9, "run_in": False},)


def test_numbering_restarting_on_each_page_is_one_region_reported_once():
    rows = BILL * 3
    result = clean(lines(*COVER, *numbered(rows, per_page=7)))

    assert [line.text.strip() for line in result.lines][len(COVER):] == [*rows, ""]
    assert [note for note in result.notes if " line numbers 1" in note] == [
        "removed 27 line numbers 1\u20137 (restarting 3 times) from lines 10\u201336"]
    assert [region["runs"] for region in result.line_numbers] == [[[1, 7], [1, 7], [1, 7], [1, 6]]]


def test_a_year_alone_on_a_cover_line_is_kept_but_a_page_number_after_a_numbered_page_is_removed():
    text = lines(*COVER, *numbered(BILL), "", "3")
    result = clean(text)

    assert "2020" in [line.text for line in result.lines]
    assert [line.text for line in result.removed] == ["3"]


def test_running_header_between_numbered_pages_is_removed_and_reported():
    pages = [BILL[:5], BILL[5:]]
    text = "".join("S.B. 2217\n\n" + "\n".join(numbered(page)) + "\n\f" for page in pages)
    result = clean(text)

    assert [line.text for line in result.removed] == ["S.B. 2217", "S.B. 2217"]
    assert [line.text.strip() for line in result.lines if line.text] == [row for row in BILL if row]


def test_text_whose_lines_start_with_numbers_but_are_not_numbered_is_left_as_it_is():
    rows = ["118th CONGRESS", "1st Session", "2020 census population: 48,210.", "10 states have such laws.",
            "3 members were absent.", "SECTION 1. This act takes effect on passage."]
    assert cleaned(lines(*rows)) == [*rows, ""]


def test_bill_after_a_committee_report_longer_than_itself_keeps_its_sections():
    report = [f"The committee heard witness number {n} at length on the use of face recognition." for n in range(20)]
    result = imported(lines("COMMITTEE REPORT", "", *report, "", *numbered(BILL)))

    assert nums(result) == [("sec_1", "SECTION 1."), ("sec_2", "SECTION 2."), ("sec_2__subsec_a", "(a)"),
                            ("sec_2__subsec_b", "(b)"), ("sec_3", "SECTION 3.")]


# --- 2. text without line breaks ---------------------------------------------------------------------------------


RUN_IN = (
    "AN ACT relating to face recognition. BE IT ENACTED BY THE LEGISLATURE: SECTION 1. Title. This act may be cited "
    "as the Face Recognition Limits Act. SECTION 2. Definitions. (a) As used in this act: (1) \u201cAgency\u201d means "
    "any department of the state. (2) \u201cFace recognition\u201d means the automated comparison of faces, including "
    "(i) matching or (ii) verification. (b) The terms defined in subsection (a) apply to section 3(a) of this act. "
    f"SECTION 3. Prohibition. (a) No agency shall: (1) acquire a face recognition system; (2) use one; or (3) ask a "
    f"third party to use one for it. (b) Nothing in paragraph (2) prohibits an agency from: (A) unlocking a device; or "
    f"(B) redacting faces from a recording. {FILLER * 4}(c) Information obtained in violation of this section shall "
    f"be deleted. SECTION 4. Effective date. This act takes effect on passage."
)


def test_run_in_bill_opens_a_unit_at_each_label():
    result = imported(RUN_IN)

    assert nums(result) == [
        ("sec_1", "SECTION 1."), ("sec_2", "SECTION 2."), ("sec_2__subsec_a", "(a)"),
        ("sec_2__subsec_a__para_1", "(1)"), ("sec_2__subsec_a__para_2", "(2)"), ("sec_2__subsec_b", "(b)"),
        ("sec_3", "SECTION 3."), ("sec_3__subsec_a", "(a)"), ("sec_3__subsec_a__para_1", "(1)"),
        ("sec_3__subsec_a__para_2", "(2)"), ("sec_3__subsec_a__para_3", "(3)"), ("sec_3__subsec_b", "(b)"),
        ("sec_3__subsec_b__para_a", "(A)"), ("sec_3__subsec_b__para_b", "(B)"), ("sec_3__subsec_c", "(c)"),
        ("sec_4", "SECTION 4."),
    ]
    assert any(note.startswith("line 1 (") and "run-in text" in note for note in result.report["notes"])


def test_cross_references_and_an_enumeration_run_into_a_sentence_open_no_unit():
    starts = paragraphs_of(RUN_IN)

    assert "(2) \u201cFace recognition\u201d means the automated comparison of faces, including (i) matching or (ii) " \
           "verification." in starts
    assert "(b) The terms defined in subsection (a) apply to section 3(a) of this act." in starts
    assert "(b) Nothing in paragraph (2) prohibits an agency from:" in starts


def test_front_matter_of_run_in_text_is_read_apart():
    assert paragraphs_of(RUN_IN)[:3] == ["AN ACT relating to face recognition.", "BE IT ENACTED BY THE LEGISLATURE:",
                                         "SECTION 1. Title. This act may be cited as the Face Recognition Limits Act."]


def _printed(rows: list[str], per_page: int) -> str:
    """Return rows numbered per page and copied as one line, as a PDF viewer copies a bill."""
    return " ".join(numbered(rows, per_page=per_page))


BILL_LINES = [
    "SECTION 1. Definitions. In this act, \u201cface surveillance\u201d means the",
    "automated identification of a person by the features of the per-",
    "son's face, and \u201cagency\u201d means any department of the state.",
    "",
    "SECTION 2. Prohibition. (a) No agency shall use face surveillance",
    "except as provided in subsection",
    "(b) of this section.",
    "(b) An agency may use face surveillance to identify a deceased",
    "person. The agency shall report each such use within",
    "6 months to the attorney general, stating the reason for the use,",
    "the name of the official who approved it and the result of the",
    "search, and shall keep a copy of the report for five years.",
    "",
    "SECTION 3. Penalties. A violation of this act is punishable by a",
    "fine of not more than 5 thousand dollars for each violation, and",
    "an official who commits a violation may be suspended or removed.",
    "",
    "SECTION 4. Remedies. A person injured by a violation of this act",
    "may bring a civil action for damages and for injunctive relief,",
    "and the court shall award costs and reasonable attorney fees to",
    "a plaintiff who prevails.",
    "",
    "SECTION 5. Effective date. This act takes effect 90 days after its",
    "passage.",
]


def test_inline_line_numbers_are_removed_and_reported_once():
    text = _printed(BILL_LINES, per_page=6)
    result = imported(text)

    assert nums(result) == [("sec_1", "SECTION 1."), ("sec_2", "SECTION 2."), ("sec_2__subsec_a", "(a)"),
                            ("sec_2__subsec_b", "(b)"), ("sec_3", "SECTION 3."), ("sec_4", "SECTION 4."),
                            ("sec_5", "SECTION 5.")]
    assert result.report["removed"] == []
    assert result.report["line_numbers"] == [
        {"lines": [1, 1], "runs": [[1, 6], [1, 6], [1, 6], [1, 6]], "count": 24, "run_in": True}]
    assert "removed 24 line numbers 1\u20136 (restarting 3 times) run into line 1" in result.report["notes"]


def test_page_footers_run_into_the_text_are_removed_and_reported():
    rows = numbered(BILL_LINES, per_page=6)
    for page in (3, 2, 1):
        rows.insert(6 * page, f"Page {page} of 4")
    result = imported(" ".join(rows))

    assert [item["text"] for item in result.report["removed"]][:3] == ["Page 1 of 4", "Page 2 of 4", "Page 3 of 4"]
    assert "Page" not in " ".join(p.text for p in iter_provisions(extract_provisions(result.root)))


def test_inline_line_numbers_are_told_from_numbers_of_the_text():
    found = find_line_numbers(_printed(BILL_LINES, per_page=6))

    assert found.values == (1, 2, 3, 4, 5, 6) * 4
    assert "within 6 months to the attorney general" in found.text
    assert "not more than 5 thousand dollars" in found.text


def test_a_word_broken_at_a_printed_line_end_is_joined_and_a_cross_reference_there_opens_no_unit():
    starts = paragraphs_of(_printed(BILL_LINES, per_page=6))

    assert "automated identification of a person by the features of the person's face" in starts[0]
    assert "(a) No agency shall use face surveillance except as provided in subsection (b) of this section." in starts


def test_roman_numerals_after_h_are_read_by_the_label_that_follows():
    letters = " ".join(f"({letter}) Item {letter}." for letter in "abcdefg")
    text = (f"SECTION 1. Uses. {FILLER * 6}{letters} (h) Uses that cover: (i) one; (ii) another; and (iii) a third. "
            f"(i) Item i. SECTION 2. Effect. This act takes effect on passage.")
    starts = paragraphs_of(text)

    assert starts[-6:] == ["(h) Uses that cover:", "(i) one;", "(ii) another; and", "(iii) a third.", "(i) Item i.",
                           "SECTION 2. Effect. This act takes effect on passage."]


def test_run_in_pages_are_read_as_one_text():
    first = f"SECTION 1. Scope. {FILLER * 8}(a) The first rule applies. (b) The second rule applies to every"
    second = "agency of the state. (c) The third rule applies. SECTION 2. Effect. This act takes effect on passage."
    result = clean(lines(first, "", second))
    starts = [(line.number, line.text) for line in result.lines if line.text]

    assert starts[-4:] == [(1, "(a) The first rule applies."),
                           (1, "(b) The second rule applies to every agency of the state."),
                           (3, "(c) The third rule applies."),
                           (3, "SECTION 2. Effect. This act takes effect on passage.")]


def test_a_quoted_section_after_an_amending_instruction_starts_a_paragraph():
    text = (f"SECTION 1. Chapter 6 of the General Laws is hereby amended by inserting after section 220 the following "
            f"section:- Section 221. (a) No agency shall use face recognition. (b) {FILLER * 8}SECTION 2. This act "
            f"takes effect on passage.")
    starts = paragraphs_of(text)

    assert "Section 221. (a) No agency shall use face recognition." in starts
    assert starts[-1] == "SECTION 2. This act takes effect on passage."


def test_section_numbers_of_a_code_may_go_up_by_tens():
    text = ("Chapter 9.90 BIOMETRIC SURVEILLANCE 9.90.010 Purpose. " + FILLER * 6 + "9.90.020 Definitions. As used "
            "in this chapter: A. \u201cAgency\u201d means a city office. B. \u201cSystem\u201d means any camera. "
            "(Ord. 44 \u00a7 1, 2027) 9.90.030 Remedies. A person harmed may sue.")
    starts = paragraphs_of(text)

    assert [start.split(" ", 1)[0] for start in starts] == ["Chapter", "9.90.010", "9.90.020", "A.", "B.", "(Ord.",
                                                             "9.90.030"]


def test_an_ordinary_document_with_a_long_paragraph_is_left_as_it_is():
    paragraph = ("The department shall adopt a policy that includes: (1) the purposes for which the technology may be "
                 "used; (2) the data it collects; (3) who may see that data; and (4) how long it is kept. ")
    paragraph = (paragraph + FILLER * 7).strip()
    assert len(paragraph) > 1000
    rows = ["SECTION 1. Policy.", paragraph, "", "SECTION 2. Effect.", "This act takes effect on passage."]
    assert cleaned(lines(*rows)) == [*rows, ""]


SHORT_RUN_IN = (
    'Section 1. For the purposes of this act, "remote biometric surveillance system" means any computer software '
    "that identifies a person at a distance. Section 2. No public agency shall acquire, possess, access or use a "
    "remote biometric surveillance system. Section 3. The prohibition in section 2 shall remain in effect until the "
    "general court expressly authorizes a use by a statute."
)


def test_a_short_line_holding_a_chain_of_sections_is_unfolded():
    assert len(SHORT_RUN_IN) < 1000
    assert [num for _, num in nums(imported(SHORT_RUN_IN))] == ["Section 1.", "Section 2.", "Section 3."]


def test_a_chain_of_sections_after_a_preamble_on_the_same_line_is_unfolded():
    text = f"WHEREAS, the Council wishes to prevent misuse; NOW, THEREFORE, BE IT ORDAINED: {SHORT_RUN_IN}"
    assert [num for _, num in nums(imported(text))] == ["Section 1.", "Section 2.", "Section 3."]


@pytest.mark.parametrize("line", [
    "Section 1. An agency may act only as provided under Section 2. It shall report each use.",
    "Section 1. The terms of Section 2(a) apply. Section 2(a) governs the report.",
    "Section 1. This act amends chapter 6. Section 3. This act takes effect on passage.",
])
def test_a_short_line_with_a_lone_section_reference_is_left_as_it_is(line):
    rows = [line, "", "Section 2. Effect.", "This act takes effect on passage."]
    assert cleaned(lines(*rows)) == [*rows, ""]


def test_unfold_needs_evidence_of_run_in_text():
    # a long line with one section and no label after a full stop is an ordinary long paragraph
    assert unfold([f"SECTION 1. Policy. {FILLER * 10}"], typical=0) is None
    assert unfold(["short"], typical=0) is None


def test_decode_reads_thousands_of_sections_in_one_text():
    section = "SECTION {n}. Rules. (a) The first rule. (b) The second rule: (1) one; (2) two. "
    text = "".join(section.format(n=n) for n in range(1, 2001))
    decoded = decode(text)

    assert len(decoded.sections) == 2000
    assert len(decoded.labels) == 8000


@pytest.mark.parametrize("numbers", [True, False], ids=["with-line-numbers", "without"])
@pytest.mark.parametrize("seed", range(1, 7))
def test_a_generated_ordinance_copied_as_one_line_has_the_provisions_of_its_printed_form(seed, numbers):
    bench = bench_script("bench_import")
    printed = bench.generate_ordinance(6000, seed=seed, numbered=numbers)
    one_line = " ".join(row.strip() for row in printed.splitlines() if row.strip())

    assert nums(imported(one_line, doc_type="ordinance")) == nums(imported(printed, doc_type="ordinance"))


# --- 3. furniture of code websites --------------------------------------------------------------------------------


MUNICODE = [
    "Code of Ordinances > Chapter 2 - ADMINISTRATION > ARTICLE IX. - SURVEILLANCE",
    "Latest version.",
    "Share",
    "Print",
    "",
    "1.",
    "Sec. 2-401. - Purpose.",
    "Share Link to section",
    "Print section",
    "The purpose of this article is to forbid face recognition.",
    "",
    "2.",
    "Sec. 2-402. - Prohibition.",
    "(a) No county agency shall use face recognition.",
    "(b) Information obtained in violation of subsection (a) shall be deleted.",
    "",
    "Loading...",
    "Show changes",
]


def test_website_buttons_breadcrumbs_and_list_numbers_are_removed_and_reported():
    result = imported(lines(*MUNICODE))

    assert nums(result) == [("sec_2-401", "Sec. 2-401."), ("sec_2-402", "Sec. 2-402."),
                            ("sec_2-402__subsec_a", "(a)"), ("sec_2-402__subsec_b", "(b)")]
    assert [item["text"] for item in result.report["removed"]] == [
        MUNICODE[0], "Latest version.", "Share", "Print", "1.", "Share Link to section", "Print section", "2.",
        "Loading...", "Show changes"]
    assert [item["line"] for item in result.report["removed"]][:5] == [1, 2, 3, 4, 6]


def test_dash_a_website_prints_before_a_catchline_is_dropped():
    result = imported(lines(*MUNICODE))
    headings = [p.heading for p in iter_provisions(extract_provisions(result.root)) if p.element == "section"]

    assert headings == ["Purpose", "Prohibition"]


def test_list_number_before_a_section_marker_on_its_line_is_cut_and_the_section_keeps_its_number():
    result = imported(lines(
        "1. \u00a7 9.70.010 PURPOSE.",
        "The purpose of this chapter is to forbid face recognition.",
        "2. \u00a7 9.70.020 PROHIBITION.",
        "No city department shall use face recognition.",
    ))

    assert [num for _, num in nums(result)] == ["\u00a7 9.70.010", "\u00a7 9.70.020"]
    assert [item["text"] for item in result.report["removed"]] == ["1.", "2."]


def test_numbered_items_that_do_not_stand_before_sections_are_kept():
    rows = ["\u00a7 9.64.010. Definitions.", "The following definitions apply to this Chapter.", "1.",
            "\u201cAnnual Surveillance Report\u201d means a written report that includes:", "A.",
            "A description of how the technology was used;", "2.", "\u201cCity\u201d means the City of Oak Glen."]
    result = clean(lines(*rows))

    assert [line.text for line in result.lines if line.text] == rows
    assert result.removed == ()


def test_a_single_list_number_before_a_section_is_kept():
    rows = ["1.", "Sec. 4. Purpose.", "The purpose of this ordinance is to forbid face recognition."]
    assert cleaned(lines(*rows)) == [*rows, ""]


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(["Sec. 2. Definitions.", "SHARE", "To make data available to any other person.", "PRINT",
                      "A photograph of a face."], id="defined-terms-in-capitals"),
        pytest.param(["Sec. 2. Definitions.", "Share", "means to make data available to another person."],
                     id="term-defined-in-lower-case"),
        pytest.param(["Sec. 3. Records.", "Search", "The department shall log every search."],
                     id="one-word-without-other-furniture"),
        pytest.param(["Sec. 3. Records.", "Each search shall be logged > 5 days after it is made."],
                     id="a-sentence-with-a-greater-than-sign"),
    ],
)
def test_law_text_that_looks_like_website_furniture_is_kept(rows):
    assert cleaned(lines(*rows)) == [*rows, ""]


# --- the dev documents of these layouts -----------------------------------------------------------------------------


@pytest.mark.parametrize("gold_path", LAYOUT_GOLD, ids=[p.name.removesuffix(".gold.json") for p in LAYOUT_GOLD])
def test_layout_dev_document_scores_full_structure(gold_path):
    scorer = bench_script("bench_import_gold")
    name = gold_path.name.removesuffix(".gold.json")
    documents = {doc_name: (text, gold) for doc_name, text, gold in scorer.documents("dev")}
    text, gold = documents[name]
    score = scorer.score(name, text, gold)

    assert score.error is None
    assert score.valid
    assert scorer.summarise("dev", [score])["structure_f1"] == 1.0, (score.missing, score.spurious)


def test_every_layout_has_dev_documents():
    layouts = {path.name[:2] for path in LAYOUT_GOLD}
    assert layouts == {"L1", "L2", "L3"}
    assert all(path.with_name(path.name.replace(".gold.json", ".txt")).exists() for path in LAYOUT_GOLD)
