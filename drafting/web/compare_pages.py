"""The compare page: the redline of any version of a document against any version of any document, shown in the
page (inline or side by side), with the same redline to download as HTML, AKN, Word or JSON. A thin view."""

from __future__ import annotations

from typing import NamedTuple

from flask import abort, current_app, render_template, request, url_for

from drafting import cache, services
from drafting.compare.html import INLINE, VIEWS
from drafting.errors import BusyError, NotFoundError
from drafting.http.budget import work_budget
from drafting.http.security import login_required, signed_in

from .blueprint import bp, stored_id
from .blueprint import database as _database

MAX_DOCUMENTS = 1000  # the document picker lists this many; the one chosen is always among them
DOWNLOADS = (
    ("html", "HTML page"),
    ("akn", "Akoma Ntoso with ins/del"),
    ("docx", "Word with tracked changes"),
    ("json", "JSON"),
)


class Download(NamedTuple):
    output_format: str
    label: str
    url: str


@bp.route("/documents/<id:document_id>/compare")
@login_required()
def compare(document_id: int):
    db, principal = _database(), signed_in()
    try:
        document, versions = services.list_versions(db, document_id, principal=principal)
    except NotFoundError:
        abort(404)
    args = request.args
    view = args.get("view", INLINE)
    page = {
        "document": document, "versions": versions, "view": view if view in VIEWS else INLINE, "views": VIEWS,
        "against": stored_id(args, "against"), "against_version": stored_id(args, "against_version"),
        "version": stored_id(args, "version"), "against_document": document, "against_versions": versions,
        "documents": services.list_documents(db, limit=MAX_DOCUMENTS, principal=principal)[0], "redline": None,
        "error": None,
    }
    if page["against"] is None:
        return render_template("compare.html", **page)
    try:
        page.update(_redline(db, document_id, page, principal))
    except BusyError as error:
        # a very large comparison waits for the one heavy slot; say when to try again rather than queue it
        page["error"] = f"{error.detail} Try again in {error.retry_after} seconds."
        return render_template("compare.html", **page), 503, {"Retry-After": str(error.retry_after)}
    except NotFoundError as error:
        return render_template("compare.html", **{**page, "error": error.detail}), 404
    return render_template("compare.html", **page)


def _redline(db, document_id: int, page: dict, principal) -> dict:
    """Resolve the versions chosen ("latest" stays latest in the form), render the redline, link its downloads."""
    against = page["against"]
    other, other_versions = services.list_versions(db, against, principal=principal)
    old = services.get_document(db, against, page["against_version"], principal=principal).version.number
    new = services.get_document(db, document_id, page["version"], principal=principal).version.number
    redline = services.redline_fragment(db, services.RedlineSide(document_id=against, version=old),
                                        services.RedlineSide(document_id=document_id, version=new), view=page["view"],
                                        principal=principal, cache=cache.for_app(current_app), budget=work_budget())
    # the downloads name the versions shown, so that a version saved meanwhile does not change what is downloaded
    downloads = tuple(
        Download(output_format, label, url_for(
            "redlines.document_redline", document_id=document_id, against=against, against_version=old, version=new,
            format=output_format, view=page["view"] if output_format == "html" else None,
        ))
        for output_format, label in DOWNLOADS
    )
    documents = page["documents"]
    if other.id not in {listed.id for listed in documents}:
        documents = [*documents, other]
    return {"against_document": other, "against_versions": other_versions, "documents": documents,
            "old_number": old, "new_number": new, "redline": redline, "downloads": downloads}
