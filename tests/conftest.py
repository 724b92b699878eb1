"""Shared fixtures. Set DATABASE_URL to run against PostgreSQL; otherwise a SQLite file in a temporary folder."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from drafting.store import Database
from drafting.store.models import Base

# Apps built by the tests run in development: no SECRET_KEY needed (a random one is kept in their instance folder).
# Tests of production settings set DRAFTING_ENV themselves; the gunicorn servers of tests/server_support.py get a
# strong SECRET_KEY.
os.environ["DRAFTING_ENV"] = "development"

# --- database ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return DATABASE_URL if set, else the URL of a SQLite file in a temporary folder."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('store') / 'drafting.db'}"


@pytest.fixture(scope="session")
def migrated_database(database_url: str) -> Iterator[Database]:
    """Yield one Database for the whole run, rebuilt from nothing by the migrations."""
    database = Database(database_url)
    database.drop_all()
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def database(migrated_database: Database) -> Database:
    """Return the migrated Database with every table emptied (faster than migrating for each test)."""
    empty_tables(migrated_database)
    return migrated_database


def empty_tables(database: Database) -> None:
    """Delete every row of the models' tables, children first; alembic_version is kept."""
    with database.session() as session:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name == "audit_events":
                _purge_audit_log(session, sqlite=database.is_sqlite)
            else:
                session.execute(delete(table))


def _purge_audit_log(session: Session, *, sqlite: bool) -> None:
    """Empty the append-only audit log, whose triggers refuse DELETE: lift them for the purge, in its transaction."""
    if not session.scalar(text("SELECT EXISTS (SELECT 1 FROM audit_events)")):
        return
    if sqlite:
        triggers = session.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")
        ).all()
        for name, _ in triggers:
            session.execute(text(f'DROP TRIGGER "{name}"'))
        session.execute(text("DELETE FROM audit_events"))
        for _, sql in triggers:
            session.execute(text(sql))
    else:
        session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        session.execute(text("DELETE FROM audit_events"))
        session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))


pytest_plugins = ["tests.app_fixtures", "tests.browser_support"]
