"""Browser pages over HTTP: sign-in, sessions, CSRF, security headers, escaping."""

from __future__ import annotations

import re

import pytest

from drafting import services
from tests.app_fixtures import sample_bytes


@pytest.fixture
def drafter(app):
    services.create_user(app.extensions["drafting.database"], "ada", "drafter", "correct horse battery")
    return "ada", "correct horse battery"


def csrf(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def sign_in(client, name, password):
    token = csrf(client.get("/login").data)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sign_in_sets_an_httponly_lax_session_cookie_and_shows_the_library(client, drafter):
    response = sign_in(client, *drafter)
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert b"Library" in client.get("/").data


def test_session_cookie_is_secure_over_https(client, drafter):
    token = csrf(client.get("/login", base_url="https://localhost").data)
    response = client.post("/login", base_url="https://localhost",
                           data={"name": drafter[0], "password": drafter[1], "csrf_token": token})
    assert "Secure" in response.headers["Set-Cookie"]


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, drafter):
    response = sign_in(client, drafter[0], "wrong password")
    assert response.status_code == 401
    assert b"The name or the password is not right." in response.data


def test_sign_in_without_csrf_token_is_403(client, drafter):
    client.get("/login")
    response = client.post("/login", data={"name": drafter[0], "password": drafter[1]})
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_state_changing_page_request_without_csrf_is_403(client, drafter):
    sign_in(client, *drafter)
    response = client.post("/documents", data={"template": "bill", "title": "T", "jurisdiction": "us-ma",
                                               "number": "t-1"})
    assert response.status_code == 403


def test_drafter_creates_a_bill_from_the_template(client, drafter):
    sign_in(client, *drafter)
    token = csrf(client.get("/").data)
    response = client.post("/documents", data={"template": "bill", "title": "Moratorium Act", "jurisdiction": "us-ma",
                                               "number": "moratorium", "csrf_token": token})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).data
    assert b"Moratorium Act" in page and b"/akn/us-ma/bill/" in page


def test_sign_in_never_redirects_off_site(client, drafter):
    token = csrf(client.get("/login").data)
    response = client.post("/login?next=//evil.example/x", data={"name": drafter[0], "password": drafter[1],
                                                                  "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_pages_carry_a_strict_content_security_policy(client, drafter):
    headers = client.get("/login").headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_document_text_is_escaped_on_the_document_page(client, drafter, auth):
    headers = auth(**{"Content-Type": "application/akn+xml"})
    created = client.post("/api/documents", data=_hostile_bill(), headers=headers)
    sign_in(client, *drafter)
    page = client.get(f"/documents/{created.get_json()['id']}").data
    assert b"<script>alert" not in page and b"&lt;script&gt;alert" in page
    assert b"{{7*7}}" in page


def _hostile_bill() -> bytes:
    return sample_bytes("ma-biometric-moratorium-bill.xml").replace(
        b"<heading>Definitions</heading>", b"<heading>&lt;script&gt;alert(1)&lt;/script&gt; {{7*7}}</heading>", 1
    )


def test_html_redline_allows_only_its_own_styles(client, auth):
    response = client.post("/api/redlines?format=html", json={"old": {"text": "Section 1. A.\nOne.\n"},
                                                               "new": {"text": "Section 1. A.\nTwo.\n"}},
                           headers=auth())
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "'sha256-" in policy and "unsafe-inline" not in policy


def test_history_lists_versions_and_restore_makes_a_new_version(client, drafter, auth):
    created = client.post("/api/documents", json={"template": "bill", "title": "Draft", "jurisdiction": "us-ma",
                                                  "number": "h-1", "date": "2026-11-26"}, headers=auth())
    doc_id, etag = created.get_json()["id"], created.headers["ETag"]
    xml = client.get(f"/api/documents/{doc_id}", headers=auth(Accept="application/akn+xml")).data
    client.put(f"/api/documents/{doc_id}?message=second", data=xml.replace(b"Untitled Act", b"Second Act"),
               headers=auth(**{"Content-Type": "application/akn+xml", "If-Match": etag}))
    sign_in(client, *drafter)
    page = client.get(f"/documents/{doc_id}/history").data
    assert b"second" in page and b"Restore as a new version" in page
    response = client.post(f"/documents/{doc_id}/restore", data={"version": "1", "csrf_token": csrf(page)})
    assert response.status_code == 302
    versions = client.get(f"/api/documents/{doc_id}/versions", headers=auth()).get_json()["versions"]
    assert [v["message"] for v in versions][-1] == "restored version 1"
    assert b"Untitled Act" in client.get(f"/api/documents/{doc_id}", headers=auth(Accept="application/akn+xml")).data


def test_compare_page_links_to_the_redline_in_every_format(client, drafter, auth):
    ids = [client.post("/api/documents", data=sample_bytes(name), headers=auth(**{"Content-Type":
                                                                               "application/akn+xml"})).get_json()["id"]
           for name in ("us-ma-bayport-ordinance-16-62.xml", "ma-biometric-moratorium-bill.xml")]
    sign_in(client, *drafter)
    page = client.get(f"/documents/{ids[1]}/compare?against={ids[0]}").data.decode()
    for output_format in ("html", "akn", "docx", "json"):
        assert f"format={output_format}" in page
    link = re.search(r'href="([^"]+format=html[^"]*)"', page).group(1).replace("&amp;", "&")
    redline = client.get(link)  # the API accepts the browser session
    assert redline.status_code == 200 and redline.mimetype == "text/html"


def test_api_accepts_the_browser_session_but_requires_csrf_for_changes(client, drafter):
    sign_in(client, *drafter)
    assert client.get("/api/documents").status_code == 200
    template = {"template": "bill", "title": "T", "jurisdiction": "us-ma", "number": "s-1", "date": "2026-11-26"}
    assert client.post("/api/documents", json=template).status_code == 403
    token = csrf(client.get("/").data)
    assert client.post("/api/documents", json=template, headers={"X-CSRF-Token": token}).status_code == 201
