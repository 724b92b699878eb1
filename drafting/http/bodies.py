"""HTTP details shared by the API views: bounded bodies, media types, entity tags."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable

from flask import Response, current_app, request
from werkzeug.exceptions import NotFound, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from drafting.errors import (
    DraftingError,
    NotAcceptableError,
    PreconditionRequiredError,
    RequestTooLargeError,
    StaleVersionError,
    TextEncodingError,
    UnsupportedMediaTypeError,
)
from drafting.http.import_options import ImportQuerySchema
from drafting.importers import EXTENSIONS
from drafting.services.values import Rendered
from drafting.store.models import MAX_ID

AKN_XML = "application/akn+xml"
XML_TYPES = (AKN_XML, "application/xml", "text/xml")
MULTIPART = "multipart/form-data"


class IdConverter(IntegerConverter):
    """`<id:...>` in a URL: a document id or version number. One outside the stored range names nothing: 404 at
    routing, before it can reach SQL (a ValidationError would make werkzeug answer 405 for the path's other rules)."""

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise NotFound(f"no document or version numbered {number}; they go from 1 to {MAX_ID}")
        return number


def id_parameter_schema(converter: IdConverter) -> dict:
    """Document an `<id:...>` path parameter in OpenAPI."""
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}


FORMS = (MULTIPART, "application/x-www-form-urlencoded")
NUL = "\x00"


def check_text_parameters() -> None:
    """Before any API view: refuse a path segment, query parameter or form field that holds a NUL character, which
    PostgreSQL can neither store nor search for (and XML cannot hold)."""
    if not request.path.startswith("/api/"):
        return
    places = [("path", (request.view_args or {}).items()), ("query", request.args.items(multi=True))]
    if request.mimetype in FORMS:
        places.append(("form", request.form.items(multi=True)))
    for place, items in places:
        for name, value in items:
            at = value.find(NUL) if isinstance(value, str) else -1
            if at >= 0:
                raise TextEncodingError(f"expected text without NUL characters, found one in the {place} "
                                        f"parameter {name[:100]!r} at character {at}")


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


BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Python's JSON parser recurses once per level and fails near its recursion limit (about 1,000 levels); below
# this many brackets no document can come close, so the common request is not parsed twice.
_BRACKETS_CHECKED_ABOVE = 256


def check_json_body() -> None:
    """Before any view: refuse a JSON body that goes past the upload limit (chunked, Werkzeug would cut it at the
    limit and the view would parse what is left as if it were whole), that nests deeper than JSON can be parsed, or
    that carries a string no UTF-8 document can hold (an escaped lone surrogate such as \\ud800).
    Malformed JSON is left to the view's schema, which says what is wrong with it."""
    if request.method not in BODY_METHODS or not request.is_json:
        return
    limit = current_app.config["DRAFTING_MAX_UPLOAD_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise RequestTooLargeError(f"the body is {request.content_length} bytes; the limit is {limit}")
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise RequestTooLargeError(f"the body is larger than the limit of {limit} bytes") from None
    if len(data) > limit:
        raise RequestTooLargeError(f"the body is larger than the limit of {limit} bytes")
    if b"\\u" not in data and data.count(b"[") + data.count(b"{") <= _BRACKETS_CHECKED_ABOVE:
        return
    try:
        document = json.loads(data)
    except RecursionError:
        raise DraftingError("expected a JSON body, found one that nests too deeply to parse") from None
    except ValueError:
        return
    _check_json_strings(document)


def _check_json_strings(document) -> None:
    """Refuse the first string (key or value) of a parsed JSON document that cannot be encoded as UTF-8."""
    pending = [("", document)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                _require_utf8(key, path or "the body", "a key")
                pending.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
        elif isinstance(value, str):
            _require_utf8(value, path or "the body", "the string")


def _require_utf8(text: str, where: str, what: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        character = f"\\u{ord(text[error.start]):04x}"
        raise TextEncodingError(
            f"expected Unicode text in JSON, found {what} at {where[:200]} with a lone surrogate {character} at "
            f"character {error.start}, which no UTF-8 text can hold"
        ) from None


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



# After an answer, at most this many more bytes of a body the application left unread (a refusal such as 413 or 415
# comes before the body is read) are read and dropped so that the connection can serve the client's next request.
# A client that sends more than that is not worth the reading: its connection closes after the answer instead.
DRAIN_BYTES = 1 << 20
_DRAIN_PIECE = 1 << 16


class _CountedInput:
    """The request body as the server hands it out (wsgi.input), counting what is read so that its end is known."""

    def __init__(self, stream, length: int | None):
        self._stream = stream
        self._length = length  # None: chunked, the server finds the end
        self._read = 0
        self._ended = length == 0

    @classmethod
    def of(cls, environ: dict) -> _CountedInput | None:
        """Wrap the body of a request that has one: a Content-Length, or a chunked body the server dechunks."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            length = None
        if length is None:
            chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
            if not (chunked and environ.get("wsgi.input_terminated")):
                return None  # no body (or one the server does not end, which nobody may read)
            return cls(environ["wsgi.input"], None)
        return cls(environ["wsgi.input"], max(length, 0))

    def _counted(self, data: bytes, size: int | None) -> bytes:
        self._read += len(data)
        if (not data and size != 0) or (self._length is not None and self._read >= self._length):
            self._ended = True
        return data

    def read(self, size: int | None = -1) -> bytes:
        return self._counted(self._stream.read(size), size)

    def readline(self, size: int | None = -1) -> bytes:
        return self._counted(self._stream.readline(size), size)

    def readlines(self, hint: int = -1) -> list[bytes]:
        lines, size = [], 0
        for line in self:
            lines.append(line)
            size += len(line)
            if 0 < (hint or 0) <= size:
                break
        return lines

    def __iter__(self):
        return iter(self.readline, b"")

    def drain(self, limit: int) -> bool:
        """Read and drop what is left of the body, at most `limit` bytes; tell whether the body has ended."""
        if self._ended:
            return True
        if self._length is not None and self._length - self._read > limit:
            return False  # more is coming than will be read: read none of it
        dropped = 0
        try:
            while not self._ended and dropped <= limit:
                left = limit + 1 - dropped
                if self._length is not None:  # never past the body: a server may hand out the raw socket
                    left = min(left, self._length - self._read)
                dropped += len(self.read(min(left, _DRAIN_PIECE)))
        except Exception:  # a broken or malformed body: where the next request would start is unknown
            return False
        return self._ended


class DrainUnreadBody:
    """WSGI middleware: when the application answers without reading the whole request body, read and drop the rest
    (at most DRAIN_BYTES), so that a keep-alive connection serves the client's next request; when more is left, ask
    the server to close the connection after the answer, so that the answer says `Connection: close` rather than
    `keep-alive` followed by a closed socket (gunicorn drains only 64 KiB itself, then closes without saying so)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        body = _CountedInput.of(environ)
        if body is None:
            return self.app(environ, start_response)
        environ["wsgi.input"] = body

        def answer(status, headers, exc_info=None):
            # the application calls start_response when it is done with the request (no view here streams a body)
            if not body.drain(DRAIN_BYTES):
                _close_after_answer(start_response)
            return start_response(status, headers, exc_info)

        return self.app(environ, answer)


def _close_after_answer(start_response) -> None:
    """Ask the server to close the connection after this answer. The Connection header belongs to the server (PEP 3333
    forbids hop-by-hop headers from an application, and gunicorn drops them): gunicorn's start_response is a method of
    its response object, whose force_close() makes it answer `Connection: close`. The Werkzeug development server
    closes every connection anyway."""
    force_close = getattr(getattr(start_response, "__self__", None), "force_close", None)
    if callable(force_close):
        force_close()


def read_upload(kind: str, options: dict) -> tuple[bytes, str, dict]:
    """Return an upload's bytes, media type and import options: the body itself, or the `file` of a multipart form
    (whose other fields are options); the options carry what a .docx may unpack to (a setting, never the client's)."""
    unpacked = {"max_docx_unpacked": current_app.config["DRAFTING_MAX_DOCX_UNPACKED_BYTES"]}
    if kind != MULTIPART:
        return read_body(), kind, {**options, **unpacked}
    upload = request.files.get("file")
    if upload is None:
        raise UnsupportedMediaTypeError("expected a multipart form with a `file` field, found none")
    limit = current_app.config["DRAFTING_MAX_UPLOAD_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise RequestTooLargeError(f"the file is larger than the limit of {limit} bytes")
    merged = {**options, **ImportQuerySchema().load(request.form.to_dict()), **unpacked}
    return data, media_type_of_file(upload.filename or "", upload.mimetype or ""), merged


def media_type_of_file(filename: str, declared: str) -> str:
    """Decide an uploaded file's type by its extension, then by its declared type (lowercased)."""
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


def rendered_response(etag: str | None, render: Callable[[], Rendered], *, download: bool = False) -> Response:
    """Answer with a rendered redline or report: 304 when the client holds its entity tag, else the body (an HTML
    page with its hash-pinned style policy; a download with its file name), cached privately by entity tag."""
    if etag is not None and request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        rendered = render()
        response = Response(rendered.body, mimetype=rendered.media_type)
        if rendered.media_type == "text/html":
            response.headers["Content-Security-Policy"] = html_report_policy(rendered.body)
        if download:
            response.headers.set("Content-Disposition", "attachment", filename=rendered.filename)
    if etag is not None:
        response.set_etag(etag)
        response.cache_control.private = True
    response.vary.add("Accept")
    return response


FORM_TYPES = ("application/x-www-form-urlencoded", MULTIPART)


def check_body_media_type() -> None:
    """Refuse (415) a body whose media type the endpoint does not read, before the endpoint parses it: JSON for the
    API endpoints whose schema reads a JSON body, form types for the browser pages. Endpoints that read other bodies
    (AKN, text, Word) check their own with require_media_type."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE") or not _has_body():
        return
    if request.blueprint == "web":
        require_media_type(*FORM_TYPES)
    elif _reads_json_body(current_app.view_functions.get(request.endpoint or "")):
        found = media_type()
        if found != "application/json" and not (found.startswith("application/") and found.endswith("+json")):
            raise UnsupportedMediaTypeError(f"expected a body of type application/json, found {found or 'none'}")


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def _reads_json_body(view) -> bool:
    """Tell whether a view's flask-smorest arguments include a JSON body."""
    parameters = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(isinstance(parameter, dict) and parameter.get("in") == "json" for parameter in parameters)
