"""Browser pages: sign-in, the library, a document shown as a bill, its history and the compare page."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import abort, redirect, render_template, request, session, url_for

from drafting import services
from drafting.errors import DraftingError, NotFoundError

from .blueprint import bp, stored_id
from .blueprint import database as _database
from .security import check_csrf, login_required, sign_in, signed_in


def _safe_next(target: str | None) -> str:
    """Only a path on this site may follow sign-in (no open redirect)."""
    parsed = urlparse(target or "")
    if target and not parsed.scheme and not parsed.netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("web.library")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        check_csrf()
        principal = services.check_password(_database(), request.form.get("name", ""), request.form.get("password", ""))
        if principal is not None:
            sign_in(principal)
            return redirect(_safe_next(request.args.get("next")))
        error = "The name or the password is not right."
    return render_template("login.html", error=error), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
@login_required()
def logout():
    session.clear()
    return redirect(url_for("web.login"))


@bp.route("/documents/<id:document_id>")
@login_required()
def document(document_id: int):
    try:
        stored = services.get_document(_database(), document_id, principal=signed_in())
    except DraftingError:
        abort(404)
    return render_template("document.html", document=stored.document, version=stored.version,
                           provisions=services.provisions_of(stored.version))


@bp.route("/documents/<id:document_id>/history")
@login_required()
def history(document_id: int):
    try:
        document, versions = services.list_versions(_database(), document_id, principal=signed_in())
    except DraftingError:
        abort(404)
    return render_template("history.html", document=document, versions=versions)


@bp.route("/documents/<id:document_id>/restore", methods=["POST"])
@login_required("drafter")
def restore(document_id: int):
    principal = signed_in()
    try:
        current = services.get_document(_database(), document_id, principal=principal)
    except NotFoundError:
        abort(404)
    number = stored_id(request.form, "version")
    if not number:
        abort(400)
    services.restore_version(_database(), document_id, number, base_version=current.version.number,
                             author=principal.name, principal=principal)
    return redirect(url_for("web.history", document_id=document_id))
