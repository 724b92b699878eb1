"""Adopting a provision of another document into a draft: placement, numbering, eIds, the source note, validity."""

from __future__ import annotations

import pytest

from drafting.akn import build_document, parse_akn, serialize, validate, xpath
from drafting.analysis.adopt import adopt, adopt_provision
from drafting.compare import compare
from drafting.compare.model import INSERTED, UNCHANGED
from drafting.errors import InvalidDocumentError, NotFoundError
from tests.app_fixtures import sample_bytes

BILL = "ma-biometric-moratorium-bill.xml"
HARBORVIEW = "us-ma-harborview-ordinance-2021-2-128.xml"
BAYPORT = "us-ma-bayport-ordinance-16-62.xml"
HARBORVIEW_URI = "/akn/us-ma-harborview/act/ordinance/2021/2-128/eng@2021-03-02"


def tree(name: str, data: bytes | None = None):
    return parse_akn(data or sample_bytes(name)).root


def sections(root):
    return [(s.get("eId"), s.findtext("{*}num"), "".join(s.find("{*}heading").itertext()))
            for s in xpath(root, "//akn:body/akn:section")]


def test_adopted_section_is_one_insertion_and_later_sections_are_only_renumbered():
    bill = tree(BILL)
    new = adopt(bill, tree(HARBORVIEW), "sec_2.128.050", source_uri=HARBORVIEW_URI)
    assert validate(new, strict=True).valid
    entries = compare(bill, new).alignment
    inserted = [e for e in entries if e.status == INSERTED]
    assert len(inserted) == 1 and inserted[0].new_heading == "Contracts void"
    assert all(e.status == UNCHANGED for e in entries if e.status != INSERTED)
    renumbered = [e for e in entries if e.renumbered]
    assert [(e.old_num, e.new_num) for e in renumbered] == [("15.", "16."), ("16.", "17.")]
    for entry in renumbered:
        assert all(op == "=" for op, _ in entry.diff)
    assert not any(e.renumbered for e in entries[: entries.index(inserted[0])])


def test_goes_before_the_sections_that_close_the_bill_and_takes_their_number():
    new = adopt(tree(BILL), tree(HARBORVIEW), "sec_2.128.050", source_uri=HARBORVIEW_URI)
    assert sections(new)[-3:] == [("sec_15", "15.", "Contracts void"), ("sec_16", "16.", "Severability"),
                                  ("sec_17", "17.", "Effective date")]


def test_untouched_provisions_keep_their_eids_and_new_ones_are_conventional():
    bill = tree(BILL)
    before = [node.get("eId") for node in xpath(bill, "//akn:body//*[@eId]")]
    new = adopt(bill, tree(HARBORVIEW), "sec_2.128.050", source_uri=HARBORVIEW_URI)
    after = {node.get("eId") for node in xpath(new, "//akn:body//*[@eId]")}
    assert {eid for eid in before if not eid.startswith(("sec_15", "sec_16"))} <= after
    assert {"sec_15__subsec_a", "sec_15__subsec_b", "sec_16", "sec_17"} <= after
    eids = [node.get("eId") for node in new.iter() if isinstance(node.tag, str) and node.get("eId")]
    assert len(eids) == len(set(eids))


def test_meta_note_names_the_source_uri_and_eid_and_the_heading_points_to_it():
    new = adopt(tree(BILL), tree(HARBORVIEW), "sec_2.128.050", source_uri=HARBORVIEW_URI)
    notes = xpath(new, "//akn:meta/akn:notes")
    assert notes and notes[0].getprevious().tag.endswith("references")
    (ref,) = xpath(notes[0], "akn:note[@eId='note_adopted_1']//akn:ref")
    assert ref.get("href") == f"{HARBORVIEW_URI}#sec_2.128.050"
    (marker,) = xpath(new, "//akn:section[@eId='sec_15']/akn:heading/akn:noteRef")
    assert marker.get("href") == "#note_adopted_1"


def test_a_provision_below_a_section_is_lifted_into_a_new_section_with_its_heading():
    adoption = adopt_provision(tree(BILL), tree(BAYPORT), "sec_16-62.3__subsec_b", source_uri="/akn/bayport")
    assert validate(adoption.root, strict=True).valid
    assert (adoption.eId, adoption.num) == ("sec_15", "15.")
    assert sections(adoption.root)[14] == ("sec_15", "15.", "Private right of action")
    assert xpath(adoption.root, "//akn:section[@eId='sec_15']/akn:paragraph/@eId") == ["sec_15__para_1",
                                                                                       "sec_15__para_2"]


def test_a_provision_without_heading_takes_its_parents():
    adoption = adopt_provision(tree(BILL), tree(HARBORVIEW), "sec_2.128.050__subsec_a", source_uri="/akn/h")
    assert sections(adoption.root)[14][2] == "Contracts void"
    assert validate(adoption.root, strict=True).valid


def test_after_places_it_after_the_enclosing_section_and_renumbers_from_there():
    adoption = adopt_provision(tree(BILL), tree(HARBORVIEW), "sec_2.128.050", after="sec_3__subsec_b__para_2",
                               source_uri=HARBORVIEW_URI)
    assert sections(adoption.root)[3] == ("sec_4", "4.", "Contracts void")
    assert sections(adoption.root)[4] == ("sec_5", "5.", "Narrow exceptions")
    assert adoption.renumbered[0] == ("4.", "5.") and adoption.renumbered[-1] == ("16.", "17.")
    assert validate(adoption.root, strict=True).valid


def test_references_to_renumbered_sections_follow_them():
    data = sample_bytes(BILL).replace(
        b"<p>This act shall take effect 90 days after its passage.</p>",
        b'<p>This act shall take effect 90 days after its passage, except <ref href="#sec_15">section 15</ref>.</p>',
    )
    new = adopt(tree(BILL, data), tree(HARBORVIEW), "sec_2.128.050", source_uri=HARBORVIEW_URI)
    assert xpath(new, "//akn:section[@eId='sec_17']//akn:ref/@href") == ["#sec_16"]


def test_a_draft_numbered_otherwise_gets_an_inserted_number_and_nothing_renumbered():
    adoption = adopt_provision(tree(BAYPORT), tree(BILL), "sec_12", source_uri="/akn/us-ma/bill/2026/x")
    assert (adoption.num, adoption.eId, adoption.renumbered) == ("16-62.4A", "sec_16-62.4a", ())
    assert [num for _, num, _ in sections(adoption.root)][-3:] == ["16-62.4A", "16-62.5", "16-62.6"]
    assert validate(adoption.root, strict=True).valid


def test_a_short_title_that_opens_the_bill_does_not_close_it():
    draft = build_document("bill", title="T", jurisdiction="us-ma", number="t", date="2026-01-01")
    new = adopt(draft, tree(HARBORVIEW), "sec_2.128.050", source_uri=HARBORVIEW_URI)
    assert sections(new) == [("sec_1", "1.", "Short title"), ("sec_2", "2.", "Contracts void")]
    assert validate(new, strict=True).valid


def test_defined_terms_the_draft_lacks_are_reported_not_invented():
    adoption = adopt_provision(tree(BAYPORT), tree(BILL), "sec_12", source_uri="/akn/us-ma/bill/2026/x")
    assert "Public agency" in adoption.missing_definitions
    assert not xpath(adoption.root, "//akn:body//akn:def[.='Public agency']")


def test_adopting_twice_numbers_the_notes_and_keeps_eids_unique():
    once = adopt(tree(BILL), tree(HARBORVIEW), "sec_2.128.050", source_uri=HARBORVIEW_URI)
    twice = adopt(once, tree(BAYPORT), "sec_16-62.4", source_uri="/akn/bayport")
    assert xpath(twice, "//akn:notes/akn:note/@eId") == ["note_adopted_1", "note_adopted_2"]
    assert validate(twice, strict=True).valid


def test_the_inputs_are_not_changed():
    bill, source = tree(BILL), tree(HARBORVIEW)
    before = serialize(bill), serialize(source)
    adopt(bill, source, "sec_2.128.050", source_uri=HARBORVIEW_URI)
    assert (serialize(bill), serialize(source)) == before


def test_unknown_eid_is_not_found_and_a_non_provision_is_refused():
    with pytest.raises(NotFoundError):
        adopt(tree(BILL), tree(HARBORVIEW), "sec_99", source_uri=HARBORVIEW_URI)
    with pytest.raises(NotFoundError):
        adopt(tree(BILL), tree(HARBORVIEW), "sec_2.128.050", after="sec_99", source_uri=HARBORVIEW_URI)
    data = sample_bytes(HARBORVIEW).replace(b"<content>", b'<content eId="sec_x__content">', 1)
    with pytest.raises(InvalidDocumentError, match="expected the eId of a provision"):
        adopt(tree(BILL), tree(HARBORVIEW, data), "sec_x__content", source_uri=HARBORVIEW_URI)
