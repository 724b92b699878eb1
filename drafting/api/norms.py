"""Norms over HTTP: a stored document's provisions read as norm records (who must, may or must not do what)."""

from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint

from drafting import services
from drafting.api.auth import BEARER_SECURITY, current_principal, requires
from drafting.api.documents import PROBLEMS
from drafting.api.schemas import NormsQuerySchema, NormsResultSchema
from drafting.http.context import database

blp = Blueprint("norms", __name__, url_prefix="/api", description="Provisions read as norms")


@blp.route("/documents/<id:document_id>/norms", methods=["GET"])
@blp.arguments(NormsQuerySchema, location="query")
@blp.doc(
    summary="A document's provisions read as norms",
    description="One record per operative clause (a sentence, or a lead-in completed by one of its items, as in "
    "'No agency shall: (1) acquire …'), inside quoted structures too: its kind (prohibition, obligation, permission, "
    "exception, safe-harbour, definition, sunset, penalty, right-of-action, reporting-duty …), bearer, acts, object, "
    "conditions, exceptions and the provisions they name, qualifiers, time, and the rule of the reader that read it. "
    "The norms of a stored version carry a strong ETag.",
    security=BEARER_SECURITY,
    responses={
        "200": {"description": "the norms", "content": {"application/json": {"schema": NormsResultSchema}}},
        "304": {"description": "not modified (If-None-Match matched)"},
        **PROBLEMS,
    },
)
@requires("viewer")
def document_norms(query, document_id: int):
    stored = services.get_document(database(), document_id, query.get("version"), principal=current_principal())
    etag = services.norms_etag(stored)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(NormsResultSchema().dumps(services.norms_of(stored)), mimetype="application/json")
    response.set_etag(etag)
    return response
