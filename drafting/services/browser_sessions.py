"""Browser sessions kept in the store: start one at sign-in, read who it acts as on every request, end one (sign-out)
or all of an account's. Flask-Login carries the session's key in the signed cookie (drafting/http/security.py)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from drafting.store import Database, repository

from .accounts import end_other_sessions, hash_token, no_such_user
from .values import Principal

SESSION_KEY_BYTES = 32


ENDED_SESSIONS_KEPT = timedelta(days=30)  # ended and expired sessions are forgotten after this


def start_session(db: Database, name: str, lifetime: timedelta, *, address: str | None = None) -> str:
    """Record a browser sign-in for an account; return the session's key (for the signed cookie; only its hash is
    stored). Sessions of the account that ended or expired long ago are forgotten."""
    key = secrets.token_urlsafe(SESSION_KEY_BYTES)
    now = datetime.now(UTC)
    with db.session() as session:
        user = repository.get_user(session, name) or no_such_user(name)
        repository.forget_browser_sessions(session, user, before=now - ENDED_SESSIONS_KEPT)
        repository.add_browser_session(session, user, hash_token(key), now + lifetime)
        repository.add_audit_event(session, "user.signed_in", actor=name,
                                   detail={"user": name} | ({"address": address} if address else {}))
    return key


def principal_of_session(db: Database, key: str) -> Principal | None:
    """Return who a browser session acts as now, or None when it has ended or expired or its account is disabled.

    Read from the store on every request (one indexed look-up; browsers send few requests), so that signing out,
    a password or role change and disabling take effect at once on every worker of every app server."""
    if not key or len(key) > 200:
        return None
    with db.session(read_only=True) as session:
        found = repository.find_browser_session(session, hash_token(key))
        if (found is None or found.ended_at is not None or found.expires_at <= datetime.now(UTC)
                or found.user.disabled_at is not None):
            return None
        return Principal(found.user.name, found.user.role)


def end_session(db: Database, key: str, *, reason: str = "signed-out") -> None:
    """End one browser session (signing out): its cookie is refused from now on, wherever it is replayed."""
    with db.session() as session:
        found = repository.find_browser_session(session, hash_token(key))
        if found is None or found.ended_at is not None:
            return
        repository.end_browser_sessions(session, found.user, reason, only=found.key_hash)
        repository.add_audit_event(session, "user.signed_out", actor=found.user.name,
                                   detail={"user": found.user.name})


def end_sessions(db: Database, name: str, *, actor: str | None = None, sparing_session: str | None = None) -> int:
    """End every browser session of an account (but the one given); return how many were open."""
    with db.session() as session:
        user = repository.get_user(session, name) or no_such_user(name)
        ended = end_other_sessions(session, user, "ended-by-admin", sparing_session)
        repository.add_audit_event(session, "user.sessions_ended", actor=actor,
                                   detail={"user": name, "sessions_ended": ended})
    return ended
