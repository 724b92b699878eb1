"""Shared fixtures. Set DATABASE_URL to run against PostgreSQL; otherwise a SQLite file in a temporary folder."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import delete

from drafting.store import Database
from drafting.store.models import Base

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
            session.execute(delete(table))


pytest_plugins = ["tests.app_fixtures", "tests.browser_support"]
