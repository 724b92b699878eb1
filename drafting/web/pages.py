"""Browser pages: sign-in, the library, a document shown as a bill, its history and the compare page."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import abort, redirect, render_template, request, url_for

from drafting import services
from drafting.errors import DraftingError, NotFoundError
from drafting.http.security import check_csrf, client_address, login_required, session_key, sign_in, sign_out, signed_in

from .blueprint import bp, stored_id
from .blueprint import database as _database


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
        principal = services.check_password(_database(), request.form.get("name", ""), request.form.get("password", ""),
                                            address=client_address())
        if principal is not None:
            sign_in(principal)
            return redirect(_safe_next(request.args.get("next")))
        error = "The name or the password is not right."
    return render_template("login.html", error=error), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
@login_required()
def logout():
    sign_out()
    return redirect(url_for("web.login"))


@bp.route("/account")
@login_required()
def account():
    return render_template("account.html", who=signed_in(), message=request.args.get("done") and _DONE.get(
        request.args["done"]))


_DONE = {"password": "Your password is changed; your other sessions have ended.",
         "elsewhere": "Every other session of yours has ended."}
MIN_PASSWORD = 8


@bp.route("/account/password", methods=["POST"])
@login_required()
def change_password():
    who, form = signed_in(), request.form
    error = None
    if len(form.get("new", "")) < MIN_PASSWORD:
        error = f"The new password needs at least {MIN_PASSWORD} characters."
    elif form.get("new") != form.get("repeat"):
        error = "The two new passwords are not the same."
    elif not services.change_own_password(_database(), who.name, form.get("current", ""), form["new"],
                                          session_key=session_key()):
        error = "The current password is not right."
    if error:
        return render_template("account.html", who=who, error=error), 400
    return redirect(url_for("web.account", done="password"))


@bp.route("/account/sign-out-elsewhere", methods=["POST"])
@login_required()
def sign_out_elsewhere():
    services.end_sessions(_database(), signed_in().name, actor=signed_in().name, sparing_session=session_key())
    return redirect(url_for("web.account", done="elsewhere"))


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
