"""Checks and balances over HTTP: findings by Accept, comparisons and suggestions, ETags, uploads, adopting."""

from __future__ import annotations

import io

import lxml.html

from drafting.akn import parse_akn, validate
from drafting.analysis import load_rubric
from drafting.compare import compare
from tests.app_fixtures import sample_bytes

AKN = "application/akn+xml"
BILL = "ma-biometric-moratorium-bill.xml"
HARBORVIEW = "us-ma-harborview-ordinance-2021-2-128.xml"
EASTFIELD = "us-ma-eastfield-ordinance-2020-12.xml"
MILLBROOK = "us-ma-millbrook-ordinance-2019-7.xml"
RANK = {"absent": 0, "weak": 1, "present": 2}
FINDING_KEYS = {"safeguard", "group", "title", "status", "evidence", "reason", "rule", "norms"}


def stored(client, auth, name, data: bytes | None = None) -> int:
    response = client.post("/api/documents", data=data or sample_bytes(name), headers=auth(**{"Content-Type": AKN}))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def assert_findings_shape(findings):
    assert [f["safeguard"] for f in findings] == [s.id for s in load_rubric().safeguards]
    for finding in findings:
        assert set(finding) == FINDING_KEYS
        assert finding["status"] in RANK
        for evidence in finding["evidence"]:
            assert set(evidence) == {"eId", "num", "quote"}
        for norm in finding["norms"]:  # the norms that decided it, as the norm reader read them
            assert set(norm) == {"eId", "kind", "construction", "reading"} and norm["reading"]
        if finding["status"] != "absent":
            assert finding["norms"], finding


def test_findings_of_the_sample_bill_have_the_contract_shape(client, auth):
    bill = stored(client, auth, BILL)
    response = client.get(f"/api/documents/{bill}/gaps", headers=auth("viewer"))
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert len(body["findings"]) == len(load_rubric().safeguards) == 18
    assert_findings_shape(body["findings"])
    assert body["rubric"] == {"id": "biometric-moratorium", "version": load_rubric().version}
    assert body["document"]["id"] == bill and body["document"]["version"] == 1
    assert body["document"]["frbr_uri"] == "/akn/us-ma/bill/2026/biometric-moratorium"
    assert body["comparison"] == []


def test_comparison_with_two_ordinances_is_consistent_with_the_statuses(client, auth):
    bill, harborview, eastfield = (stored(client, auth, name) for name in (BILL, HARBORVIEW, EASTFIELD))
    for draft, others in ((bill, (harborview, eastfield)), (stored(client, auth, MILLBROOK), (harborview, bill))):
        body = client.get(f"/api/documents/{draft}/gaps?against={others[0]},{others[1]}", headers=auth()).get_json()
        mine = {f["safeguard"]: RANK[f["status"]] for f in body["findings"]}
        assert [entry["document"]["id"] for entry in body["comparison"]] == list(others)
        for entry in body["comparison"]:
            assert_findings_shape(entry["findings"])
            ahead = [f["safeguard"] for f in entry["findings"] if RANK[f["status"]] > mine[f["safeguard"]]]
            assert entry["stronger"] == ahead
            for suggestion in entry["suggestions"]:
                assert set(suggestion) == {"safeguard", "eId", "num", "quote", "source"}
                assert suggestion["safeguard"] in entry["stronger"]
                assert suggestion["source"] == entry["document"]["frbr_uri"]
            with_evidence = {f["safeguard"] for f in entry["findings"] if f["evidence"]}
            assert {s["safeguard"] for s in entry["suggestions"]} == set(entry["stronger"]) & with_evidence
    # Millbrook is the weakest sample: the bill is ahead somewhere, and says with what words
    assert body["comparison"][1]["stronger"] and body["comparison"][1]["suggestions"]


def test_html_by_accept_or_query_without_script(client, auth):
    bill, other = stored(client, auth, BILL), stored(client, auth, HARBORVIEW)
    response = client.get(f"/api/documents/{bill}/gaps?against={other}", headers=auth(Accept="text/html"))
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert b"<script" not in response.data
    page = lxml.html.document_fromstring(response.data)
    assert len(page.xpath("//table[@class='matrix']//td")) == 2 * len(load_rubric().safeguards)
    assert client.get(f"/api/documents/{bill}/gaps?format=html", headers=auth()).mimetype == "text/html"
    assert client.get(f"/api/documents/{bill}/gaps", headers=auth(Accept="image/png")).status_code == 406


def test_hostile_text_in_a_stored_document_stays_inert(client, auth):
    hostile = b"&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; {{7*7}}"
    data = sample_bytes(HARBORVIEW).replace(b"Ban on Biometric Surveillance by the Town", hostile)
    data = data.replace(b"Any contract or agreement", hostile + b" Any contract or agreement")
    bill, other = stored(client, auth, BILL), stored(client, auth, HARBORVIEW, data)
    html = client.get(f"/api/documents/{other}/gaps?against={bill}&format=html", headers=auth()).get_data(as_text=True)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)" in html and "{{7*7}}" in html
    assert not lxml.html.document_fromstring(html).xpath("//script | //img | //@onerror")


def test_findings_of_stored_versions_have_a_strong_etag_and_answer_304(client, auth):
    bill, other = stored(client, auth, BILL), stored(client, auth, HARBORVIEW)
    url = f"/api/documents/{bill}/gaps?against={other}"
    first = client.get(url, headers=auth())
    etag = first.headers["ETag"]
    assert etag.startswith('"g-') and not etag.startswith("W/")
    assert client.get(url, headers=auth(**{"If-None-Match": etag})).status_code == 304
    assert client.get(url + "&format=html", headers=auth(**{"If-None-Match": etag})).status_code == 200
    assert client.get(f"/api/documents/{bill}/gaps", headers=auth()).headers["ETag"] != etag
    # a new version of the draft is another report; the old version's stays what it was
    saved = adopt(client, auth, bill, other, "sec_2.128.050", etag=None)
    assert saved.status_code == 200
    assert client.get(url, headers=auth(**{"If-None-Match": etag})).status_code == 200
    assert client.get(url + "&version=1", headers=auth(**{"If-None-Match": etag})).status_code == 304
    old = client.get(f"/api/documents/{bill}/gaps?version=1&against={other}", headers=auth())
    assert old.get_json() == first.get_json()


def test_post_gaps_with_text_and_with_akn(client, auth):
    other = stored(client, auth, BILL)
    text = client.post(f"/api/gaps?against={other}", data=sample_bytes("us-ma-millbrook-ordinance-2019-7.txt"),
                       headers=auth("viewer", **{"Content-Type": "text/plain; charset=utf-8"}))
    assert text.status_code == 200, text.get_data(as_text=True)
    body = text.get_json()
    assert_findings_shape(body["findings"])
    assert "id" not in body["document"] and body["comparison"][0]["document"]["id"] == other
    assert "ETag" not in text.headers
    akn = client.post("/api/gaps?format=html", data=sample_bytes(MILLBROOK), headers=auth(**{"Content-Type": AKN}))
    assert akn.status_code == 200 and akn.mimetype == "text/html"
    upload = io.BytesIO(sample_bytes("us-ma-millbrook-ordinance-2019-7.txt"))
    form = client.post("/api/gaps", data={"file": (upload, "millbrook.txt"), "type": "ordinance"},
                       headers=auth(), content_type="multipart/form-data")
    assert form.status_code == 200 and len(form.get_json()["findings"]) == len(load_rubric().safeguards)
    assert client.post("/api/gaps", data=b"{}", headers=auth(**{"Content-Type": "application/json"})).status_code == 415


def adopt(client, auth, draft, source, eid, *, etag, role="drafter", **extra):
    if etag is None:
        etag = client.get(f"/api/documents/{draft}", headers=auth()).headers["ETag"]
    headers = auth(role, **({"If-Match": etag} if etag else {}))
    return client.post(f"/api/documents/{draft}/adopt", json={"from": source, "eId": eid, **extra}, headers=headers)


def test_adopt_creates_a_valid_version_with_one_inserted_section(client, auth):
    bill, other = stored(client, auth, BILL), stored(client, auth, HARBORVIEW)
    before = client.get(f"/api/documents/{bill}", headers=auth(Accept=AKN)).data
    response = adopt(client, auth, bill, other, "sec_2.128.050", etag=None, message="adopt contracts")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["version"] == 2 and body["valid"] is True
    assert response.headers["ETag"] == f'"v2-{body["content_hash"][:24]}"'
    adoption = body["adoption"]
    assert adoption["eId"] == "sec_15" and adoption["from"] == other and adoption["source_eId"] == "sec_2.128.050"
    assert adoption["source"].startswith("/akn/us-ma-harborview/act/ordinance/2021/2-128")
    assert isinstance(adoption["missing_definitions"], list)
    after = client.get(f"/api/documents/{bill}", headers=auth(Accept=AKN)).data
    new_root = parse_akn(after).root
    assert validate(new_root, strict=True).valid
    entries = compare(parse_akn(before).root, new_root).alignment
    assert [e.status for e in entries].count("inserted") == 1
    assert all(e.status == "unchanged" for e in entries if e.status != "inserted")
    assert [e.new_num for e in entries if e.renumbered] == ["16.", "17."]
    versions = client.get(f"/api/documents/{bill}/versions", headers=auth()).get_json()["versions"]
    assert versions[-1]["message"] == "adopt contracts"


def test_adopt_needs_if_match_and_the_latest_version(client, auth):
    bill, other = stored(client, auth, BILL), stored(client, auth, HARBORVIEW)
    missing = adopt(client, auth, bill, other, "sec_2.128.050", etag="")
    assert missing.status_code == 428 and missing.mimetype == "application/problem+json"
    stale = '"v0-000000000000000000000000"'
    assert adopt(client, auth, bill, other, "sec_2.128.050", etag=stale).status_code == 412
    assert adopt(client, auth, bill, other, "sec_2.128.050", etag=None, role="viewer").status_code == 403


def test_errors_are_problems(client, auth):
    bill, other = stored(client, auth, BILL), stored(client, auth, HARBORVIEW)
    for url in ("/api/documents/999/gaps", f"/api/documents/{bill}/gaps?against=999",
                f"/api/documents/{bill}/gaps?version=9"):
        response = client.get(url, headers=auth())
        assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert client.get(f"/api/documents/{bill}/gaps?against=x", headers=auth()).status_code == 422
    assert adopt(client, auth, 999, other, "sec_1", etag='"v1-x"').status_code == 404
    assert adopt(client, auth, bill, 999, "sec_1", etag=None).status_code == 404
    unknown = adopt(client, auth, bill, other, "sec_99", etag=None)
    assert unknown.status_code == 404 and "sec_99" in unknown.get_json()["detail"]
    assert adopt(client, auth, bill, other, "sec_2.128.050", etag=None, after="sec_99").status_code == 404
    odd = stored(client, auth, EASTFIELD,
                 sample_bytes(EASTFIELD).replace(b"<content>", b'<content eId="sec_1__content">', 1))
    not_provision = adopt(client, auth, bill, odd, "sec_1__content", etag=None)
    assert not_provision.status_code == 422 and "provision" in not_provision.get_json()["detail"]
    assert adopt(client, auth, bill, other, "", etag=None).status_code == 422
