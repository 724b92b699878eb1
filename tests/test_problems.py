"""One registry of problem types: every problem+json answer (the service's own errors, Werkzeug's, flask-smorest's
and marshmallow's 422s, rate limits, busy) names its type by a page this service serves, /problems/<name>, with the
title the registry gives that type; /problems lists them all."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from markupsafe import escape

from drafting import create_app, services
from drafting.errors import PROBLEM_TYPES, DraftingError
from tests.test_heavy_work import redline_body, slot_taken

AKN = "application/akn+xml"
PROBLEM = "application/problem+json"
PACKAGE = Path(__file__).resolve().parents[1] / "drafting"
UPLOAD_LIMIT = 4_000_000
TEMPLATE = {"template": "bill", "title": "Problem Types Bill", "jurisdiction": "us-ma", "number": "h-404",
            "date": "2026-11-26"}
MINIMAL_AKN = (b'<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act name="act"><meta/>'
               b"</act></akomaNtoso>")


@pytest.fixture
def app(database, database_url, tmp_path, monkeypatch):
    """An application with a small upload limit, a heavy-work budget the redline samples can reach, and one route
    that fails unexpectedly."""
    monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app({"DATABASE_URL": database_url, "TESTING": True, "DRAFTING_MAX_UPLOAD_BYTES": UPLOAD_LIMIT,
                              "DRAFTING_HEAVY_PROVISIONS": 300, "DRAFTING_HEAVY_MAX_PROVISIONS": 10_000})

    def fail():
        raise RuntimeError("a bug")

    application.add_url_rule("/api/test-failure", "test_failure", fail)
    yield application
    application.extensions["drafting.database"].dispose()


@dataclass
class Caller:
    app: object
    client: object
    auth: Callable[..., dict]

    def document(self) -> tuple[int, str]:
        created = self.client.post("/api/documents", json=TEMPLATE, headers=self.auth())
        assert created.status_code == 201, created.get_data(as_text=True)
        return created.get_json()["id"], created.headers["ETag"]


def _too_many_tokens(call: Caller):
    db = call.app.extensions["drafting.database"]
    services.create_user(db, "ada", "drafter")
    for number in range(31):
        response = call.client.post("/api/users/ada/tokens", json={"label": f"laptop {number}"},
                                    headers=call.auth("admin"))
    return response


def _busy(call: Caller):
    slot = slot_taken(call.app)
    try:
        return call.client.post("/api/redlines", json=redline_body(200), headers=call.auth())
    finally:
        slot.release()


def _put(call: Caller, **headers):
    document, _ = call.document()
    xml = call.client.get(f"/api/documents/{document}", headers=call.auth(Accept=AKN)).data
    return call.client.put(f"/api/documents/{document}", data=xml, headers=call.auth(**{"Content-Type": AKN},
                                                                                       **headers))


def _redline_accepting_png(call: Caller):
    document, _ = call.document()
    return call.client.get(f"/api/documents/{document}/redline?against={document}",
                           headers=call.auth(Accept="image/png"))


def _rename_to(call: Caller, frbr_uri: str):
    document, etag = call.document()
    return call.client.post(f"/api/documents/{document}/rename", json={"frbr_uri": frbr_uri},
                            headers=call.auth(**{"If-Match": etag}))


def _taken(call: Caller):
    call.document()
    return call.client.post("/api/documents", json=TEMPLATE, headers=call.auth())


# each provokes one problem: (status, problem type name, the request)
PROVOKED: dict[str, tuple[int, str, Callable[[Caller], object]]] = {
    "unknown API route (Werkzeug)": (404, "not-found", lambda c: c.client.get("/api/nothing-here")),
    "unknown page (Werkzeug)": (404, "not-found", lambda c: c.client.get("/nothing-here")),
    "id past the store (routing)": (404, "not-found", lambda c: c.client.get("/api/documents/0", headers=c.auth())),
    "unknown document": (404, "not-found", lambda c: c.client.get("/api/documents/999999", headers=c.auth())),
    "unknown problem type": (404, "not-found", lambda c: c.client.get("/problems/no-such-problem")),
    "method not allowed": (405, "method-not-allowed", lambda c: c.client.delete("/api/health")),
    "no token": (401, "authentication", lambda c: c.client.get("/api/documents")),
    "a viewer creates": (403, "role", lambda c: c.client.post("/api/documents", json=TEMPLATE,
                                                              headers=c.auth("viewer"))),
    "wrong media type": (415, "unsupported-media-type",
                         lambda c: c.client.post("/api/documents", data=b"\x89PNG",
                                                 headers=c.auth(**{"Content-Type": "image/png"}))),
    "body over the limit": (413, "request-too-large",
                            lambda c: c.client.post("/api/documents", data=b" " * (UPLOAD_LIMIT + 2),
                                                    headers=c.auth(**{"Content-Type": AKN}))),
    "form over the limit (Werkzeug)": (413, "request-too-large",
                                       lambda c: c.client.post("/api/import", data=b"-" * (UPLOAD_LIMIT + 2),
                                                               headers=c.auth(**{"Content-Type": "multipart/form-data;"
                                                                                 " boundary=x"}))),
    "malformed JSON (webargs)": (400, "bad-request",
                                 lambda c: c.client.post("/api/redlines", data=b"{",
                                                         headers=c.auth(**{"Content-Type": "application/json"}))),
    "unsafe XML": (400, "unsafe-xml",
                   lambda c: c.client.post("/api/validate", data=b'<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>',
                                           headers=c.auth(**{"Content-Type": AKN}))),
    "malformed XML": (400, "malformed-xml", lambda c: c.client.post("/api/validate", data=b"<akomaNtoso",
                                                                    headers=c.auth(**{"Content-Type": AKN}))),
    "not AKN": (400, "not-akn", lambda c: c.client.post("/api/validate", data=b"<html/>",
                                                        headers=c.auth(**{"Content-Type": AKN}))),
    "query against its schema (flask-smorest)": (422, "invalid-request",
                                                 lambda c: c.client.get("/api/documents?per_page=100000",
                                                                        headers=c.auth())),
    "body against its schema (marshmallow)": (422, "invalid-request",
                                              lambda c: c.client.post("/api/documents", json={"template": "bill"},
                                                                      headers=c.auth())),
    "document without a work URI": (422, "invalid-document",
                                    lambda c: c.client.post("/api/documents", data=MINIMAL_AKN,
                                                            headers=c.auth(**{"Content-Type": AKN}))),
    "work URI taken": (409, "conflict", _taken),
    "no If-Match": (428, "if-match-required", _put),
    "stale If-Match": (412, "stale-version", lambda c: _put(c, **{"If-Match": '"v1-000000000000000000000000"'})),
    "Accept nothing the service makes": (406, "not-acceptable", _redline_accepting_png),
    "invalid FRBR URI": (400, "invalid-frbr-uri", lambda c: _rename_to(c, "not a uri")),
    "too many tokens (rate limit)": (429, "rate-limited", _too_many_tokens),
    "heavy work while every slot is taken": (503, "busy", _busy),
    "more work than one request may ask": (413, "too-costly",
                                           lambda c: c.client.post("/api/redlines", json=redline_body(3000),
                                                                   headers=c.auth())),
    "unexpected failure": (500, "internal-error", lambda c: c.client.get("/api/test-failure")),
}


@pytest.mark.parametrize("case", list(PROVOKED))
def test_every_problem_names_a_type_the_service_serves_with_the_registry_title(app, client, auth, case):
    status, name, provoke = PROVOKED[case]

    response = provoke(Caller(app, client, auth))

    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    problem = response.get_json()
    assert problem["type"] == f"/problems/{name}" and problem["rule"] == name, problem
    assert problem["title"] == PROBLEM_TYPES[name].title and PROBLEM_TYPES[name].status in (status, None)
    assert problem["status"] == status
    page = client.get(problem["type"])
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert escape(PROBLEM_TYPES[name].title) in page.get_data(as_text=True)


def test_each_problem_type_has_a_page_and_the_list_links_them_all(client):
    listing = client.get("/problems")
    assert listing.status_code == 200 and listing.mimetype == "text/html"
    text = listing.get_data(as_text=True)
    for problem in PROBLEM_TYPES.values():
        assert f'href="/problems/{problem.name}"' in text
        page = client.get(f"/problems/{problem.name}")
        assert page.status_code == 200, problem.name
        shown = page.get_data(as_text=True)
        assert escape(problem.title) in shown and escape(problem.description) in shown


def test_an_unknown_problem_type_is_a_404_problem_not_a_page(client):
    response = client.get("/problems/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert response.status_code == 404 and response.mimetype == PROBLEM
    assert "script" not in response.get_json()["detail"]


def test_every_error_class_names_a_registered_type_with_its_status_and_title():
    classes, pending = [], [DraftingError]
    while pending:
        cls = pending.pop()
        classes.append(cls)
        pending.extend(cls.__subclasses__())
    for cls in classes:
        problem = PROBLEM_TYPES[cls.rule]
        assert (cls.status, cls.title) == (problem.status, problem.title), cls


def test_titles_are_in_sentence_case_and_every_type_has_a_description():
    proper = {"Akoma", "Ntoso"}
    for name, problem in PROBLEM_TYPES.items():
        assert problem.name == name and re.fullmatch(r"[a-z]+(-[a-z]+)*", name)
        first, *rest = problem.title.split()
        assert first[0].isupper(), problem.title
        assert not [word for word in rest if word[0].isupper() and not word.isupper() and word not in proper], \
            problem.title
        assert len(problem.description) > 40 and "\n\n" not in problem.description


def test_no_answer_names_a_problem_type_outside_the_service():
    for path in PACKAGE.rglob("*"):
        if path.suffix in {".py", ".html", ".js", ".toml", ".md"}:
            text = path.read_text(encoding="utf-8")
            assert "about:blank" not in text and "drafting.invalid" not in text, path


def test_the_openapi_problem_schema_says_where_types_are_described(client):
    spec = client.get("/api/openapi.json").get_json()
    problem = spec["components"]["schemas"]["Problem"]["properties"]
    assert "/problems/" in problem["type"]["description"]
    assert "/problems" in problem["title"]["description"]
