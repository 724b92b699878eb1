"""Fixtures for real-browser tests: the app served on a free port, and Debian's Chromium driven by Playwright.

Loaded by conftest as a pytest plugin. Browser tests skip (they do not fail) when /usr/bin/chromium or the
playwright package is missing, so a machine without Chromium still runs the rest of the suite.
"""

from __future__ import annotations

import importlib.util
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from drafting import create_app, services
from tests.conftest import empty_tables

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page

    from drafting.store import Database

HOST = "127.0.0.1"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright's default is 30 s; a page of this app that takes longer than this is a failure worth seeing early.
TIMEOUT_MS = 10_000


# --- the live server --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_server(migrated_database: Database, database_url: str, tmp_path_factory: pytest.TempPathFactory):
    """Serve the real app on 127.0.0.1 and a free port for the module's tests; yield its base URL.

    Module-scoped for speed, so it sits on the session's migrated database; tests that need empty tables
    ask for the function-scoped `database` fixture as well (it empties them before each test).
    """
    empty_tables(migrated_database)
    with pytest.MonkeyPatch.context() as patch:
        # Read once, by create_app: the secret key file goes to a temporary folder, not the working directory.
        patch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path_factory.mktemp("live-instance")))
        app = create_app({"DATABASE_URL": database_url})
    # Port 0: the OS picks a free port as the socket binds, so no other process can take it in between.
    server = make_server(HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        app.extensions["drafting.database"].dispose()


def create_user_with_password(
    db: Database, name: str = "browser-user", role: str = "drafter", password: str = "correct horse battery"
) -> tuple[str, str]:
    """Create an account that can sign in through the browser; return its name and password."""
    services.create_user(db, name, role, password)
    return name, password


@pytest.fixture
def library(database: Database) -> Database:
    """The sample documents, stored (a test module may define its own `library`)."""
    services.seed(database)
    return database


@pytest.fixture
def signed_in(live_server: str, library: Database, page):
    """A page signed in as a drafter, over the sample library."""
    name, password = create_user_with_password(library)
    sign_in_browser(page, live_server, name, password)
    return page


# --- the browser ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Launch Debian's Chromium once for the session, headless; skip when it or Playwright is missing."""
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("the playwright package is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@dataclass(frozen=True)
class ConsoleEntry:
    """One console message: its type (log, warning, error, ...), text, and the URL it is about."""

    type: str
    text: str
    url: str


@dataclass
class PageEvents:
    """What a page said while a test drove it: console messages, uncaught errors, dialogs, screenshots taken."""

    console: list[ConsoleEntry] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)

    @property
    def console_errors(self) -> list[str]:
        """Return the text of console errors and uncaught exceptions, less the browser's own favicon probe.

        Chromium asks every new origin for /favicon.ico whether or not a page links an icon, and logs the 404;
        that request is the browser's, not the page's, so it is not an error of the page under test.
        """
        errors = [
            entry.text for entry in self.console if entry.type == "error" and urlsplit(entry.url).path != "/favicon.ico"
        ]
        return errors + self.page_errors


@pytest.fixture
def page_events() -> PageEvents:
    """Return the record of the `page` fixture's console messages, errors and dialogs."""
    return PageEvents()


def console_entry(message: ConsoleMessage) -> ConsoleEntry:
    """Record a Playwright console message as plain data."""
    return ConsoleEntry(message.type, message.text, message.location.get("url", ""))


def screenshot_file(request: pytest.FixtureRequest, label: str = "") -> Path:
    """Return test-output/screenshots/<test name>[-label].png under the project root, its folder created."""
    stem = re.sub(r"[^\w.-]+", "_", request.node.name + (f"-{label}" if label else "")).strip("_")
    folder = request.config.rootpath / "test-output" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{stem}.png"


@pytest.fixture
def page(browser: Browser, page_events: PageEvents, request: pytest.FixtureRequest) -> Iterator[Page]:
    """Yield a page in a fresh browser context; record console, errors and dialogs; screenshot it at the end."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        new_page = context.new_page()
        new_page.on("console", lambda message: page_events.console.append(console_entry(message)))
        new_page.on("pageerror", lambda error: page_events.page_errors.append(str(error)))

        def dismiss(dialog: Dialog) -> None:
            # A listener must answer the dialog, or the page waits for it forever.
            page_events.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        new_page.on("dialog", dismiss)
        yield new_page
        # The final state, failing or not, unless the test saved its own shot under the same name.
        final = screenshot_file(request)
        if final not in page_events.screenshots and not new_page.is_closed():
            new_page.screenshot(path=final, full_page=True)
    finally:
        context.close()


@pytest.fixture
def screenshot(page: Page, page_events: PageEvents, request: pytest.FixtureRequest) -> Callable[..., Path]:
    """Return a function that saves the page to test-output/screenshots/<test name>[-label].png and returns the path."""

    def take(label: str = "") -> Path:
        path = screenshot_file(request, label)
        page.screenshot(path=path, full_page=True)
        page_events.screenshots.append(path)
        return path

    return take


def sign_in_browser(page: Page, base_url: str, name: str, password: str) -> None:
    """Sign in through the sign-in form, as a person would, and wait for the page it leads to."""
    page.goto(f"{base_url}/login")
    page.locator('input[name="name"]').fill(name)
    page.locator('input[name="password"]').fill(password)
    page.locator('form:has(input[name="password"]) button[type="submit"]').click()
    page.wait_for_url(lambda url: urlsplit(url).path != "/login")
