"""The README's server for benchmarks and screenshots: `drafting serve --demo` (gunicorn, the sample documents)
on a free port of 127.0.0.1, with a fresh SQLite database in a temporary folder."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def demo_server(extra_env: dict | None = None) -> Iterator[tuple[str, str]]:
    """Run the demo server; yield its base URL and the password of the `demo` drafter; stop it afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3", "DRAFTING_INSTANCE_PATH": folder,
               **(extra_env or {})}
        subprocess.run([sys.executable, "-m", "drafting.cli", "db", "upgrade"], env=env, check=True,
                       capture_output=True)
        server = subprocess.Popen(
            [sys.executable, "-m", "drafting.cli", "serve", "--port", str(port), "--demo"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
        )
        try:
            password = _password(server)
            # keep reading the access log, or the pipe fills and gunicorn's workers block writing to it
            threading.Thread(target=server.stdout.read, daemon=True).start()
            _wait_for_port(port)
            yield f"http://127.0.0.1:{port}", password
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def _password(server: subprocess.Popen) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        match = re.search(r"sign in as demo / (\S+)\)", line)
        if match:
            return match.group(1)
        if not line and server.poll() is not None:
            break
    raise SystemExit("the demo server did not start")


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on port {port}")
