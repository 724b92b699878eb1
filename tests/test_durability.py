"""Durability: SIGKILL the gunicorn workers in the middle of saves; no acknowledged version is lost or torn.

Runs on the database the suite uses: SQLite by default, PostgreSQL when DATABASE_URL names one. The moments of
the kills are random; the seed is printed with the figures, and DURABILITY_SEED replays it.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import random
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree
from lxml.builder import ElementMaker
from sqlalchemy import make_url

from drafting import akn, services
from drafting.akn import AKN_NS
from drafting.store import Database
from tests.server_support import Reply, Server, stored_history

AKN = "application/akn+xml"
TEMPLATE = {"template": "bill", "title": "Biometric Surveillance Moratorium", "jurisdiction": "us-ma",
            "number": "biometric-moratorium", "date": "2026-11-26"}
WORKERS = 2
CLIENTS = 4
SECTIONS = 200
KILLS = 6
MIN_KILLS = 3  # on a loaded machine new workers boot slowly, and fewer kills fit in the traffic time
TRAFFIC_SECONDS = 25.0
RECOVERY_SECONDS = 15.0  # new workers import the service and load the AKN schemas before they answer
REQUEST_TIMEOUT = 20.0
E = ElementMaker(namespace=AKN_NS, nsmap={None: AKN_NS})


# --- fixtures and helpers ---------------------------------------------------------------------------------------


@pytest.fixture
def token(database: Database) -> str:
    """Return a drafter's bearer token."""
    return services.create_token(database, "durability-drafter", "drafter")[1]


@pytest.fixture
def server(database: Database, database_url: str, tmp_path: Path):
    """Yield a running gunicorn server on the test database; stop it afterwards."""
    running = Server(database_url, tmp_path / "instance", workers=WORKERS).start()
    yield running
    running.stop()


def auth(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


def large_bill(base: bytes, label: str) -> bytes:
    """Return the bill `base` with its body replaced by SECTIONS sections whose words name `label`."""
    root = etree.fromstring(base)
    body = root.find(f".//{{{AKN_NS}}}body")
    for child in list(body):
        body.remove(child)
    for n in range(1, SECTIONS + 1):
        words = (f"Edit {label}, section {n}: no agency shall acquire, retain, access or use any biometric "
                 "surveillance system, or any information derived from one, except as this section allows.")
        body.append(E.section(E.num(f"{n}."), E.heading(f"Provision {n}"), E.content(E.p(words)), eId=f"sec_{n}"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@dataclass
class ClientLog:
    """What one client saw: the versions the server acknowledged and what became of the other attempts."""

    acknowledged: list[tuple[int, str]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    retries: int = 0  # 412: another save came first; the client re-read the ETag and sent its edit again
    cut_saves: int = 0  # the connection died before an answer (a worker was killed): fate unknown to the client
    cut_reads: int = 0


class Traffic:
    """Clients that save distinct large edits as fast as they can, and what the killer needs to know of them."""

    def __init__(self, server: Server, token: str, doc_id: int, base: bytes):
        self.server, self.token, self.doc_id, self.base = server, token, doc_id, base
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.saves_in_flight = 0
        self.acknowledged = 0

    def latest_etag(self, log: ClientLog) -> str | None:
        try:
            reply = self.server.request("GET", f"/api/documents/{self.doc_id}", headers=auth(self.token, Accept=AKN),
                                        timeout=REQUEST_TIMEOUT)
        except (OSError, http.client.HTTPException):
            log.cut_reads += 1
            return None
        log.statuses[f"GET {reply.status}"] += 1
        return reply.headers.get("etag") if reply.status == 200 else None

    def put(self, body: bytes, etag: str) -> Reply:
        with self.lock:
            self.saves_in_flight += 1
        try:
            return self.server.request("PUT", f"/api/documents/{self.doc_id}", body,
                                       auth(self.token, **{"Content-Type": AKN, "If-Match": etag}),
                                       timeout=REQUEST_TIMEOUT)
        finally:
            with self.lock:
                self.saves_in_flight -= 1

    def client(self, label: str) -> ClientLog:
        """Save edit after edit; on 412 or a cut connection read the latest ETag and send the same edit again."""
        log, edit, etag = ClientLog(), 0, None
        body = large_bill(self.base, f"{label}.{edit}")
        while not self.stop.is_set():
            if etag is None:
                etag = self.latest_etag(log)
                if etag is None:
                    time.sleep(0.05)
                    continue
            try:
                reply = self.put(body, etag)
            except (OSError, http.client.HTTPException):
                log.cut_saves += 1
                etag = None
                continue
            log.statuses[f"PUT {reply.status}"] += 1
            if reply.status == 412:
                log.retries += 1
                etag = None
            elif reply.status == 200:
                saved = reply.json()
                assert reply.headers["etag"] == f'"v{saved["version"]}-{saved["content_hash"][:24]}"', reply.headers
                log.acknowledged.append((saved["version"], saved["content_hash"]))
                log.seconds.append(reply.seconds)
                with self.lock:
                    self.acknowledged += 1
                etag = reply.headers["etag"]
                edit += 1
                body = large_bill(self.base, f"{label}.{edit}")
            else:
                # anything else is a bug; stop this client and let the assertions report it
                break
        return log

    def wait(self, condition, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if condition():
                    return True
            time.sleep(0.002)
        return False


# --- the test ---------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_sigkilled_workers_lose_no_acknowledged_save_and_leave_no_partial_version(server, token, database_url):
    seed = int(os.environ.get("DURABILITY_SEED", time.time_ns() % 1_000_000))
    chance = random.Random(seed)
    created = server.request("POST", "/api/documents", json.dumps(TEMPLATE).encode(),
                             auth(token, **{"Content-Type": "application/json"}))
    assert created.status == 201, created.body
    doc_id = created.json()["id"]
    base = server.request("GET", f"/api/documents/{doc_id}", headers=auth(token, Accept=AKN)).body
    traffic = Traffic(server, token, doc_id, base)

    kills = 0
    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(traffic.client, f"client {n}") for n in range(CLIENTS)]
        try:
            while kills < KILLS and time.monotonic() - started < TRAFFIC_SECONDS:
                # let the service recover and acknowledge saves again, then strike while a save is in flight,
                # at a random point of it: parsing, validating, committing, or answering
                acknowledged = traffic.acknowledged
                if not traffic.wait(lambda a=acknowledged: traffic.acknowledged > a + 1, timeout=RECOVERY_SECONDS):
                    break
                if not traffic.wait(lambda: traffic.saves_in_flight > 0, timeout=5):
                    break
                time.sleep(chance.uniform(0, 0.15))
                # one of the workers serving a request now (another may still be booting after the last kill);
                # the survivor keeps serving, so the next kill need not wait for a whole new worker to boot
                busy = server.busy_worker_pids() or server.worker_pids()
                killed = server.kill_workers([chance.choice(busy)])
                kills += 1
                server.wait_for_workers(WORKERS, replacing=killed)
        finally:
            traffic.stop.set()
            logs = [future.result(timeout=3 * REQUEST_TIMEOUT) for future in futures]
    traffic_seconds = time.monotonic() - started

    acknowledged = [ack for log in logs for ack in log.acknowledged]
    statuses = sum((log.statuses for log in logs), Counter())
    assert set(statuses) <= {"PUT 200", "PUT 412", "GET 200"}, f"{statuses}; log:\n{server.log_tail()}"
    assert kills >= MIN_KILLS, f"{kills} kills in {traffic_seconds:.1f} s (seed {seed}); log:\n{server.log_tail()}"
    assert acknowledged, f"no save was acknowledged (seed {seed}); statuses {statuses}"
    assert len({number for number, _ in acknowledged}) == len(acknowledged), "one version acknowledged twice"

    # every acknowledged version is served, byte for byte what was acknowledged
    lost = []
    for number, content_hash in acknowledged:
        reply = server.request("GET", f"/api/documents/{doc_id}/versions/{number}", headers=auth(token, Accept=AKN))
        if reply.status != 200 or hashlib.sha256(reply.body).hexdigest() != content_hash:
            lost.append(number)
    # ...and the store holds versions 1..n, each whole: parseable and hashing to its content_hash
    latest_version, history = stored_history(database_url, doc_id)
    numbers = [number for number, *_ in history]
    torn = [number for number, _, content_hash, xml in history
            if hashlib.sha256(xml.encode("utf-8")).hexdigest() != content_hash]
    for _, _, _, xml in history:
        akn.parse_akn(xml.encode("utf-8"))
    stored = {number: content_hash for number, _, content_hash, _ in history}
    lost += [number for number, content_hash in acknowledged if stored.get(number) != content_hash]

    figures = {
        "database": make_url(database_url).get_backend_name(),
        "seed": seed,
        "traffic_seconds": round(traffic_seconds, 1),
        "kills": kills,
        "acknowledged_saves": len(acknowledged),
        "retries_412": sum(log.retries for log in logs),
        "saves_cut_by_a_kill": sum(log.cut_saves for log in logs),
        "reads_cut_by_a_kill": sum(log.cut_reads for log in logs),
        "committed_but_unacknowledged": len(history) - 1 - len(acknowledged),
        "median_save_seconds": round(statistics.median(s for log in logs for s in log.seconds), 3),
        "stored_versions": len(history),
        "lost": len(set(lost)),
        "torn": len(torn),
    }
    print(f"\ndurability figures: {json.dumps(figures)}")
    assert not lost, f"acknowledged versions lost or changed: {sorted(set(lost))}; {figures}"
    assert not torn, f"versions whose XML does not match their content hash: {torn}"
    assert numbers == list(range(1, len(history) + 1)), f"version numbers with gaps: {numbers}"
    assert [parent for _, parent, *_ in history] == [None, *numbers[:-1]]
    assert latest_version == max(numbers)
    assert figures["committed_but_unacknowledged"] >= 0
    assert figures["saves_cut_by_a_kill"] > 0, f"no kill landed during a save; {figures}"
