"""The blueprint every browser page registers on, and what the page modules share."""

from __future__ import annotations

from flask import Blueprint, abort

from drafting.http.context import database
from drafting.store.models import MAX_ID

bp = Blueprint("web", __name__, template_folder="templates")
__all__ = ["bp", "database", "stored_id"]



def stored_id(values, name: str) -> int | None:
    """Read a document id or version number from query or form values: None when absent; 404 when it is not a
    number the store can hold (a number past the database's integer range would otherwise reach SQL)."""
    raw = values.get(name)
    if raw in (None, ""):
        return None
    try:
        number = int(raw)
    except ValueError:
        abort(404)
    if not 1 <= number <= MAX_ID:
        abort(404)
    return number
