"""The .docx as a zip archive: judged before anything is decompressed, then read part by part.

The zip is refused before any decompression when its end records or central directory break a rule (entry count,
declared sizes, compression ratios, encryption); each part is then read with a bounded read, so a header that lies
about its size cannot exhaust memory, and parsed by the hardened parser, so a DOCTYPE or entity inside a .docx is
refused like anywhere else. Refusals say what arrived instead of a .docx without echoing any of it.
"""

from __future__ import annotations

import copy
import io
import struct
import zipfile
import zlib

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

_ENCRYPTED_FLAG = 0x1
# the records at the end of a zip (APPNOTE 4.3.14-4.3.16), read before zipfile reads the central directory
_END_RECORD_SIGNATURE, _END_RECORD_SIZE, _MAX_ZIP_COMMENT = b"PK\x05\x06", 22, 0xFFFF
_ZIP64_LOCATOR_SIGNATURE, _ZIP64_LOCATOR_SIZE = b"PK\x06\x07", 20
_ZIP64_RECORD_SIGNATURE, _ZIP64_RECORD_SIZE = b"PK\x06\x06", 56
_DIRECTORY_RECORD_SIGNATURE = b"PK\x01\x02"
_UNBOUNDED = 2**63 - 1

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


def wordml_limits(max_uncompressed: int) -> ParseLimits:
    """Return the parser's limits for the parts of a .docx that may unpack to `max_uncompressed` bytes."""
    markup = min(max_uncompressed, WORDML_MARKUP_BUDGET_BYTES) // WORDML_BYTES_PER_MARKUP
    return ParseLimits(max_bytes=max_uncompressed, max_markup=markup)


def open_package(data: bytes, *, max_uncompressed: int, max_entries: int, named: str = "") -> zipfile.ZipFile:
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
                f"entry {_shown(entry)} expands {ratio}:1 ({readable(entry.file_size)} from "
                f"{readable(entry.compress_size)}); the limit is {MAX_COMPRESSION_RATIO}:1 for entries above "
                f"{readable(RATIO_CHECKED_ABOVE)}"
            )


def read_part(package: zipfile.ZipFile, name: str) -> bytes:
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


def parse_part(package: zipfile.ZipFile, name: str, limits: ParseLimits) -> etree._Element:
    """Read and parse one XML part with the hardened parser, naming the part in any error."""
    content = read_part(package, name)
    try:
        return parse_xml(content, limits)
    except DraftingError as exc:
        raise type(exc)(f"{name}: {exc.detail}", extra=exc.extra) from None


def wordml_prefix(document: etree._Element) -> str:
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


def readable(size: int) -> str:
    """Return a byte count as a short binary size ("767.6 MiB")."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def _readable_sizes(size: int, limit: int) -> tuple[str, str]:
    """Return a size and its limit readably, in bytes when rounding would hide the difference."""
    shown, allowed = readable(size), readable(limit)
    return (shown, allowed) if shown != allowed else (f"{size} bytes", f"{limit} bytes")

