"""Browser pages: sign-in, the library, documents shown as bills, the editor, compare and history. Thin views."""

from __future__ import annotations

from flask import Flask

from drafting.http.security import add_security_headers, csrf_token, init_csrf, init_sessions, signed_in

from .blueprint import bp


def init_app(app: Flask) -> None:
    """Register the web pages, sessions and security headers."""
    from . import compare_pages, editor_pages, library_pages, pages, problem_pages  # noqa: F401  (the page modules register their routes on bp)

    init_sessions(app)
    init_csrf(app)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["signed_in"] = signed_in
    app.register_blueprint(bp)
    app.after_request(add_security_headers)
