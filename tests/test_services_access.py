"""services.access: who sees and changes a document (shared or private, deleted), visibility and the audit log,
called directly with a store and principals."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from drafting import services
from drafting.errors import InvalidDocumentError, NotFoundError, PermissionDeniedError, StaleVersionError
from drafting.store.models import Version
from tests.app_fixtures import sample_bytes

BILL = "ma-biometric-moratorium-bill.xml"
BAYPORT = "us-ma-bayport-ordinance-16-62.xml"
OWNER = services.Principal("ada", "drafter")
OTHER = services.Principal("bob", "drafter")
ADMIN = services.Principal("root", "admin")


def audit(database, action: str) -> list:
    return services.list_audit_events(database, principal=None, action=action)[0]


def stored(database, name: str = BILL, *, visibility: str = "shared", author: str = OWNER.name) -> int:
    return services.create_document_from_xml(database, sample_bytes(name), author=author,
                                             visibility=visibility).document.id


def test_a_private_document_is_not_found_for_another_drafter_exactly_as_an_unknown_id(database):
    private = stored(database, visibility="private")
    with pytest.raises(NotFoundError) as hidden:
        services.get_document(database, private, principal=OTHER)
    with pytest.raises(NotFoundError) as unknown:
        services.get_document(database, private + 1, principal=OTHER)
    assert hidden.value.detail == f"no document with id {private}"
    assert unknown.value.detail == f"no document with id {private + 1}"
    with pytest.raises(NotFoundError):
        services.check_access(database, private, OTHER)


def test_a_private_document_is_read_by_its_owner_and_by_admins(database):
    private = stored(database, visibility="private")
    for principal in (OWNER, ADMIN, None):
        assert services.get_document(database, private, principal=principal).document.visibility == "private"


def test_a_private_document_is_listed_only_for_its_owner_and_admins(database):
    private, shared = stored(database, visibility="private"), stored(database, BAYPORT)
    assert [d.id for d in services.list_documents(database, principal=OTHER)[0]] == [shared]
    for principal in (OWNER, ADMIN, None):
        assert [d.id for d in services.list_documents(database, principal=principal)[0]] == [private, shared]


def test_a_drafter_may_not_save_a_private_document_of_another_drafter(database):
    private = stored(database, visibility="private")
    xml = services.get_document(database, private).version.xml.encode("utf-8")
    with pytest.raises(NotFoundError):
        services.save_version(database, private, xml, base_version=1, author=OTHER.name, message=None,
                              principal=OTHER)
    assert services.get_document(database, private).document.latest_version == 1


def test_the_owner_changes_the_visibility_and_each_change_is_audited_once(database):
    document = stored(database)
    changed = services.set_visibility(database, document, "private", principal=OWNER)
    assert changed.document.visibility == "private" and changed.version.number == 1
    services.set_visibility(database, document, "private", principal=OWNER)  # the same again: nothing to record
    services.set_visibility(database, document, "shared", principal=ADMIN)
    assert services.get_document(database, document).document.visibility == "shared"
    events = audit(database, "document.access_changed")
    assert [(e.actor, e.detail) for e in events] == [("root", {"from": "private", "to": "shared"}),
                                                     ("ada", {"from": "shared", "to": "private"})]


def test_only_the_owner_or_an_admin_changes_the_visibility(database):
    document = stored(database)
    with pytest.raises(PermissionDeniedError, match="only the owner"):
        services.set_visibility(database, document, "private", principal=OTHER)
    assert services.get_document(database, document).document.visibility == "shared"
    assert audit(database, "document.access_changed") == []


def test_an_unknown_visibility_is_refused_and_stores_nothing(database):
    with pytest.raises(InvalidDocumentError, match="visibility"):
        stored(database, visibility="secret")
    document = stored(database)
    with pytest.raises(InvalidDocumentError):
        services.set_visibility(database, document, "hidden", principal=OWNER)
    assert [d.visibility for d in services.list_documents(database)[0]] == ["shared"]


def test_a_deleted_document_is_gone_for_everyone_its_versions_kept_and_its_uri_free(database):
    document = stored(database)
    services.delete_document(database, document, base_version=1, principal=OWNER)
    for principal in (OWNER, ADMIN, None):
        with pytest.raises(NotFoundError):
            services.get_document(database, document, principal=principal)
        assert services.list_documents(database, principal=principal) == ([], 0)
    with database.session(read_only=True) as session:
        assert session.scalar(select(func.count()).select_from(Version).where(Version.document_id == document)) == 1
    assert stored(database, author=OTHER.name) != document
    [event] = audit(database, "document.deleted")
    assert (event.actor, event.document_id, event.detail["frbr_work_uri"]) == (
        "ada", document, "/akn/us-ma/bill/2026/biometric-moratorium")


def test_deleting_on_a_stale_version_is_refused_and_deletes_nothing(database):
    document = stored(database)
    with pytest.raises(StaleVersionError):
        services.delete_document(database, document, base_version=2, principal=OWNER)
    assert services.get_document(database, document).document.deleted_at is None
    assert audit(database, "document.deleted") == []


def test_only_an_admin_or_the_drafter_who_created_a_document_deletes_it(database):
    document = stored(database)
    for principal in (OTHER, services.Principal(OWNER.name, "viewer")):
        with pytest.raises(PermissionDeniedError):
            services.delete_document(database, document, base_version=1, principal=principal)
    assert services.list_documents(database)[1] == 1
    services.delete_document(database, document, base_version=1, principal=ADMIN)
    assert services.list_documents(database)[1] == 0


def test_only_admins_read_the_audit_log(database):
    document = stored(database)
    with pytest.raises(PermissionDeniedError, match="for admins"):
        services.list_audit_events(database, principal=OWNER)
    events, total = services.list_audit_events(database, principal=ADMIN, document_id=document)
    assert total == 1 and [(e.action, e.actor) for e in events] == [("document.created", "ada")]
