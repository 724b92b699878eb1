"""Use cases: the only place that combines the store with the pure core.

Views and the CLI call these functions with a Database and plain values; they get plain values back
(frozen dataclasses or model instances detached from their session).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from importlib import resources

from werkzeug.security import check_password_hash, generate_password_hash

from drafting import akn, importers
from drafting.akn.frbr import Identification
from drafting.errors import (
    ConflictError,
    InvalidDocumentError,
    NotAcceptableError,
    NotFoundError,
    SchemaInvalidError,
    StaleVersionError,
)
from drafting.store import Database, repository
from drafting.store.models import Document, Version

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


def prepare(root, *, notes: tuple[str, ...] = (), import_report: dict | None = None) -> PreparedDocument:
    """Repair eIds, serialise canonically and validate strictly a parsed AKN tree."""
    repairs = akn.repair_eids(root)
    identification = akn.read_identification(root)
    xml = akn.serialize(root)
    validation = akn.validate(root, strict=True)
    report = {
        "validation": validation.as_dict(),
        "normalisation": list(notes),
        "eid_repairs": [repair.as_dict() for repair in repairs],
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


def _create(db: Database, prepared: PreparedDocument, *, author: str | None, message: str | None) -> StoredVersion:
    ident = prepared.identification
    with db.session() as session:
        version = repository.create_document(
            session,
            frbr_work_uri=ident.work_uri,
            work_uri_is_unique=_is_akn_work_uri(ident.work_uri),
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
        )
        return StoredVersion(document=version.document, version=version, report=prepared.report)


def create_document_from_xml(db: Database, data: bytes, *, author: str | None, message: str | None = None):
    """Store an uploaded AKN document as version 1 of a new work (invalid ones are kept with their report)."""
    return _create(db, prepare_upload(data), author=author, message=message or "uploaded")


def import_document(data: bytes, media_type: str, options: dict) -> tuple[PreparedDocument, dict]:
    """Import text or .docx into AKN without storing it; return the prepared document and the import report."""
    result = importers.import_upload(data, media_type, **_import_options(options))
    return prepare(result.root, import_report=result.report), result.report


def create_document_from_import(
    db: Database, data: bytes, media_type: str, options: dict, *, author: str | None
) -> StoredVersion:
    """Import text or .docx and store it as version 1 of a new work."""
    prepared, _ = import_document(data, media_type, options)
    if options.get("title"):
        # the title the uploader files it under, whatever the text prints
        prepared = replace(prepared, identification=replace(prepared.identification, title=options["title"]))
    return _create(db, prepared, author=author, message=options.get("message") or f"imported from {media_type}")


def _import_options(options: dict) -> dict:
    names = {"type": "doc_type", "jurisdiction": "jurisdiction", "title": "title", "number": "number", "date": "date",
             "default_number": "default_number"}
    return {target: options[source] for source, target in names.items() if options.get(source)}


def create_document_from_template(
    db: Database, template: str, *, title: str, jurisdiction: str, number: str, date: str | None, author: str | None
) -> StoredVersion:
    """Create a new, strictly valid document from a template."""
    root = akn.build_document(template, title=title, jurisdiction=jurisdiction, number=number, date=date)
    return _create(db, prepare(root), author=author, message=f"created from the {template} template")


def save_version(
    db: Database, document_id: int, data: bytes, *, base_version: int, author: str | None, message: str | None
) -> StoredVersion:
    """Append a new version of a work; the upload must name the same work and be based on the latest version."""
    parsed = akn.parse_akn(data)
    with db.session() as session:
        document = repository.get_document(session, document_id)
        if document is None:
            raise NotFoundError(f"no document with id {document_id}")
        work_uri = document.frbr_work_uri
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
        base_version=base_version, author=author, message=message,
    )


def rename_document(
    db: Database, document_id: int, frbr_uri: str, *, base_version: int, author: str | None, message: str | None = None
) -> StoredVersion:
    """Give a work a new FRBR work URI: a new version whose work, expression and manifestation all agree."""
    uri = akn.parse_frbr_uri(frbr_uri)
    current = get_document(db, document_id)
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
        rename=True,
    )


def _append_version(
    db: Database, document_id: int, prepared: PreparedDocument, *, base_version: int, author: str | None,
    message: str | None, rename: bool = False,
) -> StoredVersion:
    ident = prepared.identification
    with db.session() as session:
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
        return StoredVersion(document=version.document, version=version, report=prepared.report)


def restore_version(db: Database, document_id: int, number: int, *, base_version: int, author: str | None
                    ) -> StoredVersion:
    """Make an old version current again, as a new version (history is never rewritten)."""
    old = get_document(db, document_id, number)
    return save_version(db, document_id, old.version.xml.encode("utf-8"), base_version=base_version, author=author,
                        message=f"restored version {number}")


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def get_document(db: Database, document_id: int, version: int | None = None) -> StoredVersion:
    """Return a document with its latest version, or the numbered one."""
    with db.session(read_only=True) as session:
        document = repository.get_document(session, document_id)
        if document is None:
            raise NotFoundError(f"no document with id {document_id}")
        found = repository.get_version(session, document_id, version)
        if found is None:
            raise NotFoundError(f"document {document_id} has no version {version}")
        _ = found.xml  # load the deferred column while the session is open
        return StoredVersion(document=document, version=found, report=found.validation or {})


def list_documents(db: Database, *, jurisdiction=None, doc_type=None, q=None, offset=0, limit=50):
    """Return a page of documents and the total count."""
    with db.session(read_only=True) as session:
        return repository.list_documents(
            session, jurisdiction=jurisdiction, doc_type=doc_type, q=q, offset=offset, limit=limit
        )


def list_versions(db: Database, document_id: int) -> tuple[Document, list[Version]]:
    """Return a document and its versions, oldest first."""
    with db.session(read_only=True) as session:
        document = repository.get_document(session, document_id)
        if document is None:
            raise NotFoundError(f"no document with id {document_id}")
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


def export_document(db: Database, document_id: int, version: int | None = None) -> Export:
    """Make a stored version strictly valid for filing, or say with the report why it cannot be."""
    stored = get_document(db, document_id, version)
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
    return Export(filename=filename, xml=xml, content_hash=akn.content_hash(xml))


def etag_of(version: Version) -> str:
    """Return the strong entity tag of a stored version (without quotes)."""
    return f"v{version.number}-{version.content_hash[:24]}"


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
    """Return the stored form of an API token (tokens are random, so a plain SHA-256 is enough)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_user(db: Database, name: str, role: str, password: str | None = None) -> Principal:
    """Create an account; a password enables browser sign-in."""
    _check_role(role)
    password_hash = generate_password_hash(password) if password else None
    with db.session() as session:
        user = repository.create_user(session, name, role, password_hash)
        return Principal(user.name, user.role)


@dataclass(frozen=True)
class Account:
    """A user as an administrator sees it."""

    name: str
    role: str
    created_at: datetime
    has_password: bool
    tokens: int


def list_users(db: Database) -> list[Account]:
    """Return every account."""
    with db.session(read_only=True) as session:
        return [
            Account(user.name, user.role, user.created_at, user.password_hash is not None, len(user.tokens))
            for user in repository.list_users(session)
        ]


def set_role(db: Database, name: str, role: str) -> Principal:
    """Give an account another role."""
    _check_role(role)
    with db.session() as session:
        user = repository.set_user_role(session, name, role)
        return Principal(user.name, user.role)


def issue_token(db: Database, name: str, label: str = "") -> str:
    """Create a new API token for an existing account; return it (it is shown once)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.session() as session:
        user = repository.get_user(session, name)
        if user is None:
            raise NotFoundError(f"no user named {name!r}")
        repository.add_token(session, user, hash_token(token), label)
    return token


def set_password(db: Database, name: str, password: str) -> None:
    """Give an account a (new) password for browser sign-in."""
    with db.session() as session:
        repository.set_password_hash(session, name, generate_password_hash(password))


# checked against when the name is unknown, so that a wrong name costs as long as a wrong password
_NO_SUCH_USER_HASH = generate_password_hash("no such user")


def check_password(db: Database, name: str, password: str) -> Principal | None:
    """Return the principal whose name and password these are, or None."""
    with db.session(read_only=True) as session:
        user = repository.get_user(session, name[:80])
        stored = user.password_hash if user is not None and user.password_hash else _NO_SUCH_USER_HASH
        found = Principal(user.name, user.role) if user is not None and user.password_hash else None
    return found if check_password_hash(stored, password) and found is not None else None


def create_token(db: Database, name: str, role: str, label: str = "") -> tuple[Principal, str]:
    """Create a user if needed (with this role) and a new API token for them; return the token once."""
    _check_role(role)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.session() as session:
        user = repository.get_user(session, name)
        if user is None:
            user = repository.create_user(session, name, role)
        elif user.role != role:
            repository.set_user_role(session, user.name, role)
        repository.add_token(session, user, hash_token(token), label)
        return Principal(user.name, user.role), token


def authenticate_token(db: Database, token: str) -> Principal | None:
    """Return the principal an API token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    with db.session(read_only=True) as session:
        found = repository.find_token(session, digest)
        if found is None or not hmac.compare_digest(found.token_hash, digest):
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


class _RenderedCache:
    """Rendered redlines and reports of stored versions, by entity tag, bounded in bytes (oldest use goes first)."""

    def __init__(self, limit: int):
        self.limit, self.size, self.items = limit, 0, {}

    def get(self, key: str) -> RenderedRedline | None:
        found = self.items.pop(key, None)
        if found is not None:
            self.items[key] = found
        return found

    def put(self, key: str, value: RenderedRedline) -> None:
        if len(value.body) > self.limit:
            return
        self.items[key] = value
        self.size += len(value.body)
        while self.size > self.limit:
            _, oldest = self.items.pop(next(iter(self.items)))
            self.size -= len(oldest.body)


_redline_cache = _RenderedCache(_REDLINE_CACHE_BYTES)


def _stored_hash(db: Database, side: RedlineSide) -> str | None:
    if side.document_id is None:
        return None
    with db.session(read_only=True) as session:
        version = repository.get_version(session, side.document_id, side.version)
        if version is None:
            which = f" version {side.version}" if side.version else ""
            raise NotFoundError(f"no document {side.document_id}{which}")
        return version.content_hash


def redline_etag(db: Database, old: RedlineSide, new: RedlineSide, output_format: str, view: str) -> str | None:
    """The strong entity tag of a redline of two stored versions (None when either side is an upload)."""
    old_hash, new_hash = _stored_hash(db, old), _stored_hash(db, new)
    if old_hash is None or new_hash is None:
        return None
    key = f"{REDLINE_ENGINE_VERSION}|{old_hash}|{new_hash}|{output_format}|{view}"
    return "r-" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _load_side(db: Database, side: RedlineSide):
    from drafting.compare import summary

    if side.document_id is not None:
        stored = get_document(db, side.document_id, side.version)
        xml = stored.version.xml.encode("utf-8")
        root = akn.parse_akn(xml).root
        return (root, summary(root, document_id=side.document_id, version=stored.version.number, xml=xml),
                stored.version.created_at)
    if side.media_type in importers.IMPORTABLE:
        root = importers.import_upload(side.data, side.media_type).root
        return root, summary(root), None
    root = akn.parse_akn(side.data).root
    return root, summary(root, xml=side.data), None


def redline(db: Database, old: RedlineSide, new: RedlineSide, *, output_format: str = "json",
            view: str = "inline") -> RenderedRedline:
    """Compare two documents and render the redline; redlines of stored versions are cached by content."""
    from drafting.compare import MEDIA_TYPES, compare, render

    etag = redline_etag(db, old, new, output_format, view)
    if etag is not None:
        cached = _redline_cache.get(etag)
        if cached is not None:
            return cached
    old_root, old_summary, old_saved = _load_side(db, old)
    new_root, new_summary, new_saved = _load_side(db, new)
    result = compare(old_root, new_root, old=old_summary, new=new_summary)
    # stored versions: revisions are dated by the later save, so the same redline is the same bytes
    dated = max(d for d in (old_saved, new_saved) if d) if (old_saved and new_saved) else None
    body = render(result, output_format, new_root=new_root, old_root=old_root, view=view, date=dated)
    names = [f"{s.document_id}v{s.version}" if s.document_id else "upload" for s in (old_summary, new_summary)]
    extension = {"json": "json", "html": "html", "akn": "xml", "docx": "docx"}[output_format]
    rendered = RenderedRedline(body, MEDIA_TYPES[output_format], etag, f"redline-{names[0]}-{names[1]}.{extension}")
    if etag is not None:
        _redline_cache.put(etag, rendered)
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
    from drafting.analysis import load_rubric

    rubric = load_rubric()
    digest = hashlib.sha256(repr((rubric.safeguards, rubric.patterns)).encode("utf-8"))
    digest.update(_engine_digest().encode("ascii"))
    return f"{rubric.id}@{rubric.version}#{digest.hexdigest()[:16]}"


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


def _stored_identities(db: Database, sides: list[tuple[int, int | None]]) -> list[str]:
    """Return "id:version:hash" of each stored version named (None = the latest); 404 for an unknown one."""
    found = []
    with db.session(read_only=True) as session:
        for document_id, number in sides:
            version = repository.get_version(session, document_id, number)
            if version is None:
                which = f" version {number}" if number else ""
                raise NotFoundError(f"no document {document_id}{which}")
            found.append(f"{document_id}:{version.number}:{version.content_hash}")
    return found


def gaps_etag(db: Database, draft: RedlineSide, against: tuple[int, ...] = (), output_format: str = "json"
              ) -> str | None:
    """The strong entity tag of the gaps report of stored versions (None when the draft is an upload)."""
    if draft.document_id is None:
        return None
    identities = _stored_identities(db, [(draft.document_id, draft.version), *((i, None) for i in against)])
    key = "|".join([GAPS_REPORT_VERSION, _rubric_key(), output_format, *identities])
    return "g-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def _gaps_document(db: Database, side: RedlineSide, options: dict | None = None):
    """Return a document's tree, its summary for the report and its content hash (None for an upload)."""
    from drafting.analysis.report import document_summary

    if side.document_id is not None:
        stored = get_document(db, side.document_id, side.version)
        root = akn.parse_akn(stored.version.xml.encode("utf-8")).root
        summary = document_summary(root, document_id=stored.document.id, version=stored.version.number)
        return root, summary, stored.version.content_hash
    if side.media_type in importers.IMPORTABLE:
        root = importers.import_upload(side.data, side.media_type, **_import_options(options or {})).root
    else:
        root = akn.parse_akn(side.data).root
    return root, document_summary(root), None


def gaps_result(db: Database, draft: RedlineSide, against: tuple[int, ...] = (), *,
                options: dict | None = None) -> dict:
    """Judge every safeguard in a draft (stored or uploaded) and compare it with stored documents."""
    from drafting.analysis.report import build_result

    root, summary, content = _gaps_document(db, draft, options)
    compared = []
    for document_id in against:
        other_root, other_summary, other_hash = _gaps_document(db, RedlineSide(document_id=document_id))
        compared.append((other_summary, _findings(other_root, other_hash)))
    return build_result(summary, _findings(root, content), compared)


def gaps(db: Database, draft: RedlineSide, against: tuple[int, ...] = (), *, output_format: str = "json",
         options: dict | None = None) -> RenderedGaps:
    """Render the gaps report as JSON or HTML; reports of stored versions are cached by content."""
    import json

    if output_format not in GAPS_FORMATS:
        raise NotAcceptableError(f"expected a gaps format among {', '.join(GAPS_FORMATS)}, found {output_format!r}")
    etag = gaps_etag(db, draft, against, output_format)
    if etag is not None and (cached := _gaps_cache.get(etag)) is not None:
        return cached
    result = gaps_result(db, draft, against, options=options)
    if output_format == "html":
        from drafting.analysis.report import render_html

        body = render_html(result).encode("utf-8")
    else:
        body = json.dumps(result, ensure_ascii=False).encode("utf-8")
    rendered = RenderedGaps(body, GAPS_MEDIA_TYPES[output_format], etag)
    if etag is not None:
        _gaps_cache.put(etag, rendered)
    return rendered


def _adopt(db: Database, draft_root, *, from_id: int, eid: str, from_version: int | None, after: str | None):
    """Adopt a provision of a stored document into a draft tree (copied); return the adoption and its details."""
    from drafting.analysis.adopt import adopt_provision

    source = get_document(db, from_id, from_version)
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
    after: str | None = None, author: str | None, message: str | None = None,
) -> AdoptedVersion:
    """Adopt a provision of another stored document into a draft, as a new version of the draft."""
    draft = get_document(db, draft_id, base_version)
    draft_root = akn.parse_akn(draft.version.xml.encode("utf-8")).root
    adoption, details = _adopt(db, draft_root, from_id=from_id, eid=eid, from_version=from_version, after=after)
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
    )
    return AdoptedVersion(document=stored.document, version=stored.version, report=stored.report, adoption=details)


@dataclass(frozen=True)
class AdoptedDraft:
    """An unsaved draft with an adopted provision, and where it went."""

    xml: bytes
    adoption: dict
    report: dict = field(default_factory=dict)


def adopt_into(db: Database, draft_xml: bytes, from_id: int, eid: str, from_version: int | None = None,
               after: str | None = None) -> AdoptedDraft:
    """Adopt a provision of a stored document into an uploaded draft and return the new draft; store nothing."""
    parsed = akn.parse_akn(draft_xml)
    draft_was_valid = akn.validate(parsed.root, strict=True).valid
    adoption, details = _adopt(db, parsed.root, from_id=from_id, eid=eid, from_version=from_version, after=after)
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
          latest_version: int | None = None) -> MergeOutcome:
    """Merge an unsaved document, edited from `base_version`, with the latest version, provision by provision;
    store nothing. `latest_version`, when given, is the version the choices were made against (412 if another
    save came since)."""
    from drafting.compare.merge import merge as merge_documents

    mine = akn.parse_akn(data).root
    base = get_document(db, document_id, base_version)
    latest = get_document(db, document_id)
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


def list_library(db: Database, *, jurisdiction=None, kind=None, q=None, offset=0, limit=50) -> LibraryPage:
    """Return a page of the library: documents with their latest version's validity, filtered and searched."""
    with db.session(read_only=True) as session:
        rows, total = repository.list_library(
            session, jurisdiction=jurisdiction, kind=kind, q=q, offset=offset, limit=limit
        )
        kinds, jurisdictions = repository.library_facets(session)
    entries = [LibraryEntry(document=document, valid=bool(valid), saved_at=saved_at)
               for document, valid, saved_at in rows]
    return LibraryPage(entries=entries, total=total, kinds=kinds, jurisdictions=jurisdictions)


def redline_fragment(db: Database, old: RedlineSide, new: RedlineSide, *, view: str = "inline") -> str:
    """Compare two documents and render the redline as a part of a page (safe Markup); cached like redline()."""
    from markupsafe import Markup

    from drafting.compare import compare
    from drafting.compare.html import render_fragment

    etag = redline_etag(db, old, new, "html-fragment", view)
    cached = _redline_cache.get(etag) if etag is not None else None
    if cached is None:
        old_root, old_summary, _ = _load_side(db, old)
        new_root, new_summary, _ = _load_side(db, new)
        body = render_fragment(compare(old_root, new_root, old=old_summary, new=new_summary), view=view)
        cached = RenderedRedline(body.encode("utf-8"), "text/html", etag, "")
        if etag is not None:
            _redline_cache.put(etag, cached)
    return Markup(cached.body.decode("utf-8"))  # noqa: S704 - rendered by an autoescaping template
