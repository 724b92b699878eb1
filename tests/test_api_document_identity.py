"""Documents from other systems are kept with the identity they give or, where they give none, one derived for them.

The report says which identity the store filed the document under and how it was found; the same file twice is the
same work (409), never a silent second copy.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from drafting.akn import AKN_NS
from tests.app_fixtures import sample_bytes

AKN = "application/akn+xml"
PROFILES = Path(__file__).resolve().parent / "fixtures" / "akn_profiles"
BILL = "ma-biometric-moratorium-bill.xml"

# file: (rule, work URI; None where the SHA-256 of the text names the work)
PROFILE_IDENTITIES = {
    "eu-akn4eu-join-2022-19-council-regulation-proposal.xml": ("metadata", "/akn/eu/bill/reg/2999-01-01/join-2022-19"),
    "eu-leos-bill-test-regulation-proposal.xml": ("text-hash", None),
    "lu-legilux-loi-2006-07-31-n2.xml": ("frbr-this", "http://data.legilux.public.lu/eli/etat/leg/loi/2006/07/31/n2/jo"),
    "lu-legilux-loi-2024-05-22-a199-draft.xml": ("text-hash", None),
    "it-normattiva-legge-2024-05-14-66.xml": ("stated", "/akn/it/act/legge/stato/2024-05-14/66"),
    "it-senato-ddl-2013-356.xml": ("stated", "/akn/it/bill/Ddl/2013-03-29/356"),
}
DERIVED = [name for name, (rule, _) in PROFILE_IDENTITIES.items() if rule != "stated"]


def post(client, auth, data: bytes):
    return client.post("/api/documents", data=data, headers=auth(**{"Content-Type": AKN}))


def words(xml: bytes) -> list[str]:
    return " ".join(etree.fromstring(xml).itertext()).split()


def stored_frbr_uri(client, auth, doc_id: int) -> str:
    stored = client.get(f"/api/documents/{doc_id}", headers=auth(Accept=AKN)).data
    return etree.fromstring(stored).xpath("//a:FRBRWork/a:FRBRuri/@value", namespaces={"a": AKN_NS})[0]


@pytest.mark.parametrize("name", PROFILE_IDENTITIES, ids=list(PROFILE_IDENTITIES))
def test_profile_document_is_kept_and_its_report_names_its_identity(client, auth, name):
    rule, work_uri = PROFILE_IDENTITIES[name]
    original = (PROFILES / name).read_bytes()
    created = post(client, auth, original)
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    identity = body["report"]["identity"]
    assert identity["rule"] == rule
    assert identity["derived"] is (rule != "stated")
    assert identity["work_uri"] == body["frbr_uri"]
    if work_uri:
        assert body["frbr_uri"] == work_uri
    else:
        assert body["frbr_uri"].startswith("ni:///sha-256;")
    assert identity["note"]
    stored = client.get(f"/api/documents/{body['id']}", headers=auth(Accept=AKN)).data
    assert words(stored) == words(original)


@pytest.mark.parametrize("name", DERIVED, ids=DERIVED)
def test_a_derived_identity_is_written_into_the_stored_frbr_uri(client, auth, name):
    body = post(client, auth, (PROFILES / name).read_bytes()).get_json()
    assert body["report"]["identity"]["written"] is True
    assert stored_frbr_uri(client, auth, body["id"]) == body["frbr_uri"]


@pytest.mark.parametrize("name", DERIVED, ids=DERIVED)
def test_the_same_file_twice_is_the_same_work_not_a_silent_copy(client, auth, name):
    data = (PROFILES / name).read_bytes()
    first = post(client, auth, data)
    assert first.status_code == 201
    second = post(client, auth, data)
    assert second.status_code == 409, second.get_data(as_text=True)
    assert second.mimetype == "application/problem+json"
    assert first.get_json()["frbr_uri"] in second.get_json()["detail"]
    assert client.get("/api/documents", headers=auth()).get_json()["total"] == 1


@pytest.mark.parametrize("name", DERIVED, ids=DERIVED)
def test_a_document_with_a_derived_identity_can_be_saved_again(client, auth, name):
    created = post(client, auth, (PROFILES / name).read_bytes())
    doc_id, etag, work_uri = created.get_json()["id"], created.headers["ETag"], created.get_json()["frbr_uri"]
    stored = client.get(f"/api/documents/{doc_id}", headers=auth(Accept=AKN)).data
    saved = client.put(f"/api/documents/{doc_id}?message=again", data=stored,
                       headers=auth(**{"Content-Type": AKN, "If-Match": etag}))
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert (saved.get_json()["version"], saved.get_json()["frbr_uri"]) == (2, work_uri)


def test_a_valid_document_without_frbr_uri_is_kept_and_exports_valid(client, auth):
    xml = sample_bytes(BILL).replace(b'<FRBRuri value="/akn/us-ma/bill/2026/biometric-moratorium"/>',
                                     b'<FRBRuri value=""/>', 1)
    assert b'<FRBRuri value=""/>' in xml
    created = post(client, auth, xml)
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    assert body["frbr_uri"] == "/akn/us-ma/bill/2026/biometric-moratorium"
    assert body["report"]["identity"]["rule"] == "frbr-this"
    assert body["valid"] is True
    exported = client.get(f"/api/documents/{body['id']}/export", headers=auth())
    assert exported.status_code == 200
    from drafting.akn import parse_akn, validate

    assert validate(parse_akn(exported.data).root).valid


def test_a_stated_identity_is_reported_as_stated(client, auth):
    body = post(client, auth, sample_bytes(BILL)).get_json()
    assert body["report"]["identity"] == {
        "work_uri": "/akn/us-ma/bill/2026/biometric-moratorium",
        "rule": "stated",
        "derived": False,
        "from": {"FRBRuri": "/akn/us-ma/bill/2026/biometric-moratorium"},
        "note": "the document names its work in FRBRWork/FRBRuri",
        "written": False,
    }
