"""Small value types the use cases share: who acts, a document ready for the store, a stored version, one side of a
comparison, and a rendered result."""

from __future__ import annotations

from dataclasses import dataclass, field

from drafting.akn.frbr import Identification
from drafting.store.models import ROLES, Document, Version


@dataclass(frozen=True)
class Principal:
    """Who a request acts as."""

    name: str
    role: str

    def may(self, role: str) -> bool:
        """Tell whether this principal has at least the given role."""
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class PreparedDocument:
    """An upload after parsing, normalisation, eId repair and validation: what the store receives."""

    xml: bytes
    content_hash: str
    identification: Identification
    report: dict
    valid: bool


@dataclass(frozen=True)
class StoredVersion:
    """A document with one of its versions (the one a request is about)."""

    document: Document
    version: Version
    report: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RedlineSide:
    """One document of a comparison: a stored version, or an uploaded AKN, text or .docx document."""

    document_id: int | None = None
    version: int | None = None
    data: bytes | None = None
    media_type: str | None = None


@dataclass(frozen=True)
class Rendered:
    """A rendered redline or report and how to send it: body, media type, strong entity tag (None when it is not
    cached: an upload) and the file name to offer for a download ("" when none)."""

    body: bytes
    media_type: str
    etag: str | None
    filename: str = ""
