"""services.documents: uploads prepared and stored, versions appended on the latest one only, renames, restores,
exports for filing and the samples, called directly with a store and plain values."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from drafting import akn, services
from drafting.errors import ConflictError, InvalidDocumentError, SchemaInvalidError, StaleVersionError
from tests.app_fixtures import sample_bytes

BILL = "ma-biometric-moratorium-bill.xml"
BILL_URI = "/akn/us-ma/bill/2026/biometric-moratorium"
BAYPORT = "us-ma-bayport-ordinance-16-62.xml"
SMALL_BILL = Path(__file__).parent / "fixtures" / "akn" / "small-bill.xml"  # /akn/us-ma/bill/2026/face-surveillance


def audit(database, action: str) -> list:
    return services.list_audit_events(database, principal=None, action=action)[0]


def version_numbers(database, document_id: int) -> list[int]:
    return [version.number for version in services.list_versions(database, document_id)[1]]


def reworded(xml: str | bytes, old: bytes, new: bytes) -> bytes:
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    assert old in data
    return data.replace(old, new, 1)


def invalid_bill() -> bytes:
    return reworded(sample_bytes(BILL), b"<heading>", b"<heading><bogus/>")


def test_an_upload_is_stored_as_version_1_with_its_report_and_its_creation_audited(database):
    stored = services.create_document_from_xml(database, sample_bytes(BILL), author="ada")
    assert (stored.version.number, stored.version.parent_number, stored.version.message) == (1, None, "uploaded")
    assert stored.document.frbr_work_uri == BILL_URI and stored.document.created_by == "ada"
    assert stored.version.valid is True and stored.report["validation"]["valid"] is True
    again = services.get_document(database, stored.document.id)
    assert again.version.content_hash == akn.content_hash(again.version.xml.encode("utf-8"))
    assert again.report == stored.report
    [event] = audit(database, "document.created")
    assert (event.actor, event.document_id, event.version) == ("ada", stored.document.id, 1)


def test_an_upload_that_is_not_strictly_valid_is_kept_with_its_errors(database):
    stored = services.create_document_from_xml(database, invalid_bill(), author="ada")
    assert stored.version.valid is False
    validation = services.get_document(database, stored.document.id).report["validation"]
    assert validation["valid"] is False and "bogus" in validation["errors"][0]["message"]


def test_missing_eids_of_an_upload_are_repaired_and_the_repairs_reported(database):
    stored = services.create_document_from_xml(database, reworded(sample_bytes(BILL), b' eId="sec_1"', b""),
                                               author="ada")
    assert stored.report["eid_repairs"] == [{"old": None, "new": "sec_1", "reason": "missing"}]
    provisions = services.provisions_of(services.get_document(database, stored.document.id).version)
    assert provisions[0]["eId"] == "sec_1"


def test_the_same_work_twice_is_refused_and_stores_nothing(database):
    services.create_document_from_xml(database, sample_bytes(BILL), author="ada")
    with pytest.raises(ConflictError, match=BILL_URI):
        services.create_document_from_xml(database, sample_bytes(BILL), author="bob")
    assert services.list_documents(database)[1] == 1
    assert len(audit(database, "document.created")) == 1


def test_a_template_makes_a_strictly_valid_version_1_named_from_its_parameters(database):
    stored = services.create_document_from_template(
        database, "ordinance", title="Surveillance Oversight", jurisdiction="us-ma-lee", number="2026-4",
        date="2026-03-01", author="ada",
    )
    assert stored.document.frbr_work_uri == "/akn/us-ma-lee/act/ordinance/2026/2026-4"
    assert (stored.document.title, stored.document.jurisdiction) == ("Surveillance Oversight", "us-ma-lee")
    assert stored.version.valid is True and stored.version.message == "created from the ordinance template"


def test_saving_on_the_latest_version_appends_the_next_as_an_expression_dated_today(database):
    created = services.create_document_from_xml(database, sample_bytes(BILL), author="ada")
    edited = reworded(created.version.xml, b"shall not", b"should not")
    saved = services.save_version(database, created.document.id, edited, base_version=1, author="bob",
                                  message="softened")
    today = datetime.now(UTC).date().isoformat()
    assert (saved.version.number, saved.version.parent_number, saved.version.author) == (2, 1, "bob")
    assert saved.version.frbr_expression_uri == f"{BILL_URI}/eng@{today}"
    latest = services.get_document(database, created.document.id)
    assert latest.document.latest_version == 2 and "should not" in latest.version.xml
    assert "should not" not in services.get_document(database, created.document.id, 1).version.xml
    [event] = audit(database, "document.saved")
    assert (event.actor, event.version, event.detail) == ("bob", 2, {"message": "softened"})


def test_saving_on_a_stale_base_version_is_refused_and_stores_nothing(database):
    created = services.create_document_from_xml(database, sample_bytes(BILL), author="ada")
    edited = reworded(created.version.xml, b"shall not", b"should not")
    services.save_version(database, created.document.id, edited, base_version=1, author="ada", message=None)
    with pytest.raises(StaleVersionError) as refused:
        services.save_version(database, created.document.id, edited, base_version=1, author="bob", message=None)
    assert refused.value.extra == {"base_version": 1, "latest_version": 2}
    assert version_numbers(database, created.document.id) == [1, 2]
    assert len(audit(database, "document.saved")) == 1


def test_saving_another_work_into_a_document_is_refused_and_stores_nothing(database):
    created = services.create_document_from_xml(database, sample_bytes(BILL), author="ada")
    with pytest.raises(ConflictError, match="us-ma-bayport"):
        services.save_version(database, created.document.id, sample_bytes(BAYPORT), base_version=1, author="ada",
                              message=None)
    assert version_numbers(database, created.document.id) == [1]


def test_restoring_an_old_version_appends_its_text_as_a_new_version(database):
    created = services.create_document_from_xml(database, sample_bytes(BILL), author="ada")
    edited = reworded(created.version.xml, b"shall not", b"should not")
    services.save_version(database, created.document.id, edited, base_version=1, author="ada", message=None)
    restored = services.restore_version(database, created.document.id, 1, base_version=2, author="bob")
    assert (restored.version.number, restored.version.message) == (3, "restored version 1")
    versions = [services.get_document(database, created.document.id, n).version for n in (1, 2, 3)]
    assert services.provisions_of(versions[2]) == services.provisions_of(versions[0])
    assert services.provisions_of(versions[2]) != services.provisions_of(versions[1])
    [event] = audit(database, "document.restored")
    assert event.detail == {"message": "restored version 1", "restored": 1}


def test_renaming_moves_the_work_to_a_new_uri_in_a_new_version_and_frees_the_old_one(database):
    created = services.create_document_from_xml(database, sample_bytes(BILL), author="ada")
    new_uri = "/akn/us-ma/bill/2026/biometric-pause"
    renamed = services.rename_document(database, created.document.id, new_uri, base_version=1, author="ada")
    assert renamed.version.number == 2 and renamed.version.frbr_expression_uri.startswith(f"{new_uri}/eng@")
    stored = services.get_document(database, created.document.id)
    assert stored.document.frbr_work_uri == new_uri
    assert akn.read_identification(akn.parse_akn(stored.version.xml.encode()).root).work_uri == new_uri
    again = services.create_document_from_xml(database, sample_bytes(BILL), author="bob")
    assert again.document.id != created.document.id and again.document.frbr_work_uri == BILL_URI


def test_renaming_onto_the_work_of_another_document_is_refused_and_stores_nothing(database):
    services.create_document_from_xml(database, sample_bytes(BILL), author="ada")
    small = services.create_document_from_xml(database, SMALL_BILL.read_bytes(), author="ada")
    with pytest.raises(ConflictError):
        services.rename_document(database, small.document.id, BILL_URI, base_version=1, author="ada")
    assert version_numbers(database, small.document.id) == [1]
    assert services.get_document(database, small.document.id).document.frbr_work_uri.endswith("face-surveillance")
    assert audit(database, "document.renamed") == []


def test_renaming_to_a_uri_of_another_document_type_is_refused(database):
    created = services.create_document_from_xml(database, sample_bytes(BILL), author="ada")
    with pytest.raises(InvalidDocumentError, match="expected a work URI for a bill"):
        services.rename_document(database, created.document.id, "/akn/us-ma/act/2026/biometric-moratorium",
                                 base_version=1, author="ada")
    assert version_numbers(database, created.document.id) == [1]


def test_an_export_is_strictly_valid_named_from_the_manifestation_and_audited(database):
    created = services.create_document_from_xml(database, sample_bytes(BILL), author="ada")
    viewer = services.Principal("vic", "viewer")
    exported = services.export_document(database, created.document.id, principal=viewer)
    assert exported.filename == "akn-us-ma-bill-2026-biometric-moratorium-eng@2026-01-20-main.xml"
    assert akn.validate(akn.parse_akn(exported.xml).root, strict=True).valid
    assert exported.content_hash == akn.content_hash(exported.xml)
    [event] = audit(database, "document.exported")
    assert (event.actor, event.detail["content_hash"]) == ("vic", exported.content_hash)
    services.export_document(database, created.document.id, principal=viewer, audited=False)
    assert len(audit(database, "document.exported")) == 1


def test_an_export_that_cannot_be_made_valid_is_refused_with_its_report_and_not_audited(database):
    created = services.create_document_from_xml(database, invalid_bill(), author="ada")
    with pytest.raises(SchemaInvalidError) as refused:
        services.export_document(database, created.document.id)
    assert refused.value.extra["validation"]["valid"] is False
    assert refused.value.extra["validation"]["errors"][0]["line"] > 0
    assert audit(database, "document.exported") == []


def test_validating_an_upload_reports_its_errors_and_stores_nothing(database):
    report = services.validate_upload(invalid_bill())
    assert report["valid"] is False and report["duplicate_eids"] == []
    assert services.list_documents(database) == ([], 0)


def test_seeding_stores_each_sample_once(database):
    added = services.seed(database)
    assert len(added) == 5 and {stored.version.author for stored in added} == {"seed"}
    assert services.seed(database) == []
    documents, total = services.list_documents(database)
    assert total == 5 and BILL_URI in {document.frbr_work_uri for document in documents}

