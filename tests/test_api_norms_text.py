"""POST /api/norms/read: the reading of a draft as it stands (the editor's unsaved text), one provision of it or all of
it, per norm its eId, citation, kind, construction, one-line reading and structured fields; nothing is stored."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from drafting import akn, services
from drafting.norms import norm_line, read_norms
from drafting.services.norms import read_draft_norms
from tests.app_fixtures import SAMPLES, sample_bytes
from tests.attack_payloads import BY_NAME, PASSWD_MARKER, Target
from tests.test_quoted_structures_documents import amending_bill

AKN = "application/akn+xml"
PROBLEM = "application/problem+json"
BILL = "ma-biometric-moratorium-bill.xml"
URL = "/api/norms/read"
NORM_KEYS = {"kind", "bearer", "modal", "actions", "verbs", "object", "negated", "construction", "conditions",
             "exceptions", "qualifiers", "time", "passive", "references", "eId", "citation", "lead_in", "quoted",
             "text", "line"}


def read(client, auth, draft: bytes, eid: str | None = None, role: str = "viewer", **headers):
    url = URL if eid is None else f"{URL}?eId={eid}"
    return client.post(url, data=draft, headers=auth(role, **{"Content-Type": AKN, **headers}))


def edited(draft: bytes, eid: str, old: str, new: str) -> bytes:
    """The draft with words of a provision's paragraph changed, as the editor changes them (nothing saved)."""
    root = akn.parse_akn(draft).root
    (paragraph,) = akn.xpath(root, "//*[@eId=$eid]/akn:content/akn:p", eid=eid)
    assert old in paragraph.text
    paragraph.text = paragraph.text.replace(old, new)
    return akn.serialize(root)


def stored_bill(client, auth) -> int:
    response = client.post("/api/documents", data=sample_bytes(BILL), headers=auth(**{"Content-Type": AKN}))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def assert_problem(response, status: int, rule: str, words: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:600]
    assert response.mimetype == PROBLEM
    problem = response.get_json()
    assert problem["status"] == status and problem["rule"] == rule, problem
    assert words in problem["detail"], problem
    return problem


# --- readings --------------------------------------------------------------------------------------------------------


def test_an_edited_unsaved_provision_is_read_as_it_stands_not_as_stored(client, auth):
    document = stored_bill(client, auth)
    stored = client.get(f"/api/documents/{document}/norms", headers=auth("viewer")).get_json()
    (before,) = [norm for norm in stored["norms"] if norm["eId"] == "sec_8__subsec_b"]
    assert before["kind"] == "prohibition"

    draft = client.get(f"/api/documents/{document}", headers=auth("viewer", Accept=AKN)).data
    response = read(client, auth, edited(draft, "sec_8__subsec_b", "shall not", "should not"), "sec_8__subsec_b")

    assert response.status_code == 200 and response.mimetype == "application/json", response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"reader", "provision", "norms"} and body["reader"] == stored["reader"]
    assert body["provision"] == {"eId": "sec_8__subsec_b", "element": "subsection", "num": "(b)", "heading": None,
                                 "citation": "8(b)", "quoted": False}
    (norm,) = body["norms"]
    assert set(norm) == NORM_KEYS
    assert (norm["eId"], norm["citation"], norm["kind"], norm["construction"]) == (
        "sec_8__subsec_b", "8(b)", "recommendation", "x-should-not")
    assert norm["bearer"] == "a public official" and norm["qualifiers"] == [{"kind": "mental-state",
                                                                            "words": "knowingly"}]
    assert norm["line"].startswith("8(b) recommendation (negated) · a public official · ")
    assert "should not be indemnified" in norm["text"]
    # nothing is stored: the document still reads as it did
    assert len(client.get(f"/api/documents/{document}/versions", headers=auth()).get_json()["versions"]) == 1


def test_each_norm_is_what_the_reader_reads_and_its_line_is_norm_line():
    draft = sample_bytes(BILL)
    reading = read_draft_norms(draft, "sec_2__subsec_a")
    expected = [norm for norm in read_norms(akn.parse_akn(draft).root) if norm.eId.startswith("sec_2__subsec_a")]
    assert [norm["line"] for norm in reading["norms"]] == [norm_line(norm) for norm in expected]
    assert reading["norms"] == [{**norm.as_dict(), "line": norm_line(norm)} for norm in expected]
    assert reading["norms"][0]["line"] == (
        "2(a)(1)(i) prohibition · no public agency or public official · acquire, possess, retain, access, use · "
        "a biometric surveillance system · except 4")


def test_an_item_is_read_with_the_lead_in_above_it(client, auth):
    body = read(client, auth, sample_bytes(BILL), "sec_2__subsec_a__para_2").get_json()
    (norm,) = body["norms"]
    assert norm["lead_in"] == "sec_2__subsec_a" and norm["kind"] == "prohibition"
    assert norm["bearer"] == "no public agency or public official"
    # and the lead-in, edited, changes the reading of its items
    root = akn.parse_akn(sample_bytes(BILL)).root
    (lead_in,) = akn.xpath(root, "//*[@eId='sec_2__subsec_a']/akn:intro/akn:p")
    lead_in.text = lead_in.text.replace("shall", "should")
    (norm,) = read(client, auth, akn.serialize(root), "sec_2__subsec_a__para_2").get_json()["norms"]
    assert norm["kind"] == "recommendation"


@pytest.mark.parametrize("name", sorted(path.name for path in SAMPLES.glob("*.xml")))
def test_the_reading_of_each_provision_is_the_documents_reading_of_it(name):
    draft = sample_bytes(name)
    root = akn.parse_akn(draft).root
    everything = read_norms(root)
    for provision in akn.iter_provisions(akn.extract_provisions(root)):
        within = {item.eId for item in provision.walk()}
        expected = [norm.as_dict() for norm in everything if norm.eId in within]
        found = [{key: value for key, value in norm.items() if key != "line"}
                 for norm in read_draft_norms(draft, provision.eId)["norms"]]
        assert found == expected, provision.eId


def test_a_quoted_structure_inside_an_amending_bill_is_read_as_its_own_law(client, auth):
    draft = akn.serialize(amending_bill())
    body = read(client, auth, draft, "sec_1__sec_220__subsec_b").get_json()
    assert body["provision"]["citation"] == "220(b)" and body["provision"]["quoted"] is True
    (norm,) = body["norms"]
    assert (norm["citation"], norm["kind"], norm["quoted"]) == ("220(b)", "prohibition", True)
    assert norm["bearer"] == "no public agency"
    assert norm["actions"] == ["acquire", "possess", "access", "use"]
    assert norm["line"].endswith("(quoted)")
    # the amending section reads as an instruction, and the law it inserts as that law, cited by its own numbers
    section = read(client, auth, draft, "sec_1").get_json()
    assert section["provision"]["quoted"] is False
    kinds = [(norm["citation"], norm["kind"], norm["construction"], norm["quoted"]) for norm in section["norms"]]
    assert kinds[0] == ("1", "none", "amending-instruction", False)
    assert ("220(b)", "prohibition", "no-x-shall", True) in kinds
    assert all(quoted for citation, _, _, quoted in kinds if citation.startswith("220"))


def test_a_provision_without_words_has_no_norms(client, auth):
    draft = edited(sample_bytes(BILL), "sec_8__subsec_b", "A public official who knowingly violates this act shall "
                   "not be indemnified by any public agency for any damages awarded under section 7.", "")
    body = read(client, auth, draft, "sec_8__subsec_b").get_json()
    assert body["provision"]["citation"] == "8(b)" and body["norms"] == []


def test_without_an_eid_the_whole_draft_is_read(client, auth):
    document = stored_bill(client, auth)
    stored = client.get(f"/api/documents/{document}/norms", headers=auth("viewer")).get_json()
    body = read(client, auth, sample_bytes(BILL)).get_json()
    assert body["provision"] is None
    assert [{key: value for key, value in norm.items() if key != "line"} for norm in body["norms"]] == stored["norms"]


def test_an_older_akn_namespace_is_read_like_akn_3(client, auth):
    draft = sample_bytes(BILL).replace(b"http://docs.oasis-open.org/legaldocml/ns/akn/3.0",
                                       b"http://www.akomantoso.org/2.0")
    body = read(client, auth, draft, "sec_8__subsec_b")
    assert body.status_code == 200, body.get_data(as_text=True)
    assert [norm["kind"] for norm in body.get_json()["norms"]] == ["prohibition"]


# --- refusals --------------------------------------------------------------------------------------------------------


def test_an_eid_no_element_has_is_404(client, auth):
    assert_problem(read(client, auth, sample_bytes(BILL), "sec_99"), 404, "not-found", "no provision with eId 'sec_99'")


def test_an_eid_that_names_no_provision_is_422(client, auth):
    draft = akn.serialize(amending_bill())
    root = akn.parse_akn(draft).root
    (structure,) = akn.xpath(root, "//akn:section[@eId='sec_1']//akn:quotedStructure")
    problem = assert_problem(read(client, auth, draft, structure.get("eId")), 422, "invalid-document",
                             "expected the eId of a provision")
    assert "found a <quotedStructure>" in problem["detail"]


@pytest.mark.parametrize("eid", ["sec%201", "%00", "x" * 501])
def test_an_eid_that_breaks_its_rule_is_refused(client, auth, eid):
    response = client.post(f"{URL}?eId={eid}", data=sample_bytes(BILL), headers=auth("viewer", **{"Content-Type": AKN}))
    assert response.status_code in (400, 422) and response.mimetype == PROBLEM, response.get_data(as_text=True)


@pytest.mark.parametrize(("name", "words"), [
    ("03-xxe-file.xml", "DOCTYPE declarations are not allowed"),
    ("external-dtd-passwd", "DOCTYPE declarations are not allowed"),
    ("undefined-entity", "entity"),
    ("xinclude-text-http", "XInclude elements are not allowed"),
    ("html-root-with-script", "expected an akomaNtoso root element"),
])
def test_a_hostile_body_is_refused_with_a_problem_and_echoes_nothing(client, auth, tmp_path, name, words):
    payload = BY_NAME[name]
    response = read(client, auth, payload.build(Target(9, tmp_path)), "sec_1")
    assert_problem(response, 400, response.get_json()["rule"], words)
    assert PASSWD_MARKER not in response.get_data()
    assert client.get("/api/health").status_code == 200


def test_malformed_xml_is_400(client, auth):
    assert_problem(read(client, auth, b"<akomaNtoso><act>", "sec_1"), 400, "malformed-xml", "not well-formed XML")


def test_a_body_over_the_upload_limit_is_413(app, client, auth):
    app.config["DRAFTING_MAX_UPLOAD_BYTES"] = 64 * 1024
    draft = sample_bytes(BILL) + b" " * (128 * 1024)
    assert_problem(read(client, auth, draft, "sec_1"), 413, "request-too-large", "limit")


def test_a_body_that_is_not_xml_is_415(client, auth):
    response = client.post(URL, json={"akn": sample_bytes(BILL).decode()}, headers=auth("viewer"))
    assert_problem(response, 415, "unsupported-media-type", "application/akn+xml")


def test_a_reading_needs_a_signed_in_caller(client):
    response = client.post(URL, data=sample_bytes(BILL), headers={"Content-Type": AKN})
    assert_problem(response, 401, "authentication", "")


def test_a_browser_session_needs_its_csrf_token(app, client):
    db = app.extensions["drafting.database"]
    services.create_user(db, "reader", "viewer")
    key = services.start_session(db, "reader", timedelta(hours=1))
    with client.session_transaction() as session:
        session.update(_user_id=key, _fresh=True)
    refused = client.post(URL, data=sample_bytes(BILL), headers={"Content-Type": AKN})
    assert refused.status_code == 403 and refused.mimetype == PROBLEM
    page = client.get("/").get_data(as_text=True)
    token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    accepted = client.post(f"{URL}?eId=sec_1", data=sample_bytes(BILL),
                           headers={"Content-Type": AKN, "X-CSRF-Token": token})
    assert accepted.status_code == 200, accepted.get_data(as_text=True)


# --- the OpenAPI document -------------------------------------------------------------------------------------------


def test_the_reading_is_in_the_valid_openapi_document(client):
    from openapi_spec_validator import validate as validate_spec

    spec = client.get("/api/openapi.json").get_json()
    validate_spec(spec)
    operation = spec["paths"][URL]["post"]
    assert set(operation["requestBody"]["content"]) == {AKN, "application/xml"}
    assert [parameter["name"] for parameter in operation["parameters"]] == ["eId"]
    assert "NormsReading" in json.dumps(operation["responses"]["200"])
    assert {"400", "401", "404", "413", "415", "422", "503"} <= set(operation["responses"])
    reading = spec["components"]["schemas"]["NormsReading"]["properties"]
    assert set(reading) == {"reader", "provision", "norms"}
    assert "line" in spec["components"]["schemas"]["ReadNorm"]["properties"]


def test_the_norm_fields_are_the_ones_the_stored_reading_gives(client):
    spec = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    assert set(spec["ReadNorm"]["properties"]) == set(spec["Norm"]["properties"]) | {"line"} == NORM_KEYS

