"""Drafting service: draft and compare surveillance legislation in Akoma Ntoso 3.0."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict | None = None, *, warm: bool = False) -> Flask:
    """Build the Flask application: settings, database, API, web pages, error handlers.

    `warm` loads the AKN schemas at once, so that no request of a server pays for it (servers set it; tests don't).
    """
    from flask import Flask

    from drafting import api, web
    from drafting.config import load_settings
    from drafting.store import Database

    app = Flask(__name__, static_folder="../static", static_url_path="/static")
    app.config.from_mapping(load_settings())
    app.config.update(config or {})
    # Werkzeug hands out at most MAX_CONTENT_LENGTH bytes of a chunked body without complaint; one byte of
    # headroom lets read_body() see that a body went past the upload limit and answer 413.
    app.config["MAX_CONTENT_LENGTH"] = app.config["DRAFTING_MAX_UPLOAD_BYTES"] + 1
    database = Database(app.config["DATABASE_URL"])
    app.extensions["drafting.database"] = database
    api.init_app(app)
    web.init_app(app)
    if warm:
        from drafting import akn

        akn.load_schemas()
    return app
