"""Amending bills: the instruction is a `<mod>`, the structure it inserts a `<quotedStructure>` inside the amending
provision (its units keep their own numbers), quoted words `<quotedText>`; readers (provisions, the safeguards
engine) read inside the quoted structure.

Every text here is written for the test, in the layouts state bills and amending ordinances are printed in.
"""

from __future__ import annotations

import pytest
from lxml import etree

from drafting.akn import extract_provisions, validate
from drafting.akn.namespaces import akn, xpath
from drafting.analysis.engine import evaluate
from drafting.importers.structure.amendments import is_amending
from drafting.importers.text import ImportResult, import_text
from tests.bench_scripts import bench_script


def lines(*rows: str) -> str:
    return "\n\n".join(rows) + "\n"


def imported(text: str) -> ImportResult:
    result = import_text(text)
    report = validate(result.root, strict=True)
    assert report.valid, report.as_dict()
    return result


def tops(result: ImportResult) -> list[tuple[str, str | None]]:
    """The document's own top-level provisions: (eId, num)."""
    return [(p.eId, p.num) for p in extract_provisions(result.root)]


def quoted_paths(result: ImportResult) -> dict[str, list[str]]:
    """For each amending provision, the citations of the provisions its quoted structures hold."""
    found: dict[str, list[str]] = {}
    for top in extract_provisions(result.root):
        for provision in top.walk():
            for child in provision.children:
                if child.quoted:
                    found.setdefault(provision.eId, []).extend(p.citation for p in child.walk())
    return found


MA_STYLE = lines(
    "An Act establishing a moratorium on face surveillance",
    "Be it enacted by the Senate and House of Representatives in General Court assembled, and by the authority of "
    "the same, as follows:",
    "SECTION 1. Chapter 6 of the General Laws is hereby amended by inserting after section 219 the following "
    "section:-",
    "Section 220. (a) As used in this section, the following words shall have the following meanings:-",
    '"Biometric surveillance system", any computer software that performs face recognition.',
    "(b) No public agency shall acquire, possess, access or use any biometric surveillance system.",
    "(c) Any violation of this section shall be reported to the attorney general.",
    "SECTION 2. Section 37 of chapter 30A of the General Laws is hereby amended by striking out, in line 4, the "
    'words "thirty days" and inserting in place thereof the following words:- "sixty days".',
    "SECTION 3. Section 12 of chapter 41 of the General Laws is hereby repealed.",
    "SECTION 4. This act shall take effect upon its passage.",
)


def test_an_inserted_section_is_a_quoted_structure_inside_the_amending_section():
    result = imported(MA_STYLE)
    assert tops(result) == [("sec_1", "SECTION 1."), ("sec_2", "SECTION 2."), ("sec_3", "SECTION 3."),
                            ("sec_4", "SECTION 4.")]
    assert quoted_paths(result) == {"sec_1": ["220", "220(a)", "220(b)", "220(c)"]}
    modification = xpath(result.root, "//akn:section[@eId='sec_1']/akn:content/akn:p/akn:mod")[0]
    assert modification.get("eId") == "sec_1__mod_1"
    assert modification.text.startswith("Chapter 6 of the General Laws is hereby amended")
    structure = modification.find(akn("quotedStructure"))
    assert structure.get("eId") == "sec_1__mod_1__qstr_1"
    assert [s.get("eId") for s in structure.iter(akn("subsection"))] == [
        "sec_1__sec_220__subsec_a", "sec_1__sec_220__subsec_b", "sec_1__sec_220__subsec_c"]


def test_the_definitions_inside_a_quoted_structure_are_definitions():
    result = imported(MA_STYLE)
    assert [d["term"] for d in result.report["definitions"]] == ["Biometric surveillance system"]
    definition = next(result.root.iter(akn("def")))
    assert any(a.tag == akn("quotedStructure") for a in definition.iterancestors())


def test_struck_and_inserted_words_are_quoted_text_and_a_repeal_is_a_modification():
    result = imported(MA_STYLE)
    words = xpath(result.root, "//akn:section[@eId='sec_2']//akn:mod/akn:quotedText")
    assert [w.text for w in words] == ['"thirty days"', '"sixty days"']
    assert [w.get("eId") for w in words] == ["sec_2__mod_1__qtext_1", "sec_2__mod_1__qtext_2"]
    repeal = xpath(result.root, "//akn:section[@eId='sec_3']//akn:mod")[0]
    assert repeal.text.endswith("is hereby repealed.")
    own = xpath(result.root, "//akn:section[@eId='sec_4']//akn:p")[0]
    assert own.find(akn("mod")) is None


def test_a_quotation_printed_in_marks_ends_at_its_closing_mark_whatever_it_quotes():
    text = lines(
        "SECTION 1. Section 2 of chapter 147 of the General Laws is hereby amended by adding the following "
        "subsection:-",
        "\u201c(f) For the purposes of this subsection, \u201cbiometric data\u201d means a record of a person's face.",
        "(g) The secretary shall not use biometric data.\u201d; and",
        "(1) This paragraph is the bill's own text after the quotation.",
        "SECTION 2. This act shall take effect on July 1.",
    )
    result = imported(text)
    assert quoted_paths(result) == {"sec_1": ["(f)", "(g)"]}
    structure = next(result.root.iter(akn("quotedStructure")))
    assert (structure.get("startQuote"), structure.get("endQuote"), structure.tail) == ("\u201c", "\u201d", "; and")
    own = [p.citation for top in extract_provisions(result.root) for p in top.walk() if not _inside_quote(p, result)]
    assert own == ["1", "1(1)", "2"]


def _inside_quote(provision, result) -> bool:
    return provision.eId in {p.eId for q in quoted_provisions(result) for p in q.walk()}


def quoted_provisions(result):
    return [child for top in extract_provisions(result.root) for p in top.walk() for child in p.children
            if child.quoted]


def test_the_quotation_may_start_on_the_instructions_line():
    text = lines(
        "SECTION 1. Chapter 6 of the General Laws is hereby amended by inserting after section 219 the following "
        "section:- Section 220. (a) No public agency shall use face surveillance. (b) This section shall not apply "
        "to the registry of motor vehicles.",
        "SECTION 2. This act shall take effect upon its passage.",
    )
    result = imported(text)
    assert tops(result) == [("sec_1", "SECTION 1."), ("sec_2", "SECTION 2.")]
    assert quoted_paths(result)["sec_1"][0] == "220"


def test_a_list_after_the_following_in_the_bills_own_words_is_not_a_quotation():
    text = lines(
        "SECTION 1. Annual report.",
        "(a) The attorney general shall publish a report that includes the following:-",
        "(1) the number of requests made; and",
        "(2) the number of requests refused.",
        "SECTION 2. Definitions. As used in this act, the following words shall have the following meanings:-",
        '"Agency", any agency of the commonwealth.',
    )
    result = imported(text)
    assert result.root.find(f".//{akn('mod')}") is None
    assert [p.citation for top in extract_provisions(result.root) for p in top.walk()] == [
        "1", "1(a)", "1(a)(1)", "1(a)(2)", "2"]


def test_an_amendment_whose_instruction_is_not_numbered_quotes_into_an_unnumbered_section():
    text = lines(
        "Mr. Smith of Westford moves to amend the bill by inserting after section 4 the following section:-",
        "Section 4A. (a) No state agency shall use a facial recognition system.",
        "(b) The secretary shall report each use of such a system.",
    )
    result = imported(text)
    (top,) = extract_provisions(result.root)
    assert top.num is None
    assert [p.citation for p in top.children[0].walk()] == ["4A", "4A(a)", "4A(b)"]
    assert result.report["unplaced"] == []


def test_the_next_amending_subsection_of_the_bill_ends_the_quotation():
    text = lines(
        "SECTION 1. (a) Section 5 of chapter 6 of the General Laws is hereby amended by inserting after subsection "
        "(b) the following subsection:-",
        "(c) No officer shall request face surveillance from a third party.",
        "(b) Section 6 of said chapter 6 is hereby amended by striking out the word \u201cmay\u201d and inserting "
        "in place thereof the word:- \u201cshall\u201d.",
    )
    result = imported(text)
    assert quoted_paths(result) == {"sec_1__subsec_a": ["(c)"]}
    assert [p.citation for p in extract_provisions(result.root)[0].children] == ["1(a)", "1(b)"]


def test_a_duty_to_delete_inside_a_quoted_section_does_not_end_the_quotation():
    text = lines(
        "SECTION 1. Chapter 6 of the General Laws is hereby amended by inserting after section 219 the following "
        "section:-",
        "Section 220A. (a) No public agency shall use a biometric surveillance system.",
        "(b) Any information collected in violation of this section shall be deleted not later than 30 days after "
        "the violation is discovered.",
        "(c) Any person aggrieved by a violation of this section may bring a civil action.",
        "SECTION 2. This act shall take effect 90 days after its passage.",
    )
    result = imported(text)
    assert quoted_paths(result) == {"sec_1": ["220A", "220A(a)", "220A(b)", "220A(c)"]}
    assert tops(result) == [("sec_1", "SECTION 1."), ("sec_2", "SECTION 2.")]


def test_a_duty_to_delete_in_an_added_article_is_its_text_not_a_modification():
    text = "\n".join([
        "SECTION 1. Chapter 9 of the City Code is amended by adding Article III, to read as follows:",
        "",
        "ARTICLE III. SURVEILLANCE TECHNOLOGY OVERSIGHT",
        "",
        "\u00a7 9-17 Enforcement.",
        "(a) Any person injured by a violation of this article may bring a civil action.",
        "(b) Surveillance data collected in violation of this article shall be deleted",
        "promptly.",
        "(c) A City employee who violates this article shall be subject to discipline.",
        "",
        "\u00a7 9-18 Construction.",
        "Nothing in this article shall limit any right under state law.",
        "",
        "SECTION 2. This ordinance shall take effect sixty days after its passage.",
    ]) + "\n"
    result = imported(text)
    assert quoted_paths(result)["sec_1"] == [
        "ARTICLE III", "ARTICLE III(\u00a7 9-17)", "ARTICLE III(\u00a7 9-17)(a)", "ARTICLE III(\u00a7 9-17)(b)",
        "ARTICLE III(\u00a7 9-17)(c)", "ARTICLE III(\u00a7 9-18)"]
    assert len(xpath(result.root, "//akn:mod")) == 1
    assert len(xpath(result.root, "//akn:quotedStructure//akn:mod")) == 0


@pytest.mark.parametrize(("text", "amending"), [
    ("Surveillance data collected in violation of this article shall be deleted promptly.", False),
    ("A camera may be added to the list only by vote of the council.", False),
    ("That the Code of Ordinances be amended by adding the following chapter:", True),
    ("Section 5 of said chapter 6 is hereby amended by striking out the word \u201cmay\u201d.", True),
    ("Section 12 of chapter 41 of the General Laws is hereby repealed.", True),
    ("Subsection (c) is deleted.", True),
])
def test_a_duty_of_the_law_in_the_passive_is_not_an_amending_instruction(text, amending):
    assert is_amending(text) is amending


def test_the_safeguards_engine_reads_a_moratorium_written_as_an_amendment():
    own = lines(
        "SECTION 1. Moratorium. No public agency or public official shall acquire, possess, access or use any "
        "biometric surveillance system, or any information derived from a biometric surveillance system.",
        "SECTION 2. Evidence. No information obtained in violation of this act shall be received in evidence in any "
        "proceeding.",
    )
    amending = lines(
        "SECTION 1. The General Laws are hereby amended by inserting after chapter 6A the following chapter:-",
        "CHAPTER 6B. BIOMETRIC SURVEILLANCE",
        "Section 1. Moratorium. No public agency or public official shall acquire, possess, access or use any "
        "biometric surveillance system, or any information derived from a biometric surveillance system.",
        "Section 2. Evidence. No information obtained in violation of this act shall be received in evidence in any "
        "proceeding.",
        "SECTION 2. This act shall take effect upon its passage.",
    )
    plain = {f.safeguard: f.status for f in evaluate(imported(own).root)}
    amended = evaluate(imported(amending).root)
    assert {f.safeguard: f.status for f in amended} == plain
    ban = next(f for f in amended if f.safeguard == "ban-mandatory")
    assert ban.status == "present" and ban.evidence[0].eId.startswith("sec_1__chp_6b__sec_1")


def test_quoted_provisions_are_children_with_their_own_citations():
    result = imported(MA_STYLE)
    section = extract_provisions(result.root)[0]
    assert "the following section:-" in section.text and "Biometric" not in section.text
    (inserted,) = section.children
    assert inserted.quoted and inserted.citation == "220"
    assert etree.QName(xpath(result.root, "//akn:quotedStructure/*")[0]).localname == "section"


def test_the_amending_documents_of_the_development_gold_set_import_exactly():
    scorer = bench_script("bench_import_gold")
    amending = [(name, text, gold) for name, text, gold in scorer.documents("dev") if "amending" in gold["layout"]]
    assert len(amending) >= 2
    for name, text, gold in amending:
        score = scorer.score(name, text, gold)
        assert score.valid, name
        assert (score.matched_units, score.found_units) == (score.gold_units, score.gold_units), (name, score)
        assert score.quoted_matched == score.quoted == score.quoted_found, (name, score)
