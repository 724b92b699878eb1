"""The README's server for benchmarks and screenshots: `drafting serve --demo` (gunicorn, the sample documents)
on a free port of 127.0.0.1, with a fresh SQLite database in a temporary folder (or the database given)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

START_SECONDS = 30


@dataclass(frozen=True)
class DemoServer:
    """A running demo server: where it listens, the `demo` drafter's password and bearer token, its master's pid."""

    url: str
    port: int
    password: str
    token: str
    pid: int
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def demo_server(extra_env: dict | None = None) -> Iterator[tuple[str, str]]:
    """Run the demo server; yield its base URL and the password of the `demo` drafter; stop it afterwards."""
    with running_demo(extra_env) as server:
        yield server.url, server.password


@contextmanager
def running_demo(extra_env: dict | None = None, *, database_url: str | None = None,
                 workers: int | None = None) -> Iterator[DemoServer]:
    """Run `drafting serve --demo` (on a fresh SQLite database unless `database_url` is given, whose tables are
    then migrated and seeded in place); yield a DemoServer; stop the whole process group afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {**os.environ, "DATABASE_URL": database_url or f"sqlite:///{folder}/demo.sqlite3",
               "DRAFTING_INSTANCE_PATH": folder, **(extra_env or {})}
        subprocess.run([sys.executable, "-m", "drafting.cli", "db", "upgrade"], env=env, check=True,
                       capture_output=True)
        command = [sys.executable, "-m", "drafting.cli", "serve", "--port", str(port), "--demo"]
        if workers:
            command += ["--workers", str(workers)]
        # the access log goes to a file: a pipe would need a reader (or gunicorn blocks when it fills), and a
        # reader would take CPU from the server during a load test
        log = Path(folder) / "server.log"
        with open(log, "wb") as output:
            server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.DEVNULL,
                                      stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            password, token = _credentials(server, log)
            _wait_for_port(port)
            yield DemoServer(f"http://127.0.0.1:{port}", port, password, token, server.pid, log)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def _credentials(server: subprocess.Popen, log: Path) -> tuple[str, str]:
    """Read the sign-in password and the demo token that `drafting serve --demo` prints before gunicorn starts."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        password = re.search(r"sign in as demo / (\S+)\)", text)
        token = re.search(r"Demo token \(drafter\): (\S+)", text)
        if password and token:
            return password.group(1), token.group(1)
        if server.poll() is not None:
            break
        time.sleep(0.05)
    raise SystemExit(f"the demo server did not start; its output:\n{log.read_text(errors='replace')[-2000:]}")


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on port {port}")


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def signed_in_page(playwright, base: str, password: str, *, width: int = 1280, height: int = 900):
    """Launch Debian's Chromium, sign in as the demo drafter and return (browser, page) on the library."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{base}/login")
    page.fill('input[name="name"]', "demo")
    page.fill('input[name="password"]', password)
    page.click('form:has(input[name="password"]) button[type="submit"]')
    page.wait_for_url(f"{base}/")
    return browser, page
