"""Drafts in the making: adopting a provision of another document (as a new version, or into an unsaved draft) and
merging a drafter's unsaved document with versions saved since, provision by provision."""

from __future__ import annotations

from dataclasses import dataclass, field

from drafting import akn
from drafting.errors import ConflictError, SchemaInvalidError, StaleVersionError
from drafting.store import Database

from .documents import append_version, etag_of, get_document, is_akn_work_uri, prepare, today
from .values import PreparedDocument, Principal, StoredVersion


@dataclass(frozen=True)
class AdoptedVersion(StoredVersion):
    """The version of a draft that adopted a provision, with where it went and what the drafter should check."""

    adoption: dict = field(default_factory=dict)


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
    if is_akn_work_uri(work_uri):
        language = akn.read_identification(root).language or "eng"
        akn.set_identity(root, work_uri, expression_date=today(), language=language)
    prepared = prepare(root)
    _refuse_invalid_adoption(prepared, draft_was_valid=draft.version.valid, eid=eid, from_id=from_id)
    stored = append_version(
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
