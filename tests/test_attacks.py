"""Hostile input on every upload path: each payload of ../shared/attacks and of tests/attack_payloads.py, sent down
every API and browser path that takes its kind, meets the contract of ../shared/attacks/README.md.

For each request:
- refused payloads get 400 or 413: problem+json with `detail` naming the rule and a `rule` member from the API,
  the import page with the rule in its alert from the browser; accepted ones (a valid document carrying hostile text,
  or a schema hint) get 2xx and render inert in the answer and, once stored, on every page that shows the document;
- `root:x:0:0` is in no response, header or log record; no log record is an unhandled error;
- the request takes less than 1 s (time.perf_counter around it: a safety bound, not a performance target);
- memory grows by less than 50 MB: the process's peak resident set size above what it was just before the request.
  On Linux the peak (VmHWM) is reset by writing 5 to /proc/self/clear_refs, so the figure is exact and counts what
  libxml2 allocates outside Python (tracemalloc would miss it); elsewhere the growth of ru_maxrss is used, which
  can only under-count. The client runs in the same process, so the figure includes its copy of the request body;
- no connection reaches a loopback listener (on a free port every payload URL is aimed at, and on port 9, the one the
  shared payloads name, when it can be bound);
- nothing is stored for a refused payload (documents and versions counted in the store, files of the instance
  folder listed), and the next ordinary request (GET /api/health) succeeds.

Oversized and chunked bodies run against an application with a small upload limit, to stay fast.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import re
import resource
import socket
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from drafting import create_app, services
from drafting.akn import DEFAULT_LIMITS, ParseLimits, parse_akn, serialize
from drafting.akn.parse import BYTES_PER_MARKUP
from drafting.errors import UnsafeXmlError
from drafting.http.bodies import check_json_body
from drafting.importers.docx import docx_to_text
from drafting.store.models import Document, Version
from tests.app_fixtures import sample_bytes, shared_path
from tests.attack_payloads import (
    AKN_NS,
    ALL,
    BY_NAME,
    MIB,
    PASSWD_MARKER,
    Payload,
    Target,
    json_value,
)
from tests.conftest import empty_tables
from tests.test_importers_docx import ordinary_docx

AKN = "application/akn+xml"
TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PROBLEM = "application/problem+json"
MEDIA_TYPES = {"akn": AKN, "text": TEXT, "docx": DOCX}
EXTENSIONS = {"akn": "xml", "text": "txt", "docx": "docx"}
BILL = "ma-biometric-moratorium-bill.xml"
OLD_SIDE = "Section 1. Short title.\nThis Act may be cited as the Test Act.\n"
SECONDS = 1.0
MEMORY = 50 * 1024 * 1024
SMALL_LIMIT = 64 * 1024
JSON_GUARD = ("needs app.before_request(drafting.http.bodies.check_json_body) in drafting/api/__init__.py init_app: "
              "without it a chunked JSON body over the limit is cut short and answered 200, an escaped lone surrogate "
              "is a 500 and JSON nested 100,000 deep is a 500")
PASSWORD_FREE_DRAFTER = "ada"

# the slowest request and the largest memory growth seen, printed at the end of the module
OBSERVED: dict[str, tuple[float, str]] = {}


# --- loopback listeners --------------------------------------------------------------------------------------------


class Loopback:
    """TCP listeners on 127.0.0.1 that count the connections made to them, without ever accepting data: one on a
    free port the payloads are aimed at, and one on port 9 (the discard port the shared payloads name) if it binds."""

    def __init__(self):
        self.sockets = []
        for port in (0, 9):
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                listener.bind(("127.0.0.1", port))
            except OSError:
                listener.close()
                continue
            listener.listen(64)
            listener.setblocking(False)
            self.sockets.append(listener)
        self.port = self.sockets[0].getsockname()[1]

    def connections(self) -> int:
        """Count (and close) the connections made since the last call."""
        count = 0
        for listener in self.sockets:
            while True:
                try:
                    connection, _ = listener.accept()
                except (BlockingIOError, InterruptedError):
                    break
                connection.close()
                count += 1
        return count

    def close(self):
        for listener in self.sockets:
            listener.close()


@pytest.fixture(scope="module")
def loopback():
    listening = Loopback()
    yield listening
    listening.close()


def test_the_loopback_listeners_count_a_real_connection(loopback):
    loopback.connections()
    for listener in loopback.sockets:
        with socket.create_connection(listener.getsockname(), timeout=1):
            pass
    assert loopback.connections() == len(loopback.sockets)


# --- measuring -----------------------------------------------------------------------------------------------------


def _status_kib(field_name: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    raise LookupError(field_name)


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


@dataclass
class Measured:
    response: object
    seconds: float
    memory: int  # bytes


def measured(send: Callable[[], object]) -> Measured:
    """Send a request, timing it and measuring the peak memory growth of the process while it ran."""
    exact = sys.platform.startswith("linux") and _reset_peak()
    before = _status_kib("VmRSS") if exact else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = send()
    seconds = time.perf_counter() - started
    after = _status_kib("VmHWM") if exact else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return Measured(response, seconds, max(after - before, 0) * 1024)


def observe(label: str, outcome: Measured) -> None:
    for key, value in (("seconds", outcome.seconds), ("memory", outcome.memory)):
        if value > OBSERVED.get(key, (-1, ""))[0]:
            OBSERVED[key] = (value, label)


@pytest.fixture(scope="module", autouse=True)
def _report_observed(request):
    yield
    if OBSERVED:
        (seconds, slow), (memory, big) = OBSERVED["seconds"], OBSERVED["memory"]
        plugins = request.config.pluginmanager
        reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
        if reporter is not None and capture is not None:
            with capture.global_and_fixture_disabled():
                reporter.write_line(f"\nattacks: slowest request {seconds:.3f} s ({slow}); largest memory growth "
                                    f"{memory / 1024 / 1024:.1f} MB ({big})")


# --- HTML that could run script ------------------------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite"}
RUNNABLE_SCHEMES = ("javascript:", "vbscript:", "data:text", "data:application")


def _url_scheme(value: str) -> str:
    # what a browser does before reading a URL: strip leading controls and spaces, drop tabs and newlines
    return re.sub(r"^[\x00-\x20]+", "", re.sub(r"[\t\n\r]", "", value)).lower()


class LiveMarkup(HTMLParser):
    """Everything in a page that a browser would run: inline script, event handlers, script URLs, frames."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("img", "svg", "iframe", "frame", "object", "embed", "math", "base", "applet"):
            self.live.append(f"<{tag}>")
        attributes = dict(attrs)
        data_block = (attributes.get("type") or "").strip().lower() == "application/json"  # browsers never run one
        if tag == "script" and not data_block and not (attributes.get("src") or "").startswith("/static/"):
            self.live.append("<script> not from /static/")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.live.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            if name.startswith("on"):
                self.live.append(f"{name}= on <{tag}>")
            if name == "srcdoc":
                self.live.append(f"srcdoc= on <{tag}>")
            if name in URL_ATTRIBUTES and _url_scheme(value or "").startswith(RUNNABLE_SCHEMES):
                self.live.append(f"{name}={value!r} on <{tag}>")
            if name == "style" and re.search(r"javascript:|expression\(|url\(", value or "", re.IGNORECASE):
                self.live.append(f"style={value!r} on <{tag}>")

    handle_startendtag = handle_starttag


def live_markup(page: bytes) -> list[str]:
    audit = LiveMarkup()
    audit.feed(page.decode("utf-8", "replace"))
    audit.close()
    return audit.live


def test_the_audit_finds_every_kind_of_live_markup():
    page = (b"<p onclick=x>a</p><a href=' JaVa\tScRipt:alert(1)'>b</a><script>alert(1)</script><img src=x>"
            b"<iframe srcdoc='x'></iframe><span style='background:url(javascript:alert(1))'></span>"
            b"<a href='data:text/html,x'>c</a><script src='/static/app.js'></script>")
    assert len(live_markup(page)) == 8
    assert live_markup(b"<p>&lt;script&gt;alert(1)&lt;/script&gt; {{7*7}}</p><a href='/documents/1'>x</a>") == []


# --- the service under test ----------------------------------------------------------------------------------------


@dataclass
class Service:
    """An application, a client signed in as a drafter (session and CSRF token) and bearer tokens by role."""

    app: object
    client: object
    tokens: dict[str, str]
    csrf: str
    target: Target
    bill: tuple[int, str] | None = None  # the sample bill, stored on demand: id and ETag
    own: dict[str, tuple[int, str]] = field(default_factory=dict)  # accepted payloads stored for PUT and merge
    built: dict[str, bytes] = field(default_factory=dict)  # payloads of a few kilobytes, built once

    def payload(self, payload: Payload) -> bytes:
        if payload.large:
            return payload.build(self.target)
        if payload.name not in self.built:
            self.built[payload.name] = payload.build(self.target)
        return self.built[payload.name]

    @property
    def db(self):
        return self.app.extensions["drafting.database"]

    def headers(self, role: str = "drafter", **extra) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}", **extra}

    def counts(self) -> tuple[int, int]:
        with self.db.session() as session:
            return (session.scalar(select(func.count()).select_from(Document)),
                    session.scalar(select(func.count()).select_from(Version)))

    def files(self) -> set[str]:
        folder = Path(self.app.config["INSTANCE_PATH"])
        # lock files of the heavy-work limiter come and go with requests; they hold no upload
        return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.suffix != ".lock"}

    def forget_documents(self) -> None:
        """Delete every stored document but the sample bill (test clean-up: the service itself never deletes)."""
        keep = [self.bill[0]] if self.bill else []
        with self.db.session() as session:
            session.execute(delete(Version).where(Version.document_id.not_in(keep)))
            session.execute(delete(Document).where(Document.id.not_in(keep)))
        self.own.clear()

    def stored_bill(self) -> tuple[int, str]:
        if self.bill is None:
            self.bill = self.store(sample_bytes(BILL))
        return self.bill

    def store(self, data: bytes) -> tuple[int, str]:
        response = self.client.post("/api/documents", data=data, headers=self.headers(**{"Content-Type": AKN}))
        assert response.status_code == 201, response.get_data(as_text=True)[:500]
        return response.get_json()["id"], response.headers["ETag"]

    def stored_for(self, payload: Payload, data: bytes) -> tuple[int, str]:
        """The document a PUT or merge of this payload goes to: the payload itself when it is accepted (a save
        must name the same work), else the sample bill."""
        if not payload.accepted:
            return self.stored_bill()
        if payload.name not in self.own:
            self.own[payload.name] = self.store(data)
        return self.own[payload.name]


def _service(app, loopback, tmp_path) -> Service:
    db = app.extensions["drafting.database"]
    tokens = {role: services.create_token(db, f"attack-{role}", role)[1] for role in services.ROLES}
    services.create_user(db, PASSWORD_FREE_DRAFTER, "drafter")
    client = app.test_client()
    # the session security.sign_in() starts (recorded in the store, its key as Flask-Login's user id), without
    # paying for a password hash in every test; its CSRF token is the one its pages carry
    key = services.start_session(db, PASSWORD_FREE_DRAFTER, timedelta(hours=1))
    with client.session_transaction() as session:
        session.update(_user_id=key, _fresh=True)
        session.permanent = True
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    return Service(app, client, tokens, csrf, Target(loopback.port, tmp_path))


@pytest.fixture
def service(app, loopback, tmp_path) -> Service:
    return _service(app, loopback, tmp_path)


@pytest.fixture(scope="module")
def shared_service(migrated_database, database_url, tmp_path_factory, loopback):
    """One application for the whole matrix (an application per test would cost more than the requests): refused
    payloads store nothing, and what accepted ones store is deleted after each test."""
    folder = tmp_path_factory.mktemp("attacks")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DRAFTING_INSTANCE_PATH", str(folder / "instance"))
        empty_tables(migrated_database)
        application = create_app({"DATABASE_URL": database_url, "TESTING": True})
        yield _service(application, loopback, folder)
        application.extensions["drafting.database"].dispose()


@pytest.fixture
def small_service(database, database_url, tmp_path, monkeypatch, loopback):
    monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app({"DATABASE_URL": database_url, "TESTING": True, "DRAFTING_MAX_UPLOAD_BYTES": SMALL_LIMIT})
    yield _service(application, loopback, tmp_path)
    application.extensions["drafting.database"].dispose()


def json_guard_wired(app) -> bool:
    return check_json_body in app.before_request_funcs.get(None, [])


# --- request bodies ------------------------------------------------------------------------------------------------


def multipart(fields: dict[str, bytes | str], files: dict[str, tuple[str, bytes, str]] | None = None,
              *, padding: bytes = b"") -> tuple[bytes, str]:
    """Return a multipart/form-data body built from bytes (a field may carry bytes that are not UTF-8) and its
    Content-Type. `padding` goes before the closing boundary, inside the last part."""
    boundary = "attack" + uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        data = value.encode() if isinstance(value, str) else value
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + data)
    for name, (filename, data, media_type) in (files or {}).items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {media_type}\r\n\r\n".encode() + data)
    body = b"\r\n".join(parts) + padding + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@dataclass(frozen=True)
class Body:
    """What a path sends: the bytes, the Content-Type, and the headers besides."""

    data: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def _json(document: dict, value: bytes, key_path: tuple[str, ...]) -> bytes:
    """A JSON body with the raw JSON value `value` spliced in at key_path (it may not be valid JSON)."""
    marker = "\u2063splice\u2063"
    node = document
    for key in key_path[:-1]:
        node = node[key]
    node[key_path[-1]] = marker
    return json.dumps(document).encode().replace(json.dumps(marker).encode(), value)


@dataclass(frozen=True)
class UploadPath:
    """One way to upload a document: the kinds of payload it takes, how it sends one, and how it answers."""

    name: str
    kinds: tuple[str, ...]
    body: Callable[[Service, Payload, bytes], tuple[str, str, Body]]  # method, url, body
    browser: bool = False
    stores: bool = False  # a 2xx stores a document or a version
    json: bool = False


def _create_body(service, payload, data):
    return "POST", "/api/documents", Body(data, MEDIA_TYPES[payload.kind], service.headers())


def _create_multipart(service, payload, data):
    upload = (f"upload.{EXTENSIONS[payload.kind]}", data, "application/octet-stream")
    body, content_type = multipart({}, {"file": upload})
    return "POST", "/api/documents", Body(body, content_type, service.headers())


def _put(service, payload, data):
    document_id, etag = service.stored_for(payload, data)
    return "PUT", f"/api/documents/{document_id}", Body(data, AKN, service.headers(**{"If-Match": etag}))


def _validate(service, payload, data):
    return "POST", "/api/validate", Body(data, AKN, service.headers("viewer"))


def _import(service, payload, data):
    return "POST", "/api/import", Body(data, MEDIA_TYPES[payload.kind], service.headers("viewer"))


def _gaps(service, payload, data):
    return "POST", "/api/gaps?format=html", Body(data, MEDIA_TYPES[payload.kind], service.headers("viewer"))


def _read_norms(service, payload, data):
    return "POST", "/api/norms/read", Body(data, AKN, service.headers("viewer"))


def _redline(side: str):
    def body(service, payload, data):
        document = {"old": {"text": OLD_SIDE}, "new": {side: ""}}
        spliced = _json(document, json_value(payload, data), ("new", side))
        return "POST", "/api/redlines?format=html", Body(spliced, "application/json", service.headers("viewer"))

    return body


def _adopt(service, payload, data):
    bill_id, _ = service.stored_bill()
    document = {"akn": "", "from_id": bill_id, "eId": "sec_1"}
    return "POST", "/api/adopt", Body(_json(document, json_value(payload, data), ("akn",)), "application/json",
                                      service.headers())


def _merge(service, payload, data):
    document_id, _ = service.stored_for(payload, data)
    document = {"akn": "", "base_version": 1}
    return "POST", f"/api/documents/{document_id}/merge", Body(
        _json(document, json_value(payload, data), ("akn",)), "application/json", service.headers())


def _preview_file(service, payload, data):
    body, content_type = multipart(
        {"csrf_token": service.csrf, "text": ""},
        {"file": (f"upload.{EXTENSIONS[payload.kind]}", data, "application/octet-stream")})
    return "POST", "/import/preview", Body(body, content_type)


def _preview_text(service, payload, data):
    body, content_type = multipart({"csrf_token": service.csrf, "text": data})
    return "POST", "/import/preview", Body(body, content_type)


def _save(service, payload, data):
    fields = {"csrf_token": service.csrf, "media_type": MEDIA_TYPES[payload.kind],
              "payload": base64.b64encode(data), "source": f"upload.{EXTENSIONS[payload.kind]}",
              "preview_hash": "0" * 64}
    if payload.accepted:
        # the hash of the preview the browser was shown: preview first, as a browser would
        method, url, preview = _preview_file(service, payload, data)
        page = service.client.open(url, method=method, data=preview.data, content_type=preview.content_type)
        assert page.status_code == 200, page.get_data(as_text=True)[:500]
        fields["preview_hash"] = re.search(rb'name="preview_hash" value="([0-9a-f]+)"', page.data).group(1)
    body, content_type = multipart(fields)
    return "POST", "/import/save", Body(body, content_type)


PATHS = [
    UploadPath("POST /api/documents (body)", ("akn", "text", "docx"), _create_body, stores=True),
    UploadPath("POST /api/documents (multipart)", ("akn", "text", "docx"), _create_multipart, stores=True),
    UploadPath("PUT /api/documents/{id}", ("akn",), _put, stores=True),
    UploadPath("POST /api/validate", ("akn",), _validate),
    UploadPath("POST /api/import", ("text", "docx"), _import),
    UploadPath("POST /api/gaps", ("akn", "text", "docx"), _gaps),
    UploadPath("POST /api/norms/read", ("akn",), _read_norms),
    UploadPath("POST /api/redlines (akn side)", ("akn", "json"), _redline("akn"), json=True),
    UploadPath("POST /api/redlines (text side)", ("text", "json"), _redline("text"), json=True),
    UploadPath("POST /api/adopt", ("akn", "json"), _adopt, json=True),
    UploadPath("POST /api/documents/{id}/merge", ("akn", "json"), _merge, json=True),
    UploadPath("POST /import/preview (file)", ("akn", "text", "docx"), _preview_file, browser=True),
    UploadPath("POST /import/preview (pasted text)", ("text",), _preview_text, browser=True),
    UploadPath("POST /import/save", ("akn", "text", "docx"), _save, browser=True, stores=True),
]
PATH_BY_NAME = {path.name: path for path in PATHS}

MATRIX = [
    pytest.param(payload.name, path.name, id=f"{payload.name}@{path.name}",
                 marks=[pytest.mark.slow] if payload.large else [])
    for payload in ALL for path in PATHS if payload.kind in path.kinds
]


def send(service: Service, method: str, url: str, body: Body, *, chunked: bool = False):
    if chunked:
        # as gunicorn and Werkzeug's server hand a chunked body to the application: no length, stream terminated
        return service.client.open(
            url, method=method, input_stream=io.BytesIO(body.data),
            headers={**body.headers, "Content-Type": body.content_type, "Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True})
    return service.client.open(url, method=method, data=body.data, content_type=body.content_type,
                               headers=body.headers)


# --- the contract --------------------------------------------------------------------------------------------------


def assert_nothing_echoed(response) -> None:
    assert PASSWD_MARKER not in response.get_data()
    assert all(PASSWD_MARKER not in f"{name}: {value}".encode() for name, value in response.headers.items())


# refusals that come before the upload is parsed: the heavy-work guard estimates a job from its provisions and words
COST_RULES = ("too-costly",)


def assert_refused(path: UploadPath, payload: Payload, response, words: str) -> None:
    text = response.get_data(as_text=True)
    too_costly = response.mimetype == PROBLEM and response.get_json().get("rule") in COST_RULES
    assert response.status_code in payload.statuses or (too_costly and response.status_code == 413), text[:600]
    if path.browser:
        assert response.mimetype == "text/html"
        alert = re.search(r'role="alert">([^<]*)<', text)
        assert alert is not None, text[:600]
        assert words in alert.group(1).replace("&#39;", "'").replace("&#34;", '"'), alert.group(1)
        assert live_markup(response.get_data()) == []
        return
    assert response.mimetype == PROBLEM, text[:600]
    problem = response.get_json()
    assert problem["status"] == response.status_code
    assert isinstance(problem.get("rule"), str) and problem["rule"]
    assert isinstance(problem.get("detail"), str) and problem["detail"]
    # a payload that is refused for what it holds may be refused first for its size, wrapped in JSON
    too_large = response.status_code == 413 and problem["rule"] == "request-too-large" and "limit" in problem["detail"]
    assert words in problem["detail"] or too_costly or too_large, problem


def assert_inert_answer(path: UploadPath, response, data: bytes) -> None:
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    if response.mimetype == "text/html":
        assert live_markup(response.get_data()) == []
        if b"{{7*7}}" in data and ("redlines" in path.name or "preview" in path.name):
            assert b"{{7*7}}" in response.get_data(), "the template marker did not come back literally"
    elif response.status_code != 302:
        assert response.mimetype in ("application/json",), response.mimetype


def created_document(path: UploadPath, response, url: str) -> int | None:
    """The id of the document a 2xx stored, if it did."""
    if not path.stores:
        return None
    if response.status_code == 302:
        return int(re.search(r"/documents/([0-9]+)$", response.headers["Location"]).group(1))
    if url.startswith("/api/documents/"):
        return int(url.split("/")[3])
    return response.get_json()["id"]


def pages_of(service: Service, document_id: int) -> dict[str, object]:
    """Every page and report that shows a stored document, as the browser and the API serve them."""
    bill_id, _ = service.stored_bill()
    get = service.client.get
    api = service.headers("viewer")
    return {
        "document": get(f"/documents/{document_id}"),
        "editor": get(f"/documents/{document_id}/edit"),
        "history": get(f"/documents/{document_id}/history"),
        "export page": get(f"/documents/{document_id}/export"),
        "compare": get(f"/documents/{document_id}/compare?against={bill_id}"),
        "library": get("/"),
        "redline html": get(f"/api/documents/{document_id}/redline?against={bill_id}&format=html", headers=api),
        "redline json": get(f"/api/documents/{document_id}/redline?against={bill_id}", headers=api),
        "gaps html": get(f"/api/documents/{document_id}/gaps?format=html", headers=api),
        "document json": get(f"/api/documents/{document_id}", headers=api),
        "document xml": get(f"/api/documents/{document_id}", headers={**api, "Accept": AKN}),
    }


def assert_rendered_inert(service: Service, document_id: int, data: bytes) -> None:
    for name, page in pages_of(service, document_id).items():
        assert page.status_code == 200, (name, page.status_code, page.get_data(as_text=True)[:300])
        assert_nothing_echoed(page)
        assert page.headers.get("X-Content-Type-Options") == "nosniff", name
        if page.mimetype == "text/html":
            assert live_markup(page.get_data()) == [], name
            if name in ("document", "redline html") and b"{{7*7}}" in data:
                assert b"{{7*7}}" in page.get_data(), f"{name}: the template marker did not come back literally"
        else:
            assert page.mimetype in ("application/json", AKN), (name, page.mimetype)


def expected_words(path: UploadPath, payload: Payload, data: bytes) -> str:
    if path.json and payload.kind != "json":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return "JSON"  # a client cannot put bytes that are not UTF-8 in JSON: the body is not JSON
    return payload.words


def check_contract(service: Service, path: UploadPath, payload: Payload, *, caplog, loopback) -> None:
    data = service.payload(payload)
    loopback.connections()
    caplog.clear()
    method, url, body = path.body(service, payload, data)
    documents_before, files_before = service.counts(), service.files()
    outcome = measured(lambda: send(service, method, url, body))
    response = outcome.response
    observe(f"{payload.name} @ {path.name}", outcome)

    assert_nothing_echoed(response)
    accepted = payload.accepted or (payload.normalised_in_forms and path.name.endswith("(pasted text)"))
    if accepted:
        assert response.status_code in (200, 201, 302), response.get_data(as_text=True)[:800]
        assert_inert_answer(path, response, data)
        document_id = created_document(path, response, url)
        if document_id is not None:
            assert_rendered_inert(service, document_id, data)
    else:
        assert_refused(path, payload, response, expected_words(path, payload, data))
        assert service.counts() == documents_before
        assert service.files() == files_before

    assert outcome.seconds < SECONDS, f"{outcome.seconds:.2f} s"
    assert outcome.memory < MEMORY, f"{outcome.memory / 1024 / 1024:.0f} MB"
    assert loopback.connections() == 0
    assert PASSWD_MARKER.decode() not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text[-2000:]
    assert service.client.get("/api/health").status_code == 200


@pytest.mark.parametrize(("payload_name", "path_name"), MATRIX)
def test_hostile_upload_meets_the_contract(shared_service, loopback, caplog, payload_name, path_name):
    payload, path = BY_NAME[payload_name], PATH_BY_NAME[path_name]
    if payload.kind == "json" and not json_guard_wired(shared_service.app):
        pytest.xfail(JSON_GUARD)
    try:
        check_contract(shared_service, path, payload, caplog=caplog, loopback=loopback)
    finally:
        shared_service.forget_documents()


def test_every_payload_reaches_some_path_and_every_path_some_payload():
    assert {payload.name for payload in ALL} == {name for name, _ in (p.values[:2] for p in MATRIX)}
    assert {path.name for path in PATHS} == {path for _, path in (p.values[:2] for p in MATRIX)}


def test_every_payload_in_the_shared_folder_is_in_the_matrix():
    folder = shared_path("attacks")
    assert {path.name for path in folder.iterdir() if path.suffix != ".md"} <= set(BY_NAME)


# --- oversized and chunked bodies ----------------------------------------------------------------------------------


def _harmless(kind: str) -> bytes:
    if kind == "akn":
        return sample_bytes(BILL)
    if kind == "text":
        return sample_bytes("us-ma-bayport-ordinance-16-62.txt")
    return ordinary_docx()


OVERSIZE = ["over the limit", "chunked over the limit", "chunked, valid within the limit and padded past it"]


def oversized_body(service: Service, path: UploadPath, variant: str) -> tuple[str, str, Body]:
    """A harmless upload of the path's first kind, made larger than the limit: the document itself (white space
    after an XML root or a text is still the same document), or the request around a document within the limit
    (after a JSON value or a form's closing boundary), so that a body cut at the limit would still look whole."""
    kind = path.kinds[0]
    payload = Payload("oversized", kind, lambda target: b"")
    data = _harmless(kind)
    if variant.startswith("chunked, valid"):
        method, url, body = path.body(service, payload, data)
        return method, url, replace(body, data=body.data + b" " * (2 * SMALL_LIMIT))
    return path.body(service, payload, data + (b"\0" if kind == "docx" else b" ") * (2 * SMALL_LIMIT))


OVERSIZE_MATRIX = [
    pytest.param(path.name, variant, id=f"{variant}@{path.name}") for path in PATHS for variant in OVERSIZE
]


# Werkzeug's form parser spools a chunked file part to a temporary file and drops it unclosed when the body goes past
# the limit: the garbage collector closes it at once, with a ResourceWarning that is not the service's to give.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize(("path_name", "variant"), OVERSIZE_MATRIX)
def test_body_over_the_upload_limit_is_413_never_a_truncated_success(small_service, loopback, caplog, path_name,
                                                                     variant):
    path = PATH_BY_NAME[path_name]
    if path.json and variant.startswith("chunked") and not json_guard_wired(small_service.app):
        pytest.xfail(JSON_GUARD)
    method, url, body = oversized_body(small_service, path, variant)
    assert len(body.data) > SMALL_LIMIT
    before = small_service.counts()
    outcome = measured(lambda: send(small_service, method, url, body, chunked=variant.startswith("chunked")))
    response = outcome.response
    observe(f"{variant} @ {path_name}", outcome)
    assert response.status_code == 413, response.get_data(as_text=True)[:600]
    if path.browser:
        assert response.mimetype == "text/html" and b'role="alert"' in response.data
    else:
        assert response.mimetype == PROBLEM
        problem = response.get_json()
        assert problem["rule"] == "request-too-large" and "limit" in problem["detail"]
    assert small_service.counts() == before
    assert outcome.seconds < SECONDS and outcome.memory < MEMORY
    assert loopback.connections() == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert small_service.client.get("/api/health").status_code == 200


@pytest.mark.parametrize("kind", ["akn", "text"])
def test_chunked_body_within_the_limit_is_read_whole(small_service, kind):
    """The control for the chunked tests: the simulated chunked body does reach the application."""
    data = _harmless(kind)
    method, url, body = _create_body(small_service, Payload("control", kind, lambda target: b""), data)
    response = send(small_service, method, url, body, chunked=True)
    assert response.status_code == 201, response.get_data(as_text=True)[:600]
    assert small_service.counts() == (1, 1)


# --- other bodies with no document in them -------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b" \n\t\r\n "], ids=["empty", "white space"])
@pytest.mark.parametrize("url", ["/api/documents", "/api/import", "/api/gaps"])
def test_empty_text_upload_is_refused_and_stores_nothing(service, url, body):
    response = service.client.post(url, data=body, headers=service.headers(**{"Content-Type": TEXT}))
    assert response.status_code == 422, response.get_data(as_text=True)[:600]
    assert response.mimetype == PROBLEM
    assert "expected text to import" in response.get_json()["detail"]
    assert service.counts() == (0, 0)


def test_chunked_body_a_server_did_not_terminate_is_empty_and_refused(service):
    """Without wsgi.input_terminated Werkzeug hands out no body at all: an empty import, which must not be stored."""
    response = service.client.post("/api/documents", input_stream=io.BytesIO(b"Section 1. Short title.\n"),
                                   headers=service.headers(**{"Content-Type": TEXT, "Transfer-Encoding": "chunked"}))
    assert response.status_code == 422
    assert service.counts() == (0, 0)


@pytest.mark.parametrize("document", [
    pytest.param('{"old": {"text": "Section 1. A."}, "new": {"text": "Section 1. B."}, "x": %s}', id="redlines"),
])
def test_json_nested_deeper_than_the_parser_goes_is_400_not_500(service, caplog, document):
    if not json_guard_wired(service.app):
        pytest.xfail(JSON_GUARD)
    body = (document % ("[" * 50_000 + "]" * 50_000)).encode()
    response = service.client.post("/api/redlines", data=body, headers=service.headers(
        "viewer", **{"Content-Type": "application/json"}))
    assert response.status_code == 400 and response.mimetype == PROBLEM
    assert "nests too deeply" in response.get_json()["detail"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.slow
@pytest.mark.xfail(os.environ.get("DATABASE_URL", "").startswith("postgresql"), strict=False,
                   reason="issue 15, not met on PostgreSQL: 48 KB of one-line labelled paragraphs (8,000 provisions) "
                          "imports in 0.7-0.8 s through the API on SQLite but took 1.4 s on PostgreSQL; the importer's "
                          "per-provision cost (eIds, elements, garbage collection) still bounds what an upload costs")
def test_text_of_short_labelled_paragraphs_imports_within_a_second(service):
    data = b"(a) x\n" * (48 * 1024 // 6)
    outcome = measured(lambda: service.client.post("/api/import", data=data,
                                                   headers=service.headers("viewer", **{"Content-Type": TEXT})))
    assert outcome.response.status_code == 200
    assert outcome.seconds < SECONDS


def test_xss_payloads_stay_literal_in_the_stored_akn(service):
    """The hostile text of 09-like payloads is stored as text: escaped in the XML, and no script URL in an href
    survives as a link of the document page (checked by the matrix); here, what the XML itself keeps."""
    payload = BY_NAME["xss-in-attributes"]
    document_id, _ = service.store(payload.build(service.target))
    xml = service.client.get(f"/api/documents/{document_id}", headers=service.headers("viewer", Accept=AKN)).data
    assert b"<script" not in xml and b'onmouseover="alert' not in xml
    assert b"{{7*7}}" in xml


# --- the parser's bounds, one by one -------------------------------------------------------------------------------


def _akn_with(body: str) -> bytes:
    return (f'<akomaNtoso xmlns="{AKN_NS}"><act name="act"><body>{body}</body></act></akomaNtoso>').encode()


def test_markup_is_counted_before_parsing_and_the_limit_is_exact():
    wrapper = _akn_with("").count(b"<") - _akn_with("").count(b"</") + _akn_with("").count(b"=")
    limits = ParseLimits(max_markup=wrapper + 10)
    parse_akn(_akn_with("<b/>" * 5 + '<i a="1"/>' * 2 + "<!---->"), limits)  # 5 + 4 + 1 = 10: at the limit
    with pytest.raises(UnsafeXmlError, match=f"has {wrapper + 11:,} start tags and attributes; the limit is"):
        parse_akn(_akn_with("<b/>" * 11), limits)


def test_the_markup_budget_follows_the_size_limit():
    assert DEFAULT_LIMITS.markup_limit == DEFAULT_LIMITS.max_bytes // BYTES_PER_MARKUP
    assert ParseLimits(max_bytes=1 << 30).markup_limit == (1 << 30) // BYTES_PER_MARKUP  # the benches' big bills


def test_dense_markup_is_refused_without_building_a_tree():
    data = _akn_with("<b/>" * (DEFAULT_LIMITS.max_bytes // 4 - 100))

    def refused() -> UnsafeXmlError:
        with pytest.raises(UnsafeXmlError) as caught:
            parse_akn(data)
        return caught.value

    outcome = measured(refused)
    assert "start tags and attributes" in outcome.response.detail
    assert outcome.seconds < 0.2 and outcome.memory < 5 * 1024 * 1024


def test_other_processing_instructions_are_kept_as_before():
    parsed = parse_akn(_akn_with("<p>a<?page 3?>b</p>"))
    assert b"<?page 3?>" in serialize(parsed.root)


@pytest.mark.parametrize(("document", "rule"), [
    (_akn_with("<p>" + "A" * 10_000_001 + "</p>"), "a text node, attribute value, comment or processing instruction "
                                                   "is longer than 10,000,000 characters (line 1, column"),
    (_akn_with("<" + "n" * 50_001 + "/>"), "an element or attribute name is longer than 50,000 characters"),
])
def test_lengths_past_libxml2s_limits_name_the_rule_not_the_parser_option(document, rule):
    with pytest.raises(UnsafeXmlError, match=re.escape(rule)) as caught:
        parse_akn(document)
    assert "XML_PARSE_HUGE" not in caught.value.detail


def test_word_parts_have_a_markup_budget_of_their_own():
    """Word's own styles.xml spends about 15 bytes per tag or attribute: at AKN's budget a .docx of 1 MiB would
    be refused for its styles alone."""
    data = ordinary_docx()
    assert ParseLimits(max_bytes=MIB).markup_limit < 23_000  # about what python-docx's styles.xml holds
    assert "Short title" in docx_to_text(data, max_uncompressed=MIB).text
