"""Recognise the structure of legislative text: front matter, units, their numbers, headings and definitions.

Input: paragraphs (see `paragraphs.assemble`). Output: plain data (`Front`, `Unit`) that `text.py` turns into AKN.
Decisions that rest on a guess are recorded in the report with the line they concern.

- `units`: the plain data built (Block, Unit, Front, Findings, Recognised);
- `headings`: whether a line reads as a heading, and splitting a heading from the text it opens;
- `front`: the front-matter stage (cover page, title, recitals, enacting formula);
- `nesting`: the reading of each label and the open unit it goes under;
- `definitions`: which paragraphs define a term, and which term;
- `recogniser`: the walk over the paragraphs and the body stage, combining the stages above;
- here: the entry point, `recognise`.
"""

from __future__ import annotations

from ..paragraphs import Paragraph
from .recogniser import Recogniser
from .units import Block, Findings, Front, Recognised, Unit


def recognise(paragraphs: list[Paragraph]) -> Recognised:
    """Recognise front matter and units in a list of paragraphs."""
    return Recogniser(paragraphs).run()


__all__ = ["Block", "Findings", "Front", "Recognised", "Recogniser", "Unit", "recognise"]
