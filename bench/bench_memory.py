#!/usr/bin/env python3
"""Memory of a server worker across large JSON requests: how much its resident set grows, and keeps.

    python bench/bench_memory.py                         # 10 requests of about 12 MB on each path
    python bench/bench_memory.py --requests 5 --megabytes 6
    python bench/bench_memory.py --env MALLOC_ARENA_MAX=2  # the same server with an environment variable set

For each path, starts the service as tests/server_support.py does (real gunicorn with the threaded workers of
`drafting serve`, here one worker of 4 threads so that every request lands in the process measured, on a fresh SQLite
database), stores a draft and a source document, and sends `--requests` large requests whose JSON carries inline
documents of about `--megabytes` MB in all:

- POST /api/redlines: two inline AKN documents (old and new, half the size each; the new one reworded);
- POST /api/adopt: an inline draft, adopting a provision of the stored source document;
- POST /api/documents/{id}/merge: an inline edit of the stored draft (same work), against its version 1.

The documents are bills of sections with a long paragraph each (few provisions, many words: a redline of them is
light work that runs at once, never 503 busy). The worker's resident set (VmRSS in /proc/<pid>/status; the worker
is the gunicorn master's child) is read after warming up with one small request on each path (schemas, rubric and
caches loaded: the baseline), then after the large requests, once the idle worker's resident set has stopped changing;
the peak is the highest figure read right after an answer. The figure is the growth over the baseline, and its ratio
to the baseline; the target (the review) is under 50 MB per path.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from drafting import services  # noqa: E402
from drafting.store import Database  # noqa: E402
from tests.akn_builders import bill_document  # noqa: E402
from tests.server_support import Server  # noqa: E402

TARGET_MB = 50
SETTLE_SECONDS = 0.2
SENTENCE = ("a public agency shall not acquire possess access or use any biometric surveillance system or information "
            "derived from such a system except as provided in this section and the department shall publish an "
            "annual report on the use of surveillance technology within 30 days of the end of each fiscal year")
WORDS = SENTENCE.split(" ")
WORK = "/akn/us-ma/act/bill/2026/memory"
PATHS = ("POST /api/redlines", "POST /api/adopt", "POST /api/documents/{id}/merge")


def bill(megabytes: float, *, variant: str = "", sections: int = 400) -> str:
    """Return an AKN bill of `sections` sections whose long paragraphs make it about `megabytes` MB."""
    words_per_section = max(int(megabytes * 1_000_000 / sections / 7), 10)
    body = []
    for n in range(1, sections + 1):
        text = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(words_per_section))
        if variant and n % 10 == 0:
            text = f"{text} {variant}"
        body.append(f'<section eId="sec_{n}"><num>{n}.</num><heading>Section {n}</heading><content>'
                    f"<p>{escape(text)}.</p></content></section>")
    return bill_document(WORK, body)


def settled_rss_mb(pid: int, *, seconds: float = SETTLE_SECONDS) -> float:
    """Return the resident set of an idle process once it has stopped changing (a worker finishes its request, and
    frees what it held, after the client has read the last byte of the answer)."""
    last = rss_mb(pid)
    deadline = time.monotonic() + 10 * seconds
    while time.monotonic() < deadline:
        time.sleep(seconds)
        now = rss_mb(pid)
        if abs(now - last) < 0.5:
            return now
        last = now
    return last


def rss_mb(pid: int) -> float:
    """Return the resident set of a process in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


@dataclass(frozen=True)
class Growth:
    """What a path's requests did to the worker's resident set, in MB."""

    path: str
    before: float
    after: float
    peak: float
    seconds: float

    @property
    def growth(self) -> float:
        return self.after - self.before


class Workload:
    """The documents and the requests of each path, against one running server."""

    def __init__(self, server: Server, token: str, megabytes: float):
        self.server, self.megabytes = server, megabytes
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        draft = self._create(bill(0.05, sections=40))
        self.draft_id = draft["id"]
        source = bill(0.05, sections=40).replace(WORK, f"{WORK}-source")
        self.source_id = self._create(source)["id"]

    def _create(self, xml: str) -> dict:
        reply = self.server.request("POST", "/api/documents", xml.encode(),
                                    {**self.headers, "Content-Type": "application/akn+xml"}, timeout=120)
        if reply.status != 201:
            raise RuntimeError(f"could not store a document: {reply.status} {reply.body[:300]!r}")
        return reply.json()

    def bodies(self, megabytes: float) -> dict[str, tuple[str, bytes]]:
        """Return each path's URL and JSON body, with inline documents of about `megabytes` MB in all."""
        half = bill(megabytes / 2)
        edited = bill(megabytes, variant="as amended")
        return {
            PATHS[0]: ("/api/redlines?format=json",
                       json.dumps({"old": {"akn": half}, "new": {"akn": bill(megabytes / 2, variant="as amended")}})
                       .encode()),
            PATHS[1]: ("/api/adopt", json.dumps({"akn": edited, "from_id": self.source_id, "eId": "sec_3"}).encode()),
            PATHS[2]: (f"/api/documents/{self.draft_id}/merge",
                       json.dumps({"akn": edited, "base_version": 1}).encode()),
        }

    def send(self, path: str, url: str, body: bytes) -> None:
        reply = self.server.request("POST", url, body, self.headers, timeout=300)
        if reply.status != 200:
            raise RuntimeError(f"{path}: {reply.status} {reply.body[:300]!r}")


def measure(server: Server, token: str, path: str, *, requests: int, megabytes: float) -> Growth:
    """Warm the worker up with a small request on every path, then send `requests` large requests on `path`; return
    what they did to the worker's resident set."""
    (worker,) = server.worker_pids()
    workload = Workload(server, token, megabytes)
    for warming, (url, body) in workload.bodies(0.05).items():  # schemas, rubric, caches and code paths loaded
        workload.send(warming, url, body)
    url, body = workload.bodies(megabytes)[path]
    before, peak, began = settled_rss_mb(worker), 0.0, time.perf_counter()
    for _ in range(requests):
        workload.send(path, url, body)
        peak = max(peak, rss_mb(worker))
    seconds = time.perf_counter() - began
    return Growth(path, before, settled_rss_mb(worker), peak, seconds)


def run(path: str, *, requests: int, megabytes: float, env: dict[str, str], folder: Path) -> Growth:
    """Start a one-worker server on a fresh SQLite database in `folder` and measure one path on it."""
    folder.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{folder / 'memory.sqlite3'}"
    database = Database(database_url)
    database.migrate()
    token = services.create_token(database, "memory", "drafter")[1]
    database.dispose()
    server = Server(database_url, folder / "instance", workers=1, env=env).start()
    try:
        return measure(server, token, path, requests=requests, megabytes=megabytes)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--megabytes", type=float, default=12.0, help="inline documents per request, in MB")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable for the server (repeatable)")
    arguments = parser.parse_args()
    env = dict(item.split("=", 1) for item in arguments.env)
    print(f"{arguments.requests} requests of about {arguments.megabytes:g} MB per path, each path on a new server"
          f"{'; ' + ' '.join(arguments.env) if arguments.env else ''}")
    print()
    print("| path | RSS warmed up (MB) | peak (MB) | after (MB) | growth (MB) | growth / warmed up | seconds | "
          "target met |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for number, path in enumerate(PATHS):
            result = run(path, requests=arguments.requests, megabytes=arguments.megabytes, env=env,
                         folder=Path(folder) / str(number))
            print(f"| {result.path} | {result.before:.0f} | {result.peak:.0f} | {result.after:.0f} | "
                  f"{result.growth:+.0f} | {result.growth / result.before:.2f} | {result.seconds:.1f} | "
                  f"{'yes' if result.growth < TARGET_MB else 'NO'} |", flush=True)


if __name__ == "__main__":
    main()
