"""Word rendering of a redline: a .docx whose changes are real tracked revisions, to accept or reject in Word.

Layout: a title, both documents and the counts; then one paragraph per provision label (`num heading`) and one for
its text, indented by depth. Equal text is a plain run, deleted text a `w:del` run of `w:delText`, inserted text a
`w:ins` run, each revision by "Drafting service" with a date and its own `w:id`; a renumbered provision has its old
number deleted and its new one inserted. A paragraph whose content is all inserted (or all deleted), like every
paragraph of a wholly inserted provision, has its paragraph mark tracked too, so accepting or rejecting all the
revisions leaves no empty paragraph behind. Moves, splits, merges, possible moves and change labels are Word comments
on the provision, in the margin, so they never become text of the accepted document. An amending bill's quoted text
(the provisions it inserts into another law) has a rule down its left side, and its first provision a comment saying
which provision quotes it ("quoted text inserted by 1"). What to say (the diffs to show,
notes, readable labels, counts) comes from `wording`, shared with the HTML renderer.

The package comes from python-docx (>= 1.2, for comments); revision markup is built with its `OxmlElement` and
`qn`, never from strings. Characters XML cannot carry (C0 controls, lone surrogates) are dropped.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .model import DELETE, DELETED, EQUAL, INSERT, INSERTED, Diff, Entry, Redline
from .wording import (
    describe_defined_term,
    entry_notes,
    entry_path,
    heading_ops,
    label_text,
    number_ops,
    quoted_note,
    stat_items,
    text_ops,
)

AUTHOR = "Drafting service"
INITIALS = "DS"
INDENT_PER_LEVEL = Cm(0.75)
MAX_INDENT_LEVELS = 16  # deeper provisions are indented like this one: the page must keep room for the text

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile(r"(\r\n|\r|\n|\t)")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: the package's bytes do not depend on the clock
_HEADING_STYLES = ("Heading 2", "Heading 3")  # by depth; deeper labels are bold Normal paragraphs
_QUOTE_RULE = {"w:val": "single", "w:sz": "12", "w:space": "8", "w:color": "A07A2C"}  # left of quoted text


def render_docx(redline: Redline, *, date: datetime | None = None) -> bytes:
    """Return a redline as a .docx whose changes are tracked revisions and whose notes are comments.

    Revisions, comments and document properties are dated `date` (default: now); a naive date is taken as UTC.
    The same redline and date give the same bytes.
    """
    stamp = (date or datetime.now(UTC)).replace(microsecond=0)
    stamp = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
    writer = _Writer(stamp)
    writer.header(redline)
    writer.entries(redline.alignment)
    return writer.save()


def clean(text: str) -> str:
    """Return text without the characters XML 1.0 cannot carry."""
    return _XML_ILLEGAL.sub("", text)


class _Writer:
    """One document being written: the python-docx Document, the revision date, and the next revision id."""

    def __init__(self, stamp: datetime):
        self.document = docx.Document()
        self.stamp = stamp
        self.date = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.next_id = 1
        # python-docx finds the body's end and looks a style up by name on every add_paragraph, which makes a long
        # redline quadratic: entry paragraphs go straight before the section properties, styles by id.
        self.body = self.document.element.body
        self.section_properties = self.body.find(qn("w:sectPr"))
        self.heading_style_ids = tuple(self.document.styles[name].style_id for name in _HEADING_STYLES)

    # --- layout ---

    def header(self, redline: Redline) -> None:
        """Write the title, both documents, the counts and the changed defined terms."""
        title = clean(f"Redline: {redline.old.title} → {redline.new.title}")
        properties = self.document.core_properties
        properties.title = title[:255]
        properties.author = properties.last_modified_by = AUTHOR
        naive = self.stamp.replace(tzinfo=None)
        properties.created = properties.modified = naive
        properties.revision = 1

        self.document.add_heading("Redline", level=0)
        for role, summary in (("Old", redline.old), ("New", redline.new)):
            paragraph = self.document.add_paragraph()
            paragraph.add_run(f"{role}: ").bold = True
            paragraph.add_run(clean(summary.title)).italic = True
            uri = summary.expression_uri or summary.frbr_uri
            details = [clean(uri)] if uri else []
            if summary.version is not None:
                details.append(f"version {summary.version}")
            if details:
                paragraph.add_run(f" ({', '.join(details)})")
        counts = ", ".join(f"{count} {what}" if count else what for count, what in stat_items(redline))
        self.document.add_paragraph(clean(counts))
        if redline.defined_terms:
            self.document.add_heading("Defined terms whose definitions changed", level=2)
            for item in redline.defined_terms:
                self.document.add_paragraph(clean(describe_defined_term(item)), style="List Bullet")

    def entries(self, entries: tuple[Entry, ...]) -> None:
        """Write every entry, depth first, without recursion (a deep tree must not exhaust the stack)."""
        stack = [(entry, 0, (), False) for entry in reversed(entries)]
        while stack:
            entry, depth, parent_path, in_quote = stack.pop()
            in_quote = in_quote or entry.quoted
            self.entry(entry, depth, in_quote=in_quote, quoted=quoted_note(parent_path) if entry.quoted else None)
            path = entry_path(entry, parent_path)
            stack.extend((child, depth + 1, path, in_quote) for child in reversed(entry.children))

    def entry(self, entry: Entry, depth: int, *, in_quote: bool = False, quoted: str | None = None) -> None:
        """Write one entry's own paragraphs (label, then text) and its notes as a comment; quoted text (in_quote)
        with a rule beside it, the provision opening it with a note of what it is (`quoted`)."""
        number, heading, text = number_ops(entry), heading_ops(entry), text_ops(entry)
        whole = INSERT if entry.status == INSERTED else DELETE if entry.status == DELETED else None
        contents = []  # (ops, is_label, paragraph mark)
        if heading:
            label, label_mark = _joined(number, heading), None
            (old_heading, new_heading), (old_text, new_text) = _sides(heading), _sides(text)
            if _only_side(label) is None and old_heading != new_heading and (new_text if old_heading else old_text):
                # The heading is on one side only: there the number runs into the text, as in a provision
                # without heading, so that side's label paragraph mark is tracked and the space follows it.
                label_mark, space = (DELETE, INSERT) if old_heading else (INSERT, DELETE)
                old_number, new_number = _sides(number)
                if new_number if space == INSERT else old_number:
                    text = _merged(((space, " "), *text))
            contents.append((label, True, label_mark or _only_side(label) or whole))
            if text:
                contents.append((text, False, _only_side(text) or whole))
        else:
            body = _joined(number, text)  # empty for an empty entry: its notes still need a place
            contents.append((body, False, _only_side(body) or whole))
        paragraphs = []
        for ops, is_label, mark in contents:
            paragraph = self.paragraph(depth, heading=is_label, quoted=in_quote)
            self.append(paragraph, ops, bold=is_label and depth >= len(_HEADING_STYLES))
            self.mark_paragraph(paragraph, mark)
            paragraphs.append(paragraph)
        # Renumbering is visible as a tracked change of the number itself; a comment on it would only add noise.
        notes = entry_notes(entry, renumbering=False) + tuple(label_text(label, entry) for label in entry.labels)
        if quoted:
            notes = (quoted[:1].upper() + quoted[1:], *notes)
        if notes:
            self.comment(paragraphs, notes)

    def paragraph(self, depth: int, *, heading: bool, quoted: bool = False) -> Paragraph:
        """Add a paragraph indented by depth; a label near the top of the tree gets a heading style; quoted text
        gets a rule down its left side."""
        element = OxmlElement("w:p")
        if self.section_properties is None:
            self.body.append(element)
        else:
            self.section_properties.addprevious(element)
        if heading and depth < len(self.heading_style_ids):
            element.style = self.heading_style_ids[depth]
        paragraph = Paragraph(element, self.document)
        if quoted:
            # w:pBdr follows w:pStyle and comes before w:ind and w:rPr, which are added after it
            borders, left = OxmlElement("w:pBdr"), OxmlElement("w:left")
            for name, value in _QUOTE_RULE.items():
                left.set(qn(name), value)
            borders.append(left)
            element.get_or_add_pPr().append(borders)
        if depth:
            paragraph.paragraph_format.left_indent = INDENT_PER_LEVEL * min(depth, MAX_INDENT_LEVELS)
        return paragraph

    # --- revisions ---

    def revision(self, tag: str):
        """Return an empty w:ins or w:del with its own id, the author and the date."""
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(self.next_id))
        element.set(qn("w:author"), AUTHOR)
        element.set(qn("w:date"), self.date)
        self.next_id += 1
        return element

    def append(self, paragraph: Paragraph, ops: Diff, *, bold: bool = False) -> None:
        """Append a diff to a paragraph: equal text as plain runs, deletions in w:del, insertions in w:ins."""
        for op, text in ops:
            run = _run(clean(text), deleted=op == DELETE, bold=bold)
            if run is None:
                continue
            if op == EQUAL:
                paragraph._p.append(run)
            else:
                wrapper = self.revision("w:ins" if op == INSERT else "w:del")
                wrapper.append(run)
                paragraph._p.append(wrapper)

    def mark_paragraph(self, paragraph: Paragraph, op: str | None) -> None:
        """Track a paragraph's mark as inserted or deleted (w:pPr/w:rPr/w:ins or w:del), so it goes with its text."""
        if op not in (INSERT, DELETE):
            return
        properties = OxmlElement("w:rPr")
        properties.append(self.revision("w:ins" if op == INSERT else "w:del"))
        # Style and indent are set already, and rPr follows them in w:pPr; only sectPr and pPrChange come after.
        paragraph._p.get_or_add_pPr().append(properties)

    def comment(self, paragraphs: list[Paragraph], notes: tuple[str, ...]) -> None:
        """Attach the notes as one Word comment spanning the entry's paragraphs."""
        first, last = paragraphs[0], paragraphs[-1]
        # Empty plain runs bound the range, so its markers sit outside every w:ins and w:del.
        start, end = OxmlElement("w:r"), OxmlElement("w:r")
        properties = first._p.pPr
        if properties is None:
            first._p.insert(0, start)
        else:
            properties.addnext(start)
        last._p.append(end)
        text = "\n".join(clean(note) for note in notes)
        comment = self.document.add_comment([Run(start, first), Run(end, last)], text, AUTHOR, INITIALS)
        comment._comment_elm.date = self.stamp  # python-docx stamps comments with the clock

    # --- package ---

    def save(self) -> bytes:
        """Return the package, rewritten with fixed zip timestamps so equal documents are equal bytes."""
        written = io.BytesIO()
        self.document.save(written)
        reproducible = io.BytesIO()
        with (
            zipfile.ZipFile(written) as source,
            zipfile.ZipFile(reproducible, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for info in source.infolist():
                target.writestr(zipfile.ZipInfo(info.filename, _ZIP_DATE), source.read(info), zipfile.ZIP_DEFLATED)
        return reproducible.getvalue()


def _run(text: str, *, deleted: bool, bold: bool):
    """Return a w:r holding text (w:delText when deleted), line breaks as w:br and tabs as w:tab; None if empty."""
    if not text:
        return None
    run = OxmlElement("w:r")
    if bold:
        properties = OxmlElement("w:rPr")
        properties.append(OxmlElement("w:b"))
        run.append(properties)
    for piece in _BREAKS.split(text):
        if piece == "\t":
            run.append(OxmlElement("w:tab"))
        elif piece in ("\r\n", "\r", "\n"):
            run.append(OxmlElement("w:br"))
        elif piece:
            element = OxmlElement("w:delText" if deleted else "w:t")
            element.text = piece
            element.set(_XML_SPACE, "preserve")
            run.append(element)
    return run


def _sides(ops: Diff) -> tuple[bool, bool]:
    """Tell whether a diff shows any text on the old side, and on the new side."""
    return any(op != INSERT for op, _ in ops), any(op != DELETE for op, _ in ops)


def _only_side(ops: Diff) -> str | None:
    """Return INSERT when a diff has text only on the new side, DELETE when only on the old side, else None."""
    old, new = _sides(ops)
    return INSERT if new and not old else DELETE if old and not new else None


def _joined(first: Diff, second: Diff) -> Diff:
    """Join two diffs with a space that belongs to each side on which both have text."""
    if not first or not second:
        return first or second
    old_first, new_first = _sides(first)
    old_second, new_second = _sides(second)
    old, new = old_first and old_second, new_first and new_second
    if not (old or new):
        return _merged((*first, *second))
    space = EQUAL if old and new else DELETE if old else INSERT
    return _merged((*first, (space, " "), *second))


def _merged(ops: Diff) -> Diff:
    """Join neighbouring operations of the same kind, so one insertion is one revision."""
    result: list[tuple[str, str]] = []
    for op, text in ops:
        if result and result[-1][0] == op:
            result[-1] = (op, result[-1][1] + text)
        else:
            result.append((op, text))
    return tuple(result)
