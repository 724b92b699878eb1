"""The editor page: a bill or ordinance edited in place in the browser (static/editor/ does the editing)."""

from __future__ import annotations

from flask import abort, render_template

from drafting import services
from drafting.akn.eids import editor_rules
from drafting.errors import NotFoundError
from drafting.http.security import login_required, signed_in
from drafting.services.gaps import MAX_COMPARED

from .blueprint import bp, database

COMPARED_TYPES = frozenset({"act", "ordinance"})


@bp.route("/documents/<id:document_id>/edit")
@login_required("drafter")
def edit(document_id: int):
    try:
        stored = services.get_document(database(), document_id, principal=signed_in())
    except NotFoundError:
        abort(404)
    others, _ = services.list_documents(database(), limit=200, principal=signed_in())
    against = [other.id for other in others if other.id != document_id and other.doc_type in COMPARED_TYPES]
    return render_template("editor.html", document=stored.document, version=stored.version,
                           against=against[:MAX_COMPARED], eid_rules=editor_rules())
