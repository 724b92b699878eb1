"""Recognise the structure of legislative text: front matter, units, their numbers, headings and definitions.

Input: paragraphs (see `paragraphs.assemble`). Output: plain data (`Front`, `Unit`) that `text.py` turns into AKN.
Decisions that rest on a guess are recorded in the report with the line they concern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .labels import (
    CODE_NUMBER,
    CONTAINER,
    CONTAINER_ELEMENTS,
    CONTAINER_RANK,
    SECTION_MARKER,
    Label,
    Reading,
    core_of,
    read_label,
    successors,
)
from .paragraphs import Paragraph, is_all_caps

LOOKAHEAD = 200

_FORMULA = re.compile(
    r"^(be it (enacted|ordained|resolved)|the (city|town|county|board|council|people)\b.{0,120}\b(ordains?|enacts?)\b"
    r"|now,? therefore,? be it)",
    re.IGNORECASE,
)
_RECITAL = re.compile(r"^(whereas)\b", re.IGNORECASE)
_COVER = re.compile(
    r"^([0-9]+(st|nd|rd|th) congress|[0-9]+(st|nd|rd|th) session|in the (senate|house)\b|.*\bintroduced the following\b"
    r"|.*\breferred to the committee\b|(s|h|h\.\s?r|s\.\s?b|h\.\s?b)\.\s?[0-9]+$|[a-z]+ [0-9]{1,2}, [0-9]{4}$"
    r"|docket\b|petition of\b|upon the recommendation\b|in the year\b|committee report\b)",
    re.IGNORECASE,
)
_TITLE_START = re.compile(r"^(an? (ordinance|act|bill|resolution|order)\b|amendment\b.*\bto\b)", re.IGNORECASE)
_LONG_TITLE = re.compile(r"^(to [a-z]|relative to\b|an act\b|an ordinance\b)", re.IGNORECASE)
_HISTORY = re.compile(
    r"^[\[(]\s*(history|added by|amended by|ord\.|ords\.|source|prior code|code [0-9]{4}|res\.|formerly)(?!\w)",
    re.IGNORECASE,
)
_NOTE_HEADING = re.compile(r"^(codification note|editor'?s note|cross[- ]references?|notes?|history)\s*:?$",
                           re.IGNORECASE)
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
_SENTENCE_WORDS = re.compile(r"\b(shall|means|may|must|is|are|will|includes?|has|have|be)\b", re.IGNORECASE)
_HEADING_SPLIT = re.compile(
    r"^(?P<heading>[^.:;\u2014]{1,120}?)(?:(?P<dash>\.?--|\.?\u2014)\s*|(?P<sep>[.:])\s+)(?P<rest>\S.*)$"
)
_CONCLUSION = re.compile(
    r"^(passed|adopted|approved|enacted|ordained|signed|attest)\b.{0,200}\b(council|mayor|board|[0-9]{4})\b",
    re.IGNORECASE,
)
_RECITALS_HEADING = re.compile(r"^(findings|preamble|recitals)\.?$", re.IGNORECASE)
_LIST_ITEM_END = re.compile(r"(;|; or|; and|, or|, and)$")
_YEAR = re.compile(r"\b(19[5-9][0-9]|20[0-9][0-9])\b")


@dataclass
class Block:
    """A paragraph inside a unit: plain text, a definition (with its term), a history note or an editor's note."""

    text: str
    line: int
    kind: str = "p"  # p | history | note
    term: str | None = None


@dataclass
class Unit:
    """A provision being built: element name, printed number, heading, blocks before and after its children."""

    element: str
    num: str | None
    heading: str | None
    line: int
    reading: Reading | None = None
    blocks: list[Block] = field(default_factory=list)
    children: list[Unit] = field(default_factory=list)
    wrap: list[Block] = field(default_factory=list)
    implicit: bool = False
    definitions: bool = False

    def add(self, block: Block) -> None:
        (self.wrap if self.children else self.blocks).append(block)


@dataclass
class Front:
    """What comes before the body: cover page, preface (title), preamble (recitals, formula, instructions)."""

    cover: list[Block] = field(default_factory=list)
    preface: list[Block] = field(default_factory=list)
    recitals: list[Block] = field(default_factory=list)
    formula: list[Block] = field(default_factory=list)
    instructions: list[Block] = field(default_factory=list)
    recitals_heading: str | None = None
    conclusions: list[Block] = field(default_factory=list)
    title: str | None = None


@dataclass
class Findings:
    """What the recogniser saw and guessed, for the import report."""

    recognised: list[dict] = field(default_factory=list)
    guessed: list[dict] = field(default_factory=list)
    unplaced: list[dict] = field(default_factory=list)

    def saw(self, line: int, what: str) -> None:
        self.recognised.append({"line": line, "what": what})

    def guess(self, line: int, what: str) -> None:
        self.guessed.append({"line": line, "what": what})


@dataclass
class Recognised:
    """The whole document as recognised."""

    front: Front
    body: list[Unit]
    findings: Findings
    year: str | None


def heading_like(text: str, *, max_words: int = 12) -> bool:
    """Tell whether text reads as a heading: short, capitalised, not a sentence with a verb."""
    words = text.split()
    if not words or len(words) > max_words or text[:1].islower():
        return False
    if text.rstrip().endswith((";", ",", ":")) or text[-3:] == " or" or text.endswith(" and"):
        return False
    return not _SENTENCE_WORDS.search(text)


def split_heading(text: str, *, whole_if_heading: bool) -> tuple[str | None, str]:
    """Split "Definitions. For the purposes …" into heading and text; a heading alone when allowed."""
    match = _HEADING_SPLIT.match(text)
    if match and heading_like(match.group("heading"), max_words=10) and (
        match.group("rest")[:1].isupper() or match.group("rest")[:1] in "\"\u201c(" or match.group("dash")
    ):
        return match.group("heading").strip(), match.group("rest")
    bare = text.rstrip()
    if whole_if_heading and heading_like(bare.rstrip(".:"), max_words=16):
        return bare.rstrip(".:").strip() or None, ""
    return None, text


def child_element(parent: Unit | None, reading: Reading) -> str:
    """Name the AKN element of a unit by depth: subsection, paragraph, point (digits directly under a section
    are paragraphs)."""
    parent_element = parent.element if parent else None
    if parent_element in (None, "section", "article", "chapter", "part", "title", "division", "subchapter"):
        return "paragraph" if reading.series == "digit" else "subsection"
    if parent_element == "subsection":
        return "paragraph"
    return "point"


class Recogniser:
    """Walk the paragraphs once, keeping a stack of open units."""

    def __init__(self, paragraphs: list[Paragraph]):
        self.paragraphs = paragraphs
        self.findings = Findings()
        self.front = Front()
        self.body: list[Unit] = []
        self.containers: list[Unit] = []  # open title > part > chapter > … (outermost first)
        self.skip: set[int] = set()  # paragraphs already taken (a heading printed on its own line)
        self.section: Unit | None = None  # the open top-level unit (explicit or implicit section)
        self.stack: list[Unit] = []  # labelled units open under the section (or at the top when none)
        self.section_style: tuple[str, str] | None = None  # "1." style sections, once established
        self.in_body = False
        self.in_notes = False
        self.definitions_open = False
        self.pending_term: Block | None = None
        self.year: str | None = None

    # --- the walk ------------------------------------------------------------------------------------------------

    def run(self) -> Recognised:
        for index, paragraph in enumerate(self.paragraphs):
            self.index = index
            if index in self.skip:
                continue
            if not self.in_body and not self._starts_body(paragraph):
                self._front_matter(paragraph)
                continue
            self.in_body = True
            self._body_paragraph(paragraph)
        self._close_term()
        self._split_cover()
        return Recognised(self.front, self._grouped_body(), self.findings, self.year)

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

    def _starts_body(self, paragraph: Paragraph) -> bool:
        text = paragraph.text
        if SECTION_MARKER.match(text) or (CODE_NUMBER.match(text) and not _COVER.match(text)):
            return True
        container = CONTAINER.match(text)
        if container and heading_like(container.group("rest") or "Heading"):
            # a chapter line opens the body when sections or its own text follow, not a title or a formula
            following = self.paragraphs[self.index + 1 : self.index + 3]
            if any(_FORMULA.match(p.text) or _TITLE_START.match(p.text) for p in following):
                return False
            return bool(container.group("rest").strip()) or any(
                SECTION_MARKER.match(p.text) or CODE_NUMBER.match(p.text) or CONTAINER.match(p.text)
                for p in following
            )
        found = read_label(text)
        if found and not _FORMULA.match(text):
            # "(2)" may open an excerpt; a dotted letter such as "S. 681" or "H. 4860" is a bill number, not a label
            reading = found[0].readings[0]
            return reading.bracket != "dot" or reading.ordinal == 1
        return bool(DEFINITIONS_LEAD.search(text) and not _FORMULA.match(text))

    # --- front matter --------------------------------------------------------------------------------------------

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
        elif _FORMULA.match(text):
            front.formula.append(block)
            self.findings.saw(line, "enacting formula")
        elif front.formula:
            front.instructions.append(block)
            self.findings.saw(line, "instruction after the enacting formula")
        elif _HISTORY.match(text):
            front.preface.append(Block(text, line, "history"))
            self.findings.saw(line, "history note")
        elif _TITLE_START.match(text) or (front.title is None and _LONG_TITLE.match(text)):
            self._title(block)
        elif front.preface and front.preface[-1].kind == "title" and is_all_caps(text) and is_all_caps(
            front.preface[-1].text
        ):
            # a title printed over several lines in capitals
            front.preface[-1].text += " " + text
            front.title = front.preface[-1].text
        else:
            front.preface.append(block)
            self.findings.saw(line, "cover page" if _COVER.match(text) else "preface")

    def _next_is_recital(self) -> bool:
        following = self.paragraphs[self.index + 1 : self.index + 2]
        return bool(following and _RECITAL.match(following[0].text))

    def _title(self, block: Block) -> None:
        front = self.front
        if _LONG_TITLE.match(block.text) and not _TITLE_START.match(block.text):
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

    # --- body ------------------------------------------------------------------------------------------------------

    def _body_paragraph(self, paragraph: Paragraph) -> None:
        text, line = paragraph.text, paragraph.line
        if self.front.conclusions or (_CONCLUSION.match(text) and self._only_closing_text_follows()):
            self.front.conclusions.append(Block(text, line))
            self.findings.saw(line, "conclusions (adoption or signature)")
            return
        if _HISTORY.match(text):
            self._attach_note(Block(text, line, "history"), "history note")
            return
        if _NOTE_HEADING.match(text):
            self.in_notes = True
            self._attach_note(Block(text, line, "note"), "editor's note")
            return
        if self._section_start(text, line):
            return
        if self.in_notes:
            self._attach_note(Block(text, line, "note"), "editor's note")
            return
        found = read_label(text)
        if found:
            self._labelled(found[0], found[1], line)
            return
        self._text(Block(text, line))

    def _only_closing_text_follows(self) -> bool:
        """Tell whether the paragraphs after this one hold no more units (so this one closes the document)."""
        return not any(read_label(p.text) or SECTION_MARKER.match(p.text) or CODE_NUMBER.match(p.text)
                       for p in self.paragraphs[self.index + 1 : self.index + 1 + LOOKAHEAD])

    def _section_start(self, text: str, line: int) -> bool:
        container = CONTAINER.match(text)
        if container and heading_like(container.group("rest") or "Heading"):
            self._open_container(container, line)
            return True
        match = SECTION_MARKER.match(text) or CODE_NUMBER.match(text)
        if match:
            rest = text[match.end():].strip() or self._heading_on_next_line()
            self._open_section(match.group("num").strip(), rest, line)
            return True
        found = read_label(text)
        if found and self._is_section_label(found[0], found[1]):
            self._open_section(found[0].text, found[1], line, reading=found[0].readings[0])
            return True
        return False

    def _open_container(self, container: re.Match, line: int) -> None:
        """Open a chapter, article, title …; a lower-ranked one goes inside the open higher-ranked one."""
        element = CONTAINER_ELEMENTS[container.group("word").lower()]
        heading = (container.group("rest").rstrip(".").strip()
                   or self._heading_on_next_line(for_container=True).rstrip(".") or None)
        unit = Unit(element, container.group("num").strip(), heading, line)
        self._close_section()
        while self.containers and CONTAINER_RANK[self.containers[-1].element] >= CONTAINER_RANK[element]:
            self.containers.pop()
        (self.containers[-1].children if self.containers else self.body).append(unit)
        self.containers.append(unit)
        self.findings.saw(line, f"{element} {unit.num}")

    @property
    def container(self) -> Unit | None:
        return self.containers[-1] if self.containers else None

    def _heading_on_next_line(self, *, for_container: bool = False) -> str:
        """Take the next paragraph as a heading when it is one printed on its own line ("SHORT TITLE.")."""
        following = self.paragraphs[self.index + 1 : self.index + 2]
        if not following:
            return ""
        text = following[0].text
        if read_label(text) or SECTION_MARKER.match(text) or CODE_NUMBER.match(text) or CONTAINER.match(text):
            return ""
        looks_like_heading = (is_all_caps(text) and len(text.split()) <= 12) or (
            heading_like(text.rstrip("."), max_words=8) and text[:1].isupper()
        )
        # it is the heading only if the unit goes on after it (otherwise it is the unit's one sentence)
        after = self.paragraphs[self.index + 2 : self.index + 3]
        goes_on = bool(after) and not (
            (not for_container and (SECTION_MARKER.match(after[0].text) or CODE_NUMBER.match(after[0].text)))
            or CONTAINER.match(after[0].text) or _CONCLUSION.match(after[0].text)
        )
        if looks_like_heading and goes_on:
            self.skip.add(self.index + 1)
            return text
        return ""

    def _is_section_label(self, label: Label, rest: str) -> bool:
        """Tell whether "1. Short title." opens a section: at the top, or continuing "1."-style sections."""
        reading = label.readings[0]
        if reading.style != ("dot", "digit") or label.ambiguous:
            return False
        if self.section_style == ("dot", "digit") and self.section is not None and self.section.reading:
            continues_level = any(
                unit.reading and unit.reading.style == reading.style and unit.reading.ordinal + 1 == reading.ordinal
                for unit in self.stack
            )
            return not continues_level and reading.ordinal == self.section.reading.ordinal + 1
        if self.section is None and not self.stack and self.section_style is None:
            heading, _ = split_heading(rest, whole_if_heading=True)
            return heading is not None
        return False

    def _open_section(self, num: str, rest: str, line: int, reading: Reading | None = None) -> None:
        self._close_section()
        # the whole line is a heading only when the section has more to say after it
        heading, remainder = split_heading(rest, whole_if_heading=self._section_continues()) if rest else (None, "")
        unit = Unit("section", num, heading, line, reading=reading)
        if reading is not None:
            self.section_style = reading.style
        unit.definitions = bool(heading and re.search(r"definition", heading, re.IGNORECASE))
        self.definitions_open = unit.definitions
        self.section = unit
        (self.container.children if self.container else self.body).append(unit)
        self.findings.saw(line, f"section {num}" + (f" with heading {heading!r}" if heading else ""))
        if remainder:
            found = read_label(remainder)
            if found:
                self._labelled(found[0], found[1], line)
            else:
                self._text(Block(remainder, line))

    def _section_continues(self) -> bool:
        following = [i for i in range(self.index + 1, min(self.index + 3, len(self.paragraphs))) if i not in self.skip]
        if not following:
            return False
        text = self.paragraphs[following[0]].text
        return not (SECTION_MARKER.match(text) or CODE_NUMBER.match(text) or CONTAINER.match(text)
                    or _CONCLUSION.match(text))

    def _close_section(self) -> None:
        self._close_term()
        self.section = None
        self.stack = []
        self.in_notes = False
        self.definitions_open = False

    def _labelled(self, label: Label, rest: str, line: int) -> None:
        self._close_term()
        self.in_notes = False
        reading = self._choose_reading(label, line)
        top_styles = {self.stack[0].reading.style} if self.stack and self.stack[0].reading else set()
        parent = self._place(reading, label, line)
        element = child_element(parent, reading)
        if parent is None and self._opens_new_group(reading, top_styles):
            self.findings.guess(line, f"{label.text} starts a new series at the top: a new unnumbered section")
            self._implicit_section(line)
            element = child_element(self.section, reading)
        unit = Unit(element, label.text, None, line, reading=reading)
        owner = parent or self.section or self.container
        if owner is None:
            self.body.append(unit)
        else:
            owner.children.append(unit)
        self.stack.append(unit)
        self.findings.saw(line, f"{element} {label.text}")
        nested = read_label(rest)
        if nested and not self._is_inline_enumeration(rest):
            # several labels run together: "(a)(1) text" or "Section 220. (a) text"
            self._labelled(nested[0], nested[1], line)
            return
        if rest:
            self._unit_text(unit, rest, line)

    def _is_inline_enumeration(self, rest: str) -> bool:
        return False if not rest else bool(re.match(r"^\([a-z0-9]+\)\s+[a-z]", rest)) and "(" in rest[4:40]

    def _unit_text(self, unit: Unit, text: str, line: int) -> None:
        heading, remainder = split_heading(text, whole_if_heading=False)
        if heading and (DEFINITIONS_LEAD.search(remainder) or re.search("definition", heading, re.IGNORECASE)):
            unit.heading = heading
            unit.definitions = True
            self.definitions_open = True
            text = remainder
        elif heading and re.match(r"\.?(--|\u2014)", text[len(heading):len(heading) + 3]):
            unit.heading = heading  # federal style: "(1) Biometric surveillance system.--The term …"
            text = remainder
        elif heading and len(heading.split()) <= 4 and remainder[:1].isupper():
            unit.heading = heading
            text = remainder
        if text:
            self._add_block(unit, Block(text, line))

    def _text(self, block: Block) -> None:
        target = self.stack[-1] if self.stack else (self.section or self.container)
        if self.stack and self._closes_list():
            # a paragraph after the last item of a list ("…; or" / "… ." ) belongs to the list's parent
            self.stack.pop()
            target = self.stack[-1] if self.stack else self.section
            self.findings.guess(block.line, "text after the last item of a list read as its parent's closing words")
        if target is None:
            if DEFINITIONS_LEAD.search(block.text):
                self.findings.guess(block.line, "definitions printed without a section number: an unnumbered section")
            else:
                # text that belongs to no unit is kept where it stands and marked for review
                block.kind = "unplaced"
                self.findings.unplaced.append({"line": block.line, "what": block.text[:120]})
            self._implicit_section(block.line)
            target = self.section
        if DEFINITIONS_LEAD.search(block.text) and not target.children and not target.blocks:
            target.definitions = True
            self.definitions_open = True
        self._add_block(target, block)

    def _closes_list(self) -> bool:
        unit = self.stack[-1]
        owner = self.stack[-2] if len(self.stack) > 1 else self.section
        siblings = owner.children if owner else self.body
        if unit.children or len(siblings) < 2 or siblings[-1] is not unit or not unit.blocks:
            return False
        previous = siblings[-2]
        last_text = (previous.wrap or previous.blocks or [Block("", 0)])[-1].text if not previous.children else (
            previous.children[-1].blocks or [Block("", 0)])[-1].text
        return bool(_LIST_ITEM_END.search(last_text.rstrip())) and unit.blocks[-1].text.rstrip().endswith(".")

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

    def _attach_note(self, block: Block, what: str) -> None:
        owner = self.section or (self.stack[0] if self.stack else None) or self.container
        if owner is None:
            self._implicit_section(block.line)
            owner = self.section
        owner.add(block)
        self.findings.saw(block.line, what)

    def _implicit_section(self, line: int) -> None:
        self._close_section()
        unit = Unit("section", None, None, line, implicit=True)
        self.section = unit
        (self.container.children if self.container else self.body).append(unit)

    def _opens_new_group(self, reading: Reading, top_styles: set) -> bool:
        """Tell whether a top-level label begins a new unprinted section: where no section was printed, a series
        restarting at 1, or labels after an unnumbered block of definitions."""
        section = self.section
        if section is not None and not section.implicit:
            return False
        if reading.ordinal == 1 and reading.style in top_styles:
            return True
        return section is not None and section.definitions and not section.children

    # --- labels ----------------------------------------------------------------------------------------------------

    def _choose_reading(self, label: Label, line: int) -> Reading:
        if not label.ambiguous:
            return label.readings[0]
        letter = next(r for r in label.readings if r.series in ("lower", "upper"))
        roman = next(r for r in label.readings if r.series in ("lroman", "uroman"))
        letter_fits = letter.ordinal == 1 or self._continues_open(letter)
        roman_fits = roman.ordinal == 1 or self._continues_open(roman)
        if letter_fits != roman_fits:
            return letter if letter_fits else roman
        bracket = label.readings[0].bracket
        upper = label.text.strip("().").isupper()
        letter_next, roman_next = successors(letter), successors(roman)
        for paragraph in self.paragraphs[self.index + 1 : self.index + 1 + LOOKAHEAD]:
            found = read_label(paragraph.text)
            if not found or found[0].readings[0].bracket != bracket:
                continue
            core = core_of(found[0].text)
            if core.isupper() != upper or core.isdigit():
                continue
            if core == roman_next:
                self.findings.guess(line, f"{label.text} read as a roman numeral (the next label is {found[0].text})")
                return roman
            if core == letter_next:
                self.findings.guess(line, f"{label.text} read as a letter (the next label is {found[0].text})")
                return letter
        if self._continues_open(letter):
            self.findings.guess(line, f"{label.text} read as a letter, continuing the open series")
            return letter
        self.findings.guess(line, f"{label.text} read as a roman numeral")
        return roman

    def _continues_open(self, reading: Reading) -> bool:
        return any(
            unit.reading and unit.reading.style == reading.style and unit.reading.ordinal + 1 == reading.ordinal
            for unit in self.stack
        )

    def _place(self, reading: Reading, label: Label, line: int) -> Unit | None:
        """Pop the stack to where the label belongs and return its parent (None: directly under the section)."""
        for depth in range(len(self.stack) - 1, -1, -1):
            unit = self.stack[depth]
            if unit.reading and unit.reading.style == reading.style and unit.reading.ordinal + 1 == reading.ordinal:
                del self.stack[depth:]
                return self.stack[-1] if self.stack else None
        same_style = [d for d, u in enumerate(self.stack) if u.reading and u.reading.style == reading.style]
        if reading.ordinal == 1 or not same_style:
            if same_style and reading.ordinal == 1:
                depth = same_style[-1]
                self.findings.guess(line, f"{label.text} restarts the numbering of {self.stack[depth].num}")
                del self.stack[depth:]
            elif reading.ordinal != 1:
                self.findings.guess(line, f"{label.text} opens a series that does not start at 1")
            return self.stack[-1] if self.stack else None
        depth = same_style[-1]
        self.findings.guess(line, f"{label.text} follows {self.stack[depth].num}: a gap in the numbering")
        del self.stack[depth:]
        return self.stack[-1] if self.stack else None

    # --- result ----------------------------------------------------------------------------------------------------

    def _grouped_body(self) -> list[Unit]:
        """Wrap top-level labelled runs in unnumbered sections when the body also has sections or restarts."""
        if all(unit.element != "section" for unit in self.body) or all(
            unit.element == "section" or unit.element in CONTAINER_ELEMENTS.values() for unit in self.body
        ):
            return _promote_headings(self.body)
        grouped: list[Unit] = []
        run: Unit | None = None
        for unit in self.body:
            if unit.element == "section" or unit.element in CONTAINER_ELEMENTS.values():
                grouped.append(unit)
                run = None
                continue
            if run is None:
                run = Unit("section", None, None, unit.line, implicit=True)
                grouped.append(run)
            run.children.append(unit)
        return _promote_headings(grouped)


def _promote_headings(units: list[Unit]) -> list[Unit]:
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


def recognise(paragraphs: list[Paragraph]) -> Recognised:
    """Recognise front matter and units in a list of paragraphs."""
    return Recogniser(paragraphs).run()
