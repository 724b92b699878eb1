"""Access to the application's extensions from views."""

from __future__ import annotations

from flask import current_app

from drafting.store import Database


def database() -> Database:
    """Return the application's Database."""
    return current_app.extensions["drafting.database"]
