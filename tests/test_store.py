"""The store: append-only versions that never lose an update, users and tokens, listing, migrations."""

from __future__ import annotations

import hashlib
import multiprocessing
import threading
from datetime import UTC
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CheckConstraint, event, inspect, select, text
from sqlalchemy.exc import IntegrityError

from drafting.errors import ConflictError, NotFoundError, StaleVersionError
from drafting.store import Database
from drafting.store.db import MIGRATIONS
from drafting.store.models import Base, Document, Version
from drafting.store.repository import (
    add_token,
    create_document,
    create_user,
    find_token,
    get_document,
    get_document_by_uri,
    get_user,
    get_version,
    list_documents,
    list_versions,
    record_token_use,
    save_version,
    set_password_hash,
    set_user_role,
)

# Spawned children start clean: no inherited engine, pool or sockets from the test process.
SPAWN = multiprocessing.get_context("spawn")

# --- helpers ----------------------------------------------------------------------------------------------------


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def version_fields(xml: str, **overrides: Any) -> dict[str, Any]:
    """Return the keyword arguments of save_version for an XML text."""
    fields = {
        "xml": xml,
        "content_hash": sha256(xml),
        "frbr_expression_uri": "/akn/us-ma/bill/2026/biometric-moratorium/eng@2026-11-26",
        "author": "ada",
        "message": "edit",
        "valid": True,
        "validation": {"errors": []},
    }
    fields.update(overrides)
    return fields


def create_sample_document(database: Database, **overrides: Any) -> Version:
    """Store a bill and return its version 1."""
    fields = {
        "frbr_work_uri": "/akn/us-ma/bill/2026/biometric-moratorium",
        "doc_type": "bill",
        "name": "bill",
        "jurisdiction": "us-ma",
        "title": "An Act establishing a moratorium on face surveillance",
        "number": "H.1234",
        "date": "2026-11-26",
        **version_fields("<akomaNtoso>§ 1 — Café</akomaNtoso>", message="created"),
    }
    fields.update(overrides)
    with database.session() as session:
        return create_document(session, **fields)


def history(database: Database, document_id: int) -> tuple[list[int], int]:
    """Return the stored version numbers of a document and its latest_version."""
    with database.session() as session:
        numbers = [version.number for version in list_versions(session, document_id)]
        document = get_document(session, document_id)
        assert document is not None
        return numbers, document.latest_version


def save_in_thread(database: Database, document_id: int, xml: str, barrier: threading.Barrier, results: list) -> None:
    barrier.wait(timeout=30)
    try:
        with database.session() as session:
            save_version(session, document_id, base_version=1, **version_fields(xml))
        results.append("saved")
    except StaleVersionError:
        results.append("stale")
    except Exception as error:
        results.append(repr(error))


def save_in_child(url: str, document_id: int, xml: str, barrier: Any, results: Any) -> None:
    database = Database(url)
    try:
        barrier.wait(timeout=30)
        with database.session() as session:
            save_version(session, document_id, base_version=1, **version_fields(xml))
        results.put("saved")
    except StaleVersionError:
        results.put("stale")
    except Exception as error:
        results.put(repr(error))
    finally:
        database.dispose()


def migrate_in_child(url: str, barrier: Any) -> None:
    database = Database(url)
    try:
        barrier.wait(timeout=30)
        database.migrate()
    finally:
        database.dispose()


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


# --- versions ---------------------------------------------------------------------------------------------------


def test_creating_a_document_makes_version_1(database):
    version = create_sample_document(database)

    with database.session() as session:
        document = get_document_by_uri(session, "/akn/us-ma/bill/2026/biometric-moratorium")
        stored = get_version(session, version.document_id, 1)
    assert document is not None and stored is not None
    assert (document.latest_version, document.created_by) == (1, "ada")
    assert (stored.number, stored.parent_number, stored.message) == (1, None, "created")
    assert stored.xml == "<akomaNtoso>§ 1 — Café</akomaNtoso>"
    assert stored.content_hash == sha256(stored.xml)
    assert stored.validation == {"errors": []}


def test_saving_on_the_latest_version_appends_the_next_number(database):
    document_id = create_sample_document(database).document_id

    with database.session() as session:
        saved = save_version(session, document_id, base_version=1, title="Renamed", **version_fields("<v2/>"))
    with database.session() as session:
        latest = get_version(session, document_id)
        document = get_document(session, document_id)

    assert (saved.number, saved.parent_number) == (2, 1)
    assert latest is not None and (latest.number, latest.xml) == (2, "<v2/>")
    assert document is not None and document.title == "Renamed"
    assert history(database, document_id) == ([1, 2], 2)


def test_saving_on_a_stale_base_raises_stale_version_error_and_writes_nothing(database):
    document_id = create_sample_document(database).document_id
    with database.session() as session:
        save_version(session, document_id, base_version=1, **version_fields("<v2/>"))

    stale = pytest.raises(StaleVersionError, match="version 1 is not the latest; the latest is 2")
    with stale, database.session() as session:
        save_version(session, document_id, base_version=1, **version_fields("<lost/>"))

    assert history(database, document_id) == ([1, 2], 2)


def test_saving_on_a_missing_document_raises_not_found_error(database):
    with pytest.raises(NotFoundError), database.session() as session:
        save_version(session, 999_999, base_version=1, **version_fields("<v2/>"))


def test_two_threads_saving_on_the_same_base_one_wins_and_the_other_is_stale(database):
    document_id = create_sample_document(database).document_id
    barrier = threading.Barrier(2)
    results: list[str] = []
    threads = [
        threading.Thread(target=save_in_thread, args=(database, document_id, f"<t{i}/>", barrier, results))
        for i in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results) == ["saved", "stale"]
    assert history(database, document_id) == ([1, 2], 2)


def test_two_processes_saving_on_the_same_base_one_wins_and_the_other_is_stale(database):
    document_id = create_sample_document(database).document_id
    barrier = SPAWN.Barrier(2)
    results = SPAWN.Queue()
    processes = [
        SPAWN.Process(target=save_in_child, args=(database.url, document_id, f"<p{i}/>", barrier, results))
        for i in range(2)
    ]
    for process in processes:
        process.start()
    outcomes = sorted(results.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(timeout=60)
    results.close()
    results.join_thread()

    assert outcomes == ["saved", "stale"]
    assert [process.exitcode for process in processes] == [0, 0]
    assert history(database, document_id) == ([1, 2], 2)


def test_the_unique_version_number_turns_a_save_that_slipped_past_the_check_into_stale_version_error(database):
    document_id = create_sample_document(database).document_id
    with database.session() as session:
        # A version 2 that latest_version does not know about, as if a concurrent save bypassed the lock.
        session.add(Version(document_id=document_id, number=2, **version_fields("<racer/>")))

    with database.session() as session:
        with pytest.raises(StaleVersionError, match="the latest is 2"):
            save_version(session, document_id, base_version=1, **version_fields("<lost/>"))
        # The session is still usable after the failed insert.
        assert get_document(session, document_id) is not None

    with database.session() as session:
        stored = get_version(session, document_id, 2)
    assert stored is not None and stored.xml == "<racer/>"
    assert history(database, document_id) == ([1, 2], 1)


def test_a_save_that_fails_mid_transaction_leaves_nothing(database):
    document_id = create_sample_document(database).document_id
    statements: list[str] = []

    def record(connection, cursor, statement, *args):
        statements.append(statement)

    def fail(mapper, connection, target):
        raise RuntimeError("power cut")

    event.listen(database.engine, "before_cursor_execute", record)
    # The version's INSERT fails after the document's UPDATE has reached the database.
    event.listen(Version, "before_insert", fail)
    try:
        with pytest.raises(RuntimeError, match="power cut"), database.session() as session:
            save_version(session, document_id, base_version=1, title="Never", **version_fields("<v2/>"))
    finally:
        event.remove(Version, "before_insert", fail)
        event.remove(database.engine, "before_cursor_execute", record)

    assert any(statement.startswith("UPDATE documents") for statement in statements)
    with database.session() as session:
        document = get_document(session, document_id)
    assert document is not None and document.title != "Never"
    assert history(database, document_id) == ([1], 1)


def test_an_error_after_a_save_in_the_same_block_rolls_the_save_back(database):
    document_id = create_sample_document(database).document_id

    with pytest.raises(RuntimeError, match="disk full"), database.session() as session:
        save_version(session, document_id, base_version=1, **version_fields("<v2/>"))
        raise RuntimeError("disk full")

    assert history(database, document_id) == ([1], 1)


def test_list_versions_is_ascending_and_leaves_the_xml_unloaded(database):
    document_id = create_sample_document(database).document_id
    with database.session() as session:
        save_version(session, document_id, base_version=1, **version_fields("<v2/>"))
        save_version(session, document_id, base_version=2, **version_fields("<v3/>"))

    with database.session() as session:
        versions = list_versions(session, document_id)
        assert [version.number for version in versions] == [1, 2, 3]
        assert all("xml" in inspect(version).unloaded for version in versions)


def test_get_version_returns_none_for_a_missing_number(database):
    document_id = create_sample_document(database).document_id
    with database.session() as session:
        assert get_version(session, document_id, 7) is None
        assert get_version(session, 999_999) is None
        assert get_document(session, 999_999) is None


def test_duplicate_work_uri_raises_conflict_error(database):
    create_sample_document(database)

    with pytest.raises(ConflictError, match="already exists"):
        create_sample_document(database, title="Another")

    with database.session() as session:
        assert list_documents(session)[1] == 1


def test_timestamps_are_timezone_aware_utc(database):
    version = create_sample_document(database)
    with database.session() as session:
        stored = get_version(session, version.document_id)
    assert stored is not None and stored.created_at.tzinfo is UTC


# --- users and tokens -------------------------------------------------------------------------------------------


def test_duplicate_user_name_raises_conflict_error(database):
    with database.session() as session:
        create_user(session, "ada", "drafter")

    with pytest.raises(ConflictError, match="ada"), database.session() as session:
        create_user(session, "ada", "viewer")


def test_roles_and_password_hashes_can_be_changed(database):
    with database.session() as session:
        create_user(session, "ada", "viewer")
    with database.session() as session:
        set_user_role(session, "ada", "admin")
        set_password_hash(session, "ada", "scrypt$hash")
    with database.session() as session:
        user = get_user(session, "ada")
    assert user is not None and (user.role, user.password_hash) == ("admin", "scrypt$hash")


def test_a_role_outside_viewer_drafter_admin_is_refused_by_the_database(database):
    with pytest.raises(IntegrityError), database.session() as session:
        session.execute(text("INSERT INTO users (name, role, created_at) VALUES ('eve', 'root', CURRENT_TIMESTAMP)"))


def test_token_is_found_by_its_hash_with_its_user_and_its_use_can_be_recorded(database):
    secret = "s3cret-token"
    with database.session() as session:
        user = create_user(session, "ada", "drafter")
        add_token(session, user, sha256(secret), label="laptop")

    with database.session(read_only=True) as session:
        token = find_token(session, sha256(secret))
        assert find_token(session, sha256("unknown")) is None

    assert token is not None
    assert (token.user.name, token.label) == ("ada", "laptop")
    assert token.last_used_at is None
    with database.session() as session:
        record_token_use(session, token.id)
    with database.session(read_only=True) as session:
        used = find_token(session, sha256(secret)).last_used_at
    assert used is not None and used.tzinfo is UTC
    with database.session() as session:
        assert get_user(session, "nobody") is None


# --- listing ----------------------------------------------------------------------------------------------------


def test_list_documents_filters_by_jurisdiction_doc_type_and_title(database):
    create_sample_document(database, frbr_work_uri="/akn/us-ma/bill/2026/1", title="Face Surveillance Moratorium")
    create_sample_document(
        database,
        frbr_work_uri="/akn/us-ma-boston/act/ordinance/2020/16-62",
        doc_type="act",
        name="ordinance",
        jurisdiction="us-ma-boston",
        title="Ordinance banning face surveillance",
    )
    create_sample_document(database, frbr_work_uri="/akn/us-ma/bill/2026/2", title="Budget")

    with database.session() as session:
        bills, bill_count = list_documents(session, jurisdiction="us-ma", doc_type="bill")
        acts, _ = list_documents(session, doc_type="act")
        faces, face_count = list_documents(session, q="FACE surv")
        page, total = list_documents(session, offset=1, limit=1)

    assert [d.title for d in bills] == ["Face Surveillance Moratorium", "Budget"] and bill_count == 2
    assert [d.jurisdiction for d in acts] == ["us-ma-boston"]
    assert face_count == 2 and len(faces) == 2
    assert [d.title for d in page] == ["Ordinance banning face surveillance"] and total == 3


def test_list_documents_matches_percent_underscore_and_backslash_literally(database):
    titles = ["100% safe", "1000 safe", "a_b", "axb", "back\\slash", "backslash"]
    for index, title in enumerate(titles):
        create_sample_document(database, frbr_work_uri=f"/akn/us/act/2026/{index}", title=title)

    def found(q: str) -> list[str]:
        with database.session() as session:
            return [document.title for document in list_documents(session, q=q)[0]]

    assert found("0%") == ["100% safe"]
    assert found("_") == ["a_b"]
    assert found("\\") == ["back\\slash"]
    assert found("%") == ["100% safe"]


# --- schema -----------------------------------------------------------------------------------------------------


def test_migrate_twice_is_harmless(database):
    version = create_sample_document(database)

    database.migrate()
    database.migrate()

    assert current_revision(database) == head_revision()
    assert history(database, version.document_id) == ([1], 1)


def test_concurrent_migrations_from_several_processes_do_not_race(database, tmp_path):
    if database.is_sqlite:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        url = database.url
        database.drop_all()
    barrier = SPAWN.Barrier(3)
    try:
        processes = [SPAWN.Process(target=migrate_in_child, args=(url, barrier)) for _ in range(3)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=120)
    finally:
        database.migrate()

    assert [process.exitcode for process in processes] == [0, 0, 0]
    migrated = Database(url)
    try:
        assert current_revision(migrated) == head_revision()
    finally:
        migrated.dispose()


def test_models_match_the_migration(database):
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_check_constraints_carry_the_names_of_the_models(database):
    # compare_metadata does not compare check constraints; future migrations refer to them by name.
    inspector = inspect(database.engine)
    stored = {
        (table.name, constraint["name"])
        for table in Base.metadata.sorted_tables
        for constraint in inspector.get_check_constraints(table.name)
    }
    declared = {
        (table.name, constraint.name)
        for table in Base.metadata.sorted_tables
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }
    assert stored == declared
    assert ("users", "ck_users_role") in stored


def test_sqlite_connections_use_wal_and_enforce_foreign_keys(database):
    if not database.is_sqlite:
        pytest.skip("SQLite pragmas")
    with database.engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 30000, "synchronous": 1}


def test_deleting_a_document_deletes_its_versions(database):
    document_id = create_sample_document(database).document_id
    with database.session() as session:
        session.execute(Document.__table__.delete().where(Document.id == document_id))
    with database.session() as session:
        assert session.scalars(select(Version).where(Version.document_id == document_id)).all() == []
