"""Backup and restore of the SQLite store: consistent snapshots while saves go on, checked restores, the CLI.

Each test has its own SQLite store in a temporary folder, so these run the same whatever DATABASE_URL says.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from drafting import akn, services
from drafting.akn import AKN_NS
from drafting.cli import main
from drafting.store import Database
from drafting.store.backup import BackupError, backup, code_revision, inspect_store, restore

POSTGRESQL_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FIRST_PARAGRAPH = f".//{{{AKN_NS}}}section/{{{AKN_NS}}}content/{{{AKN_NS}}}p"
SNAPSHOTS = 5
SAVES_DURING_BACKUPS = 10


# --- fixtures and helpers ---------------------------------------------------------------------------------------


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'live' / 'drafting.sqlite3'}"


@pytest.fixture
def store(store_url: str):
    """Yield a migrated SQLite store of its own, as a running service would have it."""
    database = Database(store_url)
    database.migrate()
    yield database
    database.dispose()


def create_bill(database: Database, number: str = "biometric-moratorium") -> tuple[int, str]:
    """Store a bill from the template; return its id and XML."""
    stored = services.create_document_from_template(
        database, "bill", title="Biometric Surveillance Moratorium", jurisdiction="us-ma", number=number,
        date="2026-11-26", author="backup-test",
    )
    return stored.document.id, stored.version.xml


def save_edit(database: Database, doc_id: int, xml: str, base_version: int, words: str) -> services.StoredVersion:
    root = etree.fromstring(xml.encode("utf-8"))
    root.find(FIRST_PARAGRAPH).text = words
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return services.save_version(database, doc_id, data, base_version=base_version, author="backup-test",
                                 message=words)


def history(path: Path) -> dict[int, list[tuple[int, str, str]]]:
    """Return every document's versions (number, content_hash, xml) read straight from a store file."""
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT document_id, number, content_hash, xml FROM versions ORDER BY document_id, number"
        ).fetchall()
    versions: dict[int, list[tuple[int, str, str]]] = {}
    for document_id, number, content_hash, xml in rows:
        versions.setdefault(document_id, []).append((number, content_hash, xml))
    return versions


def committed(path: Path) -> int:
    """Return how many versions a store file holds now."""
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as connection:
        return connection.execute("SELECT count(*) FROM versions").fetchone()[0]


def latest_versions(path: Path) -> dict[int, int]:
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as connection:
        return dict(connection.execute("SELECT id, latest_version FROM documents").fetchall())


def assert_complete(path: Path) -> int:
    """Assert that every version in a store file is whole and every history is 1..latest; return the count."""
    versions, latest = history(path), latest_versions(path)
    assert set(versions) == set(latest)
    for document_id, rows in versions.items():
        assert [number for number, _, _ in rows] == list(range(1, latest[document_id] + 1))
        for number, content_hash, xml in rows:
            assert hashlib.sha256(xml.encode("utf-8")).hexdigest() == content_hash, (document_id, number)
            akn.parse_akn(xml.encode("utf-8"))
    return sum(len(rows) for rows in versions.values())


@pytest.fixture
def run(store: Database, store_url: str, tmp_path: Path, monkeypatch):
    """Run the CLI against the test's own store."""
    monkeypatch.setenv("DATABASE_URL", store_url)
    monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path / "instance"))
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


# --- backup -----------------------------------------------------------------------------------------------------


def test_backup_while_saves_go_on_is_a_consistent_snapshot(store, store_url, tmp_path):
    doc_id, xml = create_bill(store)
    live = Path(store.engine.url.database)
    stop, saved = threading.Event(), [1]

    def writer() -> int:
        # its own engine, as another process would have
        database = Database(store_url)
        try:
            current, number = xml, 1
            while not stop.is_set():
                stored = save_edit(database, doc_id, current, number, f"Edit {number + 1} of the moratorium.")
                current, number = stored.version.xml, stored.version.number
                saved.append(number)
            return number
        finally:
            database.dispose()

    snapshots = []
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(writer)
        try:
            deadline = time.monotonic() + 30
            while len(saved) < 3 and time.monotonic() < deadline:
                time.sleep(0.005)
            first = len(saved)
            for n in range(SNAPSHOTS):
                before = committed(live)
                summary = backup(store_url, tmp_path / f"snapshot-{n}.sqlite3")
                snapshots.append((before, summary, committed(live)))
                time.sleep(0.05)
            while len(saved) < first + SAVES_DURING_BACKUPS and time.monotonic() < deadline:
                time.sleep(0.005)
        finally:
            stop.set()
            last = future.result(timeout=30)

    assert last >= first + SAVES_DURING_BACKUPS - 1, "the writer did not keep saving during the backups"
    for before, summary, after in snapshots:
        assert summary.damaged == ()
        assert inspect_store(summary.path).revision == code_revision()
        # a snapshot: every version committed before the backup began, none after it ended, each one whole
        assert before <= summary.versions <= after
        assert assert_complete(summary.path) == summary.versions
        assert latest_versions(summary.path) == {doc_id: summary.versions}
    assert len({summary.versions for _, summary, _ in snapshots}) > 1, "every snapshot saw the same versions"
    assert any(after > summary.versions for _, summary, after in snapshots), "no save went on during a backup"


def test_backup_refuses_to_overwrite_an_existing_file_unless_forced(store, store_url, tmp_path):
    create_bill(store)
    target = tmp_path / "backups" / "drafting.sqlite3"
    target.parent.mkdir()
    target.write_bytes(b"yesterday's backup")

    with pytest.raises(BackupError, match="refusing to overwrite"):
        backup(store_url, target)
    assert target.read_bytes() == b"yesterday's backup"

    summary = backup(store_url, target, force=True)
    assert (summary.documents, summary.versions) == (1, 1)
    assert inspect_store(target).versions == 1
    assert sorted(p.name for p in target.parent.iterdir()) == ["drafting.sqlite3"], "a temporary file was left"


def test_backup_is_one_self_contained_file(store, store_url, tmp_path):
    create_bill(store)
    target = tmp_path / "backup.sqlite3"
    backup(store_url, target)
    with sqlite3.connect(target) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("backup")) == ["backup.sqlite3"]


def test_backup_of_a_store_that_does_not_exist_fails_clearly(tmp_path):
    with pytest.raises(BackupError, match="found nothing at"):
        backup(f"sqlite:///{tmp_path / 'missing.sqlite3'}", tmp_path / "backup.sqlite3")
    assert not (tmp_path / "missing.sqlite3").exists()


def test_backup_onto_the_live_store_itself_is_refused(store, store_url):
    with pytest.raises(BackupError, match="the store itself"):
        backup(store_url, Path(store_url.removeprefix("sqlite:///")), force=True)


# --- restore ----------------------------------------------------------------------------------------------------


def test_restore_brings_back_exactly_the_versions_of_the_backup(store, store_url, tmp_path):
    doc_id, xml = create_bill(store)
    second = save_edit(store, doc_id, xml, 1, "The second version.")
    third = save_edit(store, doc_id, second.version.xml, 2, "The third version.").version
    snapshot = tmp_path / "backup.sqlite3"
    backed_up = history(backup(store_url, snapshot).path)
    latest = Path(store.engine.url.database)
    # the store moves on after the backup: more versions and another document
    save_edit(store, doc_id, third.xml, 3, "A fourth version, made after the backup.")
    create_bill(store, number="another-bill")
    assert history(latest) != backed_up

    summary = restore(store_url, snapshot)

    assert (summary.documents, summary.versions) == (1, 3)
    assert history(latest) == backed_up
    # the running service's pooled connections see the restored store
    _, versions = services.list_versions(store, doc_id)
    assert [(v.number, v.content_hash) for v in versions] == [(n, h) for n, h, _ in backed_up[doc_id]]
    assert services.get_document(store, doc_id).document.latest_version == 3
    # ...and can save on top of it
    assert save_edit(store, doc_id, third.xml, 3, "Saved after the restore.").version.number == 4


def test_restore_refuses_a_backup_from_newer_code(store, store_url, tmp_path):
    create_bill(store)
    snapshot = backup(store_url, tmp_path / "backup.sqlite3").path
    with sqlite3.connect(snapshot) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    create_bill(store, number="kept")

    with pytest.raises(BackupError, match="this code does not know"):
        restore(store_url, snapshot)
    assert inspect_store(Path(store_url.removeprefix("sqlite:///"))).documents == 2


def test_restore_refuses_a_backup_with_a_damaged_version(store, store_url, tmp_path):
    create_bill(store)
    snapshot = backup(store_url, tmp_path / "backup.sqlite3").path
    with sqlite3.connect(snapshot) as connection:
        connection.execute("UPDATE versions SET xml = substr(xml, 1, 200)")

    with pytest.raises(BackupError, match="content hash"):
        restore(store_url, snapshot)


def test_restore_refuses_a_file_that_is_not_a_store(store, store_url, tmp_path):
    not_a_store = tmp_path / "notes.txt"
    not_a_store.write_bytes(b"not a database, just some text that is long enough " * 100)
    with pytest.raises(BackupError, match="SQLite cannot read"):
        restore(store_url, not_a_store)


# --- PostgreSQL -------------------------------------------------------------------------------------------------


def test_postgresql_url_is_refused_with_a_pointer_to_pg_dump(tmp_path):
    with pytest.raises(BackupError, match="pg_dump"):
        backup(POSTGRESQL_URL, tmp_path / "backup.sqlite3")
    assert not (tmp_path / "backup.sqlite3").exists()


def test_cli_backup_and_restore_exit_2_on_postgresql(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", POSTGRESQL_URL)
    monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path / "instance"))
    dump = tmp_path / "drafting.dump"
    dump.write_bytes(b"PGDMP")
    runner = CliRunner()

    backed_up = runner.invoke(main, ["backup", str(tmp_path / "backup.sqlite3")], catch_exceptions=False)
    restored = runner.invoke(main, ["restore", str(dump), "--yes"], catch_exceptions=False)

    assert backed_up.exit_code == 2
    assert "PostgreSQL" in backed_up.output and "pg_dump" in backed_up.output
    assert restored.exit_code == 2
    assert "pg_restore" in restored.output
    assert not (tmp_path / "backup.sqlite3").exists()


# --- the commands -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_command_has_help(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_cli_backup_prints_what_it_copied_and_restore_needs_yes(run, store, tmp_path):
    assert run("seed").exit_code == 0
    target = tmp_path / "backup.sqlite3"

    first = run("backup", str(target))
    again = run("backup", str(target))
    forced = run("backup", str(target), "--force")

    assert first.exit_code == 0, first.output
    assert "5 documents and 5 versions" in first.output and "integrity ok" in first.output
    assert again.exit_code == 2
    assert "refusing to overwrite" in again.output and "--force" in again.output
    assert forced.exit_code == 0, forced.output

    create_bill(store, number="made-after-the-backup")
    unconfirmed = run("restore", str(target))
    assert unconfirmed.exit_code == 2
    assert "--yes" in unconfirmed.output
    assert inspect_store(Path(store.engine.url.database)).documents == 6

    restored = run("restore", str(target), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "restored 5 documents and 5 versions" in restored.output
    assert inspect_store(Path(store.engine.url.database)).documents == 5
