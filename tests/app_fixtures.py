"""Fixtures for the Flask application and API clients (loaded by conftest as a pytest plugin)."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting import create_app, services

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLES = Path(__file__).resolve().parents[1] / "drafting" / "samples"


def shared_path(*parts: str) -> Path:
    """Return a path under ../shared, skipping the test when the folder is absent (a user's fresh clone)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path


@pytest.fixture
def app(database, database_url, tmp_path, monkeypatch):
    """Return an application on the test database, with its instance folder in a temporary directory."""
    monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app({"DATABASE_URL": database_url, "TESTING": True})
    yield application
    application.extensions["drafting.database"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def tokens(app) -> dict[str, str]:
    """Return a bearer token for each role."""
    db = app.extensions["drafting.database"]
    return {role: services.create_token(db, f"test-{role}", role)[1] for role in services.ROLES}


@pytest.fixture
def auth(tokens):
    """Return a function giving the Authorization header for a role."""

    def header(role: str = "drafter", **extra) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[role]}", **extra}

    return header


def sample_bytes(name: str) -> bytes:
    """Return the bytes of a sample document shipped with the project."""
    return (SAMPLES / name).read_bytes()
