"""End to end against a real gunicorn server: concurrent saves, chunked bodies, crashes, hostile uploads."""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import socket
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree
from werkzeug.serving import make_server

from drafting import akn, services
from drafting.akn import AKN_NS
from drafting.store import Database
from tests.server_support import HOST, Reply, Server, read_reply, request, stored_history

AKN = "application/akn+xml"
PROBLEM = "application/problem+json"
SAMPLE = Path(__file__).resolve().parents[1] / "drafting" / "samples" / "ma-biometric-moratorium-bill.xml"
ATTACKS = Path(__file__).resolve().parents[2] / "shared" / "attacks"
TEMPLATE = {"template": "bill", "title": "Biometric Surveillance Moratorium", "jurisdiction": "us-ma",
            "number": "biometric-moratorium", "date": "2026-11-26"}
FIRST_PARAGRAPH = f".//{{{AKN_NS}}}section/{{{AKN_NS}}}content/{{{AKN_NS}}}p"
PASSWD_LINE = b"root:x:0:0"


# --- fixtures and helpers ---------------------------------------------------------------------------------------


@pytest.fixture
def start_server(database: Database, database_url: str, tmp_path: Path):
    """Return a function that starts a gunicorn server on the test database; every one is stopped afterwards."""
    servers: list[Server] = []

    def start(workers: int = 2, **env: str) -> Server:
        server = Server(database_url, tmp_path / "instance", workers=workers, env=env)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def token(database: Database) -> str:
    """Return a drafter's bearer token."""
    return services.create_token(database, "server-drafter", "drafter")[1]


def auth(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


def create_from_template(server: Server, token: str) -> int:
    created = server.request("POST", "/api/documents", json.dumps(TEMPLATE).encode(),
                             auth(token, **{"Content-Type": "application/json"}))
    assert created.status == 201, created.body
    return created.json()["id"]


def latest_xml(server: Server, token: str, doc_id: int) -> Reply:
    reply = server.request("GET", f"/api/documents/{doc_id}", headers=auth(token, Accept=AKN))
    assert reply.status == 200, reply.body
    assert reply.media_type == AKN
    return reply


def edited(xml: bytes, words: str) -> bytes:
    """Return the document with the text of its first section's paragraph replaced by `words`."""
    root = etree.fromstring(xml)
    root.find(FIRST_PARAGRAPH).text = words
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def save(port: int, token: str, doc_id: int, body: bytes, etag: str, *, timeout: float = 10.0) -> Reply:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        started = time.monotonic()
        connection.request("PUT", f"/api/documents/{doc_id}", body=body,
                           headers=auth(token, **{"Content-Type": AKN, "If-Match": etag}))
        return read_reply(connection, started)
    finally:
        connection.close()


def race(port: int, token: str, doc_id: int, bodies: list[bytes], etag: str) -> list[Reply]:
    """PUT every body at the same moment, each on its own connection opened beforehand."""
    barrier = threading.Barrier(len(bodies), timeout=10)

    def put(body: bytes) -> Reply:
        connection = http.client.HTTPConnection(HOST, port, timeout=15)
        try:
            connection.connect()
            barrier.wait()
            started = time.monotonic()
            connection.request("PUT", f"/api/documents/{doc_id}", body=body,
                               headers=auth(token, **{"Content-Type": AKN, "If-Match": etag}))
            return read_reply(connection, started)
        finally:
            connection.close()

    with ThreadPoolExecutor(len(bodies)) as pool:
        futures = [pool.submit(put, body) for body in bodies]
        return [future.result(timeout=30) for future in futures]


def assert_problem(reply: Reply, status: int, words: str = "") -> dict:
    assert reply.status == status, reply.body
    assert reply.media_type == PROBLEM, reply.headers
    body = reply.json()
    assert body["status"] == status
    assert words.lower() in body["detail"].lower(), body
    return body


def document_total(server: Server, token: str) -> int:
    listing = server.request("GET", "/api/documents", headers=auth(token))
    assert listing.status == 200, listing.body
    return listing.json()["total"]


def chunked_post(server: Server, token: str, pieces, path: str = "/api/documents") -> Reply:
    """POST an iterable body with Transfer-Encoding: chunked (no Content-Length)."""
    connection = http.client.HTTPConnection(HOST, server.port, timeout=10)
    try:
        started = time.monotonic()
        # the server may answer and close before reading the whole body; its answer is still readable
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.request("POST", path, body=iter(pieces), encode_chunked=True,
                               headers=auth(token, **{"Content-Type": AKN, "Transfer-Encoding": "chunked"}))
        return read_reply(connection, started)
    finally:
        connection.close()


def xmlish_megabyte() -> list[bytes]:
    """Return ~1 MB of XML-looking bytes in 16 KiB chunks."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><akomaNtoso xmlns="{AKN_NS}"><act name="act"><body>'.encode()
    paragraph = b"<paragraph><content><p>" + b"surveillance " * 1200 + b"</p></content></paragraph>"
    return [head, *[paragraph] * 64, b"</body></act></akomaNtoso>"]


# --- 1. optimistic concurrency across workers -------------------------------------------------------------------

RACE_ROUNDS = 10


@pytest.mark.slow
def test_two_concurrent_puts_on_the_same_version_one_wins_one_gets_412(start_server, token):
    server = start_server(workers=2)
    doc_id = create_from_template(server, token)
    for round_number in range(1, RACE_ROUNDS + 1):
        current = latest_xml(server, token, doc_id)
        etag = current.headers["etag"]
        bodies = [edited(current.body, f"Round {round_number}: the edit of drafter {side}.") for side in "AB"]

        replies = race(server.port, token, doc_id, bodies, etag)

        assert sorted(reply.status for reply in replies) == [200, 412], [(r.status, r.body) for r in replies]
        winner = next(reply for reply in replies if reply.status == 200)
        loser = next(reply for reply in replies if reply.status == 412)
        assert_problem(loser, 412)
        assert winner.json()["version"] == round_number + 1
        versions = server.request("GET", f"/api/documents/{doc_id}/versions", headers=auth(token))
        assert [v["number"] for v in versions.json()["versions"]] == list(range(1, round_number + 2))
        latest = server.request("GET", f"/api/documents/{doc_id}", headers=auth(token)).json()
        assert latest["content_hash"] == winner.json()["content_hash"]


# --- 2. chunked bodies and the upload limit ---------------------------------------------------------------------

UPLOAD_LIMIT = 100_000


def test_chunked_body_over_the_limit_is_413(start_server, token):
    server = start_server(workers=2, DRAFTING_MAX_UPLOAD_BYTES=str(UPLOAD_LIMIT))
    pieces = xmlish_megabyte()
    assert sum(map(len, pieces)) > 900_000

    reply = chunked_post(server, token, pieces)

    assert_problem(reply, 413, "limit")
    assert document_total(server, token) == 0
    assert server.request("GET", "/api/health").status == 200


def test_chunked_valid_document_padded_over_the_limit_is_413_and_not_stored(start_server, token):
    server = start_server(workers=2, DRAFTING_MAX_UPLOAD_BYTES=str(UPLOAD_LIMIT))
    padded = SAMPLE.read_bytes() + b"\n" * (3 * UPLOAD_LIMIT)

    reply = chunked_post(server, token, [padded[i:i + 8192] for i in range(0, len(padded), 8192)])

    assert_problem(reply, 413, "limit")
    assert document_total(server, token) == 0
    assert server.request("GET", "/api/health").status == 200


def test_chunked_body_of_exactly_the_limit_is_accepted_and_one_byte_more_is_413(start_server, token):
    server = start_server(workers=2, DRAFTING_MAX_UPLOAD_BYTES=str(UPLOAD_LIMIT))
    data = SAMPLE.read_bytes()
    exact = data + b"\n" * (UPLOAD_LIMIT - len(data))

    over = chunked_post(server, token, [exact[:50_000], exact[50_000:], b"\n"])
    at_limit = chunked_post(server, token, [exact[:50_000], exact[50_000:]])

    assert_problem(over, 413)
    assert at_limit.status == 201, at_limit.body
    assert document_total(server, token) == 1


def test_chunked_body_under_the_limit_is_accepted(start_server, token):
    server = start_server(workers=2, DRAFTING_MAX_UPLOAD_BYTES=str(UPLOAD_LIMIT))
    data = SAMPLE.read_bytes()
    assert len(data) < UPLOAD_LIMIT

    reply = chunked_post(server, token, [data[i:i + 1000] for i in range(0, len(data), 1000)])

    assert reply.status == 201, reply.body
    assert reply.json()["content_hash"] == akn.content_hash(akn.serialize(akn.parse_akn(data).root))
    assert document_total(server, token) == 1


# --- 2b. refused bodies and keep-alive ---------------------------------------------------------------------------

# gunicorn drains at most 64 KiB of a body the application left unread; past that it closes the connection
LARGER_THAN_GUNICORN_DRAINS = 200 * 1024


def send_on(connection: http.client.HTTPConnection, method: str, path: str, body=None, headers=None) -> Reply:
    """Send a request on an open keep-alive connection and read its answer, without letting http.client reconnect."""
    opened = connection.sock
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        connection.request(method, path, body=body, headers=headers or {},
                           encode_chunked=body is not None and not isinstance(body, bytes))
    assert opened is None or connection.sock is opened, "http.client opened a new connection"
    return read_reply(connection, time.monotonic())


def test_a_refused_body_of_64_kib_or_more_leaves_the_connection_serving_the_next_request(start_server, token):
    server = start_server(workers=1, DRAFTING_MAX_UPLOAD_BYTES=str(UPLOAD_LIMIT))
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * LARGER_THAN_GUNICORN_DRAINS
    too_large = SAMPLE.read_bytes() + b"\n" * (2 * UPLOAD_LIMIT)
    connection = http.client.HTTPConnection(HOST, server.port, timeout=10)
    connection.connect()
    try:
        wrong_type = send_on(connection, "POST", "/api/documents", png, auth(token, **{"Content-Type": "image/png"}))
        health = send_on(connection, "GET", "/api/health")
        over_limit = send_on(connection, "POST", "/api/documents", too_large, auth(token, **{"Content-Type": AKN}))
        chunked_wrong_type = send_on(connection, "POST", "/api/documents", iter([png[:70_000], png[70_000:]]),
                                     auth(token, **{"Content-Type": "image/png"}))
        listing = send_on(connection, "GET", "/api/documents", headers=auth(token))
    finally:
        connection.close()

    assert_problem(wrong_type, 415, "image/png")
    assert_problem(over_limit, 413, "limit")
    assert_problem(chunked_wrong_type, 415, "image/png")
    for reply in (wrong_type, over_limit, chunked_wrong_type):
        assert reply.headers.get("connection", "keep-alive").lower() == "keep-alive", reply.headers
    assert health.status == 200 and listing.status == 200 and listing.json()["total"] == 0


def test_a_body_too_large_to_drain_is_refused_with_connection_close_and_a_new_connection_works(start_server, token):
    server = start_server(workers=1, DRAFTING_MAX_UPLOAD_BYTES=str(UPLOAD_LIMIT))
    declared = 1 << 30  # a body no server reads in order to refuse it; the client waits for the answer first
    with socket.create_connection((HOST, server.port), timeout=10) as raw:
        raw.sendall(f"POST /api/documents HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {token}\r\n"
                    f"Content-Type: {AKN}\r\nContent-Length: {declared}\r\n\r\n".encode())
        answer = b""
        while chunk := raw.recv(65536):  # the server closes after the answer: recv ends
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, value in (line.split(":", 1) for line in header_lines)}

    assert status_line.split()[1] == "413", answer
    assert headers["connection"].lower() == "close", headers
    assert json.loads(body[:int(headers["content-length"])])["status"] == 413
    assert server.request("GET", "/api/health").status == 200


@pytest.fixture
def development_server(app):
    """Serve the app with the Werkzeug development server (`drafting serve --dev`) in a thread; yield its port."""
    server = make_server(HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_under_the_development_server_a_refused_body_is_answered_and_the_next_request_is_too(development_server, token):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * LARGER_THAN_GUNICORN_DRAINS
    # the development server hands out the socket itself: draining must stop where the body does, or this hangs
    wrong_type = request(development_server, "POST", "/api/documents", png,
                         auth(token, **{"Content-Type": "image/png"}), timeout=5)
    created = request(development_server, "POST", "/api/documents", json.dumps(TEMPLATE).encode(),
                      auth(token, **{"Content-Type": "application/json"}), timeout=5)

    assert_problem(wrong_type, 415, "image/png")
    assert created.status == 201, created.body


# --- 3. crashes during saves ------------------------------------------------------------------------------------

KILL_CYCLES = 6
SAVE_CLIENTS = 4
ACKS_BEFORE_KILL = 4
TRAFFIC_SECONDS = 6.0


@dataclass
class SaveLog:
    """What one client thread saw: acknowledged versions and the status of every answered save."""

    acknowledged: list[tuple[int, str]] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    failures: int = 0


def save_loop(port: int, token: str, doc_id: int, label: str, stop: threading.Event, acked: Counter) -> SaveLog:
    """Read the latest version and save an edit of it, again and again, until told to stop."""
    log = SaveLog()
    deadline = time.monotonic() + TRAFFIC_SECONDS + 10
    for attempt in range(1000):
        if stop.is_set() or time.monotonic() > deadline:
            break
        try:
            current = request(port, "GET", f"/api/documents/{doc_id}", headers=auth(token, Accept=AKN))
            if current.status != 200:
                log.statuses[f"GET {current.status}"] += 1
                continue
            body = edited(current.body, f"Saved by client {label}, attempt {attempt}.")
            reply = save(port, token, doc_id, body, current.headers["etag"], timeout=5)
        except (OSError, http.client.HTTPException):
            log.failures += 1
            time.sleep(0.01)
            continue
        log.statuses[reply.status] += 1
        if reply.status == 200:
            saved = reply.json()
            log.acknowledged.append((saved["version"], saved["content_hash"]))
            acked[label] += 1
    return log


@pytest.mark.slow
def test_killing_the_server_during_saves_loses_no_committed_version_and_leaves_no_partial_one(
    start_server, token, database_url
):
    server = start_server(workers=2)
    doc_id = create_from_template(server, token)
    logs: list[SaveLog] = []
    for cycle in range(KILL_CYCLES):
        if cycle:
            server = start_server(workers=2)
        stop, acked = threading.Event(), Counter()
        with ThreadPoolExecutor(SAVE_CLIENTS) as pool:
            futures = [pool.submit(save_loop, server.port, token, doc_id, f"{cycle}.{n}", stop, acked)
                       for n in range(SAVE_CLIENTS)]
            deadline = time.monotonic() + TRAFFIC_SECONDS
            while sum(acked.values()) < ACKS_BEFORE_KILL + cycle and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.013 * cycle)  # vary the moment of the kill relative to the saves in flight
            workers = server.worker_pids()
            server.kill()
            stop.set()
            logs.extend(future.result(timeout=30) for future in futures)
        assert workers, "the server had no workers to kill"

    acknowledged = [ack for log in logs for ack in log.acknowledged]
    statuses = sum((log.statuses for log in logs), Counter())
    assert acknowledged, f"no save was acknowledged; statuses {statuses}"
    assert set(statuses) <= {200, 412}, statuses

    # the service comes back on the same database and serves the latest version
    server = start_server(workers=2)
    latest = server.request("GET", f"/api/documents/{doc_id}", headers=auth(token)).json()
    server.stop()

    latest_version, history = stored_history(database_url, doc_id)
    numbers = [number for number, *_ in history]
    assert numbers == list(range(1, len(history) + 1))
    assert latest_version == len(history) == latest["version"]
    assert [parent for _, parent, *_ in history] == [None, *numbers[:-1]]
    stored = {number: content_hash for number, _, content_hash, _ in history}
    for number, content_hash in acknowledged:
        assert stored.get(number) == content_hash, f"acknowledged version {number} is missing or different"
    assert len({number for number, _ in acknowledged}) == len(acknowledged), "one version acknowledged twice"
    for number, _, content_hash, xml in history:
        assert hashlib.sha256(xml.encode("utf-8")).hexdigest() == content_hash, f"version {number} is torn"
        akn.parse_akn(xml.encode("utf-8"))


# --- 4. hostile uploads -----------------------------------------------------------------------------------------

ATTACK_RULES = {"01": "DOCTYPE", "02": "DOCTYPE", "03": "DOCTYPE", "04": "DOCTYPE", "06": "XInclude",
                "07": "deeper", "08": "DOCTYPE"}
ACCEPTED_ATTACKS = {"09"}


def discard_port_listener() -> socket.socket | None:
    """Listen on 127.0.0.1:9, where the payloads point, to count connections; None if the port cannot be bound."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, 9))
        listener.listen(16)
        listener.setblocking(False)
    except OSError:
        listener.close()
        return None
    return listener


def accepted_connections(listener: socket.socket) -> int:
    count = 0
    for _ in range(1000):
        try:
            connection, _ = listener.accept()
        except BlockingIOError:
            break
        connection.close()
        count += 1
    return count


def test_every_attack_payload_gets_its_status_quickly_over_http(start_server, token):
    if not ATTACKS.is_dir():
        pytest.skip(f"{ATTACKS} is not present")
    payloads = sorted(ATTACKS.glob("*.xml"))
    assert payloads
    server = start_server(workers=1)
    # warm the worker (first validation loads the AKN schema), so that the timings measure the payloads
    warm = server.request("POST", "/api/validate", SAMPLE.read_bytes(), auth(token, **{"Content-Type": AKN}))
    assert warm.status == 200, warm.body

    listener = discard_port_listener()
    try:
        replies = {
            path.name: server.request("POST", "/api/documents", path.read_bytes(),
                                      auth(token, **{"Content-Type": AKN}))
            for path in payloads
        }
        connections = accepted_connections(listener) if listener is not None else None
    finally:
        if listener is not None:
            listener.close()

    for name, reply in replies.items():
        prefix = name[:2]
        assert PASSWD_LINE not in reply.raw(), name
        assert reply.seconds < 1.0, f"{name} took {reply.seconds:.2f} s"
        if prefix in ACCEPTED_ATTACKS:
            assert reply.status == 201, (name, reply.body)
        else:
            assert_problem(reply, 400, ATTACK_RULES.get(prefix, ""))
    if connections is not None:
        assert connections == 0, "a payload made the server connect to 127.0.0.1:9"
    listing = server.request("GET", "/api/documents", headers=auth(token))
    assert PASSWD_LINE not in listing.raw()
    accepted = [name for name in replies if name[:2] in ACCEPTED_ATTACKS]
    assert [item["id"] for item in listing.json()["items"]] == [replies[name].json()["id"] for name in accepted]
    assert server.request("GET", "/api/health").json() == {"status": "ok", "database": "ok"}
