"""Bearer-token authentication and role checks for the API."""

from __future__ import annotations

from functools import wraps

from flask import g, request

from drafting import services
from drafting.errors import AuthenticationError, PermissionDeniedError
from drafting.http.context import database
from drafting.http.security import UNSAFE_METHODS, check_csrf, signed_in

BEARER_SECURITY = [{"bearerAuth": []}]


def current_principal() -> services.Principal:
    """Return who the request acts as (set by `requires`)."""
    return g.principal


def authenticate() -> services.Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        # the browser editor calls the API with its session cookie; then every change needs the CSRF token
        principal = signed_in()
        if principal is None:
            raise AuthenticationError("expected an Authorization: Bearer <token> header, found none")
        if request.method in UNSAFE_METHODS:
            check_csrf()
        return principal
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("expected an Authorization header with the Bearer scheme, found another scheme")
    principal = services.authenticate_token(database(), token.strip())
    if principal is None:
        raise AuthenticationError("the bearer token is invalid or has been revoked")
    return principal


def requires(role: str):
    """Require a valid bearer token whose user has at least `role`."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            principal = authenticate()
            if not principal.may(role):
                raise PermissionDeniedError(
                    f"this action needs the {role} role; {principal.name} is a {principal.role}"
                )
            g.principal = principal
            return view(*args, **kwargs)

        wrapped._apidoc = getattr(view, "_apidoc", {})  # keep flask-smorest's collected docs
        return wrapped

    return decorate
