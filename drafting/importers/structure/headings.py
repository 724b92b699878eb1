"""Headings: whether a line reads as one, splitting one from the text it opens, and promoting lone heading lines."""

from __future__ import annotations

import re

from ..labels import read_label
from .units import Unit

_SENTENCE_WORDS = re.compile(r"\b(shall|means|mean|may|must|is|are|will|includes?|has|have|be)\b", re.IGNORECASE)
_HEADING_SPLIT = re.compile(
    r"^(?P<heading>[^.:;\u2014]{1,120}?)(?:(?P<dash>\.?--|\.?\u2014)\s*|(?P<sep>[.:])\s+)(?P<rest>\S.*)$"
)


def heading_like(text: str, *, max_words: int | None = 12) -> bool:
    """Tell whether text reads as a heading: short (at most `max_words`; None: any length, for a heading whose line
    a container's number already marks), capitalised, not a sentence with a verb."""
    words = text.split()
    if not words or (max_words is not None and len(words) > max_words) or text[:1].islower():
        return False
    if text.rstrip().endswith((";", ",", ":")) or text[-3:] == " or" or text.endswith(" and"):
        return False
    return not _SENTENCE_WORDS.search(text)


def split_heading(text: str, *, whole_if_heading: bool) -> tuple[str | None, str]:
    """Split "Definitions. For the purposes …" into heading and text; a heading alone when allowed. Text that opens
    with a label ("(a) As used in this section:") has no heading: the label opens a unit of its own."""
    if read_label(text):
        return None, text
    match = _HEADING_SPLIT.match(text)
    if match and heading_like(match.group("heading"), max_words=10) and (
        match.group("rest")[:1].isupper() or match.group("rest")[:1] in "\"\u201c(" or match.group("dash")
    ):
        return match.group("heading").strip(), match.group("rest")
    bare = text.rstrip()
    if whole_if_heading and heading_like(bare.rstrip(".:"), max_words=16):
        return bare.rstrip(".:").strip() or None, ""
    return None, text


def promote_headings(units: list[Unit]) -> list[Unit]:
    """A unit whose only text is a short heading-like line and which has children: that line is its heading."""
    stack = list(units)
    while stack:
        unit = stack.pop()
        stack.extend(unit.children)
        if (
            unit.heading is None
            and unit.children
            and len(unit.blocks) == 1
            and unit.blocks[0].term is None
            and unit.blocks[0].kind == "p"
            and unit.blocks[0].text.endswith(".")
            and heading_like(unit.blocks[0].text.rstrip("."), max_words=10)
        ):
            unit.heading = unit.blocks.pop().text.rstrip(".")
    return units
