"""services.browser_sessions: sign-ins kept in the store, read on every request and ended, called directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from drafting import services
from drafting.errors import NotFoundError
from drafting.store.models import BrowserSession

PASSWORD = "a long enough password"
HOUR = timedelta(hours=1)
ADA = services.Principal("ada", "drafter")


@pytest.fixture
def ada(database):
    services.create_user(database, ADA.name, ADA.role, PASSWORD)
    return ADA


def stored_sessions(database) -> list[tuple[str, str | None]]:
    """(key hash, ended reason) of every stored session, oldest first."""
    with database.session(read_only=True) as session:
        return [tuple(row) for row in session.execute(
            select(BrowserSession.key_hash, BrowserSession.ended_reason).order_by(BrowserSession.id))]


def audit(database, action: str) -> list:
    return services.list_audit_events(database, principal=None, action=action)[0]


def test_a_started_session_acts_as_its_account_and_only_its_key_hash_is_stored(database, ada):
    key = services.start_session(database, "ada", HOUR, address="192.0.2.7")
    assert services.principal_of_session(database, key) == ada
    assert stored_sessions(database) == [(services.hash_token(key), None)]
    [event] = audit(database, "user.signed_in")
    assert (event.actor, event.detail) == ("ada", {"user": "ada", "address": "192.0.2.7"})


def test_a_session_for_an_unknown_account_is_not_started(database):
    with pytest.raises(NotFoundError, match="no user named 'zed'"):
        services.start_session(database, "zed", HOUR)
    assert stored_sessions(database) == []


def test_an_ended_session_acts_as_no_one_and_its_sign_out_is_recorded_once(database, ada):
    key, other = services.start_session(database, "ada", HOUR), services.start_session(database, "ada", HOUR)
    services.end_session(database, key)
    services.end_session(database, key)
    assert services.principal_of_session(database, key) is None
    assert services.principal_of_session(database, other) == ada
    assert stored_sessions(database) == [(services.hash_token(key), "signed-out"), (services.hash_token(other), None)]
    assert len(audit(database, "user.signed_out")) == 1


def test_an_expired_session_acts_as_no_one(database, ada):
    key = services.start_session(database, "ada", timedelta(seconds=-1))
    assert services.principal_of_session(database, key) is None


def test_a_key_that_is_empty_overlong_or_unknown_acts_as_no_one(database, ada):
    key = services.start_session(database, "ada", HOUR)
    for other in ("", key + "x", "x" * 201):
        assert services.principal_of_session(database, other) is None


def test_the_sessions_of_a_disabled_account_end_and_stay_ended_when_it_is_enabled(database, ada):
    key = services.start_session(database, "ada", HOUR)
    services.set_disabled(database, "ada", True, actor="root")
    assert services.principal_of_session(database, key) is None
    services.set_disabled(database, "ada", False, actor="root")
    assert services.principal_of_session(database, key) is None
    assert stored_sessions(database) == [(services.hash_token(key), "disabled")]


def test_a_role_change_is_seen_at_once_by_the_session_that_made_it_and_ends_the_others(database, ada):
    mine, elsewhere = services.start_session(database, "ada", HOUR), services.start_session(database, "ada", HOUR)
    services.set_role(database, "ada", "viewer", actor="ada", sparing_session=mine)
    assert services.principal_of_session(database, mine) == services.Principal("ada", "viewer")
    assert services.principal_of_session(database, elsewhere) is None
    assert stored_sessions(database)[1] == (services.hash_token(elsewhere), "role-changed")


def test_a_password_change_ends_every_other_session_but_the_one_that_made_it(database, ada):
    mine, elsewhere = services.start_session(database, "ada", HOUR), services.start_session(database, "ada", HOUR)
    assert services.change_own_password(database, "ada", PASSWORD, "a new long password", session_key=mine)
    assert services.principal_of_session(database, mine) == ada
    assert services.principal_of_session(database, elsewhere) is None


def test_ending_every_session_of_an_account_spares_the_one_given_and_counts_the_rest(database, ada):
    keys = [services.start_session(database, "ada", HOUR) for _ in range(3)]
    services.end_session(database, keys[2])
    assert services.end_sessions(database, "ada", actor="root", sparing_session=keys[0]) == 1
    assert [services.principal_of_session(database, key) for key in keys] == [ada, None, None]
    assert [reason for _, reason in stored_sessions(database)] == [None, "ended-by-admin", "signed-out"]
    [event] = audit(database, "user.sessions_ended")
    assert event.detail == {"user": "ada", "sessions_ended": 1}


def test_sessions_that_ended_long_ago_are_forgotten_at_the_next_sign_in(database, ada):
    long_ago, lately = services.start_session(database, "ada", HOUR), services.start_session(database, "ada", HOUR)
    now = datetime.now(UTC)
    with database.session() as session:
        for key, ended in ((long_ago, now - timedelta(days=31)), (lately, now - timedelta(days=1))):
            session.execute(update(BrowserSession).where(BrowserSession.key_hash == services.hash_token(key))
                            .values(ended_at=ended, ended_reason="signed-out"))
    new = services.start_session(database, "ada", HOUR)
    assert [key_hash for key_hash, _ in stored_sessions(database)] == [services.hash_token(lately),
                                                                       services.hash_token(new)]
