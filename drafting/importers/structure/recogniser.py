"""The walk over the paragraphs and the body stage: containers, sections, labelled units, their text and notes.

`Recogniser` keeps the state of one walk (the open container, section and stack of labelled units) and combines the
stages mixed into it: `FrontMatterReader` (front.py) before the body opens, `NestingReader` (nesting.py) for each
label, `DefinitionReader` (definitions.py) for each paragraph added to a unit.
"""

from __future__ import annotations

import re

from ..labels import (
    CODE_NUMBER,
    CONTAINER,
    CONTAINER_ELEMENTS,
    CONTAINER_RANK,
    SECTION_MARKER,
    Label,
    Reading,
    read_label,
)
from ..paragraphs import Paragraph, is_all_caps
from .amendments import AmendmentReader
from .definitions import DEFINITIONS_LEAD, DefinitionReader
from .front import COVER, FORMULA, HISTORY, TITLE_START, FrontMatterReader
from .headings import heading_like, promote_headings, split_heading
from .nesting import LOOKAHEAD, NestingReader, child_element
from .units import Block, Findings, Front, Recognised, Unit

_NOTE_HEADING = re.compile(r"^(codification note|editor'?s note|cross[- ]references?|notes?|history)\s*:?$",
                           re.IGNORECASE)
_CONCLUSION = re.compile(
    r"^(passed|adopted|approved|enacted|ordained|signed|attest)\b.{0,200}\b(council|mayor|board|[0-9]{4})\b",
    re.IGNORECASE,
)
_DASHED_HEADING = re.compile(r"^([^.:;\u2014]{1,120}?)\.?(?:--|\u2014)$")
_LIST_ITEM_END = re.compile(r"(;|; or|; and|, or|, and)$")


class Recogniser(FrontMatterReader, NestingReader, DefinitionReader, AmendmentReader):
    """Walk the paragraphs once, keeping a stack of open units."""

    def __init__(self, paragraphs: list[Paragraph], *, in_body: bool = False):
        self.paragraphs = paragraphs
        self.findings = Findings()
        self.front = Front()
        self.body: list[Unit] = []
        self.containers: list[Unit] = []  # open title > part > chapter > … (outermost first)
        self.skip: set[int] = set()  # paragraphs already taken (a heading printed on its own line)
        self.section: Unit | None = None  # the open top-level unit (explicit or implicit section)
        self.stack: list[Unit] = []  # labelled units open under the section (or at the top when none)
        self.section_style: tuple[str, str] | None = None  # "1." style sections, once established
        self.in_body = in_body  # a quoted structure is all body
        self.in_notes = False
        self.definitions_open = False
        self.pending_term: tuple[Unit, Block] | None = None  # a term alone on its line, awaiting its definition
        self.year: str | None = None

    # --- the walk ------------------------------------------------------------------------------------------------

    def run(self) -> Recognised:
        for index, paragraph in enumerate(self.paragraphs):
            self.index = index
            if index in self.skip:
                continue
            quoting = self._quoting_instruction(paragraph)
            if quoting is not None:
                self.in_body = True
                self._amending_paragraph(paragraph, *quoting)
                continue
            if not self.in_body and not self._starts_body(paragraph):
                self._front_matter(paragraph)
                continue
            self.in_body = True
            self._body_paragraph(paragraph)
        self._close_term()
        self._split_cover()
        return Recognised(self.front, self._grouped_body(), self.findings, self.year)

    def _starts_body(self, paragraph: Paragraph) -> bool:
        text = paragraph.text
        decided = self._front_decides(paragraph)  # front.py: findings before the formula, a quoted definition
        if decided is not None:
            return decided
        if SECTION_MARKER.match(text) or (CODE_NUMBER.match(text) and not COVER.match(text)):
            return True
        container = _container_line(text)
        if container:
            # a chapter line opens the body when sections or its own text follow, not a title or a formula
            following = self.paragraphs[self.index + 1 : self.index + 3]
            if any(FORMULA.match(p.text) or TITLE_START.match(p.text) for p in following):
                return False
            return bool(container.group("rest").strip()) or any(
                SECTION_MARKER.match(p.text) or CODE_NUMBER.match(p.text) or CONTAINER.match(p.text)
                for p in following
            )
        found = read_label(text)
        if found and not FORMULA.match(text):
            # "(2)" may open an excerpt; a dotted letter such as "S. 681" or "H. 4860" is a bill number, not a label
            reading = found[0].readings[0]
            return reading.bracket != "dot" or reading.ordinal == 1
        return bool(DEFINITIONS_LEAD.search(text) and not FORMULA.match(text))

    # --- body ------------------------------------------------------------------------------------------------------

    def _body_paragraph(self, paragraph: Paragraph) -> None:
        text, line = paragraph.text, paragraph.line
        # closing words, a notes heading, a container and a section marker or code number all open with a letter, a
        # digit or "§": a paragraph that opens otherwise (a label, "(a) …") need not be matched against them
        worded = text[:1].isalnum() or text[:1] == "\u00a7"
        if self.front.conclusions or (worded and self._closing_words(text, self.index)):
            self.front.conclusions.append(Block(text, line))
            self.findings.saw(line, "conclusions (adoption or signature)")
            return
        if HISTORY.match(text):
            self._attach_note(Block(text, line, "history"), "history note")
            return
        if worded and _NOTE_HEADING.match(text):
            self.in_notes = True
            self._attach_note(Block(text, line, "note"), "editor's note")
            return
        found = read_label(text)
        if self._section_start(text, line, found, worded=worded):
            return
        if self.in_notes:
            self._attach_note(Block(text, line, "note"), "editor's note")
            return
        if found:
            self._labelled(found[0], found[1], line)
            return
        self._text(Block(text, line))

    def _amending_paragraph(self, paragraph: Paragraph, instruction: str, start: str) -> None:
        """An instruction quoting a structure: the instruction goes where any paragraph goes, the quoted units onto
        its block (they are not units of this document)."""
        if self.section is None and not self.stack and self.container is None and not self._opens_unit(instruction):
            self._implicit_section(paragraph.line)  # an amendment whose instruction is not itself numbered
        self._body_paragraph(Paragraph(paragraph.line, instruction))
        owner = self.stack[-1] if self.stack else (self.section or self.container)
        quotation = self._quotation(Paragraph(paragraph.line, start) if start else None)
        block = (owner.wrap or owner.blocks)[-1] if owner is not None and (owner.wrap or owner.blocks) else None
        if block is None or not instruction.endswith(block.text):
            block = Block("", paragraph.line)
            owner = owner or self.section
            owner.add(block)
        block.quoted = self._recognise_quotation(quotation, paragraph.line)
        block.quote_marks = (quotation.start_quote, quotation.end_quote, quotation.inline_quote)
        block.after_quote = quotation.trailing

    @staticmethod
    def _opens_unit(text: str) -> bool:
        return bool(SECTION_MARKER.match(text) or CODE_NUMBER.match(text) or _container_line(text) or read_label(text))

    def _closing_words(self, text: str, index: int) -> bool:
        """Tell whether text at paragraph `index` is the document's closing words (adoption, signature): their
        pattern, and no unit after it. The one test for the walk and for what follows a section's line or a heading
        on its own line: if they disagreed, a document printed from an import would be read otherwise."""
        # nesting.py: the labels ahead are read once for the walk
        return bool(_CONCLUSION.match(text)) and not self._labels_ahead().unit_within(index, LOOKAHEAD)

    def _section_start(self, text: str, line: int, found: tuple[Label, str] | None, *, worded: bool) -> bool:
        """Open a container or a section if the paragraph starts one (`found`: its label, if any; `worded`: it opens
        with a letter, a digit or "§", as a container line, a section marker and a code number do)."""
        container = _container_line(text) if worded else None
        if container:
            self._open_container(container, line)
            return True
        match = (SECTION_MARKER.match(text) or CODE_NUMBER.match(text)) if worded else None
        if match:
            rest = text[match.end():].strip() or self._heading_on_next_line()
            self._open_section(match.group("num").strip(), rest, line)
            return True
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
        self._add_unit(self.containers[-1] if self.containers else None, unit)
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
            or CONTAINER.match(after[0].text) or self._closing_words(after[0].text, self.index + 2)
        )
        if looks_like_heading and goes_on:
            self.skip.add(self.index + 1)
            return text
        return ""

    def _is_section_label(self, label: Label, rest: str) -> bool:
        """Tell whether "1. Short title." opens a section: at the top, or continuing "1."-style sections."""
        reading = label.readings[0]
        if reading.bracket != "dot" or reading.series != "digit" or label.ambiguous:
            return False
        if self.section_style == ("dot", "digit") and self.section is not None and self.section.reading:
            return not self._continues_open(reading) and reading.ordinal == self.section.reading.ordinal + 1
        if self.section is None and not self.stack and self.section_style is None:
            heading, _ = split_heading(rest, whole_if_heading=True)
            return heading is not None
        return False

    def _open_section(self, num: str, rest: str, line: int, reading: Reading | None = None) -> None:
        self._close_section()
        # the whole line is a heading only when the section has more to say after it
        heading, remainder = split_heading(rest, whole_if_heading=self._section_continues()) if rest else (None, "")
        if heading and remainder and self._closing_words(remainder, self.index):
            # "Section 9. Effective date. Passed by the City Council, 2020": closing words are not text that follows
            # a heading (on a line of their own, as the heading's text is printed, they close the document): the
            # section's text is the whole line, as when the closing words follow on the next line
            heading, remainder = None, rest
        unit = Unit("section", num, heading, line, reading=reading)
        if reading is not None:
            self.section_style = reading.style
        unit.definitions = bool(heading and re.search(r"definition", heading, re.IGNORECASE))
        self.definitions_open = unit.definitions
        self.section = unit
        self._add_unit(self.container, unit)
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
                    or self._closing_words(text, following[0]))

    def _close_section(self) -> None:
        self._close_term()
        self.section = None
        self.stack = []
        self.in_notes = False
        self.definitions_open = False

    def _labelled(self, label: Label, rest: str, line: int) -> None:
        if self.pending_term is not None:
            self._close_term()
        self.in_notes = False
        reading = self._choose_reading(label, line)
        top = self.stack[0].reading if self.stack else None  # the outermost open label, before placing this one
        parent = self._place(reading, label, line)
        element = child_element(parent, reading)
        if parent is None and self._opens_new_group(reading, top):
            self.findings.guess(line, f"{label.text} starts a new series at the top: a new unnumbered section")
            self._implicit_section(line)
            element = child_element(self.section, reading)
        unit = Unit(element, label.text, None, line, reading=reading)
        self._add_unit(parent or self.section or self.container, unit)
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
        if heading and self._heading_is_term(unit, heading, text):
            heading = None  # "(A) TERM. text" in a list of definitions: the term, not a heading (definitions.py)
        if heading and (DEFINITIONS_LEAD.search(remainder) or re.search("definition", heading, re.IGNORECASE)):
            unit.heading = heading
            unit.definitions = True
            self.definitions_open = True
            text = remainder
        elif heading is None and _ends_in_dash(text) and _DASHED_HEADING.match(text) and heading_like(
                _DASHED_HEADING.match(text).group(1)):
            unit.heading = _DASHED_HEADING.match(text).group(1)  # "(h) Prohibition on facial recognition.--" alone
            text = ""
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
        self._add_unit(self.container, unit)

    def _add_unit(self, owner: Unit | None, unit: Unit) -> None:
        """Add a unit under its owner, or at the top of the body when it has none."""
        if owner is None:
            self.body.append(unit)
        else:
            owner.add_child(unit)

    # --- result ----------------------------------------------------------------------------------------------------

    def _grouped_body(self) -> list[Unit]:
        """Wrap top-level labelled runs in unnumbered sections when the body also has sections or restarts."""
        if all(unit.element != "section" for unit in self.body) or all(
            unit.element == "section" or unit.element in CONTAINER_ELEMENTS.values() for unit in self.body
        ):
            return promote_headings(self.body)
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
            run.add_child(unit)
        return promote_headings(grouped)


def _ends_in_dash(text: str) -> bool:
    """Tell cheaply whether text can match _DASHED_HEADING, whose dash ends the text (or stands before a final line
    break): most paragraphs do not, and the pattern would try every character of their first 120."""
    end = text[-2:]
    return "-" in end or "\u2014" in end


def _container_line(text: str) -> re.Match | None:
    """Match a line that opens a container ("CHAPTER 3", "Article IV. Definitions", "Chapter 34.10 Prohibit the Use
    of Face Recognition Technologies by Private Entities in Places of Public Accommodation"): its word and number
    mark it, so its heading may have any length, but not read as a sentence ("Chapter 6 of the General Laws is
    hereby amended ...")."""
    container = CONTAINER.match(text)
    if container and heading_like(container.group("rest") or "Heading", max_words=None):
        return container
    return None
