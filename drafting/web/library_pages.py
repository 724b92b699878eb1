"""Browser pages of the library: the list of documents, creating one from a template, importing text, Word or AKN
(a preview with the import report first, then saving: the protocol is drafting.services.imports), and the export page
that says whether the file is valid.
"""

from __future__ import annotations

from functools import wraps
from math import ceil

from flask import abort, current_app, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from drafting import akn, services
from drafting.errors import (
    DraftingError,
    NotFoundError,
    RequestTooLargeError,
    SchemaInvalidError,
    UnsupportedMediaTypeError,
)
from drafting.http.bodies import media_type_of_file
from drafting.http.import_options import ImportQuerySchema
from drafting.http.security import login_required, signed_in
from drafting.importers import TEXT_PLAIN
from drafting.services.imports import AKN_XML, IMPORT_TYPES, ImportInput, preview_import, readable_size

from .blueprint import bp, stored_id
from .blueprint import database as _database

PAGE_SIZE = 100
MAX_PAGE = 10_000  # past it, offsets would only name empty pages
# the fields of an import form other than the text or the file, and the multipart boundaries between them
FORM_HEADROOM = 64 * 1024
OPTION_FIELDS = ("type", "jurisdiction", "title")


# --- the library ------------------------------------------------------------------------------------------------


def _choice(name: str, limit: int = 100) -> str | None:
    """A filter of the library from the query string; empty means no filter."""
    value = (request.args.get(name) or "").strip()[:limit]
    return value or None


def _library_page(*, error: str | None = None, form: dict | None = None, status: int = 200):
    filters = {"type": _choice("type"), "jurisdiction": _choice("jurisdiction"), "q": _choice("q", 200)}
    page_number = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    library = services.list_library(
        _database(), jurisdiction=filters["jurisdiction"], kind=filters["type"], q=filters["q"],
        offset=(page_number - 1) * PAGE_SIZE, limit=PAGE_SIZE, principal=signed_in(),
    )
    pages = max(ceil(library.total / PAGE_SIZE), 1)
    return render_template(
        "library.html", library=library, filters=filters, page=page_number, pages=pages,
        templates=akn.template_names(), error=error, form=form or {},
    ), status


@bp.route("/")
@login_required()
def library():
    return _library_page()


@bp.route("/documents", methods=["POST"])
@login_required("drafter")
def create_document():
    form = request.form
    try:
        stored = services.create_document_from_template(
            _database(), form.get("template", ""), title=form.get("title", ""),
            jurisdiction=form.get("jurisdiction", ""), number=form.get("number", ""), date=form.get("date") or None,
            author=signed_in().name,
        )
    except DraftingError as error:
        return _library_page(error=error.detail, form=form.to_dict(), status=error.status)
    return redirect(url_for("web.document", document_id=stored.document.id))


# --- import: preview, then save ---------------------------------------------------------------------------------


def _upload_limit() -> int:
    return current_app.config["DRAFTING_MAX_UPLOAD_BYTES"]


def _bounded_form(*, base64_payload: bool):
    """Bound the form of an import request by the upload limit, and answer a form that goes past it with the import
    page and 413 (the form is read first by the CSRF check, so this wraps login_required)."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            limit = _upload_limit()
            field = 4 * ceil(limit / 3) if base64_payload else limit
            # Flask's default of 500 kB for one form field would refuse a long pasted bill before we can say why
            request.max_form_memory_size = field
            request.max_content_length = field + FORM_HEADROOM
            try:
                return view(*args, **kwargs)
            except RequestEntityTooLarge:
                error = RequestTooLargeError(f"the upload is larger than the limit of {readable_size(limit)}")
                return _import_page(error=error.detail, status=error.status)

        return wrapped

    return decorate


def _checked_options(form) -> dict:
    """Check the import options of a form as the API checks them."""
    given = {name: (form.get(name) or "").strip() for name in OPTION_FIELDS}
    try:
        return ImportQuerySchema().load({name: value for name, value in given.items() if value})
    except ValidationError as error:
        problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in sorted(error.messages.items()))
        raise DraftingError(f"the import options are not right: {problems}") from None


def _media_type_of(filename: str, declared: str) -> str:
    """Decide an uploaded file's type as the API does; refuse what the import form cannot take."""
    declared = media_type_of_file(filename, declared)
    if declared in (AKN_XML, "application/xml", "text/xml"):
        return AKN_XML
    if declared in IMPORT_TYPES:
        return declared
    raise UnsupportedMediaTypeError(
        f"expected a .txt, .docx or AKN .xml file, found {filename or 'a file without a name'} "
        f"({declared or 'no type'})"
    )


def _submitted_input(form, files) -> ImportInput:
    """Read the text or the file of the import form, within the upload limit."""
    limit = _upload_limit()
    options = _checked_options(form)
    upload = files.get("file")
    if upload is not None and upload.filename:
        name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
        data = upload.stream.read(limit + 1)
        if len(data) > limit:
            raise RequestTooLargeError(f"the file {name} is larger than the limit of {readable_size(limit)}")
        if not data:
            raise DraftingError(f"the file {name} is empty")
        return ImportInput(data, _media_type_of(name, upload.mimetype or ""), options, name)
    text = form.get("text") or ""
    if not text.strip():
        raise DraftingError("expected pasted text or a file to import, found neither")
    data = text.encode("utf-8")
    if len(data) > limit:
        raise RequestTooLargeError(f"the text is {readable_size(len(data))}; the limit is {readable_size(limit)}")
    return ImportInput(data, TEXT_PLAIN, options, "pasted text")


def _returned_input(form) -> ImportInput:
    """Read back the input a preview page carried, checking it as if it were new (it came through the browser)."""
    return ImportInput.carried_back(form.get("media_type", ""), form.get("payload", ""), _checked_options(form),
                                    form.get("source") or "", limit=_upload_limit())


def _unpacked_limit() -> int:
    """What a .docx may unpack to: the setting, never the form's."""
    return current_app.config["DRAFTING_MAX_DOCX_UNPACKED_BYTES"]


def _import_page(*, status: int = 200, **context):
    context.setdefault("options", {})
    context.setdefault("text", "")
    return render_template("import.html", import_types=IMPORT_TYPES, **context), status


def _form_state(form) -> dict:
    """What to put back in the import form after a failed attempt (text only: a browser never refills a file)."""
    text = form.get("text") or ""
    return {"options": {name: form.get(name) or "" for name in OPTION_FIELDS},
            "text": text if len(text) <= _upload_limit() else ""}


# GET /import/preview: the address the page's script shows with a preview it fetched (static/import.js); loading it
# again opens the empty form (registered after /import, which url_for keeps building)
@bp.route("/import/preview", methods=["GET"])
@bp.route("/import")
@login_required("drafter")
def import_form():
    return _import_page()


@bp.route("/import/preview", methods=["POST"])
@_bounded_form(base64_payload=False)
@login_required("drafter")
def import_preview():
    state = _form_state(request.form)
    try:
        preview = preview_import(_submitted_input(request.form, request.files), max_docx_unpacked=_unpacked_limit())
    except DraftingError as error:
        return _import_page(error=error.detail, status=error.status, **state)
    return _import_page(preview=preview, **state)


@bp.route("/import/save", methods=["POST"])
@_bounded_form(base64_payload=True)
@login_required("drafter")
def import_save():
    state = _form_state(request.form)
    try:
        preview = preview_import(_returned_input(request.form), max_docx_unpacked=_unpacked_limit())
    except DraftingError as error:
        return _import_page(error=error.detail, status=error.status, **state)
    try:
        stored = services.save_previewed_import(
            _database(), preview, previewed_hash=request.form.get("preview_hash", ""), author=signed_in().name,
            max_docx_unpacked=_unpacked_limit(),
        )
    except DraftingError as error:
        return _import_page(preview=preview, error=error.detail, status=error.status, **state)
    return redirect(url_for("web.document", document_id=stored.document.id))


# --- export -----------------------------------------------------------------------------------------------------


@bp.route("/documents/<id:document_id>/export")
@login_required()
def export_document(document_id: int):
    number = stored_id(request.args, "version")
    try:
        stored = services.get_document(_database(), document_id, number, principal=signed_in())
    except NotFoundError:
        abort(404)
    exported = failure = None
    try:
        # this page only says whether the export works; the download it links to is the export (and audited)
        exported = services.export_document(_database(), document_id, stored.version.number,
                                            principal=signed_in(), audited=False)
    except SchemaInvalidError as error:
        failure = {"detail": error.detail, **error.extra}
    return render_template("export.html", document=stored.document, version=stored.version, exported=exported,
                           failure=failure)
