"""Merging concurrent edits over HTTP: a drafter's unsaved document against the versions saved since, item by item."""

from __future__ import annotations

from flask_smorest import Blueprint

from drafting import services
from drafting.api.auth import BEARER_SECURITY, current_principal, requires
from drafting.api.documents import PROBLEMS
from drafting.api.schemas import MergeRequestSchema, MergeResultSchema
from drafting.http.context import database

blp = Blueprint("merge", __name__, url_prefix="/api", description="Three-way merge of concurrent edits")


@blp.route("/documents/<id:document_id>/merge", methods=["POST"])
@blp.arguments(MergeRequestSchema)
@blp.response(200, MergeResultSchema)
@blp.doc(
    summary="Merge an unsaved document with the versions saved since it was opened",
    description="For a save that got 412: `akn` is the drafter's document, `base_version` the version it was "
    "edited from. The top-level provisions (and preface, preamble, conclusions) that differ are listed as items: "
    "mine-only and theirs-only changes are taken by default, both-same ones need nothing, conflicts need a "
    "choice (`choices`: item key -> mine or theirs). Once every conflict has a choice, `akn` is the merged "
    "document, built on the latest version; nothing is stored: save it with PUT /api/documents/{id} and "
    "`If-Match: <etag>`. Send back `latest_version` with the choices: 412 when another save came since. 422 for a "
    "choice naming an unknown item, 409 when the document names another work.",
    security=BEARER_SECURITY,
    responses=PROBLEMS,
)
@requires("drafter")
def merge(body, document_id: int):
    outcome = services.merge(database(), document_id, body["akn"].encode("utf-8"), body["base_version"],
                             body["choices"], latest_version=body.get("latest_version"),
                             principal=current_principal())
    return {
        "items": [item.as_dict() for item in outcome.items],
        "complete": outcome.complete,
        "akn": outcome.xml.decode("utf-8") if outcome.xml is not None else None,
        "latest_version": outcome.latest_version,
        "etag": f'"{outcome.etag}"',
    }
