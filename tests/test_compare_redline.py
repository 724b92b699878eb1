"""Golden tests of the redline engine on documents written for the purpose (from the project's samples).

The golden files hold a compact view of each redline (statuses, eIds, numbers, labels, changed words); regenerate
after a deliberate change with UPDATE_GOLDEN=1 and review the diff by hand.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from drafting.akn import generate_eids, parse_akn, serialize, validate
from drafting.akn.namespaces import E, akn, xpath
from drafting.compare import compare, render
from drafting.compare.model import ParagraphDiff, walk

SAMPLES = Path(__file__).resolve().parents[1] / "drafting" / "samples"
GOLDEN = Path(__file__).parent / "fixtures" / "redline"


def sample(name: str = "ma-biometric-moratorium-bill.xml") -> etree._Element:
    return parse_akn((SAMPLES / name).read_bytes()).root


def sections(root):
    return xpath(root, "//akn:body/akn:section")


def renumber(root):
    """Renumber the top-level sections 1., 2., … and regenerate eIds, as a drafter's tool would."""
    for position, section in enumerate(sections(root), start=1):
        section.find(akn("num")).text = f"{position}."
    for node in root.iter(tag=etree.Element):
        if node.get("eId") and node.tag != akn("TLCOrganization") and not node.tag.startswith(akn("TLC")):
            del node.attrib["eId"]
    generate_eids(root)
    return root


def compact(redline) -> dict:
    return {
        "stats": {k: v for k, v in redline.stats.items() if k != "top_level"},
        "top_level": [[e.status, list(e.old), list(e.new), e.old_num, e.new_num, list(e.labels)]
                      for e in redline.alignment],
        "changes": [[e.status, list(e.old), list(e.new), list(e.labels), [list(op) for op in e.diff if op[0] != "="]]
                    for e in walk(redline.alignment) if e.status not in ("unchanged", "inserted", "deleted")
                    and any(op != "=" for op, _ in e.diff)],
    }


def check_golden(name: str, redline) -> None:
    actual = compact(redline)
    path = GOLDEN / f"{name}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(json.dumps(actual, indent=1) + "\n")
    assert actual == json.loads(path.read_text())


def test_renumbered_bill_shows_no_text_change():
    old = sample()
    new = renumber(copy.deepcopy(old))
    findings = E.p("The General Court finds that remote biometric surveillance harms privacy.")
    new_section = E.section(E.num("1."), E.heading("Findings"), E.content(findings))
    sections(new)[0].addprevious(new_section)
    renumber(new)
    redline = compare(old, new)
    check_golden("renumbered", redline)
    assert redline.stats["top_level"] == {"inserted": 1, "unchanged": 16}
    assert all(e.renumbered for e in redline.alignment if e.status == "unchanged")
    assert not any(op != "=" for e in walk(redline.alignment) if e.status == "unchanged" for op, _ in e.diff)


def test_moved_and_edited_section_is_one_move_with_an_inline_diff():
    old = sample()
    new = copy.deepcopy(old)
    moving = sections(new)[4]
    paragraph = next(moving.iter(akn("p")))
    paragraph.text = paragraph.text + " Edited by the committee."
    sections(new)[-1].addnext(moving)
    renumber(new)
    redline = compare(old, new)
    check_golden("moved-and-edited", redline)
    moves = [e for e in redline.alignment if e.status == "moved"]
    assert len(moves) == 1 and moves[0].old == ("sec_5",) and moves[0].new == ("sec_16",)
    assert redline.stats["top_level"].get("deleted", 0) == 0 and redline.stats["top_level"].get("inserted", 0) == 0
    assert any(child.status == "changed" for child in walk(moves[0].children))


def test_split_and_merge_are_named():
    old = sample()
    new = copy.deepcopy(old)
    # split: the subsections of section 2 become two sections
    second = sections(new)[1]
    subsections = second.findall(akn("subsection"))
    first_half = E.section(E.num("2."), E.heading("Moratorium on biometric surveillance"), *subsections[:1])
    second_half = E.section(E.num("2A."), E.heading("Moratorium, continued"), *subsections[1:])
    second.addprevious(first_half)
    second.addprevious(second_half)
    second.getparent().remove(second)
    # merge: sections 13 and 14 become one
    a, b = sections(new)[13], sections(new)[14]
    merged = E.section(E.num("14."), E.heading(a.findtext(akn("heading")) + " and " + b.findtext(akn("heading"))),
                       E.content(*copy.deepcopy(list(a.iter(akn("p")))), *copy.deepcopy(list(b.iter(akn("p"))))))
    a.addprevious(merged)
    a.getparent().remove(a)
    b.getparent().remove(b)
    renumber(new)
    redline = compare(old, new)
    check_golden("split-and-merge", redline)
    statuses = [e.status for e in redline.alignment]
    assert "split" in statuses and "merged" in statuses


def test_shall_to_may_is_labelled_a_weakened_modal():
    old = sample("us-ma-millbrook-ordinance-2019-7.xml")
    new = copy.deepcopy(old)
    for paragraph in new.iter(akn("p")):
        if paragraph.text and "shall " in paragraph.text and "shall not" not in paragraph.text:
            paragraph.text = paragraph.text.replace("shall ", "may ", 1)
            break
    redline = compare(old, new)
    labelled = [e for e in walk(redline.alignment) if "modal-weakened" in e.labels]
    assert len(labelled) == 1
    assert (("-", "shall") in labelled[0].diff) and (("+", "may") in labelled[0].diff)


def test_exception_added_and_deadline_changed_are_labelled():
    old = sample()
    new = copy.deepcopy(old)
    changed = 0
    for paragraph in new.iter(akn("p")):
        if paragraph.text and "within 30 days" in paragraph.text:
            paragraph.text = paragraph.text.replace("within 30 days", "within 90 days")
            changed += 1
        elif paragraph.text and paragraph.text.startswith("No public agency") and changed < 5:
            paragraph.text += " except in an emergency declared by the governor"
            changed += 5
    labels = {label for e in walk(compare(old, new).alignment) for label in e.labels}
    assert {"deadline-changed", "exception-added"} <= labels


def test_ordinance_against_the_statewide_bill():
    redline = compare(sample("us-ma-bayport-ordinance-16-62.xml"), sample())
    check_golden("ordinance-vs-bill", redline)
    pairs = {e.old[0]: e.new[0] for e in redline.alignment if e.old and e.new}
    assert pairs["sec_16-62.1"] == "sec_1"  # definitions
    assert pairs["sec_16-62.6"] == "sec_16"  # effective date


def test_changed_definition_is_reported_with_the_provisions_using_the_term():
    old = sample()
    new = copy.deepcopy(old)
    definition = xpath(new, "//akn:def")[0]
    definition.getparent().append(E.b(" (including gait)"))
    redline = compare(old, new)
    assert redline.defined_terms and redline.defined_terms[0]["change"] == "changed"
    assert any("defined-term-changed" in e.labels for e in walk(redline.alignment))


@pytest.mark.parametrize("case", ["renumber", "move"])
def test_akn_redline_validates_strictly(case):
    old = sample()
    new = copy.deepcopy(old)
    if case == "move":
        sections(new)[-1].addnext(sections(new)[2])
        sections(new)[0].getparent().remove(sections(new)[5])
    else:
        sections(new)[0].addprevious(E.section(E.num("1."), E.heading("Findings"), E.content(E.p("New findings."))))
    renumber(new)
    data = render(compare(old, new), "akn", new_root=new, old_root=old)
    root = parse_akn(data).root
    assert validate(root).valid, validate(root).errors[:3]
    assert xpath(root, "//akn:passiveModifications/akn:textualMod")


def test_hostile_text_is_data_in_json_and_akn():
    old = sample()
    new = copy.deepcopy(old)
    xpath(new, "//akn:body//akn:p")[0].text = '<script>alert("x")</script> {{7*7}}'
    redline = compare(old, new)
    data = render(redline, "akn", new_root=new, old_root=old)
    assert b"<script" not in data and b"&lt;script&gt;" in data
    assert '<script>alert(\\"x\\")</script>' in json.dumps(redline.as_dict(), ensure_ascii=False)
    assert serialize(new)  # the input is unchanged by rendering


def _effective_date(root) -> etree._Element:
    """The content of the bill's last section, "This act shall take effect 90 days after its passage."."""
    return xpath(root, "//akn:body/akn:section[@eId='sec_16']/akn:content")[0]


def test_changed_paragraph_carries_its_own_diff_in_the_redline():
    old = sample()
    _effective_date(old).append(E.p("Each agency shall report within 30 days."))
    new = copy.deepcopy(old)
    _effective_date(new)[1].text = "Each agency shall report within 60 days."

    entry = compare(old, new).alignment[-1]

    assert entry.new == ("sec_16",)
    assert entry.paragraph_diffs == (
        ParagraphDiff("content", 1, (("=", "Each agency shall report within "), ("-", "30"), ("+", "60"),
                                     ("=", " days."))),
    )


def test_paragraphs_that_do_not_line_up_carry_one_diff_of_the_whole_block():
    old = sample()
    new = copy.deepcopy(old)
    _effective_date(new).append(E.p("Section 3 takes effect at once."))

    entry = compare(old, new).alignment[-1]

    assert entry.paragraph_diffs == (
        ParagraphDiff("content", 0, (("=", "This act shall take effect 90 days after its passage."),
                                     ("+", " Section 3 takes effect at once.")), whole_block=True),
    )


def test_unchanged_paragraphs_carry_no_diff():
    old = sample()
    new = copy.deepcopy(old)
    sections(new)[-1].find(akn("heading")).text = "When this act takes effect"

    entry = compare(old, new).alignment[-1]

    assert entry.status == "changed" and entry.paragraph_diffs == ()


def test_akn_renderer_marks_the_paragraph_diffs_the_redline_carries_and_no_others():
    old = sample()
    new = copy.deepcopy(old)
    _effective_date(new)[0].text = "This act shall take effect 60 days after its passage."
    redline = compare(old, new)
    given = ParagraphDiff("content", 0, (("=", "This act "), ("+", "as given"),))
    redline = replace(redline, alignment=(*redline.alignment[:-1], replace(redline.alignment[-1],
                                                                           paragraph_diffs=(given,))))

    root = parse_akn(render(redline, "akn", new_root=new, old_root=old)).root

    paragraph = xpath(root, "//akn:section[@eId='sec_16']/akn:content/akn:p")[0]
    assert "".join(paragraph.itertext()) == "This act as given"
    assert [node.text for node in paragraph.iter(akn("ins"))] == ["as given"]
