"""Reads and writes of accounts: users, their API tokens and their browser sessions (only hashes of secrets)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from drafting.errors import ConflictError, DraftingError, NotFoundError
from drafting.store.models import (
    ROLES,
    ApiToken,
    BrowserSession,
    User,
    utcnow,
)

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def create_user(session: Session, name: str, role: str, password_hash: str | None = None) -> User:
    """Add a user; ConflictError if the name is taken."""
    _check_role(role)
    if get_user(session, name) is not None:
        raise ConflictError(f"a user named {name!r} already exists", extra={"name": name})
    user = User(name=name, role=role, password_hash=password_hash)
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError as error:
        if get_user(session, name) is None:
            raise
        raise ConflictError(f"a user named {name!r} already exists", extra={"name": name}) from error
    return user


def get_user(session: Session, name: str) -> User | None:
    """Return the user with this name, or None."""
    return session.scalars(select(User).where(User.name == name)).one_or_none()


def list_users(session: Session) -> list[User]:
    """Return every user, by name, with their tokens loaded."""
    return list(session.scalars(select(User).options(selectinload(User.tokens)).order_by(User.name)))


def set_user_role(session: Session, name: str, role: str) -> User:
    """Give a user another role; NotFoundError if there is no such user."""
    _check_role(role)
    user = _require_user(session, name)
    user.role = role
    session.flush()
    return user


def set_password_hash(session: Session, name: str, password_hash: str | None) -> User:
    """Replace a user's password hash (None disables password login); NotFoundError if there is no such user."""
    user = _require_user(session, name)
    user.password_hash = password_hash
    session.flush()
    return user


def add_token(session: Session, user: User, token_hash: str, label: str = "") -> ApiToken:
    """Store the SHA-256 hex digest of a new API token for a user."""
    _check_digest(token_hash, "a token")
    token = ApiToken(user_id=user.id, token_hash=token_hash, label=label)
    session.add(token)
    session.flush()
    return token


def find_token(session: Session, token_hash: str) -> ApiToken | None:
    """Return the token with this hash, its user loaded; None if unknown."""
    return _with_user_by_hash(session, ApiToken, ApiToken.token_hash, token_hash)


def record_token_use(session: Session, token_id: int) -> None:
    """Record that a token was used now."""
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow()))


def set_user_disabled(session: Session, name: str, disabled: bool) -> User:
    """Disable a user (from now) or enable them again; NotFoundError if there is no such user."""
    user = _require_user(session, name)
    if disabled and user.disabled_at is None:
        user.disabled_at = utcnow()
    elif not disabled:
        user.disabled_at = None
    session.flush()
    return user


def revoke_tokens(session: Session, user: User, token_id: int | None = None) -> int:
    """Revoke one token of a user (by id) or all of them; return how many were still active."""
    statement = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if token_id is not None:
        statement = statement.where(ApiToken.id == token_id)
    return session.execute(statement.values(revoked_at=utcnow())).rowcount


def get_token(session: Session, user: User, token_id: int) -> ApiToken | None:
    """Return a user's token by its id, or None."""
    return session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.id == token_id)
    ).one_or_none()


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """Return a user's tokens, oldest first, revoked ones included."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def add_browser_session(session: Session, user: User, key_hash: str, expires_at: datetime) -> BrowserSession:
    """Store the SHA-256 hex digest of a new browser session's key."""
    _check_digest(key_hash, "a session key")
    browser_session = BrowserSession(user_id=user.id, key_hash=key_hash, expires_at=expires_at)
    session.add(browser_session)
    session.flush()
    return browser_session


def find_browser_session(session: Session, key_hash: str) -> BrowserSession | None:
    """Return the browser session with this key hash, its user loaded; None if unknown."""
    return _with_user_by_hash(session, BrowserSession, BrowserSession.key_hash, key_hash)


def end_browser_sessions(session: Session, user: User, reason: str, *, only: str | None = None,
                         sparing: str | None = None) -> int:
    """End a user's open sessions (only the one with key hash `only`, or all but `sparing`); return how many."""
    statement = update(BrowserSession).where(BrowserSession.user_id == user.id, BrowserSession.ended_at.is_(None))
    if only is not None:
        statement = statement.where(BrowserSession.key_hash == only)
    if sparing is not None:
        statement = statement.where(BrowserSession.key_hash != sparing)
    return session.execute(statement.values(ended_at=utcnow(), ended_reason=reason)).rowcount


def forget_browser_sessions(session: Session, user: User, *, before: datetime) -> None:
    """Delete a user's sessions that ended or expired before a time (they can never be used again)."""
    session.execute(delete(BrowserSession).where(
        BrowserSession.user_id == user.id,
        or_(BrowserSession.ended_at < before, BrowserSession.expires_at < before),
    ))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise DraftingError(f"expected a role among {', '.join(ROLES)}; found {role!r}", extra={"role": role})


def _require_user(session: Session, name: str) -> User:
    user = get_user(session, name)
    if user is None:
        raise NotFoundError(f"no user named {name!r}", extra={"name": name})
    return user


def _check_digest(digest: str, what: str) -> None:
    """Refuse anything but the SHA-256 hex digest of a secret (the store never holds a secret itself)."""
    if not _SHA256_HEX.fullmatch(digest):
        raise ValueError(f"expected {what} hash of 64 lowercase hex digits, found {len(digest)} characters")


def _with_user_by_hash(session: Session, model, column, digest: str):
    """Return the row of `model` whose `column` holds this digest, its user loaded; None if unknown."""
    return session.scalars(select(model).where(column == digest).options(joinedload(model.user))).one_or_none()
