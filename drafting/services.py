"""Use cases: the only place that combines the store with the pure core.

Views and the CLI call these functions with a Database and plain values; they get plain values back
(frozen dataclasses or model instances detached from their session).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import NoReturn

from sqlalchemy import Integer, and_, bindparam, func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from drafting import akn, importers, work
from drafting.akn.frbr import Identification
from drafting.cache import Cache, MemoryCache
from drafting.errors import (
    BusyError,
    ConflictError,
    InvalidDocumentError,
    NotAcceptableError,
    NotFoundError,
    PermissionDeniedError,
    SchemaInvalidError,
    StaleVersionError,
    WorkTooLargeError,
)
from drafting.store import Database, repository
from drafting.store.db import READ_ONLY_OPTION
from drafting.store.models import VISIBILITIES, AuditEvent, Document, Version

ROLES = ("viewer", "drafter", "admin")
TOKEN_PREFIX = "dft_"  # noqa: S105 - a visible prefix, not a secret
TOKEN_USE_RESOLUTION = timedelta(minutes=5)


# --- documents --------------------------------------------------------------------------------------------------


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


def _is_akn_work_uri(uri: str) -> bool:
    try:
        akn.parse_frbr_uri(uri)
    except Exception:
        return False
    return uri.startswith("/akn/")


_ABSOLUTE_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # a scheme (RFC 3986)


def _names_one_work(uri: str) -> bool:
    """Tell whether a work URI names one work (so one document per URI): an AKN URI or an absolute URI.

    A "#varWorkUri" reference or a bare path may be shared by many documents from one system; an absolute URI (an
    ELI, a legislation.gov.uk id, the ni: URI derived from a text's hash) names one thing wherever it appears.
    """
    return _is_akn_work_uri(uri) or bool(_ABSOLUTE_URI.match(uri))


def prepare(root, *, notes: tuple[str, ...] = (), import_report: dict | None = None) -> PreparedDocument:
    """Repair eIds, complete a missing work URI, serialise canonically and validate strictly a parsed AKN tree."""
    repairs = akn.repair_eids(root)
    identification = akn.read_identification(root)
    # a derived work URI is written into the stored XML, so that saving, exporting and comparing it later read the
    # identity it is filed under (a text hash would change with the first edit)
    written = akn.fill_work_uri(root, identification.identity)
    xml = akn.serialize(root)
    validation = akn.validate(root, strict=True)
    report = {
        "validation": validation.as_dict(),
        "normalisation": list(notes),
        "eid_repairs": [repair.as_dict() for repair in repairs],
        "identity": {**identification.identity.as_dict(), "written": written},
        "import": import_report,
    }
    return PreparedDocument(
        xml=xml,
        content_hash=akn.content_hash(xml),
        identification=identification,
        report=report,
        valid=validation.valid,
    )


def prepare_upload(data: bytes) -> PreparedDocument:
    """Parse untrusted AKN bytes with the hardened parser and prepare them for storage."""
    parsed = akn.parse_akn(data)
    return prepare(parsed.root, notes=parsed.notes)


def validate_upload(data: bytes, *, strict: bool = True) -> dict:
    """Return the validation report of an uploaded document without storing it."""
    parsed = akn.parse_akn(data)
    report = akn.validate(parsed.root, strict=strict).as_dict()
    report["normalisation"] = list(parsed.notes)
    report["duplicate_eids"] = akn.duplicate_eids(parsed.root)
    return report


def _create(db: Database, prepared: PreparedDocument, *, author: str | None, message: str | None,
            visibility: str = "shared") -> StoredVersion:
    _check_visibility(visibility)
    ident = prepared.identification
    with db.session() as session:
        version = repository.create_document(
            session,
            frbr_work_uri=ident.work_uri,
            work_uri_is_unique=_names_one_work(ident.work_uri),
            doc_type=ident.doc_type,
            name=ident.name,
            jurisdiction=ident.jurisdiction,
            title=ident.title,
            number=ident.number,
            date=ident.date,
            xml=prepared.xml.decode("utf-8"),
            content_hash=prepared.content_hash,
            frbr_expression_uri=ident.expression_uri,
            author=author,
            message=message or "created",
            valid=prepared.valid,
            validation=prepared.report,
            visibility=visibility,
        )
        repository.add_audit_event(
            session, "document.created", actor=author, document_id=version.document.id, version=version.number,
            detail={"message": version.message, "frbr_work_uri": ident.work_uri, "visibility": visibility},
        )
        return StoredVersion(document=version.document, version=version, report=prepared.report)


def create_document_from_xml(db: Database, data: bytes, *, author: str | None, message: str | None = None,
                             visibility: str = "shared"):
    """Store an uploaded AKN document as version 1 of a new work (invalid ones are kept with their report)."""
    return _create(db, prepare_upload(data), author=author, message=message or "uploaded", visibility=visibility)


def import_document(data: bytes, media_type: str, options: dict) -> tuple[PreparedDocument, dict]:
    """Import text or .docx into AKN without storing it; return the prepared document and the import report."""
    result = importers.import_upload(data, media_type, **_import_options(options))
    return prepare(result.root, import_report=result.report), result.report


def create_document_from_import(
    db: Database, data: bytes, media_type: str, options: dict, *, author: str | None, visibility: str = "shared"
) -> StoredVersion:
    """Import text or .docx and store it as version 1 of a new work."""
    prepared, _ = import_document(data, media_type, options)
    if options.get("title"):
        # the title the uploader files it under, whatever the text prints
        prepared = replace(prepared, identification=replace(prepared.identification, title=options["title"]))
    return _create(db, prepared, author=author, message=options.get("message") or f"imported from {media_type}",
                   visibility=visibility)


def _import_options(options: dict) -> dict:
    names = {"type": "doc_type", "jurisdiction": "jurisdiction", "title": "title", "number": "number", "date": "date",
             "default_number": "default_number", "max_docx_unpacked": "max_docx_unpacked"}
    return {target: options[source] for source, target in names.items() if options.get(source)}


def create_document_from_template(
    db: Database, template: str, *, title: str, jurisdiction: str, number: str, date: str | None, author: str | None,
    visibility: str = "shared",
) -> StoredVersion:
    """Create a new, strictly valid document from a template."""
    root = akn.build_document(template, title=title, jurisdiction=jurisdiction, number=number, date=date)
    return _create(db, prepare(root), author=author, message=f"created from the {template} template",
                   visibility=visibility)


def save_version(
    db: Database, document_id: int, data: bytes, *, base_version: int, author: str | None, message: str | None,
    principal: Principal | None = None,
) -> StoredVersion:
    """Append a new version of a work; the upload must name the same work and be based on the latest version."""
    return _save(db, document_id, data, base_version=base_version, author=author, message=message,
                 principal=principal, action="document.saved")


def _save(
    db: Database, document_id: int, data: bytes, *, base_version: int, author: str | None, message: str | None,
    principal: Principal | None, action: str, detail: dict | None = None,
) -> StoredVersion:
    parsed = akn.parse_akn(data)
    work_uri = check_access(db, document_id, principal).frbr_work_uri
    ident = akn.read_identification(parsed.root)
    if ident.work_uri != work_uri:
        raise ConflictError(
            f"expected the work {work_uri} in the uploaded <meta>, found {ident.work_uri}; "
            "a different work is a new document (POST /api/documents), or rename this one (POST .../rename)"
        )
    if _is_akn_work_uri(work_uri):
        # a new version is a new expression dated today; meta must say so
        akn.set_identity(parsed.root, work_uri, expression_date=_today(), language=ident.language or "eng")
    return _append_version(
        db, document_id, prepare(parsed.root, notes=parsed.notes),
        base_version=base_version, author=author, message=message, principal=principal, action=action, detail=detail,
    )


def rename_document(
    db: Database, document_id: int, frbr_uri: str, *, base_version: int, author: str | None, message: str | None = None,
    principal: Principal | None = None,
) -> StoredVersion:
    """Give a work a new FRBR work URI: a new version whose work, expression and manifestation all agree."""
    uri = akn.parse_frbr_uri(frbr_uri)
    current = get_document(db, document_id, principal=principal)
    root = akn.parse_akn(current.version.xml.encode("utf-8")).root
    doc_type = current.document.doc_type
    if uri.doctype != doc_type:
        raise InvalidDocumentError(f"expected a work URI for a {doc_type}, found one for a {uri.doctype}: {frbr_uri}")
    work_uri = "/akn" + uri.work_uri(work_component=False).removeprefix("/akn")
    language = akn.read_identification(root).language or "eng"
    akn.set_identity(root, work_uri, expression_date=_today(), language=language)
    return _append_version(
        db, document_id, prepare(root),
        base_version=base_version, author=author,
        message=message or f"renamed from {current.document.frbr_work_uri} to {work_uri}",
        rename=True, principal=principal, action="document.renamed",
        detail={"from": current.document.frbr_work_uri, "to": work_uri},
    )


def _append_version(
    db: Database, document_id: int, prepared: PreparedDocument, *, base_version: int, author: str | None,
    message: str | None, rename: bool = False, principal: Principal | None = None, action: str = "document.saved",
    detail: dict | None = None,
) -> StoredVersion:
    """Store a prepared document as the next version, and its audit event, in one transaction."""
    ident = prepared.identification
    with db.session() as session:
        # checked again where the version is written: the document may have turned private since it was read
        _accessible(session, document_id, principal)
        version = repository.save_version(
            session,
            document_id,
            base_version=base_version,
            xml=prepared.xml.decode("utf-8"),
            content_hash=prepared.content_hash,
            frbr_expression_uri=ident.expression_uri,
            author=author,
            message=message,
            valid=prepared.valid,
            validation=prepared.report,
            title=ident.title,
        )
        if rename:
            repository.rename_work(
                session, version.document, frbr_work_uri=ident.work_uri,
                jurisdiction=ident.jurisdiction, number=ident.number, date=ident.date,
            )
        repository.add_audit_event(
            session, action, actor=author, document_id=document_id, version=version.number,
            detail={"message": message, **(detail or {})},
        )
        return StoredVersion(document=version.document, version=version, report=prepared.report)


def restore_version(db: Database, document_id: int, number: int, *, base_version: int, author: str | None,
                    principal: Principal | None = None) -> StoredVersion:
    """Make an old version current again, as a new version (history is never rewritten)."""
    old = get_document(db, document_id, number, principal=principal)
    return _save(db, document_id, old.version.xml.encode("utf-8"), base_version=base_version, author=author,
                 message=f"restored version {number}", principal=principal, action="document.restored",
                 detail={"restored": number})


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def get_document(db: Database, document_id: int, version: int | None = None, *,
                 principal: Principal | None = None) -> StoredVersion:
    """Return a document with its latest version, or the numbered one."""
    with db.session(read_only=True) as session:
        document = _accessible(session, document_id, principal)
        found = repository.get_version(session, document_id, version)
        if found is None:
            raise NotFoundError(f"document {document_id} has no version {version}")
        _ = found.xml  # load the deferred column while the session is open
        return StoredVersion(document=document, version=found, report=found.validation or {})


def list_documents(db: Database, *, jurisdiction=None, doc_type=None, q=None, offset=0, limit=50,
                   principal: Principal | None = None):
    """Return a page of the documents the principal may see, and the total count."""
    with db.session(read_only=True) as session:
        return repository.list_documents(
            session, jurisdiction=jurisdiction, doc_type=doc_type, q=q, offset=offset, limit=limit,
            **_listing_scope(principal),
        )


def list_versions(db: Database, document_id: int, *, principal: Principal | None = None
                  ) -> tuple[Document, list[Version]]:
    """Return a document and its versions, oldest first."""
    with db.session(read_only=True) as session:
        document = _accessible(session, document_id, principal)
        return document, repository.list_versions(session, document_id)


def provisions_of(version: Version) -> list[dict]:
    """Return the provision tree of a stored version as plain data."""
    root = akn.parse_akn(version.xml.encode("utf-8")).root
    return [provision.as_dict() for provision in akn.extract_provisions(root)]


@dataclass(frozen=True)
class Export:
    """A strictly valid AKN document ready for filing."""

    filename: str
    xml: bytes
    content_hash: str


def export_document(db: Database, document_id: int, version: int | None = None, *,
                    principal: Principal | None = None, audited: bool = True) -> Export:
    """Make a stored version strictly valid for filing, or say with the report why it cannot be.

    An export is recorded in the audit log unless `audited` is false (a page that only shows whether it would work).
    """
    stored = get_document(db, document_id, version, principal=principal)
    root = akn.parse_akn(stored.version.xml.encode("utf-8")).root
    repairs = [repair.as_dict() for repair in akn.repair_for_export(root)]
    ident = akn.read_identification(root)
    report = akn.validate(root, strict=True)
    if not report.valid:
        raise SchemaInvalidError(
            f"version {stored.version.number} of document {document_id} does not validate strictly against the "
            f"AKN 3.0 schema ({report.error_count} errors); the first: {report.errors[0].message}",
            extra={"validation": report.as_dict(), "repairs": repairs},
        )
    xml = akn.serialize(root)
    filename = akn.export_filename(ident.manifestation_uri, fallback=f"document-{document_id}-v{stored.version.number}")
    exported = Export(filename=filename, xml=xml, content_hash=akn.content_hash(xml))
    if audited:
        with db.session() as session:
            _accessible(session, document_id, principal)
            repository.add_audit_event(
                session, "document.exported", actor=principal.name if principal else None, document_id=document_id,
                version=stored.version.number, detail={"filename": filename, "content_hash": exported.content_hash},
            )
    return exported


def etag_of(version: Version) -> str:
    """Return the strong entity tag of a stored version (without quotes)."""
    return f"v{version.number}-{version.content_hash[:24]}"


# --- access -----------------------------------------------------------------------------------------------------
#
# Every document is `shared` (every signed-in user reads it, drafters write it) or `private` (only its owner, the
# user who created it, and admins read or write it). To anyone else a private document does not exist: the same 404
# as for an unknown id, on every route, and it is not listed. A deleted document does not exist for anyone.
# `principal=None` is an internal call (the CLI, seeding), which sees every live document.


def may_read(document, principal: Principal | None) -> bool:
    """Tell whether a principal may see (and, with a role that writes, change) a document (a Document, or a row
    with its deleted_at, visibility and created_by)."""
    if document.deleted_at is not None:
        return False
    if principal is None or principal.may("admin") or document.visibility == "shared":
        return True
    return document.created_by is not None and document.created_by == principal.name


def _accessible(session, document_id: int, principal: Principal | None) -> Document:
    """Return the document if the principal may see it; NotFoundError, as for an unknown id, otherwise."""
    document = repository.get_document(session, document_id)
    if document is None or not may_read(document, principal):
        raise NotFoundError(f"no document with id {document_id}")
    return document


def check_access(db: Database, document_id: int, principal: Principal | None) -> Document:
    """Return a document the principal may see; NotFoundError, exactly as for a document that does not exist."""
    with db.session(read_only=True) as session:
        return _accessible(session, document_id, principal)


def _listing_scope(principal: Principal | None) -> dict:
    if principal is None or principal.may("admin"):
        return {"include_private": True}
    return {"include_private": False, "owner": principal.name}


def _check_visibility(visibility: str) -> None:
    if visibility not in VISIBILITIES:
        raise InvalidDocumentError(f"expected a visibility among {', '.join(VISIBILITIES)}, found {visibility!r}")


def _owns(document: Document, principal: Principal | None) -> bool:
    return principal is None or principal.may("admin") or (
        document.created_by is not None and document.created_by == principal.name
    )


def set_visibility(db: Database, document_id: int, visibility: str, *, principal: Principal | None
                   ) -> StoredVersion:
    """Make a document shared or private (its owner or an admin); return it with its latest version."""
    _check_visibility(visibility)
    with db.session() as session:
        document = _accessible(session, document_id, principal)
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
        document = _accessible(session, document_id, principal)
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


# --- the audit log ----------------------------------------------------------------------------------------------


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


# --- samples ----------------------------------------------------------------------------------------------------


def seed(db: Database, *, author: str = "seed") -> list[StoredVersion]:
    """Load the sample documents that are not stored yet; return the ones added."""
    added = []
    for item in sorted(resources.files("drafting.samples").iterdir(), key=lambda entry: entry.name):
        if not item.name.endswith(".xml"):
            continue
        prepared = prepare_upload(item.read_bytes())
        with db.session() as session:
            if repository.get_document_by_uri(session, prepared.identification.work_uri) is not None:
                continue
        added.append(_create(db, prepared, author=author, message="sample document"))
    return added


# --- accounts ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Principal:
    """Who a request acts as."""

    name: str
    role: str

    def may(self, role: str) -> bool:
        """Tell whether this principal has at least the given role."""
        return ROLES.index(self.role) >= ROLES.index(role)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidDocumentError(f"expected a role among {', '.join(ROLES)}, found {role!r}")


def hash_token(token: str) -> str:
    """Return the stored form of an API token or a session key (both random, so a plain SHA-256 is enough)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_user(db: Database, name: str, role: str, password: str | None = None, *, actor: str | None = None
                ) -> Principal:
    """Create an account; a password enables browser sign-in. `actor` is who does it (None: the command line)."""
    _check_role(role)
    password_hash = generate_password_hash(password) if password else None
    with db.session() as session:
        user = repository.create_user(session, name, role, password_hash)
        repository.add_audit_event(session, "user.created", actor=actor,
                                   detail={"user": name, "role": role, "password": password_hash is not None})
        return Principal(user.name, user.role)


@dataclass(frozen=True)
class Account:
    """A user as an administrator sees it."""

    name: str
    role: str
    created_at: datetime
    has_password: bool
    tokens: int  # tokens not revoked
    disabled: bool


def _account(user) -> Account:
    active = sum(1 for token in user.tokens if token.revoked_at is None)
    return Account(user.name, user.role, user.created_at, user.password_hash is not None, active,
                   user.disabled_at is not None)


def list_users(db: Database) -> list[Account]:
    """Return every account."""
    with db.session(read_only=True) as session:
        return [_account(user) for user in repository.list_users(session)]


def get_account(db: Database, name: str) -> Account:
    """Return one account; NotFoundError if there is none of that name."""
    with db.session(read_only=True) as session:
        user = repository.get_user(session, name)
        if user is None:
            raise NotFoundError(f"no user named {name!r}")
        return _account(user)


def _end_other_sessions(session, user, reason: str, sparing_session: str | None) -> int:
    """End every session of an account but the one (a session key) that made the change."""
    sparing = hash_token(sparing_session) if sparing_session else None
    return repository.end_browser_sessions(session, user, reason, sparing=sparing)


def set_role(db: Database, name: str, role: str, *, actor: str | None = None, sparing_session: str | None = None
             ) -> Principal:
    """Give an account another role; every other browser session of the account ends (its user signs in again)."""
    _check_role(role)
    with db.session() as session:
        before = repository.get_user(session, name)
        before_role = before.role if before is not None else None
        user = repository.set_user_role(session, name, role)
        if before_role != role:
            ended = _end_other_sessions(session, user, "role-changed", sparing_session)
            repository.add_audit_event(session, "user.role_changed", actor=actor,
                                       detail={"user": name, "from": before_role, "to": role,
                                               "sessions_ended": ended})
        changed = Principal(user.name, user.role)
    _principal_cache.clear()  # the account's tokens and sessions carry the new role from the next request on
    return changed


def set_disabled(db: Database, name: str, disabled: bool, *, actor: str | None = None) -> Account:
    """Disable an account (no sign-in, every session ended, every token refused) or enable it again (its tokens
    that were not revoked work again; its ended sessions do not)."""
    if disabled and actor == name:
        raise ConflictError("an administrator cannot disable their own account; ask another administrator")
    with db.session() as session:
        was_disabled = (repository.get_user(session, name) or _no_such_user(name)).disabled_at is not None
        user = repository.set_user_disabled(session, name, disabled)
        if disabled != was_disabled:
            ended = repository.end_browser_sessions(session, user, "disabled") if disabled else 0
            detail = {"user": name, "sessions_ended": ended} if disabled else {"user": name}
            repository.add_audit_event(session, "user.disabled" if disabled else "user.enabled", actor=actor,
                                       detail=detail)
        account = _account(user)
    _principal_cache.clear()
    return account


def _no_such_user(name: str) -> NoReturn:
    raise NotFoundError(f"no user named {name!r}")


def issue_token(db: Database, name: str, label: str = "", *, actor: str | None = None) -> str:
    """Create a new API token for an existing account; return it (it is shown once)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.session() as session:
        user = repository.get_user(session, name) or _no_such_user(name)
        repository.add_token(session, user, hash_token(token), label)
        repository.add_audit_event(session, "token.issued", actor=actor, detail={"user": name, "label": label})
    return token


@dataclass(frozen=True)
class TokenInfo:
    """An API token as an administrator sees it (never its secret)."""

    id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def list_tokens(db: Database, name: str) -> list[TokenInfo]:
    """Return an account's tokens, revoked ones included."""
    with db.session(read_only=True) as session:
        user = repository.get_user(session, name) or _no_such_user(name)
        return [TokenInfo(token.id, token.label, token.created_at, token.last_used_at, token.revoked_at)
                for token in repository.list_tokens(session, user)]


def revoke_token(db: Database, name: str, token_id: int | None = None, *, actor: str | None = None) -> int:
    """Revoke one token of an account (by id; NotFoundError if it has none of that id) or, with no id, all of
    them; return how many were active. Refused from the next request on, on every app server within
    TOKEN_CACHE_SECONDS, on this one at once."""
    with db.session() as session:
        user = repository.get_user(session, name) or _no_such_user(name)
        if token_id is not None and repository.get_token(session, user, token_id) is None:
            raise NotFoundError(f"{name} has no token {token_id}")
        revoked = repository.revoke_tokens(session, user, token_id)
        detail = {"user": name, "revoked": revoked}
        if token_id is not None:
            detail["token"] = token_id
        repository.add_audit_event(session, "token.revoked" if token_id is not None else "token.revoked_all",
                                   actor=actor, detail=detail)
    _principal_cache.clear()
    return revoked


def set_password(db: Database, name: str, password: str, *, actor: str | None = None,
                 sparing_session: str | None = None) -> None:
    """Give an account a (new) password for browser sign-in; every other session of the account ends."""
    with db.session() as session:
        user = repository.set_password_hash(session, name, generate_password_hash(password))
        ended = _end_other_sessions(session, user, "password-changed", sparing_session)
        repository.add_audit_event(session, "user.password_set", actor=actor,
                                   detail={"user": name, "sessions_ended": ended})
    _principal_cache.clear()


def change_own_password(db: Database, name: str, current: str, new: str, *, session_key: str | None = None) -> bool:
    """Change a signed-in user's password after checking the current one; False (nothing changed) if it is wrong.
    The session that asked stays signed in; every other session of the account ends."""
    if check_password(db, name, current) is None:
        return False
    set_password(db, name, new, actor=name, sparing_session=session_key)
    return True


# checked against when the name is unknown, so that a wrong name costs as long as a wrong password
_NO_SUCH_USER_HASH = generate_password_hash("no such user")


def check_password(db: Database, name: str, password: str, *, address: str | None = None) -> Principal | None:
    """Return the principal whose name and password these are, or None. A refusal is written to the audit log (the
    name tried, why, and the client's address when given; never the password). Disabled accounts are refused."""
    name = name[:80]
    with db.session(read_only=True) as session:
        user = repository.get_user(session, name)
        stored = user.password_hash if user is not None and user.password_hash else _NO_SUCH_USER_HASH
        found = Principal(user.name, user.role) if user is not None and user.password_hash else None
        disabled = user is not None and user.disabled_at is not None
    matches = check_password_hash(stored, password)
    if matches and found is not None and not disabled:
        return found
    reason = ("unknown-account" if user is None else "no-password" if found is None
              else "wrong-password" if not matches else "disabled")
    detail = {"user": name, "reason": reason} | ({"address": address} if address else {})
    with db.session() as session:
        repository.add_audit_event(session, "user.sign_in_failed", actor=None, detail=detail)
    return None


def create_token(db: Database, name: str, role: str, label: str = "", *, actor: str | None = None
                 ) -> tuple[Principal, str]:
    """Create a user if needed (with this role) and a new API token for them; return the token once."""
    _check_role(role)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.session() as session:
        user = repository.get_user(session, name)
        if user is None:
            user = repository.create_user(session, name, role)
            repository.add_audit_event(session, "user.created", actor=actor,
                                       detail={"user": name, "role": role, "password": False})
        elif user.role != role:
            before = user.role
            repository.set_user_role(session, user.name, role)
            ended = repository.end_browser_sessions(session, user, "role-changed")
            repository.add_audit_event(session, "user.role_changed", actor=actor,
                                       detail={"user": name, "from": before, "to": role, "sessions_ended": ended})
        repository.add_token(session, user, hash_token(token), label)
        repository.add_audit_event(session, "token.issued", actor=actor, detail={"user": name, "label": label})
        principal = Principal(user.name, user.role)
    _principal_cache.clear()
    return principal, token


# --- browser sessions -------------------------------------------------------------------------------------------

SESSION_KEY_BYTES = 32
ENDED_SESSIONS_KEPT = timedelta(days=30)  # ended and expired sessions are forgotten after this


def start_session(db: Database, name: str, lifetime: timedelta, *, address: str | None = None) -> str:
    """Record a browser sign-in for an account; return the session's key (for the signed cookie; only its hash is
    stored). Sessions of the account that ended or expired long ago are forgotten."""
    key = secrets.token_urlsafe(SESSION_KEY_BYTES)
    now = datetime.now(UTC)
    with db.session() as session:
        user = repository.get_user(session, name) or _no_such_user(name)
        repository.forget_browser_sessions(session, user, before=now - ENDED_SESSIONS_KEPT)
        repository.add_browser_session(session, user, hash_token(key), now + lifetime)
        repository.add_audit_event(session, "user.signed_in", actor=name,
                                   detail={"user": name} | ({"address": address} if address else {}))
    return key


def principal_of_session(db: Database, key: str) -> Principal | None:
    """Return who a browser session acts as now, or None when it has ended or expired or its account is disabled.

    Read from the store on every request (one indexed look-up; browsers send few requests), so that signing out,
    a password or role change and disabling take effect at once on every worker of every app server."""
    if not key or len(key) > 200:
        return None
    with db.session(read_only=True) as session:
        found = repository.find_browser_session(session, hash_token(key))
        if (found is None or found.ended_at is not None or found.expires_at <= datetime.now(UTC)
                or found.user.disabled_at is not None):
            return None
        return Principal(found.user.name, found.user.role)


def end_session(db: Database, key: str, *, reason: str = "signed-out") -> None:
    """End one browser session (signing out): its cookie is refused from now on, wherever it is replayed."""
    with db.session() as session:
        found = repository.find_browser_session(session, hash_token(key))
        if found is None or found.ended_at is not None:
            return
        repository.end_browser_sessions(session, found.user, reason, only=found.key_hash)
        repository.add_audit_event(session, "user.signed_out", actor=found.user.name,
                                   detail={"user": found.user.name})
    _principal_cache.clear()


def end_sessions(db: Database, name: str, *, actor: str | None = None, sparing_session: str | None = None) -> int:
    """End every browser session of an account (but the one given); return how many were open."""
    with db.session() as session:
        user = repository.get_user(session, name) or _no_such_user(name)
        ended = _end_other_sessions(session, user, "ended-by-admin", sparing_session)
        repository.add_audit_event(session, "user.sessions_ended", actor=actor,
                                   detail={"user": name, "sessions_ended": ended})
    _principal_cache.clear()
    return ended


# --- authenticating API tokens ----------------------------------------------------------------------------------

TOKEN_CACHE_SECONDS = 2.0


class _PrincipalCache:
    """The principals of API tokens seen in the last TOKEN_CACHE_SECONDS, so that a burst of requests reads
    the accounts once. A change made by this process takes effect at once (it clears the cache); one made through
    another app server takes effect within TOKEN_CACHE_SECONDS."""

    def __init__(self, max_entries: int = 10_000):
        self._entries: dict[str, tuple[Principal, float]] = {}
        self._lock = threading.Lock()
        self._max_entries = max_entries

    def get(self, key: str) -> Principal | None:
        found = self._entries.get(key)
        if found is None or found[1] < time.monotonic():
            return None
        return found[0]

    def put(self, key: str, principal: Principal) -> None:
        with self._lock:
            if len(self._entries) >= self._max_entries:
                self._entries.clear()
            self._entries[key] = (principal, time.monotonic() + TOKEN_CACHE_SECONDS)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_principal_cache = _PrincipalCache()


def authenticate_token(db: Database, token: str) -> Principal | None:
    """Return the principal an API token belongs to, or None (unknown, revoked, or its account disabled)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    cached = _principal_cache.get("token:" + digest)
    if cached is not None:
        return cached
    principal = _principal_of_token(db, digest)
    if principal is not None:
        _principal_cache.put("token:" + digest, principal)
    return principal


def _principal_of_token(db: Database, digest: str) -> Principal | None:
    with db.session(read_only=True) as session:
        found = repository.find_token(session, digest)
        if (found is None or not hmac.compare_digest(found.token_hash, digest) or found.revoked_at is not None
                or found.user.disabled_at is not None):
            return None
        principal = Principal(found.user.name, found.user.role)
        last_used = found.last_used_at
    # record use at most every few minutes, so that reads do not turn into writes
    if last_used is None or datetime.now(UTC) - last_used > TOKEN_USE_RESOLUTION:
        with db.session() as session:
            repository.record_token_use(session, found.id)
    return principal


# --- redlines ---------------------------------------------------------------------------------------------------

REDLINE_ENGINE_VERSION = "1"  # part of every redline's entity tag: bump it when the engine's output changes
_REDLINE_CACHE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class RedlineSide:
    """One document of a comparison: a stored version, or an uploaded AKN, text or .docx document."""

    document_id: int | None = None
    version: int | None = None
    data: bytes | None = None
    media_type: str | None = None


@dataclass(frozen=True)
class RenderedRedline:
    """A rendered redline and how to send it."""

    body: bytes
    media_type: str
    etag: str | None
    filename: str


# Rendered redlines and reports of stored versions, by entity tag (content hashes): the cache of callers that do not
# pass their application's (drafting.cache.for_app), such as the command line.
_RenderedCache = MemoryCache
_redline_cache = _RenderedCache(_REDLINE_CACHE_BYTES)


def _pack(media_type: str, filename: str, body: bytes) -> bytes:
    """Return a rendered result as one cache entry: media type and file name on a line each, then the body."""
    return f"{media_type}\n{filename}\n".encode() + body


def _unpack(entry: bytes) -> tuple[str, str, bytes]:
    media_type, filename, body = entry.split(b"\n", 2)
    return media_type.decode(), filename.decode(), body


# --- heavy work -------------------------------------------------------------------------------------------------

DEFAULT_HEAVY_PROVISIONS = 3000
DEFAULT_MAX_PROVISIONS = 150_000
BUSY_RETRY_SECONDS = 2
# bytes per provision of an upload whose body is not read yet, to tell from its size alone whether it may be heavy
# work (and take a slot before reading it): AKN carries about one provision per 300 bytes of markup; plain text one
# per 100 bytes (and importing it costs more than parsing AKN); .docx is compressed. Once read, a document is judged
# by its provisions and words (drafting.work), never by its bytes.
_BYTES_PER_PROVISION = {"akn": 300, "text": 100, "docx": 30}
# a safeguard report evaluates every statement of a provision against every rule: about four times the work of
# comparing that provision
GAPS_COST_FACTOR = 4


@dataclass(frozen=True)
class WorkBudget:
    """How much work one request may start.

    A job estimated at `heavy_provisions` or more takes one of `slots` heavy slots, shared by every process that
    uses the same `lock_folder` (the workers of one server; without a folder, the threads of this process); when
    none is free it is refused at once with BusyError (503, Retry-After) rather than queued, so that heavy jobs never
    hold more workers than there are slots and light requests always find one free. Above `max_provisions` a job is
    refused (WorkTooLargeError, 413).
    """

    heavy_provisions: int = DEFAULT_HEAVY_PROVISIONS
    max_provisions: int = DEFAULT_MAX_PROVISIONS
    slots: int = 1
    lock_folder: str | None = None
    retry_after: int = BUSY_RETRY_SECONDS

    @classmethod
    def from_settings(cls, settings) -> WorkBudget:
        """Read DRAFTING_HEAVY_PROVISIONS, DRAFTING_HEAVY_MAX_PROVISIONS and DRAFTING_HEAVY_SLOTS; the slots are
        shared through lock files in the instance folder."""
        return cls(
            heavy_provisions=int(settings.get("DRAFTING_HEAVY_PROVISIONS") or DEFAULT_HEAVY_PROVISIONS),
            max_provisions=int(settings.get("DRAFTING_HEAVY_MAX_PROVISIONS") or DEFAULT_MAX_PROVISIONS),
            slots=max(1, int(settings.get("DRAFTING_HEAVY_SLOTS") or 1)),
            lock_folder=settings.get("INSTANCE_PATH"),
        )

    @contextmanager
    def admit(self, provisions: int, what: str) -> Iterator[None]:
        """Run a job estimated at `provisions`: at once when light, in a heavy slot when heavy, or refuse it."""
        slot = self.reserve(provisions, what)
        try:
            yield
        finally:
            if slot is not None:
                slot.release()

    def reserve(self, provisions: int, what: str) -> _HeavySlot | None:
        """Take a heavy slot for a job estimated at `provisions` (None when the job is light, and needs none); refuse
        it with WorkTooLargeError above the ceiling, or with BusyError when every slot is taken."""
        if provisions > self.max_provisions:
            raise WorkTooLargeError(
                f"{what} covers about {provisions:,} provisions; one request may cover at most "
                f"{self.max_provisions:,} (DRAFTING_HEAVY_MAX_PROVISIONS)",
                extra={"provisions": provisions, "max_provisions": self.max_provisions},
            )
        return self.take_slot(provisions, what)

    def take_slot(self, provisions: int, what: str) -> _HeavySlot | None:
        """Take a heavy slot for a job that may be heavy, without judging the ceiling (a body not read yet: its
        size can say that it may be heavy, never that it is too costly); None when light, BusyError when every slot
        is taken."""
        if provisions < self.heavy_provisions:
            return None
        slot = _take_heavy_slot(self)
        if slot is None:
            raise BusyError(
                f"{what} is heavy work (about {provisions:,} provisions) and every slot for heavy work "
                f"({self.slots}) is taken; try again in {self.retry_after} s",
                retry_after=self.retry_after, extra={"provisions": provisions},
            )
        return slot

    def reserved(self) -> WorkBudget:
        """Return this budget for a job that already holds a heavy slot: it takes no other (the ceiling holds)."""
        return replace(self, heavy_provisions=self.max_provisions + 1)


DEFAULT_BUDGET = WorkBudget()


class _HeavySlot:
    """A slot taken: this process's semaphore and, when slots are shared between processes, a locked file."""

    def __init__(self, semaphore: threading.BoundedSemaphore, fd: int | None):
        self.semaphore, self.fd = semaphore, fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the file releases its lock
        self.semaphore.release()


_process_slots: dict[tuple[int, str | None], threading.BoundedSemaphore] = {}
_process_slots_lock = threading.Lock()


def _take_heavy_slot(budget: WorkBudget) -> _HeavySlot | None:
    """Take a heavy slot without waiting; None when every one is taken (in this process or, with a lock folder, by
    any process sharing it: flock locks are held by open files, so they exclude threads and processes alike and are
    released when a process dies)."""
    import fcntl

    with _process_slots_lock:
        semaphore = _process_slots.setdefault((budget.slots, budget.lock_folder),
                                              threading.BoundedSemaphore(budget.slots))
    if not semaphore.acquire(blocking=False):
        return None
    if budget.lock_folder is None:
        return _HeavySlot(semaphore, None)
    for number in range(budget.slots):
        try:
            os.makedirs(budget.lock_folder, exist_ok=True)
            fd = os.open(os.path.join(budget.lock_folder, f"heavy-work-{number}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return _HeavySlot(semaphore, None)  # no folder to share slots through: this process's slots only
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        return _HeavySlot(semaphore, fd)
    semaphore.release()
    return None


@dataclass(frozen=True)
class _Source:
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


def estimated_provisions(size: int, media_type: str | None = None) -> int:
    """Estimate the provisions of a body of `size` bytes not read yet, from its media type alone (AKN by default):
    enough to tell that it may be heavy work, not to refuse it as too costly."""
    if media_type == importers.DOCX:
        return size // _BYTES_PER_PROVISION["docx"]
    if media_type in importers.IMPORTABLE:
        return size // _BYTES_PER_PROVISION["text"]
    return size // _BYTES_PER_PROVISION["akn"]


def _fetch(db: Database, side: RedlineSide, principal: Principal | None = None) -> _Source:
    if side.document_id is None:
        return _Source(side.data, side.media_type)
    stored = get_document(db, side.document_id, side.version, principal=principal)
    version = stored.version
    return _Source(version.xml.encode("utf-8"), None, side.document_id, version.number, version.content_hash,
                   version.created_at)


def _stored_versions(db: Database, sides: list[tuple[int, int | None]], principal: Principal | None = None
                     ) -> list[tuple[int, str]]:
    """Return (number, content hash) of each stored version named (None: the latest) in one query, without reading
    the documents themselves; 404 for an unknown one, or one the principal may not see."""
    if not sides:
        return []
    values = {}
    for n, (document_id, number) in enumerate(sides):
        values[f"document_{n}"], values[f"number_{n}"] = document_id, number
    # a plain connection, not an ORM session: this runs in every cached request, and only reads a few columns
    with db.engine.connect().execution_options(**{READ_ONLY_OPTION: True}) as connection:
        rows = connection.execute(_versions_query(len(sides)), values).all()
    found = []
    for document_id, number in sides:
        row = next((r for r in rows if r.id == document_id
                    and r.number == (number if number is not None else r.latest_version)), None)
        if row is None or not may_read(row, principal):
            which = f" version {number}" if number else ""
            raise NotFoundError(f"no document {document_id}{which}")
        found.append((row.number, row.content_hash))
    return found


@functools.lru_cache(maxsize=32)
def _versions_query(count: int):
    """The query of _stored_versions for `count` versions, built once: every cached redline and report runs it, and
    building and keying a statement costs more than running it."""
    wanted = [and_(Version.document_id == bindparam(f"document_{n}"),
                   Version.number == func.coalesce(bindparam(f"number_{n}", type_=Integer), Document.latest_version))
              for n in range(count)]
    return (select(Document.id, Document.latest_version, Document.visibility, Document.created_by,
                   Document.deleted_at, Version.number, Version.content_hash)
            .join(Document, Document.id == Version.document_id).where(or_(*wanted)))


def redline_etag(db: Database, old: RedlineSide, new: RedlineSide, output_format: str, view: str, *,
                 principal: Principal | None = None) -> str | None:
    """The strong entity tag of a redline of two stored versions (None when either side is an upload); 404 for a
    stored side the principal may not see."""
    if old.document_id is None or new.document_id is None:
        # an upload is never cached; a stored side must still exist and be visible to the principal
        _stored_versions(db, [(s.document_id, s.version) for s in (old, new) if s.document_id is not None], principal)
        return None
    (_, old_hash), (_, new_hash) = _stored_versions(
        db, [(old.document_id, old.version), (new.document_id, new.version)], principal)
    key = f"{REDLINE_ENGINE_VERSION}|{old_hash}|{new_hash}|{output_format}|{view}"
    return "r-" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _redline_tree(source: _Source):
    """Parse (or import) one side of a redline; return its tree, its summary and when it was saved."""
    from drafting.compare import summary

    if source.document_id is not None:
        root = akn.parse_akn(source.data).root
        return (root, summary(root, document_id=source.document_id, version=source.version, xml=source.data),
                source.saved_at)
    if source.media_type in importers.IMPORTABLE:
        root = importers.import_upload(source.data, source.media_type).root
        return root, summary(root), None
    root = akn.parse_akn(source.data).root
    return root, summary(root, xml=source.data), None


_UNKNOWN = object()


def redline(db: Database, old: RedlineSide, new: RedlineSide, *, output_format: str = "json",
            view: str = "inline", principal: Principal | None = None, cache: Cache | None = None,
            budget: WorkBudget = DEFAULT_BUDGET, etag=_UNKNOWN) -> RenderedRedline:
    """Compare two documents and render the redline; redlines of stored versions are cached by content.

    `etag` is the redline's entity tag when the caller has just computed it (redline_etag), to save a lookup;
    `budget` decides whether the comparison may start now (BusyError, WorkTooLargeError).
    """
    from drafting.compare import MEDIA_TYPES, compare, render

    store = _redline_cache if cache is None else cache
    # the access check comes first: a cached redline is served only to whoever may see both sides
    if etag is _UNKNOWN:
        etag = redline_etag(db, old, new, output_format, view, principal=principal)
    if etag is not None and (entry := store.get(etag)) is not None:
        media_type, filename, body = _unpack(entry)
        return RenderedRedline(body, media_type, etag, filename)
    sources = [_fetch(db, old, principal), _fetch(db, new, principal)]
    with budget.admit(sum(source.provisions for source in sources), "this redline"):
        (old_root, old_summary, old_saved), (new_root, new_summary, new_saved) = map(_redline_tree, sources)
        result = compare(old_root, new_root, old=old_summary, new=new_summary)
        # stored versions: revisions are dated by the later save, so the same redline is the same bytes
        dated = max(d for d in (old_saved, new_saved) if d) if (old_saved and new_saved) else None
        body = render(result, output_format, new_root=new_root, old_root=old_root, view=view, date=dated)
    names = [f"{s.document_id}v{s.version}" if s.document_id else "upload" for s in (old_summary, new_summary)]
    extension = {"json": "json", "html": "html", "akn": "xml", "docx": "docx"}[output_format]
    rendered = RenderedRedline(body, MEDIA_TYPES[output_format], etag, f"redline-{names[0]}-{names[1]}.{extension}")
    if etag is not None:
        store.set(etag, _pack(rendered.media_type, rendered.filename, body))
    return rendered


# --- safeguards -------------------------------------------------------------------------------------------------

GAPS_FORMATS = ("json", "html")
GAPS_MEDIA_TYPES = {"json": "application/json", "html": "text/html"}
GAPS_REPORT_VERSION = "1"  # part of every gaps report's entity tag: bump it when the contract or the page changes
_FINDINGS_CACHE_ENTRIES = 512
_GAPS_CACHE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class RenderedGaps:
    """A rendered gaps report and how to send it."""

    body: bytes
    media_type: str
    etag: str | None


@dataclass(frozen=True)
class AdoptedVersion(StoredVersion):
    """The version of a draft that adopted a provision, with where it went and what the drafter should check."""

    adoption: dict = field(default_factory=dict)


_findings_cache: dict[tuple[str, str], tuple] = {}
_gaps_cache = _RenderedCache(_GAPS_CACHE_BYTES)


def _rubric_key() -> str:
    """Name the rubric in force: id, version and a digest of its rules and of the engine's code (tuning either
    changes the key, so that no cache or entity tag outlives a change of the findings)."""
    global _rubric_key_memo
    from drafting.analysis import load_rubric

    rubric = load_rubric()
    memo = _rubric_key_memo
    if memo is not None and memo[0] is rubric:  # every report's entity tag needs it: compute it once per rubric
        return memo[1]
    digest = hashlib.sha256(repr((rubric.safeguards, rubric.patterns)).encode("utf-8"))
    digest.update(_engine_digest().encode("ascii"))
    key = f"{rubric.id}@{rubric.version}#{digest.hexdigest()[:16]}"
    _rubric_key_memo = (rubric, key)
    return key


_rubric_key_memo: tuple[object, str] | None = None


@functools.cache
def _engine_digest() -> str:
    try:
        code = resources.files("drafting.analysis").joinpath("engine.py").read_bytes()
    except OSError:  # an installation without sources: the rubric's version has to say it all
        return ""
    return hashlib.sha256(code).hexdigest()


def _findings(root, content_hash: str | None) -> tuple:
    """Evaluate a document; findings of the same content under the same rubric are computed once."""
    from drafting.analysis import evaluate

    if content_hash is None:
        return evaluate(root)
    key = (content_hash, _rubric_key())
    found = _findings_cache.pop(key, None)
    if found is None:
        found = evaluate(root)
    _findings_cache[key] = found
    while len(_findings_cache) > _FINDINGS_CACHE_ENTRIES:
        _findings_cache.pop(next(iter(_findings_cache)))
    return found


def _stored_identities(db: Database, sides: list[tuple[int, int | None]], principal: Principal | None = None
                       ) -> list[str]:
    """Return "id:version:hash" of each stored version named (None = the latest); 404 for an unknown one, or one
    the principal may not see."""
    versions = _stored_versions(db, sides, principal)
    return [f"{document_id}:{number}:{content_hash}"
            for (document_id, _), (number, content_hash) in zip(sides, versions, strict=True)]


def gaps_etag(db: Database, draft: RedlineSide, against: tuple[int, ...] = (), output_format: str = "json", *,
              principal: Principal | None = None) -> str | None:
    """The strong entity tag of the gaps report of stored versions (None when the draft is an upload)."""
    if draft.document_id is None:
        return None
    identities = _stored_identities(db, [(draft.document_id, draft.version), *((i, None) for i in against)],
                                    principal)
    key = "|".join([GAPS_REPORT_VERSION, _rubric_key(), output_format, *identities])
    return "g-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def _gaps_tree(source: _Source, options: dict | None = None):
    """Return a document's tree, its summary for the report and its content hash (None for an upload)."""
    from drafting.analysis.report import document_summary

    if source.document_id is not None:
        root = akn.parse_akn(source.data).root
        summary = document_summary(root, document_id=source.document_id, version=source.version)
        return root, summary, source.content_hash
    if source.media_type in importers.IMPORTABLE:
        root = importers.import_upload(source.data, source.media_type, **_import_options(options or {})).root
    else:
        root = akn.parse_akn(source.data).root
    return root, document_summary(root), None


def _gaps_sources(db: Database, draft: RedlineSide, against: tuple[int, ...], principal: Principal | None
                  ) -> list[_Source]:
    return [_fetch(db, draft, principal), *(_fetch(db, RedlineSide(document_id=i), principal) for i in against)]


def _gaps_cost(sources: list[_Source]) -> int:
    """Estimate the provisions to evaluate, in units of comparison work (findings already known cost nothing)."""
    rubric = _rubric_key()
    unknown = [s for s in sources if s.content_hash is None or (s.content_hash, rubric) not in _findings_cache]
    return GAPS_COST_FACTOR * sum(source.provisions for source in unknown)


def _gaps_of(sources: list[_Source], options: dict | None) -> dict:
    from drafting.analysis.report import build_result

    root, summary, content = _gaps_tree(sources[0], options)
    compared = []
    for source in sources[1:]:
        other_root, other_summary, other_hash = _gaps_tree(source)
        compared.append((other_summary, _findings(other_root, other_hash)))
    return build_result(summary, _findings(root, content), compared)


def gaps_result(db: Database, draft: RedlineSide, against: tuple[int, ...] = (), *,
                options: dict | None = None, principal: Principal | None = None,
                budget: WorkBudget = DEFAULT_BUDGET) -> dict:
    """Judge every safeguard in a draft (stored or uploaded) and compare it with stored documents."""
    sources = _gaps_sources(db, draft, against, principal)
    with budget.admit(_gaps_cost(sources), "this safeguard report"):
        return _gaps_of(sources, options)


def gaps(db: Database, draft: RedlineSide, against: tuple[int, ...] = (), *, output_format: str = "json",
         options: dict | None = None, principal: Principal | None = None, cache: Cache | None = None,
         budget: WorkBudget = DEFAULT_BUDGET, etag=_UNKNOWN) -> RenderedGaps:
    """Render the gaps report as JSON or HTML; reports of stored versions are cached by content.

    `etag`, `cache` and `budget` as for redline()."""
    import json

    if output_format not in GAPS_FORMATS:
        raise NotAcceptableError(f"expected a gaps format among {', '.join(GAPS_FORMATS)}, found {output_format!r}")
    store = _gaps_cache if cache is None else cache
    if etag is _UNKNOWN:
        etag = gaps_etag(db, draft, against, output_format, principal=principal)
    if etag is not None and (entry := store.get(etag)) is not None:
        media_type, _, body = _unpack(entry)
        return RenderedGaps(body, media_type, etag)
    sources = _gaps_sources(db, draft, against, principal)
    with budget.admit(_gaps_cost(sources), "this safeguard report"):
        result = _gaps_of(sources, options)
        if output_format == "html":
            from drafting.analysis.report import render_html

            body = render_html(result).encode("utf-8")
        else:
            body = json.dumps(result, ensure_ascii=False).encode("utf-8")
    rendered = RenderedGaps(body, GAPS_MEDIA_TYPES[output_format], etag)
    if etag is not None:
        store.set(etag, _pack(rendered.media_type, "", body))
    return rendered


def _adopt(db: Database, draft_root, *, from_id: int, eid: str, from_version: int | None, after: str | None,
           principal: Principal | None = None):
    """Adopt a provision of a stored document into a draft tree (copied); return the adoption and its details."""
    from drafting.analysis.adopt import adopt_provision

    source = get_document(db, from_id, from_version, principal=principal)
    source_root = akn.parse_akn(source.version.xml.encode("utf-8")).root
    source_uri = source.version.frbr_expression_uri or source.document.frbr_work_uri
    adoption = adopt_provision(draft_root, source_root, eid, after=after, source_uri=source_uri)
    details = {**adoption.as_dict(), "from": from_id, "from_version": source.version.number, "source_eId": eid,
               "source": source_uri}
    return adoption, details


def _refuse_invalid_adoption(prepared: PreparedDocument, *, draft_was_valid: bool, eid: str, from_id: int) -> None:
    """A strictly valid draft stays valid: refuse an adoption that would break it."""
    if not prepared.valid and draft_was_valid:
        validation = prepared.report["validation"]
        raise SchemaInvalidError(
            f"adopting {eid} from document {from_id} would make the draft invalid AKN 3.0 "
            f"({validation['error_count']} errors); the first: {validation['errors'][0]['message']}",
            extra={"validation": validation},
        )


def adopt_suggestion(
    db: Database, draft_id: int, *, base_version: int, from_id: int, eid: str, from_version: int | None = None,
    after: str | None = None, author: str | None, message: str | None = None, principal: Principal | None = None,
) -> AdoptedVersion:
    """Adopt a provision of another stored document into a draft, as a new version of the draft."""
    draft = get_document(db, draft_id, base_version, principal=principal)
    draft_root = akn.parse_akn(draft.version.xml.encode("utf-8")).root
    adoption, details = _adopt(db, draft_root, from_id=from_id, eid=eid, from_version=from_version, after=after,
                               principal=principal)
    root = adoption.root
    work_uri = draft.document.frbr_work_uri
    if _is_akn_work_uri(work_uri):
        language = akn.read_identification(root).language or "eng"
        akn.set_identity(root, work_uri, expression_date=_today(), language=language)
    prepared = prepare(root)
    _refuse_invalid_adoption(prepared, draft_was_valid=draft.version.valid, eid=eid, from_id=from_id)
    stored = _append_version(
        db, draft_id, prepared, base_version=base_version, author=author,
        message=message or f"adopted {adoption.num or eid} from {details['source']}#{eid}",
        principal=principal, action="document.adopted",
        detail={"from": from_id, "from_version": details["from_version"], "eId": eid},
    )
    return AdoptedVersion(document=stored.document, version=stored.version, report=stored.report, adoption=details)


@dataclass(frozen=True)
class AdoptedDraft:
    """An unsaved draft with an adopted provision, and where it went."""

    xml: bytes
    adoption: dict
    report: dict = field(default_factory=dict)


def adopt_into(db: Database, draft_xml: bytes, from_id: int, eid: str, from_version: int | None = None,
               after: str | None = None, *, principal: Principal | None = None) -> AdoptedDraft:
    """Adopt a provision of a stored document into an uploaded draft and return the new draft; store nothing."""
    parsed = akn.parse_akn(draft_xml)
    draft_was_valid = akn.validate(parsed.root, strict=True).valid
    adoption, details = _adopt(db, parsed.root, from_id=from_id, eid=eid, from_version=from_version, after=after,
                               principal=principal)
    prepared = prepare(adoption.root, notes=parsed.notes)
    _refuse_invalid_adoption(prepared, draft_was_valid=draft_was_valid, eid=eid, from_id=from_id)
    return AdoptedDraft(xml=prepared.xml, adoption=details, report=prepared.report)


# --- merging concurrent edits -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeOutcome:
    """What merging a drafter's unsaved document with the latest version gives: the items (with their choices),
    the merged AKN once every conflict has a choice, and the latest version to save it on (If-Match: its ETag)."""

    items: tuple
    xml: bytes | None
    latest_version: int
    etag: str

    @property
    def complete(self) -> bool:
        return self.xml is not None


def merge(db: Database, document_id: int, data: bytes, base_version: int, choices: dict | None = None, *,
          latest_version: int | None = None, principal: Principal | None = None) -> MergeOutcome:
    """Merge an unsaved document, edited from `base_version`, with the latest version, provision by provision;
    store nothing. `latest_version`, when given, is the version the choices were made against (412 if another
    save came since)."""
    from drafting.compare.merge import merge as merge_documents

    mine = akn.parse_akn(data).root
    base = get_document(db, document_id, base_version, principal=principal)
    latest = get_document(db, document_id, principal=principal)
    if latest_version is not None and latest_version != latest.version.number:
        raise StaleVersionError(
            f"the choices were made against version {latest_version}, but version {latest.version.number} has been "
            "saved since; merge again without choices to see what it changed",
            extra={"latest_version": latest.version.number},
        )
    base_root = akn.parse_akn(base.version.xml.encode("utf-8")).root
    theirs_root = akn.parse_akn(latest.version.xml.encode("utf-8")).root
    expected, found = akn.read_identification(base_root).work_uri, akn.read_identification(mine).work_uri
    if found != expected:
        raise ConflictError(
            f"expected the work {expected} of version {base_version} in the uploaded <meta>, found {found}"
        )
    akn.repair_eids(mine)  # as a save would: provisions the editor added without an eId get one
    result = merge_documents(base_root, mine, theirs_root, choices or {})
    return MergeOutcome(
        items=result.items,
        xml=akn.serialize(result.root) if result.root is not None else None,
        latest_version=latest.version.number,
        etag=etag_of(latest.version),
    )


# --- the library ------------------------------------------------------------------------------------------------


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
    scope = _listing_scope(principal)
    with db.session(read_only=True) as session:
        rows, total = repository.list_library(
            session, jurisdiction=jurisdiction, kind=kind, q=q, offset=offset, limit=limit, **scope
        )
        kinds, jurisdictions = repository.library_facets(session, **scope)
    entries = [LibraryEntry(document=document, valid=bool(valid), saved_at=saved_at)
               for document, valid, saved_at in rows]
    return LibraryPage(entries=entries, total=total, kinds=kinds, jurisdictions=jurisdictions)


def redline_fragment(db: Database, old: RedlineSide, new: RedlineSide, *, view: str = "inline",
                     principal: Principal | None = None, cache: Cache | None = None,
                     budget: WorkBudget = DEFAULT_BUDGET) -> str:
    """Compare two documents and render the redline as a part of a page (safe Markup); cached like redline()."""
    from markupsafe import Markup

    from drafting.compare import compare
    from drafting.compare.html import render_fragment

    store = _redline_cache if cache is None else cache
    etag = redline_etag(db, old, new, "html-fragment", view, principal=principal)
    entry = store.get(etag) if etag is not None else None
    if entry is not None:
        body = _unpack(entry)[2]
    else:
        sources = [_fetch(db, old, principal), _fetch(db, new, principal)]
        with budget.admit(sum(source.provisions for source in sources), "this redline"):
            (old_root, old_summary, _), (new_root, new_summary, _) = map(_redline_tree, sources)
            body = render_fragment(compare(old_root, new_root, old=old_summary, new=new_summary),
                                   view=view).encode("utf-8")
        if etag is not None:
            store.set(etag, _pack("text/html", "", body))
    return Markup(body.decode("utf-8"))  # noqa: S704 - rendered by an autoescaping template
