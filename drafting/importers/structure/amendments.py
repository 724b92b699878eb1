"""Amending bills: the instruction that amends another law, and the text it quotes.

State bills mostly amend the code: "Chapter 6 of the General Laws is hereby amended by inserting after section 219
the following section:- Section 220. (a) …". The inserted text is not a sibling of the amending section but a quoted
structure inside it (AKN `<mod>` holding a `<quotedStructure>`); its units keep their own numbers. Striking and
inserting words ("by striking out the words “X” and inserting in place thereof the following words:- “Y”") and
repeals ("is hereby repealed") are amendments too: the instruction becomes a `<mod>` and its quoted words
`<quotedText>`.

`AmendmentReader` is mixed into the `Recogniser`: when a paragraph of the body ends in an instruction that quotes a
structure, it gathers the paragraphs of the quotation (up to its closing quotation mark, or the amending bill's next
own section), recognises them on their own, and attaches the units to the instruction's block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..labels import CODE_NUMBER, CONTAINER, SECTION_MARKER, read_label
from ..paragraphs import Paragraph
from .units import Block, Findings, Unit

# the words of an amending instruction ("is hereby amended", "by inserting", "striking out", "to read as follows"); a
# provision that merely mentions an amended law ("chapter 30A, as amended, applies to the following:-") is not one,
# nor a duty of the law itself ("data collected in violation shall be deleted", "may be added to the list")
AMENDING_WORDS = re.compile(
    r"\b(is|are|been) (hereby )?(further )?(amended|inserted|added|substituted|repealed|struck|stricken"
    r"|rewritten|renumbered|deleted)\b"
    r"|\bbe (hereby )?(further )?(amended|repealed|rewritten|renumbered)\b"
    r"|(?<!shall )(?<!may )(?<!must )(?<!will )(?<!should )(?<!would )(?<!can )(?<!not )"
    r"\bbe (hereby )?(further )?(inserted|added|substituted|struck|stricken|deleted)\b"
    r"|\bby (inserting|striking|adding|substituting|replacing|deleting|amending|renumbering|redesignating)\b"
    r"|\b(to read as follows|amend(ed)? as follows|amend(ed)? (the|said|this) \w+(\s\w+)? by)\b"
    r"|\b(insert|add|strike|substitute)\b[^.;:]{0,80}\bthe following\b",
    re.IGNORECASE,
)
# the end of an instruction that quotes what follows: "the following section:-", "as follows:", "the following:—"
_QUOTING_END = re.compile(
    r"(?P<lead>(?:\bthe following\b[^.;:]{0,120}|\bas follows\b|\bto read\b[^.;:]{0,40})\s*:\s*(?:--|-|\u2014|\u2013)?"
    r"|:\s*(?:--|-|\u2014|\u2013))"
    r"\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_OPENING_QUOTES = "\u201c\"\u2018'"
_CONTINUATION = re.compile(r"^(``|\u201c|\u2018)\s*")
_CLOSING_QUOTE_END = re.compile(r"[\u201d\u2019\"']\s*(?:;\s*(?:and|or)|[.;,]\)?)?\s*$")
_QUOTED_WORDS = re.compile(r"(?P<open>\u201c)(?P<words>[^\u201c\u201d]{1,2000})(?P<close>\u201d)"
                           r"|(?P<sopen>\")(?P<swords>[^\"\n]{1,2000})(?P<sclose>\")")


@dataclass
class Quotation:
    """The text an amending instruction quotes: its paragraphs, the quotation marks printed around it and the
    words printed after the closing mark ("; and", ".")."""

    paragraphs: list[Paragraph]
    start_quote: str | None = None
    end_quote: str | None = None
    inline_quote: str | None = None  # the mark that opens each further paragraph of the quotation, if printed
    trailing: str = ""


class _MarkCounter:
    """Follow the quotation marks of a quotation that opened with one, paragraph by paragraph: typographic marks
    by counting opening against closing ones (quoted terms inside it open and close), straight marks by parity."""

    def __init__(self):
        self.mark: str | None = None
        self.depth = 0

    def opened(self, mark: str) -> None:
        self.mark, self.depth = mark, 1

    def closes(self, text: str) -> bool:
        if self.mark is None:
            return False
        if self.mark in "\u201c\u2018":
            close = "\u201d" if self.mark == "\u201c" else "\u2019"
            self.depth += text.count(self.mark) - text.count(close)
        else:
            self.depth = (self.depth + text.count(self.mark)) % 2
        return self.depth <= 0 and bool(_CLOSING_QUOTE_END.search(text))


def _strip_closing_mark(quotation: Quotation) -> None:
    """Take the closing mark (and the words after it) off the quotation's last paragraph."""
    last = quotation.paragraphs[-1]
    match = _CLOSING_QUOTE_END.search(last.text)
    if not match:
        return
    ending = match.group(0).strip()
    quotation.end_quote, quotation.trailing = ending[0], ending[1:].strip()
    quotation.paragraphs[-1] = Paragraph(last.line, last.text[: match.start()].rstrip())
    if not quotation.paragraphs[-1].text:
        quotation.paragraphs.pop()


def split_instruction(text: str) -> tuple[str, str] | None:
    """Split a paragraph that ends in an amending instruction quoting a structure into the instruction (up to and
    including its ":-") and the start of the quoted text (possibly empty); None when it is not such a paragraph."""
    match = _QUOTING_END.search(text) if ":" in text else None  # every paragraph passes here: most have no colon
    if not match:
        return None
    instruction = text[: match.start("rest")].rstrip()
    if not AMENDING_WORDS.search(instruction):
        return None
    return instruction, match.group("rest")


def is_amending(text: str) -> bool:
    """Tell whether a paragraph is an amending instruction (amends, inserts, strikes, repeals …)."""
    return bool(AMENDING_WORDS.search(text))


def quoted_words(text: str):
    """Yield (start, end, start quote, words, end quote) of every “…” span of an amending instruction."""
    for match in _QUOTED_WORDS.finditer(text):
        if match.group("open"):
            yield match.start(), match.end(), match.group("open"), match.group("words"), match.group("close")
        else:
            yield match.start(), match.end(), match.group("sopen"), match.group("swords"), match.group("sclose")


def _opens_structure(text: str) -> bool:
    stripped = text.lstrip(_OPENING_QUOTES).lstrip()
    return bool(SECTION_MARKER.match(stripped) or CODE_NUMBER.match(stripped) or CONTAINER.match(stripped)
                or read_label(stripped))


class AmendmentReader:
    """Gather and recognise the structure an amending instruction quotes (a mixin of `Recogniser`)."""

    paragraphs: list[Paragraph]
    index: int
    skip: set[int]
    findings: Findings
    section: Unit | None
    last_block: tuple[Unit, Block] | None

    def _quoting_instruction(self, paragraph: Paragraph) -> tuple[str, str] | None:
        """Return (instruction, start of the quotation) when the paragraph ends in an instruction whose quoted
        text is a structure (it opens with a section, a code number, a container or a label)."""
        split = split_instruction(paragraph.text)
        if split is None:
            return None
        rest = split[1]
        following = rest or next((p.text for p in self.paragraphs[self.index + 1 : self.index + 2]), "")
        return split if following and _opens_structure(following) else None

    def _quotation(self, first: Paragraph | None) -> Quotation:
        """Gather the paragraphs of a quoted structure, from the start found on the instruction's line (if any)
        through the paragraph that closes it: its closing quotation mark when it opened with one, and in any case
        no further than the paragraph before the amending bill's next own section or its next repeal."""
        quotation = Quotation([])
        own = self._own_section_marker()
        marks = _MarkCounter()
        if first is not None and self._take(quotation, first, marks):
            return quotation
        position = self.index
        while position + 1 < len(self.paragraphs):
            position += 1
            if position in self.skip:
                continue
            paragraph = self.paragraphs[position]
            if quotation.paragraphs and self._ends_quotation(paragraph.text, own):
                break
            self.skip.add(position)
            if self._take(quotation, paragraph, marks):
                break
        if quotation.start_quote:
            _strip_closing_mark(quotation)
        return quotation

    @staticmethod
    def _take(quotation: Quotation, paragraph: Paragraph, marks: _MarkCounter) -> bool:
        """Add a paragraph to the quotation; tell whether its closing quotation mark ends it."""
        text = paragraph.text.lstrip()
        if not quotation.paragraphs and text[:1] in _OPENING_QUOTES:
            quotation.start_quote = text[0]
            marks.opened(text[0])
            text = text[1:].lstrip()
        elif quotation.start_quote and _CONTINUATION.match(text) and _opens_structure(_CONTINUATION.sub("", text)):
            # federal style: every quoted paragraph opens with a mark and only the last one closes
            quotation.inline_quote = _CONTINUATION.match(text).group(0).strip()
            text = _CONTINUATION.sub("", text)
        quotation.paragraphs.append(Paragraph(paragraph.line, text))
        return marks.closes(text)

    def _own_section_marker(self) -> tuple[str, str] | None:
        """The word and number of the amending bill's open section ("SECTION", "1"), to tell its next one."""
        section = self.section
        if section is None or not section.num:
            return None
        match = SECTION_MARKER.match(section.num)
        if not match:
            return None
        return match.group("num")[: match.start("value")].strip(), match.group("value")

    def _ends_quotation(self, text: str, own: tuple[str, str] | None) -> bool:
        """Tell whether a paragraph belongs to the amending bill again: its next own section (same marker word,
        next number), or another amending instruction of its own ("and by striking out section 5")."""
        match = SECTION_MARKER.match(text)
        if match and own is not None:
            word, value = own
            printed = match.group("num")
            if printed.startswith(word) and _next_number(value, match.group("value")):
                return True
        return is_amending(text)

    def _recognise_quotation(self, quotation: Quotation, line: int) -> list[Unit]:
        """Recognise the quoted paragraphs as a body of their own (a fresh recogniser: their numbering is theirs)."""
        from .recogniser import Recogniser

        inner = Recogniser(quotation.paragraphs, in_body=True)
        recognised = inner.run()
        for item in recognised.findings.recognised:
            self.findings.saw(item["line"], f"in a quoted structure: {item['what']}")
        for item in recognised.findings.guessed:
            self.findings.guess(item["line"], f"in a quoted structure: {item['what']}")
        self.findings.unplaced.extend(recognised.findings.unplaced)
        self.findings.saw(line, f"amending instruction quoting {len(recognised.body)} unit(s)")
        return recognised.body


def _next_number(value: str, candidate: str) -> bool:
    """Tell whether a section number follows another: 1 -> 2, 3 -> 3A or 4, 2A -> 2B or 3."""
    own = re.match(r"^([0-9]+)([A-Za-z]?)$", value)
    other = re.match(r"^([0-9]+)([A-Za-z]?)$", candidate)
    if not own or not other:
        return False
    number, letter = int(own.group(1)), own.group(2).upper()
    next_number, next_letter = int(other.group(1)), other.group(2).upper()
    if next_number == number + 1 and not next_letter:
        return True
    if next_number == number and next_letter:
        return (ord(next_letter) == ord(letter) + 1) if letter else next_letter == "A"
    return False
