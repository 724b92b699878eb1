"""Browser sessions: who is signed in, CSRF tokens on every state-changing request, strict security headers on
every response, and rate limits on the actions that guess secrets (signing in, issuing API tokens).

Sessions are Flask-Login's, with a server-side record: the signed cookie carries a random session key as
Flask-Login's user id, and the user loader asks the store (through the same 2-second principal cache as API tokens)
whether that session is still open and what its account may do now. Signing out, a password or role change and
disabling an account end sessions in the store, so a copied cookie is refused on every app server.
"""

from __future__ import annotations

import math
import re
import time
import unicodedata
from functools import wraps
from urllib.parse import quote

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from werkzeug.http import parse_options_header

from drafting import services
from drafting.errors import PermissionDeniedError
from drafting.http.context import database
from drafting.services import Principal

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# JSON, problem+json, XML, Word, scripts and style sheets: nothing in them may load anything, or be framed
NON_HTML_POLICY = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000"

# Rate limits (https://limits.readthedocs.io notation). Failed sign-ins are counted per client address and per
# account name; every sign-in attempt is counted too, before it is checked, which bounds the guesses a client can
# send in parallel (failures are only counted once answered). Ordinary API traffic is not limited.
SIGN_IN_FAILURES = "10/minute"
SIGN_IN_ATTEMPTS = "30/minute"
ISSUES_PER_CLIENT = "30/hour"  # API tokens issued, per client address
SIGN_IN_ENDPOINT = "web.login"
ISSUE_ENDPOINT = "users.issue_token"  # POST /api/users/{name}/tokens


class SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or (bool(request) and request.is_secure)


class SessionUser(UserMixin):
    """Flask-Login's user: an open browser session (its key is the id the cookie carries) and who it acts as."""

    def __init__(self, key: str, principal: Principal):
        self.key = key
        self.principal = principal

    def get_id(self) -> str:
        return self.key


def _load_session_user(key: str) -> SessionUser | None:
    principal = services.principal_of_session(database(), key)
    return SessionUser(key, principal) if principal is not None else None


def init_sessions(app: Flask) -> None:
    """Flask-Login on the signed-cookie session; each request's session is checked against the store."""
    app.session_interface = SessionInterface()
    manager = LoginManager(app)
    manager.user_loader(_load_session_user)
    # our own decorator answers anonymous visitors (sign-in page) and weak roles (403)
    manager.session_protection = "basic"


def signed_in() -> Principal | None:
    """Return who is signed in to this browser session, or None (also once the session was ended on the server)."""
    user = current_user
    return user.principal if user and user.is_authenticated else None


def session_key() -> str | None:
    """The key of this request's open browser session, or None (bearer-token requests have none)."""
    if "Authorization" in request.headers:
        return None
    user = current_user
    return user.key if user and user.is_authenticated else None


def sign_in(principal: Principal) -> None:
    """Start a fresh session for a principal, recorded in the store (a new CSRF token too)."""
    key = services.start_session(database(), principal.name, current_app.permanent_session_lifetime,
                                 address=client_address())
    session.clear()
    g.pop(CSRF_FIELD, None)  # the next token is made for the new session
    session.permanent = True
    login_user(SessionUser(key, principal))
    generate_csrf()  # the session carries its CSRF secret from the start, whatever page is shown first


def sign_out() -> None:
    """End this browser session in the store and forget it here: a copy of the cookie is refused from now on."""
    key = session_key()
    if key is not None:
        services.end_session(database(), key)
    logout_user()
    session.clear()


def init_csrf(app: Flask) -> CSRFProtect:
    """Flask-WTF's CSRF tokens, checked where this module says (pages in login_required, the API when it is called
    with the session cookie), not on every request: bearer-token API calls need none."""
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    # a token lives as long as its session (which the server ends on sign-out), not an hour
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    # the token and SameSite=Lax cookies are the defence; a Referer that privacy tools strip would refuse real users
    app.config.setdefault("WTF_CSRF_SSL_STRICT", False)
    app.config.setdefault("WTF_CSRF_FIELD_NAME", CSRF_FIELD)
    app.config.setdefault("WTF_CSRF_HEADERS", [CSRF_HEADER, "X-CSRFToken"])
    return CSRFProtect(app)


def csrf_token() -> str:
    """The CSRF token of this session, for a form field or the page's meta tag (created on first use)."""
    return generate_csrf()


def check_csrf() -> None:
    """Refuse (403) a state-changing request whose CSRF token is missing or wrong."""
    try:
        current_app.extensions["csrf"].protect()
    except CSRFError as error:
        raise PermissionDeniedError(
            f"expected the session's CSRF token with this request, found none or another ({error.description})"
        ) from error


def check_session_csrf() -> None:
    """Before anything reads an API request's body: a change made with the session cookie instead of a bearer token
    needs the session's CSRF token (403), whatever else is wrong with it. Pages check theirs in login_required."""
    if request.method in UNSAFE_METHODS and request.blueprint != "web" and "Authorization" not in request.headers \
            and signed_in() is not None:
        check_csrf()


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
    """Strict headers on every response: no inline script anywhere, no framing, no sniffing.

    Pages get the page policy; a response that brings its own policy (the hash-pinned HTML reports) keeps it,
    made unframeable if it is not already; everything else may load nothing at all.
    """
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    policy = headers.get("Content-Security-Policy")
    if policy is None:
        headers["Content-Security-Policy"] = (
            CONTENT_SECURITY_POLICY if response.mimetype == "text/html" else NON_HTML_POLICY
        )
    elif "frame-ancestors" not in policy:
        headers["Content-Security-Policy"] = f"{policy.rstrip('; ')}; frame-ancestors 'none'"
    if request and request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if "Content-Disposition" in headers:
        # every download's name, whoever set it, leaves as one safe line
        disposition, options = parse_options_header(headers["Content-Disposition"])
        if options.get("filename"):
            headers["Content-Disposition"] = content_disposition(options["filename"], disposition)
    return response


_UNSAFE_IN_ASCII_NAME = re.compile(r"[^A-Za-z0-9._@+-]+")
MAX_FILENAME = 150


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A Content-Disposition header for a download: one line, an ASCII `filename` any client can use, and the name
    in UTF-8 as RFC 5987 `filename*`; no path, no control characters, no leading dot, whatever the name held."""
    disposition = disposition if disposition in ("attachment", "inline") else "attachment"
    visible = "".join(
        " " if unicodedata.category(c).startswith(("C", "Z")) else c
        for c in unicodedata.normalize("NFC", filename.replace("/", " ").replace("\\", " "))
    )
    name = "-".join(visible.split()).strip(".-")[:MAX_FILENAME] or "download"
    decomposed = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = _UNSAFE_IN_ASCII_NAME.sub("_", decomposed).strip("._-")[:MAX_FILENAME] or "download"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


# --- rate limits ------------------------------------------------------------------------------------------------


def client_address() -> str:
    """The client's address (behind DRAFTING_TRUSTED_PROXIES reverse proxies, the one they forwarded)."""
    return request.remote_addr or "unknown"


def _account_name() -> str:
    """The account a sign-in attempt names, folded, so that guesses at one account are counted together."""
    return "account:" + request.form.get("name", "").strip().casefold()[:200]


def _failed(response) -> bool:
    """A sign-in that did not succeed (a 429 is not counted again: retrying does not prolong the wait)."""
    return response.status_code >= 400 and response.status_code != 429


def init_rate_limits(app: Flask) -> Limiter:
    """Limit sign-in attempts and token issues (storage: RATELIMIT_STORAGE_URI; memory:// counts per process,
    redis://host:port counts for every app server sharing it); a limited request answers 429 with Retry-After."""
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "drafting")
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    # when Redis cannot be reached, each process goes on counting in memory rather than failing or letting all in
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter = Limiter(client_address, app=app)
    guarded = {
        SIGN_IN_ENDPOINT: [
            limiter.limit(SIGN_IN_ATTEMPTS, methods=["POST"], scope="attempts"),
            limiter.limit(SIGN_IN_FAILURES, methods=["POST"], scope="failures", deduct_when=_failed),
            limiter.limit(SIGN_IN_FAILURES, methods=["POST"], scope="account", key_func=_account_name,
                          deduct_when=_failed),
        ],
        ISSUE_ENDPOINT: [limiter.limit(ISSUES_PER_CLIENT, methods=["POST"])],
    }
    for endpoint, limits in guarded.items():
        view = app.view_functions[endpoint]
        for limit in limits:
            view = limit(view)
        app.view_functions[endpoint] = view
    app.extensions["drafting.limiter"] = limiter
    return limiter


def retry_after() -> int:
    """Seconds until the limit this request broke lets it through again (at least 1)."""
    limiter = current_app.extensions.get("drafting.limiter")
    breached = limiter.current_limit if limiter is not None else None
    if breached is None:
        return 60
    return max(1, min(math.ceil(breached.reset_at - time.time()), breached.limit.get_expiry()))
