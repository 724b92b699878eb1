"""The aligner alone: how the provisions of two sibling lists pair (exact, similar, split, merged), which pairs are
moves, and the order of the result; built from aligner nodes, with no document, differ or renderer."""

from __future__ import annotations

import pytest

from drafting.compare.align import Aligner, Match, Node, Thresholds, cosine, exact_key, longest_increasing

SECTIONS = {
    "title": ("Short title", "This act may be cited as the biometric surveillance moratorium act."),
    "definitions": ("Definitions", "Face surveillance means an automated process that identifies a person from an "
                                   "image of the face."),
    "ban": ("Prohibition", "No public agency shall acquire, possess or use any face surveillance system or "
                           "information derived from one."),
    "reporting": ("Reporting", "Every agency shall publish an annual report listing each camera it operates. The "
                               "report shall state the data retained and the warrants obtained."),
    "remedies": ("Remedies", "Any person injured by a violation may bring a civil action in superior court for "
                             "damages and equitable relief."),
    "severability": ("Severability", "If any provision of this act is held invalid the remaining provisions shall "
                                     "continue in force."),
}


def node(eid: str | None, text: str, heading: str | None = None, num: str | None = None,
         children: tuple[Node, ...] = ()) -> Node:
    """An aligner node, its full text made as the redline builder makes it: heading, own text, descendants."""
    full = " ".join(part for part in (heading or "", text, *(child.full for child in children)) if part)
    return Node(eid, "section", num, heading, text, list(children), full)


def sections(*names: str) -> list[Node]:
    """Sections numbered and given eIds in the conventional way, in the order given."""
    return [node(f"sec_{n}", SECTIONS[name][1], SECTIONS[name][0], f"{n}.") for n, name in enumerate(names, start=1)]


def pairs(matches: list[Match]) -> dict[tuple[int, ...], tuple[int, ...]]:
    return {match.old: match.new for match in matches if match.old and match.new}


def test_identical_section_pairs_exactly_whatever_its_eid():
    old = sections("title", "ban")
    new = [node("sec_9", old[0].text, old[0].heading, "9."), node("sec_8", old[1].text, old[1].heading, "8.")]

    matches = Aligner(old, new, same_work=True).matches()

    assert [(m.old, m.new, m.kind, m.score) for m in matches] == [((0,), (0,), "exact", 1.0),
                                                                    ((1,), (1,), "exact", 1.0)]


def test_renumbered_section_pairs_with_its_old_number():
    old = sections("title", "definitions", "ban")
    new = sections("title", "severability", "definitions", "ban")  # sec_2 now names the inserted section

    matches = Aligner(old, new, same_work=True).matches()

    assert pairs(matches) == {(0,): (0,), (1,): (2,), (2,): (3,)}
    assert [m.new for m in matches if m.kind == "inserted"] == [(1,)]


def test_reworded_section_pairs_by_content_with_a_score_below_one():
    old = sections("title", "ban")
    reworded = node("sec_2", "No public agency or official shall acquire, possess or use any face surveillance system.",
                    "Prohibition", "2.")

    match = Aligner(old, [old[0], reworded], same_work=True).matches()[1]

    assert (match.old, match.new, match.kind) == ((1,), (1,), "similar")
    assert 0.45 <= match.score < 1.0


def test_moved_section_is_one_move_not_delete_and_insert():
    old = sections("title", "definitions", "ban", "reporting", "remedies")
    new = sections("title", "definitions", "reporting", "remedies", "ban")

    matches = Aligner(old, new, same_work=True).matches()

    assert [(m.old, m.new) for m in matches if m.moved] == [((2,), (4,))]
    assert not [m for m in matches if m.kind in ("deleted", "inserted")]


def test_section_that_keeps_its_order_is_not_a_move_when_others_are_inserted_before_it():
    old = sections("title", "ban")
    new = sections("severability", "remedies", "title", "ban")

    matches = Aligner(old, new, same_work=True).matches()

    assert not [m for m in matches if m.moved]


def _moved_and_reworded() -> tuple[list[Node], list[Node]]:
    """The prohibition moved from third to last place, and reworded (a similarity near 0.6)."""
    old = sections("title", "definitions", "ban", "reporting")
    reworded = node("sec_4", "No public agency or official shall acquire, possess or use any face surveillance system.",
                    "Prohibition", "4.")
    return old, [*sections("title", "definitions", "reporting"), reworded]


def test_unsure_move_is_a_delete_and_an_insert_flagged_as_possible_moves():
    old, new = _moved_and_reworded()

    matches = Aligner(old, new, same_work=True).matches()

    flagged = {(m.kind, m.old, m.new) for m in matches if m.possible_move}
    assert flagged == {("deleted", (2,), ()), ("inserted", (), (3,))}
    assert not [m for m in matches if m.moved]


def test_move_threshold_decides_between_a_move_and_a_possible_move():
    old, new = _moved_and_reworded()

    matches = Aligner(old, new, same_work=True, thresholds=Thresholds(pair=0.45, move=0.5)).matches()

    assert [(m.old, m.new, m.kind) for m in matches if m.moved] == [((2,), (3,), "similar")]
    assert not [m for m in matches if m.possible_move]


def test_unrelated_sections_are_deleted_and_inserted():
    old = sections("title", "remedies")
    new = sections("title", "severability")

    matches = Aligner(old, new, same_work=True).matches()

    assert {(m.kind, m.old, m.new) for m in matches if m.kind != "exact"} == {("deleted", (1,), ()),
                                                                               ("inserted", (), (1,))}


def test_split_section_pairs_with_its_adjacent_parts():
    old = sections("title", "reporting", "remedies")
    first, second = SECTIONS["reporting"][1].split(". ")
    new = [old[0], node("sec_2", f"{first}.", "Reporting", "2."), node("sec_3", second, None, "3."),
           node("sec_4", old[2].text, old[2].heading, "4.")]

    matches = Aligner(old, new, same_work=True).matches()

    assert [(m.old, m.new) for m in matches if m.kind == "split"] == [((1,), (1, 2))]


def test_merged_sections_pair_with_the_whole():
    first, second = SECTIONS["reporting"][1].split(". ")
    old = [*sections("title"), node("sec_2", f"{first}.", "Reporting", "2."), node("sec_3", second, None, "3.")]
    new = sections("title", "reporting")

    matches = Aligner(old, new, same_work=True).matches()

    assert [(m.old, m.new) for m in matches if m.kind == "merged"] == [((1, 2), (1,))]


def test_identical_twins_in_versions_of_one_work_pair_by_eid():
    text = SECTIONS["severability"][1]
    old = [node("sec_1", text, None, "1."), node("sec_2", text, None, "2.")]
    new = [node("sec_2", text, None, "1.")]

    matches = Aligner(old, new, same_work=True).matches()

    assert pairs(matches) == {(1,): (0,)}


def test_different_works_pair_only_mutual_best_matches():
    old = [node("s1", "A public agency must not use a face surveillance system.", "Ban on face surveillance")]
    new = [node("a", "No agency or official may obtain, keep or use face surveillance technology.",
                "Face surveillance ban"),
           node("b", "No agency may use face surveillance data shared by another agency.", "Sharing")]

    matches = Aligner(old, new, same_work=False).matches()

    assert pairs(matches) == {(0,): (0,)}
    assert [m.new for m in matches if m.kind == "inserted"] == [(1,)]


def test_different_works_pair_on_a_lower_floor_than_versions_of_one_work():
    old = [node("s1", "A public agency must not use a face surveillance system.", "Ban on face surveillance")]
    new = [node("a", "No agency or official may obtain, keep or use face surveillance technology.",
                "Face surveillance ban")]

    across = Aligner(old, new, same_work=False).matches()
    within = Aligner(old, new, same_work=True).matches()

    assert pairs(across) == {(0,): (0,)}
    assert pairs(within) == {}


def test_every_old_and_new_index_appears_exactly_once():
    old = sections("title", "definitions", "ban", "reporting", "remedies")
    new = sections("severability", "title", "reporting", "ban", "remedies")

    matches = Aligner(old, new, same_work=True).matches()

    assert sorted(i for m in matches for i in m.old) == list(range(len(old)))
    assert sorted(j for m in matches for j in m.new) == list(range(len(new)))


def test_empty_lists_align_to_nothing():
    assert Aligner([], [], same_work=True).matches() == []


def test_matches_are_computed_once():
    aligner = Aligner(sections("title", "ban"), sections("ban", "title"), same_work=True)

    assert aligner.matches() is aligner.matches()


def test_document_order_follows_the_new_list_with_each_deletion_after_its_old_predecessor():
    old = sections("title", "definitions", "ban", "remedies")
    new = sections("severability", "title", "ban", "remedies")

    ordered = Aligner(old, new, same_work=True).matches_in_document_order()

    assert [(m.old, m.new) for m in ordered] == [((), (0,)), ((0,), (1,)), ((1,), ()), ((2,), (2,)), ((3,), (3,))]


def test_exact_key_tells_apart_the_same_words_divided_otherwise():
    as_heading = node("sec_1", "applies to every agency", "Scope")
    in_text = node("sec_1", "Scope applies to every agency")

    assert as_heading.full == in_text.full
    assert exact_key(as_heading) != exact_key(in_text)


@pytest.mark.parametrize(("a", "b", "expected"), [
    (({"warrant": 2.0}, 2.0), ({"warrant": 3.0}, 3.0), 1.0),
    (({"warrant": 1.0}, 1.0), ({"camera": 1.0}, 1.0), 0.0),
    (({"warrant": 3.0, "court": 4.0}, 5.0), ({"warrant": 1.0}, 1.0), 0.6),
])
def test_cosine_is_the_normalised_dot_product_of_word_weights(a, b, expected):
    assert cosine(a, b) == pytest.approx(expected)
    assert cosine(b, a) == pytest.approx(expected)


def test_longest_increasing_keeps_the_positions_of_one_longest_increasing_run():
    assert longest_increasing([0, 4, 1, 2, 3]) == {0, 2, 3, 4}
    assert longest_increasing([]) == set()
