"""POST /api/adopt: adopt a provision of a stored document into the editor's unsaved draft; nothing is stored."""

from __future__ import annotations

from drafting.akn import parse_akn, validate
from drafting.compare import compare
from tests.app_fixtures import sample_bytes

AKN = "application/akn+xml"
BILL = "ma-biometric-moratorium-bill.xml"
HARBORVIEW = "us-ma-harborview-ordinance-2021-2-128.xml"
EASTFIELD = "us-ma-eastfield-ordinance-2020-12.xml"


def stored(client, auth, name, data: bytes | None = None) -> int:
    response = client.post("/api/documents", data=data or sample_bytes(name), headers=auth(**{"Content-Type": AKN}))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def preview(client, auth, draft: bytes, source: int, eid: str, role="drafter", **extra):
    body = {"akn": draft.decode("utf-8"), "from_id": source, "eId": eid, **extra}
    return client.post("/api/adopt", json=body, headers=auth(role))


def test_adopting_into_an_unsaved_draft_returns_it_with_one_inserted_section(client, auth):
    other = stored(client, auth, HARBORVIEW)
    draft = sample_bytes(BILL)
    response = preview(client, auth, draft, other, "sec_2.128.050")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"akn", "adoption"}
    adoption = body["adoption"]
    assert adoption["eId"] == "sec_15" and adoption["num"] == "15."
    assert (adoption["from"], adoption["from_version"], adoption["source_eId"]) == (other, 1, "sec_2.128.050")
    assert adoption["source"].startswith("/akn/us-ma-harborview/act/ordinance/2021/2-128")
    assert adoption["note"] == "note_adopted_1" and isinstance(adoption["missing_definitions"], list)
    assert adoption["renumbered"] == [{"old": "15.", "new": "16."}, {"old": "16.", "new": "17."}]
    new_root = parse_akn(body["akn"].encode("utf-8")).root
    assert validate(new_root, strict=True).valid
    entries = compare(parse_akn(draft).root, new_root).alignment
    assert [e.status for e in entries].count("inserted") == 1
    assert all(e.status == "unchanged" for e in entries if e.status != "inserted")


def test_nothing_is_stored(client, auth):
    bill, other = stored(client, auth, BILL), stored(client, auth, HARBORVIEW)
    draft = client.get(f"/api/documents/{bill}", headers=auth(Accept=AKN)).data
    assert preview(client, auth, draft, other, "sec_2.128.050").status_code == 200
    assert len(client.get(f"/api/documents/{bill}/versions", headers=auth()).get_json()["versions"]) == 1
    assert len(client.get(f"/api/documents/{other}/versions", headers=auth()).get_json()["versions"]) == 1


def test_after_places_the_section_and_a_second_adoption_takes_the_next_note(client, auth):
    other = stored(client, auth, HARBORVIEW)
    first = preview(client, auth, sample_bytes(BILL), other, "sec_2.128.050", after="sec_2").get_json()
    assert first["adoption"]["eId"] == "sec_3"
    second = preview(client, auth, first["akn"].encode("utf-8"), other, "sec_2.128.050").get_json()
    assert second["adoption"]["note"] == "note_adopted_2"
    assert validate(parse_akn(second["akn"].encode("utf-8")).root, strict=True).valid


def test_from_version_names_a_stored_version(client, auth):
    other = stored(client, auth, HARBORVIEW)
    assert preview(client, auth, sample_bytes(BILL), other, "sec_2.128.050", from_version=1).status_code == 200
    missing = preview(client, auth, sample_bytes(BILL), other, "sec_2.128.050", from_version=9)
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_unknown_source_or_eid_is_404_and_a_non_provision_is_422(client, auth):
    other = stored(client, auth, HARBORVIEW)
    draft = sample_bytes(BILL)
    assert preview(client, auth, draft, 999, "sec_1").status_code == 404
    unknown = preview(client, auth, draft, other, "sec_99")
    assert unknown.status_code == 404 and "sec_99" in unknown.get_json()["detail"]
    assert preview(client, auth, draft, other, "sec_2.128.050", after="sec_99").status_code == 404
    odd = stored(client, auth, EASTFIELD,
                 sample_bytes(EASTFIELD).replace(b"<content>", b'<content eId="sec_1__content">', 1))
    not_provision = preview(client, auth, draft, odd, "sec_1__content")
    assert not_provision.status_code == 422 and "provision" in not_provision.get_json()["detail"]
    assert preview(client, auth, draft, other, "").status_code == 422


def test_hostile_or_malformed_draft_is_refused_by_the_parser(client, auth):
    other = stored(client, auth, HARBORVIEW)
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><akomaNtoso>&a;</akomaNtoso>'
    response = preview(client, auth, hostile, other, "sec_2.128.050")
    assert response.status_code == 400 and response.get_json()["rule"] == "unsafe-xml"
    assert preview(client, auth, b"<akomaNtoso", other, "sec_2.128.050").get_json()["rule"] == "malformed-xml"
    assert preview(client, auth, b"<html/>", other, "sec_2.128.050").get_json()["rule"] == "not-akn"


def test_adopt_preview_needs_the_drafter_role(client, auth):
    other = stored(client, auth, HARBORVIEW)
    assert preview(client, auth, sample_bytes(BILL), other, "sec_2.128.050", role="viewer").status_code == 403
    anonymous = client.post("/api/adopt", json={"akn": "<x/>", "from_id": other, "eId": "sec_1"})
    assert anonymous.status_code == 401


def test_request_missing_fields_is_422_naming_them(client, auth):
    response = client.post("/api/adopt", json={"eId": "sec_1"}, headers=auth())
    assert response.status_code == 422
    assert {"akn", "from_id"} <= set(response.get_json()["errors"]["json"])


def test_adopt_preview_is_in_the_valid_openapi_document(client):
    from openapi_spec_validator import validate as validate_spec

    spec = client.get("/api/openapi.json").get_json()
    validate_spec(spec)
    assert "requestBody" in spec["paths"]["/api/adopt"]["post"]
    assert {"AdoptPreviewRequest", "AdoptPreviewResult"} <= set(spec["components"]["schemas"])
