"""Every hostile XML payload of ../shared/attacks gets the status its README names, as problem+json, quickly."""

from __future__ import annotations

import time

import pytest

from tests.app_fixtures import SHARED, shared_path

AKN = "application/akn+xml"
ATTACKS = SHARED / "attacks"
EXPECTED = {
    "01-billion-laughs.xml": (400, "DOCTYPE"),
    "02-quadratic-blowup.xml": (400, "DOCTYPE"),
    "03-xxe-file.xml": (400, "DOCTYPE"),
    "04-xxe-http.xml": (400, "DOCTYPE"),
    "06-xinclude.xml": (400, "XInclude"),
    "07-deep-nesting.xml": (400, "deeper than 256 levels"),
    "08-external-dtd.xml": (400, "DOCTYPE"),
    "09-xss-in-heading.xml": (201, ""),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("endpoint", ["/api/documents", "/api/validate"])
def test_attack_payload_gets_its_status_with_problem_json_within_a_second(client, auth, name, endpoint):
    payload = shared_path("attacks", name).read_bytes()
    status, words = EXPECTED[name]
    started = time.perf_counter()
    response = client.post(endpoint, data=payload, headers=auth(**{"Content-Type": AKN}))
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0
    assert b"root:x:0:0" not in response.data
    if status == 201:
        assert response.status_code == (201 if endpoint == "/api/documents" else 200)
        return
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert words in response.get_json()["detail"]
    assert client.get("/api/documents", headers=auth()).get_json()["total"] == 0
    assert client.get("/api/health").status_code == 200


def test_every_xml_attack_in_shared_is_covered():
    shared_path("attacks")
    assert {p.name for p in ATTACKS.glob("*.xml")} == set(EXPECTED)


def test_hostile_text_comes_back_as_json_data_and_literal_text(client, auth):
    payload = shared_path("attacks", "09-xss-in-heading.xml").read_bytes()
    created = client.post("/api/documents", data=payload, headers=auth(**{"Content-Type": AKN}))
    assert created.status_code == 201
    assert created.mimetype == "application/json"
    heading = created.get_json()["provisions"][0]["heading"]
    assert heading == '<script>alert("AKN-XSS-heading")</script>Short title'
    assert "{{7*7}}" in created.get_json()["provisions"][0]["text"]
    assert "49" not in created.get_json()["provisions"][0]["text"]
    stored = client.get(f"/api/documents/{created.get_json()['id']}", headers=auth(Accept=AKN)).data
    assert b'&lt;script&gt;alert("AKN-XSS-heading")' in stored
    assert b"<script" not in stored
