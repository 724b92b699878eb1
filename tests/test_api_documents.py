"""The documents API: create, list, read, versions, optimistic concurrency, export, validate, limits."""

from __future__ import annotations

from lxml import etree

from drafting.akn import AKN_NS
from tests.app_fixtures import sample_bytes

AKN = "application/akn+xml"
BILL = "ma-biometric-moratorium-bill.xml"
TEMPLATE = {"template": "bill", "title": "Biometric Surveillance Moratorium", "jurisdiction": "us-ma",
            "number": "biometric-moratorium", "date": "2026-11-26"}


def create(client, auth, data=None, **kwargs):
    if data is None:
        return client.post("/api/documents", json=TEMPLATE, headers=auth())
    return client.post("/api/documents", data=data, headers=auth(**{"Content-Type": AKN}), **kwargs)


def assert_problem(response, status, words=""):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert words.lower() in body["detail"].lower()
    return body


def test_create_from_template_is_201_with_location_etag_and_valid_document(client, auth):
    response = create(client, auth)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/documents/{body['id']}")
    assert response.headers["ETag"] == f'"v1-{body["content_hash"][:24]}"'
    assert body["frbr_uri"] == "/akn/us-ma/bill/2026/biometric-moratorium"
    assert body["expression_uri"] == "/akn/us-ma/bill/2026/biometric-moratorium/eng@2026-11-26"
    assert body["valid"] is True
    assert body["provisions"][0]["eId"] == "sec_1"


def test_create_from_xml_keeps_the_document_and_reports_validation(client, auth):
    response = create(client, auth, sample_bytes(BILL))
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["report"]["validation"]["valid"] is True
    assert len(body["provisions"]) >= 12


def test_same_work_twice_is_409(client, auth):
    assert create(client, auth).status_code == 201
    assert_problem(create(client, auth), 409, "already")


def test_missing_token_is_401_with_www_authenticate(client):
    response = client.get("/api/documents")
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_bad_token_is_401(client):
    response = client.get("/api/documents", headers={"Authorization": "Bearer dft_not-a-token"})
    assert_problem(response, 401, "invalid")
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_viewer_cannot_create_403(client, auth):
    response = client.post("/api/documents", json=TEMPLATE, headers=auth("viewer"))
    assert_problem(response, 403, "drafter")


def test_health_and_openapi_need_no_token(client):
    assert client.get("/api/health").get_json() == {"status": "ok", "database": "ok"}
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/documents/{document_id}" in spec["paths"]
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_generated_openapi_document_is_valid_openapi_3(client):
    from openapi_spec_validator import validate

    validate(client.get("/api/openapi.json").get_json())


def test_list_filters_by_jurisdiction_type_and_title_text(client, auth):
    create(client, auth)
    create(client, auth, sample_bytes("us-ma-bayport-ordinance-16-62.xml"))
    listing = client.get("/api/documents", headers=auth("viewer")).get_json()
    assert listing["total"] == 2
    assert [d["doc_type"] for d in client.get("/api/documents?type=act", headers=auth()).get_json()["items"]] == [
        "act"
    ]
    assert client.get("/api/documents?jurisdiction=us-ma", headers=auth()).get_json()["total"] == 1
    assert client.get("/api/documents?q=MORATORIUM", headers=auth()).get_json()["total"] == 1
    assert client.get("/api/documents?q=%25", headers=auth()).get_json()["total"] == 0


def test_list_paging_is_clamped_by_the_schema(client, auth):
    assert_problem(client.get("/api/documents?per_page=100000", headers=auth()), 422)
    page = client.get("/api/documents?per_page=1&page=2", headers=auth()).get_json()
    assert page["page"] == 2 and page["per_page"] == 1


def test_get_returns_xml_when_asked(client, auth):
    doc_id = create(client, auth).get_json()["id"]
    response = client.get(f"/api/documents/{doc_id}", headers=auth(Accept=AKN))
    assert response.mimetype == AKN
    assert etree.fromstring(response.data).tag == f"{{{AKN_NS}}}akomaNtoso"


def test_get_with_current_etag_is_304(client, auth):
    created = create(client, auth)
    doc_id, etag = created.get_json()["id"], created.headers["ETag"]
    assert client.get(f"/api/documents/{doc_id}", headers=auth(**{"If-None-Match": etag})).status_code == 304


def test_unknown_document_is_404_problem(client, auth):
    assert_problem(client.get("/api/documents/999999", headers=auth()), 404, "no document")


def _edited(client, auth, doc_id, words="This act may be cited as the Edited Act."):
    xml = client.get(f"/api/documents/{doc_id}", headers=auth(Accept=AKN)).data
    root = etree.fromstring(xml)
    root.find(f".//{{{AKN_NS}}}section/{{{AKN_NS}}}content/{{{AKN_NS}}}p").text = words
    return etree.tostring(root)


def test_put_with_current_etag_appends_a_version(client, auth):
    created = create(client, auth)
    doc_id, etag = created.get_json()["id"], created.headers["ETag"]
    response = client.put(f"/api/documents/{doc_id}?message=retitle", data=_edited(client, auth, doc_id),
                          headers=auth(**{"Content-Type": AKN, "If-Match": etag}))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["version"] == 2
    versions = client.get(f"/api/documents/{doc_id}/versions", headers=auth()).get_json()["versions"]
    assert [(v["number"], v["message"]) for v in versions] == [(1, "created from the bill template"), (2, "retitle")]
    old = client.get(f"/api/documents/{doc_id}/versions/1", headers=auth()).get_json()
    assert old["version"] == 1 and "Untitled Act" in old["provisions"][0]["text"]


def test_put_without_if_match_is_428(client, auth):
    doc_id = create(client, auth).get_json()["id"]
    response = client.put(f"/api/documents/{doc_id}", data=_edited(client, auth, doc_id),
                          headers=auth(**{"Content-Type": AKN}))
    assert_problem(response, 428, "If-Match")


def test_put_with_stale_etag_is_412_and_writes_nothing(client, auth):
    created = create(client, auth)
    doc_id, etag = created.get_json()["id"], created.headers["ETag"]
    first = client.put(f"/api/documents/{doc_id}", data=_edited(client, auth, doc_id),
                       headers=auth(**{"Content-Type": AKN, "If-Match": etag}))
    assert first.status_code == 200
    second = client.put(f"/api/documents/{doc_id}", data=_edited(client, auth, doc_id, "Other words."),
                        headers=auth(**{"Content-Type": AKN, "If-Match": etag}))
    assert_problem(second, 412)
    assert len(client.get(f"/api/documents/{doc_id}/versions", headers=auth()).get_json()["versions"]) == 2


def test_put_of_another_work_is_409(client, auth):
    created = create(client, auth)
    doc_id, etag = created.get_json()["id"], created.headers["ETag"]
    response = client.put(f"/api/documents/{doc_id}", data=sample_bytes(BILL) .replace(b"biometric-moratorium", b"x"),
                          headers=auth(**{"Content-Type": AKN, "If-Match": etag}))
    assert_problem(response, 409, "expected the work")


def test_new_version_gets_an_expression_dated_today(client, auth):
    created = create(client, auth)
    doc_id, etag = created.get_json()["id"], created.headers["ETag"]
    saved = client.put(f"/api/documents/{doc_id}", data=_edited(client, auth, doc_id),
                       headers=auth(**{"Content-Type": AKN, "If-Match": etag})).get_json()
    from datetime import UTC, datetime

    assert saved["expression_uri"].endswith(f"/eng@{datetime.now(UTC).date().isoformat()}")


def test_export_is_a_strictly_valid_download_named_from_the_manifestation(client, auth):
    doc_id = create(client, auth).get_json()["id"]
    response = client.get(f"/api/documents/{doc_id}/export", headers=auth("viewer"))
    assert response.status_code == 200
    assert response.mimetype == AKN
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "akn-us-ma-bill-2026-biometric-moratorium-eng@2026-11-26-main.xml" in disposition
    from drafting.akn import parse_akn, validate

    assert validate(parse_akn(response.data).root).valid


def test_export_of_a_document_that_cannot_be_made_valid_is_422_with_report(client, auth):
    xml = sample_bytes(BILL).replace(b"<heading>", b"<heading><bogus/>", 1)
    created = create(client, auth, xml)
    assert created.status_code == 201
    assert created.get_json()["valid"] is False
    body = assert_problem(client.get(f"/api/documents/{created.get_json()['id']}/export", headers=auth()), 422)
    assert body["validation"]["errors"][0]["line"] > 0


def test_validate_reports_without_storing(client, auth):
    xml = sample_bytes(BILL).replace(b"<heading>", b"<heading><bogus/>", 1)
    report = client.post("/api/validate", data=xml, headers=auth("viewer", **{"Content-Type": AKN})).get_json()
    assert report["valid"] is False and report["errors"][0]["line"] > 0
    assert client.get("/api/documents", headers=auth()).get_json()["total"] == 0


def test_wrong_media_type_is_415(client, auth):
    response = client.post("/api/documents", data=b"hello", headers=auth(**{"Content-Type": "image/png"}))
    assert_problem(response, 415, "image/png")


def test_body_over_the_limit_is_413(app, client, auth):
    app.config["DRAFTING_MAX_UPLOAD_BYTES"] = 1000
    response = create(client, auth, b"<a>" + b"x" * 2000 + b"</a>")
    assert_problem(response, 413)


def test_malformed_template_request_is_422_problem_naming_the_field(client, auth):
    response = client.post("/api/documents", json={"template": "bill"}, headers=auth())
    body = assert_problem(response, 422, "title")
    assert "jurisdiction" in body["errors"]["json"]


def test_unknown_route_is_problem_json(client):
    assert_problem(client.get("/api/nothing-here"), 404)


def test_rename_makes_work_expression_and_manifestation_agree_in_a_new_version(client, auth):
    created = create(client, auth)
    doc_id, etag = created.get_json()["id"], created.headers["ETag"]
    response = client.post(f"/api/documents/{doc_id}/rename", json={"frbr_uri": "/akn/us-ma/bill/2027/h-1234"},
                           headers=auth(**{"If-Match": etag}))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["frbr_uri"], body["version"], body["number"], body["valid"]) == (
        "/akn/us-ma/bill/2027/h-1234", 2, "h-1234", True)
    root = etree.fromstring(client.get(f"/api/documents/{doc_id}", headers=auth(Accept=AKN)).data)
    values = root.xpath("//a:FRBRthis/@value", namespaces={"a": AKN_NS})
    assert all(v.startswith("/akn/us-ma/bill/2027/h-1234") for v in values) and len(values) == 3
    work_date = root.xpath("//a:FRBRWork/a:FRBRdate/@date", namespaces={"a": AKN_NS})[0]
    assert work_date.startswith("2027")
    assert client.get(f"/api/documents/{doc_id}/versions/1", headers=auth()).get_json()["frbr_uri"] == body["frbr_uri"]


def test_rename_onto_an_existing_work_is_409_and_writes_nothing(client, auth):
    create(client, auth, sample_bytes("us-ma-bayport-ordinance-16-62.xml"))
    created = create(client, auth, sample_bytes("us-ma-millbrook-ordinance-2019-7.xml"))
    doc_id, etag = created.get_json()["id"], created.headers["ETag"]
    response = client.post(f"/api/documents/{doc_id}/rename",
                           json={"frbr_uri": "/akn/us-ma-bayport/act/ordinance/2020/16-62"},
                           headers=auth(**{"If-Match": etag}))
    assert_problem(response, 409, "already exists")
    assert len(client.get(f"/api/documents/{doc_id}/versions", headers=auth()).get_json()["versions"]) == 1


def test_rename_to_another_document_type_is_422(client, auth):
    created = create(client, auth)
    response = client.post(f"/api/documents/{created.get_json()['id']}/rename",
                           json={"frbr_uri": "/akn/us-ma/act/2026/x"},
                           headers=auth(**{"If-Match": created.headers["ETag"]}))
    assert_problem(response, 422, "for a bill")


def test_rename_with_a_bad_uri_is_400(client, auth):
    created = create(client, auth)
    response = client.post(f"/api/documents/{created.get_json()['id']}/rename",
                           json={"frbr_uri": "not a uri"}, headers=auth(**{"If-Match": created.headers["ETag"]}))
    assert_problem(response, 400, "FRBR URI")
