"""Helpers for the text importer's tests: a pasted text from rows, and an import that must be strictly valid."""

from __future__ import annotations

from drafting.akn import validate
from drafting.importers.text import ImportResult, import_text


def lines(*rows: str) -> str:
    """Join rows into a text with a final newline, as a pasted document has."""
    return "\n".join(rows) + "\n"


def imported(text: str, **options) -> ImportResult:
    """Import text and insist that the result is strictly valid AKN."""
    result = import_text(text, **options)
    report = validate(result.root)
    assert report.valid, report.as_dict()
    return result
