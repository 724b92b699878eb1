"""Documents: prepare an upload for the store, create, save, rename and restore versions, read them, export them
for filing, and load the samples."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

from drafting import akn
from drafting.errors import ConflictError, InvalidDocumentError, NotFoundError, SchemaInvalidError
from drafting.store import Database, repository
from drafting.store.models import Document, Version

from .access import accessible, check_access, check_visibility, listing_scope
from .values import PreparedDocument, Principal, StoredVersion


def is_akn_work_uri(uri: str) -> bool:
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
    return is_akn_work_uri(uri) or bool(_ABSOLUTE_URI.match(uri))


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


def create(db: Database, prepared: PreparedDocument, *, author: str | None, message: str | None,
            visibility: str = "shared") -> StoredVersion:
    check_visibility(visibility)
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
    return create(db, prepare_upload(data), author=author, message=message or "uploaded", visibility=visibility)


def create_document_from_template(
    db: Database, template: str, *, title: str, jurisdiction: str, number: str, date: str | None, author: str | None,
    visibility: str = "shared",
) -> StoredVersion:
    """Create a new, strictly valid document from a template."""
    root = akn.build_document(template, title=title, jurisdiction=jurisdiction, number=number, date=date)
    return create(db, prepare(root), author=author, message=f"created from the {template} template",
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
    if is_akn_work_uri(work_uri):
        # a new version is a new expression dated today; meta must say so
        akn.set_identity(parsed.root, work_uri, expression_date=today(), language=ident.language or "eng")
    return append_version(
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
    akn.set_identity(root, work_uri, expression_date=today(), language=language)
    return append_version(
        db, document_id, prepare(root),
        base_version=base_version, author=author,
        message=message or f"renamed from {current.document.frbr_work_uri} to {work_uri}",
        rename=True, principal=principal, action="document.renamed",
        detail={"from": current.document.frbr_work_uri, "to": work_uri},
    )


def append_version(
    db: Database, document_id: int, prepared: PreparedDocument, *, base_version: int, author: str | None,
    message: str | None, rename: bool = False, principal: Principal | None = None, action: str = "document.saved",
    detail: dict | None = None,
) -> StoredVersion:
    """Store a prepared document as the next version, and its audit event, in one transaction."""
    ident = prepared.identification
    with db.session() as session:
        # checked again where the version is written: the document may have turned private since it was read
        accessible(session, document_id, principal)
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


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def get_document(db: Database, document_id: int, version: int | None = None, *,
                 principal: Principal | None = None) -> StoredVersion:
    """Return a document with its latest version, or the numbered one."""
    with db.session(read_only=True) as session:
        document = accessible(session, document_id, principal)
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
            **listing_scope(principal),
        )


def list_versions(db: Database, document_id: int, *, principal: Principal | None = None
                  ) -> tuple[Document, list[Version]]:
    """Return a document and its versions, oldest first."""
    with db.session(read_only=True) as session:
        document = accessible(session, document_id, principal)
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
            accessible(session, document_id, principal)
            repository.add_audit_event(
                session, "document.exported", actor=principal.name if principal else None, document_id=document_id,
                version=stored.version.number, detail={"filename": filename, "content_hash": exported.content_hash},
            )
    return exported


def etag_of(version: Version) -> str:
    """Return the strong entity tag of a stored version (without quotes)."""
    return f"v{version.number}-{version.content_hash[:24]}"


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
        added.append(create(db, prepared, author=author, message="sample document"))
    return added
