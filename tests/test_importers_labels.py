"""Numbering labels: what a printed label is and which readings (letter, roman, digit) it allows."""

from __future__ import annotations

import pytest

from drafting.importers.labels import (
    Reading,
    core_of,
    letter_ordinal,
    read_label,
    roman_value,
    successors,
    to_roman,
)


def readings(text: str) -> set[tuple[str, str, int]]:
    """Return the readings of the label at the start of text as (bracket, series, ordinal)."""
    found = read_label(text)
    assert found is not None, text
    return {(r.bracket, r.series, r.ordinal) for r in found[0].readings}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(a) text", ("paren", "lower", 1)),
        ("(B) text", ("paren", "upper", 2)),
        ("(12) text", ("paren", "digit", 12)),
        ("A. text", ("dot", "upper", 1)),
        ("3. text", ("dot", "digit", 3)),
        ("b) text", ("close", "lower", 2)),
        ("(IV) text", ("paren", "uroman", 4)),
        ("(aa) text", ("paren", "lower", 27)),
    ],
)
def test_each_printed_form_has_one_reading(text, expected):
    assert readings(text) == {expected}


@pytest.mark.parametrize(
    ("text", "letter", "roman"),
    [
        ("(i)", ("paren", "lower", 9), ("paren", "lroman", 1)),
        ("(v)", ("paren", "lower", 22), ("paren", "lroman", 5)),
        ("(x)", ("paren", "lower", 24), ("paren", "lroman", 10)),
        ("(I)", ("paren", "upper", 9), ("paren", "uroman", 1)),
        ("i.", ("dot", "lower", 9), ("dot", "lroman", 1)),
    ],
)
def test_single_letter_roman_numerals_read_both_ways(text, letter, roman):
    found = read_label(text)

    assert found is not None and found[0].ambiguous
    assert readings(text) == {letter, roman}


@pytest.mark.parametrize(("label", "ordinal"), [("(cc)", 29), ("(xx)", 50)])
def test_doubled_letters_keep_their_letter_reading(label, ordinal):
    assert ("paren", "lower", ordinal) in readings(label)


def test_label_is_returned_with_the_rest_of_the_text():
    found = read_label("(b)(1) The policy shall describe each technology.")

    assert found is not None
    label, rest = found
    assert label.text == "(b)"
    assert rest == "(1) The policy shall describe each technology."


@pytest.mark.parametrize(
    "text",
    ["Sec. 3. Scope.", "The clerk shall publish.", "(ab) text", "1.5 miles", "ab) text", "abcde. text", "()"],
)
def test_words_and_decimals_are_not_labels(text):
    assert read_label(text) is None


@pytest.mark.parametrize(
    ("numeral", "value"), [("i", 1), ("iv", 4), ("ix", 9), ("xiv", 14), ("XL", 40), ("mcmxc", 1990)]
)
def test_roman_value_and_to_roman_are_inverse(numeral, value):
    assert roman_value(numeral) == value
    assert to_roman(value) == numeral.lower()


@pytest.mark.parametrize("text", ["", "iiii", "vx", "abc", "il"])
def test_invalid_roman_numerals_have_no_value(text):
    assert roman_value(text) is None


@pytest.mark.parametrize(("text", "ordinal"), [("a", 1), ("z", 26), ("aa", 27), ("bb", 28), ("ab", None), ("1", None)])
def test_letter_ordinal_counts_doubled_letters_after_z(text, ordinal):
    assert letter_ordinal(text) == ordinal


@pytest.mark.parametrize(
    ("reading", "following"),
    [
        (Reading("paren", "lower", 8), "i"),
        (Reading("paren", "lroman", 1), "ii"),
        (Reading("paren", "uroman", 3), "IV"),
        (Reading("paren", "upper", 26), "AA"),
        (Reading("dot", "digit", 9), "10"),
    ],
)
def test_successor_continues_the_same_series(reading, following):
    assert successors(reading) == following


def test_core_of_strips_brackets_and_dot():
    assert [core_of(label) for label in ("(iv)", "A.", "(12)")] == ["iv", "A", "12"]


def test_a_doubled_letter_that_is_also_roman_keeps_both_readings():
    """"(ii)" is roman two, or the 35th letter after "(hh)": the structure decides from context."""
    assert readings("(ii) text") == {("paren", "lroman", 2), ("paren", "lower", 35)}
