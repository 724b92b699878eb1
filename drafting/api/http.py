"""HTTP details shared by the API views: bounded bodies, media types, entity tags."""

from __future__ import annotations

import base64
import hashlib
import re

from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from drafting.api.schemas import ImportQuerySchema
from drafting.errors import (
    NotAcceptableError,
    PreconditionRequiredError,
    RequestTooLargeError,
    StaleVersionError,
    UnsupportedMediaTypeError,
)
from drafting.importers import EXTENSIONS

AKN_XML = "application/akn+xml"
XML_TYPES = (AKN_XML, "application/xml", "text/xml")
MULTIPART = "multipart/form-data"


def read_body() -> bytes:
    """Read the request body, refusing (413) anything above the upload limit, chunked bodies included."""
    limit = current_app.config["DRAFTING_MAX_UPLOAD_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise RequestTooLargeError(f"the body is {request.content_length} bytes; the limit is {limit}")
    chunks, size = [], 0
    try:
        # a server may hand a body out in pieces; read until it ends or goes past the limit
        while size <= limit:
            chunk = request.stream.read(limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except RequestEntityTooLarge:
        raise RequestTooLargeError(f"the body is larger than the limit of {limit} bytes") from None
    if size > limit:
        raise RequestTooLargeError(f"the body is larger than the limit of {limit} bytes")
    return b"".join(chunks)


def media_type() -> str:
    """Return the request's media type without parameters, lowercased."""
    return (request.mimetype or "").lower()


def require_media_type(*accepted: str) -> str:
    """Return the request's media type if it is one of `accepted`, else raise 415."""
    found = media_type()
    if found not in accepted:
        raise UnsupportedMediaTypeError(
            f"expected a body of type {', '.join(accepted)}, found {found or 'no Content-Type'}"
        )
    return found


def wants_xml() -> bool:
    """Tell whether the client prefers AKN XML over JSON."""
    best = request.accept_mimetypes.best_match(["application/json", AKN_XML, "application/xml"])
    return best in (AKN_XML, "application/xml")


def check_if_match(current_etag: str) -> None:
    """Enforce optimistic concurrency: If-Match must name the current version's ETag."""
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequiredError(
            "expected an If-Match header with the ETag of the version this edit is based on, found none"
        )
    if request.if_match.star_tag:
        raise PreconditionRequiredError("If-Match: * is not enough; name the ETag of the version the edit is based on")
    if not request.if_match.contains(current_etag):
        raise StaleVersionError(
            f'the document has changed since the version you edited; the current ETag is "{current_etag}"',
            extra={"current_etag": f'"{current_etag}"'},
        )



def read_upload(kind: str, options: dict) -> tuple[bytes, str, dict]:
    """Return an upload's bytes, media type and options: the body itself, or the `file` of a multipart form
    (whose other fields are options)."""
    if kind != MULTIPART:
        return read_body(), kind, options
    upload = request.files.get("file")
    if upload is None:
        raise UnsupportedMediaTypeError("expected a multipart form with a `file` field, found none")
    limit = current_app.config["DRAFTING_MAX_UPLOAD_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise RequestTooLargeError(f"the file is larger than the limit of {limit} bytes")
    merged = {**options, **ImportQuerySchema().load(request.form.to_dict())}
    return data, _media_type_of(upload.filename or "", upload.mimetype or ""), merged


def _media_type_of(filename: str, declared: str) -> str:
    """Decide a form file's type by its extension, then by its declared type."""
    suffix = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if suffix in (".xml", ".akn"):
        return AKN_XML
    return declared.lower()


def negotiate_format(query: dict, media_types: dict[str, str]) -> str:
    """The output format: ?format= wins, else the best match of Accept among `media_types` (JSON by default)."""
    if query.get("format"):
        return query["format"]
    by_type = {media_type: name for name, media_type in media_types.items()}
    accepted = request.accept_mimetypes
    if not accepted or accepted.best == "*/*":
        return "json"
    best = accepted.best_match(list(by_type))
    if best is None:
        raise NotAcceptableError(f"expected Accept among {', '.join(by_type)}, found {request.headers.get('Accept')}")
    return by_type[best]


_STYLE = re.compile(rb"<style[^>]*>(.*?)</style>", re.DOTALL)


def html_report_policy(body: bytes) -> str:
    """A Content-Security-Policy for a self-contained HTML report: no script at all, only its own <style> blocks
    (allowed by hash, so no 'unsafe-inline')."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(block).digest()).decode()}'" for block in _STYLE.findall(body)
    )
    return (f"default-src 'none'; style-src {hashes or chr(39) + 'none' + chr(39)}; img-src data:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
