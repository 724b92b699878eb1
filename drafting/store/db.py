"""The database handle: engine, transactional sessions and migrations, for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, MetaData, create_engine, event, make_url, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.orm import Session, sessionmaker

from drafting.errors import ConfigurationError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# Key of the PostgreSQL advisory lock held while migrating ("draf" in ASCII); any fixed bigint would do.
MIGRATION_LOCK_KEY = 0x64726166

SQLITE_BUSY_TIMEOUT_MS = 30000
READ_ONLY_OPTION = "drafting_read_only"

SQLITE_PRAGMAS = ("PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON")


class Database:
    """Own one engine and hand out sessions that commit on success and roll back on error."""

    def __init__(self, url: str):
        parsed = make_url(url)
        if parsed.drivername == "postgresql":
            # psycopg 3 is the driver the project installs; SQLAlchemy's default for "postgresql" is psycopg2.
            parsed = parsed.set(drivername="postgresql+psycopg")
        backend = parsed.get_backend_name()
        if backend == "sqlite":
            self.engine = _sqlite_engine(parsed)
        elif backend == "postgresql":
            self.engine = create_engine(parsed, pool_pre_ping=True)
        else:
            raise ConfigurationError(f"expected a sqlite or postgresql database URL, found {backend!r}")
        self.url = parsed.render_as_string(hide_password=False)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # what the layers above keep with this store for as long as it lives (drafting.cache.caches_of)
        self.companions: dict[str, object] = {}

    def __repr__(self) -> str:
        return f"Database({self.engine.url!r})"

    @property
    def is_sqlite(self) -> bool:
        """Tell whether the database is SQLite."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self, *, read_only: bool = False) -> Iterator[Session]:
        """Yield a session in one transaction: commit when the block ends, roll back and re-raise on any error.

        A read-only session on SQLite starts a deferred transaction, so readers never queue behind writers.
        """
        with self._sessions() as session:
            if read_only:
                session.connection(execution_options={READ_ONLY_OPTION: True})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def migrate(self) -> None:
        """Upgrade the schema to the newest migration; harmless when it is already there or run concurrently."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
        with self.engine.connect() as connection:
            if self.is_sqlite:
                # Future batch migrations rebuild tables; with foreign keys on, dropping a rebuilt parent table
                # would cascade-delete its children. The pragma is a no-op inside a transaction, so set it first.
                _sqlite_pragma(connection, "PRAGMA foreign_keys=OFF")
            try:
                with connection.begin():
                    if not self.is_sqlite:
                        # Servers starting together queue here; SQLite serialises on BEGIN IMMEDIATE instead.
                        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
                    if self.is_sqlite:
                        _check_sqlite_foreign_keys(connection)
            finally:
                if self.is_sqlite:
                    _sqlite_pragma(connection, "PRAGMA foreign_keys=ON")

    def drop_all(self) -> None:
        """Drop every table, alembic_version included (for tests)."""
        with self.engine.begin() as connection:
            metadata = MetaData()
            metadata.reflect(connection)
            metadata.drop_all(connection)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _sqlite_engine(url: URL) -> Engine:
    """Build a SQLite engine whose transactions are real and whose writers queue instead of failing."""
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Stop pysqlite from issuing its own (late, partial) BEGIN; SQLAlchemy emits BEGIN below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            _use_wal(cursor)
            for pragma in SQLITE_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock at the start, so concurrent writers wait (busy_timeout) for each other
        # rather than failing with "database is locked" when a read lock cannot be upgraded.
        read_only = connection.get_execution_options().get(READ_ONLY_OPTION, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Switch the file to write-ahead logging, waiting while another process does the same.

    The switch needs an exclusive lock and SQLite reports SQLITE_BUSY at once, without calling the busy handler,
    when several processes open a new file together; so retry until the busy timeout.
    """
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL").fetchall()
            return
        except sqlite3.OperationalError as error:
            if error.sqlite_errorname != "SQLITE_BUSY" or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def _sqlite_pragma(connection: Connection, pragma: str) -> None:
    """Run a pragma on the driver connection, outside any transaction SQLAlchemy manages."""
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(pragma)
    finally:
        cursor.close()


def _check_sqlite_foreign_keys(connection: Connection) -> None:
    """Refuse to commit a migration that left rows pointing at nothing while foreign keys were off."""
    violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if violations:
        raise ConfigurationError(f"expected no foreign key violations after migrating, found {violations[:5]}")
