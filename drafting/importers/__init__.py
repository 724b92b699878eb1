"""PURE. Plain text and Word documents -> structured AKN, with an import report."""

from __future__ import annotations

from drafting.errors import UnsupportedMediaTypeError

from .text import DOC_TYPES, ImportResult, import_bytes, import_text

TEXT_PLAIN = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
IMPORTABLE = (TEXT_PLAIN, DOCX)
# a Word bill is a few hundred KB of XML; 16 MiB leaves room and bounds what one upload can cost
DOCX_MAX_UNCOMPRESSED = 16 * 1024 * 1024
EXTENSIONS = {".txt": TEXT_PLAIN, ".text": TEXT_PLAIN, ".docx": DOCX}


def import_upload(data: bytes, media_type: str, **options) -> ImportResult:
    """Import an uploaded file by its media type: text/plain (UTF-8) or .docx."""
    if media_type == TEXT_PLAIN:
        return import_bytes(data, **options)
    if media_type == DOCX:
        from .docx import docx_to_text

        extracted = docx_to_text(data, max_uncompressed=DOCX_MAX_UNCOMPRESSED)
        result = import_text(extracted.text, **options)
        result.report["notes"] = list(extracted.notes) + result.report["notes"]
        return result
    raise UnsupportedMediaTypeError(f"expected a body of type {' or '.join(IMPORTABLE)}, found {media_type or 'none'}")


__all__ = ["DOCX", "DOC_TYPES", "EXTENSIONS", "IMPORTABLE", "TEXT_PLAIN", "ImportResult", "import_text",
           "import_upload"]
