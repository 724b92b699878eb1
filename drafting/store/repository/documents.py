"""Reads and writes of documents and their versions, the library listing, and the versions read for entity tags."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Engine, Integer, Row, and_, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, undefer

from drafting.errors import ConflictError, DraftingError, NotFoundError, StaleVersionError
from drafting.store.db import READ_ONLY_OPTION
from drafting.store.models import (
    VISIBILITIES,
    Document,
    Version,
    utcnow,
)


def create_document(
    session: Session,
    *,
    frbr_work_uri: str,
    work_uri_is_unique: bool = True,
    doc_type: str,
    name: str | None,
    jurisdiction: str | None,
    title: str,
    number: str | None,
    date: str | None,
    xml: str,
    content_hash: str,
    frbr_expression_uri: str | None,
    author: str | None,
    message: str | None,
    valid: bool,
    validation: dict[str, Any],
    visibility: str = "shared",
) -> Version:
    """Add a work and its version 1; ConflictError if a unique work URI is already stored."""
    _check_visibility(visibility)
    work_key = frbr_work_uri if work_uri_is_unique else None
    if work_key is not None and _work_key_taken(session, work_key):
        raise _work_exists(session, frbr_work_uri)
    document = Document(
        frbr_work_uri=frbr_work_uri,
        work_key=work_key,
        doc_type=doc_type,
        name=name,
        jurisdiction=jurisdiction,
        title=title,
        number=number,
        date=date,
        latest_version=1,
        created_by=author,
        visibility=visibility,
    )
    version = Version(
        document=document,
        number=1,
        parent_number=None,
        xml=xml,
        content_hash=content_hash,
        frbr_expression_uri=frbr_expression_uri,
        author=author,
        message=message,
        valid=valid,
        validation=validation,
    )
    try:
        with session.begin_nested():
            session.add_all([document, version])
    except IntegrityError as error:
        # Another transaction stored the same work between our check and our insert.
        if work_key is None or not _work_key_taken(session, work_key):
            raise
        raise _work_exists(session, frbr_work_uri) from error
    return version


def save_version(
    session: Session,
    document_id: int,
    *,
    base_version: int,
    xml: str,
    content_hash: str,
    frbr_expression_uri: str | None,
    author: str | None,
    message: str | None,
    valid: bool,
    validation: dict[str, Any],
    title: str | None = None,
) -> Version:
    """Append version base_version + 1 if base_version is the latest; StaleVersionError otherwise."""
    # FOR UPDATE makes a concurrent save on PostgreSQL wait here and then read the new latest_version;
    # on SQLite the transaction already holds the write lock (BEGIN IMMEDIATE).
    document = session.scalars(
        select(Document).where(Document.id == document_id).with_for_update().execution_options(populate_existing=True)
    ).one_or_none()
    if document is None:
        raise NotFoundError(f"no document with id {document_id}", extra={"document_id": document_id})
    if base_version != document.latest_version:
        raise _stale(base_version, document.latest_version)
    version = Version(
        document_id=document.id,
        number=base_version + 1,
        parent_number=base_version,
        xml=xml,
        content_hash=content_hash,
        frbr_expression_uri=frbr_expression_uri,
        author=author,
        message=message,
        valid=valid,
        validation=validation,
    )
    try:
        with session.begin_nested():
            session.add(version)
            document.latest_version = version.number
            if title is not None:
                document.title = title
    except IntegrityError as error:
        # The unique (document_id, number) constraint caught a save that slipped past the lock.
        latest = session.scalar(select(func.max(Version.number)).where(Version.document_id == document_id))
        raise _stale(base_version, latest) from error
    return version


def rename_work(
    session: Session,
    document: Document,
    *,
    frbr_work_uri: str,
    jurisdiction: str | None,
    number: str | None,
    date: str | None,
) -> Document:
    """Give a work a new (unique) FRBR work URI; ConflictError if another work has it."""
    if frbr_work_uri != document.work_key and _work_key_taken(session, frbr_work_uri):
        raise _work_exists(session, frbr_work_uri)
    try:
        with session.begin_nested():
            document.frbr_work_uri = frbr_work_uri
            document.work_key = frbr_work_uri
            document.jurisdiction = jurisdiction
            document.number = number
            document.date = date
    except IntegrityError as error:
        raise _work_exists(session, frbr_work_uri) from error
    return document


def _work_key_taken(session: Session, work_key: str) -> bool:
    return session.scalar(select(Document.id).where(Document.work_key == work_key)) is not None


def get_document(session: Session, document_id: int) -> Document | None:
    """Return the document with this id, or None."""
    return session.get(Document, document_id)


def get_document_by_uri(session: Session, frbr_work_uri: str) -> Document | None:
    """Return the (first) document with this FRBR work URI, or None."""
    return session.scalars(
        select(Document).where(Document.frbr_work_uri == frbr_work_uri).order_by(Document.id).limit(1)
    ).one_or_none()


def get_version(session: Session, document_id: int, number: int | None = None) -> Version | None:
    """Return a version with its XML loaded (the latest when number is None), or None."""
    query = select(Version).where(Version.document_id == document_id).options(undefer(Version.xml))
    if number is not None:
        query = query.where(Version.number == number)
    return session.scalars(query.order_by(Version.number.desc()).limit(1)).first()


def list_versions(session: Session, document_id: int) -> list[Version]:
    """Return the history of a document, oldest first, without loading the XML of each version."""
    return list(session.scalars(select(Version).where(Version.document_id == document_id).order_by(Version.number)))


def list_documents(
    session: Session,
    *,
    jurisdiction: str | None = None,
    doc_type: str | None = None,
    q: str | None = None,
    offset: int = 0,
    limit: int = 50,
    include_private: bool = True,
    owner: str | None = None,
) -> tuple[list[Document], int]:
    """Return one page of live documents ordered by id, and how many match in all (private ones: see `_listed`).

    Filters are bound parameters, `q` matches itself (LIKE wildcards escaped), and offset and limit are clamped.
    """
    if _unmatchable(jurisdiction, doc_type, q):
        return [], 0
    offset, limit = _page_bounds(offset, limit)
    conditions = _listed(include_private, owner)
    if jurisdiction is not None:
        conditions.append(Document.jurisdiction == jurisdiction)
    if doc_type is not None:
        conditions.append(Document.doc_type == doc_type)
    if q:
        conditions.append(Document.title.ilike(f"%{_escape_like(q)}%", escape="\\"))
    total = session.scalar(select(func.count()).select_from(Document).where(*conditions)) or 0
    documents = session.scalars(
        select(Document).where(*conditions).order_by(Document.id).offset(offset).limit(limit)
    ).all()
    return list(documents), total


MAX_PAGE_SIZE = 1000
MAX_OFFSET = 2**31 - 1


def _page_bounds(offset: int, limit: int) -> tuple[int, int]:
    """Clamp a page to what SQL takes and the service serves: offset 0..2^31-1, limit 1..1000."""
    return min(max(int(offset), 0), MAX_OFFSET), min(max(int(limit), 1), MAX_PAGE_SIZE)


def _unmatchable(*filters: str | None) -> bool:
    """Tell whether a text filter holds NUL: no stored text does (XML cannot), and PostgreSQL refuses it in SQL."""
    return any(text is not None and "\x00" in text for text in filters)


def set_visibility(session: Session, document: Document, visibility: str) -> Document:
    """Make a document shared or private."""
    _check_visibility(visibility)
    document.visibility = visibility
    session.flush()
    return document


def mark_deleted(session: Session, document_id: int, *, base_version: int, by: str | None) -> Document:
    """Mark a live document deleted (its versions stay) if base_version is its latest; StaleVersionError otherwise.

    Its work URI is released, so that the work can be created again.
    """
    document = session.scalars(
        select(Document).where(Document.id == document_id).with_for_update().execution_options(populate_existing=True)
    ).one_or_none()
    if document is None or document.deleted_at is not None:
        raise NotFoundError(f"no document with id {document_id}", extra={"document_id": document_id})
    if base_version != document.latest_version:
        raise _stale(base_version, document.latest_version)
    document.deleted_at = utcnow()
    document.deleted_by = by
    document.work_key = None
    session.flush()
    return document


def _listed(include_private: bool, owner: str | None) -> list:
    """The conditions of a listing: live documents only; private ones only when include_private, or to their owner."""
    conditions = [Document.deleted_at.is_(None)]
    if not include_private:
        shared = Document.visibility == "shared"
        # a None owner would compare as IS NULL and show the private documents that have no creator
        conditions.append(shared if owner is None else shared | (Document.created_by == owner))
    return conditions


def _check_visibility(visibility: str) -> None:
    if visibility not in VISIBILITIES:
        raise DraftingError(
            f"expected a visibility among {', '.join(VISIBILITIES)}; found {visibility!r}",
            extra={"visibility": visibility},
        )


def _escape_like(text: str) -> str:
    """Make LIKE wildcards in user input match themselves (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _work_exists(session: Session, frbr_work_uri: str) -> ConflictError:
    """The 409 for a work URI another document holds: the same words whoever holds it and whoever asks. It gives the
    holder's id only when the holder is shared, which every user may read; of a private one (its title, owner, id)
    it says nothing, not even that it is private."""
    extra = {"frbr_work_uri": frbr_work_uri}
    shared = session.scalar(select(Document.id).where(Document.work_key == frbr_work_uri,
                                                      Document.visibility == "shared"))
    if shared is not None:
        extra["document_id"] = shared
    return ConflictError(f"a work with the URI {frbr_work_uri} already exists", extra=extra)


def _stale(base_version: int, latest: int | None) -> StaleVersionError:
    return StaleVersionError(
        f"version {base_version} is not the latest; the latest is {latest}",
        extra={"base_version": base_version, "latest_version": latest},
    )


def document_kind():
    """The SQL expression of a document's kind as people name it: the AKN `name` ("ordinance"), else its type."""
    return func.coalesce(Document.name, Document.doc_type)


def list_library(
    session: Session,
    *,
    jurisdiction: str | None = None,
    kind: str | None = None,
    q: str | None = None,
    offset: int = 0,
    limit: int = 50,
    include_private: bool = True,
    owner: str | None = None,
) -> tuple[list[tuple[Document, bool, Any]], int]:
    """Return one page of live documents, each with its latest version's validity and save time (most recently
    saved first), and how many match in all; one query for the page, whatever its length. Filters and the page
    are treated as in list_documents."""
    if _unmatchable(jurisdiction, kind, q):
        return [], 0
    offset, limit = _page_bounds(offset, limit)
    conditions = _listed(include_private, owner)
    if jurisdiction is not None:
        conditions.append(Document.jurisdiction == jurisdiction)
    if kind is not None:
        conditions.append(document_kind() == kind)
    if q:
        pattern = f"%{_escape_like(q)}%"
        conditions.append(
            Document.title.ilike(pattern, escape="\\") | Document.frbr_work_uri.ilike(pattern, escape="\\")
        )
    total = session.scalar(select(func.count()).select_from(Document).where(*conditions)) or 0
    # only the two columns of the latest version: its validation report and XML stay in the database
    rows = session.execute(
        select(Document, Version.valid, Version.created_at)
        .join(Version, (Version.document_id == Document.id) & (Version.number == Document.latest_version))
        .where(*conditions)
        .order_by(Version.created_at.desc(), Document.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return [(row[0], row[1], row[2]) for row in rows], total


def library_facets(
    session: Session, *, include_private: bool = True, owner: str | None = None
) -> tuple[list[str], list[str]]:
    """Return the kinds and the jurisdictions of the listed documents, each sorted, for the library's filters."""
    listed = _listed(include_private, owner)
    kinds = session.scalars(select(document_kind()).where(*listed).distinct().order_by(document_kind())).all()
    jurisdictions = session.scalars(
        select(Document.jurisdiction)
        .where(Document.jurisdiction.is_not(None), *listed)
        .distinct()
        .order_by(Document.jurisdiction)
    ).all()
    return list(kinds), list(jurisdictions)


def versions_by_id(engine: Engine, sides: list[tuple[int, int | None]]) -> list[Row]:
    """Return, for each (document id, version number or None for the latest) asked, the row of that version with
    its document's id, latest version, visibility, owner and deletion, and its number and content hash; one query
    on a plain read-only connection, not an ORM session: every cached redline and report runs it, and it only reads
    a few columns."""
    values = {}
    for n, (document_id, number) in enumerate(sides):
        values[f"document_{n}"], values[f"number_{n}"] = document_id, number
    with engine.connect().execution_options(**{READ_ONLY_OPTION: True}) as connection:
        return list(connection.execute(_versions_by_id_query(len(sides)), values).all())


@functools.lru_cache(maxsize=32)
def _versions_by_id_query(count: int):
    """The query of versions_by_id for `count` versions, built once: building and keying a statement costs more
    than running it."""
    wanted = [and_(Version.document_id == bindparam(f"document_{n}"),
                   Version.number == func.coalesce(bindparam(f"number_{n}", type_=Integer), Document.latest_version))
              for n in range(count)]
    return (select(Document.id, Document.latest_version, Document.visibility, Document.created_by,
                   Document.deleted_at, Version.number, Version.content_hash)
            .join(Document, Document.id == Version.document_id).where(or_(*wanted)))
