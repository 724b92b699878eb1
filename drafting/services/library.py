"""The library: one page of the documents a user may see, with their latest version's validity, filtered and
searched, and the values its filters offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from drafting.store import Database, repository
from drafting.store.models import Document

from .access import listing_scope
from .values import Principal


@dataclass(frozen=True)
class LibraryEntry:
    """A document as the library lists it: the work, and whether its latest version is strictly valid and when it
    was saved."""

    document: Document
    valid: bool
    saved_at: datetime


@dataclass(frozen=True)
class LibraryPage:
    """One page of the library, the number of documents that match, and the values its filters offer."""

    entries: list[LibraryEntry]
    total: int
    kinds: list[str]
    jurisdictions: list[str]


def list_library(db: Database, *, jurisdiction=None, kind=None, q=None, offset=0, limit=50,
                 principal: Principal | None = None) -> LibraryPage:
    """Return a page of the library: the documents the principal may see, with their latest version's validity,
    filtered and searched."""
    scope = listing_scope(principal)
    with db.session(read_only=True) as session:
        rows, total = repository.list_library(
            session, jurisdiction=jurisdiction, kind=kind, q=q, offset=offset, limit=limit, **scope
        )
        kinds, jurisdictions = repository.library_facets(session, **scope)
    entries = [LibraryEntry(document=document, valid=bool(valid), saved_at=saved_at)
               for document, valid, saved_at in rows]
    return LibraryPage(entries=entries, total=total, kinds=kinds, jurisdictions=jurisdictions)
