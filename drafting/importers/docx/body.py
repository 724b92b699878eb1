"""The body of a .docx to text: paragraphs and table rows in document order, numbering labels rendered as Word
shows them, tracked changes accepted, text boxes and drawings left out, and a note of what was done.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from .numbering import (
    SUPPORTED_NUMBER_FORMATS,
    Level,
    NumberingDefinitions,
    NumberingInstance,
    StyleBook,
    format_number,
    numbering_reference,
    w_val,
)

MARKUP_COMPATIBILITY_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_LEVEL_REFERENCE = re.compile(r"%([1-9])")
# A line break inside a run is not a paragraph break in Word; keeping it would split the paragraph for the reader.
_LINE_SEPARATORS = str.maketrans(dict.fromkeys("\r\n\x85\u2028\u2029", " "))


@dataclass
class _Tally:
    """What the conversion did, counted as it goes."""

    numbered: int = 0
    tables: int = 0
    rows: int = 0
    deleted: int = 0
    inserted: int = 0
    text_boxes: int = 0
    unsupported_formats: set[str] = field(default_factory=set)


class BodyReader:
    """Walk a w:body in document order, rendering paragraphs and numbering; state lives for one document."""

    def __init__(self, w: str, styles: StyleBook, numbering: NumberingDefinitions):
        self.w = w
        self.styles = styles
        self.numbering = numbering
        self.tally = _Tally()
        # Word keeps one list per abstract definition: instances sharing it continue each other's numbers,
        # and an instance with a w:startOverride restarts the list where it is first used.
        self.counters: dict[str, dict[int, int | None]] = {}
        self.started_instances: set[str] = set()
        m = f"{{{MARKUP_COMPATIBILITY_NS}}}"
        self.skipped = frozenset(
            f"{w}{name}" for name in ("pPr", "rPr", "sdtPr", "sdtEndPr", "delText", "instrText", "delInstrText")
        )
        self.deletions = frozenset((f"{w}del", f"{w}moveFrom"))
        self.insertions = frozenset((f"{w}ins", f"{w}moveTo"))
        # Drawings and text boxes hold paragraphs of their own (twice, with mc:AlternateContent); they are
        # not part of the running text.
        self.floating = frozenset((f"{w}drawing", f"{w}pict", f"{w}object", f"{m}AlternateContent"))
        self.characters = {f"{w}tab": " ", f"{w}ptab": " ", f"{w}br": "\n", f"{w}cr": "\n", f"{w}noBreakHyphen": "-"}

    def notes(self) -> tuple[str, ...]:
        """Return what was done, in words."""
        tally, notes = self.tally, []
        if tally.numbered:
            notes.append(f"numbering rendered for {_counted(tally.numbered, 'paragraph')}")
        if tally.tables:
            notes.append(f"{_counted(tally.tables, 'table')} flattened into {_counted(tally.rows, 'line')}")
        if tally.deleted:
            notes.append(f"{_counted(tally.deleted, 'deleted revision')} dropped")
        if tally.inserted:
            notes.append(f"{_counted(tally.inserted, 'inserted revision')} kept")
        if tally.text_boxes:
            notes.append(f"{_counted(tally.text_boxes, 'text box', 'text boxes')} skipped")
        notes.extend(f"numbering format {name} rendered as decimal" for name in sorted(tally.unsupported_formats))
        return tuple(notes)

    # blocks

    def blocks(self, container: etree._Element) -> Iterator[str]:
        """Yield the non-empty paragraphs and table rows of a block container, in order."""
        w = self.w
        for child in container:
            if child.tag == f"{w}p":
                text = self.paragraph(child)
                if text:
                    yield text
            elif child.tag == f"{w}tbl":
                yield from self.table(child)
            elif child.tag == f"{w}sdt":
                content = child.find(f"{w}sdtContent")
                if content is not None:
                    yield from self.blocks(content)
            elif child.tag == f"{w}customXml":
                yield from self.blocks(child)

    def table(self, table: etree._Element) -> Iterator[str]:
        """Yield one line per table row, cells joined by " | "."""
        self.tally.tables += 1
        for row in self._children(table, "tr"):
            if row.find(f"{self.w}trPr/{self.w}del") is not None:
                self.tally.deleted += 1
                continue
            cells = [" ".join(self.blocks(cell)).replace("\n", " ") for cell in self._children(row, "tc")]
            line = " | ".join(cells).rstrip()
            if line.strip(" |"):
                self.tally.rows += 1
                yield line

    def _children(self, parent: etree._Element, name: str) -> Iterator[etree._Element]:
        """Yield the children of parent with a WordprocessingML name, looking through content controls."""
        w = self.w
        for child in parent:
            if child.tag == f"{w}{name}":
                yield child
            elif child.tag == f"{w}sdt":
                content = child.find(f"{w}sdtContent")
                if content is not None:
                    yield from self._children(content, name)
            elif child.tag == f"{w}customXml":
                yield from self._children(child, name)

    # paragraphs

    def paragraph(self, paragraph: etree._Element) -> str:
        """Return a paragraph's text with its numbering label; soft breaks become newlines, never blank lines."""
        text = "".join(self.runs(paragraph))
        lines = [line.rstrip() for line in text.split("\n")]
        text = "\n".join(line for line in lines if line)
        properties = paragraph.find(f"{self.w}pPr")
        if not text and properties is not None and properties.find(f"{self.w}rPr/{self.w}del") is not None:
            return ""  # a deleted paragraph mark: in the accepted text the paragraph does not exist
        # An empty numbered paragraph still shows, and uses up, its number in Word.
        label = self.label(properties)
        if not text:
            return ""
        if label is None:
            return text
        self.tally.numbered += 1
        return f"{label} {text}"

    def runs(self, element: etree._Element) -> Iterator[str]:
        """Yield the text of the runs under element, accepting tracked changes."""
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in self.skipped:
                continue
            if tag == f"{self.w}t":
                yield (child.text or "").translate(_LINE_SEPARATORS)
            elif tag in self.characters:
                yield self.characters[tag]
            elif tag in self.deletions:
                self.tally.deleted += 1
            elif tag in self.floating or tag == f"{self.w}txbxContent":
                if any(True for _ in child.iter(f"{self.w}txbxContent")):
                    self.tally.text_boxes += 1
            else:
                if tag in self.insertions:
                    self.tally.inserted += 1
                # runs, hyperlinks, fields, smart tags, content controls: containers of runs
                yield from self.runs(child)

    # numbering

    def label(self, properties: etree._Element | None) -> str | None:
        """Return the rendered numbering label of a paragraph, or None when it is not numbered."""
        style_id = w_val(None if properties is None else properties.find(f"{self.w}pStyle"), self.w)
        style_id = style_id or self.styles.default_paragraph_style
        direct = numbering_reference(properties, self.w)
        inherited = self.styles.numbering_of(style_id)
        num_id = direct.num_id if direct.num_id is not None else inherited.num_id
        ilvl = direct.ilvl if direct.ilvl is not None else (inherited.ilvl if direct.num_id is None else 0)
        if num_id is None or num_id == "0":  # numId 0 removes numbering a style would give
            return None
        instance = self.numbering.instances.get(num_id)
        abstract_id = self._abstract_id(instance)
        if instance is None or abstract_id is None:
            return None
        levels = {**self.numbering.abstract_levels.get(abstract_id, {}), **instance.level_overrides}
        if ilvl is None:
            ilvl = next((index for index, level in levels.items() if level.style == style_id), 0)
        if ilvl not in levels:
            return None
        return self._advance(num_id, instance, abstract_id, levels, ilvl)

    def _abstract_id(self, instance: NumberingInstance | None) -> str | None:
        """Return the abstract definition that holds an instance's levels, following numbering styles."""
        abstract_id = None if instance is None else instance.abstract_id
        for _ in range(8):  # numStyleLink chains are one hop in practice; bound them against loops
            link = self.numbering.abstract_style_links.get(abstract_id or "")
            if link is None:
                return abstract_id
            linked = self.numbering.instances.get(self.styles.numbering_of(link).num_id or "")
            if linked is None:
                return None
            abstract_id = linked.abstract_id
        return None

    def _advance(
        self, num_id: str, instance: NumberingInstance, abstract_id: str, levels: dict[int, Level], ilvl: int
    ) -> str | None:
        """Count one paragraph at a level and return its label."""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started_instances:
            self.started_instances.add(num_id)
            for index in instance.start_overrides:
                for restarted in [i for i in counters if i >= index]:
                    counters[restarted] = None

        def start(index: int) -> int:
            level = levels.get(index, Level())
            return instance.start_overrides.get(index, level.start)

        value = counters.get(ilvl)
        counters[ilvl] = start(ilvl) if value is None else value + 1
        for deeper in [index for index in counters if index > ilvl]:
            restart_after = levels.get(deeper, Level()).restart_after
            if restart_after is None or (restart_after != 0 and ilvl < restart_after):
                counters[deeper] = None
        level = levels[ilvl]
        if level.number_format == "bullet":
            return None

        def number(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            value = counters.get(index)
            number_format = "decimal" if level.legal else levels.get(index, Level()).number_format
            if number_format not in SUPPORTED_NUMBER_FORMATS:
                self.tally.unsupported_formats.add(number_format)
            return format_number(start(index) if value is None else value, number_format)

        label = _LEVEL_REFERENCE.sub(number, level.text).strip()
        return label or None


def _counted(count: int, singular: str, plural: str | None = None) -> str:
    """Return a count with its noun in the right number ("1 table", "2 tables")."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
