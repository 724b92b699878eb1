"""services.imports: text and .docx into AKN, previewed without storing or stored as a new work, and the browser's
preview-then-save, called directly with a store."""

from __future__ import annotations

import base64

import pytest

from drafting import akn, services
from drafting.errors import ConflictError, DraftingError, RequestTooLargeError, UnsupportedMediaTypeError
from drafting.services.imports import AKN_XML, ImportInput, import_options, preview_import
from tests.app_fixtures import sample_bytes

MAX_DOCX_UNPACKED = 64 * 1024 * 1024
ORDINANCE = (
    b"AN ORDINANCE RESTRICTING FACE SURVEILLANCE\n\n"
    b"Be it ordained by the Town Council as follows:\n\n"
    b"Section 1. Definitions.\n"
    b'"Face surveillance" means an automated process that identifies a person from the face.\n\n'
    b"Section 2. Prohibition.\n"
    b"(a) No town official shall use face surveillance.\n"
    b"(b) No town official shall request face surveillance from a third party.\n"
)
TOWNSEND = {"jurisdiction": "us-ma-townsend", "number": "2026-3"}


def eids(provisions: list[dict]) -> list[str]:
    return [p["eId"] for provision in provisions for p in (provision, *provision["children"])]


def test_an_imported_text_is_prepared_with_its_report_and_nothing_is_stored(database):
    prepared, report = services.import_document(ORDINANCE, "text/plain", TOWNSEND)
    assert prepared.valid is True and prepared.report["import"] == report
    assert prepared.identification.work_uri.startswith("/akn/us-ma-townsend/act/ordinance/")
    assert report["definitions"] == [{"term": "Face surveillance", "refersTo": "#term-face_surveillance"}]
    assert prepared.content_hash == akn.content_hash(prepared.xml)
    assert services.list_documents(database) == ([], 0)


def test_an_imported_text_is_stored_as_version_1_under_the_title_the_uploader_gives(database):
    stored = services.create_document_from_import(database, ORDINANCE, "text/plain",
                                                  {**TOWNSEND, "title": "Face Surveillance Restrictions"},
                                                  author="ada")
    assert stored.document.title == "Face Surveillance Restrictions"
    assert (stored.version.number, stored.version.message) == (1, "imported from text/plain")
    again = services.get_document(database, stored.document.id)
    assert again.document.title == "Face Surveillance Restrictions" and again.report["import"]["definitions"]
    assert eids(services.provisions_of(again.version)) == ["sec_1", "sec_2", "sec_2__subsec_a", "sec_2__subsec_b"]


@pytest.mark.xfail(strict=True, reason="bug: the given title is only in FRBRalias; read_identification prefers the "
                   "printed docTitle, so the next save files the work under the printed title again")
def test_the_title_the_uploader_gives_outlives_the_next_save(database):
    stored = services.create_document_from_import(database, ORDINANCE, "text/plain",
                                                  {**TOWNSEND, "title": "Face Surveillance Restrictions"},
                                                  author="ada")
    services.save_version(database, stored.document.id, stored.version.xml.encode("utf-8"), base_version=1,
                          author="ada", message=None)
    assert services.get_document(database, stored.document.id).document.title == "Face Surveillance Restrictions"


def test_only_the_import_options_that_are_known_and_set_reach_the_importer():
    given = {"type": "bill", "jurisdiction": "us-ma-lee", "title": "", "number": None, "message": "hi", "x": 1}
    assert import_options(given) == {"doc_type": "bill", "jurisdiction": "us-ma-lee"}


def test_a_preview_lists_the_provisions_saving_would_store_and_stores_nothing(database):
    given = ImportInput(ORDINANCE, "text/plain", TOWNSEND, "pasted text")
    preview = preview_import(given, max_docx_unpacked=MAX_DOCX_UNPACKED)
    assert eids(preview.provisions) == ["sec_1", "sec_2", "sec_2__subsec_a", "sec_2__subsec_b"]
    assert preview.report["definitions"] and base64.b64decode(preview.payload) == ORDINANCE
    assert services.list_documents(database) == ([], 0)


def test_saving_a_preview_stores_exactly_the_document_that_was_previewed(database):
    preview = preview_import(ImportInput(ORDINANCE, "text/plain", TOWNSEND, "ordinance.txt"),
                             max_docx_unpacked=MAX_DOCX_UNPACKED)
    stored = services.save_previewed_import(database, preview, previewed_hash=preview.prepared.content_hash,
                                            author="ada", max_docx_unpacked=MAX_DOCX_UNPACKED)
    assert stored.version.content_hash == preview.prepared.content_hash
    assert stored.version.message == "imported from ordinance.txt"
    assert services.list_documents(database)[1] == 1


def test_saving_an_import_that_came_out_differently_from_the_preview_is_refused_and_stores_nothing(database):
    preview = preview_import(ImportInput(ORDINANCE, "text/plain", TOWNSEND, "ordinance.txt"),
                             max_docx_unpacked=MAX_DOCX_UNPACKED)
    with pytest.raises(ConflictError, match="Nothing was saved"):
        services.save_previewed_import(database, preview, previewed_hash="0" * 64, author="ada",
                                       max_docx_unpacked=MAX_DOCX_UNPACKED)
    assert services.list_documents(database) == ([], 0)


def test_an_akn_upload_is_previewed_without_an_import_report_and_saved_as_an_upload(database):
    preview = preview_import(ImportInput(sample_bytes("ma-biometric-moratorium-bill.xml"), AKN_XML, {}, "bill.xml"),
                             max_docx_unpacked=MAX_DOCX_UNPACKED)
    assert preview.report is None and preview.prepared.valid and len(preview.provisions) == 16
    stored = services.save_previewed_import(database, preview, previewed_hash=preview.prepared.content_hash,
                                            author="ada", max_docx_unpacked=MAX_DOCX_UNPACKED)
    assert stored.version.message == "uploaded bill.xml" and stored.report["import"] is None


def test_the_input_a_preview_page_carries_back_is_checked_as_if_it_were_new():
    payload = base64.b64encode(ORDINANCE).decode("ascii")
    carried = ImportInput.carried_back("text/plain", payload, TOWNSEND, "", limit=len(ORDINANCE))
    assert (carried.data, carried.source) == (ORDINANCE, "upload")
    assert ImportInput.carried_back("text/plain", payload, {}, "x" * 300, limit=10**6).source == "x" * 200
    with pytest.raises(UnsupportedMediaTypeError):
        ImportInput.carried_back("application/pdf", payload, {}, "a.pdf", limit=10**6)
    with pytest.raises(DraftingError, match="not base64"):
        ImportInput.carried_back("text/plain", payload + "!", {}, "a.txt", limit=10**6)
    with pytest.raises(DraftingError, match="without the document"):
        ImportInput.carried_back("text/plain", "", {}, "a.txt", limit=10**6)
    with pytest.raises(RequestTooLargeError, match=r"the limit of 2 KiB$"):
        ImportInput.carried_back("text/plain", base64.b64encode(b"x" * 2049).decode(), {}, "a.txt", limit=2048)
