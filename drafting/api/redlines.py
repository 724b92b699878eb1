"""Redlines over HTTP: two documents in, the comparison out as JSON, HTML, AKN or Word (by Accept or ?format=)."""

from __future__ import annotations

from flask import Response, current_app, g, request
from flask_smorest import Blueprint

from drafting import cache, services
from drafting.api.auth import BEARER_SECURITY, _authenticate, current_principal, requires
from drafting.api.context import database
from drafting.api.documents import PROBLEMS
from drafting.api.http import html_report_policy, negotiate_format
from drafting.api.problems import problem_response
from drafting.api.schemas import (
    DocumentRedlineQuerySchema,
    RedlineQuerySchema,
    RedlineRequestSchema,
    RedlineSchema,
)
from drafting.compare import MEDIA_TYPES
from drafting.errors import BusyError, DraftingError, problem_document
from drafting.importers import TEXT_PLAIN
from drafting.services.gaps import GAPS_COST_FACTOR
from drafting.work import WorkBudget, estimated_provisions

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
    503: {**PROBLEMS[400], "description": "heavy work, and every slot for heavy work is taken (rule `busy`): "
            "try again after the seconds that Retry-After gives"},
}
REDLINE_RESPONSES.update(HEAVY_WORK_PROBLEMS)


def work_budget() -> WorkBudget:
    """Return the application's budget for heavy work, made from its settings on first use."""
    found = current_app.extensions.get("drafting.work_budget")
    if found is None:
        found = current_app.extensions.setdefault("drafting.work_budget",
                                                  WorkBudget.from_settings(current_app.config))
    return found


# uploads whose size alone can tell heavy work, before their body is read: the job each one asks for
UPLOAD_JOBS = {"redlines.create_redline": "this redline", "gaps.upload_gaps": "this safeguard report"}


def reserve_heavy_slot() -> None:
    """Before an upload's body is read or parsed: when its size (Content-Length) says it may be heavy work, take a
    heavy slot for the whole request, or refuse it at once (503 busy), so that a refused upload costs no parsing in
    another worker. Whether it is too costly (413) is judged once it is read, from its provisions and words: its
    size cannot tell."""
    job = UPLOAD_JOBS.get(request.endpoint)
    if job is None or not request.content_length:
        return
    media_type = None if request.mimetype == "application/json" else request.mimetype
    provisions = estimated_provisions(request.content_length, media_type)
    if request.endpoint == "gaps.upload_gaps":
        provisions *= GAPS_COST_FACTOR
    budget = work_budget()
    if provisions < budget.heavy_provisions:
        return
    try:
        _authenticate()  # a client that may not ask for it is told 401, and takes no slot
        g.heavy_slot = budget.take_slot(provisions, job)
    except DraftingError:
        _discard_body()
        raise


def _discard_body() -> None:
    """Read and drop the body of a refused upload (without parsing it), so that the client, still sending, reads the
    answer instead of a broken connection, and the connection can serve its next request."""
    stream = request.stream
    while stream.read(1 << 16):
        pass


def release_heavy_slot(error: BaseException | None = None) -> None:
    slot = g.pop("heavy_slot", None)
    if slot is not None:
        slot.release()


def request_budget() -> WorkBudget:
    """Return the budget for the work of this request: one that takes no second slot when it holds one already."""
    budget = work_budget()
    return budget.reserved() if g.get("heavy_slot") is not None else budget


def busy_response(error: BusyError) -> Response:
    """503 problem+json with Retry-After: heavy work was refused because every heavy slot is taken."""
    return problem_response(problem_document(error, instance=request.path), error.status,
                            {"Retry-After": str(error.retry_after)})


blp.register_error_handler(BusyError, busy_response)
blp.before_request(reserve_heavy_slot)
blp.teardown_request(release_heavy_slot)


def _format(query: dict) -> str:
    return negotiate_format(query, MEDIA_TYPES)


def _respond(old: services.RedlineSide, new: services.RedlineSide, query: dict) -> Response:
    output_format, view = _format(query), query.get("view", "inline")
    etag = services.redline_etag(database(), old, new, output_format, view, principal=current_principal())
    if etag is not None and request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        rendered = services.redline(database(), old, new, output_format=output_format, view=view,
                                    principal=current_principal(), etag=etag, cache=cache.for_app(current_app),
                                    budget=request_budget())
        response = Response(rendered.body, mimetype=rendered.media_type)
        if output_format == "html":
            response.headers["Content-Security-Policy"] = html_report_policy(rendered.body)
        if output_format in ("docx", "akn"):
            response.headers.set("Content-Disposition", "attachment", filename=rendered.filename)
    if etag is not None:
        response.set_etag(etag)
        response.cache_control.private = True
    response.vary.add("Accept")
    return response


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
