"""Settings from environment variables, with safe defaults (SQLite under the instance folder)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DEFAULT_MAX_UPLOAD_BYTES = 16 * 1024 * 1024


def instance_path() -> Path:
    """Return the folder for the SQLite file and the generated secret key."""
    configured = os.environ.get("DRAFTING_INSTANCE_PATH")
    return Path(configured).resolve() if configured else Path.cwd() / "instance"


def _secret_key(folder: Path) -> str:
    """Return SECRET_KEY from the environment, else a random key kept in the instance folder."""
    configured = os.environ.get("SECRET_KEY")
    if configured:
        return configured
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
    """Read the service's settings from the environment."""
    folder = instance_path()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'drafting.sqlite3'}"
    max_upload = int(os.environ.get("DRAFTING_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": _secret_key(folder),
        "INSTANCE_PATH": str(folder),
        "DRAFTING_MAX_UPLOAD_BYTES": max_upload,
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
