"""The audit log over HTTP: who created, changed, exported or deleted what, and account events (admins only)."""

from __future__ import annotations

from flask_smorest import Blueprint

from drafting import services
from drafting.api.auth import BEARER_SECURITY, current_principal, requires
from drafting.api.documents import PROBLEMS
from drafting.api.schemas import AuditPageSchema, AuditQuerySchema
from drafting.http.context import database

blp = Blueprint("audit", __name__, url_prefix="/api", description="The append-only audit log (administrators only)")


@blp.route("/audit", methods=["GET"])
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditPageSchema)
@blp.doc(
    summary="Read the audit log",
    description="Events newest first, filtered by `document` (id), `actor` (user name), `action` (for example "
    "`document.saved`) and `since` (ISO 8601). Actions: document.created, document.saved, document.renamed, "
    "document.restored, document.adopted, document.exported, document.deleted, document.access_changed, "
    "user.created, user.role_changed, user.password_set, token.issued. `per_page` is clamped to 1..200.",
    security=BEARER_SECURITY,
    responses=PROBLEMS,
)
@requires("admin")
def list_audit_events(query):
    per_page = query["per_page"]
    items, total = services.list_audit_events(
        database(),
        principal=current_principal(),
        document_id=query.get("document"),
        actor=query.get("actor"),
        action=query.get("action"),
        since=query.get("since"),
        offset=(query["page"] - 1) * per_page,
        limit=per_page,
    )
    return {"items": items, "total": total, "page": query["page"], "per_page": per_page}
