"""Real AKN documents written by other systems are accepted, stored with their report, and come back whole."""

from __future__ import annotations

import pytest
from lxml import etree

from tests.app_fixtures import SHARED, shared_path

AKN = "application/akn+xml"
CORPUS = sorted((SHARED / "corpus" / "akn").glob("*.xml")) if (SHARED / "corpus" / "akn").exists() else []


def words(xml: bytes) -> list[str]:
    """Return the words of a document's text, in order."""
    return " ".join(etree.fromstring(xml).itertext()).split()


@pytest.mark.slow
@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_document_is_accepted_and_exported_without_loss_of_text(client, auth, path):
    shared_path("corpus", "akn")
    original = path.read_bytes()
    created = client.post("/api/documents", data=original, headers=auth(**{"Content-Type": AKN}))
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    report = body["report"]["validation"]
    assert report["valid"] is (report["error_count"] == 0)
    assert body["report"]["identity"]["work_uri"] == body["frbr_uri"]  # the report names what it is filed under
    stored = client.get(f"/api/documents/{body['id']}", headers=auth(Accept=AKN)).data
    assert words(stored) == words(original)
    exported = client.get(f"/api/documents/{body['id']}/export", headers=auth())
    if exported.status_code == 200:
        assert words(exported.data) == words(original)
    else:
        assert exported.status_code == 422
        assert exported.mimetype == "application/problem+json"
        assert exported.get_json()["validation"]["error_count"] > 0


def test_corpus_is_present_when_shared_is():
    shared_path("corpus", "akn")
    assert len(CORPUS) >= 19


def test_repairable_corpus_documents_export_strictly_valid(client, auth):
    """The South African constitution has year-only dates and repeated references: export repairs both."""
    path = shared_path("corpus", "akn", "za-constitution-1996-laws-africa-bluebell.xml")
    created = client.post("/api/documents", data=path.read_bytes(), headers=auth(**{"Content-Type": AKN}))
    assert created.get_json()["valid"] is False
    exported = client.get(f"/api/documents/{created.get_json()['id']}/export", headers=auth())
    assert exported.status_code == 200
    assert words(exported.data) == words(path.read_bytes())
