"""Administrators manage accounts and tokens; nobody else can."""

from __future__ import annotations

import pytest


def test_admin_creates_an_account_and_issues_a_token_that_works(client, auth):
    created = client.post("/api/users", json={"name": "staffer", "role": "viewer"}, headers=auth("admin"))
    assert created.status_code == 201
    assert created.get_json()["role"] == "viewer"
    issued = client.post("/api/users/staffer/tokens", json={"label": "laptop"}, headers=auth("admin"))
    assert issued.status_code == 201
    token = issued.get_json()["token"]
    assert client.get("/api/documents", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    listed = {a["name"]: a for a in client.get("/api/users", headers=auth("admin")).get_json()}
    assert listed["staffer"]["tokens"] == 1
    assert "password" not in listed["staffer"] and "token_hash" not in str(listed)


def test_role_change_takes_effect_on_the_next_request(client, auth):
    client.post("/api/users", json={"name": "clerk", "role": "viewer"}, headers=auth("admin"))
    token = client.post("/api/users/clerk/tokens", json={}, headers=auth("admin")).get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    template = {"template": "bill", "title": "T", "jurisdiction": "us-ma", "number": "t-1", "date": "2026-11-26"}
    assert client.post("/api/documents", json=template, headers=bearer).status_code == 403
    assert client.patch("/api/users/clerk", json={"role": "drafter"}, headers=auth("admin")).status_code == 200
    assert client.post("/api/documents", json=template, headers=bearer).status_code == 201


@pytest.mark.parametrize("role", ["viewer", "drafter"])
def test_only_admins_manage_accounts(client, auth, role):
    assert client.get("/api/users", headers=auth(role)).status_code == 403
    assert client.post("/api/users", json={"name": "x", "role": "admin"}, headers=auth(role)).status_code == 403


def test_duplicate_account_is_409_and_unknown_account_is_404(client, auth):
    client.post("/api/users", json={"name": "dup", "role": "viewer"}, headers=auth("admin"))
    assert client.post("/api/users", json={"name": "dup", "role": "viewer"}, headers=auth("admin")).status_code == 409
    assert client.patch("/api/users/ghost", json={"role": "viewer"}, headers=auth("admin")).status_code == 404
    assert client.post("/api/users/ghost/tokens", json={}, headers=auth("admin")).status_code == 404


def test_token_create_for_an_existing_user_with_another_role_changes_the_role(app):
    from drafting import services

    db = app.extensions["drafting.database"]
    services.create_user(db, "eve", "viewer")
    principal, token = services.create_token(db, "eve", "drafter")
    assert principal.role == "drafter"
    assert services.authenticate_token(db, token) == services.Principal("eve", "drafter")
