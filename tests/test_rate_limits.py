"""Rate limits on the actions that guess secrets: signing in (per client address and per account name) and issuing
API tokens; counted in memory or in Redis (several app servers), never on ordinary API traffic."""

from __future__ import annotations

import re
import socket
import uuid

import pytest

from drafting import create_app, services

PASSWORD = "correct horse battery staple"
REDIS_URI = "redis://127.0.0.1:6379"


def redis_reachable() -> bool:
    try:
        import redis  # noqa: F401  (the storage needs the client library)
    except ImportError:
        return False
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


STORAGES = [
    pytest.param("memory://", id="memory"),
    pytest.param(REDIS_URI, id="redis",
                 marks=pytest.mark.skipif(not redis_reachable(), reason="Redis is not reachable on 127.0.0.1:6379")),
]


@pytest.fixture
def make_app(database, database_url, tmp_path, monkeypatch):
    """Return a function building apps on the test database with rate limits counted in `storage`, each test with
    keys of its own (apps built with the same `prefix` share their counts, as app servers sharing Redis do)."""
    monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path / "instance"))
    test_prefix = f"drafting-test-{uuid.uuid4().hex}"
    built = []

    def build(storage: str = "memory://", **settings):
        app = create_app({"DATABASE_URL": database_url, "TESTING": True, "RATELIMIT_STORAGE_URI": storage,
                          "RATELIMIT_KEY_PREFIX": test_prefix, **settings})
        built.append(app)
        return app

    yield build
    for app in built:
        app.extensions["drafting.database"].dispose()
    if any(app.config["RATELIMIT_STORAGE_URI"] == REDIS_URI for app in built):
        import redis

        client = redis.Redis.from_url(REDIS_URI)
        for key in client.scan_iter(f"*{test_prefix}*"):
            client.delete(key)
        client.close()


@pytest.fixture(params=STORAGES)
def storage(request) -> str:
    return request.param


@pytest.fixture
def app(make_app, storage):
    return make_app(storage)


ACCOUNTS = {"ada": "drafter", "grace": "drafter", "root": "admin"}


@pytest.fixture(autouse=True)
def quick_password_checks(monkeypatch):
    """Checking a password is slow on purpose; these tests count attempts, so they compare passwords plainly."""

    def check_password(db, name, password, **_):
        return services.Principal(name, ACCOUNTS[name]) if name in ACCOUNTS and password == PASSWORD else None

    monkeypatch.setattr(services, "check_password", check_password)


@pytest.fixture
def accounts(app):
    db = app.extensions["drafting.database"]
    for name, role in ACCOUNTS.items():
        services.create_user(db, name, role)
    return db


def sign_in(client, name, password, address="192.0.2.1", headers=None):
    """Post the sign-in form from a client address; return the response."""
    page = client.get("/login", environ_base={"REMOTE_ADDR": address}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address}, headers=headers or {})


def assert_limited_page(response):
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert 0 < int(response.headers["Retry-After"]) <= 60
    page = response.get_data(as_text=True)
    assert "Too many sign-in attempts" in page and 'role="alert"' in page
    assert "<form" in page  # the sign-in form is still there, to try again later


# --- signing in -------------------------------------------------------------------------------------------------


def test_ten_failed_sign_ins_from_one_address_then_429_with_retry_after(app, accounts):
    client = app.test_client()
    for attempt in range(10):
        assert sign_in(client, f"nobody-{attempt}", "wrong").status_code == 401
    assert_limited_page(sign_in(client, "nobody-else", "wrong"))
    # another client address is not held back
    assert sign_in(client, "someone", "wrong", address="198.51.100.7").status_code == 401


def test_ten_failed_sign_ins_at_one_account_from_many_addresses_then_429(app, accounts):
    client = app.test_client()
    for attempt in range(10):
        assert sign_in(client, "ada", "wrong", address=f"203.0.113.{attempt}").status_code == 401
    # the account is held back, even with the right password and from a fresh address, and whatever its case
    assert_limited_page(sign_in(client, "ada", PASSWORD, address="203.0.113.200"))
    assert_limited_page(sign_in(client, " ADA", "wrong", address="203.0.113.201"))
    # another account is not
    assert sign_in(client, "grace", PASSWORD, address="203.0.113.202").status_code == 302


def test_a_limited_client_cannot_sign_in_with_the_right_password_either(app, accounts):
    client = app.test_client()
    for attempt in range(10):
        sign_in(client, f"guess-{attempt}", "wrong")
    assert_limited_page(sign_in(client, "grace", PASSWORD))
    assert "user" not in (client.get_cookie("session").value if client.get_cookie("session") else "")


def test_successful_sign_ins_are_not_counted_as_failures(app, accounts):
    client = app.test_client()
    for _ in range(15):
        assert sign_in(client, "ada", PASSWORD).status_code == 302


def test_every_attempt_counts_toward_a_cap_that_bounds_parallel_guessing(app, accounts):
    client = app.test_client()
    for _ in range(30):
        assert sign_in(client, "ada", PASSWORD).status_code == 302
    assert_limited_page(sign_in(client, "ada", PASSWORD))


def test_the_sign_in_page_itself_is_never_limited(app, accounts):
    client = app.test_client()
    for attempt in range(10):
        sign_in(client, f"nobody-{attempt}", "wrong")
    for _ in range(50):
        assert client.get("/login", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200


# --- API tokens -------------------------------------------------------------------------------------------------


def test_thirty_tokens_an_hour_then_429_problem_with_retry_after(app, accounts):
    _, admin_token = services.create_token(accounts, "root", "admin")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {admin_token}"}
    for number in range(30):
        response = client.post("/api/users/ada/tokens", json={"label": f"laptop {number}"}, headers=headers)
        assert response.status_code == 201, response.get_data(as_text=True)
    limited = client.post("/api/users/ada/tokens", json={"label": "one more"}, headers=headers)
    assert limited.status_code == 429
    assert limited.mimetype == "application/problem+json"
    body = limited.get_json()
    assert body["rule"] == "rate-limited" and body["status"] == 429
    wait = int(limited.headers["Retry-After"])
    assert 3500 < wait <= 3600 and body["retry_after"] == wait
    # the tokens issued work; ordinary requests with them are not held back by the limit
    assert client.get("/api/documents", headers=headers).status_code == 200


def test_ordinary_api_traffic_is_not_limited(app, accounts):
    _, token = services.create_token(accounts, "ada", "drafter")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(300):
        response = client.get("/api/documents", headers=headers)
        assert response.status_code == 200
        assert "Retry-After" not in response.headers and "X-RateLimit-Limit" not in response.headers
    assert client.get("/api/health").status_code == 200


# --- storage and deployment -------------------------------------------------------------------------------------


@pytest.mark.skipif(not redis_reachable(), reason="Redis is not reachable on 127.0.0.1:6379")
def test_app_servers_sharing_redis_share_the_count(make_app):
    first, second = make_app(REDIS_URI), make_app(REDIS_URI)
    one, other = first.test_client(), second.test_client()
    for attempt in range(5):
        assert sign_in(one, f"a-{attempt}", "wrong").status_code == 401
        assert sign_in(other, f"b-{attempt}", "wrong").status_code == 401
    assert_limited_page(sign_in(one, "c", "wrong"))
    assert_limited_page(sign_in(other, "d", "wrong"))


def test_memory_storage_counts_per_process(make_app):
    first, second = make_app(), make_app()
    for attempt in range(10):
        sign_in(first.test_client(), f"a-{attempt}", "wrong")
    assert sign_in(second.test_client(), "b", "wrong").status_code == 401


def test_unreachable_redis_falls_back_to_counting_in_memory(make_app):
    pytest.importorskip("redis")
    app = make_app("redis://127.0.0.1:1")
    client = app.test_client()
    for attempt in range(10):
        assert sign_in(client, f"nobody-{attempt}", "wrong").status_code == 401
    assert_limited_page(sign_in(client, "nobody-else", "wrong"))


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(make_app):
    behind_proxy = make_app(DRAFTING_TRUSTED_PROXIES=1).test_client()
    for attempt in range(10):
        sign_in(behind_proxy, f"a-{attempt}", "wrong", address="10.0.0.1", headers={"X-Forwarded-For": "192.0.2.9"})
    assert_limited_page(sign_in(behind_proxy, "b", "wrong", address="10.0.0.1",
                                headers={"X-Forwarded-For": "192.0.2.9"}))
    # another client behind the same proxy is not held back
    assert sign_in(behind_proxy, "c", "wrong", address="10.0.0.1",
                   headers={"X-Forwarded-For": "192.0.2.10"}).status_code == 401

    direct = make_app().test_client()
    for attempt in range(10):
        sign_in(direct, f"a-{attempt}", "wrong", headers={"X-Forwarded-For": f"192.0.2.{attempt}"})
    # without a trusted proxy, a client cannot pose as many by sending X-Forwarded-For
    assert_limited_page(sign_in(direct, "b", "wrong", headers={"X-Forwarded-For": "192.0.2.99"}))
