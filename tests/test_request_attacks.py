"""Request-level attacks on the HTTP surface: download names, search input, paging, media types, CSRF and lost
updates. Whatever a request holds, the answer is a result or a 4xx problem, never a 500 or a change it should not
make."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest

from drafting import services
from tests.app_fixtures import sample_bytes

AKN = "application/akn+xml"
ADMIN, PASSWORD = "root-admin", "correct horse battery staple"
SAFE_DISPOSITION = re.compile(r"attachment; filename=\"[A-Za-z0-9._@+-]+\"; filename\*=UTF-8''[A-Za-z0-9%._~-]+")
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


# --- fixtures ---------------------------------------------------------------------------------------------------


@pytest.fixture
def site(app):
    """The sample documents (ids in name order), an admin who signs in with a password, and an admin token."""
    db = app.extensions["drafting.database"]
    documents = [stored.document.id for stored in services.seed(db)]
    services.create_user(db, ADMIN, "admin", PASSWORD)
    _, token = services.create_token(db, ADMIN, "admin")
    return {"db": db, "documents": documents, "bearer": {"Authorization": f"Bearer {token}"}}


@pytest.fixture
def browser(app, site):
    """A test client signed in as the admin with a session cookie; `browser.csrf` is its CSRF token."""
    client = app.test_client()
    client.csrf = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"name": ADMIN, "password": PASSWORD, "csrf_token": client.csrf})
    assert response.status_code == 302
    client.csrf = csrf_of(client.get("/").get_data(as_text=True))
    return client


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def assert_no_server_error(response, what: str):
    assert response.status_code < 500, f"{what}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    if response.status_code >= 400 and response.request.path.startswith("/api"):
        assert response.mimetype == "application/problem+json", what


def unsafe_rules(app, prefix: str):
    """Every (method, rule) of the app under `prefix` that may change state."""
    return [(method, rule) for rule in app.url_map.iter_rules() if rule.rule.startswith(prefix)
            for method in sorted(rule.methods & set(UNSAFE_METHODS))]


def url_of(rule, site) -> str:
    values = {"document_id": site["documents"][0], "number": 1, "name": ADMIN, "token_id": 1}
    return rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]


def state(site) -> tuple:
    """What a refused request must leave as it was: documents, their latest versions, accounts and tokens."""
    documents, _ = services.list_documents(site["db"], limit=1000)
    accounts = services.list_users(site["db"])
    return (tuple((d.id, d.latest_version, d.frbr_work_uri, getattr(d, "visibility", None)) for d in documents),
            tuple((a.name, a.role, a.has_password, a.tokens, a.disabled) for a in accounts))


# --- download names ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    {"filename": "../../etc/passwd"},
    {"filename": "..\\..\\windows\\system32\\drivers\\etc\\hosts"},
    {"name": "evil.xml\r\nSet-Cookie: session=stolen"},
    {"filename": "\u202egnp.exe", "download": "Überwachung 法案.xml"},
    {"filename": "x" * 5000},
])
def test_export_names_its_download_from_the_document_never_from_the_request(client, site, query):
    document = site["documents"][0]
    response = client.get(f"/api/documents/{document}/export?{urlencode(query)}", headers=site["bearer"])
    assert response.status_code == 200
    values = response.headers.getlist("Content-Disposition")
    assert len(values) == 1 and SAFE_DISPOSITION.fullmatch(values[0]), values
    assert "Set-Cookie" not in response.headers and "passwd" not in values[0] and "gnp" not in values[0]
    assert "/akn" not in values[0]


@pytest.mark.parametrize("odd", ["überwachung-gesetz", "a\u202egnp.exe", "x\r\ny", "..%2f..%2fetc", "名前", "a b\tc"])
def test_odd_characters_in_the_frbr_uri_give_a_safe_download_name(client, auth, odd):
    xml = sample_bytes("ma-biometric-moratorium-bill.xml").decode("utf-8").replace("biometric-moratorium", odd)
    created = client.post("/api/documents", data=xml.encode("utf-8"), headers=auth(**{"Content-Type": AKN}))
    if created.status_code != 201:  # refused as a FRBR URI: also safe
        assert 400 <= created.status_code < 500 and created.mimetype == "application/problem+json"
        return
    response = client.get(f"/api/documents/{created.get_json()['id']}/export", headers=auth())
    assert response.status_code == 200
    values = response.headers.getlist("Content-Disposition")
    assert len(values) == 1 and SAFE_DISPOSITION.fullmatch(values[0]), values


def test_export_with_a_hostile_version_is_a_problem_not_an_error(client, site):
    document = site["documents"][0]
    for version in ("../../etc/passwd", "-1", "0", "1e3", "99999999999999999999", "1\r\nX-Evil: 1"):
        response = client.get(f"/api/documents/{document}/export?version={quote(version)}", headers=site["bearer"])
        assert_no_server_error(response, f"version={version!r}")
        assert "X-Evil" not in response.headers


# --- search input -----------------------------------------------------------------------------------------------

HOSTILE_SEARCHES = [
    "'", '"', "' OR '1'='1", "'; DROP TABLE documents; --", "OR", "title OR 1", "NEAR(", "NEAR(a b, 2)", "*",
    "a*", "%", "%%", "_", "__", "\\", "\\%", "a\\", "\x00", "a\x00b", "a" * 10_240, "😀", "\u202e", "(", ")",
    "AND", "NOT", "-", "title:x", "{", "[", "$1", "?", ":name", "\r\n",
]


def test_hostile_search_on_the_api_is_a_result_or_a_problem(client, site):
    for q in HOSTILE_SEARCHES:
        response = client.get(f"/api/documents?{urlencode({'q': q})}", headers=site["bearer"])
        assert_no_server_error(response, f"q={q[:40]!r}")
        if response.status_code == 200 and not q.isalpha():
            assert response.get_json()["total"] == 0 or q in ("-", "a*", "(", ")"), q


def test_hostile_search_on_the_library_page_is_a_page(browser):
    for q in HOSTILE_SEARCHES:
        response = browser.get(f"/?{urlencode({'q': q, 'type': q, 'jurisdiction': q})}")
        assert response.status_code in (200, 400), f"q={q[:40]!r}: {response.status_code}"


def test_undecodable_search_bytes_are_a_result_or_a_problem(client, browser, site):
    for raw in ("%ff%fe", "%c0%af", "%ed%a0%80", "%00", "%", "%e2%80%ae"):
        assert_no_server_error(client.get(f"/api/documents?q={raw}", headers=site["bearer"]), raw)
        assert browser.get(f"/?q={raw}").status_code in (200, 400), raw


def test_wildcards_match_themselves(client, site):
    found = client.get("/api/documents?q=Moratorium", headers=site["bearer"]).get_json()
    assert found["total"] >= 1
    for wildcard in ("%", "_", "%Moratorium%", "Morat_rium", "*"):
        body = client.get(f"/api/documents?{urlencode({'q': wildcard})}", headers=site["bearer"]).get_json()
        assert body["total"] == 0, wildcard


# --- paging and sorting -----------------------------------------------------------------------------------------

PAGING = [
    {"per_page": "0"}, {"per_page": "-1"}, {"per_page": str(10**9)}, {"per_page": "abc"}, {"per_page": ""},
    {"per_page": "1e3"}, {"per_page": str(10**30)}, {"per_page": "1.5"},
    {"page": "-1"}, {"page": "0"}, {"page": "abc"}, {"page": str(10**9)}, {"page": str(10**30)},
    {"page": "2", "per_page": "100"},
    {"sort": "title; DROP TABLE documents"}, {"sort": "-id"}, {"sort": "nonexistent"}, {"order": "sideways"},
    {"order": "desc", "sort": "created_at"}, {"sort_by": "password_hash"}, {"order_by": "1"},
]


def list_endpoints(app) -> list[str]:
    """The API's GET endpoints that list pages of things (they take page and per_page)."""
    return [rule.rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and rule.rule in ("/api/documents", "/api/audit", "/api/users")]


def test_paging_and_sorting_of_api_lists_are_clamped_or_refused(app, client, site):
    paths = list_endpoints(app)
    assert "/api/documents" in paths
    for query in PAGING:
        for path in paths:
            response = client.get(f"{path}?{urlencode(query)}", headers=site["bearer"])
            assert_no_server_error(response, f"{path}?{urlencode(query)}")
            body = response.get_json()
            if response.status_code == 200 and isinstance(body, dict) and "items" in body:
                assert len(body["items"]) <= 200 and body["per_page"] >= 1


def test_paging_and_sorting_of_the_library_page_are_clamped(browser):
    for query in PAGING:
        response = browser.get(f"/?{urlencode(query)}")
        assert response.status_code in (200, 400), (query, response.status_code)


def test_compare_and_export_pages_take_hostile_numbers(browser, site):
    document = site["documents"][0]
    for query in ("against=abc", "against=-1", "against=0", "version=0&against=1",
                  "view=%3Cscript%3E", "against_version=-5&against=1", "against=1&version=abc"):
        response = browser.get(f"/documents/{document}/compare?{query}")
        assert response.status_code in (200, 400, 404), (query, response.status_code)
    for query in ("version=abc", "version=-1"):
        response = browser.get(f"/documents/{document}/export?{query}")
        assert response.status_code in (200, 400, 404), (query, response.status_code)


HUGE = 10**30


def test_page_urls_with_numbers_beyond_the_store_are_not_found(app, browser, site):
    document = site["documents"][0]
    urls = [f"/documents/1/compare?against={2**31}", f"/documents/{document}/export?version={2**31}",
            f"/documents/1/compare?against={HUGE}", f"/documents/1/compare?against=1&version={HUGE}",
            f"/documents/1/compare?against=1&against_version={HUGE}", f"/documents/{document}/export?version={HUGE}"]
    urls += [rule.build({"document_id": HUGE})[1] for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and not rule.rule.startswith("/api") and "document_id" in rule.arguments]
    for url in urls:
        response = browser.get(url)
        assert response.status_code in (400, 404), (url, response.status_code)
    restore = browser.post(f"/documents/{HUGE}/restore", data={"version": "1", "csrf_token": browser.csrf})
    assert restore.status_code in (400, 404)


# --- media types ------------------------------------------------------------------------------------------------


def body_operations(client) -> list[tuple[str, str]]:
    """Every (method, path template) of the OpenAPI document that takes a request body."""
    spec = client.get("/api/openapi.json").get_json()
    return [(method.upper(), path) for path, operations in spec["paths"].items()
            for method, operation in operations.items() if isinstance(operation, dict) and "requestBody" in operation]


def test_openapi_lists_the_body_taking_endpoints(client):
    operations = body_operations(client)
    assert ("POST", "/api/documents") in operations and ("PUT", "/api/documents/{document_id}") in operations
    assert ("POST", "/api/users/{name}/tokens") in operations and ("POST", "/api/redlines") in operations


@pytest.mark.parametrize("media_type", ["application/x-evil", "text/html", "application/x-www-form-urlencoded",
                                        "image/svg+xml"])
def test_every_body_taking_api_endpoint_refuses_a_wrong_media_type_with_415(client, site, media_type):
    before = state(site)
    values = {"document_id": site["documents"][0], "name": ADMIN, "number": 1}
    for method, template in body_operations(client):
        path = re.sub(r"\{(\w+)\}", lambda match: str(values[match.group(1)]), template)
        response = client.open(path, method=method, data=b'{"x": 1}', headers={
            **site["bearer"], "Content-Type": media_type, "If-Match": "*"})
        assert response.status_code == 415, f"{method} {path}: {response.status_code} {response.get_data()[:200]}"
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["rule"] == "unsupported-media-type"
    assert state(site) == before


def test_a_json_endpoint_without_content_type_is_415(client, site):
    response = client.post("/api/redlines", data=b'{"old": {"text": "a"}, "new": {"text": "b"}}',
                           headers=site["bearer"])
    assert response.status_code == 415 and response.mimetype == "application/problem+json"


def test_every_page_form_refuses_a_wrong_media_type_with_415(app, browser, site):
    before = state(site)
    for method, rule in unsafe_rules(app, "/"):
        if rule.rule.startswith("/api"):
            continue
        response = browser.open(url_of(rule, site), method=method, data=b'{"csrf_token": "x"}',
                                headers={"Content-Type": "application/json", "X-CSRF-Token": browser.csrf})
        assert response.status_code == 415, f"{method} {rule.rule}: {response.status_code}"
        assert response.mimetype == "application/problem+json"
    assert state(site) == before


# --- CSRF -------------------------------------------------------------------------------------------------------


def test_every_state_changing_page_without_the_csrf_token_is_403(app, browser, site):
    before = state(site)
    rules = [(method, rule) for method, rule in unsafe_rules(app, "/") if not rule.rule.startswith("/api")]
    assert len(rules) >= 6
    for method, rule in rules:
        form = {"template": "bill", "title": "CSRF", "jurisdiction": "us-ma", "number": "csrf", "version": "1",
                "text": "Section 1. Text.", "name": ADMIN, "password": PASSWORD}
        response = browser.open(url_of(rule, site), method=method, data=form)
        assert response.status_code == 403, f"{method} {rule.rule}: {response.status_code}"
        wrong = browser.open(url_of(rule, site), method=method, data={**form, "csrf_token": "forged"})
        assert wrong.status_code == 403, f"{method} {rule.rule} with a forged token: {wrong.status_code}"
    assert state(site) == before
    assert browser.get("/").status_code == 200  # still signed in: logout needed the token too


def api_body(method: str, rule, site) -> dict:
    """A body each unsafe API endpoint would accept, so that only the missing CSRF token stands in the way."""
    other = site["documents"][1]
    xml = sample_bytes("ma-biometric-moratorium-bill.xml")
    bodies = {
        "documents.create_document": {"json": {"template": "bill", "title": "CSRF", "jurisdiction": "us-ma",
                                               "number": "csrf"}},
        "documents.save_document": {"data": xml, "content_type": AKN},
        "documents.rename_document": {"json": {"frbr_uri": "/akn/us-ma/bill/2026/csrf"}},
        "documents.change_visibility": {"json": {"visibility": "private"}},
        "users.create_user": {"json": {"name": "csrf", "role": "admin", "password": "csrf-csrf-csrf"}},
        "users.change_role": {"json": {"role": "viewer"}},
        "users.issue_token": {"json": {"label": "csrf"}},
        "gaps.adopt": {"json": {"from": other, "eId": "sec_1"}},
    }
    return bodies.get(rule.endpoint, {"json": {}})


def test_every_state_changing_api_call_with_the_session_cookie_but_no_csrf_token_is_403(app, browser, site):
    before = state(site)
    rules = unsafe_rules(app, "/api")
    assert len(rules) >= 10
    for method, rule in rules:
        response = browser.open(url_of(rule, site), method=method, **api_body(method, rule, site))
        assert response.status_code == 403, f"{method} {rule.rule}: {response.status_code}"
        assert response.mimetype == "application/problem+json"
        forged = browser.open(url_of(rule, site), method=method, headers={"X-CSRF-Token": "forged"},
                              **api_body(method, rule, site))
        assert forged.status_code == 403, f"{method} {rule.rule} with a forged token: {forged.status_code}"
    assert state(site) == before


def test_the_session_with_its_csrf_token_may_change_things(browser, site):
    response = browser.post("/api/documents", json={"template": "bill", "title": "With token",
                                                    "jurisdiction": "us-ma", "number": "with-token"},
                            headers={"X-CSRF-Token": browser.csrf})
    assert response.status_code == 201


# --- lost updates -----------------------------------------------------------------------------------------------


def conditional_writes(app, site) -> list[tuple[str, str, dict]]:
    """Every write that must name the version it is based on: (method, path, request arguments)."""
    document, other = site["documents"][:2]
    writes = [
        ("PUT", f"/api/documents/{document}",
         {"data": sample_bytes("us-ma-bayport-ordinance-16-62.xml"), "content_type": AKN}),
        ("POST", f"/api/documents/{document}/rename", {"json": {"frbr_uri": "/akn/us-ma/act/ordinance/2020/x-1"}}),
        ("POST", f"/api/documents/{document}/adopt", {"json": {"from": other, "eId": "sec_1"}}),
    ]
    if any(rule.endpoint == "documents.delete_document" for rule in app.url_map.iter_rules()):
        writes.append(("DELETE", f"/api/documents/{document}", {}))
    return writes


@pytest.mark.parametrize("if_match,status", [(None, 428), ("*", 428), ('"v0-0123456789abcdef01234567"', 412),
                                             ('W/"v1-0123456789abcdef01234567"', 412), ("garbage", 412)])
def test_writes_need_the_current_etag(app, client, site, if_match, status):
    before = state(site)
    for method, path, arguments in conditional_writes(app, site):
        headers = dict(site["bearer"])
        if if_match is not None:
            headers["If-Match"] = if_match
        response = client.open(path, method=method, headers=headers, **arguments)
        assert response.status_code == status, f"{method} {path}: {response.status_code} {response.get_data()[:300]}"
        assert response.mimetype == "application/problem+json"
    assert state(site) == before


def test_a_stale_etag_after_another_save_is_412(client, site):
    document = site["documents"][0]
    etag = client.get(f"/api/documents/{document}", headers=site["bearer"]).headers["ETag"]
    xml = client.get(f"/api/documents/{document}", headers={**site["bearer"], "Accept": AKN}).data
    first = client.put(f"/api/documents/{document}", data=xml,
                       headers={**site["bearer"], "Content-Type": AKN, "If-Match": etag})
    assert first.status_code == 200
    second = client.put(f"/api/documents/{document}", data=xml,
                        headers={**site["bearer"], "Content-Type": AKN, "If-Match": etag})
    assert second.status_code == 412 and second.mimetype == "application/problem+json"
