"""Three-way merge provision by provision: pairing, kinds, choices, placement, eIds, byte identity, validity."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

import pytest
from lxml import etree

from drafting.akn import E, parse_akn, serialize, validate, xpath
from drafting.akn.namespaces import akn
from drafting.analysis.adopt import adopt_provision
from drafting.compare.merge import (
    BOTH_SAME,
    CONFLICT,
    MINE_ONLY,
    THEIRS_ONLY,
    apply_merge,
    canonical,
    merge,
    merge_items,
)
from drafting.errors import MergeChoiceError, MergeChoiceMissingError, UnknownMergeItemError
from tests.app_fixtures import sample_bytes

FIXTURE = Path(__file__).parent / "fixtures" / "akn" / "small-bill.xml"


def bill() -> etree._Element:
    return parse_akn(FIXTURE.read_bytes()).root


def provision(root, eid: str) -> etree._Element:
    return xpath(root, "//akn:body//*[@eId=$eid]", eid=eid)[0]


def reword(root, eid: str, words: str) -> etree._Element:
    """Replace the first paragraph of a provision (its own, or its first descendant's)."""
    xpath(provision(root, eid), ".//akn:p")[0].text = words
    return root


def sections(root) -> list[tuple[str, str, str]]:
    return [(s.get("eId"), s.findtext(akn("num")), s.findtext(akn("heading")))
            for s in xpath(root, "//akn:body/akn:section")]


def words(root, eid: str) -> str:
    return " ".join("".join(provision(root, eid).itertext()).split())


def new_section(num: str, heading: str, text: str, eid: str) -> etree._Element:
    return E.section(E.num(num), E.heading(heading), E.content(E.p(text)), eId=eid)


def insert_before(anchor: etree._Element, element: etree._Element) -> None:
    element.tail = anchor.getprevious().tail
    anchor.addprevious(element)


def by_key(items) -> dict:
    return {item.key: item for item in items}


def strictly_valid(root) -> bool:
    report = validate(root, strict=True)
    assert report.valid, report.errors
    return True


def unique_eids(root) -> bool:
    eids = [node.get("eId") for node in root.iter(tag=etree.Element) if node.get("eId")]
    return len(eids) == len(set(eids))


def test_edits_of_different_provisions_merge_without_a_choice():
    base = bill()
    mine = reword(bill(), "sec_3__subsec_a", '"Agency", any department of the town.')
    theirs = reword(bill(), "sec_5__subsec_a", "No agency shall buy a face surveillance system.")
    result = merge(base, mine, theirs)
    items = by_key(result.items)
    assert set(items) == {"sec_3", "sec_5"}
    assert (items["sec_3"].kind, items["sec_3"].default, items["sec_3"].choice) == (MINE_ONLY, "mine", "mine")
    assert (items["sec_5"].kind, items["sec_5"].default, items["sec_5"].mine_change) == (THEIRS_ONLY, "theirs", None)
    assert result.complete
    assert "any department of the town" in words(result.root, "sec_3")
    assert "shall buy a face" in words(result.root, "sec_5")
    assert strictly_valid(result.root) and unique_eids(result.root)


def test_unchanged_provisions_and_meta_stay_byte_identical_to_theirs():
    base = bill()
    mine = reword(bill(), "sec_3__subsec_a", '"Agency", any department of the town.')
    theirs = reword(bill(), "sec_5__subsec_a", "No agency shall buy a face surveillance system.")
    merged = apply_merge(base, mine, theirs, {})
    for eid in ("sec_5", "sec_16-62.2"):
        assert etree.tostring(provision(merged, eid)) == etree.tostring(provision(theirs, eid))
    meta = "//akn:meta"
    assert etree.tostring(xpath(merged, meta)[0]) == etree.tostring(xpath(theirs, meta)[0])


def test_taking_theirs_everywhere_gives_theirs_byte_for_byte():
    base = bill()
    mine = reword(bill(), "sec_3__subsec_a", '"Agency", any department of the town.')
    theirs = reword(bill(), "sec_5__subsec_a", "No agency shall buy a face surveillance system.")
    merged = apply_merge(base, mine, theirs, {"sec_3": "theirs"})
    assert serialize(merged) == serialize(deepcopy(theirs))


def test_whitespace_only_differences_are_no_change():
    base = bill()
    mine = parse_akn(etree.tostring(bill(), pretty_print=False).replace(b"\n        ", b"\n  ")).root
    xpath(mine, "//akn:body//akn:p")[0].text = "  In this act   the following words mean:\n"
    assert canonical(provision(mine, "sec_3")) == canonical(provision(base, "sec_3"))
    assert merge_items(base, mine, bill()) == ()


def test_same_provision_edited_differently_is_a_conflict_and_each_choice_takes_its_text():
    base = bill()
    mine = reword(bill(), "sec_5__subsec_a", "No agency shall use a face surveillance system.")
    theirs = reword(bill(), "sec_5__subsec_a", "No agency shall buy a face surveillance system.")
    item = by_key(merge_items(base, mine, theirs))["sec_5"]
    assert (item.kind, item.default, item.mine_change, item.theirs_change) == (CONFLICT, None, "changed", "changed")
    assert "shall use a face" in item.mine.text and "shall buy a face" in item.theirs.text
    assert (item.base.num, item.base.heading, item.element) == ("5.", "Prohibition", "section")
    assert "shall use a face" in words(apply_merge(base, mine, theirs, {"sec_5": "mine"}), "sec_5")
    assert "shall buy a face" in words(apply_merge(base, mine, theirs, {"sec_5": "theirs"}), "sec_5")


def test_the_same_change_on_both_sides_is_both_same():
    base = bill()
    mine = reword(bill(), "sec_5__subsec_a", "No agency shall buy a face surveillance system.")
    theirs = reword(bill(), "sec_5__subsec_a", "No agency shall buy a face surveillance system.")
    item = by_key(merge_items(base, mine, theirs))["sec_5"]
    assert (item.kind, item.default) == (BOTH_SAME, "theirs")
    assert serialize(apply_merge(base, mine, theirs, {"sec_5": "mine"})) == serialize(deepcopy(theirs))


def test_conflict_without_a_choice_is_refused_naming_the_item():
    base = bill()
    mine = reword(bill(), "sec_5__subsec_a", "No agency shall use a face surveillance system.")
    theirs = reword(bill(), "sec_5__subsec_a", "No agency shall buy a face surveillance system.")
    with pytest.raises(MergeChoiceMissingError) as raised:
        apply_merge(base, mine, theirs, {})
    assert raised.value.rule == "merge-choice-missing" and raised.value.status == 422
    assert "sec_5" in raised.value.detail and raised.value.extra == {"missing": ["sec_5"]}
    pending = merge(base, mine, theirs)
    assert not pending.complete and pending.root is None and pending.items[0].choice is None


def test_choice_for_an_unknown_item_or_side_is_refused():
    base = bill()
    mine = reword(bill(), "sec_5__subsec_a", "No agency shall use a face surveillance system.")
    with pytest.raises(UnknownMergeItemError) as raised:
        apply_merge(base, mine, bill(), {"sec_5": "mine", "sec_99": "mine"})
    assert raised.value.rule == "merge-choice-unknown" and "sec_99" in raised.value.detail
    with pytest.raises(MergeChoiceError) as wrong:
        apply_merge(base, mine, bill(), {"sec_5": "both"})
    assert wrong.value.rule == "merge-choice" and "'both'" in wrong.value.detail


def test_section_I_add_goes_after_its_predecessor_while_their_edit_stays():
    base = bill()
    mine = bill()
    insert_before(provision(mine, "sec_5"), new_section("4.", "Notice", "The town shall give notice.", "sec_4"))
    theirs = reword(bill(), "sec_5__subsec_a", "No agency shall buy a face surveillance system.")
    result = merge(base, mine, theirs)
    items = by_key(result.items)
    assert [item.key for item in result.items] == ["mine:sec_4", "sec_5"]
    added = items["mine:sec_4"]
    assert (added.kind, added.mine_change, added.base, added.theirs) == (MINE_ONLY, "added", None, None)
    assert (added.mine.num, added.mine.heading, added.mine.text) == ("4.", "Notice", "The town shall give notice.")
    assert [eid for eid, _, _ in sections(result.root)] == ["sec_3", "sec_4", "sec_5", "sec_16-62.2"]
    assert "shall buy a face" in words(result.root, "sec_5")
    assert strictly_valid(result.root)
    without = apply_merge(base, mine, theirs, {"mine:sec_4": "theirs"})
    assert serialize(without) == serialize(deepcopy(theirs))


def test_section_they_add_can_be_refused():
    base, mine, theirs = bill(), bill(), bill()
    insert_before(provision(theirs, "sec_16-62.2"), new_section("6.", "Notice", "Notice is due.", "sec_6"))
    item = by_key(merge_items(base, mine, theirs))["theirs:sec_6"]
    assert (item.kind, item.theirs_change, item.default) == (THEIRS_ONLY, "added", "theirs")
    assert [e for e, _, _ in sections(apply_merge(base, mine, theirs, {}))] == ["sec_3", "sec_5", "sec_6",
                                                                              "sec_16-62.2"]
    refused = apply_merge(base, mine, theirs, {"theirs:sec_6": "mine"})
    assert serialize(refused) == serialize(deepcopy(base))


def test_section_added_alike_on_both_sides_is_one_item():
    base, mine, theirs = bill(), bill(), bill()
    for root in (mine, theirs):
        insert_before(provision(root, "sec_16-62.2"), new_section("6.", "Notice", "Notice is due.", "sec_6"))
    items = merge_items(base, mine, theirs)
    assert [(item.key, item.kind) for item in items] == [("mine:sec_6", BOTH_SAME)]


def test_provision_they_deleted_and_I_edited_is_a_conflict():
    base = bill()
    mine = reword(bill(), "sec_16-62.2__subsec_a", "Data collected in breach of this act is never admissible.")
    theirs = bill()
    gone = provision(theirs, "sec_16-62.2")
    gone.getprevious().tail = gone.tail
    gone.getparent().remove(gone)
    item = by_key(merge_items(base, mine, theirs))["sec_16-62.2"]
    assert (item.kind, item.mine_change, item.theirs_change, item.theirs) == (CONFLICT, "changed", "deleted", None)
    kept = apply_merge(base, mine, theirs, {"sec_16-62.2": "mine"})
    assert [e for e, _, _ in sections(kept)] == ["sec_3", "sec_5", "sec_16-62.2"]
    assert "never admissible" in words(kept, "sec_16-62.2") and strictly_valid(kept)
    deleted = apply_merge(base, mine, theirs, {"sec_16-62.2": "theirs"})
    assert serialize(deleted) == serialize(deepcopy(theirs))


def test_provision_I_deleted_and_they_edited_is_a_conflict_and_untouched_one_is_deleted():
    base, mine = bill(), bill()
    for eid in ("sec_3", "sec_16-62.2"):
        gone = provision(mine, eid)
        (gone.getprevious() if gone.getprevious() is not None else gone).tail = gone.tail
        gone.getparent().remove(gone)
    theirs = reword(bill(), "sec_3__subsec_a", '"Agency", any department of the town.')
    items = by_key(merge_items(base, mine, theirs))
    assert (items["sec_3"].kind, items["sec_3"].mine_change) == (CONFLICT, "deleted")
    assert (items["sec_16-62.2"].kind, items["sec_16-62.2"].default) == (MINE_ONLY, "mine")
    merged = apply_merge(base, mine, theirs, {"sec_3": "mine"})
    assert [e for e, _, _ in sections(merged)] == ["sec_5"]
    assert strictly_valid(merged)
    merged = apply_merge(base, mine, theirs, {"sec_3": "theirs"})
    assert [e for e, _, _ in sections(merged)] == ["sec_3", "sec_5"]


def renumber_section(section: etree._Element, num: str, eid: str) -> None:
    """What a drafter's tool does to a section when one is inserted before it: new number, eIds follow."""
    old = section.get("eId")
    section.find(akn("num")).text = num
    for node in section.iter(tag=etree.Element):
        if node.get("eId", "").startswith(old):
            node.set("eId", eid + node.get("eId")[len(old):])


def test_provision_renumbered_by_their_insertion_still_pairs_with_my_edit():
    base = bill()
    mine = reword(bill(), "sec_5__subsec_a", "No agency shall use a face surveillance system.")
    theirs = bill()
    renumber_section(provision(theirs, "sec_5"), "6.", "sec_6")
    insert_before(provision(theirs, "sec_6"), new_section("5.", "Notice", "The town shall give notice.", "sec_5"))
    result = merge(base, mine, theirs)
    items = by_key(result.items)
    assert set(items) == {"sec_5", "theirs:sec_5"}
    edited = items["sec_5"]
    assert (edited.kind, edited.mine_change, edited.theirs_change) == (MINE_ONLY, "changed", "renumbered")
    assert (edited.mine.eId, edited.theirs.eId, edited.theirs.num) == ("sec_5", "sec_6", "6.")
    assert items["theirs:sec_5"].kind == THEIRS_ONLY
    merged = result.root
    assert sections(merged) == [("sec_3", "3.", "Definitions"), ("sec_5", "5.", "Notice"),
                                ("sec_6", "6.", "Prohibition"), ("sec_16-62.2", "16-62.2", "Evidence")]
    assert "shall use a face" in words(merged, "sec_6__subsec_a")
    assert xpath(merged, "string(//akn:section[@eId='sec_5']//akn:p)") == "The town shall give notice."
    assert strictly_valid(merged) and unique_eids(merged)


def test_renumbering_by_me_follows_me_when_their_edit_is_taken():
    base = bill()
    mine = bill()
    renumber_section(provision(mine, "sec_5"), "6.", "sec_6")
    insert_before(provision(mine, "sec_6"), new_section("5.", "Notice", "The town shall give notice.", "sec_5"))
    theirs = reword(bill(), "sec_5__subsec_a", "No agency shall buy a face surveillance system.")
    items = by_key(merge_items(base, mine, theirs))
    assert (items["sec_5"].kind, items["sec_5"].mine_change, items["sec_5"].theirs_change) == (
        THEIRS_ONLY, "renumbered", "changed")
    merged = apply_merge(base, mine, theirs, {})
    assert [(e, n) for e, n, _ in sections(merged)] == [("sec_3", "3."), ("sec_5", "5."), ("sec_6", "6."),
                                                       ("sec_16-62.2", "16-62.2")]
    assert "shall buy a face" in words(merged, "sec_6__subsec_a")
    assert strictly_valid(merged) and unique_eids(merged)


def test_numbers_changed_differently_on_both_sides_are_a_conflict():
    base, mine, theirs = bill(), bill(), bill()
    renumber_section(provision(mine, "sec_5"), "5A.", "sec_5a")
    renumber_section(provision(theirs, "sec_5"), "6.", "sec_6")
    item = by_key(merge_items(base, mine, theirs))["sec_5"]
    assert (item.kind, item.mine_change, item.theirs_change) == (CONFLICT, "renumbered", "renumbered")
    assert sections(apply_merge(base, mine, theirs, {"sec_5": "mine"}))[1][:2] == ("sec_5a", "5A.")


def move_before(root, eid: str, before: str) -> etree._Element:
    moving, anchor = provision(root, eid), provision(root, before)
    moving.tail = "\n      "  # whitespace only: it does not count
    anchor.addprevious(moving)
    return root


def test_section_I_moved_is_moved_in_the_merge_while_their_edit_stays():
    base = bill()
    mine = move_before(bill(), "sec_16-62.2", "sec_5")
    theirs = reword(bill(), "sec_5__subsec_a", "No agency shall buy a face surveillance system.")
    result = merge(base, mine, theirs)
    assert [(i.key, i.kind, i.mine_change, i.theirs_change) for i in result.items] == [
        ("sec_5", THEIRS_ONLY, "moved", "changed")]
    assert [e for e, _, _ in sections(result.root)] == ["sec_3", "sec_16-62.2", "sec_5"]
    assert "shall buy a face" in words(result.root, "sec_5") and strictly_valid(result.root)
    refused = apply_merge(base, mine, theirs, {"sec_5": "mine"})
    assert [e for e, _, _ in sections(refused)] == ["sec_3", "sec_16-62.2", "sec_5"]
    assert "shall acquire a face" in words(refused, "sec_5")


def test_a_move_alone_is_an_item_the_choice_decides():
    base, theirs = bill(), bill()
    mine = move_before(bill(), "sec_16-62.2", "sec_3")
    [item] = merge_items(base, mine, theirs)
    assert (item.kind, item.mine_change, item.default) == (MINE_ONLY, "moved", "mine")
    moved = [e for e, _, _ in sections(apply_merge(base, mine, theirs, {}))]
    assert moved == ["sec_16-62.2", "sec_3", "sec_5"]
    kept = apply_merge(base, mine, theirs, {item.key: "theirs"})
    assert serialize(kept) == serialize(deepcopy(theirs))


def test_section_they_moved_and_I_edited_keeps_their_place():
    base = bill()
    mine = reword(bill(), "sec_3__subsec_a", '"Agency", any department of the town.')
    theirs = move_before(bill(), "sec_3", "sec_16-62.2")
    result = merge(base, mine, theirs)
    item = by_key(result.items)["sec_3"]
    assert (item.kind, item.mine_change, item.theirs_change) == (MINE_ONLY, "changed", "moved")
    assert [e for e, _, _ in sections(result.root)] == ["sec_5", "sec_3", "sec_16-62.2"]
    assert "any department of the town" in words(result.root, "sec_3") and strictly_valid(result.root)


def test_preface_edited_by_me_is_an_item_of_its_own():
    base, theirs = bill(), bill()
    mine = bill()
    xpath(mine, "//akn:docTitle")[0].text = "An Act banning face surveillance"
    item = by_key(merge_items(base, mine, theirs))["part:preface"]
    assert (item.kind, item.element, item.mine.text) == (MINE_ONLY, "preface", "An Act banning face surveillance")
    merged = apply_merge(base, mine, theirs, {})
    assert xpath(merged, "string(//akn:docTitle)") == "An Act banning face surveillance"
    assert strictly_valid(merged)


def test_my_adopted_section_brings_its_note_along():
    base = parse_akn(sample_bytes("ma-biometric-moratorium-bill.xml")).root
    source = parse_akn(sample_bytes("us-ma-harborview-ordinance-2021-2-128.xml")).root
    adoption = adopt_provision(base, source, "sec_2.128.050", source_uri="/akn/us-ma-harborview/act/ordinance")
    mine = adoption.root
    theirs = deepcopy(base)
    xpath(theirs, "//akn:body/akn:section//akn:p")[0].text = "This act may be cited as the Face Act."
    result = merge(base, mine, theirs)
    kinds = {item.key: item.kind for item in result.items}
    assert kinds[f"mine:{adoption.eId}"] == MINE_ONLY and "sec_1" in kinds
    merged = result.root
    assert xpath(merged, "//akn:meta/akn:notes/akn:note/@eId") == [adoption.note]
    assert xpath(merged, f"//akn:body//*[@eId='{adoption.eId}']//akn:noteRef/@href") == [f"#{adoption.note}"]
    assert "Face Act" in xpath(merged, "string(//akn:body/akn:section)")
    assert strictly_valid(merged) and unique_eids(merged)


def test_merged_document_validates_strictly_when_its_inputs_do():
    base = bill()
    mine = reword(bill(), "sec_5__subsec_a", "No agency shall use a face surveillance system.")
    insert_before(provision(mine, "sec_5"), new_section("4.", "Notice", "The town shall give notice.", "sec_4"))
    theirs = reword(bill(), "sec_5__subsec_a", "No agency shall buy a face surveillance system.")
    # they add a section whose eId my addition also has: theirs keeps it, mine takes another
    insert_before(provision(theirs, "sec_16-62.2"), new_section("4.", "Review", "The council reviews.", "sec_4"))
    for roots in ((base, mine, theirs), (base, theirs, mine)):
        assert all(validate(root, strict=True).valid for root in roots)
        for side in ("mine", "theirs"):
            merged = apply_merge(*roots, {"sec_5": side})
            assert strictly_valid(merged) and unique_eids(merged)
            assert len(sections(merged)) == 5
    merged = apply_merge(base, mine, theirs, {"sec_5": "mine"})
    review = provision(merged, "sec_4")
    assert review.findtext(akn("heading")) == "Review"  # theirs kept its eId


def test_adoptions_on_both_sides_keep_their_own_notes():
    base = parse_akn(sample_bytes("ma-biometric-moratorium-bill.xml")).root
    source = parse_akn(sample_bytes("us-ma-harborview-ordinance-2021-2-128.xml")).root
    mine = adopt_provision(base, source, "sec_2.128.050", after="sec_2", source_uri="/akn/mine")
    theirs = adopt_provision(base, source, "sec_2.128.040", source_uri="/akn/theirs")
    assert mine.note == theirs.note == "note_adopted_1"
    result = merge(base, mine.root, theirs.root)
    assert result.complete
    merged = result.root
    for section, source_uri in ((mine.eId, "/akn/mine"), (theirs.eId, "/akn/theirs")):
        [href] = xpath(merged, f"//akn:body/akn:section[@eId='{section}']//akn:noteRef/@href")
        assert xpath(merged, f"//akn:note[@eId='{href[1:]}']//akn:ref/@href")[0].startswith(source_uri)
    assert strictly_valid(merged) and unique_eids(merged)
