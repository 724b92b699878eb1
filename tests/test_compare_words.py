"""The word diff alone: whole words inserted, deleted and kept, normalisation of layout noise, and pieces that
rebuild both texts."""

from __future__ import annotations

import itertools

import pytest

from drafting.compare.model import DELETE, EQUAL, INSERT
from drafting.compare.words import normalise, side, word_diff


def test_inserted_word_is_an_insertion_between_unchanged_runs():
    assert word_diff("the agency shall report", "the agency shall promptly report") == (
        (EQUAL, "the agency shall "), (INSERT, "promptly "), (EQUAL, "report"),
    )


def test_deleted_word_is_a_deletion_between_unchanged_runs():
    assert word_diff("the agency shall promptly report", "the agency shall report") == (
        (EQUAL, "the agency shall "), (DELETE, "promptly "), (EQUAL, "report"),
    )


def test_replaced_word_is_a_deletion_then_an_insertion():
    assert word_diff("the agency shall report", "the agency may report") == (
        (EQUAL, "the agency "), (DELETE, "shall"), (INSERT, "may"), (EQUAL, " report"),
    )


def test_unchanged_text_is_one_unchanged_run():
    assert word_diff("the agency shall report", "the agency shall report") == ((EQUAL, "the agency shall report"),)


def test_changes_are_whole_words_never_parts_of_words():
    assert word_diff("the report", "the reports") == ((EQUAL, "the "), (DELETE, "report"), (INSERT, "reports"))


def test_punctuation_changes_with_the_word_it_is_attached_to():
    assert word_diff("within 30 days.", "within 30 days;") == (
        (EQUAL, "within 30 "), (DELETE, "days."), (INSERT, "days;"),
    )


def test_whitespace_typographic_quotes_and_dashes_are_no_change():
    assert word_diff("the \u201cagency\u201d  shall \u2014\n report", 'the "agency" shall -- report') == (
        (EQUAL, 'the "agency" shall -- report'),
    )


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("", "the agency", ((INSERT, "the agency"),)),
    ("the agency", None, ((DELETE, "the agency"),)),
    (None, "", ()),
])
def test_a_missing_side_makes_the_other_one_run(old, new, expected):
    assert word_diff(old, new) == expected


@pytest.mark.parametrize(("old", "new"), [
    ("No agency shall use face surveillance.", "No agency or official may use, retain or share face surveillance."),
    ("Section 3 applies except in an emergency.", "Section 4 applies."),
    ("a b c d e", "e d c b a"),
])
def test_the_pieces_rebuild_both_normalised_texts(old, new):
    diff = word_diff(old, new)

    assert side(diff, DELETE) == normalise(old)
    assert side(diff, INSERT) == normalise(new)


def test_neighbouring_pieces_never_share_an_operation():
    diff = word_diff("one two three four five six", "one 2 three 4 five 6")

    assert all(a[0] != b[0] for a, b in itertools.pairwise(diff))


def test_more_distinct_words_than_codes_make_one_replacement():
    old = " ".join(f"w{n}" for n in range(0xD000 + 1))

    assert word_diff(old, "w1 changed") == ((DELETE, old), (INSERT, "w1 changed"))


def test_normalise_folds_whitespace_and_makes_quotes_and_dashes_plain():
    assert normalise("  \u2018a\u2019\u00a0\u2013 b\t\n") == "'a' - b"
    assert normalise(None) == ""
