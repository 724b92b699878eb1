"""Online backup and restore of the SQLite store, while the service keeps running (PostgreSQL has pg_dump).

Both directions use SQLite's online backup API (sqlite3.Connection.backup): it copies every page in one read
transaction, so the copy is one consistent snapshot; in WAL mode readers never block writers, so saves go on.
Functions take a DATABASE_URL and paths and return plain values; the `drafting` command only prints them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import make_url

from drafting.errors import BackupError
from drafting.store.db import MIGRATIONS, SQLITE_BUSY_TIMEOUT_MS

POSTGRESQL_ADVICE = (
    "DATABASE_URL names a PostgreSQL database; drafting backup and restore copy a SQLite file. "
    "Back PostgreSQL up with pg_dump (pg_dump --format=custom --file=FILE DBNAME) and restore it with "
    "pg_restore (pg_restore --clean --if-exists --dbname=DBNAME FILE)"
)


@dataclass(frozen=True)
class StoreSummary:
    """What a SQLite store file holds, checked: its migration revision, its counts and its damaged versions."""

    path: Path
    revision: str | None
    documents: int
    versions: int
    # (document_id, number) of every version whose XML does not hash to its content_hash column
    damaged: tuple[tuple[int, int], ...] = ()


def sqlite_file(database_url: str) -> Path:
    """Return the file a SQLite DATABASE_URL names; BackupError for PostgreSQL and for in-memory databases."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "postgresql":
        raise BackupError(POSTGRESQL_ADVICE)
    if backend != "sqlite":
        raise BackupError(f"expected a sqlite or postgresql DATABASE_URL, found {backend!r}")
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError(f"expected a SQLite database file in DATABASE_URL, found {url.database or 'none'!r}")
    return Path(url.database).resolve()


def backup(database_url: str, destination: Path, *, force: bool = False) -> StoreSummary:
    """Copy a consistent snapshot of the live store to `destination`, check the copy, then move it into place.

    The copy is written to a temporary file in the destination's folder and renamed over it only once
    `PRAGMA integrity_check` has passed, so `destination` is always either absent, the old file or a whole copy.
    The file is readable by its owner only: it holds the password and token hashes.
    """
    source = _existing_store(sqlite_file(database_url))
    destination = Path(destination).resolve()
    if destination == source:
        raise BackupError(f"expected a backup file other than the live store, found the store itself: {source}")
    if destination.is_dir():
        raise BackupError(f"expected a file to write the backup to, found a folder: {destination}")
    if destination.exists() and not force:
        raise BackupError(f"refusing to overwrite {destination}; pass --force to replace it")
    if not destination.parent.is_dir():
        raise BackupError(f"expected an existing folder for the backup, found none: {destination.parent}")
    handle, temporary_name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".part", dir=destination.parent)
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        with _connect(source) as live, _connect(temporary) as copy:
            _copy_pages(live, copy)
            # a single self-contained file: the copy of a WAL store would otherwise want -wal and -shm files
            copy.execute("PRAGMA journal_mode=DELETE").fetchall()
        summary = inspect_store(temporary)
        _fsync(temporary)
        os.replace(temporary, destination)
        _fsync(destination.parent)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return StoreSummary(destination, summary.revision, summary.documents, summary.versions, summary.damaged)


def restore(database_url: str, source: Path) -> StoreSummary:
    """Replace the contents of the live store with a checked backup, through the backup API.

    The backup must pass `PRAGMA integrity_check`, hold no damaged version and carry a migration revision this
    code knows (a newer one was written by newer code, whose schema this code cannot serve). The pages are copied
    into the live file under its write lock, so running servers see either the old store or the restored one.
    """
    target = sqlite_file(database_url)
    source = _existing_store(Path(source).resolve())
    if source == target:
        raise BackupError(f"expected a backup file other than the live store, found the store itself: {source}")
    summary = inspect_store(source)
    if summary.damaged:
        raise BackupError(
            f"expected every version of the backup to match its content hash, found {len(summary.damaged)} "
            f"that do not (document, version): {list(summary.damaged[:5])}"
        )
    check_revision(summary.revision)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _connect(source, read_only=True) as backup_file, _connect(target) as live:
        _copy_pages(backup_file, live)
    restored = inspect_store(target)
    return StoreSummary(target, restored.revision, restored.documents, restored.versions, restored.damaged)


def inspect_store(path: Path) -> StoreSummary:
    """Check a store file with `PRAGMA integrity_check` and count its documents and versions (BackupError if bad)."""
    try:
        with _connect(path, read_only=True) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"expected integrity_check to report ok for {path}, found {problems[:5]}")
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = None
            if "alembic_version" in tables:
                revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = revision[0] if revision else None
            documents = _count(connection, "documents", tables)
            versions = _count(connection, "versions", tables)
            damaged = _damaged_versions(connection) if "versions" in tables else ()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"expected a SQLite database at {path}, found a file SQLite cannot read: {error}") from error
    return StoreSummary(path, revision, documents, versions, damaged)


def check_revision(revision: str | None) -> None:
    """Refuse a store whose migration revision this code does not know (none at all, or one from newer code)."""
    if revision is None:
        raise BackupError("expected a drafting store with an alembic_version, found none; is this a backup?")
    scripts = ScriptDirectory(str(MIGRATIONS))
    try:
        known = scripts.get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise BackupError(
            f"expected a store at migration revision {scripts.get_current_head()} or older, found {revision!r}, "
            "which this code does not know (newer code wrote it); restore it with that code"
        )


def code_revision() -> str | None:
    """Return the newest migration revision of this code."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def _existing_store(path: Path) -> Path:
    # sqlite3.connect would create an empty database where there is none
    if not path.is_file():
        raise BackupError(f"expected a SQLite store file, found nothing at {path}")
    return path


@contextlib.contextmanager
def _connect(path: Path, *, read_only: bool = False):
    """Yield a sqlite3 connection in autocommit mode that waits for locks as the service does; close it after."""
    if read_only:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None)
    else:
        connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        yield connection
    finally:
        connection.close()


def _copy_pages(source: sqlite3.Connection, destination: sqlite3.Connection) -> None:
    """Copy every page in one step (pages=-1): one read transaction, hence one snapshot of the source."""
    try:
        source.backup(destination, pages=-1)
    except sqlite3.Error as error:
        raise BackupError(f"expected SQLite to copy the store, found an error: {error}") from error


def _count(connection: sqlite3.Connection, table: str, tables: set[str]) -> int:
    if table not in tables:
        return 0
    return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - a known table name


def _damaged_versions(connection: sqlite3.Connection) -> tuple[tuple[int, int], ...]:
    rows = connection.execute(
        "SELECT document_id, number, xml, content_hash FROM versions ORDER BY document_id, number"
    )
    return tuple(
        (document_id, number)
        for document_id, number, xml, content_hash in rows
        if hashlib.sha256(xml.encode("utf-8")).hexdigest() != content_hash
    )


def _fsync(path: Path) -> None:
    """Flush a file or a folder (a rename is durable once its folder is flushed) to the disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
