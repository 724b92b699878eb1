"""The documents a redline or a report reads: a stored version (read with its number, content hash and date) or an
upload, not parsed yet; and the stored versions' identities, read in one query for entity tags."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from drafting import importers, work
from drafting.errors import NotFoundError
from drafting.store import Database, repository

from .access import may_read
from .documents import get_document
from .values import Principal, RedlineSide


@dataclass(frozen=True)
class Source:
    """A document a job reads, not parsed yet: a stored version (with its number, hash and date) or an upload."""

    data: bytes
    media_type: str | None = None  # of an upload; None for a stored version (AKN)
    document_id: int | None = None
    version: int | None = None
    content_hash: str | None = None
    saved_at: datetime | None = None

    @functools.cached_property
    def provisions(self) -> int:
        """Estimate the work the document is, in provisions, without parsing it: from its provisions and words."""
        media_type = self.media_type if self.media_type in importers.IMPORTABLE else None
        return work.workload(self.data, media_type).cost


def fetch(db: Database, side: RedlineSide, principal: Principal | None = None) -> Source:
    if side.document_id is None:
        return Source(side.data, side.media_type)
    stored = get_document(db, side.document_id, side.version, principal=principal)
    version = stored.version
    return Source(version.xml.encode("utf-8"), None, side.document_id, version.number, version.content_hash,
                   version.created_at)


def stored_versions(db: Database, sides: list[tuple[int, int | None]], principal: Principal | None = None
                     ) -> list[tuple[int, str]]:
    """Return (number, content hash) of each stored version named (None: the latest) in one query, without reading
    the documents themselves; 404 for an unknown one, or one the principal may not see."""
    if not sides:
        return []
    rows = repository.versions_by_id(db.engine, sides)
    found = []
    for document_id, number in sides:
        row = next((r for r in rows if r.id == document_id
                    and r.number == (number if number is not None else r.latest_version)), None)
        if row is None or not may_read(row, principal):
            which = f" version {number}" if number else ""
            raise NotFoundError(f"no document {document_id}{which}")
        found.append((row.number, row.content_hash))
    return found
