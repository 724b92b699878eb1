"""Documents and their versions: create, list, read, save a new version, export, validate."""

from __future__ import annotations

from flask import Response, request, url_for
from flask_smorest import Blueprint

from drafting import services
from drafting.api.auth import BEARER_SECURITY, current_principal, requires
from drafting.api.schemas import (
    DocumentAccessSchema,
    DocumentCreateQuerySchema,
    DocumentPageSchema,
    DocumentQuerySchema,
    DocumentSchema,
    ExportQuerySchema,
    ImportQuerySchema,
    ImportResultSchema,
    ProblemSchema,
    RenameRequestSchema,
    SaveQuerySchema,
    TemplateCreateRequestSchema,
    ValidateQuerySchema,
    ValidationReportSchema,
    VersionListSchema,
    VisibilityRequestSchema,
)
from drafting.errors import UnsupportedMediaTypeError
from drafting.http.bodies import (
    AKN_XML,
    MULTIPART,
    XML_TYPES,
    check_if_match,
    read_body,
    read_upload,
    require_media_type,
    wants_xml,
)
from drafting.http.context import database
from drafting.importers import DOCX, IMPORTABLE, TEXT_PLAIN

blp = Blueprint("documents", __name__, url_prefix="/api", description="Akoma Ntoso documents and their versions")

XML_BODY = {"schema": {"type": "string", "format": "binary"}}
XML_RESPONSE = {AKN_XML: {"schema": {"type": "string"}}}
PROBLEMS = {
    code: {"description": text, "content": {"application/problem+json": {"schema": ProblemSchema}}}
    for code, text in {
        400: "unsafe or malformed input",
        401: "missing or invalid bearer token",
        403: "role too weak",
        404: "no such document or version",
        413: "body too large",
        409: "the work already exists, or the upload names another work",
        412: "another save came first (stale If-Match)",
        415: "unsupported media type",
        422: "the request or the stored document does not satisfy a rule",
        428: "If-Match missing",
    }.items()
}


def document_representation(stored: services.StoredVersion, *, with_provisions: bool = True) -> dict:
    document, version = stored.document, stored.version
    return {
        "id": document.id,
        "frbr_work_uri": document.frbr_work_uri,
        "doc_type": document.doc_type,
        "name": document.name,
        "jurisdiction": document.jurisdiction,
        "title": document.title,
        "number": document.number,
        "date": document.date,
        "created_at": document.created_at,
        "created_by": document.created_by,
        "version": version.number,
        "latest_version": document.latest_version,
        "expression_uri": version.frbr_expression_uri,
        "content_hash": version.content_hash,
        "valid": version.valid,
        "report": stored.report,
        "provisions": services.provisions_of(version) if with_provisions else [],
    }


def _document_response(stored: services.StoredVersion, status: int = 200) -> Response:
    """Serialise a document version as JSON or AKN XML (by Accept), with its strong ETag."""
    etag = services.etag_of(stored.version)
    if request.method == "GET" and request.if_none_match.contains(etag):
        response = Response(status=304)
    elif wants_xml():
        response = Response(stored.version.xml.encode("utf-8"), status=status, mimetype=AKN_XML)
    else:
        response = Response(
            DocumentSchema().dumps(document_representation(stored)), status=status, mimetype="application/json"
        )
    response.set_etag(etag)
    response.vary.add("Accept")
    return response


UPLOAD_FORM = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": ".txt (UTF-8), .docx or AKN XML"},
        **{name: {"type": "string"} for name in ("type", "jurisdiction", "title", "number", "date", "message")},
    },
}


@blp.route("/documents", methods=["POST"])
@blp.arguments(DocumentCreateQuerySchema, location="query")
@blp.doc(
    summary="Create a document",
    description="From AKN XML (`application/akn+xml` or `application/xml`), from a template (JSON), or imported "
    "from plain text (`text/plain`, UTF-8) or Word (.docx), as the body or as a `file` in multipart/form-data; "
    "import options come as query parameters or form fields. Documents that do not validate strictly are stored "
    "with their validation report; imports carry their import report. `visibility` (query parameter, form field "
    "or template field): `shared` (default) or `private` (only the creator and admins see it).",
    security=BEARER_SECURITY,
    requestBody={
        "required": True,
        "content": {
            AKN_XML: XML_BODY,
            "application/xml": XML_BODY,
            "application/json": {"schema": TemplateCreateRequestSchema},
            TEXT_PLAIN: {"schema": {"type": "string"}},
            DOCX: XML_BODY,
            "multipart/form-data": {"schema": UPLOAD_FORM},
        },
    },
    responses={"201": {"description": "created", "content": {"application/json": {"schema": DocumentSchema}}},
               **PROBLEMS},
)
@requires("drafter")
def create_document(options):
    kind = require_media_type(*XML_TYPES, "application/json", *IMPORTABLE, MULTIPART)
    author = current_principal().name
    visibility = options.pop("visibility", None)
    if kind == "application/json":
        params = TemplateCreateRequestSchema().load(request.get_json(silent=False) or {})
        visibility = params.pop("visibility", None) or visibility or "shared"
        stored = services.create_document_from_template(database(), author=author, visibility=visibility, **params)
    else:
        form = kind == MULTIPART
        data, kind, options = read_upload(kind, options)
        if form and request.form.get("visibility"):
            visibility = DocumentCreateQuerySchema().load({"visibility": request.form["visibility"]})["visibility"]
        visibility = visibility or "shared"
        if kind in IMPORTABLE:
            stored = services.create_document_from_import(database(), data, kind, options, author=author,
                                                          visibility=visibility)
        else:
            stored = services.create_document_from_xml(database(), data, author=author, visibility=visibility)
    response = _document_response(stored, status=201)
    response.headers["Location"] = url_for("documents.get_document", document_id=stored.document.id)
    return response


@blp.route("/documents", methods=["GET"])
@blp.arguments(DocumentQuerySchema, location="query")
@blp.response(200, DocumentPageSchema)
@blp.doc(summary="List documents", security=BEARER_SECURITY, responses=PROBLEMS)
@requires("viewer")
def list_documents(query):
    per_page = query["per_page"]
    items, total = services.list_documents(
        database(),
        jurisdiction=query.get("jurisdiction"),
        doc_type=query.get("type"),
        q=query.get("q"),
        offset=(query["page"] - 1) * per_page,
        limit=per_page,
        principal=current_principal(),
    )
    return {"items": items, "total": total, "page": query["page"], "per_page": per_page}


@blp.route("/documents/<id:document_id>", methods=["GET"])
@blp.doc(
    summary="Read a document's latest version",
    description="JSON metadata with provisions, or the AKN XML when `Accept: application/akn+xml`.",
    security=BEARER_SECURITY,
    responses={"200": {"description": "the document",
                       "content": {"application/json": {"schema": DocumentSchema}, **XML_RESPONSE}}, **PROBLEMS},
)
@requires("viewer")
def get_document(document_id: int):
    return _document_response(services.get_document(database(), document_id, principal=current_principal()))


@blp.route("/documents/<id:document_id>", methods=["PUT"])
@blp.arguments(SaveQuerySchema, location="query")
@blp.doc(
    summary="Save a new version",
    description="The body is the whole AKN document. `If-Match` must carry the ETag of the version the edit is "
    "based on: 412 when another save came first, 428 when the header is missing.",
    security=BEARER_SECURITY,
    requestBody={"required": True, "content": {AKN_XML: XML_BODY, "application/xml": XML_BODY}},
    responses={"200": {"description": "the new version", "content": {"application/json": {"schema": DocumentSchema}}},
               **PROBLEMS},
)
@requires("drafter")
def save_document(query, document_id: int):
    require_media_type(*XML_TYPES)
    current = services.get_document(database(), document_id, principal=current_principal())
    check_if_match(services.etag_of(current.version))
    stored = services.save_version(
        database(),
        document_id,
        read_body(),
        base_version=current.version.number,
        author=current_principal().name,
        message=query.get("message") or request.headers.get("X-Version-Message"),
        principal=current_principal(),
    )
    return _document_response(stored)


@blp.route("/documents/<id:document_id>/rename", methods=["POST"])
@blp.arguments(RenameRequestSchema)
@blp.doc(
    summary="Give a work a new FRBR work URI",
    description="Saves a new version whose FRBRWork, FRBRExpression and FRBRManifestation all carry the new URI. "
    "`If-Match` must carry the ETag of the latest version.",
    security=BEARER_SECURITY,
    responses={"200": {"description": "the new version", "content": {"application/json": {"schema": DocumentSchema}}},
               **PROBLEMS},
)
@requires("drafter")
def rename_document(body, document_id: int):
    current = services.get_document(database(), document_id, principal=current_principal())
    check_if_match(services.etag_of(current.version))
    stored = services.rename_document(
        database(), document_id, body["frbr_uri"], base_version=current.version.number,
        author=current_principal().name, message=body.get("message"), principal=current_principal(),
    )
    return _document_response(stored)


@blp.route("/documents/<id:document_id>/versions", methods=["GET"])
@blp.response(200, VersionListSchema)
@blp.doc(summary="List a document's versions", security=BEARER_SECURITY, responses=PROBLEMS)
@requires("viewer")
def list_versions(document_id: int):
    document, versions = services.list_versions(database(), document_id, principal=current_principal())
    return {"document": document, "versions": versions}


@blp.route("/documents/<id:document_id>/versions/<id:number>", methods=["GET"])
@blp.doc(
    summary="Read one version",
    security=BEARER_SECURITY,
    responses={"200": {"description": "the version",
                       "content": {"application/json": {"schema": DocumentSchema}, **XML_RESPONSE}}, **PROBLEMS},
)
@requires("viewer")
def get_version(document_id: int, number: int):
    return _document_response(services.get_document(database(), document_id, number, principal=current_principal()))


@blp.route("/documents/<id:document_id>/export", methods=["GET"])
@blp.arguments(ExportQuerySchema, location="query")
@blp.doc(
    summary="Export AKN XML for filing",
    description="A strictly valid AKN document as a download named from its FRBR manifestation URI; 422 with the "
    "validation report when the stored document cannot be made valid.",
    security=BEARER_SECURITY,
    responses={"200": {"description": "the AKN file", "content": XML_RESPONSE}, **PROBLEMS},
)
@requires("viewer")
def export_document(query, document_id: int):
    exported = services.export_document(database(), document_id, query.get("version"), principal=current_principal())
    response = Response(exported.xml, mimetype=AKN_XML)
    response.headers.set("Content-Disposition", "attachment", filename=exported.filename)
    response.set_etag(exported.content_hash)
    return response


@blp.route("/documents/<id:document_id>", methods=["PATCH"])
@blp.arguments(VisibilityRequestSchema)
@blp.response(200, DocumentAccessSchema)
@blp.doc(
    summary="Make a document private or shared",
    description="`{\"visibility\": \"private\"}`: only the document's owner (the user who created it) and admins "
    "can read or write it; to anyone else it is a 404, as for a document that does not exist, and it is not listed. "
    "`shared`: every signed-in user can read it and drafters can write it. Only the owner or an admin may change "
    "it (403 for others who can see it); the change is recorded in the audit log.",
    security=BEARER_SECURITY,
    responses=PROBLEMS,
)
@requires("drafter")
def change_visibility(body, document_id: int):
    stored = services.set_visibility(database(), document_id, body["visibility"], principal=current_principal())
    return stored.document


@blp.route("/documents/<id:document_id>", methods=["DELETE"])
@blp.response(204)
@blp.doc(
    summary="Delete a document",
    description="An admin, or the drafter who created the document, may delete it. `If-Match` must carry the ETag of "
    "the latest version (412 when another save came first, 428 without it). The document disappears from listings "
    "and every route answers 404; its versions are kept, the deletion is recorded in the audit log, and its work "
    "URI can be used by a new document.",
    security=BEARER_SECURITY,
    responses=PROBLEMS,
)
@requires("drafter")
def delete_document(document_id: int):
    current = services.get_document(database(), document_id, principal=current_principal())
    check_if_match(services.etag_of(current.version))
    services.delete_document(database(), document_id, base_version=current.version.number,
                             principal=current_principal())


@blp.route("/import", methods=["POST"])
@blp.arguments(ImportQuerySchema, location="query")
@blp.response(200, ImportResultSchema)
@blp.doc(
    summary="Import text or Word into AKN without storing it",
    description="Returns the AKN XML, its validation and the import report (recognised, guessed, unplaced, removed).",
    security=BEARER_SECURITY,
    requestBody={"required": True, "content": {TEXT_PLAIN: {"schema": {"type": "string"}}, DOCX: XML_BODY,
                                               "multipart/form-data": {"schema": UPLOAD_FORM}}},
    responses=PROBLEMS,
)
@requires("viewer")
def import_preview(options):
    kind = require_media_type(*IMPORTABLE, MULTIPART)
    data, kind, options = read_upload(kind, options)
    if kind not in IMPORTABLE:
        raise UnsupportedMediaTypeError(f"expected text/plain or .docx to import, found {kind}")
    prepared, report = services.import_document(data, kind, options)
    return {"akn": prepared.xml.decode("utf-8"), "valid": prepared.valid,
            "validation": prepared.report["validation"], "report": report}


@blp.route("/validate", methods=["POST"])
@blp.arguments(ValidateQuerySchema, location="query")
@blp.response(200, ValidationReportSchema)
@blp.doc(
    summary="Validate a document without storing it",
    security=BEARER_SECURITY,
    requestBody={"required": True, "content": {AKN_XML: XML_BODY, "application/xml": XML_BODY}},
    responses=PROBLEMS,
)
@requires("viewer")
def validate_document(query):
    require_media_type(*XML_TYPES)
    return services.validate_upload(read_body(), strict=query["mode"] == "strict")
