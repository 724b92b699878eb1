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
