"""Redlines over HTTP: two documents in, the comparison out as JSON, HTML, AKN or Word (by Accept or ?format=)."""

from __future__ import annotations

from flask import Response, current_app
from flask_smorest import Blueprint

from drafting import cache, services
from drafting.api.auth import BEARER_SECURITY, authenticate, current_principal, requires
from drafting.api.documents import PROBLEMS
from drafting.api.schemas import (
    DocumentRedlineQuerySchema,
    ProblemSchema,
    RedlineQuerySchema,
    RedlineRequestSchema,
    RedlineSchema,
)
from drafting.compare import MEDIA_TYPES
from drafting.http import budget as heavy_work
from drafting.http.bodies import negotiate_format, rendered_response
from drafting.http.budget import request_budget
from drafting.http.context import database
from drafting.importers import TEXT_PLAIN

blp = Blueprint("redlines", __name__, url_prefix="/api", description="Redlines between documents and versions")

REDLINE_RESPONSES = {
    "200": {
        "description": "the redline",
        "content": {media_type: {"schema": RedlineSchema if name == "json" else {"type": "string"}}
                    for name, media_type in MEDIA_TYPES.items()},
    },
    "304": {"description": "not modified (If-None-Match matched the redline's entity tag)"},
    **PROBLEMS,
}
HEAVY_WORK_PROBLEMS = {
    413: {**PROBLEMS[413], "description": "body too large, or more work than one request may ask for "
            "(rule `too-costly`: DRAFTING_HEAVY_MAX_PROVISIONS)"},
    503: {"description": "heavy work, and every slot for heavy work is taken (rule `busy`): try again after the "
                         "seconds that Retry-After gives",
          "headers": {"Retry-After": {"description": "seconds to wait before trying again",
                                      "schema": {"type": "integer", "minimum": 1}}},
          "content": {"application/problem+json": {"schema": ProblemSchema}}},
}
REDLINE_RESPONSES.update(HEAVY_WORK_PROBLEMS)


heavy_work.guard(blp, {"redlines.create_redline": "this redline"}, authenticate=authenticate)


def _format(query: dict) -> str:
    return negotiate_format(query, MEDIA_TYPES)


def _respond(old: services.RedlineSide, new: services.RedlineSide, query: dict) -> Response:
    output_format, view = _format(query), query.get("view", "inline")
    etag = services.redline_etag(database(), old, new, output_format, view, principal=current_principal())
    return rendered_response(etag, lambda: services.redline(
        database(), old, new, output_format=output_format, view=view, principal=current_principal(), etag=etag,
        cache=cache.for_app(current_app), budget=request_budget(),
    ), download=output_format in ("docx", "akn"))


def _side(spec: dict) -> services.RedlineSide:
    if spec.get("document") is not None:
        return services.RedlineSide(document_id=spec["document"], version=spec.get("version"))
    if spec.get("akn") is not None:
        return services.RedlineSide(data=spec["akn"].encode("utf-8"), media_type="application/akn+xml")
    return services.RedlineSide(data=spec["text"].encode("utf-8"), media_type=TEXT_PLAIN)


@blp.route("/redlines", methods=["POST"])
@blp.arguments(RedlineRequestSchema)
@blp.arguments(RedlineQuerySchema, location="query")
@blp.doc(
    summary="Compare two documents",
    description="Each side is a stored document (`document`, optional `version`), inline AKN (`akn`) or plain text "
    "(`text`). The format comes from `?format=` or `Accept` (JSON, HTML, AKN with ins/del, Word with tracked "
    "changes). Redlines of stored versions carry a strong ETag.",
    security=BEARER_SECURITY,
    responses=REDLINE_RESPONSES,
)
@requires("viewer")
def create_redline(body, query):
    if "view" in body:
        query = {**query, "view": body["view"]}
    return _respond(_side(body["old"]), _side(body["new"]), query)


@blp.route("/documents/<id:document_id>/redline", methods=["GET"])
@blp.arguments(DocumentRedlineQuerySchema, location="query")
@blp.doc(
    summary="Redline of a document against another (or another version)",
    description="`against` is the document compared with (the old side); `version` and `against_version` pick "
    "versions (default: the latest).",
    security=BEARER_SECURITY,
    responses=REDLINE_RESPONSES,
)
@requires("viewer")
def document_redline(query, document_id: int):
    old = services.RedlineSide(document_id=query["against"], version=query.get("against_version"))
    new = services.RedlineSide(document_id=document_id, version=query.get("version"))
    return _respond(old, new, query)
