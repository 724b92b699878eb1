"""Norms over HTTP: a stored document's provisions read as norm records (who must, may or must not do what), and an
unsaved draft's, whole or one provision of it (the editor's "Show reading")."""

from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint

from drafting import services
from drafting.api.auth import BEARER_SECURITY, authenticate, current_principal, requires
from drafting.api.documents import PROBLEMS, XML_BODY
from drafting.api.redlines import HEAVY_WORK_PROBLEMS
from drafting.api.schemas import NormsQuerySchema, NormsReadingSchema, NormsReadQuerySchema, NormsResultSchema
from drafting.http import budget as heavy_work
from drafting.http.bodies import AKN_XML, XML_TYPES, read_body, require_media_type
from drafting.http.budget import request_budget
from drafting.http.context import database

blp = Blueprint("norms", __name__, url_prefix="/api", description="Provisions read as norms")

heavy_work.guard(blp, {"norms.read_draft_norms": "this reading"}, authenticate=authenticate)


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


READ_PROBLEMS = {
    **{code: PROBLEMS[code] for code in (400, 401, 403, 415)},
    404: {**PROBLEMS[404], "description": "no element of the draft has the eId"},
    422: {**PROBLEMS[422], "description": "the eId names an element that is no provision, or a query parameter "
                                          "breaks its rule"},
    **HEAVY_WORK_PROBLEMS,
}


@blp.route("/norms/read", methods=["POST"])
@blp.arguments(NormsReadQuerySchema, location="query")
@blp.doc(
    summary="Read an unsaved draft as norms: one provision of it, or all of it",
    description="The body is the draft as AKN XML (the editor sends the document as it stands, unsaved edits "
    "included, as it does for POST /api/gaps); nothing is stored. With `eId`, the norms of that provision and of "
    "the provisions within it, each read in its place: a lead-in above it completes its items, and the terms the "
    "whole draft defines count; a provision inside an amending bill's quoted structure is read as the law it would "
    "become, cited by its own numbers (`quoted`). Each norm comes as NormSchema does for GET "
    "/api/documents/{id}/norms, plus `line`, its one-line reading. An empty list: the provision has no operative "
    "clause. The body is parsed by the hardened parser and bounded as every upload is (DOCTYPE, entities, "
    "XInclude, depth, size).",
    security=BEARER_SECURITY,
    requestBody={"required": True, "content": {AKN_XML: XML_BODY, "application/xml": XML_BODY}},
    responses={
        "200": {"description": "the reading", "content": {"application/json": {"schema": NormsReadingSchema}}},
        **READ_PROBLEMS,
    },
)
@requires("viewer")
def read_draft_norms(query):
    require_media_type(*XML_TYPES)
    reading = services.read_draft_norms(read_body(), query.get("eId"), budget=request_budget())
    return Response(NormsReadingSchema().dumps(reading), mimetype="application/json")
