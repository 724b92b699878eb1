"""Word (.docx) uploads to plain text: the front half of the .docx importer.

The zip is judged before anything is decompressed (entry count, declared sizes, compression ratios, encryption);
each part is then read with a bounded read, so a header that lies about its size cannot exhaust memory, and parsed
by the hardened parser, so a DOCTYPE or entity inside a .docx is refused like anywhere else. The body comes out in
document order, one Word paragraph per line with a blank line between paragraphs, tracked changes accepted and
automatic numbering rendered as Word shows it, ready for the plain-text importer.
"""

from __future__ import annotations

import copy
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from drafting.akn.parse import ParseLimits, parse_xml
from drafting.errors import DraftingError, InvalidDocumentError, RequestTooLargeError

DOCUMENT_PART = "word/document.xml"
NUMBERING_PART = "word/numbering.xml"
STYLES_PART = "word/styles.xml"
EXPECTED_DOCX = "expected a .docx (a zip with word/document.xml)"

MAX_COMPRESSION_RATIO = 100
# WordprocessingML is far denser markup than AKN (Word's own styles.xml spends 15 bytes per tag or attribute): the
# parts get a markup budget of their own, about what the parser allowed before markup was counted.
WORDML_BYTES_PER_MARKUP = 12
# The markup budget stops growing at that of 16 MiB of parts (about 1.4 million tags and attributes, a tree of at most
# about 300 MB): what makes a real .docx unpack to more is its media, which is never parsed, so the unpacked-size
# limit (DRAFTING_MAX_DOCX_UNPACKED_BYTES) can grow without letting one upload's tree grow with it.
WORDML_MARKUP_BUDGET_BYTES = 16 * 1024 * 1024
RATIO_CHECKED_ABOVE = 1024 * 1024  # small parts compress well without being dangerous

# Transitional (what Word writes by default) and Strict Office Open XML.
WORDML_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)
MARKUP_COMPATIBILITY_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"

MAX_LEVEL_TEXT = 255  # a numbering label template ("Article %1.%2"); longer ones exist only to amplify output
# Beyond these, letters ("zzz...") and Roman numerals ("mmm...") grow without bound: such values come out decimal.
MAX_LETTERED = 26 * 30
MAX_ROMAN = 3999

_ENCRYPTED_FLAG = 0x1
# the records at the end of a zip (APPNOTE 4.3.14-4.3.16), read before zipfile reads the central directory
_END_RECORD_SIGNATURE, _END_RECORD_SIZE, _MAX_ZIP_COMMENT = b"PK\x05\x06", 22, 0xFFFF
_ZIP64_LOCATOR_SIGNATURE, _ZIP64_LOCATOR_SIZE = b"PK\x06\x07", 20
_ZIP64_RECORD_SIGNATURE, _ZIP64_RECORD_SIZE = b"PK\x06\x06", 56
_DIRECTORY_RECORD_SIGNATURE = b"PK\x01\x02"
_UNBOUNDED = 2**63 - 1
_DECIMAL_NUMBER_MIN, _DECIMAL_NUMBER_MAX = -(2**31), 2**31 - 1  # ST_DecimalNumber: 32-bit
_LEVEL_REFERENCE = re.compile(r"%([1-9])")
# A line break inside a run is not a paragraph break in Word; keeping it would split the paragraph for the reader.
_LINE_SEPARATORS = str.maketrans(dict.fromkeys("\r\n\x85\u2028\u2029", " "))

_NOT_A_ZIP = (
    (b"%PDF", "a PDF file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 compound file (a legacy .doc, or a password-protected .docx)"),
    (b"{\\rtf", "an RTF file"),
    (b"PK", "a damaged zip archive"),
)
_OTHER_PACKAGES = (
    ("content.xml", "an OpenDocument file"),
    ("xl/workbook.xml", "an Excel workbook"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
)


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
    with _open_package(data, max_uncompressed=max_uncompressed, max_entries=max_entries, named=named) as package:
        parts = set(package.namelist())
        document = _parse_part(package, DOCUMENT_PART, limits)
        numbering = _parse_part(package, NUMBERING_PART, limits) if NUMBERING_PART in parts else None
        styles = _parse_part(package, STYLES_PART, limits) if STYLES_PART in parts else None
    w = _wordml_prefix(document)
    body = document.find(f"{w}body")
    if body is None:
        raise InvalidDocumentError(f"expected a w:body element in {DOCUMENT_PART}, found none")
    style_book = _read_styles(styles, w)
    reader = _BodyReader(w, style_book, _read_numbering(numbering, w))
    paragraphs, size = [], 0
    for paragraph in reader.blocks(body):
        size += len(paragraph) + 2
        if size > max_uncompressed:  # only numbering labels can make the text outgrow the XML it came from
            raise RequestTooLargeError(
                f"the text of the .docx exceeds the limit of {_readable(max_uncompressed)}{named}"
            )
        paragraphs.append(paragraph)
    return DocxText(text="\n\n".join(paragraphs), notes=reader.notes())


def wordml_limits(max_uncompressed: int) -> ParseLimits:
    """Return the parser's limits for the parts of a .docx that may unpack to `max_uncompressed` bytes."""
    markup = min(max_uncompressed, WORDML_MARKUP_BUDGET_BYTES) // WORDML_BYTES_PER_MARKUP
    return ParseLimits(max_bytes=max_uncompressed, max_markup=markup)


def read_document_part(data: bytes, *, max_uncompressed: int, max_entries: int = 2000) -> bytes:
    """Return the XML of a .docx's document part, unparsed, under the same rules as docx_to_text (for estimates)."""
    with _open_package(data, max_uncompressed=max_uncompressed, max_entries=max_entries) as package:
        return _read_part(package, DOCUMENT_PART)


# --- the package ------------------------------------------------------------------------------------------------


def _open_package(data: bytes, *, max_uncompressed: int, max_entries: int, named: str = "") -> zipfile.ZipFile:
    """Open the upload as a zip and refuse it before any decompression if it breaks a size rule."""
    # zipfile reads the whole central directory to open a zip (seconds for 100,000 entries): count them first
    entries = _entries_declared(data)
    if entries is not None and entries > max_entries:
        raise RequestTooLargeError(f"the .docx has {entries} entries; the limit is {max_entries}")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise InvalidDocumentError(f"{EXPECTED_DOCX}, found {_describe_non_zip(data)}") from None
    try:
        _check_entries(package.infolist(), max_uncompressed=max_uncompressed, max_entries=max_entries, named=named)
        if DOCUMENT_PART not in package.namelist():
            raise InvalidDocumentError(f"{EXPECTED_DOCX}, found {_describe_other_zip(package.namelist())}")
    except DraftingError:
        package.close()
        raise
    return package


def _entries_declared(data: bytes) -> int | None:
    """Return how many entries a zip holds by its end records, without reading its central directory: the count
    the (ZIP64) end of central directory record declares, or the records that the directory's bytes hold, if more.
    None when no end record is found (zipfile then says what is wrong)."""
    end = _end_record_offset(data)
    if end is None:
        return None
    count, directory_size = struct.unpack_from("<10xHI", data, end)
    directory_end = end
    locator = end - _ZIP64_LOCATOR_SIZE
    if locator >= 0 and data.startswith(_ZIP64_LOCATOR_SIGNATURE, locator):
        # as zipfile does: the ZIP64 record sits right before its locator, and its figures replace the others
        record = locator - _ZIP64_RECORD_SIZE
        if record >= 0 and data.startswith(_ZIP64_RECORD_SIGNATURE, record):
            count, directory_size = struct.unpack_from("<32xQQ", data, record)
            directory_end = record
    # the directory lies right before the end records; an end record can understate the entries it holds
    return max(count, data.count(_DIRECTORY_RECORD_SIGNATURE, max(directory_end - directory_size, 0), directory_end))


def _end_record_offset(data: bytes) -> int | None:
    """Return where the end of central directory record starts, found as zipfile finds it: last in the data, or
    followed by a comment of at most 64 KiB."""
    last = len(data) - _END_RECORD_SIZE
    if last >= 0 and data.startswith(_END_RECORD_SIGNATURE, last) and data.endswith(b"\0\0"):
        return last
    found = data.rfind(_END_RECORD_SIGNATURE, max(last - _MAX_ZIP_COMMENT, 0))
    return found if 0 <= found <= last else None


def _check_entries(entries: list[zipfile.ZipInfo], *, max_uncompressed: int, max_entries: int, named: str = ""
                   ) -> None:
    """Refuse a zip by what its central directory declares: entry count, encryption, total size, ratios (`named`
    follows the size limit in a message: the setting that chose it)."""
    if len(entries) > max_entries:
        raise RequestTooLargeError(f"the .docx has {len(entries)} entries; the limit is {max_entries}")
    for entry in entries:
        if entry.flag_bits & _ENCRYPTED_FLAG:
            raise InvalidDocumentError(f"{EXPECTED_DOCX} without encryption, found encrypted entry {_shown(entry)}")
    total = sum(entry.file_size for entry in entries)
    if total > max_uncompressed:
        shown, limit = _readable_sizes(total, max_uncompressed)
        raise RequestTooLargeError(f"the .docx declares {shown} uncompressed; the limit is {limit}{named}")
    for entry in entries:
        if entry.file_size > RATIO_CHECKED_ABOVE and entry.file_size > MAX_COMPRESSION_RATIO * entry.compress_size:
            ratio = entry.file_size // max(entry.compress_size, 1)
            raise RequestTooLargeError(
                f"entry {_shown(entry)} expands {ratio}:1 ({_readable(entry.file_size)} from "
                f"{_readable(entry.compress_size)}); the limit is {MAX_COMPRESSION_RATIO}:1 for entries above "
                f"{_readable(RATIO_CHECKED_ABOVE)}"
            )


def _read_part(package: zipfile.ZipFile, name: str) -> bytes:
    """Read one entry, refusing it as soon as it yields more bytes than its header declares."""
    entry = package.getinfo(name)
    # zipfile cuts the stream at the declared size and then fails on the CRC, which hides what happened; let
    # the stream run on so that a lying header is reported as such: the read itself stays bounded.
    probe = copy.copy(entry)
    probe.file_size = _UNBOUNDED
    try:
        with package.open(probe) as stream:
            content = stream.read(entry.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise InvalidDocumentError(f"{EXPECTED_DOCX}, found a damaged entry {name} ({exc})") from None
    if len(content) > entry.file_size:
        raise RequestTooLargeError(f"entry {name} expands beyond the {entry.file_size} bytes its header declares")
    return content


def _parse_part(package: zipfile.ZipFile, name: str, limits: ParseLimits) -> etree._Element:
    """Read and parse one XML part with the hardened parser, naming the part in any error."""
    content = _read_part(package, name)
    try:
        return parse_xml(content, limits)
    except DraftingError as exc:
        raise type(exc)(f"{name}: {exc.detail}", extra=exc.extra) from None


def _wordml_prefix(document: etree._Element) -> str:
    """Return the Clark prefix of the WordprocessingML namespace the document is written in."""
    qname = etree.QName(document)
    if qname.localname != "document" or qname.namespace not in WORDML_NAMESPACES:
        found = f"{{{qname.namespace}}}{qname.localname}" if qname.namespace else qname.localname
        raise InvalidDocumentError(f"expected a w:document root element in {DOCUMENT_PART}, found {found}")
    return f"{{{qname.namespace}}}"


def _describe_non_zip(data: bytes) -> str:
    """Say what the upload looks like instead of a zip, without echoing any of it."""
    if not data:
        return "an empty upload"
    for signature, description in _NOT_A_ZIP:
        if data.startswith(signature):
            return description
    if data[:256].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "XML or HTML text"
    return "data that is not a zip archive"


def _describe_other_zip(names: list[str]) -> str:
    """Say what kind of zip arrived instead of a .docx."""
    for marker, description in _OTHER_PACKAGES:
        if marker in names:
            return description
    return f"a zip without {DOCUMENT_PART}"


def _shown(entry: zipfile.ZipInfo) -> str:
    """Return an entry name fit for a message (names are untrusted and may be long)."""
    name = entry.filename
    return repr(name if len(name) <= 80 else name[:77] + "...")


def _readable(size: int) -> str:
    """Return a byte count as a short binary size ("767.6 MiB")."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def _readable_sizes(size: int, limit: int) -> tuple[str, str]:
    """Return a size and its limit readably, in bytes when rounding would hide the difference."""
    shown, allowed = _readable(size), _readable(limit)
    return (shown, allowed) if shown != allowed else (f"{size} bytes", f"{limit} bytes")


# --- styles and numbering definitions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _NumberingReference:
    """A w:numPr: which numbering instance and level, either of which may be left to the style."""

    num_id: str | None = None
    ilvl: int | None = None


@dataclass(frozen=True)
class _StyleBook:
    """Paragraph and numbering styles: the numbering each one carries and the style it is based on."""

    numbering: dict[str, _NumberingReference] = field(default_factory=dict)
    based_on: dict[str, str] = field(default_factory=dict)
    default_paragraph_style: str | None = None

    def numbering_of(self, style_id: str | None) -> _NumberingReference:
        """Return the numbering a style carries, directly or through the styles it is based on."""
        num_id, ilvl, seen = None, None, set()
        while style_id is not None and style_id not in seen:
            seen.add(style_id)
            reference = self.numbering.get(style_id, _NumberingReference())
            num_id = num_id if num_id is not None else reference.num_id
            ilvl = ilvl if ilvl is not None else reference.ilvl
            style_id = self.based_on.get(style_id)
        return _NumberingReference(num_id, ilvl)


@dataclass(frozen=True)
class _Level:
    """One level of a numbering definition."""

    start: int = 0  # ECMA-376 17.9.25: an absent w:start means zero
    number_format: str = "decimal"
    text: str = ""
    restart_after: int | None = None  # w:lvlRestart: 1-based level whose use restarts this one; 0 means never
    legal: bool = False  # w:isLgl: every number in the label is shown as decimal
    style: str | None = None  # w:pStyle: the paragraph style that selects this level


@dataclass(frozen=True)
class _NumberingInstance:
    """A w:num: an abstract definition plus the levels and start values it overrides."""

    abstract_id: str | None
    start_overrides: dict[int, int]
    level_overrides: dict[int, _Level]


@dataclass(frozen=True)
class _NumberingDefinitions:
    """word/numbering.xml: abstract definitions, their instances, and links through numbering styles."""

    abstract_levels: dict[str, dict[int, _Level]] = field(default_factory=dict)
    instances: dict[str, _NumberingInstance] = field(default_factory=dict)
    abstract_style_links: dict[str, str] = field(default_factory=dict)


def _val(element: etree._Element | None, w: str) -> str | None:
    """Return the w:val attribute of an element that may be absent."""
    return None if element is None else element.get(f"{w}val")


def _integer(value: str | None) -> int | None:
    """Return a decimal attribute value as an int, or None when it is absent or not a 32-bit number."""
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if _DECIMAL_NUMBER_MIN <= number <= _DECIMAL_NUMBER_MAX else None


def _is_on(element: etree._Element | None, w: str) -> bool:
    """Return whether a WordprocessingML on/off property is present and not switched off."""
    return element is not None and element.get(f"{w}val", "true") not in ("false", "0", "off")


def _numbering_reference(properties: etree._Element | None, w: str) -> _NumberingReference:
    """Return the w:numPr held by paragraph properties (a w:pPr), if any."""
    numbering = None if properties is None else properties.find(f"{w}numPr")
    if numbering is None:
        return _NumberingReference()
    return _NumberingReference(
        num_id=_val(numbering.find(f"{w}numId"), w), ilvl=_integer(_val(numbering.find(f"{w}ilvl"), w))
    )


def _read_styles(root: etree._Element | None, w: str) -> _StyleBook:
    """Return the numbering and inheritance of every style in word/styles.xml."""
    if root is None:
        return _StyleBook()
    numbering, based_on, default_paragraph_style = {}, {}, None
    for style in root.iterfind(f"{w}style"):
        style_id = style.get(f"{w}styleId")
        if style_id is None:
            continue
        numbering[style_id] = _numbering_reference(style.find(f"{w}pPr"), w)
        parent = _val(style.find(f"{w}basedOn"), w)
        if parent is not None:
            based_on[style_id] = parent
        if style.get(f"{w}type") == "paragraph" and style.get(f"{w}default") in ("1", "true", "on"):
            default_paragraph_style = style_id
    return _StyleBook(numbering, based_on, default_paragraph_style)


def _read_level(level: etree._Element, w: str) -> _Level:
    """Return one w:lvl."""
    start = _integer(_val(level.find(f"{w}start"), w))
    text = _val(level.find(f"{w}lvlText"), w) or ""
    if len(text) > MAX_LEVEL_TEXT:
        raise InvalidDocumentError(
            f"{NUMBERING_PART}: expected numbering level text of at most {MAX_LEVEL_TEXT} characters, found {len(text)}"
        )
    return _Level(
        start=start if start is not None else 0,
        number_format=_val(level.find(f"{w}numFmt"), w) or "decimal",
        text=text,
        restart_after=_integer(_val(level.find(f"{w}lvlRestart"), w)),
        legal=_is_on(level.find(f"{w}isLgl"), w),
        style=_val(level.find(f"{w}pStyle"), w),
    )


def _read_levels(parent: etree._Element, w: str) -> dict[int, _Level]:
    """Return the w:lvl children of an element by level index."""
    levels = {}
    for level in parent.iterfind(f"{w}lvl"):
        index = _integer(level.get(f"{w}ilvl"))
        if index is not None:
            levels[index] = _read_level(level, w)
    return levels


def _read_numbering(root: etree._Element | None, w: str) -> _NumberingDefinitions:
    """Return the definitions in word/numbering.xml."""
    definitions = _NumberingDefinitions()
    if root is None:
        return definitions
    for abstract in root.iterfind(f"{w}abstractNum"):
        abstract_id = abstract.get(f"{w}abstractNumId")
        if abstract_id is None:
            continue
        definitions.abstract_levels[abstract_id] = _read_levels(abstract, w)
        style_link = _val(abstract.find(f"{w}numStyleLink"), w)
        if style_link is not None:
            definitions.abstract_style_links[abstract_id] = style_link
    for instance in root.iterfind(f"{w}num"):
        num_id = instance.get(f"{w}numId")
        if num_id is None:
            continue
        start_overrides, level_overrides = {}, {}
        for override in instance.iterfind(f"{w}lvlOverride"):
            index = _integer(override.get(f"{w}ilvl"))
            if index is None:
                continue
            start = _integer(_val(override.find(f"{w}startOverride"), w))
            if start is not None:
                start_overrides[index] = start
            level = override.find(f"{w}lvl")
            if level is not None:
                level_overrides[index] = _read_level(level, w)
        definitions.instances[num_id] = _NumberingInstance(
            abstract_id=_val(instance.find(f"{w}abstractNumId"), w),
            start_overrides=start_overrides,
            level_overrides=level_overrides,
        )
    return definitions


# --- number formats -----------------------------------------------------------------------------------------------

_ROMAN_VALUES = (1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1)
_ROMAN_NUMERALS = ("m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i")
SUPPORTED_NUMBER_FORMATS = frozenset(
    {"decimal", "decimalZero", "lowerLetter", "upperLetter", "lowerRoman", "upperRoman", "ordinal", "none", "bullet"}
)


def _roman(value: int) -> str:
    """Return a positive number in lower-case Roman numerals."""
    digits = []
    for amount, numeral in zip(_ROMAN_VALUES, _ROMAN_NUMERALS, strict=True):
        count, value = divmod(value, amount)
        digits.append(numeral * count)
    return "".join(digits)


def _letters(value: int) -> str:
    """Return a positive number as Word letters: a..z, then aa..zz, then aaa..."""
    return chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)


def _ordinal(value: int) -> str:
    """Return a number with its English ordinal suffix (1st, 2nd, 11th)."""
    suffix = "th" if value % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def _format_number(value: int, number_format: str) -> str:
    """Return a counter value in a w:numFmt; formats this module does not know come out as decimal."""
    if number_format == "none":
        return ""
    if number_format == "decimalZero":
        return f"{value:02d}"
    if number_format == "ordinal":
        return _ordinal(value)
    if 0 < value <= MAX_LETTERED and number_format in ("lowerLetter", "upperLetter"):
        letters = _letters(value)
        return letters.upper() if number_format == "upperLetter" else letters
    if 0 < value <= MAX_ROMAN and number_format in ("lowerRoman", "upperRoman"):
        numerals = _roman(value)
        return numerals.upper() if number_format == "upperRoman" else numerals
    return str(value)


# --- the body -----------------------------------------------------------------------------------------------------


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


class _BodyReader:
    """Walk a w:body in document order, rendering paragraphs and numbering; state lives for one document."""

    def __init__(self, w: str, styles: _StyleBook, numbering: _NumberingDefinitions):
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
        style_id = _val(None if properties is None else properties.find(f"{self.w}pStyle"), self.w)
        style_id = style_id or self.styles.default_paragraph_style
        direct = _numbering_reference(properties, self.w)
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

    def _abstract_id(self, instance: _NumberingInstance | None) -> str | None:
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
        self, num_id: str, instance: _NumberingInstance, abstract_id: str, levels: dict[int, _Level], ilvl: int
    ) -> str | None:
        """Count one paragraph at a level and return its label."""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started_instances:
            self.started_instances.add(num_id)
            for index in instance.start_overrides:
                for restarted in [i for i in counters if i >= index]:
                    counters[restarted] = None

        def start(index: int) -> int:
            level = levels.get(index, _Level())
            return instance.start_overrides.get(index, level.start)

        value = counters.get(ilvl)
        counters[ilvl] = start(ilvl) if value is None else value + 1
        for deeper in [index for index in counters if index > ilvl]:
            restart_after = levels.get(deeper, _Level()).restart_after
            if restart_after is None or (restart_after != 0 and ilvl < restart_after):
                counters[deeper] = None
        level = levels[ilvl]
        if level.number_format == "bullet":
            return None

        def number(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            value = counters.get(index)
            number_format = "decimal" if level.legal else levels.get(index, _Level()).number_format
            if number_format not in SUPPORTED_NUMBER_FORMATS:
                self.tally.unsupported_formats.add(number_format)
            return _format_number(start(index) if value is None else value, number_format)

        label = _LEVEL_REFERENCE.sub(number, level.text).strip()
        return label or None


def _counted(count: int, singular: str, plural: str | None = None) -> str:
    """Return a count with its noun in the right number ("1 table", "2 tables")."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
