"""Browser sessions: who is signed in, CSRF tokens on every state-changing request, strict security headers."""

from __future__ import annotations

import hmac
import secrets
from functools import wraps

from flask import Flask, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from drafting.errors import PermissionDeniedError
from drafting.services import Principal

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or (bool(request) and request.is_secure)


def signed_in() -> Principal | None:
    """Return who is signed in to this browser session, or None."""
    if "user" not in session:
        return None
    return Principal(session["user"], session["role"])


def sign_in(principal: Principal) -> None:
    """Start a fresh session for a principal (a new CSRF token too)."""
    session.clear()
    session["user"], session["role"] = principal.name, principal.role
    session["csrf"] = secrets.token_urlsafe(32)
    session.permanent = True


def csrf_token() -> str:
    """The CSRF token of this session (created on first use)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    """Refuse (403) a state-changing request whose CSRF token is missing or wrong."""
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD) or ""
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent, expected):
        raise PermissionDeniedError("expected the session's CSRF token with this request, found none or another")


def login_required(role: str = "viewer"):
    """Send anonymous visitors to the sign-in page; refuse a role that is too weak."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            principal = signed_in()
            if principal is None:
                return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
            if not principal.may(role):
                raise PermissionDeniedError(f"this page needs the {role} role; {principal.name} is a {principal.role}")
            if request.method in UNSAFE_METHODS:
                check_csrf()
            return view(*args, **kwargs)

        return wrapped

    return decorate


def add_security_headers(response):
    """Strict headers on every response: no inline script anywhere, no framing, no sniffing."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response
