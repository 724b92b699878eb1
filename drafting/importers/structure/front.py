"""The front-matter stage: cover page, title, long title, recitals, enacting formula and the lines after it.

`FrontMatterReader` is mixed into the `Recogniser`: it handles the paragraphs before the body opens and, once the
walk is over, splits the cover page from the preface. The patterns that tell the body apart from front matter
(formula, title, cover page, history notes) live here too.
"""

from __future__ import annotations

import re

from ..labels import CONTAINER
from ..paragraphs import Paragraph, is_all_caps
from .headings import heading_like
from .units import Block, Findings, Front

FORMULA = re.compile(
    r"^(be it (enacted|ordained|resolved)|the (city|town|county|board|council|people)\b.{0,120}\b(ordains?|enacts?)\b"
    r"|now,? therefore,? be it)",
    re.IGNORECASE,
)
COVER = re.compile(
    r"^([0-9]+(st|nd|rd|th) congress|[0-9]+(st|nd|rd|th) session|in the (senate|house)\b|.*\bintroduced the following\b"
    r"|.*\breferred to the committee\b|(s|h|h\.\s?r|s\.\s?b|h\.\s?b)\.\s?[0-9]+$|[a-z]+ [0-9]{1,2}, [0-9]{4}$"
    r"|docket\b|petition of\b|upon the recommendation\b|in the year\b|committee report\b)",
    re.IGNORECASE,
)
TITLE_START = re.compile(r"^(an? (ordinance|act|bill|resolution|order)\b|amendment\b.*\bto\b)", re.IGNORECASE)
HISTORY = re.compile(
    r"^[\[(]\s*(history|added by|amended by|ord\.|ords\.|source|prior code|code [0-9]{4}|res\.|formerly)(?!\w)",
    re.IGNORECASE,
)
_RECITAL = re.compile(r"^(whereas)\b", re.IGNORECASE)
_LONG_TITLE = re.compile(r"^(to [a-z]|relative to\b|an act\b|an ordinance\b)", re.IGNORECASE)
_RECITALS_HEADING = re.compile(r"^(findings|preamble|recitals)\.?$", re.IGNORECASE)
_YEAR = re.compile(r"\b(19[5-9][0-9]|20[0-9][0-9])\b")


class FrontMatterReader:
    """Read the paragraphs before the body into `front`, noting the first year printed (a mixin of `Recogniser`)."""

    paragraphs: list[Paragraph]
    index: int
    front: Front
    findings: Findings
    year: str | None

    def _front_matter(self, paragraph: Paragraph) -> None:
        text, line = paragraph.text, paragraph.line
        front = self.front
        year = _YEAR.search(text)
        if year and self.year is None:
            self.year = year.group(1)
        block = Block(text, line)
        if _RECITALS_HEADING.match(text) and not front.recitals and self._next_is_recital():
            front.recitals_heading = text.rstrip(".")
            self.findings.saw(line, "heading of the recitals")
        elif _RECITAL.match(text):
            front.recitals.append(block)
            self.findings.saw(line, "recital")
        elif FORMULA.match(text):
            front.formula.append(block)
            self.findings.saw(line, "enacting formula")
        elif front.formula:
            front.instructions.append(block)
            self.findings.saw(line, "instruction after the enacting formula")
        elif HISTORY.match(text):
            front.preface.append(Block(text, line, "history"))
            self.findings.saw(line, "history note")
        elif TITLE_START.match(text) or (front.title is None and _LONG_TITLE.match(text)):
            self._title(block)
        elif front.preface and front.preface[-1].kind == "title" and is_all_caps(text) and is_all_caps(
            front.preface[-1].text
        ):
            # a title printed over several lines in capitals
            front.preface[-1].text += " " + text
            front.title = front.preface[-1].text
        else:
            front.preface.append(block)
            self.findings.saw(line, "cover page" if COVER.match(text) else "preface")

    def _next_is_recital(self) -> bool:
        following = self.paragraphs[self.index + 1 : self.index + 2]
        return bool(following and _RECITAL.match(following[0].text))

    def _title(self, block: Block) -> None:
        front = self.front
        if _LONG_TITLE.match(block.text) and not TITLE_START.match(block.text):
            block.kind = "longTitle"
            front.preface.append(block)
            self.findings.saw(block.line, "long title")
            return
        if front.title and front.title.upper() in ("A BILL", "AN ACT", "AN ORDINANCE"):
            front.preface.append(Block(block.text, block.line, "longTitle"))
            self.findings.saw(block.line, "long title")
            return
        block.kind = "title"
        front.preface.append(block)
        front.title = block.text
        self.findings.saw(block.line, "title")

    def _split_cover(self) -> None:
        """What is printed before the title (city, session, sponsors, docket) is the cover page."""
        preface = self.front.preface
        if self.front.title is None:
            # no "An Ordinance …" line: the last heading-like line of the preface is the title
            candidates = [b for b in preface if b.kind == "p" and heading_like(b.text.rstrip("."), max_words=16)
                          and not is_all_caps(b.text) and not CONTAINER.match(b.text)]
            if candidates:
                candidates[-1].kind = "title"
                self.front.title = candidates[-1].text
        title_at = next((i for i, block in enumerate(preface) if block.kind == "title"), None)
        if title_at:
            self.front.cover, self.front.preface = preface[:title_at], preface[title_at:]
