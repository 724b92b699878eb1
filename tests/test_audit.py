"""The audit log: one row per change, export and account event, written in the transaction of the change; append-only
in the database itself; readable by admins over the API; and the migration that brings it to an existing store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from drafting import services
from drafting.cli import main
from drafting.errors import StaleVersionError
from drafting.store import Database, repository
from drafting.store.db import MIGRATIONS
from tests.app_fixtures import sample_bytes
from tests.test_web import csrf, sign_in

AKN = "application/akn+xml"
PASSWORD = "correct horse battery"
TEMPLATE = {"template": "bill", "title": "Biometric Surveillance Moratorium", "jurisdiction": "us-ma",
            "number": "biometric-moratorium", "date": "2026-11-26"}
ORDINANCE = "us-ma-harborview-ordinance-2021-2-128.xml"


def events(app, **filters) -> list:
    """The audit log, newest first."""
    with app.extensions["drafting.database"].session(read_only=True) as session:
        return repository.list_audit_events(session, limit=10_000, **filters)[0]


def count(app) -> int:
    with app.extensions["drafting.database"].session(read_only=True) as session:
        return repository.list_audit_events(session, limit=1)[1]


@pytest.fixture
def bill(client, auth) -> tuple[int, str]:
    """A bill created by test-drafter: its id and ETag."""
    response = client.post("/api/documents", json=TEMPLATE, headers=auth())
    assert response.status_code == 201
    return response.get_json()["id"], response.headers["ETag"]


@pytest.fixture
def browser(app, client):
    """The test client signed in as the drafter ada."""
    services.create_user(app.extensions["drafting.database"], "ada", "drafter", PASSWORD)
    assert sign_in(client, "ada", PASSWORD).status_code == 302
    return client


def _edited(client, auth, document: int, words: str = "The Edited Act.") -> bytes:
    xml = client.get(f"/api/documents/{document}", headers=auth(Accept=AKN)).data
    return xml.replace(b"Untitled Act", words.encode())


# --- what is recorded -------------------------------------------------------------------------------------------
# Each action runs on a world with a bill (id, etag), calls start() again after any setup of its own, and returns
# what the one new row must say: (action, actor, document id or None, version or None, items of the detail).


class Checkpoint:
    """The audit rows written since it was last called."""

    def __init__(self, app):
        self.app = app
        self()

    def __call__(self) -> None:
        self.seen = {event.id for event in events(self.app)}

    def new(self) -> list:
        return [event for event in events(self.app) if event.id not in self.seen]


def _create(client, auth, browser, bill, start):
    created = client.post("/api/documents", data=sample_bytes(ORDINANCE), headers=auth(**{"Content-Type": AKN}))
    return ("document.created", "test-drafter", created.get_json()["id"], 1,
            {"message": "uploaded", "visibility": "shared"})


def _save(client, auth, browser, bill, start):
    document, etag = bill
    saved = client.put(f"/api/documents/{document}?message=retitled", data=_edited(client, auth, document),
                       headers=auth(**{"Content-Type": AKN, "If-Match": etag}))
    assert saved.status_code == 200
    return "document.saved", "test-drafter", document, 2, {"message": "retitled"}


def _rename(client, auth, browser, bill, start):
    document, etag = bill
    renamed = client.post(f"/api/documents/{document}/rename", json={"frbr_uri": "/akn/us-ma/bill/2027/h-1"},
                          headers=auth(**{"If-Match": etag}))
    assert renamed.status_code == 200
    return ("document.renamed", "test-drafter", document, 2,
            {"from": "/akn/us-ma/bill/2026/biometric-moratorium", "to": "/akn/us-ma/bill/2027/h-1"})


def _restore(client, auth, browser, bill, start):
    document, etag = bill
    client.put(f"/api/documents/{document}", data=_edited(client, auth, document),
               headers=auth(**{"Content-Type": AKN, "If-Match": etag}))
    page = browser.get(f"/documents/{document}/history").data
    start()
    assert browser.post(f"/documents/{document}/restore", data={"version": "1", "csrf_token": csrf(page)}
                        ).status_code == 302
    return "document.restored", "ada", document, 3, {"restored": 1, "message": "restored version 1"}


def _adopt(client, auth, browser, bill, start):
    document, etag = bill
    source = client.post("/api/documents", data=sample_bytes(ORDINANCE),
                         headers=auth(**{"Content-Type": AKN})).get_json()["id"]
    start()
    adopted = client.post(f"/api/documents/{document}/adopt", json={"from": source, "eId": "sec_2.128.050"},
                          headers=auth(**{"If-Match": etag}))
    assert adopted.status_code == 200, adopted.get_data(as_text=True)
    return "document.adopted", "test-drafter", document, 2, {"from": source, "eId": "sec_2.128.050"}


def _export(client, auth, browser, bill, start):
    document, _ = bill
    exported = client.get(f"/api/documents/{document}/export", headers=auth("viewer"))
    assert exported.status_code == 200
    return ("document.exported", "test-viewer", document, 1,
            {"filename": "akn-us-ma-bill-2026-biometric-moratorium-eng@2026-11-26-main.xml"})


def _download_from_the_export_page(client, auth, browser, bill, start):
    document, _ = bill
    page = browser.get(f"/documents/{document}/export")
    assert page.status_code == 200 and b"Download" in page.data
    assert browser.get(f"/api/documents/{document}/export?version=1").status_code == 200
    return "document.exported", "ada", document, 1, {}


def _delete(client, auth, browser, bill, start):
    document, etag = bill
    assert client.delete(f"/api/documents/{document}", headers=auth(**{"If-Match": etag})).status_code == 204
    return ("document.deleted", "test-drafter", document, 1,
            {"frbr_work_uri": "/akn/us-ma/bill/2026/biometric-moratorium"})


def _make_private(client, auth, browser, bill, start):
    document, _ = bill
    assert client.patch(f"/api/documents/{document}", json={"visibility": "private"}, headers=auth()).status_code == 200
    return "document.access_changed", "test-drafter", document, 1, {"from": "shared", "to": "private"}


def _create_user(client, auth, browser, bill, start):
    created = client.post("/api/users", json={"name": "grace", "role": "viewer", "password": PASSWORD},
                          headers=auth("admin"))
    assert created.status_code == 201
    return "user.created", "test-admin", None, None, {"user": "grace", "role": "viewer", "password": True}


def _change_role(client, auth, browser, bill, start):
    assert client.patch("/api/users/test-viewer", json={"role": "drafter"}, headers=auth("admin")).status_code == 200
    return "user.role_changed", "test-admin", None, None, {"user": "test-viewer", "from": "viewer", "to": "drafter"}


def _issue_token(client, auth, browser, bill, start):
    issued = client.post("/api/users/test-viewer/tokens", json={"label": "laptop"}, headers=auth("admin"))
    assert issued.status_code == 201
    return "token.issued", "test-admin", None, None, {"user": "test-viewer", "label": "laptop"}


ACTIONS = [_create, _save, _rename, _restore, _adopt, _export, _download_from_the_export_page, _delete, _make_private,
           _create_user, _change_role, _issue_token]


@pytest.mark.parametrize("act", ACTIONS, ids=[act.__name__.strip("_") for act in ACTIONS])
def test_each_audited_action_writes_exactly_one_row_naming_its_actor(app, client, auth, browser, bill, act):
    start = Checkpoint(app)
    action, actor, document, version, detail = act(client, auth, browser, bill, start)
    [event] = start.new()
    assert (event.action, event.actor, event.document_id, event.version) == (action, actor, document, version)
    assert detail.items() <= event.detail.items()
    assert event.at.tzinfo is not None and abs(datetime.now(UTC) - event.at) < timedelta(minutes=5)


def test_a_token_is_never_written_to_the_log(app, client, auth):
    token = client.post("/api/users/test-viewer/tokens", json={}, headers=auth("admin")).get_json()["token"]
    assert all(token not in repr(event.detail) and services.hash_token(token) not in repr(event.detail)
               for event in events(app))


def test_the_command_line_is_recorded_without_an_actor(app):
    db = app.extensions["drafting.database"]
    services.create_token(db, "ops", "admin", "cli")
    services.seed(db)
    recorded = [(e.action, e.actor) for e in reversed(events(app))]
    assert recorded[:2] == [("user.created", None), ("token.issued", None)]
    assert {action for action, _ in recorded[2:]} == {"document.created"}
    assert {actor for _, actor in recorded[2:]} == {"seed"}


def test_the_export_page_alone_records_nothing(app, browser, bill):
    before = count(app)
    assert browser.get(f"/documents/{bill[0]}/export").status_code == 200
    assert count(app) == before


def test_a_merge_stores_and_records_nothing_its_save_is_a_save(app, client, auth, bill):
    document, _ = bill
    before = count(app)
    merged = client.post(f"/api/documents/{document}/merge",
                         json={"akn": _edited(client, auth, document).decode(), "base_version": 1}, headers=auth())
    assert merged.status_code == 200 and merged.get_json()["complete"]
    assert count(app) == before
    saved = client.put(f"/api/documents/{document}", data=merged.get_json()["akn"].encode(),
                       headers=auth(**{"Content-Type": AKN, "If-Match": merged.get_json()["etag"]}))
    assert saved.status_code == 200
    assert [e.action for e in events(app)][:1] == ["document.saved"] and count(app) == before + 1


# --- only what happened is recorded -----------------------------------------------------------------------------


def test_a_save_refused_as_stale_412_writes_no_row(app, client, auth, bill):
    document, etag = bill
    first = client.put(f"/api/documents/{document}", data=_edited(client, auth, document),
                       headers=auth(**{"Content-Type": AKN, "If-Match": etag}))
    assert first.status_code == 200
    before = count(app)
    stale = client.put(f"/api/documents/{document}", data=_edited(client, auth, document, "Other."),
                       headers=auth(**{"Content-Type": AKN, "If-Match": etag}))
    assert stale.status_code == 412
    assert count(app) == before


def test_a_save_found_stale_inside_the_store_writes_no_row(app, bill):
    db = app.extensions["drafting.database"]
    xml = services.get_document(db, bill[0]).version.xml.encode()
    services.save_version(db, bill[0], xml, base_version=1, author="ada", message="first")
    before = count(app)
    with pytest.raises(StaleVersionError):
        services.save_version(db, bill[0], xml, base_version=1, author="bob", message="second")
    assert count(app) == before


def test_a_rename_rolled_back_by_a_conflict_leaves_neither_version_nor_row(app, client, auth, bill):
    # the new version is written first, then the new name clashes with another work: both are undone
    client.post("/api/documents", json={**TEMPLATE, "number": "other-bill"}, headers=auth())
    before = count(app)
    clash = client.post(f"/api/documents/{bill[0]}/rename", json={"frbr_uri": "/akn/us-ma/bill/2026/other-bill"},
                        headers=auth(**{"If-Match": bill[1]}))
    assert clash.status_code == 409
    assert count(app) == before
    assert len(client.get(f"/api/documents/{bill[0]}/versions", headers=auth()).get_json()["versions"]) == 1


def test_a_change_whose_audit_row_cannot_be_written_is_rolled_back(app, bill, monkeypatch):
    db = app.extensions["drafting.database"]
    xml = services.get_document(db, bill[0]).version.xml.encode()
    append = repository.add_audit_event

    def failing(session, action, **kwargs):
        append(session, action, **kwargs)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(repository, "add_audit_event", failing)
    with pytest.raises(RuntimeError):
        services.save_version(db, bill[0], xml, base_version=1, author="ada", message="lost")
    monkeypatch.undo()
    assert services.get_document(db, bill[0]).version.number == 1
    assert "document.saved" not in {e.action for e in events(app)}


# --- append-only ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET actor = 'mallory'",
    "UPDATE audit_events SET detail = '{}' WHERE action = 'document.created'",
    "DELETE FROM audit_events",
    "DELETE FROM audit_events WHERE action = 'document.created'",
    "TRUNCATE audit_events",
])
def test_the_database_refuses_to_change_or_remove_audit_rows(app, database, bill, statement):
    if statement.startswith("TRUNCATE") and database.is_sqlite:
        pytest.skip("SQLite has no TRUNCATE")
    before = [(e.id, e.actor, e.detail) for e in events(app)]
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as connection:
        connection.execute(text(statement))
    assert [(e.id, e.actor, e.detail) for e in events(app)] == before


def test_the_repository_offers_no_way_to_change_or_remove_audit_rows():
    names = {name for name in dir(repository) if "audit" in name and callable(getattr(repository, name))}
    assert names == {"add_audit_event", "list_audit_events"}


# --- reading the log --------------------------------------------------------------------------------------------


def test_only_admins_read_the_audit_log(client, auth):
    assert client.get("/api/audit").status_code == 401
    for role in ("viewer", "drafter"):
        response = client.get("/api/audit", headers=auth(role))
        assert response.status_code == 403 and response.get_json()["rule"] == "role"
    assert client.get("/api/audit", headers=auth("admin")).status_code == 200


def test_the_log_is_newest_first_and_filters_by_document_actor_action_and_since(app, client, auth, bill):
    document, etag = bill
    client.put(f"/api/documents/{document}", data=_edited(client, auth, document),
               headers=auth(**{"Content-Type": AKN, "If-Match": etag}))
    client.get(f"/api/documents/{document}/export", headers=auth("viewer"))

    def read(query: str) -> list[tuple]:
        body = client.get(f"/api/audit?{query}", headers=auth("admin")).get_json()
        return [(item["action"], item["actor"], item["version"]) for item in body["items"]]

    assert read(f"document={document}") == [("document.exported", "test-viewer", 2),
                                            ("document.saved", "test-drafter", 2),
                                            ("document.created", "test-drafter", 1)]
    assert read("actor=test-viewer") == [("document.exported", "test-viewer", 2)]
    assert read("action=document.saved") == [("document.saved", "test-drafter", 2)]
    assert read(f"document={document + 1}") == []
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert read("since=" + later.replace("+", "%2B")) == []
    assert len(read("since=2000-01-01T00:00:00")) == len(events(app))
    item = client.get(f"/api/audit?document={document}&per_page=1", headers=auth("admin")).get_json()["items"][0]
    assert set(item) == {"id", "at", "actor", "action", "document_id", "version", "detail"}
    assert item["document_id"] == document and item["detail"]["filename"].endswith(".xml")


@pytest.mark.parametrize(("asked", "given"), [("0", 1), ("-5", 1), ("1", 1), ("200", 200), ("201", 200),
                                              ("100000", 200)])
def test_per_page_is_clamped_to_1_through_200(client, auth, asked, given):
    body = client.get(f"/api/audit?per_page={asked}", headers=auth("admin")).get_json()
    assert body["per_page"] == given
    assert len(body["items"]) == min(given, body["total"])


def test_pages_step_through_the_log(app, client, auth, bill):
    total = count(app)
    seen = []
    for page in range(1, total + 1):
        body = client.get(f"/api/audit?per_page=1&page={page}", headers=auth("admin")).get_json()
        assert body["total"] == total and body["page"] == page
        seen += [item["id"] for item in body["items"]]
    assert seen == [event.id for event in events(app)]
    assert client.get("/api/audit?page=0", headers=auth("admin")).status_code == 422
    assert client.get("/api/audit?since=yesterday", headers=auth("admin")).status_code == 422


# --- migrating an existing store --------------------------------------------------------------------------------


def _at_0001_with_a_document(url: str) -> None:
    database = Database(url)
    try:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
            connection.execute(text(
                "INSERT INTO documents (id, frbr_work_uri, work_key, doc_type, title, latest_version, created_at, "
                "created_by) VALUES (7, '/akn/us-ma/bill/2025/old', '/akn/us-ma/bill/2025/old', 'bill', 'Old Bill', "
                "1, CURRENT_TIMESTAMP, 'ada')"
            ))
            connection.execute(text(
                "INSERT INTO versions (document_id, number, xml, content_hash, created_at, valid, validation) "
                "VALUES (7, 1, '<akomaNtoso/>', :hash, CURRENT_TIMESTAMP, true, '{}')"
            ), {"hash": "0" * 64})
    finally:
        database.dispose()


def test_db_upgrade_migrates_a_0001_store_and_keeps_its_documents_shared(database, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'old.db'}" if database.is_sqlite else database.url
    if not database.is_sqlite:
        database.drop_all()
    try:
        _at_0001_with_a_document(url)
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path / "instance"))
        result = CliRunner().invoke(main, ["db", "upgrade"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        upgraded = Database(url)
        try:
            with upgraded.engine.connect() as connection:
                revision = MigrationContext.configure(connection).get_current_revision()
            assert revision == ScriptDirectory(str(MIGRATIONS)).get_current_head()
            stored = services.get_document(upgraded, 7)
            assert (stored.document.title, stored.document.visibility, stored.document.deleted_at) == (
                "Old Bill", "shared", None)
            assert services.get_document(upgraded, 7, principal=services.Principal("bob", "viewer")).version.number == 1
            with upgraded.session() as session:
                repository.add_audit_event(session, "document.exported", actor="ada", document_id=7, version=1)
            with pytest.raises(DBAPIError, match="append-only"), upgraded.engine.begin() as connection:
                connection.execute(text("DELETE FROM audit_events"))
        finally:
            upgraded.dispose()
    finally:
        if not database.is_sqlite:
            database.migrate()
