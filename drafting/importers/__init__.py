"""PURE. Plain text and Word documents -> structured AKN, with an import report."""

from __future__ import annotations

from drafting.config import DEFAULT_MAX_DOCX_UNPACKED_BYTES
from drafting.errors import InvalidDocumentError, UnsupportedMediaTypeError

from .cleanup import decode
from .text import DOC_TYPES, ImportResult, import_text

TEXT_PLAIN = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
IMPORTABLE = (TEXT_PLAIN, DOCX)
# a Word bill is a few hundred KB of XML; the setting leaves room and bounds what one upload can cost
DOCX_UNPACKED_SETTING = "DRAFTING_MAX_DOCX_UNPACKED_BYTES"
EXTENSIONS = {".txt": TEXT_PLAIN, ".text": TEXT_PLAIN, ".docx": DOCX}


def import_upload(data: bytes, media_type: str, *, max_docx_unpacked: int = DEFAULT_MAX_DOCX_UNPACKED_BYTES,
                  **options) -> ImportResult:
    """Import an uploaded file by its media type: text/plain (UTF-8) or .docx (which may unpack to at most
    `max_docx_unpacked` bytes, the setting DRAFTING_MAX_DOCX_UNPACKED_BYTES)."""
    if media_type == TEXT_PLAIN:
        text = decode(data)
        if not text.strip():
            # an empty body (a client that sent nothing, a chunked body a server dropped) must not become a document
            found = "only white space" if data else "an empty upload"
            raise InvalidDocumentError(f"expected text to import, found {found}")
        return import_text(text, **options)
    if media_type == DOCX:
        from .docx import docx_to_text

        extracted = docx_to_text(data, max_uncompressed=max_docx_unpacked, limit_setting=DOCX_UNPACKED_SETTING)
        if not extracted.text.strip():
            raise InvalidDocumentError("expected text to import, found a .docx without any")
        result = import_text(extracted.text, **options)
        result.report["notes"] = list(extracted.notes) + result.report["notes"]
        return result
    raise UnsupportedMediaTypeError(f"expected a body of type {' or '.join(IMPORTABLE)}, found {media_type or 'none'}")


__all__ = ["DOCX", "DOCX_UNPACKED_SETTING", "DOC_TYPES", "EXTENSIONS", "IMPORTABLE", "TEXT_PLAIN", "ImportResult",
           "import_text", "import_upload"]
