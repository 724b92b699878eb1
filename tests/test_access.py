"""Document access: a private document is visible to its owner and admins only; to anyone else it does not exist
(404, exactly as for an unknown id, on every route and page), it is not listed and it cannot be compared against or
adopted from. Shared documents behave as before. Deleting a document makes it disappear for everyone."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field

import pytest

from drafting import services
from drafting.store import repository
from tests.app_fixtures import sample_bytes
from tests.test_web import csrf, sign_in

AKN = "application/akn+xml"
MISSING = 999_999
PASSWORD = "correct horse battery"
TEMPLATE = {"template": "bill", "title": "Private Surveillance Draft", "jurisdiction": "us-ma", "number": "h-77",
            "date": "2026-11-26"}
ORDINANCE = "us-ma-harborview-ordinance-2021-2-128.xml"
ORDINANCE_EID = "sec_2.128.050"

OWNER, ADMIN, VIEWER, OTHER = "test-drafter", "test-admin", "test-viewer", "other-drafter"


@dataclass
class World:
    """A private bill of OWNER, a shared ordinance, and a way to call the API or the pages as anyone."""

    app: object
    private: int
    shared: int
    tokens: dict[str, str]
    browsers: dict = field(default_factory=dict)

    def headers(self, who: str, **extra) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}", **extra}

    def etag(self, document: int) -> str:
        return self.app.test_client().get(f"/api/documents/{document}", headers=self.headers(ADMIN)).headers["ETag"]

    def xml(self, document: int) -> bytes:
        return self.app.test_client().get(f"/api/documents/{document}", headers=self.headers(ADMIN, Accept=AKN)).data

    def browser(self, who: str):
        """A browser signed in as `who` (password hashing is slow on purpose: once per user and test)."""
        if who not in self.browsers:
            services.set_password(self.app.extensions["drafting.database"], who, PASSWORD)
            client = self.app.test_client()
            assert sign_in(client, who, PASSWORD).status_code == 302
            self.browsers[who] = client
        return self.browsers[who]


@pytest.fixture
def world(app, client, tokens) -> World:
    db = app.extensions["drafting.database"]
    everyone = {**{f"test-{role}": token for role, token in tokens.items()},
                OTHER: services.create_token(db, OTHER, "drafter")[1]}
    made = World(app=app, private=0, shared=0, tokens=everyone)
    private = client.post("/api/documents", json={**TEMPLATE, "visibility": "private"}, headers=made.headers(OWNER))
    assert private.status_code == 201, private.get_data(as_text=True)
    shared = client.post("/api/documents", data=sample_bytes(ORDINANCE),
                         headers=made.headers(ADMIN, **{"Content-Type": AKN}))
    assert shared.status_code == 201
    made.private, made.shared = private.get_json()["id"], shared.get_json()["id"]
    return made


# --- every route ------------------------------------------------------------------------------------------------
# Each call takes the world, who calls, and the document under test (the private one, or an id that does not
# exist); the role is the least the route needs (a viewer gets 403 for a drafter's route, whatever the document).


def _api(method, path, role="viewer", **kwargs):
    def call(world: World, who: str, target: int):
        options = {key: value(world, target) if callable(value) else value for key, value in kwargs.items()}
        headers = world.headers(who, **options.pop("headers", {}))
        url = path.format(t=target, s=world.shared)
        return getattr(world.app.test_client(), method)(url, headers=headers, **options)

    call.role = role
    return call


def _page(path, role="viewer", method="get", data=None):
    def call(world: World, who: str, target: int):
        client = world.browser(who)
        url = path.format(t=target, s=world.shared)
        if method == "post":
            token = csrf(client.get("/").data)
            return client.post(url, data={**(data or {}), "csrf_token": token})
        return client.get(url)

    call.role = role
    call.page = True
    return call


ROUTES = {
    "GET document": _api("get", "/api/documents/{t}"),
    "GET document as XML": _api("get", "/api/documents/{t}", headers={"Accept": AKN}),
    "GET versions": _api("get", "/api/documents/{t}/versions"),
    "GET one version": _api("get", "/api/documents/{t}/versions/1"),
    "GET export": _api("get", "/api/documents/{t}/export"),
    "GET redline of it": _api("get", "/api/documents/{t}/redline?against={s}"),
    "GET redline against it": _api("get", "/api/documents/{s}/redline?against={t}"),
    "POST redlines with it": _api("post", "/api/redlines",
                                  json=lambda w, t: {"old": {"document": t}, "new": {"document": w.shared}}),
    "GET gaps of it": _api("get", "/api/documents/{t}/gaps"),
    "GET norms of it": _api("get", "/api/documents/{t}/norms"),
    "GET gaps against it": _api("get", "/api/documents/{s}/gaps?against={t}"),
    "POST gaps against it": _api("post", "/api/gaps?against={t}", data=b"SECTION 1. Title.\nThis act is short.\n",
                                 headers={"Content-Type": "text/plain"}),
    "PUT new version": _api("put", "/api/documents/{t}", "drafter", data=b"<akomaNtoso/>",
                            headers={"Content-Type": AKN}),
    "POST rename": _api("post", "/api/documents/{t}/rename", "drafter", json={"frbr_uri": "/akn/us-ma/bill/2027/x"}),
    "POST adopt into it": _api("post", "/api/documents/{t}/adopt", "drafter",
                               json=lambda w, t: {"from": w.shared, "eId": ORDINANCE_EID}),
    "POST adopt from it": _api("post", "/api/documents/{s}/adopt", "drafter",
                               json=lambda w, t: {"from": t, "eId": "sec_1"},
                               headers=lambda w, t: {"If-Match": w.etag(w.shared)}),
    "POST adopt preview from it": _api("post", "/api/adopt", "drafter",
                                       json=lambda w, t: {"akn": w.xml(w.shared).decode(), "from_id": t,
                                                          "eId": "sec_1"}),
    "POST merge": _api("post", "/api/documents/{t}/merge", "drafter",
                       json=lambda w, t: {"akn": w.xml(w.shared).decode(), "base_version": 1}),
    "PATCH visibility": _api("patch", "/api/documents/{t}", "drafter", json={"visibility": "private"}),
    "DELETE": _api("delete", "/api/documents/{t}", "drafter"),
    "page": _page("/documents/{t}"),
    "history page": _page("/documents/{t}/history"),
    "compare page": _page("/documents/{t}/compare"),
    "compare page against it": _page("/documents/{s}/compare?against={t}"),
    "export page": _page("/documents/{t}/export"),
    "editor page": _page("/documents/{t}/edit", "drafter"),
    "restore": _page("/documents/{t}/restore", "drafter", method="post", data={"version": "1"}),
}


def _shape(response, target: int):
    """What a response tells about the document: status, and the problem without the ids and the path."""
    if response.mimetype != "application/problem+json":
        return response.status_code, None
    body = response.get_json()
    body.pop("instance", None)
    body["detail"] = re.sub(rf"\b{target}\b", "ID", body["detail"])
    return response.status_code, body


@pytest.mark.parametrize("route", list(ROUTES), ids=list(ROUTES))
def test_private_document_does_not_exist_for_others_and_is_there_for_owner_and_admin(world, route):
    call = ROUTES[route]
    for outsider in (OTHER, VIEWER):
        private = call(world, outsider, world.private)
        missing = call(world, outsider, MISSING)
        assert _shape(private, world.private) == _shape(missing, MISSING), (outsider, private.get_data(as_text=True))
        expected = 404 if outsider == OTHER or call.role == "viewer" else 403
        assert private.status_code == expected, (outsider, private.get_data(as_text=True))
    for insider in (OWNER, ADMIN):
        response = call(world, insider, world.private)
        assert response.status_code != 404, (insider, response.get_data(as_text=True))
        assert response.status_code < 500


def test_owner_and_admin_read_and_write_a_private_document(world, client):
    for who in (OWNER, ADMIN):
        xml = world.xml(world.private).replace(b"Untitled Act", f"Act of {who}".encode())
        saved = client.put(f"/api/documents/{world.private}", data=xml,
                           headers=world.headers(who, **{"Content-Type": AKN, "If-Match": world.etag(world.private)}))
        assert saved.status_code == 200, saved.get_data(as_text=True)
    versions = client.get(f"/api/documents/{world.private}/versions", headers=world.headers(OWNER)).get_json()
    assert len(versions["versions"]) == 3


def test_private_document_is_not_listed_for_others(world, client):
    def listed(who):
        items = client.get("/api/documents?per_page=100", headers=world.headers(who)).get_json()["items"]
        return {item["id"] for item in items}

    assert world.private in listed(OWNER) and world.private in listed(ADMIN)
    assert listed(OTHER) == listed(VIEWER) == {world.shared}
    assert client.get("/api/documents", headers=world.headers(OTHER)).get_json()["total"] == 1


def test_private_document_is_not_in_the_library_page_nor_offered_for_comparison(world):
    title = TEMPLATE["title"].encode()
    assert title in world.browser(OWNER).get("/").data
    for who in (OTHER, VIEWER):
        browser = world.browser(who)
        assert title not in browser.get("/").data
        assert title not in browser.get(f"/documents/{world.shared}/compare").data


def test_private_document_cannot_be_compared_against_nor_adopted_from_by_others(world, client):
    against = client.get(f"/api/documents/{world.shared}/gaps?against={world.private}", headers=world.headers(OTHER))
    assert against.status_code == 404
    assert client.get(f"/api/documents/{world.shared}/gaps?against={world.private}",
                      headers=world.headers(OWNER)).status_code == 200
    adopt = client.post(f"/api/documents/{world.shared}/adopt", json={"from": world.private, "eId": "sec_1"},
                        headers=world.headers(OTHER, **{"If-Match": world.etag(world.shared)}))
    assert adopt.status_code == 404
    assert len(client.get(f"/api/documents/{world.shared}/versions",
                          headers=world.headers(OTHER)).get_json()["versions"]) == 1


def test_a_cached_redline_is_not_served_to_someone_who_may_not_see_a_side(world, client):
    path = f"/api/documents/{world.private}/redline?against={world.shared}"
    first = client.get(path, headers=world.headers(OWNER))
    assert first.status_code == 200
    again = client.get(path, headers=world.headers(OTHER, **{"If-None-Match": first.headers["ETag"]}))
    assert again.status_code == 404


def test_shared_documents_are_read_by_everyone_and_written_by_drafters(world, client):
    for who in (OTHER, VIEWER, OWNER):
        assert client.get(f"/api/documents/{world.shared}", headers=world.headers(who)).status_code == 200
    xml = world.xml(world.shared)
    saved = client.put(f"/api/documents/{world.shared}", data=xml,
                       headers=world.headers(OTHER, **{"Content-Type": AKN, "If-Match": world.etag(world.shared)}))
    assert saved.status_code == 200


# --- a taken work URI -------------------------------------------------------------------------------------------
# Work URIs are unique, so anyone who tries one may learn that it is taken. Of the document that holds it they learn
# nothing more, unless it is shared (which every user may read): then its id.

PRIVATE_URI = "/akn/us-ma/bill/2026/h-77"
SHARED_URI = "/akn/us-ma-harborview/act/ordinance/2021/2-128"


def _taken(response) -> dict:
    """The 409 problem without its instance (the request's own path)."""
    assert response.status_code == 409, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    body.pop("instance")
    return body


def test_a_work_uri_held_by_a_private_document_is_taken_and_nothing_else_is_said_of_it(world, client):
    answers = {who: _taken(client.post("/api/documents", json={**TEMPLATE, "title": "Another Draft"},
                                       headers=world.headers(who))) for who in (OTHER, OWNER, ADMIN)}
    mine = client.post("/api/documents", json={**TEMPLATE, "number": "h-78"}, headers=world.headers(OTHER))
    renamed = _taken(client.post(f"/api/documents/{mine.get_json()['id']}/rename", json={"frbr_uri": PRIVATE_URI},
                                 headers=world.headers(OTHER, **{"If-Match": mine.headers["ETag"]})))

    # one answer whoever asks (it does not tell who may see the holder), on creating and on renaming alike
    assert answers[OTHER] == answers[OWNER] == answers[ADMIN] == renamed
    answer = answers[OTHER]
    assert answer["rule"] == "conflict" and answer["frbr_work_uri"] == PRIVATE_URI
    assert answer["detail"] == f"a work with the URI {PRIVATE_URI} already exists"
    said = json.dumps(answer)
    for secret in (TEMPLATE["title"], OWNER, "private", f"/documents/{world.private}"):
        assert secret not in said, secret
    assert world.private not in answer.values() and "document_id" not in answer


def test_a_work_uri_held_by_a_shared_document_is_taken_and_the_answer_gives_its_id(world, client):
    again = _taken(client.post("/api/documents", data=sample_bytes(ORDINANCE),
                               headers=world.headers(OTHER, **{"Content-Type": AKN})))
    private = _taken(client.post("/api/documents", json=TEMPLATE, headers=world.headers(OTHER)))

    assert again["document_id"] == world.shared
    assert client.get(f"/api/documents/{again['document_id']}", headers=world.headers(OTHER)).status_code == 200
    # the same words as for a private holder: only the id is added
    assert again["detail"].replace(SHARED_URI, "URI") == private["detail"].replace(PRIVATE_URI, "URI")
    assert set(again) - set(private) == {"document_id"}


# --- visibility -------------------------------------------------------------------------------------------------


def _events(app, **filters):
    with app.extensions["drafting.database"].session() as session:
        return repository.list_audit_events(session, limit=1000, **filters)[0]


def test_owner_makes_a_document_shared_and_private_again_each_change_audited(world, client):
    patch = client.patch(f"/api/documents/{world.private}", json={"visibility": "shared"},
                         headers=world.headers(OWNER))
    assert patch.status_code == 200, patch.get_data(as_text=True)
    assert patch.get_json() == {"id": world.private, "visibility": "shared", "owner": OWNER, "version": 1}
    assert client.get(f"/api/documents/{world.private}", headers=world.headers(OTHER)).status_code == 200
    client.patch(f"/api/documents/{world.private}", json={"visibility": "private"}, headers=world.headers(ADMIN))
    assert client.get(f"/api/documents/{world.private}", headers=world.headers(OTHER)).status_code == 404
    changes = _events(world.app, action="document.access_changed")
    assert [(e.actor, e.document_id, e.detail) for e in changes] == [
        (ADMIN, world.private, {"from": "shared", "to": "private"}),
        (OWNER, world.private, {"from": "private", "to": "shared"}),
    ]


def test_setting_the_same_visibility_again_changes_and_records_nothing(world, client):
    response = client.patch(f"/api/documents/{world.private}", json={"visibility": "private"},
                            headers=world.headers(OWNER))
    assert response.status_code == 200
    assert _events(world.app, action="document.access_changed") == []


def test_only_the_owner_or_an_admin_changes_visibility(world, client):
    # the other drafter can see the shared ordinance, so may be told 403 (it is not theirs)
    refused = client.patch(f"/api/documents/{world.shared}", json={"visibility": "private"},
                           headers=world.headers(OTHER))
    assert refused.status_code == 403 and refused.get_json()["rule"] == "role"
    assert client.patch(f"/api/documents/{world.shared}", json={"visibility": "private"},
                        headers=world.headers(VIEWER)).status_code == 403
    bad = client.patch(f"/api/documents/{world.private}", json={"visibility": "secret"}, headers=world.headers(OWNER))
    assert bad.status_code == 422
    assert _events(world.app, action="document.access_changed") == []


@pytest.mark.parametrize("how", ["query", "json", "form"])
def test_a_document_can_be_created_private(app, client, auth, how):
    if how == "query":
        response = client.post("/api/documents?visibility=private", data=sample_bytes(ORDINANCE),
                               headers=auth(**{"Content-Type": AKN}))
    elif how == "json":
        response = client.post("/api/documents", json={**TEMPLATE, "visibility": "private"}, headers=auth())
    else:
        form = {"file": (io.BytesIO(b"SECTION 1. Title.\nThis ordinance is short.\n"), "o.txt"),
                "visibility": "private", "title": "Private Import"}
        response = client.post("/api/documents", data=form, headers=auth(), content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)
    document = response.get_json()["id"]
    assert client.get(f"/api/documents/{document}", headers=auth("viewer")).status_code == 404
    assert client.get(f"/api/documents/{document}", headers=auth("admin")).status_code == 200
    created = _events(app, action="document.created")
    assert [(e.document_id, e.detail["visibility"]) for e in created] == [(document, "private")]


def test_documents_are_shared_unless_asked_and_an_unknown_visibility_is_422(client, auth):
    created = client.post("/api/documents", json=TEMPLATE, headers=auth())
    assert client.get(f"/api/documents/{created.get_json()['id']}", headers=auth("viewer")).status_code == 200
    refused = client.post("/api/documents?visibility=secret", data=sample_bytes(ORDINANCE),
                          headers=auth(**{"Content-Type": AKN}))
    assert refused.status_code == 422


# --- deleting ---------------------------------------------------------------------------------------------------


def test_creator_deletes_a_document_it_disappears_versions_kept_and_uri_free(world, client):
    path = f"/api/documents/{world.private}"
    deleted = client.delete(path, headers=world.headers(OWNER, **{"If-Match": world.etag(world.private)}))
    assert deleted.status_code == 204, deleted.get_data(as_text=True)
    for who in (OWNER, ADMIN):
        assert client.get(path, headers=world.headers(who)).status_code == 404
        assert client.get(f"{path}/versions", headers=world.headers(who)).status_code == 404
        listed = client.get("/api/documents", headers=world.headers(who)).get_json()["items"]
        assert world.private not in {item["id"] for item in listed}
    with world.app.extensions["drafting.database"].session() as session:
        assert [v.number for v in repository.list_versions(session, world.private)] == [1]
        assert repository.get_document(session, world.private).deleted_by == OWNER
    [event] = _events(world.app, action="document.deleted")
    assert (event.actor, event.document_id, event.version) == (OWNER, world.private, 1)
    again = client.post("/api/documents", json=TEMPLATE, headers=world.headers(OWNER))
    assert again.status_code == 201 and again.get_json()["id"] != world.private


def test_admin_deletes_any_document_other_drafters_and_viewers_may_not(world, client):
    path = f"/api/documents/{world.shared}"
    for who in (OTHER, VIEWER):
        refused = client.delete(path, headers=world.headers(who, **{"If-Match": world.etag(world.shared)}))
        assert refused.status_code == 403
    assert client.get(path, headers=world.headers(VIEWER)).status_code == 200
    deleted = client.delete(path, headers=world.headers(ADMIN, **{"If-Match": world.etag(world.shared)}))
    assert deleted.status_code == 204
    assert client.get(path, headers=world.headers(ADMIN)).status_code == 404


def test_delete_needs_the_current_if_match_and_a_stale_one_deletes_and_records_nothing(world, client):
    path = f"/api/documents/{world.private}"
    assert client.delete(path, headers=world.headers(OWNER)).status_code == 428
    stale = client.delete(path, headers=world.headers(OWNER, **{"If-Match": '"v1-000000000000000000000000"'}))
    assert stale.status_code == 412
    assert client.get(path, headers=world.headers(OWNER)).status_code == 200
    assert _events(world.app, action="document.deleted") == []


def test_a_deleted_document_cannot_be_saved_compared_or_used(world, client):
    etag = world.etag(world.private)
    client.delete(f"/api/documents/{world.private}", headers=world.headers(OWNER, **{"If-Match": etag}))
    put = client.put(f"/api/documents/{world.private}", data=b"<akomaNtoso/>",
                     headers=world.headers(OWNER, **{"Content-Type": AKN, "If-Match": etag}))
    assert put.status_code == 404
    redline = client.get(f"/api/documents/{world.shared}/redline?against={world.private}",
                         headers=world.headers(ADMIN))
    assert redline.status_code == 404
    assert world.browser(OWNER).get(f"/documents/{world.private}").status_code == 404


def test_services_without_a_principal_see_every_live_document(world):
    db = world.app.extensions["drafting.database"]
    assert services.get_document(db, world.private).document.visibility == "private"
    assert {d.id for d in services.list_documents(db)[0]} == {world.private, world.shared}
    outsider = services.Principal(OTHER, "drafter")
    assert {d.id for d in services.list_documents(db, principal=outsider)[0]} == {world.shared}
