"""Drafting service: draft and compare surveillance legislation in Akoma Ntoso 3.0."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict | None = None, *, warm: bool = False) -> Flask:
    """Build the Flask application: settings, database, API, web pages, error handlers, rate limits.

    `warm` loads the AKN schemas and makes the cache at once, so that no request of a server pays for them and a
    bad cache setting stops the server at start, and has malloc map large blocks apart (drafting.memory), so that a
    server gives the memory of large requests back (servers set it; tests don't).
    Outside development (DRAFTING_ENV) it refuses, with a ConfigurationError, to start without a strong SECRET_KEY.
    """
    from flask import Flask
    from werkzeug.middleware.proxy_fix import ProxyFix

    from drafting import api, web
    from drafting.config import load_settings, secret_key
    from drafting.http.bodies import DrainUnreadBody, check_body_media_type
    from drafting.http.security import check_session_csrf, init_rate_limits
    from drafting.memory import ReturnFreedMemory
    from drafting.store import Database

    app = Flask(__name__, static_folder="../static", static_url_path="/static")
    app.config.from_mapping(load_settings())
    app.config.update(config or {})
    app.config["SECRET_KEY"] = secret_key(app.config)
    # Werkzeug hands out at most MAX_CONTENT_LENGTH bytes of a chunked body without complaint; one byte of
    # headroom lets read_body() see that a body went past the upload limit and answer 413.
    app.config["MAX_CONTENT_LENGTH"] = app.config["DRAFTING_MAX_UPLOAD_BYTES"] + 1
    app.wsgi_app = DrainUnreadBody(app.wsgi_app)  # a refused body must not break the client's keep-alive
    app.wsgi_app = ReturnFreedMemory(app.wsgi_app)  # what a large request freed goes back to the system
    if proxies := app.config["DRAFTING_TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    database = Database(app.config["DATABASE_URL"])
    app.extensions["drafting.database"] = database
    api.init_app(app)
    web.init_app(app)
    init_rate_limits(app)
    app.before_request(check_session_csrf)
    app.before_request(check_body_media_type)
    if warm:
        from drafting import akn, cache
        from drafting.memory import map_large_blocks_apart

        map_large_blocks_apart()  # a server's large blocks go back to the system as soon as they are freed
        akn.load_schemas()
        cache.for_app(app)  # a REDIS_URL without the redis package stops the server now, not at a request
    return app
