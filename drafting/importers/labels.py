"""Numbering labels of legislative text: what a printed label is, and which readings it allows.

A label such as "(i)" can be the ninth letter or the first roman numeral; `readings` returns both and the
structure builder decides from context (see `drafting.importers.structure`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

ROMAN = re.compile(r"^(m{0,3})(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}

# A label at the start of a paragraph, in each printed form, tried in this order: (a), a., a). One pattern, so that
# a paragraph without a label costs one match (read_label runs several times on every paragraph).
_LABEL = re.compile(
    r"\((?P<paren>[0-9]{1,3}|[a-z]{1,5}|[A-Z]{1,5})\)"
    r"|(?P<dot>[0-9]{1,3}|[a-z]{1,4}|[A-Z]{1,4})\.(?=\s|$)"
    r"|(?P<close>[0-9]{1,3}|[a-z]{1,3})\)(?=\s|$)"
)
# "Section 501 of title I … is amended": a number without its full stop followed by a word in lower case is a
# cross-reference opening a sentence, not a section
SECTION_MARKER = re.compile(
    r"^(?P<num>(?:SECTION|Section|SEC\.|Sec\.|§{1,2})\s*(?P<value>[0-9]+[A-Za-z]?(?:[-.:][0-9]+[A-Za-z]?)*)\.?)(?=\s|$|[A-Z(])"
    r"(?!(?<!\.)\s+[a-z])"
)
CODE_NUMBER = re.compile(r"^(?P<num>(?P<value>[0-9]+[A-Za-z]?(?:[-.][0-9]+[A-Za-z]?)+)\.?)(?=\s|$)")
CONTAINER = re.compile(
    r"^(?P<num>(?P<word>CHAPTER|Chapter|ARTICLE|Article|TITLE|Title|PART|Part|DIVISION|Division|SUBCHAPTER|Subchapter)"
    r"\s+(?P<value>[0-9]+[A-Za-z]?(?:[-.][0-9]+[A-Za-z]?)*|[IVXLC]+)\.?)\s*[:.\u2014-]*\s*(?P<rest>.*)$"
)
CONTAINER_RANK = {"title": 0, "part": 1, "chapter": 2, "subchapter": 3, "article": 4, "division": 5}
CONTAINER_ELEMENTS = {
    "chapter": "chapter", "article": "article", "title": "title", "part": "part", "division": "division",
    "subchapter": "subchapter",
}


@dataclass(frozen=True)
class Reading:
    """One way to read a label: its style (bracket and series) and its ordinal in that series."""

    bracket: str  # "paren" (a), "dot" a., "close" a)
    series: str  # "digit", "lower", "upper", "lroman", "uroman"
    ordinal: int

    @property
    def style(self) -> tuple[str, str]:
        return (self.bracket, self.series)


@dataclass(frozen=True)
class Label:
    """A printed label and its possible readings."""

    text: str
    readings: tuple[Reading, ...]

    @property
    def ambiguous(self) -> bool:
        return len(self.readings) > 1


def roman_value(text: str) -> int | None:
    """Return the value of a roman numeral ("iv" -> 4), or None."""
    lower = text.lower()
    if not lower or not ROMAN.match(lower):
        return None
    total = 0
    for index, char in enumerate(lower):
        value = _ROMAN_VALUES[char]
        following = _ROMAN_VALUES[lower[index + 1]] if index + 1 < len(lower) else 0
        total += -value if value < following else value
    return total


def to_roman(value: int) -> str:
    """Return the lowercase roman numeral for a positive integer."""
    parts = []
    for number, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                            (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while value >= number:
            parts.append(letters)
            value -= number
    return "".join(parts)


def letter_ordinal(text: str) -> int | None:
    """Return the ordinal of a letter label: a=1 … z=26, aa=27 …; None for other strings."""
    if not text.isalpha() or len(set(text.lower())) != 1:
        return None
    return (len(text) - 1) * 26 + ord(text[0].lower()) - ord("a") + 1


def _readings(core: str, bracket: str) -> tuple[Reading, ...]:
    if core.isdigit():
        return (Reading(bracket, "digit", int(core)),)
    upper = core.isupper()
    found = []
    letter = letter_ordinal(core)
    roman = roman_value(core)
    if letter is not None:
        # "cc" may be the 55th letter label or roman 200: context decides
        found.append(Reading(bracket, "upper" if upper else "lower", letter))
    if roman is not None:
        found.append(Reading(bracket, "uroman" if upper else "lroman", roman))
    return tuple(found)


def read_label(text: str) -> tuple[Label, str] | None:
    """Read a plain numbering label at the start of text; return it and the rest, or None."""
    # the stages read the label of each paragraph several times: remember the last few (the answer is a value)
    return _read_label_cached(text) if len(text) <= _CACHED_TEXT else _read_label(text)


_CACHED_TEXT = 2000  # longer texts are rare and would make the cache hold much text


def _read_label(text: str) -> tuple[Label, str] | None:
    match = _LABEL.match(text)
    if match is None:
        return None
    bracket = match.lastgroup
    label = _label(match.group(0), match.group(bracket), bracket)
    return None if label is None else (label, text[match.end():].lstrip())


_read_label_cached = functools.lru_cache(maxsize=512)(_read_label)


@functools.lru_cache(maxsize=4096)
def _label(printed: str, core: str, bracket: str) -> Label | None:
    """The label printed so, or None when its core is no number, letter or roman numeral ("(ab)"). Labels are
    frozen values, so one made for an earlier paragraph (or document) is the same value: caching them only saves
    work."""
    readings = _readings(core, bracket)
    return Label(printed, readings) if readings else None


def successors(reading: Reading) -> str:
    """Return the printed core of the next label in the same series ("(i)" roman -> "ii")."""
    following = reading.ordinal + 1
    if reading.series == "digit":
        return str(following)
    if reading.series in ("lroman", "uroman"):
        roman = to_roman(following)
        return roman.upper() if reading.series == "uroman" else roman
    count, index = divmod(following - 1, 26)
    letter = chr(ord("a") + index) * (count + 1)
    return letter.upper() if reading.series == "upper" else letter


def core_of(label_text: str) -> str:
    """Return the label without its brackets or dot: "(iv)" -> "iv"."""
    return label_text.strip("().")
