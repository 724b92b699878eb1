"""Importing text and Word documents over HTTP: stored with their import report, or previewed without storing."""

from __future__ import annotations

import io
import random
import time
import zipfile

from drafting import create_app
from tests.app_fixtures import SAMPLES, shared_path

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ORDINANCE = (
    "AN ORDINANCE RESTRICTING FACE SURVEILLANCE\n\n"
    "Be it ordained by the Town Council as follows:\n\n"
    "Section 1. Definitions.\n"
    '"Face surveillance" means an automated process that identifies a person from the face.\n\n'
    "Section 2. Prohibition.\n"
    "(a) No town official shall use face surveillance.\n"
    "(b) No town official shall request face surveillance from a third party.\n"
)


def test_text_body_is_imported_and_stored_with_its_import_report(client, auth):
    response = client.post("/api/documents?jurisdiction=us-ma-townsend&number=2026-3", data=ORDINANCE.encode(),
                           headers=auth(**{"Content-Type": "text/plain; charset=utf-8"}))
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["frbr_uri"].startswith("/akn/us-ma-townsend/act/ordinance/")
    assert body["valid"] is True
    assert [p["eId"] for p in body["provisions"]] == ["sec_1", "sec_2"]
    assert [c["eId"] for c in body["provisions"][1]["children"]] == ["sec_2__subsec_a", "sec_2__subsec_b"]
    report = body["report"]["import"]
    assert report["definitions"] == [{"term": "Face surveillance", "refersTo": "#term-face_surveillance"}]
    assert report["title"] == "AN ORDINANCE RESTRICTING FACE SURVEILLANCE"


def test_multipart_upload_takes_options_from_form_fields(client, auth):
    data = {"file": (io.BytesIO(ORDINANCE.encode()), "ordinance.txt"), "jurisdiction": "us-ma-lee",
            "type": "bill", "title": "Face Surveillance Restrictions"}
    response = client.post("/api/documents", data=data, headers=auth(), content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["jurisdiction"], body["doc_type"], body["title"]) == ("us-ma-lee", "bill",
                                                                       "Face Surveillance Restrictions")


def test_import_preview_returns_akn_and_report_without_storing(client, auth):
    response = client.post("/api/import", data=ORDINANCE.encode(),
                           headers=auth("viewer", **{"Content-Type": "text/plain"}))
    assert response.status_code == 200
    body = response.get_json()
    assert body["valid"] is True and body["akn"].startswith("<?xml")
    assert any(item["what"].startswith("section") for item in body["report"]["recognised"])
    assert client.get("/api/documents", headers=auth()).get_json()["total"] == 0


def test_sample_text_imports_into_the_same_provisions_as_its_akn(client, auth):
    text = (SAMPLES / "us-ma-bayport-ordinance-16-62.txt").read_bytes()
    imported = client.post("/api/import?jurisdiction=us-ma-bayport", data=text,
                           headers=auth(**{"Content-Type": "text/plain"})).get_json()
    stored = client.post("/api/documents", data=(SAMPLES / "us-ma-bayport-ordinance-16-62.xml").read_bytes(),
                         headers=auth(**{"Content-Type": "application/akn+xml"})).get_json()
    assert imported["valid"]
    from drafting.akn import extract_provisions, iter_provisions, parse_akn

    provisions = [(p.eId, p.num, p.heading, p.text)
                  for p in iter_provisions(extract_provisions(parse_akn(imported["akn"].encode()).root))]
    assert provisions[0][:2] == ("sec_16-62.1", "16-62.1")
    assert len(provisions) == sum(1 for _ in _walk(stored["provisions"]))


def _walk(provisions):
    for provision in provisions:
        yield provision
        yield from _walk(provision["children"])


def test_invalid_utf8_text_is_400_naming_the_offset(client, auth):
    response = client.post("/api/documents", data=b"Section 1. Title.\n\xff\xfe bad",
                           headers=auth(**{"Content-Type": "text/plain"}))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "not valid UTF-8" in response.get_json()["detail"] and "offset 18" in response.get_json()["detail"]


def test_control_character_payload_gets_a_clear_answer_quickly(client, auth):
    payload = shared_path("attacks", "14-text-control-chars.txt").read_bytes()
    started = time.perf_counter()
    response = client.post("/api/documents", data=payload, headers=auth(**{"Content-Type": "text/plain"}))
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 400
    assert "not valid UTF-8" in response.get_json()["detail"]
    assert client.get("/api/documents", headers=auth()).get_json()["total"] == 0


def test_hostile_plain_text_is_stored_verbatim_and_comes_back_as_data(client, auth):
    payload = shared_path("attacks", "13-xss-plain.txt").read_bytes()
    response = client.post("/api/documents", data=payload, headers=auth(**{"Content-Type": "text/plain"}))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    xml = client.get(f"/api/documents/{response.get_json()['id']}", headers=auth(Accept="application/akn+xml")).data
    assert b"<script" not in xml and b"&lt;script&gt;alert(\"AKN-XSS-plain-script\")" in xml
    assert b"{{7*7}}" in xml


def test_zip_bomb_docx_is_refused_before_decompressing(client, auth):
    payload = shared_path("attacks", "10-zip-bomb.docx").read_bytes()
    started = time.perf_counter()
    response = client.post("/api/documents", data=payload, headers=auth(**{"Content-Type": DOCX}))
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_unsupported_upload_type_is_415(client, auth):
    response = client.post("/api/import", data=b"%PDF-1.4", headers=auth(**{"Content-Type": "application/pdf"}))
    assert response.status_code == 415


def _word_ordinance() -> bytes:
    from docx import Document

    document = Document()
    for text in ORDINANCE.split("\n"):
        if text:
            document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_document_is_imported_with_the_same_structure_as_its_text(client, auth):
    response = client.post("/api/documents?jurisdiction=us-ma-townsend", data=_word_ordinance(),
                           headers=auth(**{"Content-Type": DOCX}))
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert [p["eId"] for p in body["provisions"]] == ["sec_1", "sec_2"]
    assert body["report"]["import"]["definitions"][0]["term"] == "Face surveillance"


def test_word_document_by_multipart_is_recognised_by_its_extension(client, auth):
    data = {"file": (io.BytesIO(_word_ordinance()), "ordinance.docx")}
    response = client.post("/api/import", data=data, headers=auth(), content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["valid"] is True


MiB = 1024 * 1024


def _with_unshown_part(data: bytes, size: int) -> bytes:
    """Return a .docx with one more part of `size` bytes that Word does not show: random hex digits, which deflate
    about 2:1 (a long bill's XML unpacks to several times its upload)."""
    block = random.Random(7).randbytes(MiB // 2).hex().encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry.filename, source.read(entry.filename))
        target.writestr("customXml/unshown.xml", (block * (size // len(block) + 1))[:size])
    return buffer.getvalue()


def test_docx_unpacked_size_has_its_own_limit_above_the_upload_limit(client, auth):
    data = _with_unshown_part(_word_ordinance(), 17 * MiB)
    assert len(data) < client.application.config["DRAFTING_MAX_UPLOAD_BYTES"]

    response = client.post("/api/import", data=data, headers=auth(**{"Content-Type": DOCX}))

    assert response.status_code == 200, response.get_data(as_text=True)
    assert client.application.config["DRAFTING_MAX_DOCX_UNPACKED_BYTES"] == 64 * MiB


def test_docx_above_the_unpacked_size_limit_is_refused_naming_the_setting(database, database_url, tmp_path,
                                                                         monkeypatch, auth):
    monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("DRAFTING_MAX_DOCX_UNPACKED_BYTES", str(256 * 1024))
    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    try:
        client = app.test_client()
        data = _with_unshown_part(_word_ordinance(), 300 * 1024)  # a body small enough for the test client to hold
        with client.post("/api/import", data=data, headers=auth(**{"Content-Type": DOCX})) as body, \
                client.post("/api/documents", data={"file": (io.BytesIO(data), "big.docx")}, headers=auth(),
                            content_type="multipart/form-data") as form:
            answers = [(response.status_code, response.get_json()) for response in (body, form)]
    finally:
        app.extensions["drafting.database"].dispose()

    for status, problem in answers:
        assert status == 413, problem
        assert problem["rule"] == "request-too-large"
        assert "the limit is 256 KiB (DRAFTING_MAX_DOCX_UNPACKED_BYTES)" in problem["detail"]


UNTITLED = "SECTION 1. The department shall publish an annual report.\n"
OTHER_UNTITLED = "SECTION 1. No police department shall use face surveillance.\n"


def test_untitled_texts_are_stored_side_by_side_and_the_same_one_twice_conflicts(client, auth):
    def create(text: str):
        return client.post("/api/documents", data=text.encode(), headers=auth(**{"Content-Type": "text/plain"}))

    first, second, again = create(UNTITLED), create(OTHER_UNTITLED), create(UNTITLED)

    assert first.status_code == 201, first.get_json()
    assert second.status_code == 201, second.get_json()
    uris = [response.get_json()["frbr_uri"] for response in (first, second)]
    assert uris[0] != uris[1]
    number = uris[0].rsplit("/", 1)[1]
    assert any(f"the number {number} is derived" in note for note in first.get_json()["report"]["import"]["notes"])
    assert again.status_code == 409
    assert uris[0] in again.get_json()["detail"]
