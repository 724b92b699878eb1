"""Security headers on every response (pages, API JSON, problem+json, static files, HTML reports), and the secret key
that production refuses to start without."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess

import pytest
from click.testing import CliRunner

from drafting import cli, create_app, services
from drafting.errors import ConfigurationError
from drafting.http.security import CONTENT_SECURITY_POLICY, NON_HTML_POLICY, content_disposition
from tests.server_support import HOST, REPO, free_port

ADMIN, PASSWORD = "root-admin", "correct horse battery staple"
# every URL argument of the app's routes, and where its value comes from; a route with another argument fails
# the crawl until it is named here (so that new routes are crawled too)
ARGUMENTS = {"document_id", "number", "name", "filename"}


# --- fixtures ---------------------------------------------------------------------------------------------------


@pytest.fixture
def site(app):
    """The sample documents, an admin who can sign in and an admin token; return what the crawl needs."""
    db = app.extensions["drafting.database"]
    documents = [stored.document.id for stored in services.seed(db)]
    services.create_user(db, ADMIN, "admin", PASSWORD)
    _, token = services.create_token(db, ADMIN, "admin")
    return {"documents": documents, "token": token}


def signed_in_client(app):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"name": ADMIN, "password": PASSWORD, "csrf_token": csrf})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def crawl_urls(app, site) -> list[str]:
    """One URL for every GET route of the app, and the variants that serve HTML reports and downloads."""
    first, second = site["documents"][:2]
    values = {"document_id": first, "number": 1, "name": ADMIN, "filename": "app.css"}
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        unknown = set(rule.arguments) - ARGUMENTS
        assert not unknown, f"{rule.rule}: name a value for {unknown} in ARGUMENTS to crawl it"
        urls.append(rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1])
    urls += [
        f"/api/documents/{first}/redline?against={second}&format=html",
        f"/api/documents/{first}/redline?against={second}&format=html&view=side-by-side",
        f"/api/documents/{first}/redline?against={second}&format=docx",
        f"/api/documents/{first}/redline?against={second}&format=akn",
        f"/api/documents/{first}/gaps?format=html&against={second}",
        f"/api/documents/{first}/export",
        f"/documents/{first}/compare?against={second}",
        "/api/documents?q=%25",
        "/no/such/page",
        "/api/no/such/thing",
        "/static/no-such-file.js",
        "/static/editor/../../README.md",
    ]
    return urls


def header_problems(response) -> list[str]:
    """What is missing or too lax in a response's security headers."""
    headers = response.headers
    problems = []
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    if not headers.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    policy = headers.get("Content-Security-Policy", "")
    if not policy:
        problems.append("no Content-Security-Policy")
    if "frame-ancestors 'none'" not in policy:
        problems.append("the policy lets other sites frame the response")
    for name, value in headers.items():
        if "unsafe-inline" in value or "unsafe-eval" in value:
            problems.append(f"{name} allows unsafe-inline or unsafe-eval")
    if response.mimetype == "text/html":
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if " " in d.strip())
        script = directives.get("script-src", directives.get("default-src", ""))
        if script not in ("'self'", "'none'"):
            problems.append(f"scripts may come from {script!r}")
    elif len(headers.getlist("Content-Security-Policy")) != 1 or policy != NON_HTML_POLICY:
        problems.append(f"a {response.mimetype} response has the policy {policy!r}, not {NON_HTML_POLICY!r}")
    if "Content-Disposition" in headers:
        problems += [f"unsafe download header: {problem}" for problem in disposition_problems(response)]
    return problems


def disposition_problems(response) -> list[str]:
    values = response.headers.getlist("Content-Disposition")
    if len(values) != 1:
        return [f"{len(values)} Content-Disposition headers"]
    value = values[0]
    pattern = r"(attachment|inline); filename=\"[A-Za-z0-9._@+-]+\"; filename\*=UTF-8''[A-Za-z0-9%._~-]+"
    return [] if re.fullmatch(pattern, value) else [value]


def crawl(client, urls, headers=None) -> dict[str, list[str]]:
    found = {}
    for url in urls:
        with client.get(url, headers=headers or {}) as response:
            response.get_data()
            problems = header_problems(response)
            status = response.status_code
        assert status < 500, f"GET {url} answered {status}"
        if problems:
            found[f"{status} {url}"] = problems
    return found


# --- every response ---------------------------------------------------------------------------------------------


def test_every_route_has_strict_headers_for_a_signed_in_admin(app, site):
    assert crawl(signed_in_client(app), crawl_urls(app, site)) == {}


def test_every_route_has_strict_headers_for_a_bearer_token(app, site):
    urls = crawl_urls(app, site)
    assert crawl(app.test_client(), urls, {"Authorization": f"Bearer {site['token']}"}) == {}


def test_every_route_has_strict_headers_for_an_anonymous_visitor(app, site):
    assert crawl(app.test_client(), crawl_urls(app, site)) == {}


def test_the_crawl_reaches_pages_reports_downloads_and_problems(app, site):
    client = app.test_client()
    auth = {"Authorization": f"Bearer {site['token']}"}
    seen = set()
    for url in crawl_urls(app, site):
        with client.get(url, headers=auth) as response:
            seen.add((response.status_code // 100, response.mimetype))
    assert {(2, "text/html"), (2, "application/json"), (2, "text/css"), (2, "application/akn+xml"),
            (4, "application/problem+json")} <= seen


def test_pages_have_the_page_policy_and_reports_keep_their_hash_pinned_one(app, site):
    client = signed_in_client(app)
    with client.get("/") as page:
        assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    first, second = site["documents"][:2]
    with client.get(f"/api/documents/{first}/redline?against={second}&format=html") as report:
        policy = report.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'; style-src 'sha256-") and policy.endswith("frame-ancestors 'none'")
    assert "script-src" not in policy


def test_json_problem_and_static_responses_may_load_nothing(app, site):
    client = app.test_client()
    for url in ("/api/health", "/api/documents", "/static/app.css", "/static/compare.js"):
        with client.get(url) as response:
            assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'", url
            assert response.headers["X-Frame-Options"] == "DENY"


def test_an_unexpected_error_has_the_headers_too(app):
    @app.route("/test-only/boom")
    def boom():
        raise RuntimeError("boom")

    with app.test_client().get("/test-only/boom") as response:
        assert response.status_code == 500 and response.mimetype == "application/problem+json"
        assert header_problems(response) == []


def test_hsts_is_sent_over_https_only(app):
    client = app.test_client()
    with client.get("/login") as plain:
        assert "Strict-Transport-Security" not in plain.headers
    with client.get("/login", base_url="https://localhost") as secure:
        assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("hostile", [
    "../../etc/passwd", "..\\..\\boot.ini", "a\r\nSet-Cookie: x=1.xml", "bill\x00.xml", "\u202egnp.exe.xml",
    "Gesetz über Überwachung.xml", "法案.xml", "", ".htaccess", "a" * 1000, "%0d%0a.xml", 'quote".xml',
])
def test_download_names_are_one_safe_line_whatever_they_hold(hostile):
    value = content_disposition(hostile)
    assert re.fullmatch(r"attachment; filename=\"[A-Za-z0-9._@+-]+\"; filename\*=UTF-8''[A-Za-z0-9%._~-]+", value)
    fallback = value.split('"')[1]
    assert not fallback.startswith(".") and "/" not in value and "\\" not in value and len(fallback) <= 150
    assert "\r" not in value and "\n" not in value and "\x00" not in value


def test_a_unicode_download_name_survives_in_filename_star():
    value = content_disposition("Gesetz über Überwachung.xml")
    assert 'filename="Gesetz-uber-Uberwachung.xml"' in value
    assert "filename*=UTF-8''Gesetz-%C3%BCber-%C3%9Cberwachung.xml" in value


# --- the secret key ---------------------------------------------------------------------------------------------


@pytest.fixture
def production(monkeypatch, tmp_path, database_url):
    """Return a function building an app in production with the given SECRET_KEY (None: unset)."""
    monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("DRAFTING_ENV")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    built = []

    def build(key: str | None):
        if key is not None:
            monkeypatch.setenv("SECRET_KEY", key)
        app = create_app({"DATABASE_URL": database_url})
        built.append(app)
        return app

    yield build
    for app in built:
        app.extensions["drafting.database"].dispose()


def test_production_is_the_default_and_refuses_to_start_without_secret_key(production, tmp_path):
    with pytest.raises(ConfigurationError) as refused:
        production(None)
    assert "SECRET_KEY is not set" in refused.value.detail and "DRAFTING_ENV" in refused.value.detail
    assert "secrets.token_urlsafe" in refused.value.detail
    assert not (tmp_path / "instance" / "secret_key").exists()


@pytest.mark.parametrize("weak", [
    "change-me", "dev", "secret", "CHANGE-ME", "development", "your-secret-key", "short-but-random-Zx81",
    "a" * 64, "abcabcabcabcabcabcabcabcabcabcabcabc", "change-me-to-a-long-random-value-before-deploying",
])
def test_production_refuses_a_weak_or_placeholder_secret_key(production, weak):
    with pytest.raises(ConfigurationError) as refused:
        production(weak)
    assert "SECRET_KEY" in refused.value.detail
    assert len(weak) < 12 or weak not in refused.value.detail  # the key itself is never written to a log


def test_production_starts_with_a_strong_secret_key(production, tmp_path):
    key = secrets.token_urlsafe(48)
    app = production(key)
    assert app.secret_key == key
    assert app.test_client().get("/login").status_code == 200
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_development_starts_without_secret_key_and_keeps_one(monkeypatch, tmp_path, database_url):
    monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("DRAFTING_ENV", "development")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"DATABASE_URL": database_url})
    second = create_app({"DATABASE_URL": database_url})
    key_file = tmp_path / "instance" / "secret_key"
    assert first.secret_key == second.secret_key == key_file.read_text()
    assert key_file.stat().st_mode & 0o777 == 0o600
    for app in (first, second):
        app.extensions["drafting.database"].dispose()


def test_an_unknown_environment_is_refused(monkeypatch, database_url):
    monkeypatch.setenv("DRAFTING_ENV", "staging")
    with pytest.raises(ConfigurationError, match="DRAFTING_ENV"):
        create_app({"DATABASE_URL": database_url})


def test_drafting_serve_in_production_without_secret_key_exits_with_the_fix(monkeypatch, tmp_path):
    monkeypatch.delenv("DRAFTING_ENV")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    result = CliRunner().invoke(cli.main, ["serve", "--port", "1"])
    assert result.exit_code == 2
    assert "SECRET_KEY is not set" in result.output
    assert not (tmp_path / "serve.sqlite3").exists()


def test_gunicorn_exits_when_production_has_no_secret_key(tmp_path):
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("DRAFTING_") and key != "SECRET_KEY"}
    environment.update(DATABASE_URL=f"sqlite:///{tmp_path / 'gunicorn.sqlite3'}", DRAFTING_INSTANCE_PATH=str(tmp_path))
    command = cli.gunicorn_command(f"{HOST}:{free_port()}", workers=1)
    process = subprocess.Popen(command, cwd=REPO, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("gunicorn kept running without a SECRET_KEY")
    assert process.returncode != 0
    assert b"SECRET_KEY is not set" in output


@pytest.mark.parametrize("flag", ["--demo", "--dev"])
def test_drafting_serve_demo_and_dev_run_in_development_without_secret_key(monkeypatch, tmp_path, flag):
    """scripts/start (the README's way to try the service) runs `drafting serve --demo`: no SECRET_KEY needed."""
    assert "serve --demo" in (REPO / "scripts" / "start").read_text()
    monkeypatch.delenv("DRAFTING_ENV")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    started = []
    monkeypatch.setattr(cli.os, "execv", lambda *args: started.append(os.environ["DRAFTING_ENV"]))
    monkeypatch.setattr("flask.Flask.run", lambda app, **kwargs: started.append(app.config["DRAFTING_ENV"]))
    result = CliRunner().invoke(cli.main, ["serve", flag, "--port", "1"])
    assert result.exit_code == 0, result.output
    assert started == ["development"]
    assert (tmp_path / "secret_key").exists()
