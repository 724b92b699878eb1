"""Definitions: which paragraphs define a term, and which term.

`DefinitionReader` is mixed into the `Recogniser`: every paragraph of the body is added to its unit through
`_add_block`, which marks the term of a definition ("Term" means …, the term ``term'' means …, TERM. …, a term
alone on its line defined by the next paragraph) and records it in the findings.
"""

from __future__ import annotations

import re

from ..paragraphs import is_all_caps
from .headings import heading_like
from .units import Block, Findings, Unit

DEFINITIONS_LEAD = re.compile(
    r"(the following (terms|words|definitions|phrases)|as used in this|for (the )?purposes? of this|"
    r"^in this (act|chapter|section|article|ordinance|title|subchapter|part)\s*[:,-])",
    re.IGNORECASE,
)
_QUOTED_TERM = re.compile(
    r"^(?P<open>[\"\u201c\u2018']|``)(?P<term>[^\"\u201d\u2019']{1,100}?)(?P<close>[\"\u201d\u2019']|'')"
    r"(?P<after>\s*(,|\u2014|-|:)?\s*(means|shall mean|includes|has the meaning|refers to|is defined|shall include)?)",
)
_THE_TERM = re.compile(r"^the terms? (?P<open>[\"\u201c\u2018])(?P<term>[^\"\u201d\u2019]{1,100})[\"\u201d\u2019]",
                       re.IGNORECASE)
_PLAIN_TERM = re.compile(
    r"(?:^|,\s+)(?P<term>[a-z][a-z -]{2,60}?)\s+(?:means|shall mean|refers to)\b"
)
_CAPS_TERM = re.compile(r"^(?P<term>[A-Z][A-Z0-9 ,'\u2019/&()-]{0,98}[A-Z0-9)])\.\s+(?P<rest>\S.*)$")


class DefinitionReader:
    """Add paragraphs to units, marking the terms they define (a mixin of `Recogniser`)."""

    findings: Findings
    stack: list[Unit]
    definitions_open: bool
    pending_term: tuple[Unit, Block] | None

    def _add_block(self, unit: Unit, block: Block) -> None:
        if self.pending_term is not None:
            # the paragraph after a term printed alone on its line is its definition
            owner, term_block = self.pending_term
            owner.add(block)
            self.pending_term = None
            self.findings.saw(term_block.line, f"definition of {term_block.term!r} (term alone on its line)")
            return
        if self._mark_definition(unit, block):
            return
        unit.add(block)

    def _mark_definition(self, unit: Unit, block: Block) -> bool:
        text = block.text
        quoted = _QUOTED_TERM.match(text)
        the_term = _THE_TERM.match(text)
        if quoted and (quoted.group("after").strip() or self._in_definitions(unit)):
            block.term = quoted.group("term").strip()
        elif the_term:
            block.term = the_term.group("term").strip()
        elif self._in_definitions(unit):
            caps = _CAPS_TERM.match(text)
            plain = _PLAIN_TERM.search(text[:200])
            if caps and len(caps.group("term").split()) <= 8:
                block.term = caps.group("term").strip()
            elif plain and len(plain.group("term").split()) <= 6:
                block.term = plain.group("term").strip()
            elif (is_all_caps(text) or heading_like(text, max_words=6)) and not text.rstrip().endswith((".", ":")):
                block.term = text.strip()
                unit.add(block)
                self.pending_term = (unit, block)
                return True
        if block.term:
            self.findings.saw(block.line, f"definition of {block.term!r}")
        return False

    def _in_definitions(self, unit: Unit) -> bool:
        return self.definitions_open or unit.definitions or any(u.definitions for u in self.stack)

    def _close_term(self) -> None:
        if self.pending_term is not None:
            _, block = self.pending_term
            self.findings.guess(block.line, f"{block.text!r} looked like a defined term but no definition followed")
            block.term = None
            self.pending_term = None
