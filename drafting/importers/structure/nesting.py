"""Nesting: which reading of a label to take ("(i)": a letter or a roman numeral), which open unit it goes under,
and which AKN element it becomes.

`NestingReader` is mixed into the `Recogniser`; it works on the stack of labelled units open under the section and
records every guess (a gap, a restart, a reading chosen by the labels that follow) in the findings.
"""

from __future__ import annotations

import bisect

from ..labels import CODE_NUMBER, SECTION_MARKER, Label, Reading, core_of, read_label, successors
from ..paragraphs import Paragraph
from .units import Findings, Unit

LOOKAHEAD = 200


def child_element(parent: Unit | None, reading: Reading) -> str:
    """Name the AKN element of a unit by depth: subsection, paragraph, point (digits directly under a section
    are paragraphs)."""
    parent_element = parent.element if parent else None
    if parent_element in (None, "section", "article", "chapter", "part", "title", "division", "subchapter"):
        return "paragraph" if reading.series == "digit" else "subsection"
    if parent_element == "subsection":
        return "paragraph"
    return "point"


def _continues(earlier: Reading | None, reading: Reading) -> bool:
    """Tell whether a reading is the next in the series of an earlier one ("(b)" after "(a)")."""
    return (earlier is not None and earlier.ordinal + 1 == reading.ordinal and earlier.series == reading.series
            and earlier.bracket == reading.bracket)


class LabelsAhead:
    """Where each printed label stands in a list of paragraphs: the paragraph, its label, and for each label (its
    bracket and core, "(ii)" -> ("paren", "ii")) the paragraphs that start with it, in order. Read once for a walk,
    it answers what the paragraphs ahead hold without reading them again at every paragraph."""

    def __init__(self, paragraphs: list[Paragraph]):
        self.paragraphs = paragraphs
        self.count = len(paragraphs)
        self.printed: dict[int, str] = {}
        self.positions: dict[tuple[str, str], list[int]] = {}
        self._units: list[int] | None = None  # the paragraphs that open a unit, read when first asked
        for index, paragraph in enumerate(paragraphs):
            found = read_label(paragraph.text)
            if found:
                label = found[0]
                self.printed[index] = label.text
                key = (label.readings[0].bracket, core_of(label.text))
                positions = self.positions.get(key)
                if positions is None:
                    self.positions[key] = [index]
                else:
                    positions.append(index)

    def unit_within(self, index: int, within: int) -> bool:
        """Tell whether one of the `within` paragraphs after `index` opens a unit: a label, a section marker or a
        code number."""
        if self._units is None:
            self._units = [i for i, paragraph in enumerate(self.paragraphs) if i in self.printed
                           or SECTION_MARKER.match(paragraph.text) or CODE_NUMBER.match(paragraph.text)]
        at = bisect.bisect_right(self._units, index)
        return at < len(self._units) and self._units[at] <= index + within

    def next_at(self, key: tuple[str, str], index: int, within: int) -> int | None:
        """Return the first paragraph after `index`, at most `within` paragraphs on, that starts with the label
        `key`, or None."""
        positions = self.positions.get(key)
        if not positions:
            return None
        at = bisect.bisect_right(positions, index)
        return positions[at] if at < len(positions) and positions[at] <= index + within else None


class NestingReader:
    """Place labelled units on the stack of open units (a mixin of `Recogniser`)."""

    paragraphs: list[Paragraph]
    index: int
    findings: Findings
    section: Unit | None
    stack: list[Unit]

    def _choose_reading(self, label: Label, line: int) -> Reading:
        if not label.ambiguous:
            return label.readings[0]
        letter = next(r for r in label.readings if r.series in ("lower", "upper"))
        roman = next(r for r in label.readings if r.series in ("lroman", "uroman"))
        letter_fits = letter.ordinal == 1 or self._continues_open(letter)
        roman_fits = roman.ordinal == 1 or self._continues_open(roman)
        if letter_fits != roman_fits:
            return letter if letter_fits else roman
        # the first of the two successors printed in the same brackets among the next LOOKAHEAD paragraphs decides
        bracket = label.readings[0].bracket
        ahead = self._labels_ahead()
        roman_at = ahead.next_at((bracket, successors(roman)), self.index, LOOKAHEAD)
        letter_at = ahead.next_at((bracket, successors(letter)), self.index, LOOKAHEAD)
        if roman_at is not None and (letter_at is None or roman_at <= letter_at):
            following = ahead.printed[roman_at]
            self.findings.guess(line, f"{label.text} read as a roman numeral (the next label is {following})")
            return roman
        if letter_at is not None:
            following = ahead.printed[letter_at]
            self.findings.guess(line, f"{label.text} read as a letter (the next label is {following})")
            return letter
        if self._continues_open(letter):
            self.findings.guess(line, f"{label.text} read as a letter, continuing the open series")
            return letter
        self.findings.guess(line, f"{label.text} read as a roman numeral")
        return roman

    def _labels_ahead(self) -> LabelsAhead:
        """The labels of this walk's paragraphs, read once (a walk may ask for the labels ahead at every label)."""
        ahead = getattr(self, "_ahead", None)
        if ahead is None or ahead.paragraphs is not self.paragraphs or ahead.count != len(self.paragraphs):
            ahead = self._ahead = LabelsAhead(self.paragraphs)
        return ahead

    def _continues_open(self, reading: Reading) -> bool:
        return any(_continues(unit.reading, reading) for unit in self.stack)

    def _place(self, reading: Reading, label: Label, line: int) -> Unit | None:
        """Pop the stack to where the label belongs and return its parent (None: directly under the section)."""
        stack, style = self.stack, reading.style
        for depth in range(len(stack) - 1, -1, -1):
            if _continues(stack[depth].reading, reading):
                del stack[depth:]
                return stack[-1] if stack else None
        same_style = [d for d, u in enumerate(stack) if u.reading is not None and u.reading.style == style]
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

    def _opens_new_group(self, reading: Reading, top: Reading | None) -> bool:
        """Tell whether a top-level label begins a new unprinted section: where no section was printed, a series
        restarting at 1 in the style of the outermost label open before it (`top`), or labels after an unnumbered
        block of definitions."""
        section = self.section
        if section is not None and not section.implicit:
            return False
        if reading.ordinal == 1 and top is not None and reading.style == top.style:
            return True
        return section is not None and section.definitions and not section.children
