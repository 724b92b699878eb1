"""services.sources: the documents a redline or a report reads (stored versions or uploads) and the identities of
stored versions, called directly with a store."""

from __future__ import annotations

import pytest

from drafting import services
from drafting.errors import NotFoundError
from drafting.services.sources import Source, fetch, stored_versions
from tests.app_fixtures import SAMPLES, sample_bytes

BILL = "ma-biometric-moratorium-bill.xml"
MILLBROOK = "us-ma-millbrook-ordinance-2019-7.xml"
OWNER = services.Principal("ada", "drafter")
OTHER = services.Principal("bob", "drafter")


def two_versions(database, *, visibility: str = "shared") -> int:
    created = services.create_document_from_xml(database, sample_bytes(MILLBROOK), author=OWNER.name,
                                                visibility=visibility)
    edited = created.version.xml.replace("shall not", "should not", 1).encode("utf-8")
    services.save_version(database, created.document.id, edited, base_version=1, author=OWNER.name, message=None)
    return created.document.id


def test_a_stored_side_is_fetched_with_its_number_hash_and_date_the_latest_when_none_is_named(database):
    document = two_versions(database)
    latest = services.get_document(database, document).version
    source = fetch(database, services.RedlineSide(document_id=document))
    assert (source.document_id, source.version, source.media_type) == (document, 2, None)
    assert (source.content_hash, source.saved_at) == (latest.content_hash, latest.created_at)
    assert source.data == latest.xml.encode("utf-8")
    first = fetch(database, services.RedlineSide(document_id=document, version=1))
    assert first.version == 1 and b"shall not" in first.data and first.content_hash != source.content_hash


def test_an_uploaded_side_is_fetched_as_given(database):
    text = (SAMPLES / "us-ma-millbrook-ordinance-2019-7.txt").read_bytes()
    source = fetch(database, services.RedlineSide(data=text, media_type="text/plain"))
    assert source == Source(text, "text/plain")
    assert (source.document_id, source.content_hash, source.saved_at) == (None, None, None)


def test_stored_versions_reads_the_number_and_hash_of_each_side_in_order(database):
    document = two_versions(database)
    bill = services.create_document_from_xml(database, sample_bytes(BILL), author=OWNER.name).version
    v1, v2 = (services.get_document(database, document, n).version for n in (1, 2))
    found = stored_versions(database, [(document, None), (bill.document_id, None), (document, 1)])
    assert found == [(2, v2.content_hash), (1, bill.content_hash), (1, v1.content_hash)]
    assert stored_versions(database, []) == []


def test_an_unknown_document_or_version_is_not_found(database):
    document = two_versions(database)
    with pytest.raises(NotFoundError, match=f"no document {document} version 3"):
        stored_versions(database, [(document, 1), (document, 3)])
    with pytest.raises(NotFoundError, match=f"no document {document + 1}$"):
        stored_versions(database, [(document + 1, None)])
    with pytest.raises(NotFoundError):
        fetch(database, services.RedlineSide(document_id=document, version=3))


def test_a_private_side_is_found_for_its_owner_and_not_for_another_drafter(database):
    document = two_versions(database, visibility="private")
    assert stored_versions(database, [(document, None)], OWNER)[0][0] == 2
    with pytest.raises(NotFoundError):
        stored_versions(database, [(document, None)], OTHER)
    with pytest.raises(NotFoundError):
        fetch(database, services.RedlineSide(document_id=document), OTHER)


def test_a_deleted_side_is_found_by_no_one(database):
    document = two_versions(database)
    services.delete_document(database, document, base_version=2, principal=OWNER)
    for principal in (None, OWNER, services.Principal("root", "admin")):
        with pytest.raises(NotFoundError):
            stored_versions(database, [(document, 1)], principal)


def test_the_work_of_a_source_grows_with_its_provisions_and_a_text_costs_its_import_too(database):
    bill, millbrook = Source(sample_bytes(BILL)), Source(sample_bytes(MILLBROOK))
    assert bill.provisions > millbrook.provisions > 0
    # an upload of a type that is not imported is read as AKN: as much work as the same document stored
    assert Source(sample_bytes(BILL), "application/akn+xml").provisions == bill.provisions
    text = (SAMPLES / "ma-biometric-moratorium-bill.txt").read_bytes()
    assert Source(text, "text/plain").provisions > bill.provisions
