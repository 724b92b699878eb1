"""Finding listed words in a text fast: where each whole word (or phrase) of a list starts.

The norm reader and the time grammar look for a few dozen closed-class words in every clause before they try their
patterns there. `str.find` over the lower-cased text is many times faster than one regular expression of the same
alternatives tried at every position (Python's `re` does not build a trie).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_TOKEN = re.compile(r"[^\W_]+")


def tokens(low: str) -> frozenset[str]:
    """The words of lower-cased text, as a set: one pass, then each test of a list of words is a set operation."""
    return frozenset(_TOKEN.findall(low))


def gate(phrases: Iterable[str], *, longest: bool = True) -> frozenset[str]:
    """The words to look for before looking for phrases: of each phrase its longest word (or every word), so that a
    text whose words meet none of them holds none of the phrases."""
    found: set[str] = set()
    for phrase in phrases:
        words = _TOKEN.findall(phrase.lower())
        if words:
            found.update([max(words, key=len)] if longest else words)
    return frozenset(found)


def word_starts(low: str, words: Iterable[str]) -> list[tuple[int, str]]:
    """Return (position, word) for every place a listed word or phrase starts in lower-cased text as a whole word,
    in text order (a place where two listed words start is listed for each, the longer first)."""
    found: list[tuple[int, int, str]] = []
    size = len(low)
    for word in words:
        length = len(word)
        position = low.find(word)
        while position != -1:
            end = position + length
            if (position == 0 or not low[position - 1].isalnum()) and (end == size or not low[end].isalnum()):
                found.append((position, -length, word))
            position = low.find(word, position + 1)
    found.sort()
    return [(position, word) for position, _, word in found]
