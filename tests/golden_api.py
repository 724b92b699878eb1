"""What the HTTP API answers on the samples, as SHA-256 digests of status, media type and body (timestamps masked):
a restructuring must leave every answer as it was (tests/test_golden.py). Regenerate with
`python -m tests.golden_api --write` only for a deliberate change of the API, and say why in the commit."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "golden" / "api.json"
SAMPLES = Path(__file__).resolve().parents[1] / "drafting" / "samples"
_TIMESTAMP = re.compile(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")


def _digest(response) -> str:
    body = _TIMESTAMP.sub(b"<time>", response.get_data())
    head = f"{response.status_code} {response.mimetype}".encode()
    return hashlib.sha256(head + b"\n" + body).hexdigest()


def answers() -> dict[str, str]:
    """Start the service on a fresh SQLite store with the samples, ask it the same questions, digest the answers
    (as of the day they were recorded: imports of texts with no printed year are dated today)."""
    from tests.golden_outputs import recorded_day

    with recorded_day():
        return _answers()


def _answers() -> dict[str, str]:
    from drafting import create_app, services

    with tempfile.TemporaryDirectory() as folder:
        before = os.environ.get("DRAFTING_INSTANCE_PATH")
        os.environ["DRAFTING_INSTANCE_PATH"] = folder
        try:
            app = create_app({"DATABASE_URL": f"sqlite:///{folder}/golden.db", "TESTING": True})
        finally:
            if before is None:
                os.environ.pop("DRAFTING_INSTANCE_PATH")
            else:
                os.environ["DRAFTING_INSTANCE_PATH"] = before
        db = app.extensions["drafting.database"]
        db.migrate()
        stored = {item.document.frbr_work_uri.rsplit("/", 1)[-1]: item.document.id for item in services.seed(db)}
        token = services.create_token(db, "golden", "admin")[1]
        headers = {"Authorization": f"Bearer {token}"}
        client = app.test_client()
        bill = next(i for uri, i in stored.items() if "moratorium" in uri)
        found: dict[str, str] = {}

        def ask(name: str, method: str, path: str, **options) -> None:
            response = client.open(path, method=method, headers={**headers, **options.pop("headers", {})}, **options)
            found[name] = _digest(response)

        ask("documents", "GET", "/api/documents")
        for uri, document in sorted(stored.items()):
            ask(f"document {uri}", "GET", f"/api/documents/{document}")
            ask(f"document {uri} akn", "GET", f"/api/documents/{document}", headers={"Accept": "application/akn+xml"})
            ask(f"versions {uri}", "GET", f"/api/documents/{document}/versions")
            ask(f"gaps {uri}", "GET", f"/api/documents/{document}/gaps")
            ask(f"gaps {uri} html", "GET", f"/api/documents/{document}/gaps?format=html")
            if document != bill:
                for output in ("json", "html", "akn"):
                    ask(f"redline bill {uri} {output}", "POST", f"/api/redlines?format={output}",
                        json={"old": {"document": bill}, "new": {"document": document}})
        ask("gaps against all", "GET", f"/api/documents/{bill}/gaps?against={','.join(map(str, stored.values()))}")
        for text in sorted(SAMPLES.glob("*.txt")):
            ask(f"import {text.name}", "POST", "/api/import?jurisdiction=us-ma", data=text.read_bytes(),
                headers={"Content-Type": "text/plain"})
        ask("validate", "POST", "/api/validate", data=(SAMPLES / "ma-biometric-moratorium-bill.xml").read_bytes(),
            headers={"Content-Type": "application/akn+xml"})
        ask("not found", "GET", "/api/documents/999999")
        ask("wrong media type", "POST", "/api/documents", data=b"x", headers={"Content-Type": "image/png"})
        ask("bad json", "POST", "/api/redlines", json={"old": {}})
        ask("no token", "GET", "/api/documents", headers={"Authorization": ""})
        ask("users", "GET", "/api/users")
        db.dispose()
    return found


if __name__ == "__main__":
    from tests.golden_outputs import write_when_asked

    write_when_asked("golden_api", GOLDEN, answers)
