"""The blueprint every browser page registers on, and what the page modules share."""

from __future__ import annotations

from flask import Blueprint, current_app

bp = Blueprint("web", __name__, template_folder="templates")


def database():
    """The store of the running app."""
    return current_app.extensions["drafting.database"]
