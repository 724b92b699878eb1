"""POST /api/documents/{id}/merge: a save that got 412 merged with the latest version, item by item, nothing stored."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from drafting.akn import parse_akn, validate, xpath

AKN = "application/akn+xml"
FIXTURE = Path(__file__).parent / "fixtures" / "akn" / "small-bill.xml"


def stored(client, auth) -> tuple[int, str]:
    response = client.post("/api/documents", data=FIXTURE.read_bytes(), headers=auth(**{"Content-Type": AKN}))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"], response.headers["ETag"]


def reworded(xml: bytes, eid: str, words: str) -> bytes:
    root = parse_akn(xml).root
    xpath(root, "//akn:body//*[@eId=$eid]//akn:p", eid=eid)[0].text = words
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def version_xml(client, auth, document: int, number: int) -> bytes:
    return client.get(f"/api/documents/{document}/versions/{number}", headers=auth(Accept=AKN)).data


def save(client, auth, document: int, data: bytes, etag: str):
    return client.put(f"/api/documents/{document}", data=data,
                      headers=auth(**{"Content-Type": AKN, "If-Match": etag}))


def concurrent_edits(client, auth, mine_words: str, theirs_words: str, mine_eid="sec_3__subsec_a",
                     theirs_eid="sec_5__subsec_a") -> tuple[int, bytes]:
    """Store v1; someone saves v2; return the document and my edit of v1, which a save now refuses with 412."""
    document, etag = stored(client, auth)
    v1 = version_xml(client, auth, document, 1)
    assert save(client, auth, document, reworded(v1, theirs_eid, theirs_words), etag).status_code == 200
    mine = reworded(v1, mine_eid, mine_words)
    assert save(client, auth, document, mine, etag).status_code == 412
    return document, mine


def post_merge(client, auth, document: int, mine: bytes, role="drafter", **extra):
    body = {"akn": mine.decode("utf-8"), "base_version": 1, **extra}
    return client.post(f"/api/documents/{document}/merge", json=body, headers=auth(role))


def test_non_overlapping_edits_merge_completely_and_save_on_the_latest_etag(client, auth):
    document, mine = concurrent_edits(client, auth, '"Agency", any department of the town.',
                                      "No agency shall buy a face surveillance system.")
    response = post_merge(client, auth, document, mine)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"items", "complete", "akn", "latest_version", "etag"}
    assert [(item["key"], item["kind"], item["choice"]) for item in body["items"]] == [
        ("sec_3", "mine-only", "mine"), ("sec_5", "theirs-only", "theirs")]
    item = body["items"][0]
    assert set(item) == {"key", "kind", "element", "base", "mine", "theirs", "mine_change", "theirs_change",
                         "default", "choice"}
    assert item["mine"] == {"eId": "sec_3", "num": "3.", "heading": "Definitions", "text": item["mine"]["text"]}
    assert "any department of the town" in item["mine"]["text"]
    assert body["complete"] is True and body["latest_version"] == 2
    latest = client.get(f"/api/documents/{document}", headers=auth())
    assert body["etag"] == latest.headers["ETag"]
    assert validate(parse_akn(body["akn"].encode()).root, strict=True).valid
    assert len(client.get(f"/api/documents/{document}/versions", headers=auth()).get_json()["versions"]) == 2
    saved = save(client, auth, document, body["akn"].encode("utf-8"), body["etag"])
    assert saved.status_code == 200 and saved.get_json()["version"] == 3
    text = version_xml(client, auth, document, 3).decode("utf-8")
    assert "any department of the town" in text and "shall buy a face" in text


def test_conflict_is_incomplete_until_chosen_then_takes_the_chosen_text(client, auth):
    document, mine = concurrent_edits(client, auth, "No agency shall use a face surveillance system.",
                                      "No agency shall buy a face surveillance system.", mine_eid="sec_5__subsec_a")
    open_conflict = post_merge(client, auth, document, mine).get_json()
    assert open_conflict["complete"] is False and open_conflict["akn"] is None
    [item] = open_conflict["items"]
    assert (item["key"], item["kind"], item["default"], item["choice"]) == ("sec_5", "conflict", None, None)
    assert (item["mine_change"], item["theirs_change"]) == ("changed", "changed")
    assert "shall use a face" in item["mine"]["text"] and "shall buy a face" in item["theirs"]["text"]
    for side, words in (("mine", "shall use a face"), ("theirs", "shall buy a face")):
        chosen = post_merge(client, auth, document, mine, choices={"sec_5": side}).get_json()
        assert chosen["complete"] is True and chosen["items"][0]["choice"] == side
        assert words in chosen["akn"]


def test_choices_made_before_another_save_are_412(client, auth):
    document, mine = concurrent_edits(client, auth, "No agency shall use a face surveillance system.",
                                      "No agency shall buy a face surveillance system.", mine_eid="sec_5__subsec_a")
    first = post_merge(client, auth, document, mine).get_json()
    v2 = version_xml(client, auth, document, 2)
    third = reworded(v2, "sec_3__subsec_a", "A third edit.")
    assert save(client, auth, document, third, first["etag"]).status_code == 200
    stale = post_merge(client, auth, document, mine, choices={"sec_5": "mine"}, latest_version=first["latest_version"])
    assert stale.status_code == 412 and stale.get_json()["latest_version"] == 3
    again = post_merge(client, auth, document, mine, choices={"sec_5": "mine"}, latest_version=3)
    assert again.status_code == 200 and again.get_json()["complete"] is True
    assert "A third edit." in again.get_json()["akn"]


def test_choice_for_an_unknown_item_is_a_422_problem(client, auth):
    document, mine = concurrent_edits(client, auth, "Changed.", "Also changed.")
    response = post_merge(client, auth, document, mine, choices={"sec_99": "mine"})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["rule"] == "merge-choice-unknown" and body["unknown"] == ["sec_99"]
    wrong = post_merge(client, auth, document, mine, choices={"sec_3": "both"})
    assert wrong.status_code == 422 and "choices" in wrong.get_json()["errors"]["json"]


def test_merge_needs_the_drafter_role(client, auth):
    document, mine = concurrent_edits(client, auth, "Changed.", "Also changed.")
    assert post_merge(client, auth, document, mine, role="viewer").status_code == 403
    anonymous = client.post(f"/api/documents/{document}/merge", json={"akn": mine.decode(), "base_version": 1})
    assert anonymous.status_code == 401


def test_unknown_document_or_base_version_is_404(client, auth):
    document, mine = concurrent_edits(client, auth, "Changed.", "Also changed.")
    assert post_merge(client, auth, 999, mine).status_code == 404
    missing = client.post(f"/api/documents/{document}/merge", json={"akn": mine.decode(), "base_version": 9},
                          headers=auth())
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_hostile_or_malformed_xml_is_refused_by_the_parser(client, auth):
    document, _ = stored(client, auth)
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><akomaNtoso>&a;</akomaNtoso>'
    response = post_merge(client, auth, document, hostile)
    assert response.status_code == 400 and response.get_json()["rule"] == "unsafe-xml"
    assert post_merge(client, auth, document, b"<akomaNtoso").get_json()["rule"] == "malformed-xml"
    assert post_merge(client, auth, document, b"<html/>").get_json()["rule"] == "not-akn"


def test_document_of_another_work_is_409(client, auth):
    document, _ = stored(client, auth)
    other = FIXTURE.read_bytes().replace(b"face-surveillance", b"other-work")
    response = post_merge(client, auth, document, other)
    assert response.status_code == 409 and "expected the work" in response.get_json()["detail"]


def test_request_missing_fields_is_422_naming_them(client, auth):
    document, _ = stored(client, auth)
    response = client.post(f"/api/documents/{document}/merge", json={"akn": "<x/>"}, headers=auth())
    assert response.status_code == 422 and "base_version" in response.get_json()["errors"]["json"]


def test_merge_is_in_the_valid_openapi_document(client):
    from openapi_spec_validator import validate as validate_spec

    spec = client.get("/api/openapi.json").get_json()
    validate_spec(spec)
    operation = spec["paths"]["/api/documents/{document_id}/merge"]["post"]
    assert "200" in operation["responses"] and "requestBody" in operation
    assert {"MergeRequest", "MergeResult", "MergeItem"} <= set(spec["components"]["schemas"])
