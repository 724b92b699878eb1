"""services.accounts: accounts, roles, passwords, disabling and API tokens, called directly with a store."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from drafting import services
from drafting.errors import ConflictError, InvalidDocumentError, NotFoundError
from drafting.store.models import ApiToken, User

PASSWORD = "a long enough password"


def audit(database, action: str) -> list:
    return services.list_audit_events(database, principal=None, action=action)[0]


def test_an_account_signs_in_with_its_password_and_with_no_other(database):
    created = services.create_user(database, "ada", "drafter", PASSWORD, actor="root")
    assert created == services.Principal("ada", "drafter")
    assert services.check_password(database, "ada", PASSWORD) == created
    assert services.check_password(database, "ada", PASSWORD + "!") is None
    [event] = audit(database, "user.created")
    assert (event.actor, event.detail) == ("root", {"user": "ada", "role": "drafter", "password": True})


def test_a_taken_name_or_an_unknown_role_creates_no_account(database):
    services.create_user(database, "ada", "drafter")
    with pytest.raises(ConflictError):
        services.create_user(database, "ada", "admin")
    with pytest.raises(InvalidDocumentError, match="role"):
        services.create_user(database, "bob", "owner")
    assert [(a.name, a.role) for a in services.list_users(database)] == [("ada", "drafter")]


def test_a_refused_sign_in_is_audited_with_its_reason_and_never_the_password(database):
    services.create_user(database, "ada", "drafter", PASSWORD)
    services.create_user(database, "bob", "drafter")  # no password: no browser sign-in
    services.create_user(database, "cy", "drafter", PASSWORD)
    services.set_disabled(database, "cy", True, actor="root")
    for name, password in (("ada", "wrong"), ("bob", "wrong"), ("cy", PASSWORD), ("zed", "wrong")):
        assert services.check_password(database, name, password, address="192.0.2.7") is None
    events = audit(database, "user.sign_in_failed")
    assert sorted((e.detail["user"], e.detail["reason"]) for e in events) == [
        ("ada", "wrong-password"), ("bob", "no-password"), ("cy", "disabled"), ("zed", "unknown-account")]
    assert all(e.detail["address"] == "192.0.2.7" and PASSWORD not in str(e.detail) for e in events)


def test_an_issued_token_authenticates_its_account_and_only_its_hash_is_stored(database):
    services.create_user(database, "ada", "drafter")
    token = services.issue_token(database, "ada", "laptop")
    assert token.startswith(services.TOKEN_PREFIX)
    assert services.authenticate_token(database, token) == services.Principal("ada", "drafter")
    with database.session(read_only=True) as session:
        assert session.scalars(select(ApiToken.token_hash)).all() == [services.hash_token(token)]
    [info] = services.list_tokens(database, "ada")
    assert (info.label, info.revoked_at) == ("laptop", None) and info.last_used_at is not None


def test_a_token_of_another_form_authenticates_no_one(database):
    services.create_user(database, "ada", "drafter")
    token = services.issue_token(database, "ada")
    for other in ("", token.removeprefix(services.TOKEN_PREFIX), token + "x", token + "x" * 200):
        assert services.authenticate_token(database, other) is None


def test_a_revoked_token_authenticates_no_one(database):
    services.create_user(database, "ada", "drafter")
    token, kept = services.issue_token(database, "ada", "old"), services.issue_token(database, "ada", "new")
    assert services.authenticate_token(database, token) is not None  # now in the principal cache
    [old, _] = services.list_tokens(database, "ada")
    assert services.revoke_token(database, "ada", old.id, actor="root") == 1
    assert services.authenticate_token(database, token) is None
    assert services.authenticate_token(database, kept) == services.Principal("ada", "drafter")
    assert [info.revoked_at is not None for info in services.list_tokens(database, "ada")] == [True, False]
    assert services.get_account(database, "ada").tokens == 1


def test_revoking_every_token_counts_only_those_still_active(database):
    services.create_user(database, "ada", "drafter")
    tokens = [services.issue_token(database, "ada") for _ in range(3)]
    services.revoke_token(database, "ada", services.list_tokens(database, "ada")[0].id)
    assert services.revoke_token(database, "ada", actor="root") == 2
    assert all(services.authenticate_token(database, token) is None for token in tokens)
    assert [e.detail for e in audit(database, "token.revoked_all")] == [{"user": "ada", "revoked": 2}]


def test_revoking_a_token_the_account_does_not_have_is_not_found_and_revokes_nothing(database):
    services.create_user(database, "ada", "drafter")
    services.create_user(database, "bob", "drafter")
    token = services.issue_token(database, "bob")
    bobs = services.list_tokens(database, "bob")[0].id
    with pytest.raises(NotFoundError, match=f"ada has no token {bobs}"):
        services.revoke_token(database, "ada", bobs)
    assert services.authenticate_token(database, token) == services.Principal("bob", "drafter")
    assert audit(database, "token.revoked") == []


def test_a_disabled_account_is_refused_until_it_is_enabled_again(database):
    services.create_user(database, "ada", "drafter", PASSWORD)
    token = services.issue_token(database, "ada")
    assert services.authenticate_token(database, token) is not None  # now in the principal cache
    assert services.set_disabled(database, "ada", True, actor="root").disabled is True
    assert services.authenticate_token(database, token) is None
    assert services.check_password(database, "ada", PASSWORD) is None
    assert services.set_disabled(database, "ada", False, actor="root").disabled is False
    assert services.authenticate_token(database, token) == services.Principal("ada", "drafter")
    assert [e.action for e in services.list_audit_events(database, principal=None, actor="root")[0]] == [
        "user.enabled", "user.disabled"]


def test_an_administrator_cannot_disable_their_own_account(database):
    services.create_user(database, "root", "admin")
    with pytest.raises(ConflictError, match="own account"):
        services.set_disabled(database, "root", True, actor="root")
    assert services.get_account(database, "root").disabled is False


def test_a_role_change_reaches_a_token_already_in_the_cache_at_once(database):
    services.create_user(database, "ada", "admin")
    token = services.issue_token(database, "ada")
    assert services.authenticate_token(database, token).role == "admin"
    services.set_role(database, "ada", "viewer", actor="root")
    assert services.authenticate_token(database, token) == services.Principal("ada", "viewer")
    [event] = audit(database, "user.role_changed")
    assert event.detail == {"user": "ada", "from": "admin", "to": "viewer", "sessions_ended": 0}


def test_creating_a_token_makes_the_account_or_gives_it_the_role_asked(database):
    principal, token = services.create_token(database, "ci", "viewer", "pipeline")
    assert principal == services.Principal("ci", "viewer") == services.authenticate_token(database, token)
    services.create_token(database, "ci", "drafter")
    assert services.authenticate_token(database, token) == services.Principal("ci", "drafter")
    with database.session(read_only=True) as session:
        assert session.scalars(select(User.name)).all() == ["ci"]
    assert services.get_account(database, "ci").tokens == 2


def test_changing_ones_own_password_needs_the_current_one(database):
    services.create_user(database, "ada", "drafter", PASSWORD)
    assert services.change_own_password(database, "ada", "not it", "a new long password") is False
    assert services.check_password(database, "ada", PASSWORD) is not None
    assert services.change_own_password(database, "ada", PASSWORD, "a new long password") is True
    assert services.check_password(database, "ada", PASSWORD) is None
    assert services.check_password(database, "ada", "a new long password") is not None
