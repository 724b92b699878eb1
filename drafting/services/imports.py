"""Imports: text and .docx into AKN, shown before anything is stored (the import report) or stored as a new work.

The browser imports in two steps. A preview stores nothing; saving runs the same import and validation again on the
original input, which the preview page carries back (base64), and stores only when the result is the very document
that was previewed (same content hash). Nothing the browser sends back is trusted.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass, replace

from drafting import akn, importers
from drafting.errors import ConflictError, DraftingError, RequestTooLargeError, UnsupportedMediaTypeError
from drafting.store import Database

from .documents import create, create_document_from_xml, prepare, prepare_upload
from .values import PreparedDocument, StoredVersion


def import_document(data: bytes, media_type: str, options: dict) -> tuple[PreparedDocument, dict]:
    """Import text or .docx into AKN without storing it; return the prepared document and the import report."""
    result = importers.import_upload(data, media_type, **import_options(options))
    return prepare(result.root, import_report=result.report), result.report


def create_document_from_import(
    db: Database, data: bytes, media_type: str, options: dict, *, author: str | None, visibility: str = "shared"
) -> StoredVersion:
    """Import text or .docx and store it as version 1 of a new work."""
    prepared, _ = import_document(data, media_type, options)
    if options.get("title"):
        # the title the uploader files it under, whatever the text prints
        prepared = replace(prepared, identification=replace(prepared.identification, title=options["title"]))
    return create(db, prepared, author=author, message=options.get("message") or f"imported from {media_type}",
                   visibility=visibility)


def import_options(options: dict) -> dict:
    names = {"type": "doc_type", "jurisdiction": "jurisdiction", "title": "title", "number": "number", "date": "date",
             "default_number": "default_number", "max_docx_unpacked": "max_docx_unpacked"}
    return {target: options[source] for source, target in names.items() if options.get(source)}


# --- the browser's two steps: preview, then save ----------------------------------------------------------------

AKN_XML = "application/akn+xml"
IMPORT_TYPES = {importers.TEXT_PLAIN: "plain text", importers.DOCX: "Word (.docx)", AKN_XML: "Akoma Ntoso XML"}


def readable_size(count: int) -> str:
    """Say a number of bytes as people read it (16.0 MiB, 64 KiB, 12 bytes)."""
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MiB"
    if count >= 1024:
        return f"{count / 1024:.0f} KiB"
    return f"{count} bytes"


@dataclass(frozen=True)
class ImportInput:
    """What the user gave to import: the bytes, their media type, the import options and where they came from."""

    data: bytes
    media_type: str
    options: dict
    source: str  # "pasted text" or the file's name, for people to read

    @classmethod
    def carried_back(cls, media_type: str, payload: str, options: dict, source: str, *, limit: int) -> ImportInput:
        """Read back the input a preview page carried (base64), checking it as if it were new."""
        if media_type not in IMPORT_TYPES:
            raise UnsupportedMediaTypeError(
                f"expected an import type among {', '.join(IMPORT_TYPES)}, found {media_type!r}"
            )
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise DraftingError("the preview form came back changed: its payload is not base64; import again") from None
        if not data:
            raise DraftingError("the preview form came back without the document; import again")
        if len(data) > limit:
            raise RequestTooLargeError(f"the document is larger than the limit of {readable_size(limit)}")
        return cls(data, media_type, options, (source or "upload")[:200])


@dataclass(frozen=True)
class Preview:
    """An import as it would be stored: the prepared AKN, the import report (None for AKN) and its provisions."""

    input: ImportInput
    prepared: PreparedDocument
    report: dict | None
    provisions: list[dict]

    @property
    def payload(self) -> str:
        """The input as the save form carries it back."""
        return base64.b64encode(self.input.data).decode("ascii")


def preview_import(given: ImportInput, *, max_docx_unpacked: int) -> Preview:
    """Import (or, for AKN, parse, repair and validate) without storing: what saving would store."""
    if given.media_type == AKN_XML:
        prepared, report = prepare_upload(given.data), None
    else:
        options = {**given.options, "max_docx_unpacked": max_docx_unpacked}
        prepared, report = import_document(given.data, given.media_type, options)
    root = akn.parse_akn(prepared.xml).root
    provisions = [provision.as_dict() for provision in akn.extract_provisions(root)]
    return Preview(input=given, prepared=prepared, report=report, provisions=provisions)


def save_previewed_import(db: Database, preview: Preview, *, previewed_hash: str, author: str | None,
                          max_docx_unpacked: int) -> StoredVersion:
    """Store an import made again from its input, only if it is the document the user previewed (ConflictError,
    409, otherwise: the importer or the date changed in between)."""
    if not hmac.compare_digest(preview.prepared.content_hash, previewed_hash):
        raise ConflictError("The import came out differently from the preview you saw (the importer or the date "
                            "changed). Nothing was saved; check this preview and save again.")
    given = preview.input
    if given.media_type == AKN_XML:
        return create_document_from_xml(db, given.data, author=author, message=f"uploaded {given.source}")
    options = {**given.options, "message": f"imported from {given.source}", "max_docx_unpacked": max_docx_unpacked}
    return create_document_from_import(db, given.data, given.media_type, options, author=author)
