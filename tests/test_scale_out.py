"""Several app servers behind a load balancer: two gunicorn instances on different ports share one PostgreSQL (and,
when it answers, one Redis). Saves through both keep exactly one winner per base version, each server sees the
other's writes at once, a browser session signed in on one is valid on the other, and a redline computed by one is
served by the other from the shared cache."""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import make_url
from sqlalchemy.exc import OperationalError

from drafting import services
from drafting.store import Database
from tests.conftest import empty_tables
from tests.server_support import HOST, Reply, Server, read_reply
from tests.test_cache import redis_reachable

pytestmark = pytest.mark.slow

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/14"
AKN = "application/akn+xml"
SAMPLE = Path(__file__).resolve().parents[1] / "drafting" / "samples" / "us-ma-millbrook-ordinance-2019-7.xml"
CLIENTS_PER_SERVER = 6
ROUNDS = 5


@pytest.fixture
def postgres(database_url: str) -> Database:
    """Return the suite's database when it is PostgreSQL; else the PostgreSQL on 127.0.0.1:5432 (database `test`),
    migrated and emptied; skip when none answers."""
    url = database_url if make_url(database_url).get_backend_name() == "postgresql" else POSTGRES_URL
    database = Database(url)
    try:
        database.migrate()
    except OperationalError as error:
        database.dispose()
        pytest.skip(f"no PostgreSQL at {make_url(url).render_as_string(hide_password=True)}: {error}")
    empty_tables(database)
    yield database
    database.dispose()


@pytest.fixture
def two_servers(postgres: Database, tmp_path: Path):
    """Start two gunicorn servers (2 workers each) on one PostgreSQL, with the same SECRET_KEY (and REDIS_URL when
    Redis answers), each with its own instance folder, as on two machines."""
    env = {"REDIS_URL": REDIS_URL} if redis_reachable() else {}
    servers = [Server(postgres.url, tmp_path / name, workers=2, env=env) for name in ("a", "b")]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def token(postgres: Database) -> str:
    return services.create_token(postgres, "scale-out-drafter", "drafter")[1]


def bearer(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


def edited(xml: bytes, words: str) -> bytes:
    """Return the document with the text of its first section's first paragraph replaced by `words`."""
    return re.sub(rb"(<section\b.*?<p>)[^<]*(</p>)", lambda m: m.group(1) + words.encode() + m.group(2), xml,
                  count=1, flags=re.DOTALL)


def current(server: Server, token: str, doc_id: int) -> Reply:
    reply = server.request("GET", f"/api/documents/{doc_id}", headers=bearer(token, Accept=AKN))
    assert reply.status == 200, reply.body
    return reply


def race(saves: list[tuple[Server, bytes]], token: str, doc_id: int, etag: str) -> list[tuple[str, Reply]]:
    """PUT every body through its server at the same moment, each on a connection opened beforehand."""
    barrier = threading.Barrier(len(saves), timeout=20)

    def put(server: Server, body: bytes) -> tuple[str, Reply]:
        connection = http.client.HTTPConnection(HOST, server.port, timeout=30)
        try:
            connection.connect()
            barrier.wait()
            connection.request("PUT", f"/api/documents/{doc_id}", body=body,
                               headers=bearer(token, **{"Content-Type": AKN, "If-Match": etag}))
            return server.instance.name, read_reply(connection, 0.0)
        finally:
            connection.close()

    with ThreadPoolExecutor(len(saves)) as pool:
        return [future.result(timeout=60) for future in [pool.submit(put, server, body) for server, body in saves]]


def test_concurrent_saves_through_two_servers_have_exactly_one_winner_per_base_version(two_servers, token):
    a, b = two_servers
    created = a.request("POST", "/api/documents", SAMPLE.read_bytes(), bearer(token, **{"Content-Type": AKN}))
    assert created.status == 201, created.body
    doc_id = created.json()["id"]
    winners = Counter()
    for round_number in range(1, ROUNDS + 1):
        base = current(a if round_number % 2 else b, token, doc_id)
        saves = [(server, edited(base.body, f"Round {round_number}, client {n} through {server.instance.name}."))
                 for n in range(CLIENTS_PER_SERVER) for server in (a, b)]

        replies = race(saves, token, doc_id, base.headers["etag"])

        statuses = Counter(reply.status for _, reply in replies)
        assert statuses == {200: 1, 412: len(saves) - 1}, [(name, r.status, r.body[:200]) for name, r in replies]
        name, winner = next((name, reply) for name, reply in replies if reply.status == 200)
        winners[name] += 1
        assert winner.json()["version"] == round_number + 1
        for _, loser in (item for item in replies if item[1].status == 412):
            assert loser.json()["rule"] == "stale-version"
        # both servers agree on the whole history and on the latest version, at once
        for server in (a, b):
            versions = server.request("GET", f"/api/documents/{doc_id}/versions", headers=bearer(token)).json()
            assert [v["number"] for v in versions["versions"]] == list(range(1, round_number + 2))
            latest = server.request("GET", f"/api/documents/{doc_id}", headers=bearer(token)).json()
            assert latest["content_hash"] == winner.json()["content_hash"]
    assert sum(winners.values()) == ROUNDS


def test_each_server_sees_what_was_saved_through_the_other_at_once(two_servers, token):
    a, b = two_servers
    created = b.request("POST", "/api/documents", SAMPLE.read_bytes(), bearer(token, **{"Content-Type": AKN}))
    assert created.status == 201, created.body
    doc_id = created.json()["id"]
    for n, (writer, reader) in enumerate([(a, b), (b, a), (a, b), (b, a)], start=1):
        base = current(writer, token, doc_id)
        body = edited(base.body, f"Edit {n}, saved through server {writer.instance.name}.")
        saved = writer.request("PUT", f"/api/documents/{doc_id}", body,
                               bearer(token, **{"Content-Type": AKN, "If-Match": base.headers["etag"]}))
        assert saved.status == 200, saved.body

        seen = current(reader, token, doc_id)

        assert seen.headers["etag"] == saved.headers["etag"]
        assert f"Edit {n}, saved through server {writer.instance.name}.".encode() in seen.body
        # a conditional read through the other server agrees that nothing changed since
        again = reader.request("GET", f"/api/documents/{doc_id}",
                               headers=bearer(token, **{"If-None-Match": saved.headers["etag"]}))
        assert again.status == 304
    # the redline of the first and the latest versions is the same through either server
    path = f"/api/documents/{doc_id}/redline?against={doc_id}&against_version=1&format=json"
    through_a, through_b = (server.request("GET", path, headers=bearer(token)) for server in (a, b))
    assert through_a.status == through_b.status == 200
    assert through_a.headers["etag"] == through_b.headers["etag"]
    assert through_a.body == through_b.body


def test_a_browser_session_signed_in_on_one_server_is_valid_on_the_other(two_servers, postgres):
    """Sessions are signed cookies: no sticky sessions are needed behind the load balancer."""
    a, b = two_servers
    services.create_user(postgres, "scale-out-reader", "viewer", password="a long password for this test")
    form = a.request("GET", "/login")
    assert form.status == 200
    cookie = form.headers["set-cookie"].split(";")[0]
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', form.body).group(1).decode()

    signed_in = b.request("POST", "/login", urlencode({"name": "scale-out-reader", "password":
                                                       "a long password for this test", "csrf_token": csrf}).encode(),
                          {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    assert signed_in.status == 302, signed_in.body
    session = signed_in.headers["set-cookie"].split(";")[0]

    library = a.request("GET", "/", headers={"Cookie": session})
    assert library.status == 200, library.headers
    assert b"scale-out-reader" in library.body


def test_a_session_ended_on_one_server_is_refused_by_the_other_within_the_window(two_servers, postgres):
    """Sign-out on A and a demotion through A are refused at once by every worker of A and of B: each request with a
    session reads it from the store."""
    a, b = two_servers
    password = "a long password for this test"
    services.create_user(postgres, "scale-out-admin", "admin", password=password)

    def sign_in_on(server):
        form = server.request("GET", "/login")
        cookie = form.headers["set-cookie"].split(";")[0]
        csrf = re.search(rb'name="csrf_token" value="([^"]+)"', form.body).group(1).decode()
        reply = server.request("POST", "/login", urlencode({"name": "scale-out-admin", "password": password,
                                                            "csrf_token": csrf}).encode(),
                               {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        assert reply.status == 302, reply.body
        return reply.headers["set-cookie"].split(";")[0]

    leaving, demoted = sign_in_on(a), sign_in_on(a)
    assert b.request("GET", "/api/users", headers={"Cookie": leaving}).status == 200
    assert b.request("GET", "/api/users", headers={"Cookie": demoted}).status == 200
    page = a.request("GET", "/", headers={"Cookie": leaving})
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page.body).group(1).decode()
    out = a.request("POST", "/logout", urlencode({"csrf_token": csrf}).encode(),
                    {"Cookie": leaving, "Content-Type": "application/x-www-form-urlencoded"})
    assert out.status == 302
    for server in (a, b, a, b, a, b):  # two workers each: every one of them answers one of these
        assert server.request("GET", "/api/users", headers={"Cookie": leaving}).status == 401

    demotion = a.request("PATCH", "/api/users/scale-out-admin", json.dumps({"role": "viewer"}).encode(),
                         bearer(services.create_token(postgres, "scale-out-boss", "admin")[1],
                                **{"Content-Type": "application/json"}))
    assert demotion.status == 200, demotion.body
    for server in (a, b, a, b, a, b):
        assert server.request("GET", "/api/users", headers={"Cookie": demoted}).status == 401


def test_a_redline_computed_by_one_server_is_served_by_the_other_from_redis(two_servers, token):
    if not redis_reachable():
        pytest.skip("no Redis answers on 127.0.0.1:6379")
    import redis

    a, b = two_servers
    ids = []
    for name in ("us-ma-millbrook-ordinance-2019-7.xml", "us-ma-bayport-ordinance-16-62.xml"):
        data = (SAMPLE.parent / name).read_bytes()
        created = a.request("POST", "/api/documents", data, bearer(token, **{"Content-Type": AKN}))
        assert created.status == 201, created.body
        ids.append(created.json()["id"])
    path = f"/api/documents/{ids[1]}/redline?against={ids[0]}&format=json"
    client = redis.Redis.from_url(REDIS_URL)
    try:
        computed = a.request("GET", path, headers=bearer(token))
        assert computed.status == 200, computed.body
        key = "drafting:cache:" + computed.headers["etag"].strip('"')
        assert client.get(key) is not None, "server a did not put the redline in Redis"
        # mark the shared entry: server b can only answer with the mark by reading it from Redis
        marked = b"application/json\nredline.json\n" + json.dumps({"served": "from redis"}).encode()
        client.set(key, marked, ex=60)

        served = b.request("GET", path, headers=bearer(token))

        assert served.status == 200, served.body
        assert served.json() == {"served": "from redis"}
        assert served.headers["etag"] == computed.headers["etag"]
    finally:
        for key in client.scan_iter(match="drafting:cache:*"):
            client.delete(key)
        client.close()
