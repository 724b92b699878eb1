"""Browser sessions follow the account: the server re-reads each session's account, sign-out, a password or role
change and disabling end sessions in the store, and administrators revoke tokens and disable accounts (API, CLI,
audit log). Failed sign-ins are audited without the password."""

from __future__ import annotations

import json
import re
import time

import pytest
from sqlalchemy import select

from drafting import services
from drafting.cli import main
from drafting.store import repository
from drafting.store.models import BrowserSession

PASSWORD = "correct horse battery"
TEMPLATE = {"template": "bill", "title": "T", "jurisdiction": "us-ma", "number": "s-1", "date": "2026-11-26"}


@pytest.fixture
def db(app):
    return app.extensions["drafting.database"]


def csrf(client) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)


def browser(app, name: str):
    """A new browser (test client) signed in as `name`."""
    client = app.test_client()
    response = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": csrf(client)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def page_csrf(client) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str):
    """A new browser that only has a copy of an old session cookie."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


@pytest.fixture
def admin_token(db) -> str:
    return services.create_token(db, "boss", "admin")[1]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def signed_out(client) -> bool:
    """The page answers with the sign-in page and the API with 401."""
    page = client.get("/")
    return page.status_code == 302 and "/login" in page.headers["Location"] and \
        client.get("/api/documents").status_code == 401


def test_admin_demoted_over_the_api_loses_admin_rights_in_the_browser_at_once(app, db, admin_token):
    services.create_user(db, "root", "admin", PASSWORD)
    old = browser(app, "root")
    token = page_csrf(old)
    assert old.get("/api/users").status_code == 200

    assert app.test_client().patch("/api/users/root", json={"role": "viewer"},
                                   headers=bearer(admin_token)).status_code == 200

    assert old.get("/api/users").status_code == 401
    created = old.post("/api/users", json={"name": "mallory", "role": "admin", "password": PASSWORD},
                       headers={"X-CSRF-Token": token})
    assert created.status_code == 401
    assert services.list_users(db) and "mallory" not in {account.name for account in services.list_users(db)}
    assert signed_out(old)


def test_drafter_demoted_to_viewer_cannot_create_documents_with_the_old_cookie(app, db, admin_token):
    services.create_user(db, "ada", "drafter", PASSWORD)
    old = browser(app, "ada")
    token = page_csrf(old)
    services.set_role(db, "ada", "viewer", actor="boss")

    assert old.post("/api/documents", json=TEMPLATE, headers={"X-CSRF-Token": token}).status_code == 401
    page = old.post("/documents", data={"csrf_token": token, **TEMPLATE})
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert services.list_documents(db)[1] == 0

    again = browser(app, "ada")  # signing in again gives the new role, and no more
    assert again.post("/api/documents", json=TEMPLATE, headers={"X-CSRF-Token": page_csrf(again)}).status_code == 403


def test_sign_out_ends_the_session_on_the_server(app, db):
    services.create_user(db, "ada", "drafter", PASSWORD)
    client = browser(app, "ada")
    cookie = session_cookie(client)
    assert client.post("/logout", data={"csrf_token": page_csrf(client)}).status_code == 302

    copy = replay(app, cookie)
    assert signed_out(copy)


def test_a_copied_cookie_works_until_sign_out_and_not_after(app, db):
    services.create_user(db, "ada", "drafter", PASSWORD)
    client = browser(app, "ada")
    copy = replay(app, session_cookie(client))
    assert copy.get("/api/documents").status_code == 200
    client.post("/logout", data={"csrf_token": page_csrf(client)})
    assert copy.get("/api/documents").status_code == 401


def test_a_password_change_ends_every_other_session_but_the_one_that_made_it(app, db):
    services.create_user(db, "root", "admin", PASSWORD)
    here, elsewhere = browser(app, "root"), browser(app, "root")
    changed = here.put("/api/users/root/password", json={"password": "a new long password"},
                       headers={"X-CSRF-Token": page_csrf(here)})
    assert changed.status_code == 204
    assert here.get("/api/users").status_code == 200
    assert signed_out(elsewhere)


def test_a_password_set_by_an_administrator_ends_every_session_of_the_account(app, db, admin_token):
    services.create_user(db, "ada", "drafter", PASSWORD)
    first, second = browser(app, "ada"), browser(app, "ada")
    assert app.test_client().put("/api/users/ada/password", json={"password": "another password"},
                                 headers=bearer(admin_token)).status_code == 204
    assert signed_out(first) and signed_out(second)


def test_an_administrator_changing_their_own_role_keeps_the_session_that_did_it(app, db):
    services.create_user(db, "root", "admin", PASSWORD)
    services.create_user(db, "root2", "admin", PASSWORD)
    here, elsewhere = browser(app, "root"), browser(app, "root")
    assert here.patch("/api/users/root", json={"role": "drafter"},
                      headers={"X-CSRF-Token": page_csrf(here)}).status_code == 200
    assert here.get("/api/users").status_code == 403  # still signed in, as a drafter now
    assert here.get("/api/documents").status_code == 200
    assert signed_out(elsewhere)


def test_a_disabled_account_cannot_sign_in_and_its_sessions_and_tokens_are_refused(app, db, admin_token):
    services.create_user(db, "ada", "drafter", PASSWORD)
    token = services.issue_token(db, "ada")
    client = browser(app, "ada")
    disabled = app.test_client().patch("/api/users/ada", json={"disabled": True}, headers=bearer(admin_token))
    assert disabled.status_code == 200 and disabled.get_json()["disabled"] is True

    assert signed_out(client)
    assert app.test_client().get("/api/documents", headers=bearer(token)).status_code == 401
    fresh = app.test_client()
    refused = fresh.post("/login", data={"name": "ada", "password": PASSWORD, "csrf_token": csrf(fresh)})
    assert refused.status_code == 401

    app.test_client().patch("/api/users/ada", json={"disabled": False}, headers=bearer(admin_token))
    assert app.test_client().get("/api/documents", headers=bearer(token)).status_code == 200
    assert signed_out(client)  # an ended session stays ended
    assert browser(app, "ada").get("/api/documents").status_code == 200


def test_an_administrator_cannot_disable_their_own_account(app, admin_token):
    answer = app.test_client().patch("/api/users/boss", json={"disabled": True}, headers=bearer(admin_token))
    assert answer.status_code == 409
    assert app.test_client().get("/api/users", headers=bearer(admin_token)).status_code == 200


def test_an_account_change_needs_a_role_or_disabled(app, admin_token):
    assert app.test_client().patch("/api/users/boss", json={}, headers=bearer(admin_token)).status_code == 422


def test_revoking_one_token_refuses_it_and_keeps_the_others(app, db, admin_token):
    first, second = services.issue_token(db, "boss", "first"), services.issue_token(db, "boss", "second")
    client = app.test_client()
    listed = client.get("/api/users/boss/tokens", headers=bearer(admin_token)).get_json()
    assert [token["label"] for token in listed] == ["", "first", "second"]
    assert all("token" not in token and "token_hash" not in token for token in listed)
    first_id = listed[1]["id"]

    revoked = client.delete(f"/api/users/boss/tokens/{first_id}", headers=bearer(admin_token))
    assert revoked.status_code == 200 and revoked.get_json() == {"revoked": 1}
    assert client.get("/api/documents", headers=bearer(first)).status_code == 401
    assert client.get("/api/documents", headers=bearer(second)).status_code == 200
    listed = client.get("/api/users/boss/tokens", headers=bearer(admin_token)).get_json()
    assert [token["revoked_at"] is not None for token in listed] == [False, True, False]
    assert client.delete("/api/users/boss/tokens/999999", headers=bearer(admin_token)).status_code == 404


def test_revoking_every_token_of_an_account_refuses_them_all(app, db, admin_token):
    services.create_user(db, "ada", "drafter")
    tokens = [services.issue_token(db, "ada") for _ in range(3)]
    client = app.test_client()
    assert client.delete("/api/users/ada/tokens", headers=bearer(admin_token)).get_json() == {"revoked": 3}
    assert all(client.get("/api/documents", headers=bearer(token)).status_code == 401 for token in tokens)
    assert client.get("/api/users", headers=bearer(admin_token)).get_json()[0]["tokens"] == 0


def test_ending_every_session_of_an_account(app, db, admin_token):
    services.create_user(db, "ada", "drafter", PASSWORD)
    clients = [browser(app, "ada"), browser(app, "ada")]
    ended = app.test_client().delete("/api/users/ada/sessions", headers=bearer(admin_token))
    assert ended.get_json() == {"ended": 2}
    assert all(signed_out(client) for client in clients)


def test_account_changes_are_audited(app, db, admin_token):
    services.create_user(db, "ada", "drafter", PASSWORD)
    browser(app, "ada")
    token = services.issue_token(db, "ada")
    client = app.test_client()
    client.patch("/api/users/ada", json={"disabled": True}, headers=bearer(admin_token))
    client.patch("/api/users/ada", json={"disabled": False}, headers=bearer(admin_token))
    client.delete("/api/users/ada/tokens", headers=bearer(admin_token))
    del token
    with db.session(read_only=True) as session:
        events = [(event.action, event.actor) for event in repository.list_audit_events(session, limit=500)[0]]
    assert ("user.signed_in", "ada") in events
    assert ("user.disabled", "boss") in events and ("user.enabled", "boss") in events
    assert ("token.revoked_all", "boss") in events


def test_failed_sign_ins_are_audited_without_the_password(app, db):
    services.create_user(db, "ada", "drafter", PASSWORD)
    client = app.test_client()
    for name, password in [("ada", "wrong guess 1"), ("nobody", "wrong guess 2")]:
        client.post("/login", data={"name": name, "password": password, "csrf_token": csrf(client)})
    with db.session(read_only=True) as session:
        failed = repository.list_audit_events(session, action="user.sign_in_failed", limit=500)[0]
    reasons = {event.detail["user"]: event.detail["reason"] for event in failed}
    assert reasons == {"ada": "wrong-password", "nobody": "unknown-account"}
    stored = json.dumps([event.detail for event in failed])
    assert "wrong guess" not in stored
    assert all(event.detail["address"] for event in failed)


def test_a_cookie_of_the_old_kind_naming_a_user_and_role_is_not_a_session(app, db):
    services.create_user(db, "root", "admin", PASSWORD)
    client = app.test_client()
    with client.session_transaction() as session:
        session["user"], session["role"], session["csrf"] = "root", "admin", "x"
    assert client.get("/api/users").status_code == 401


def test_an_expired_session_is_refused(app, db):
    services.create_user(db, "ada", "drafter", PASSWORD)
    app.permanent_session_lifetime = 1
    client = browser(app, "ada")
    with db.session() as session:
        found = session.scalars(select(BrowserSession)).one()
        found.expires_at = found.created_at
    services.principal_cache(db).clear()
    assert signed_out(client)


def run_cli(database_url, monkeypatch, tmp_path, *args, input=None):
    from click.testing import CliRunner

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path / "instance"))
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def refused_within_the_window(app, token: str) -> bool:
    """The command line is another process: the server refuses its token within TOKEN_CACHE_SECONDS."""
    deadline = time.monotonic() + services.TOKEN_CACHE_SECONDS + 1.0
    while time.monotonic() < deadline:
        if app.test_client().get("/api/documents", headers=bearer(token)).status_code == 401:
            return True
        time.sleep(0.1)
    return False


def test_the_command_line_disables_enables_and_revokes(app, db, database_url, monkeypatch, tmp_path):
    services.create_user(db, "ada", "drafter", PASSWORD)
    first, second = services.issue_token(db, "ada", "laptop"), services.issue_token(db, "ada", "ci")
    client = browser(app, "ada")

    result = run_cli(database_url, monkeypatch, tmp_path, "user", "disable", "ada")
    assert result.exit_code == 0 and "ada is disabled" in result.output
    assert signed_out(client)
    assert refused_within_the_window(app, first)
    assert run_cli(database_url, monkeypatch, tmp_path, "user", "enable", "ada").exit_code == 0

    listed = run_cli(database_url, monkeypatch, tmp_path, "token", "list", "--user", "ada").output.splitlines()
    laptop = next(line.split("\t")[0] for line in listed if line.endswith("laptop"))
    result = run_cli(database_url, monkeypatch, tmp_path, "token", "revoke", "--user", "ada", "--id", laptop)
    assert result.exit_code == 0 and "1 token of ada revoked" in result.output
    assert refused_within_the_window(app, first)
    assert app.test_client().get("/api/documents", headers=bearer(second)).status_code == 200
    assert run_cli(database_url, monkeypatch, tmp_path, "token", "revoke", "--user", "ada", "--all").exit_code == 0
    assert refused_within_the_window(app, second)

    again = browser(app, "ada")
    result = run_cli(database_url, monkeypatch, tmp_path, "user", "password", "ada", input="a brand new password\n")
    assert result.exit_code == 0 and signed_out(again)
    assert run_cli(database_url, monkeypatch, tmp_path, "token", "revoke", "--user", "ada").exit_code == 2


def test_a_user_changes_their_own_password_and_their_other_browsers_are_signed_out(app, db):
    services.create_user(db, "ada", "drafter", PASSWORD)
    here, elsewhere = browser(app, "ada"), browser(app, "ada")
    token = page_csrf(here)
    wrong = here.post("/account/password", data={"csrf_token": token, "current": "not it",
                                                 "new": "a new long password", "repeat": "a new long password"})
    assert wrong.status_code == 400 and "current password is not right" in wrong.get_data(as_text=True)
    assert not signed_out(elsewhere)
    changed = here.post("/account/password", data={"csrf_token": token, "current": PASSWORD,
                                                   "new": "a new long password", "repeat": "a new long password"})
    assert changed.status_code == 302
    assert "password is changed" in here.get(changed.headers["Location"]).get_data(as_text=True)
    assert signed_out(elsewhere)
    assert services.check_password(db, "ada", "a new long password") is not None


def test_sign_out_everywhere_else_keeps_this_browser(app, db):
    services.create_user(db, "ada", "drafter", PASSWORD)
    here, elsewhere = browser(app, "ada"), browser(app, "ada")
    assert here.post("/account/sign-out-elsewhere", data={"csrf_token": page_csrf(here)}).status_code == 302
    assert signed_out(elsewhere) and not signed_out(here)
