"""Accounts: users and their roles, passwords, disabling, API tokens (issue, list, revoke) and the principal a token
acts as. Browser sessions are in browser_sessions.py."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from werkzeug.security import check_password_hash, generate_password_hash

from drafting.cache import PrincipalCache, caches_of
from drafting.errors import ConflictError, InvalidDocumentError, NotFoundError
from drafting.store import Database, repository
from drafting.store.models import ROLES

from .values import Principal

TOKEN_PREFIX = "dft_"  # noqa: S105 - a visible prefix, not a secret
TOKEN_USE_RESOLUTION = timedelta(minutes=5)
# a token's account is read from the store at most this often per process (drafting.cache.PrincipalCache)
TOKEN_CACHE_SECONDS = PrincipalCache.SECONDS


def principal_cache(db: Database) -> PrincipalCache:
    """The principals of the tokens this process has read from a store, for TOKEN_CACHE_SECONDS."""
    return caches_of(db).principals


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidDocumentError(f"expected a role among {', '.join(ROLES)}, found {role!r}")


def hash_token(token: str) -> str:
    """Return the stored form of an API token or a session key (both random, so a plain SHA-256 is enough)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_user(db: Database, name: str, role: str, password: str | None = None, *, actor: str | None = None
                ) -> Principal:
    """Create an account; a password enables browser sign-in. `actor` is who does it (None: the command line)."""
    _check_role(role)
    password_hash = generate_password_hash(password) if password else None
    with db.session() as session:
        user = repository.create_user(session, name, role, password_hash)
        repository.add_audit_event(session, "user.created", actor=actor,
                                   detail={"user": name, "role": role, "password": password_hash is not None})
        return Principal(user.name, user.role)


@dataclass(frozen=True)
class Account:
    """A user as an administrator sees it."""

    name: str
    role: str
    created_at: datetime
    has_password: bool
    tokens: int  # tokens not revoked
    disabled: bool


def _account(user) -> Account:
    active = sum(1 for token in user.tokens if token.revoked_at is None)
    return Account(user.name, user.role, user.created_at, user.password_hash is not None, active,
                   user.disabled_at is not None)


def list_users(db: Database) -> list[Account]:
    """Return every account."""
    with db.session(read_only=True) as session:
        return [_account(user) for user in repository.list_users(session)]


def get_account(db: Database, name: str) -> Account:
    """Return one account; NotFoundError if there is none of that name."""
    with db.session(read_only=True) as session:
        user = repository.get_user(session, name)
        if user is None:
            raise NotFoundError(f"no user named {name!r}")
        return _account(user)


def end_other_sessions(session, user, reason: str, sparing_session: str | None) -> int:
    """End every session of an account but the one (a session key) that made the change."""
    sparing = hash_token(sparing_session) if sparing_session else None
    return repository.end_browser_sessions(session, user, reason, sparing=sparing)


def set_role(db: Database, name: str, role: str, *, actor: str | None = None, sparing_session: str | None = None
             ) -> Principal:
    """Give an account another role; every other browser session of the account ends (its user signs in again)."""
    _check_role(role)
    with db.session() as session:
        before = repository.get_user(session, name)
        before_role = before.role if before is not None else None
        user = repository.set_user_role(session, name, role)
        if before_role != role:
            ended = end_other_sessions(session, user, "role-changed", sparing_session)
            repository.add_audit_event(session, "user.role_changed", actor=actor,
                                       detail={"user": name, "from": before_role, "to": role,
                                               "sessions_ended": ended})
        changed = Principal(user.name, user.role)
    principal_cache(db).clear()  # the account's tokens and sessions carry the new role from the next request on
    return changed


def set_disabled(db: Database, name: str, disabled: bool, *, actor: str | None = None) -> Account:
    """Disable an account (no sign-in, every session ended, every token refused) or enable it again (its tokens
    that were not revoked work again; its ended sessions do not)."""
    if disabled and actor == name:
        raise ConflictError("an administrator cannot disable their own account; ask another administrator")
    with db.session() as session:
        was_disabled = (repository.get_user(session, name) or no_such_user(name)).disabled_at is not None
        user = repository.set_user_disabled(session, name, disabled)
        if disabled != was_disabled:
            ended = repository.end_browser_sessions(session, user, "disabled") if disabled else 0
            detail = {"user": name, "sessions_ended": ended} if disabled else {"user": name}
            repository.add_audit_event(session, "user.disabled" if disabled else "user.enabled", actor=actor,
                                       detail=detail)
        account = _account(user)
    principal_cache(db).clear()
    return account


def no_such_user(name: str) -> NoReturn:
    raise NotFoundError(f"no user named {name!r}")


def issue_token(db: Database, name: str, label: str = "", *, actor: str | None = None) -> str:
    """Create a new API token for an existing account; return it (it is shown once)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.session() as session:
        user = repository.get_user(session, name) or no_such_user(name)
        repository.add_token(session, user, hash_token(token), label)
        repository.add_audit_event(session, "token.issued", actor=actor, detail={"user": name, "label": label})
    return token


@dataclass(frozen=True)
class TokenInfo:
    """An API token as an administrator sees it (never its secret)."""

    id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def list_tokens(db: Database, name: str) -> list[TokenInfo]:
    """Return an account's tokens, revoked ones included."""
    with db.session(read_only=True) as session:
        user = repository.get_user(session, name) or no_such_user(name)
        return [TokenInfo(token.id, token.label, token.created_at, token.last_used_at, token.revoked_at)
                for token in repository.list_tokens(session, user)]


def revoke_token(db: Database, name: str, token_id: int | None = None, *, actor: str | None = None) -> int:
    """Revoke one token of an account (by id; NotFoundError if it has none of that id) or, with no id, all of
    them; return how many were active. Refused from the next request on, on every app server within
    TOKEN_CACHE_SECONDS, on this one at once."""
    with db.session() as session:
        user = repository.get_user(session, name) or no_such_user(name)
        if token_id is not None and repository.get_token(session, user, token_id) is None:
            raise NotFoundError(f"{name} has no token {token_id}")
        revoked = repository.revoke_tokens(session, user, token_id)
        detail = {"user": name, "revoked": revoked}
        if token_id is not None:
            detail["token"] = token_id
        repository.add_audit_event(session, "token.revoked" if token_id is not None else "token.revoked_all",
                                   actor=actor, detail=detail)
    principal_cache(db).clear()
    return revoked


def set_password(db: Database, name: str, password: str, *, actor: str | None = None,
                 sparing_session: str | None = None) -> None:
    """Give an account a (new) password for browser sign-in; every other session of the account ends."""
    with db.session() as session:
        user = repository.set_password_hash(session, name, generate_password_hash(password))
        ended = end_other_sessions(session, user, "password-changed", sparing_session)
        repository.add_audit_event(session, "user.password_set", actor=actor,
                                   detail={"user": name, "sessions_ended": ended})
    principal_cache(db).clear()


def change_own_password(db: Database, name: str, current: str, new: str, *, session_key: str | None = None) -> bool:
    """Change a signed-in user's password after checking the current one; False (nothing changed) if it is wrong.
    The session that asked stays signed in; every other session of the account ends."""
    if check_password(db, name, current) is None:
        return False
    set_password(db, name, new, actor=name, sparing_session=session_key)
    return True


# checked against when the name is unknown, so that a wrong name costs as long as a wrong password
_NO_SUCH_USER_HASH = generate_password_hash("no such user")


def check_password(db: Database, name: str, password: str, *, address: str | None = None) -> Principal | None:
    """Return the principal whose name and password these are, or None. A refusal is written to the audit log (the
    name tried, why, and the client's address when given; never the password). Disabled accounts are refused."""
    name = name[:80]
    with db.session(read_only=True) as session:
        user = repository.get_user(session, name)
        stored = user.password_hash if user is not None and user.password_hash else _NO_SUCH_USER_HASH
        found = Principal(user.name, user.role) if user is not None and user.password_hash else None
        disabled = user is not None and user.disabled_at is not None
    matches = check_password_hash(stored, password)
    if matches and found is not None and not disabled:
        return found
    reason = ("unknown-account" if user is None else "no-password" if found is None
              else "wrong-password" if not matches else "disabled")
    detail = {"user": name, "reason": reason} | ({"address": address} if address else {})
    with db.session() as session:
        repository.add_audit_event(session, "user.sign_in_failed", actor=None, detail=detail)
    return None


def create_token(db: Database, name: str, role: str, label: str = "", *, actor: str | None = None
                 ) -> tuple[Principal, str]:
    """Create a user if needed (with this role) and a new API token for them; return the token once."""
    _check_role(role)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.session() as session:
        user = repository.get_user(session, name)
        if user is None:
            user = repository.create_user(session, name, role)
            repository.add_audit_event(session, "user.created", actor=actor,
                                       detail={"user": name, "role": role, "password": False})
        elif user.role != role:
            before = user.role
            repository.set_user_role(session, user.name, role)
            ended = repository.end_browser_sessions(session, user, "role-changed")
            repository.add_audit_event(session, "user.role_changed", actor=actor,
                                       detail={"user": name, "from": before, "to": role, "sessions_ended": ended})
        repository.add_token(session, user, hash_token(token), label)
        repository.add_audit_event(session, "token.issued", actor=actor, detail={"user": name, "label": label})
        principal = Principal(user.name, user.role)
    principal_cache(db).clear()
    return principal, token


def authenticate_token(db: Database, token: str) -> Principal | None:
    """Return the principal an API token belongs to, or None (unknown, revoked, or its account disabled)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    cached = principal_cache(db).get("token:" + digest)
    if cached is not None:
        return cached
    principal = _principal_of_token(db, digest)
    if principal is not None:
        principal_cache(db).put("token:" + digest, principal)
    return principal


def _principal_of_token(db: Database, digest: str) -> Principal | None:
    with db.session(read_only=True) as session:
        found = repository.find_token(session, digest)
        if (found is None or not hmac.compare_digest(found.token_hash, digest) or found.revoked_at is not None
                or found.user.disabled_at is not None):
            return None
        principal = Principal(found.user.name, found.user.role)
        last_used = found.last_used_at
    # record use at most every few minutes, so that reads do not turn into writes
    if last_used is None or datetime.now(UTC) - last_used > TOKEN_USE_RESOLUTION:
        with db.session() as session:
            repository.record_token_use(session, found.id)
    return principal
