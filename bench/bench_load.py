#!/usr/bin/env python3
"""Load test of the README's server: a mixed workload from many clients, and focused phases for the targets.

    python bench/bench_load.py                          # 50 clients, 60 s mixed, 15 s per focused phase
    python bench/bench_load.py --clients 20 --seconds 20 --phase-seconds 8
    python bench/bench_load.py --only cached,uncached   # some phases (health always runs: it is the baseline)
    python bench/bench_load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test --redis-url \
        redis://127.0.0.1:6379/0

Starts `drafting serve --demo` (gunicorn with threaded workers, 2 x cores workers of 4 threads, the sample
documents; a fresh SQLite database unless --database-url) on 127.0.0.1, and drives it from `--processes` client
processes, each running threads with keep-alive connections and a small HTTP/1.1 client written on raw sockets: a
request costs the client about 50 us of CPU (printed after each phase, with the load average), so that the client is
not the bottleneck on a 2-core machine it shares with the server. Every loop stops at its deadline and after a
bounded number of requests.

Phases, in order:
- health (baseline): GET /api/health, closed loop; every other rate is also printed as a ratio to it;
- cached: the redline of two sample documents (GET /api/documents/{id}/redline?against=..., JSON), closed loop,
  once for the whole body and once with If-None-Match (304); target >= 1,000 req/s;
- uncached: POST /api/redlines of two generated 20-section bills, the new one different in every request; closed
  loop at full speed, then open loop at the target rate (150 req/s) measuring latency from each request's
  scheduled start (so that a slow server cannot hide queueing); target >= 150 req/s with p99 < 100 ms;
- heavy: light requests (reads, cached redlines, health) in open loop alone, then the same while clients keep
  asking for the redline of two 2,000-section bills (`../shared/bench/gen_bills.py` if present, else built here):
  one heavy job runs at a time, the others are told 503 busy; the light requests' latency shows whether the
  heavy job held more than its own worker (`--without-budget` runs it again on a server with 64 heavy slots);
- mixed: `--clients` clients for `--seconds`: list documents, read documents (JSON and AKN), cached redlines with
  and without If-None-Match, uncached redlines, safeguard reports, saves (PUT with If-Match on three documents;
  412 when another client saved first is an expected answer, not an error).

For each endpoint: requests, requests per second, p50/p95/p99/max latency in ms, errors (a status the request
does not expect, or a connection failure) and the other statuses seen.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import itertools
import json
import math
import multiprocessing
import os
import random
import re
import socket
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from demo_server import running_demo

HOST = "127.0.0.1"
SHARED_BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"
AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
AKN = "application/akn+xml"

TARGET_CACHED_RPS = 1000
TARGET_UNCACHED_RPS = 150
TARGET_UNCACHED_P99_MS = 100
SMALL_SECTIONS = 20
HEAVY_SECTIONS = 2000
MAX_REQUESTS_PER_CLIENT = 2_000_000  # a bound on every loop besides its deadline
SOCKET_TIMEOUT = 60.0
SAVE_DOCUMENTS = 3
HEAVY_NAME = "POST /api/redlines (2,000 sections)"
HEAVY_CLIENTS = 3
LIGHT_CLIENTS = 8
LIGHT_RATE = 100
SLOW_SECONDS = 0.05


# --- a small HTTP/1.1 client ------------------------------------------------------------------------------------


class HttpError(Exception):
    """The server closed the connection or answered something that is not HTTP/1.1."""


@dataclass
class Reply:
    status: int
    head: bytes
    body: bytes

    def header(self, name: str) -> str | None:
        found = re.search(rb"\r\n" + name.encode() + rb":[ \t]*([^\r\n]*)", self.head, re.IGNORECASE)
        return found.group(1).decode("latin-1").strip() if found else None


def raw_request(method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    """Return the bytes of one HTTP/1.1 request on a keep-alive connection."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class Connection:
    """One keep-alive connection: send request bytes, read the whole response (Content-Length or chunked)."""

    def __init__(self, port: int):
        self.port, self.sock, self.buffer = port, None, b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""

    def send(self, data: bytes) -> Reply:
        """Send a request; on a kept-alive connection the server closed in between, reconnect and send it once more."""
        reused = self.sock is not None
        try:
            return self._exchange(data)
        except (HttpError, ConnectionError) as error:
            self.close()
            if not reused or (isinstance(error, HttpError) and str(error) != "closed before a response"):
                raise
            return self._exchange(data)

    def _exchange(self, data: bytes) -> Reply:
        if self.sock is None:
            self.sock = socket.create_connection((HOST, self.port), timeout=SOCKET_TIMEOUT)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # a server may answer (503, 413) before it has read the whole body, and close: then read that answer
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.sock.sendall(data)
        end = self._fill_until(b"\r\n\r\n", first=True)
        head, self.buffer = self.buffer[:end], self.buffer[end + 4:]
        if not head.startswith(b"HTTP/1."):
            raise HttpError("not an HTTP/1.x response")
        reply = Reply(int(head[9:12]), head, b"")
        length = reply.header("content-length")
        if reply.status in (204, 304) or data.startswith(b"HEAD "):
            pass
        elif length is not None:
            reply.body = self._take(int(length))
        elif (reply.header("transfer-encoding") or "").lower() == "chunked":
            reply.body = self._chunked()
        else:  # body until the server closes
            while chunk := self.sock.recv(65536):
                self.buffer += chunk
            reply.body, self.buffer = self.buffer, b""
            self.close()
            return reply
        if (reply.header("connection") or "").lower() == "close":
            self.close()
        return reply

    def _fill_until(self, marker: bytes, *, first: bool = False) -> int:
        while (found := self.buffer.find(marker)) < 0:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise HttpError("closed before a response" if first and not self.buffer else "closed mid-response")
            self.buffer += chunk
        return found

    def _take(self, size: int) -> bytes:
        while len(self.buffer) < size:
            chunk = self.sock.recv(max(65536, size - len(self.buffer)))
            if not chunk:
                raise HttpError("closed mid-response")
            self.buffer += chunk
        taken, self.buffer = self.buffer[:size], self.buffer[size:]
        return taken

    def _chunked(self) -> bytes:
        parts = []
        while True:
            end = self._fill_until(b"\r\n")
            size, self.buffer = int(self.buffer[:end].split(b";")[0], 16), self.buffer[end + 2:]
            if size == 0:
                end = self._fill_until(b"\r\n\r\n") if not self.buffer.startswith(b"\r\n") else -2
                self.buffer = self.buffer[end + 4:]
                return b"".join(parts)
            parts.append(self._take(size))
            self._take(2)


# --- documents --------------------------------------------------------------------------------------------------

SUBJECTS = ["A public agency", "Any public official", "A law enforcement agency", "The department", "The secretary"]
VERBS = ["shall not acquire", "shall not use", "shall report", "may request", "shall publish", "shall retain"]
OBJECTS = ["any biometric surveillance system", "information derived from a face surveillance system",
           "data collected in violation of this section", "an annual report on the use of surveillance technology",
           "the results of any audit conducted under this act"]
TAILS = ["except as provided in subsection (c)", "unless authorized by a warrant issued upon probable cause",
         "within 30 days of the effective date of this act", "for any purpose whatsoever"]
HEADINGS = ["Definitions", "Prohibition on use", "Exceptions", "Enforcement", "Reporting requirements", "Audit"]


def bill_sections(count: int, seed: int) -> list[tuple[str, list[list[str]]]]:
    """Return `count` sections (heading, subsections of sentences), the same for the same seed."""
    rng = random.Random(seed)

    def sentence() -> str:
        return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}."

    return [(rng.choice(HEADINGS), [[sentence() for _ in range(rng.randint(1, 3))] for _ in range(rng.randint(1, 4))])
            for _ in range(count)]


def revise(sections, seed: int):
    """Reword about one section in ten, drop one in fifty and insert a new one in fifty (renumbering the rest)."""
    rng, revised = random.Random(seed), []
    for heading, subsections in sections:
        roll = rng.random()
        if roll < 0.02:
            continue
        if roll < 0.12:
            subsections = [[s.replace("shall", "must", 1) for s in sub] for sub in subsections]
        revised.append((heading, subsections))
        if rng.random() < 0.02:
            revised.append(("Notice", [["The department shall notify the public of every request it receives."]]))
    return revised


def bill_xml(sections, number: str) -> str:
    """Return a bill in the layout of `gen_bills.py` (sections with lettered subsections)."""
    work = f"/akn/us-ma/act/bill/2026/{number}"
    out = [f'<?xml version="1.0" encoding="UTF-8"?>\n<akomaNtoso xmlns="{AKN_NS}">',
           '<act name="bill"><meta><identification source="#drafter">',
           f'<FRBRWork><FRBRthis value="{work}/!main"/><FRBRuri value="{work}"/>'
           '<FRBRdate date="2026-01-01" name="Generation"/><FRBRauthor href="#drafter"/>'
           '<FRBRcountry value="us-ma"/><FRBRnumber value="1"/></FRBRWork>',
           f'<FRBRExpression><FRBRthis value="{work}/eng@2026-01-01/!main"/><FRBRuri value="{work}/eng@2026-01-01"/>'
           '<FRBRdate date="2026-01-01" name="Generation"/><FRBRauthor href="#drafter"/>'
           '<FRBRlanguage language="eng"/></FRBRExpression>',
           f'<FRBRManifestation><FRBRthis value="{work}/eng@2026-01-01/!main.xml"/>'
           f'<FRBRuri value="{work}/eng@2026-01-01.akn"/><FRBRdate date="2026-01-01" name="Generation"/>'
           '<FRBRauthor href="#drafter"/></FRBRManifestation></identification>'
           '<references source="#drafter"><TLCOrganization eId="drafter" href="/ontology/organization/drafter" '
           'showAs="Drafter"/></references></meta>',
           '<preface><p><docTitle>An Act relative to surveillance technology</docTitle></p></preface><body>']
    for n, (heading, subsections) in enumerate(sections, 1):
        out.append(f'<section eId="sec_{n}"><num>{n}.</num><heading>{escape(heading)}</heading>')
        for k, sentences in enumerate(subsections):
            letter = "abcdefghijklmnopqrstuvwxyz"[k]
            out.append(f'<subsection eId="sec_{n}__subsec_{letter}"><num>({letter})</num><content>')
            out.extend(f"<p>{escape(s)}</p>" for s in sentences)
            out.append("</content></subsection>")
        out.append("</section>")
    out.append("</body></act></akomaNtoso>\n")
    return "\n".join(out)


def heavy_pair() -> tuple[str, str, str]:
    """Return the 2,000-section pair (base, revised) and where it came from."""
    script = SHARED_BENCH / "gen_bills.py"
    if script.exists():
        spec = importlib.util.spec_from_file_location("gen_bills", script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        base, revised, _ = module.generate(HEAVY_SECTIONS, 7)
        title = "An Act establishing a moratorium on remote biometric surveillance"
        return module.to_xml(base, title, "h1"), module.to_xml(revised, title, "h1"), "gen_bills.py --seed 7"
    base = bill_sections(HEAVY_SECTIONS, 7)
    return bill_xml(base, "h1"), bill_xml(revise(base, 8), "h1"), "built by bench_load.py (no ../shared/bench)"


def split_on(template: str, marker: str) -> tuple[bytes, bytes]:
    before, _, after = template.partition(marker)
    return before.encode(), after.encode()


# --- operations -------------------------------------------------------------------------------------------------


@dataclass
class Op:
    """One kind of request: its name in the report, how to build the n-th one, the statuses it expects."""

    name: str
    build: Callable[[int], bytes]
    expect: frozenset[int] = frozenset({200})
    after: Callable[[Reply], None] | None = None
    by_status: bool = False  # report each status as an endpoint of its own (to tell served from refused)


def static(name: str, data: bytes, expect=(200,)) -> Op:
    return Op(name, lambda n: data, frozenset(expect))


@dataclass
class Group:
    """Clients that run one mix of operations, in closed loop (as fast as answers come) or at a fixed rate."""

    clients: int
    mix: list[tuple[int, Op]]
    rate: float | None = None  # requests per second of the whole group; None: closed loop


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    client_cpu: float = 0.0  # seconds of CPU the client processes used
    server_cpu: float = 0.0  # seconds of CPU the gunicorn master and workers used

    def merge(self, other: Results) -> None:
        self.client_cpu += other.client_cpu
        for name, values in other.latencies.items():
            self.latencies[name].extend(values)
        for name, counts in other.statuses.items():
            self.statuses[name].update(counts)
        for name, counts in other.errors.items():
            self.errors[name].update(counts)

    def plain(self) -> tuple:
        return dict(self.latencies), dict(self.statuses), dict(self.errors), self.client_cpu


def client_loop(port: int, group: Group, index: int, total: int, start: float, stop: float, results: Results,
                lock: threading.Lock) -> None:
    """Run one client until `stop`: pick operations by weight, send them, record latency and status."""
    rng = random.Random(index)
    weights = list(itertools.accumulate(weight for weight, _ in group.mix))
    ops = [op for _, op in group.mix]
    connection = Connection(port)
    local = Results()
    interval = total / group.rate if group.rate else 0.0
    scheduled = start + (index * interval / total if group.rate else 0.0)
    try:
        for n in range(MAX_REQUESTS_PER_CLIENT):
            if group.rate:
                # open loop: the n-th request of this client is due at a fixed time; latency counts from then
                pause = scheduled - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                began = scheduled
                scheduled += interval
            else:
                began = time.monotonic()
            if began >= stop:
                break
            op = ops[rng.choices(range(len(ops)), cum_weights=weights)[0]] if len(ops) > 1 else ops[0]
            data = op.build(index * MAX_REQUESTS_PER_CLIENT + n)
            try:
                reply = connection.send(data)
            except (OSError, HttpError) as error:
                local.errors[op.name][type(error).__name__] += 1
                connection.close()
                time.sleep(0.01)
                continue
            name = f"{op.name} → {reply.status}" if op.by_status else op.name
            local.latencies[name].append(time.monotonic() - began)
            local.statuses[name][reply.status] += 1
            if reply.status not in op.expect:
                local.errors[name][f"status {reply.status}"] += 1
            if op.after is not None:
                op.after(reply)
    finally:
        connection.close()
        with lock:
            results.merge(local)


def process_main(port: int, assignments, start: float, stop: float, queue) -> None:
    results, lock = Results(), threading.Lock()
    cpu = time.process_time()
    threads = [threading.Thread(target=client_loop, args=(port, group, index, total, start, stop, results, lock))
               for group, index, total in assignments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, stop - time.monotonic()) + SOCKET_TIMEOUT + 5)
    results.client_cpu = time.process_time() - cpu
    queue.put(results.plain())


def process_tree_cpu(pid: int) -> float:
    """Seconds of CPU (user and system) used so far by a process and its children (gunicorn's master and workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            pids.extend(int(child) for child in task.read_text().split())
        except OSError:
            continue
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def run_phase(port: int, groups: list[Group], seconds: float, processes: int, server_pid: int | None = None
              ) -> tuple[Results, float]:
    """Run every group's clients for `seconds`, dealt over `processes` client processes; return what they saw."""
    server_before = process_tree_cpu(server_pid) if server_pid else 0.0
    assignments = [(group, index, group.clients) for group in groups for index in range(group.clients)]
    shares = [assignments[p::processes] for p in range(processes)]
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start = time.monotonic() + 0.3  # every process starts at the same moment
    stop = start + seconds
    workers = [context.Process(target=process_main, args=(port, share, start, stop, queue), daemon=True)
               for share in shares if share]
    for worker in workers:
        worker.start()
    results = Results()
    for _ in workers:
        latencies, statuses, errors, cpu = queue.get(timeout=seconds + SOCKET_TIMEOUT + 30)
        results.merge(Results(defaultdict(list, latencies), defaultdict(Counter, statuses),
                              defaultdict(Counter, errors), cpu))
    for worker in workers:
        worker.join(timeout=10)
    if server_pid:
        results.server_cpu = process_tree_cpu(server_pid) - server_before
    return results, seconds


# --- reporting --------------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))] if ordered else float("nan")


@dataclass
class Line:
    name: str
    count: int
    rps: float
    p50: float
    p95: float
    p99: float
    worst: float
    errors: int
    others: str


def summarise(results: Results, seconds: float) -> dict[str, Line]:
    lines = {}
    for name in sorted(set(results.latencies) | set(results.errors)):
        values = results.latencies.get(name, [])
        statuses = results.statuses.get(name, Counter())
        errors = sum(results.errors.get(name, Counter()).values())
        failures = Counter({k: v for k, v in results.errors.get(name, Counter()).items() if not k.startswith("status")})
        others = ", ".join([f"{status}: {count}" for status, count in sorted(statuses.items()) if status != 200]
                           + [f"{kind}: {count}" for kind, count in failures.items()])
        lines[name] = Line(name, len(values), len(values) / seconds, percentile(values, 0.5) * 1000,
                           percentile(values, 0.95) * 1000, percentile(values, 0.99) * 1000,
                           max(values, default=float("nan")) * 1000, errors, others)
    return lines


def print_table(title: str, lines: dict[str, Line], baseline_rps: float | None, results: Results | None = None,
                seconds: float = 0.0) -> None:
    print(f"\n{title}\n")
    print("| endpoint | requests | req/s | × health | p50 ms | p95 ms | p99 ms | max ms | errors | other statuses |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    total = Line("all", 0, 0.0, 0, 0, 0, 0, 0, "")
    for line in lines.values():
        ratio = f"{line.rps / baseline_rps:.2f}" if baseline_rps else "1.00"
        print(f"| {line.name} | {line.count:,} | {line.rps:,.1f} | {ratio} | {line.p50:.1f} | {line.p95:.1f} | "
              f"{line.p99:.1f} | {line.worst:.1f} | {line.errors} | {line.others} |")
        total.count, total.rps = total.count + line.count, total.rps + line.rps
        total.errors += line.errors
    if len(lines) > 1:
        ratio = f"{total.rps / baseline_rps:.2f}" if baseline_rps else ""
        print(f"| **all** | {total.count:,} | {total.rps:,.1f} | {ratio} | | | | | {total.errors} | |")
    if results is not None and total.count:
        client, server = results.client_cpu / total.count, results.server_cpu / total.count
        print(f"\nCPU per request: server {server * 1000:.2f} ms ({results.server_cpu / seconds:.2f} cores), client "
              f"{client * 1000:.3f} ms ({results.client_cpu / seconds:.2f} cores); on an idle machine of "
              f"{os.cpu_count()} cores that is at most {os.cpu_count() / (server + client):,.0f} req/s; load average "
              f"{os.getloadavg()[0]:.2f}")
    sys.stdout.flush()


def verdict(met: bool) -> str:
    return "MET" if met else "MISSED"


# --- setup ------------------------------------------------------------------------------------------------------


@dataclass
class Setup:
    port: int
    auth: dict[str, str]
    samples: list[int]
    bill: int
    ordinances: list[int]
    saves: list[int]


def prepare(port: int, token: str) -> Setup:
    """List the sample documents and create the documents that the saves edit."""
    auth = {"Authorization": f"Bearer {token}"}
    connection = Connection(port)
    listing = connection.send(raw_request("GET", "/api/documents?per_page=100", auth))
    items = json.loads(listing.body)["items"]
    samples = [item["id"] for item in items]
    bill = next(item["id"] for item in items if item["doc_type"] == "bill")
    ordinances = [item["id"] for item in items if item["id"] != bill]
    saves = []
    for n in range(SAVE_DOCUMENTS):
        spec = {"template": "bill", "title": f"Load test bill {n}", "jurisdiction": "us-ma",
                "number": f"load-{os.getpid()}-{n}", "date": "2026-11-26"}
        created = connection.send(raw_request("POST", "/api/documents", {**auth, "Content-Type": "application/json"},
                                              json.dumps(spec).encode()))
        if created.status != 201:
            raise SystemExit(f"could not create a document to save: {created.status} {created.body[:300]!r}")
        saves.append(json.loads(created.body)["id"])
    connection.close()
    return Setup(port, auth, samples, bill, ordinances, saves)


class SaveState:
    """What one client process knows of each saved document: its AKN and the ETag of its latest version."""

    def __init__(self, port: int, auth: dict[str, str], document_id: int):
        connection = Connection(port)
        current = connection.send(raw_request("GET", f"/api/documents/{document_id}", {**auth, "Accept": AKN}))
        connection.close()
        self.xml, self.etag, self.document_id, self.auth = current.body, current.header("etag"), document_id, auth
        self.lock = threading.Lock()

    def build(self, n: int) -> bytes:
        with self.lock:
            etag = self.etag
        body = re.sub(rb"(<content>\s*<p>)[^<]*(</p>)", rb"\g<1>Edit %d of the load test.\g<2>" % n, self.xml,
                      count=1)
        return raw_request("PUT", f"/api/documents/{self.document_id}",
                           {**self.auth, "Content-Type": AKN, "If-Match": etag}, body)

    def after(self, reply: Reply) -> None:
        if reply.status == 200:
            etag = reply.header("etag")
        elif reply.status == 412:
            etag = json.loads(reply.body).get("current_etag")
        else:
            return
        if etag:
            with self.lock:
                self.etag = etag


def small_redline_op(auth: dict[str, str], name: str = "POST /api/redlines (20 sections, uncached)") -> Op:
    """Two 20-section bills as inline AKN; one sentence of the new one carries the request's number."""
    old_sections = bill_sections(SMALL_SECTIONS, 11)
    new_sections = revise(old_sections, 12)
    heading, subsections = new_sections[0]
    new_sections[0] = (heading, [[*subsections[0], "This sentence was written for request REQUESTNUMBER."],
                                 *subsections[1:]])
    old, new = bill_xml(old_sections, "small"), bill_xml(new_sections, "small")
    body = json.dumps({"old": {"akn": old}, "new": {"akn": new}})
    before, after = split_on(body, "REQUESTNUMBER")
    headers = {**auth, "Content-Type": "application/json"}

    def build(n: int) -> bytes:
        return raw_request("POST", "/api/redlines?format=json", headers, before + str(n).encode() + after)

    return Op(name, build)


def cached_redline_ops(setup: Setup) -> tuple[Op, Op]:
    """The redline of the bill against the first ordinance: the whole body, and If-None-Match (304)."""
    path = f"/api/documents/{setup.bill}/redline?against={setup.ordinances[0]}&format=json"
    connection = Connection(setup.port)
    first = connection.send(raw_request("GET", path, setup.auth))
    connection.close()
    if first.status != 200 or not first.header("etag"):
        raise SystemExit(f"the cached redline did not answer 200 with an ETag: {first.status} {first.body[:300]!r}")
    whole = static("GET redline (cached, 200)", raw_request("GET", path, setup.auth))
    revalidated = static("GET redline (cached, If-None-Match → 304)",
                         raw_request("GET", path, {**setup.auth, "If-None-Match": first.header("etag")}), (304,))
    return whole, revalidated


def read_ops(setup: Setup) -> list[tuple[int, Op]]:
    """Reads of every sample document, JSON and AKN, chosen per request."""

    def reader(accept: str | None) -> Callable[[int], bytes]:
        requests = [raw_request("GET", f"/api/documents/{i}", {**setup.auth, **({"Accept": accept} if accept else {})})
                    for i in setup.samples]
        return lambda n: requests[n % len(requests)]

    return [(1, Op("GET /api/documents/{id} (JSON)", reader(None))),
            (1, Op("GET /api/documents/{id} (AKN)", reader(AKN)))]


def gaps_op(setup: Setup) -> Op:
    requests = [raw_request("GET", f"/api/documents/{i}/gaps", setup.auth) for i in setup.samples + setup.saves]
    return Op("GET /api/documents/{id}/gaps", lambda n: requests[n % len(requests)])


def save_ops(setup: Setup) -> list[Op]:
    ops = []
    for document_id in setup.saves:
        state = SaveState(setup.port, setup.auth, document_id)
        ops.append(Op("PUT /api/documents/{id} (If-Match)", state.build, frozenset({200, 412}), state.after))
    return ops


# --- phases -----------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients of the mixed workload")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the mixed workload")
    parser.add_argument("--phase-seconds", type=float, default=15.0, help="length of each focused phase")
    parser.add_argument("--focus-clients", type=int, default=16, help="clients of the closed-loop focused phases")
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: drafting serve's)")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--redis-url", default=None, help="REDIS_URL for the server (default: none)")
    parser.add_argument("--only", default="cached,uncached,heavy,mixed", help="phases besides the health baseline")
    parser.add_argument("--without-budget", action="store_true",
                        help="also run the heavy phase on a server with 64 heavy slots (no budget in effect)")
    args = parser.parse_args()
    phases = set(args.only.split(","))
    env = {"REDIS_URL": args.redis_url} if args.redis_url else {}
    workers = args.workers or 2 * (os.cpu_count() or 1)
    print(f"bench_load: {os.cpu_count()} cores, Python {sys.version.split()[0]}, gunicorn {workers} workers x 4 "
          f"threads, client processes {args.processes}, database "
          f"{'SQLite (fresh)' if not args.database_url else args.database_url.split('@')[-1]}, cache "
          f"{'Redis' if args.redis_url else 'in process'}; load average {os.getloadavg()[0]:.2f} before the run")
    verdicts = []
    with running_demo(env, database_url=args.database_url, workers=workers) as server:
        setup = prepare(server.port, server.token)

        def run(groups: list[Group], seconds: float) -> tuple[Results, float]:
            return run_phase(server.port, groups, seconds, args.processes, server.pid)

        health = static("GET /api/health", raw_request("GET", "/api/health"))
        focus = args.focus_clients
        results, seconds = run([Group(focus, [(1, health)])], args.phase_seconds)
        base = summarise(results, seconds)
        baseline = base["GET /api/health"].rps
        print_table(f"Baseline: GET /api/health, {focus} clients, closed loop, {seconds:.0f} s", base, baseline,
                    results, seconds)

        if "cached" in phases:
            whole, revalidated = cached_redline_ops(setup)
            for op in (whole, revalidated):
                results, seconds = run([Group(focus, [(1, op)])], args.phase_seconds)
                lines = summarise(results, seconds)
                print_table(f"Cached redline of two sample documents, {focus} clients, closed loop", lines, baseline,
                            results, seconds)
                line = lines[op.name]
                met = line.rps >= TARGET_CACHED_RPS and line.errors == 0
                verdicts.append(f"{op.name} >= {TARGET_CACHED_RPS} req/s: {line.rps:,.0f} req/s "
                                f"({line.rps / baseline:.2f} × health) — {verdict(met)}")

        if "uncached" in phases:
            op = small_redline_op(setup.auth)
            results, seconds = run([Group(focus, [(1, op)])], args.phase_seconds)
            lines = summarise(results, seconds)
            print_table(f"Uncached redline of two 20-section bills, {focus} clients, closed loop (capacity)",
                        lines, baseline, results, seconds)
            capacity = lines[op.name].rps
            results, seconds = run([Group(focus, [(1, op)], rate=TARGET_UNCACHED_RPS)], args.phase_seconds)
            lines = summarise(results, seconds)
            print_table(f"Uncached redline at the target rate, {TARGET_UNCACHED_RPS} req/s offered by {focus} "
                        "clients (open loop; latency from each request's scheduled start)", lines, baseline,
                        results, seconds)
            line = lines[op.name]
            met = capacity >= TARGET_UNCACHED_RPS and line.p99 < TARGET_UNCACHED_P99_MS and line.errors == 0
            verdicts.append(f"uncached 20-section redline >= {TARGET_UNCACHED_RPS} req/s with p99 < "
                            f"{TARGET_UNCACHED_P99_MS} ms: capacity {capacity:,.0f} req/s, p99 {line.p99:.1f} ms at "
                            f"{line.rps:,.0f} req/s — {verdict(met)}")

        if "heavy" in phases:
            verdicts.append(heavy_phase(setup, run, args.phase_seconds, baseline, workers))

        if "mixed" in phases:
            whole, revalidated = cached_redline_ops(setup)
            mix = [(10, static("GET /api/documents", raw_request("GET", "/api/documents", setup.auth))),
                   *[(10 * weight, op) for weight, op in read_ops(setup)],
                   (10, whole), (10, revalidated),
                   (10, small_redline_op(setup.auth)),
                   (10, gaps_op(setup)),
                   *[(1, op) for op in save_ops(setup)]]
            results, seconds = run([Group(args.clients, mix)], args.seconds)
            print_table(f"Mixed workload: {args.clients} clients, closed loop, {seconds:.0f} s",
                        summarise(results, seconds), baseline, results, seconds)

    if "heavy" in phases and args.without_budget:
        print("\n--- the heavy phase again, on a server with 64 heavy slots (no budget in effect) ---")
        unbounded = {**env, "DRAFTING_HEAVY_SLOTS": "64"}
        with running_demo(unbounded, database_url=args.database_url, workers=workers) as server:
            setup = prepare(server.port, server.token)

            def run_unbounded(groups: list[Group], seconds: float) -> tuple[Results, float]:
                return run_phase(server.port, groups, seconds, args.processes, server.pid)

            verdicts.append("without the budget: " + heavy_phase(setup, run_unbounded, args.phase_seconds, baseline,
                                                                 workers))

    print("\nTargets:")
    for line in verdicts:
        print(f"- {line}")


def heavy_phase(setup: Setup, run, seconds: float, baseline: float, workers: int) -> str:
    """Light requests at a fixed rate alone, then while clients keep asking for 2,000-section redlines.

    The heavy job holds no more than its own worker when the light requests slowed by it (slower than twice their
    p99 alone, and than 50 ms) are no more than the share of the connections that worker serves (1 / workers).
    """
    old, new, source = heavy_pair()
    body = json.dumps({"old": {"akn": old}, "new": {"akn": new}}).encode()
    headers = {**setup.auth, "Content-Type": "application/json"}
    heavy = Op(HEAVY_NAME, lambda n: raw_request("POST", "/api/redlines?format=json", headers, body),
               frozenset({200, 503}), honour_retry_after, by_status=True)
    whole, _ = cached_redline_ops(setup)
    light_mix = [*read_ops(setup), (1, whole), (1, static("GET /api/health", raw_request("GET", "/api/health")))]
    light = Group(LIGHT_CLIENTS, light_mix, rate=LIGHT_RATE)
    results, took = run([light], seconds)
    alone = summarise(results, took)
    alone_values = [v for values in results.latencies.values() for v in values]
    print_table(f"Light requests alone, {LIGHT_RATE} req/s offered by {LIGHT_CLIENTS} clients (open loop), "
                f"{took:.0f} s", alone, baseline, results, took)
    results, took = run([light, Group(HEAVY_CLIENTS, [(1, heavy)])], seconds)
    together = summarise(results, took)
    print(f"\nThe 2,000-section pair: {source}, {len(old) + len(new):,} bytes of AKN, {len(body):,} bytes of JSON")
    print_table(f"The same light requests while {HEAVY_CLIENTS} clients keep asking for 2,000-section redlines "
                "(each waits as Retry-After says when told 503)", together, baseline, results, took)
    light_values = [v for name, values in results.latencies.items() if not name.startswith(HEAVY_NAME)
                    for v in values]
    statuses = Counter({status: len(results.latencies.get(f"{HEAVY_NAME} → {status}", [])) for status in (200, 503)})
    errors = sum(line.errors for name, line in together.items() if name.startswith(HEAVY_NAME))
    heavy_ms = percentile(results.latencies.get(f"{HEAVY_NAME} → 200", []), 0.5) * 1000
    threshold = max(2 * percentile(alone_values, 0.99), SLOW_SECONDS)
    slowed = sum(1 for v in light_values if v > threshold) / max(1, len(light_values))

    def quantiles(values: list[float]) -> str:
        return " / ".join(f"{percentile(values, q) * 1000:.1f}" for q in (0.5, 0.95, 0.99))

    print(f"\nLight requests p50 / p95 / p99 ms: {quantiles(alone_values)} alone, {quantiles(light_values)} beside "
          f"the heavy redlines; slowed beyond {threshold * 1000:.0f} ms: {slowed:.1%} (one worker's share: "
          f"{1 / workers:.0%})")
    met = statuses[200] > 0 and errors == 0 and slowed <= 1 / workers
    return (f"2,000-section redline beside light requests: {statuses[200]} served (p50 {heavy_ms:.0f} ms), "
            f"{statuses[503]} answered 503 busy; light requests p50/p95/p99 {quantiles(light_values)} ms "
            f"(alone {quantiles(alone_values)}), {slowed:.1%} slowed beyond {threshold * 1000:.0f} ms, at most "
            f"{1 / workers:.0%} allowed — {verdict(met)}")


def honour_retry_after(reply: Reply) -> None:
    """Wait as a 503's Retry-After says (bounded), as a well-behaved client does."""
    if reply.status == 503:
        time.sleep(min(5.0, float(reply.header("retry-after") or 1)))


if __name__ == "__main__":
    main()
