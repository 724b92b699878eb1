"""Imports: text and .docx into AKN, shown before anything is stored (the import report) or stored as a new work."""

from __future__ import annotations

from dataclasses import replace

from drafting import importers
from drafting.store import Database

from .documents import create, prepare
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
