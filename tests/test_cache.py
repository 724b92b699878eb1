"""The result cache: in this process (LRU by bytes) or shared in Redis; used by the redline and gaps endpoints."""

from __future__ import annotations

import socket
import threading
import uuid

import pytest

from drafting import cache, create_app
from drafting.cache import MemoryCache, RedisCache
from tests.app_fixtures import sample_bytes

REDIS_URL = "redis://127.0.0.1:6379/15"
AKN = "application/akn+xml"


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_url() -> str:
    """Return the URL of the Redis on 127.0.0.1:6379 (database 15); skip when the package or the server is missing."""
    pytest.importorskip("redis")
    if not redis_reachable():
        pytest.skip("no Redis answers on 127.0.0.1:6379")
    return REDIS_URL


@pytest.fixture
def prefix(redis_url) -> str:
    """Return a key prefix of this test's own, and delete its keys afterwards."""
    import redis

    name = f"drafting-test:{uuid.uuid4().hex}:"
    yield name
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=name + "*"))
    if keys:
        client.delete(*keys)
    client.close()


# --- in this process --------------------------------------------------------------------------------------------


def test_memory_cache_returns_what_was_set_and_none_for_a_miss():
    store = MemoryCache(1000)
    store.set("a", b"alpha")

    assert store.get("a") == b"alpha"
    assert store.get("b") is None


def test_memory_cache_drops_the_least_recently_used_entries_beyond_its_size():
    store = MemoryCache(30)
    store.set("a", b"x" * 10)
    store.set("b", b"x" * 10)
    store.set("c", b"x" * 10)
    assert store.get("a") is not None  # a is now the most recently used

    store.set("d", b"x" * 10)

    assert store.get("b") is None
    assert [store.get(key) is not None for key in "acd"] == [True, True, True]
    assert store.size == 30


def test_memory_cache_keeps_no_entry_larger_than_itself():
    store = MemoryCache(10)
    store.set("small", b"12345")
    store.set("big", b"x" * 11)

    assert store.get("big") is None
    assert store.get("small") == b"12345"


def test_memory_cache_counts_a_replaced_entry_once():
    store = MemoryCache(100)
    store.set("a", b"x" * 40)
    store.set("a", b"y" * 40)

    assert store.size == 40
    assert store.get("a") == b"y" * 40


def test_memory_cache_stays_within_its_size_under_concurrent_use():
    store = MemoryCache(10_000)

    def fill(thread: int):
        for n in range(2000):
            store.set(f"{thread}:{n}", b"x" * (n % 50 + 1))
            store.get(f"{thread}:{n // 2}")

    threads = [threading.Thread(target=fill, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert store.size <= 10_000
    assert store.size == sum(len(store.get(key) or b"") for key in list(store._items))


def test_settings_without_redis_url_choose_the_cache_in_this_process():
    assert isinstance(cache.from_settings({"REDIS_URL": None, "DRAFTING_CACHE_BYTES": 1234}), MemoryCache)
    assert cache.from_settings({"DRAFTING_CACHE_BYTES": 1234}).limit == 1234


# --- Redis ------------------------------------------------------------------------------------------------------


def test_settings_with_redis_url_choose_redis(redis_url):
    chosen = cache.from_settings({"REDIS_URL": redis_url, "DRAFTING_CACHE_TTL": 60})

    assert isinstance(chosen, RedisCache)
    assert chosen.ttl == 60


def test_an_entry_set_through_one_redis_cache_is_read_through_another(redis_url, prefix):
    server_a = RedisCache(redis_url, prefix=prefix, ttl_seconds=60)
    server_b = RedisCache(redis_url, prefix=prefix, ttl_seconds=60)

    server_a.set("r-1234", b"the redline")

    assert server_b.get("r-1234") == b"the redline"
    assert server_b.front.get("r-1234") == b"the redline"  # kept in front for the next request
    assert server_b.get("r-5678") is None


def test_redis_entries_expire_after_the_configured_time(redis_url, prefix):
    store = RedisCache(redis_url, prefix=prefix, ttl_seconds=120)
    store.set("g-1", b"report")

    remaining = store.client.ttl(prefix + "g-1")

    assert 0 < remaining <= 120


class FailingClient:
    """A Redis client whose server is down: every call fails, and is counted."""

    def __init__(self):
        self.calls = 0

    def get(self, key):
        self.calls += 1
        raise ConnectionError("Connection refused")

    def set(self, key, value, ex=None):
        self.calls += 1
        raise ConnectionError("Connection refused")


def test_a_redis_that_is_down_is_a_miss_and_is_not_asked_again_at_once():
    client = FailingClient()
    store = RedisCache("redis://127.0.0.1:1/0", client=client)

    assert store.get("r-1") is None
    store.set("r-2", b"kept in front")
    assert store.get("r-3") is None

    assert client.calls == 1  # after the first failure Redis is skipped for a while
    assert store.get("r-2") == b"kept in front"


def test_an_unreachable_redis_url_does_not_fail_requests():
    pytest.importorskip("redis")
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = RedisCache(f"redis://127.0.0.1:{port}/0")

    assert store.get("r-1") is None
    store.set("r-1", b"value")
    assert store.get("r-1") == b"value"


# --- the endpoints use the application's cache ------------------------------------------------------------------


def stored(client, auth, name: str) -> int:
    reply = client.post("/api/documents", data=sample_bytes(name), headers=auth("drafter", **{"Content-Type": AKN}))
    assert reply.status_code == 201, reply.get_json()
    return reply.get_json()["id"]


def refuse_to_compute(monkeypatch):
    """Make any new redline or safeguard report fail: what is answered must come from the cache."""
    import drafting.analysis
    import drafting.compare

    def refuse(*args, **kwargs):
        raise AssertionError("computed again instead of using the cache")

    monkeypatch.setattr(drafting.compare, "compare", refuse)
    monkeypatch.setattr(drafting.analysis, "evaluate", refuse)


def test_a_second_redline_and_report_of_the_same_versions_come_from_the_cache(app, client, auth, monkeypatch):
    bill = stored(client, auth, "ma-biometric-moratorium-bill.xml")
    ordinance = stored(client, auth, "us-ma-bayport-ordinance-16-62.xml")
    redline_path = f"/api/documents/{bill}/redline?against={ordinance}&format=json"
    first_redline = client.get(redline_path, headers=auth("viewer"))
    first_gaps = client.get(f"/api/documents/{ordinance}/gaps", headers=auth("viewer"))
    assert first_redline.status_code == first_gaps.status_code == 200
    assert len(cache.for_app(app)) == 2

    refuse_to_compute(monkeypatch)
    again_redline = client.get(redline_path, headers=auth("viewer"))
    again_gaps = client.get(f"/api/documents/{ordinance}/gaps", headers=auth("viewer"))

    assert again_redline.data == first_redline.data
    assert again_redline.headers["ETag"] == first_redline.headers["ETag"]
    assert again_redline.mimetype == "application/json"
    assert again_gaps.data == first_gaps.data
    assert again_gaps.headers["ETag"] == first_gaps.headers["ETag"]


def test_a_new_version_is_a_new_cache_entry_never_a_stale_one(app, client, auth):
    bill = stored(client, auth, "ma-biometric-moratorium-bill.xml")
    ordinance = stored(client, auth, "us-ma-bayport-ordinance-16-62.xml")
    path = f"/api/documents/{ordinance}/gaps"
    before = client.get(path, headers=auth("viewer"))
    current = client.get(f"/api/documents/{ordinance}", headers=auth("viewer", Accept=AKN))
    edited = current.data.replace(b"approved by the Mayor.", b"approved by the Mayor of Bayport.", 1)
    assert edited != current.data
    saved = client.put(f"/api/documents/{ordinance}", data=edited,
                       headers=auth("drafter", **{"Content-Type": AKN, "If-Match": current.headers["ETag"]}))
    assert saved.status_code == 200, saved.get_json()

    after = client.get(path, headers=auth("viewer"))

    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.get_json()["document"]["version"] == before.get_json()["document"]["version"] + 1
    assert bill  # both documents stay stored


def test_two_apps_sharing_redis_share_redlines_and_reports(app, client, auth, redis_url, monkeypatch, tmp_path):
    """Two app servers with the same REDIS_URL: what one computed, the other serves without computing."""
    flush_prefix = cache.KEY_PREFIX
    bill = stored(client, auth, "ma-biometric-moratorium-bill.xml")
    ordinance = stored(client, auth, "us-ma-bayport-ordinance-16-62.xml")
    settings = {"DATABASE_URL": app.config["DATABASE_URL"], "TESTING": True, "REDIS_URL": redis_url}
    server_a = create_app({**settings, "INSTANCE_PATH": str(tmp_path / "a")})
    server_b = create_app({**settings, "INSTANCE_PATH": str(tmp_path / "b")})
    redline_path = f"/api/documents/{bill}/redline?against={ordinance}&format=html"
    gaps_path = f"/api/documents/{bill}/gaps?against={ordinance}"
    computed_redline = server_a.test_client().get(redline_path, headers=auth("viewer"))
    computed_gaps = server_a.test_client().get(gaps_path, headers=auth("viewer"))
    try:
        assert computed_redline.status_code == computed_gaps.status_code == 200

        refuse_to_compute(monkeypatch)
        served_redline = server_b.test_client().get(redline_path, headers=auth("viewer"))
        served_gaps = server_b.test_client().get(gaps_path, headers=auth("viewer"))

        assert served_redline.status_code == 200
        assert served_redline.data == computed_redline.data
        assert served_redline.mimetype == "text/html"
        assert served_redline.headers["ETag"] == computed_redline.headers["ETag"]
        assert served_gaps.data == computed_gaps.data
        assert cache.for_app(server_b).client.exists(flush_prefix + served_redline.headers["ETag"].strip('"'))
    finally:
        for server in (server_a, server_b):
            store = cache.for_app(server)
            for reply in (computed_redline, computed_gaps):
                store.client.delete(flush_prefix + reply.headers.get("ETag", "").strip('"'))
            server.extensions["drafting.database"].dispose()


def test_redis_url_without_the_redis_package_is_a_configuration_error(monkeypatch):
    import builtins

    from drafting.errors import ConfigurationError

    real_import = builtins.__import__

    def without_redis(name, *args, **kwargs):
        if name == "redis":
            raise ImportError("No module named 'redis'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_redis)
    with pytest.raises(ConfigurationError, match=r"pip install 'drafting\[redis\]'"):
        cache.from_settings({"REDIS_URL": "redis://127.0.0.1:6379/0"})
