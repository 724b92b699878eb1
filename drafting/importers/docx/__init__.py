"""Word (.docx) uploads to plain text: the front half of the .docx importer.

The zip is judged before anything is decompressed (entry count, declared sizes, compression ratios, encryption);
each part is then read with a bounded read, so a header that lies about its size cannot exhaust memory, and parsed
by the hardened parser, so a DOCTYPE or entity inside a .docx is refused like anywhere else. The body comes out in
document order, one Word paragraph per line with a blank line between paragraphs, tracked changes accepted and
automatic numbering rendered as Word shows it, ready for the plain-text importer.

- `archive`: the zip and its parts: size, entry and ratio rules before decompression, bounded reads, hardened parsing;
- `numbering`: styles and numbering definitions, and Word's number formats;
- `body`: the walk over w:body that renders paragraphs, numbering labels and table rows as text;
- here: the entry points, `docx_to_text` and `read_document_part`.
"""

from __future__ import annotations

from dataclasses import dataclass

from drafting.errors import InvalidDocumentError, RequestTooLargeError

from .archive import (
    DOCUMENT_PART,
    NUMBERING_PART,
    STYLES_PART,
    open_package,
    parse_part,
    read_part,
    readable,
    wordml_limits,
    wordml_prefix,
)
from .body import BodyReader
from .numbering import read_numbering, read_styles


@dataclass(frozen=True)
class DocxText:
    """A .docx upload as plain text, and what the conversion did to get there."""

    text: str
    notes: tuple[str, ...] = ()


def docx_to_text(data: bytes, *, max_uncompressed: int = 50 * 1024 * 1024, max_entries: int = 2000,
                 limit_setting: str | None = None) -> DocxText:
    """Return the text of a .docx upload: one paragraph per line, blank lines between, numbering rendered.

    `max_uncompressed` bounds what the parts unpack to and the text; `limit_setting`, when given, is the setting that
    chose it, named in the message of a refusal."""
    limits = wordml_limits(max_uncompressed)
    named = f" ({limit_setting})" if limit_setting else ""
    with open_package(data, max_uncompressed=max_uncompressed, max_entries=max_entries, named=named) as package:
        parts = set(package.namelist())
        document = parse_part(package, DOCUMENT_PART, limits)
        numbering = parse_part(package, NUMBERING_PART, limits) if NUMBERING_PART in parts else None
        styles = parse_part(package, STYLES_PART, limits) if STYLES_PART in parts else None
    w = wordml_prefix(document)
    body = document.find(f"{w}body")
    if body is None:
        raise InvalidDocumentError(f"expected a w:body element in {DOCUMENT_PART}, found none")
    style_book = read_styles(styles, w)
    reader = BodyReader(w, style_book, read_numbering(numbering, w))
    paragraphs, size = [], 0
    for paragraph in reader.blocks(body):
        size += len(paragraph) + 2
        if size > max_uncompressed:  # only numbering labels can make the text outgrow the XML it came from
            raise RequestTooLargeError(
                f"the text of the .docx exceeds the limit of {readable(max_uncompressed)}{named}"
            )
        paragraphs.append(paragraph)
    return DocxText(text="\n\n".join(paragraphs), notes=reader.notes())


def read_document_part(data: bytes, *, max_uncompressed: int, max_entries: int = 2000) -> bytes:
    """Return the XML of a .docx's document part, unparsed, under the same rules as docx_to_text (for estimates)."""
    with open_package(data, max_uncompressed=max_uncompressed, max_entries=max_entries) as package:
        return read_part(package, DOCUMENT_PART)


__all__ = ["DocxText", "docx_to_text", "read_document_part", "wordml_limits"]
