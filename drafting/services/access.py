"""Who may see and change which document, and the audit log of who did what.

Every document is `shared` (every signed-in user reads it, drafters write it) or `private` (only its owner, the
user who created it, and admins read or write it). To anyone else a private document does not exist: the same 404
as for an unknown id, on every route, and it is not listed. A deleted document does not exist for anyone.
`principal=None` is an internal call (the CLI, seeding), which sees every live document.
"""

from __future__ import annotations

from datetime import datetime

from drafting.errors import InvalidDocumentError, NotFoundError, PermissionDeniedError
from drafting.store import Database, repository
from drafting.store.models import VISIBILITIES, AuditEvent, Document

from .values import Principal, StoredVersion


def may_read(document, principal: Principal | None) -> bool:
    """Tell whether a principal may see (and, with a role that writes, change) a document (a Document, or a row
    with its deleted_at, visibility and created_by)."""
    if document.deleted_at is not None:
        return False
    if principal is None or principal.may("admin") or document.visibility == "shared":
        return True
    return document.created_by is not None and document.created_by == principal.name


def accessible(session, document_id: int, principal: Principal | None) -> Document:
    """Return the document if the principal may see it; NotFoundError, as for an unknown id, otherwise."""
    document = repository.get_document(session, document_id)
    if document is None or not may_read(document, principal):
        raise NotFoundError(f"no document with id {document_id}")
    return document


def check_access(db: Database, document_id: int, principal: Principal | None) -> Document:
    """Return a document the principal may see; NotFoundError, exactly as for a document that does not exist."""
    with db.session(read_only=True) as session:
        return accessible(session, document_id, principal)


def listing_scope(principal: Principal | None) -> dict:
    if principal is None or principal.may("admin"):
        return {"include_private": True}
    return {"include_private": False, "owner": principal.name}


def check_visibility(visibility: str) -> None:
    if visibility not in VISIBILITIES:
        raise InvalidDocumentError(f"expected a visibility among {', '.join(VISIBILITIES)}, found {visibility!r}")


def _owns(document: Document, principal: Principal | None) -> bool:
    return principal is None or principal.may("admin") or (
        document.created_by is not None and document.created_by == principal.name
    )


def set_visibility(db: Database, document_id: int, visibility: str, *, principal: Principal | None
                   ) -> StoredVersion:
    """Make a document shared or private (its owner or an admin); return it with its latest version."""
    check_visibility(visibility)
    with db.session() as session:
        document = accessible(session, document_id, principal)
        if not _owns(document, principal):
            raise PermissionDeniedError(
                f"only the owner of document {document_id} ({document.created_by}) or an admin may change who sees it"
            )
        before = document.visibility
        if before != visibility:
            repository.set_visibility(session, document, visibility)
            repository.add_audit_event(
                session, "document.access_changed", actor=principal.name if principal else None,
                document_id=document_id, version=document.latest_version, detail={"from": before, "to": visibility},
            )
        version = repository.get_version(session, document_id)
        return StoredVersion(document=document, version=version, report=version.validation or {})


def delete_document(db: Database, document_id: int, *, base_version: int, principal: Principal | None) -> None:
    """Delete a document (an admin, or its creator with the drafter role): it is gone from every listing and read,
    its versions are kept, and its work URI can be used again."""
    with db.session() as session:
        document = accessible(session, document_id, principal)
        allowed = principal is None or principal.may("admin") or (
            principal.may("drafter") and document.created_by is not None and document.created_by == principal.name
        )
        if not allowed:
            raise PermissionDeniedError(
                f"only an admin or the drafter who created document {document_id} ({document.created_by}) may "
                "delete it"
            )
        uri, title = document.frbr_work_uri, document.title
        repository.mark_deleted(session, document_id, base_version=base_version,
                                by=principal.name if principal else None)
        repository.add_audit_event(
            session, "document.deleted", actor=principal.name if principal else None, document_id=document_id,
            version=base_version, detail={"frbr_work_uri": uri, "title": title},
        )


def list_audit_events(db: Database, *, principal: Principal | None, document_id: int | None = None,
                      actor: str | None = None, action: str | None = None, since: datetime | None = None,
                      offset: int = 0, limit: int = 50) -> tuple[list[AuditEvent], int]:
    """Return a page of the audit log, newest first, and how many events match (admins only)."""
    if principal is not None and not principal.may("admin"):
        raise PermissionDeniedError(f"the audit log is for admins; {principal.name} is a {principal.role}")
    with db.session(read_only=True) as session:
        return repository.list_audit_events(
            session, document_id=document_id, actor=actor, action=action, since=since, offset=offset, limit=limit
        )
