"""A real gunicorn server in a subprocess, and a small standard-library HTTP client for talking to it."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import undefer

from drafting.cli import gunicorn_command
from drafting.store import Database
from drafting.store.models import Document, Version

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
READY_SECONDS = 20.0
STOP_SECONDS = 5.0
START_ATTEMPTS = 3


@dataclass(frozen=True)
class Reply:
    """A whole HTTP response, read and closed."""

    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float = 0.0

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json(self):
        return json.loads(self.body)

    def raw(self) -> bytes:
        """Return every byte the client saw: header lines and body."""
        lines = "".join(f"{name}: {value}\r\n" for name, value in self.headers.items())
        return lines.encode("latin-1") + b"\r\n" + self.body


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | Iterable[bytes] | None = None,
    headers: dict[str, str] | None = None,
    *,
    timeout: float = 10.0,
    chunked: bool = False,
) -> Reply:
    """Send one request on a new connection and return the whole response."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
        return read_reply(connection, started)
    finally:
        connection.close()


def read_reply(connection: http.client.HTTPConnection, started: float) -> Reply:
    """Read the response of a request already sent on `connection`."""
    response = connection.getresponse()
    try:
        body = response.read()
    finally:
        response.close()
    headers = {name.lower(): value for name, value in response.getheaders()}
    return Reply(response.status, headers, body, time.monotonic() - started)


@dataclass
class Server:
    """One gunicorn master with its workers, started in its own process group."""

    database_url: str
    instance: Path
    workers: int = 2
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    def start(self) -> Server:
        """Start gunicorn on a free port and wait until /api/health answers 200."""
        self.instance.mkdir(parents=True, exist_ok=True)
        for attempt in range(START_ATTEMPTS):
            self.port = free_port()
            self.log_path = self.instance / f"gunicorn-{self.port}-{attempt}.log"
            environment = {
                **{k: v for k, v in os.environ.items() if not k.startswith("DRAFTING_")},
                "DATABASE_URL": self.database_url,
                "DRAFTING_INSTANCE_PATH": str(self.instance),
                "SECRET_KEY": "test-secret-key-for-the-server-tests",
                "PYTHONUNBUFFERED": "1",
                **self.env,
            }
            command = [*gunicorn_command(f"{HOST}:{self.port}", workers=self.workers), "--graceful-timeout", "2"]
            with open(self.log_path, "wb") as log:
                self.process = subprocess.Popen(
                    command, cwd=REPO, env=environment, stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL, start_new_session=True,
                )
            if self._wait_ready():
                return self
            self.stop()
        raise RuntimeError(f"gunicorn did not become ready; log:\n{self.log_tail()}")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if request(self.port, "GET", "/api/health", timeout=2).status == 200:
                    return True
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        return False

    def worker_pids(self) -> list[int]:
        """Return the pids of the master's child processes (the workers)."""
        if self.process is None:
            return []
        children: list[int] = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            try:
                children.extend(int(pid) for pid in task.read_text().split())
            except OSError:
                continue
        return sorted(set(children))

    def busy_worker_pids(self) -> list[int]:
        """Return the workers that hold an open client connection on the server's port: those serving a request."""
        connections = _established_socket_inodes(self.port)
        busy = []
        for pid in self.worker_pids():
            sockets = set()
            with contextlib.suppress(OSError):  # the worker exited, or closed a descriptor while we read them
                for descriptor in Path(f"/proc/{pid}/fd").iterdir():
                    with contextlib.suppress(OSError):
                        sockets.add(os.readlink(descriptor))
            if sockets & connections:
                busy.append(pid)
        return busy

    def kill_workers(self, pids: Iterable[int] | None = None) -> list[int]:
        """SIGKILL workers (all by default) and leave the master running, which starts new ones; return the pids."""
        workers = self.worker_pids() if pids is None else list(pids)
        for pid in workers:
            _signal_pid(pid, signal.SIGKILL)
        return workers

    def wait_for_workers(
        self, count: int, *, replacing: Iterable[int] = (), timeout: float = READY_SECONDS
    ) -> list[int]:
        """Wait until the master has `count` workers, none of them one of `replacing`; return their pids."""
        gone = set(replacing)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"the gunicorn master exited; log:\n{self.log_tail()}")
            workers = self.worker_pids()
            if len(workers) == count and not gone & set(workers):
                return workers
            time.sleep(0.02)
        raise RuntimeError(f"gunicorn did not get back to {count} new workers in {timeout} s; log:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL every worker, then the master, then whatever else is left in the process group."""
        if self.process is None:
            return
        for pid in self.worker_pids():
            _signal_pid(pid, signal.SIGKILL)
        _signal_pid(self.process.pid, signal.SIGKILL)
        _signal_group(self.process.pid, signal.SIGKILL)
        self._reap()

    def stop(self) -> None:
        """Terminate the process group (SIGTERM, then SIGKILL after a few seconds) and reap the master."""
        if self.process is None:
            return
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=STOP_SECONDS)
        _signal_group(self.process.pid, signal.SIGKILL)
        self._reap()

    def _reap(self) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=STOP_SECONDS)
        # Workers orphaned by a killed master are reparented to init; wait until none of the group is left.
        deadline = time.monotonic() + STOP_SECONDS
        while _group_alive(self.process.pid) and time.monotonic() < deadline:
            _signal_group(self.process.pid, signal.SIGKILL)
            time.sleep(0.02)

    def log_tail(self, lines: int = 40) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def request(self, method: str, path: str, body=None, headers=None, **options) -> Reply:
        return request(self.port, method, path, body, headers, **options)


def _signal_pid(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _established_socket_inodes(port: int) -> set[str]:
    """Return the sockets ("socket:[inode]", as /proc/PID/fd links read) of established TCP connections to `port`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port, state, inode = int(fields[1].rsplit(":", 1)[1], 16), fields[3], fields[9]
            if local_port == port and state == "01":  # 01: ESTABLISHED
                inodes.add(f"socket:[{inode}]")
    return inodes


def _group_alive(pgid: int) -> bool:
    """Tell whether a process of the group is still running (zombies left to init do not count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def stored_history(database_url: str, doc_id: int) -> tuple[int, list[tuple[int, int | None, str, str]]]:
    """Return latest_version and every version (number, parent, content_hash, xml), read straight from the store."""
    database = Database(database_url)
    try:
        with database.session(read_only=True) as session:
            document = session.get(Document, doc_id)
            versions = session.scalars(
                select(Version).where(Version.document_id == doc_id).options(undefer(Version.xml))
                .order_by(Version.number)
            ).all()
            return document.latest_version, [(v.number, v.parent_number, v.content_hash, v.xml) for v in versions]
    finally:
        database.dispose()
