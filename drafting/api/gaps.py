"""Safeguards over HTTP: the checks-and-balances findings of a draft (JSON or HTML), and adopting a provision."""

from __future__ import annotations

from flask import Response, current_app
from flask_smorest import Blueprint

from drafting import cache, services
from drafting.api.auth import BEARER_SECURITY, authenticate, current_principal, requires
from drafting.api.documents import PROBLEMS, UPLOAD_FORM, XML_BODY, document_representation
from drafting.api.redlines import HEAVY_WORK_PROBLEMS
from drafting.api.schemas import (
    AdoptPreviewRequestSchema,
    AdoptPreviewResultSchema,
    AdoptRequestSchema,
    AdoptResultSchema,
    GapsQuerySchema,
    GapsResultSchema,
    GapsUploadQuerySchema,
)
from drafting.http import budget as heavy_work
from drafting.http.bodies import (
    AKN_XML,
    MULTIPART,
    XML_TYPES,
    check_if_match,
    negotiate_format,
    read_upload,
    rendered_response,
    require_media_type,
)
from drafting.http.budget import request_budget
from drafting.http.context import database
from drafting.importers import DOCX, IMPORTABLE, TEXT_PLAIN
from drafting.services.gaps import GAPS_COST_FACTOR

blp = Blueprint("gaps", __name__, url_prefix="/api",
                description="Checks and balances: safeguard findings, comparisons, adopting provisions")

GAPS_RESPONSES = {
    "200": {
        "description": "the findings (JSON), or the report as a page (HTML)",
        "content": {"application/json": {"schema": GapsResultSchema}, "text/html": {"schema": {"type": "string"}}},
    },
    **PROBLEMS,
    **HEAVY_WORK_PROBLEMS,
}
heavy_work.guard(blp, {"gaps.upload_gaps": "this safeguard report"}, authenticate=authenticate,
                 cost_factor=GAPS_COST_FACTOR)


def _format(query: dict) -> str:
    return negotiate_format(query, services.GAPS_MEDIA_TYPES)


def _respond(draft: services.RedlineSide, query: dict, options: dict | None = None) -> Response:
    output_format, against = _format(query), tuple(query.get("against") or ())
    etag = services.gaps_etag(database(), draft, against, output_format, principal=current_principal())
    return rendered_response(etag, lambda: services.gaps(
        database(), draft, against, output_format=output_format, options=options, principal=current_principal(),
        etag=etag, cache=cache.for_app(current_app), budget=request_budget(),
    ))


@blp.route("/documents/<id:document_id>/gaps", methods=["GET"])
@blp.arguments(GapsQuerySchema, location="query")
@blp.doc(
    summary="Checks and balances of a document",
    description="Judges every safeguard of the rubric present, weak or absent, with the provisions that show it. "
    "`against` lists stored documents to compare with: for each, the safeguards it provides more strongly and "
    "its provisions as suggested language. JSON or HTML by `?format=` or `Accept`; findings of stored versions "
    "carry a strong ETag.",
    security=BEARER_SECURITY,
    responses={**GAPS_RESPONSES, "304": {"description": "not modified (If-None-Match matched)"}},
)
@requires("viewer")
def document_gaps(query, document_id: int):
    return _respond(services.RedlineSide(document_id=document_id, version=query.get("version")), query)


@blp.route("/gaps", methods=["POST"])
@blp.arguments(GapsUploadQuerySchema, location="query")
@blp.doc(
    summary="Checks and balances of an uploaded document",
    description="The body is AKN XML, plain text or Word (.docx), or a `file` in multipart/form-data, as for "
    "POST /api/import; nothing is stored. `against` lists stored documents to compare with.",
    security=BEARER_SECURITY,
    requestBody={"required": True, "content": {AKN_XML: XML_BODY, "application/xml": XML_BODY,
                                               TEXT_PLAIN: {"schema": {"type": "string"}}, DOCX: XML_BODY,
                                               MULTIPART: {"schema": UPLOAD_FORM}}},
    responses=GAPS_RESPONSES,
)
@requires("viewer")
def upload_gaps(query):
    kind = require_media_type(*XML_TYPES, *IMPORTABLE, MULTIPART)
    data, kind, options = read_upload(kind, query)
    media_type = kind if kind in IMPORTABLE else AKN_XML
    return _respond(services.RedlineSide(data=data, media_type=media_type), query, options)


@blp.route("/documents/<id:document_id>/adopt", methods=["POST"])
@blp.arguments(AdoptRequestSchema)
@blp.doc(
    summary="Adopt a provision of another document into this draft",
    description="Copies the provision `eId` of document `from` into the draft as a new section (after `after`, "
    "else before the closing sections such as severability, else at the end), renumbers the sections after it, "
    "records the source in a note of <meta>, and saves the result as a new version. `If-Match` must carry the "
    "ETag of the latest version: 412 when another save came first, 428 when the header is missing. 404 for an "
    "unknown document or eId, 422 when the eId names no provision.",
    security=BEARER_SECURITY,
    responses={"200": {"description": "the new version, with where the provision went",
                       "content": {"application/json": {"schema": AdoptResultSchema}}}, **PROBLEMS},
)
@requires("drafter")
def adopt(body, document_id: int):
    current = services.get_document(database(), document_id, principal=current_principal())
    check_if_match(services.etag_of(current.version))
    stored = services.adopt_suggestion(
        database(), document_id, base_version=current.version.number, from_id=body["from_id"], eid=body["eId"],
        from_version=body.get("from_version"), after=body.get("after"), author=current_principal().name,
        message=body.get("message"), principal=current_principal(),
    )
    representation = {**document_representation(stored), "adoption": stored.adoption}
    response = Response(AdoptResultSchema().dumps(representation), mimetype="application/json")
    response.set_etag(services.etag_of(stored.version))
    return response


@blp.route("/adopt", methods=["POST"])
@blp.arguments(AdoptPreviewRequestSchema)
@blp.response(200, AdoptPreviewResultSchema)
@blp.doc(
    summary="Adopt a provision of a stored document into an unsaved draft",
    description="As POST /api/documents/{id}/adopt, but the draft is the AKN in the body (the editor's unsaved "
    "document) and the result comes back instead of being stored. 404 for an unknown document, version or eId, "
    "422 when the eId names no provision or a strictly valid draft would stop being valid, 400 for unsafe or "
    "malformed XML.",
    security=BEARER_SECURITY,
    responses=PROBLEMS,
)
@requires("drafter")
def adopt_preview(body):
    adopted = services.adopt_into(
        database(), body["akn"].encode("utf-8"), body["from_id"], body["eId"],
        from_version=body.get("from_version"), after=body.get("after"), principal=current_principal(),
    )
    return {"akn": adopted.xml.decode("utf-8"), "adoption": adopted.adoption}
