"""eId rules: cleaning printed numbers, generating conventional eIds, and repairing missing or duplicate ones."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.akn import E, clean_num, duplicate_eids, generate_eids, parse_akn, repair_eids, xpath
from drafting.akn.eids import PROVISION_TAGS, EidRepair

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "akn"


def document(*provisions, meta=()):
    """Return an act whose body holds the given provisions."""
    return E.akomaNtoso(E.act(E.meta(*meta), E.body(*provisions), name="act"))


def section(num=None, *children, eId=None):
    """Return a section with an optional printed number, eId and child provisions."""
    return provision("section", num, *children, eId=eId)


def provision(name, num=None, *children, eId=None):
    node = getattr(E, name)()
    if num is not None:
        node.append(E.num(num))
    if children:
        node.extend(children)
    else:
        node.append(E.content(E.p("Words.")))
    if eId is not None:
        node.set("eId", eId)
    return node


def eids(root):
    """Return the eIds of every provision, in document order."""
    return [node.get("eId") for node in root.iter(tuple(PROVISION_TAGS))]


# --- clean_num --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("num", "cleaned"),
    [
        ("(B)", "b"),
        ("16-62.2", "16-62.2"),
        ("Section 3.", "3"),
        ("A.", "a"),
        ("2.128.030", "2.128.030"),
        ("§ 19B.3", "19b.3"),
        ("(ii)", "ii"),
        ("Sec. 5", "5"),
        ("Art. IV", "iv"),
        ("A)", "a"),
        ("  (  c  )  ", "c"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_num_turns_printed_number_into_eid_form(num, cleaned):
    assert clean_num(num) == cleaned


@pytest.mark.parametrize(
    ("num", "cleaned"), [("Chapitre 2", "chapitre-2"), ("Partie 1", "partie-1"), ("Artículo 1º", "art-culo-1")]
)
def test_clean_num_removes_a_leading_word_only_when_whole(num, cleaned):
    assert clean_num(num) == cleaned


# --- generate_eids ----------------------------------------------------------------------------------------------


def test_generate_eids_joins_parent_and_child_with_double_underscore():
    root = document(
        section("3.", provision("subsection", "(b)", provision("paragraph", "(2)"))),
    )
    generate_eids(root)
    assert eids(root) == ["sec_3", "sec_3__subsec_b", "sec_3__subsec_b__para_2"]


def test_generate_eids_reproduces_the_hand_written_fixture():
    root = parse_akn((FIXTURES / "small-bill.xml").read_bytes()).root
    before = eids(root)
    generate_eids(root)
    assert eids(root) == before


def test_generate_eids_suffixes_a_duplicate_number():
    root = document(section("1."), section("1"), section("1."))
    generate_eids(root)
    assert eids(root) == ["sec_1", "sec_1_2", "sec_1_3"]


def test_generate_eids_numbers_an_unnumbered_provision_by_position():
    root = document(section(), section("2."), section(), provision("hcontainer"))
    generate_eids(root)
    assert eids(root) == ["sec_1", "sec_2", "sec_3", "hcontainer_1"]


def test_generate_eids_counts_positions_within_the_parent():
    root = document(
        section("1", provision("subsection"), provision("subsection")),
        section("2", provision("subsection")),
    )
    generate_eids(root)
    assert eids(root) == ["sec_1", "sec_1__subsec_1", "sec_1__subsec_2", "sec_2", "sec_2__subsec_1"]


def test_generate_eids_overwrites_existing_eids():
    root = document(section("4.", eId="custom"))
    generate_eids(root)
    assert eids(root) == ["sec_4"]


# --- repair_eids ------------------------------------------------------------------------------------------------


def test_repair_eids_leaves_a_valid_document_untouched():
    root = parse_akn((FIXTURES / "small-bill.xml").read_bytes()).root
    before = eids(root)
    assert repair_eids(root) == ()
    assert eids(root) == before


def test_repair_eids_keeps_existing_unique_eids_even_unconventional_ones():
    root = document(section("1.", eId="intro-section"), section("2.", eId="sec_99"))
    assert repair_eids(root) == ()
    assert eids(root) == ["intro-section", "sec_99"]


def test_repair_eids_fills_a_missing_eid_with_the_conventional_one():
    root = document(section("1.", eId="sec_1"), section("2."), section("3.", eId=""))
    repairs = repair_eids(root)
    assert eids(root) == ["sec_1", "sec_2", "sec_3"]
    assert repairs == (
        EidRepair(old=None, new="sec_2", reason="missing"),
        EidRepair(old="", new="sec_3", reason="missing"),
    )


def test_repair_eids_fixes_the_second_occurrence_of_a_duplicate():
    root = document(section("1.", eId="sec_1"), section("2.", eId="sec_1"))
    repairs = repair_eids(root)
    assert eids(root) == ["sec_1", "sec_2"]
    assert repairs == (EidRepair(old="sec_1", new="sec_2", reason="duplicate"),)


def test_repair_eids_suffixes_a_conventional_eid_that_is_already_taken():
    root = document(section("1.", eId="sec_2"), section("2."))
    repairs = repair_eids(root)
    assert eids(root) == ["sec_2", "sec_2_2"]
    assert repairs == (EidRepair(old=None, new="sec_2_2", reason="missing"),)


def test_repair_eids_repairs_a_provision_reusing_the_eid_of_another_element():
    organization = E.references(E.TLCOrganization(eId="sec_1", href="/ontology/organization/x", showAs="X"))
    root = document(section("1.", eId="sec_1"), meta=(organization,))
    repairs = repair_eids(root)
    assert xpath(root, "//akn:TLCOrganization/@eId") == ["sec_1"]
    assert eids(root) == ["sec_1_2"]
    assert repairs == (EidRepair(old="sec_1", new="sec_1_2", reason="duplicate"),)


def test_repair_eids_reports_each_repair_as_data():
    root = document(section("1."), section("1."), section("1."))
    repairs = repair_eids(root)
    assert [repair.as_dict() for repair in repairs] == [
        {"old": None, "new": "sec_1", "reason": "missing"},
        {"old": None, "new": "sec_1_2", "reason": "missing"},
        {"old": None, "new": "sec_1_3", "reason": "missing"},
    ]


def test_duplicate_eids_lists_each_repeated_eid_once():
    root = document(section(eId="b"), section(eId="a"), section(eId="b"), section(eId="a"), section(eId="c"))
    assert duplicate_eids(root) == ["a", "b"]


# --- properties -------------------------------------------------------------------------------------------------

NUMS = st.sampled_from([None, "1", "1.", "2", "(a)", "(A)", "a", "Section 3.", "", "(ii)", "16-62.2", "§ 2"])
EIDS = st.sampled_from([None, "", "sec_1", "sec_2", "sec_1__subsec_a", "sec_1_2", "custom", "hcontainer_1"])
NAMES = st.sampled_from(["section", "subsection", "paragraph", "hcontainer"])

trees = st.recursive(
    st.tuples(NAMES, NUMS, EIDS, st.just(())),
    lambda children: st.tuples(NAMES, NUMS, EIDS, st.lists(children, min_size=1, max_size=4).map(tuple)),
    max_leaves=30,
)


def build(tree):
    name, num, eid, children = tree
    return provision(name, num, *(build(child) for child in children), eId=eid)


def random_document(forest, organization_eid):
    meta = ()
    if organization_eid:
        meta = (E.references(E.TLCOrganization(eId=organization_eid, href="/ontology/organization/x", showAs="X")),)
    return document(*(build(tree) for tree in forest), meta=meta)


@settings(max_examples=150, deadline=None, database=None)
@given(forest=st.lists(trees, min_size=1, max_size=5), organization_eid=EIDS)
def test_repair_eids_always_leaves_every_provision_with_a_unique_eid(forest, organization_eid):
    root = random_document(forest, organization_eid)
    before = eids(root)
    counts = Counter(node.get("eId") for node in root.iter() if node.get("eId"))
    repairs = repair_eids(root)
    after = eids(root)
    assert all(after)
    assert duplicate_eids(root) == []
    # every eId that was unique in the whole document is kept
    assert all(new == old for old, new in zip(before, after, strict=True) if old and counts[old] == 1)
    # every change is reported, once, in document order
    changed = [new for old, new in zip(before, after, strict=True) if old != new]
    assert [repair.new for repair in repairs] == changed


@settings(max_examples=150, deadline=None, database=None)
@given(forest=st.lists(trees, min_size=1, max_size=5))
def test_generate_eids_always_gives_unique_eids(forest):
    root = random_document(forest, None)
    generate_eids(root)
    assert all(eids(root))
    assert duplicate_eids(root) == []
