"""Settings from environment variables, with safe defaults (SQLite under the instance folder)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from drafting.errors import ConfigurationError

DEFAULT_MAX_UPLOAD_BYTES = 16 * 1024 * 1024
# a .docx compresses its XML several times over: what an upload may unpack to is a limit of its own
DEFAULT_MAX_DOCX_UNPACKED_BYTES = 64 * 1024 * 1024
DEVELOPMENT, PRODUCTION = "development", "production"
ENVIRONMENTS = (DEVELOPMENT, PRODUCTION)
MIN_SECRET_KEY_LENGTH = 32
MIN_SECRET_KEY_SYMBOLS = 10
# keys copied from tutorials, templates and this project's README: a key anyone can read signs anyone's session
PLACEHOLDER_SECRET_KEYS = frozenset({
    "change-me", "changeme", "change_me", "change-this", "dev", "development", "secret", "secret-key", "secretkey",
    "secret_key", "your-secret-key", "your_secret_key", "mysecretkey", "please-change-me", "test", "default",
    "replace-me", "insecure",
})
PLACEHOLDER_MARKERS = ("change-me", "changeme", "change_me", "replace-me", "replace_me", "your-secret", "insecure")
SESSION_KEY_ADVICE = (
    "set SECRET_KEY in the environment to a random value of at least 32 characters, the same on every app "
    "server, for example the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(48))' "
    "(or set DRAFTING_ENV=development on a developer's machine)"
)


def instance_path() -> Path:
    """Return the folder for the SQLite file and the generated secret key."""
    configured = os.environ.get("DRAFTING_INSTANCE_PATH")
    return Path(configured).resolve() if configured else Path.cwd() / "instance"


def secret_key(settings: Mapping) -> str:
    """Return the key that signs sessions: in production SECRET_KEY itself, refused (ConfigurationError) when it is
    missing, short or a known placeholder; in development SECRET_KEY if set, else a random key kept in the
    instance folder."""
    environment = settings.get("DRAFTING_ENV") or PRODUCTION
    if environment not in ENVIRONMENTS:
        raise ConfigurationError(
            f"expected DRAFTING_ENV to be {' or '.join(ENVIRONMENTS)}, found {environment!r}"
        )
    configured = settings.get("SECRET_KEY") or ""
    if environment == DEVELOPMENT:
        return configured or _generated_secret_key(Path(settings["INSTANCE_PATH"]))
    if not configured:
        raise ConfigurationError(f"SECRET_KEY is not set, and DRAFTING_ENV is production: {SESSION_KEY_ADVICE}")
    problem = _weakness(configured)
    if problem:
        raise ConfigurationError(f"SECRET_KEY {problem}, and DRAFTING_ENV is production: {SESSION_KEY_ADVICE}")
    return configured


def _weakness(key: str) -> str | None:
    """Say what makes a secret key unfit for production, or None."""
    folded = key.strip().lower()
    if folded in PLACEHOLDER_SECRET_KEYS or any(marker in folded for marker in PLACEHOLDER_MARKERS):
        return "is a placeholder that others know"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"has {len(key)} characters; it needs at least {MIN_SECRET_KEY_LENGTH}"
    if len(set(key)) < MIN_SECRET_KEY_SYMBOLS:
        return f"uses only {len(set(key))} different characters; it needs a random value"
    return None


def _generated_secret_key(folder: Path) -> str:
    """Return the random key kept in the instance folder, creating it on first use (development only)."""
    key_file = folder / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: when two processes start at once, one writes and the other reads what was written.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def load_settings() -> dict:
    """Read the service's settings from the environment (the secret key is checked by `secret_key`, when an app
    is built: the `drafting` command needs none)."""
    folder = instance_path()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'drafting.sqlite3'}"
    max_upload = int(os.environ.get("DRAFTING_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))
    return {
        "DATABASE_URL": database_url,
        "DRAFTING_ENV": (os.environ.get("DRAFTING_ENV") or PRODUCTION).strip().lower(),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        "INSTANCE_PATH": str(folder),
        "DRAFTING_MAX_UPLOAD_BYTES": max_upload,
        # the most a .docx upload may unpack to (every part together, and the text that comes out of it)
        "DRAFTING_MAX_DOCX_UNPACKED_BYTES": int(os.environ.get("DRAFTING_MAX_DOCX_UNPACKED_BYTES")
                                                or DEFAULT_MAX_DOCX_UNPACKED_BYTES),
        # reverse proxies in front of the app whose X-Forwarded-For and -Proto are trusted (rate limits by client)
        "DRAFTING_TRUSTED_PROXIES": int(os.environ.get("DRAFTING_TRUSTED_PROXIES") or 0),
        # where the sign-in and token rate limits count: memory:// is per process; redis://host:6379 is shared
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        # redlines and safeguard reports of stored versions, cached by content: in each process, or in Redis shared
        # by every app server when REDIS_URL is set (drafting.cache)
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "DRAFTING_CACHE_BYTES": int(os.environ.get("DRAFTING_CACHE_BYTES") or 64 * 1024 * 1024),
        "DRAFTING_CACHE_TTL": int(os.environ.get("DRAFTING_CACHE_TTL") or 7 * 24 * 60 * 60),
        # heavy work (drafting.work.WorkBudget): a redline or report estimated at this many provisions or more needs one
        # of DRAFTING_HEAVY_SLOTS slots shared by the server's workers (503 busy when none is free); above
        # DRAFTING_HEAVY_MAX_PROVISIONS it is refused (413)
        "DRAFTING_HEAVY_PROVISIONS": int(os.environ.get("DRAFTING_HEAVY_PROVISIONS") or 3000),
        "DRAFTING_HEAVY_MAX_PROVISIONS": int(os.environ.get("DRAFTING_HEAVY_MAX_PROVISIONS") or 150_000),
        "DRAFTING_HEAVY_SLOTS": int(os.environ.get("DRAFTING_HEAVY_SLOTS") or 1),
        "API_TITLE": "Drafting service API",
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "JSON_SORT_KEYS": False,
        # browser sessions: signed cookie, not readable by scripts, not sent on cross-site posts, 12 hours
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 12 * 60 * 60,
    }
