"""Redlines over HTTP: formats by Accept or ?format=, strong ETags for stored versions, inline sides."""

from __future__ import annotations

import io

from lxml import etree

from drafting.akn import parse_akn, validate
from tests.app_fixtures import sample_bytes

AKN = "application/akn+xml"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def stored(client, auth, name):
    response = client.post("/api/documents", data=sample_bytes(name), headers=auth(**{"Content-Type": AKN}))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def two_versions(client, auth):
    created = client.post("/api/documents", data=sample_bytes("us-ma-millbrook-ordinance-2019-7.xml"),
                          headers=auth(**{"Content-Type": AKN}))
    doc_id, etag = created.get_json()["id"], created.headers["ETag"]
    xml = client.get(f"/api/documents/{doc_id}", headers=auth(Accept=AKN)).data.replace(b"shall not", b"should not", 1)
    saved = client.put(f"/api/documents/{doc_id}", data=xml, headers=auth(**{"Content-Type": AKN, "If-Match": etag}))
    assert saved.status_code == 200
    return doc_id


def test_version_redline_json_names_the_weakened_modal(client, auth):
    doc_id = two_versions(client, auth)
    response = client.get(f"/api/documents/{doc_id}/redline?against={doc_id}&against_version=1", headers=auth())
    assert response.status_code == 200
    body = response.get_json()
    assert body["stats"]["same_work"] is True
    changed = [e for e in _walk(body["alignment"]) if e["status"] == "changed" and e["labels"]]
    assert any("modal-weakened" in e["labels"] for e in changed)
    assert ["-", "shall"] in changed[0]["diff"] or any(op == "-" and "shall" in text for op, text in changed[0]["diff"])


def _walk(entries):
    for entry in entries:
        yield entry
        yield from _walk(entry["children"])


def test_stored_redline_has_a_strong_etag_and_answers_304(client, auth):
    doc_id = two_versions(client, auth)
    url = f"/api/documents/{doc_id}/redline?against={doc_id}&against_version=1"
    first = client.get(url, headers=auth())
    etag = first.headers["ETag"]
    assert etag.startswith('"r-') and not etag.startswith("W/")
    again = client.get(url, headers=auth(**{"If-None-Match": etag}))
    assert again.status_code == 304
    assert client.get(url + "&format=html", headers=auth(**{"If-None-Match": etag})).status_code == 200


def test_formats_by_accept_and_by_query(client, auth):
    old, new = stored(client, auth, "us-ma-bayport-ordinance-16-62.xml"), stored(client, auth,
                                                                                 "ma-biometric-moratorium-bill.xml")
    url = f"/api/documents/{new}/redline?against={old}"
    html = client.get(url, headers=auth(Accept="text/html"))
    assert html.mimetype == "text/html" and b"<script" not in html.data
    akn = client.get(url + "&format=akn", headers=auth())
    assert akn.mimetype == AKN and validate(parse_akn(akn.data).root).valid
    word = client.get(url, headers=auth(Accept=DOCX))
    assert word.mimetype == DOCX
    from docx import Document

    Document(io.BytesIO(word.data))
    assert client.get(url, headers=auth(Accept="image/png")).status_code == 406


def test_post_redline_with_inline_akn_and_text(client, auth):
    bill = sample_bytes("ma-biometric-moratorium-bill.xml").decode()
    edited = bill.replace("shall not", "should not", 1)
    response = client.post("/api/redlines", json={"old": {"akn": bill}, "new": {"akn": edited}}, headers=auth())
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "ETag" not in response.headers
    labels = {label for entry in _walk(response.get_json()["alignment"]) for label in entry["labels"]}
    assert "modal-weakened" in labels
    text = client.post("/api/redlines", json={"old": {"text": "Section 1. Ban.\nNo use.\n"},
                                              "new": {"text": "Section 1. Ban.\nNo use or purchase.\n"}},
                       headers=auth())
    assert text.status_code == 200
    assert text.get_json()["alignment"][0]["status"] == "changed"


def test_redline_side_must_name_exactly_one_source(client, auth):
    response = client.post("/api/redlines", json={"old": {"document": 1, "text": "x"}, "new": {"text": "y"}},
                           headers=auth())
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_redline_of_unknown_document_is_404(client, auth):
    assert client.get("/api/documents/999999/redline?against=999998", headers=auth()).status_code == 404


def test_hostile_text_is_escaped_in_the_html_redline(client, auth):
    hostile = 'Section 1. Title.\n<script>alert("x")</script> {{7*7}} <img src=x onerror=alert(1)>\n'
    response = client.post("/api/redlines?format=html", json={"old": {"text": "Section 1. Title.\nPlain.\n"},
                                                               "new": {"text": hostile}}, headers=auth())
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script" not in page and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    assert "{{7*7}}" in page
    tree = etree.HTML(response.data)
    assert not tree.xpath("//script") and not tree.xpath("//img")
