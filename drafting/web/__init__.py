"""Browser pages (the editor arrives with issue 6; until then a landing page that points at the API)."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

bp = Blueprint("web", __name__, template_folder="templates")


@bp.route("/")
def index():
    return render_template("index.html")


def init_app(app: Flask) -> None:
    """Register the web pages."""
    app.register_blueprint(bp)
