"""The library, import and export pages over HTTP: listing with validation state, filters and search, importing text,
Word and AKN with a preview before saving, hostile uploads, and the export page."""

from __future__ import annotations

import base64
import io
import re
from html.parser import HTMLParser

import docx
import pytest
from sqlalchemy import event
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from drafting import create_app, services
from tests.app_fixtures import sample_bytes, shared_path

PASSWORD = "correct horse battery"
BILL = "ma-biometric-moratorium-bill.xml"
ORDINANCE = "us-ma-bayport-ordinance-16-62.xml"
ORDINANCE_TEXT = """CITY OF TESTVILLE
ORDINANCE NO. 2026-7

AN ORDINANCE BANNING FACE SURVEILLANCE

Be it ordained by the City Council of Testville as follows:

Section 1. Definitions.
(a) "Face surveillance" means an automated process to identify a person by the face.
(b) "Department" means any department of the City.

Section 2. Ban.
(a) No department shall obtain face surveillance.
(b) Evidence obtained in violation of this section is inadmissible.
"""
HOSTILE_TITLE = """<script>alert("title")</script> "quoted" 'single' {{7*7}}"""
SECRET = b"root:x:0:0"


# --- helpers ----------------------------------------------------------------------------------------------------


def db_of(app):
    return app.extensions["drafting.database"]


def csrf(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def sign_in(client, name: str) -> str:
    """Sign in and return the session's CSRF token."""
    token = csrf(client.get("/login").data)
    response = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return csrf(client.get("/").data)


@pytest.fixture
def drafter(app, client) -> str:
    services.create_user(db_of(app), "ada", "drafter", PASSWORD)
    return sign_in(client, "ada")


@pytest.fixture
def viewer(app, client) -> str:
    services.create_user(db_of(app), "vic", "viewer", PASSWORD)
    return sign_in(client, "vic")


def store(app, xml: bytes) -> int:
    return services.create_document_from_xml(db_of(app), xml, author="test").document.id


def stored_count(app) -> int:
    return services.list_documents(db_of(app), limit=1)[1]


def invalid_bill() -> bytes:
    """The sample bill with an element the AKN 3.0 schema does not allow (and no export repair removes)."""
    return sample_bytes(BILL).replace(b"<heading>Definitions</heading>", b"<heading>Definitions</heading><bogus/>", 1)


class FormReader(HTMLParser):
    """The fields of every form of a page, by the form's action."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._current = self.forms.setdefault(attributes.get("action") or "", {})
        elif tag == "input" and self._current is not None and attributes.get("name"):
            self._current[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def form_fields(page: bytes, action: str) -> dict[str, str]:
    reader = FormReader()
    reader.feed(page.decode())
    return reader.forms[action]


class TagAudit(HTMLParser):
    """Every live tag of a page that could run script: inline scripts, event handlers, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.live: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag in ("img", "svg", "iframe", "object", "embed"):
            self.live.append(f"<{tag}>")
        if tag == "script" and not dict(attrs).get("src"):
            self.live.append("inline <script>")
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.live.append(f"{name}= on <{tag}>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.live.append(f"javascript: URL on <{tag}>")

    def handle_endtag(self, tag):
        self._in_script = False


def assert_inert(page: bytes) -> None:
    audit = TagAudit()
    audit.feed(page.decode())
    assert audit.live == []
    assert SECRET not in page


def post_form(client, url: str, fields: dict):
    """POST a multipart form built in memory (the test client would spool a large one to an unclosed temp file)."""
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def preview(client, token: str, *, text: str | None = None, file: tuple[bytes, str] | None = None, **options):
    fields = {"csrf_token": token, "text": text or "", **options}
    if file is not None:
        fields["file"] = FileStorage(io.BytesIO(file[0]), filename=file[1])
    return post_form(client, "/import/preview", fields)


def save(client, page: bytes, **changes):
    return post_form(client, "/import/save", {**form_fields(page, "/import/save"), **changes})


def printed_provisions(page: bytes) -> str:
    """The provisions of a page as printed: the article.bill, without ids and spacing."""
    article = re.search(rb'<article class="bill[^"]*">(.*?)</article>', page, re.DOTALL).group(1).decode()
    return re.sub(r"\s+", " ", re.sub(r' id="[^"]*"', "", article)).strip()


# --- the library ------------------------------------------------------------------------------------------------


def test_library_lists_type_jurisdiction_version_and_validation_state(app, client, drafter):
    store(app, sample_bytes(BILL))
    store(app, invalid_bill().replace(b"biometric-moratorium", b"broken-bill"))
    page = client.get("/").data.decode()
    assert "Biometric Surveillance Moratorium Act" in page
    rows = re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>")[1], re.DOTALL)
    assert len(rows) == 2
    states = sorted(re.search(r'class="state [^"]+">([^<]+)<', row).group(1) for row in rows)
    assert states == ["not strictly valid", "valid"]
    assert all(">bill<" in row and ">us-ma<" in row and "UTC</time>" in row for row in rows)


def test_library_reads_the_latest_versions_validity_in_a_constant_number_of_queries(app, client, drafter):
    statements = []
    event.listen(db_of(app).engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

    def count_for_page() -> int:
        statements.clear()
        assert client.get("/").status_code == 200
        return len(statements)

    store(app, sample_bytes(BILL))
    few = count_for_page()
    for number in range(6):
        store(app, sample_bytes(BILL).replace(b"biometric-moratorium", f"bill-{number}".encode()))
    assert count_for_page() == few


def test_library_filters_by_type_and_jurisdiction_from_the_values_present(app, client, drafter):
    store(app, sample_bytes(BILL))
    store(app, sample_bytes(ORDINANCE))
    page = client.get("/").data.decode()
    assert '<option value="bill">' in page and '<option value="ordinance">' in page
    assert '<option value="us-ma">' in page and '<option value="us-ma-bayport">' in page
    bills = client.get("/?type=bill").data.decode()
    assert "Biometric Surveillance Moratorium Act" in bills and "1 document match" in bills
    assert '<option value="bill" selected>' in bills
    bayport = client.get("/?jurisdiction=us-ma-bayport&type=").data.decode()
    assert "Biometric Surveillance Moratorium Act" not in bayport and "1 document match" in bayport
    assert "0 documents match" in client.get("/?type=bill&jurisdiction=us-ma-bayport").data.decode()


def test_library_search_finds_titles_and_uris_and_takes_wildcards_literally(app, client, drafter):
    store(app, sample_bytes(BILL))
    store(app, sample_bytes(ORDINANCE))
    found = client.get("/?q=moratorium").data.decode()
    assert "Biometric Surveillance Moratorium Act" in found and "1 document match" in found
    assert "1 document match" in client.get("/?q=16-62").data.decode()
    assert "0 documents match" in client.get("/?q=%25").data.decode()
    assert 'value="moratorium"' in found


def test_viewer_sees_no_create_or_import_and_may_not_import(app, client, viewer):
    store(app, sample_bytes(BILL))
    page = client.get("/").data.decode()
    assert "Biometric Surveillance Moratorium Act" in page
    assert "/import" not in page and 'action="/documents"' not in page
    assert client.get("/import").status_code == 403
    assert preview(client, viewer, text=ORDINANCE_TEXT).status_code == 403
    assert stored_count(app) == 1


def test_drafter_sees_import_and_the_template_form_with_an_optional_date(client, drafter):
    page = client.get("/").data.decode()
    assert 'href="/import"' in page and 'action="/documents"' in page
    assert 'name="date" type="date"' in page and 'name="date" type="date" value="" required' not in page


def test_create_from_a_template_with_a_date(app, client, drafter):
    response = client.post("/documents", data={"template": "ordinance", "title": "Dated", "jurisdiction": "us-ma-x",
                                               "number": "d-1", "date": "2026-03-04", "csrf_token": drafter})
    assert response.status_code == 302
    stored = services.get_document(db_of(app), int(response.headers["Location"].rsplit("/", 1)[-1]))
    assert stored.version.frbr_expression_uri.endswith("@2026-03-04")


def test_create_from_a_template_error_keeps_the_form(client, drafter):
    response = client.post("/documents", data={"template": "bill", "title": HOSTILE_TITLE, "jurisdiction": "not valid",
                                               "number": "n-1", "csrf_token": drafter})
    assert 400 <= response.status_code < 500
    page = response.data
    assert b'role="alert"' in page and b"&lt;script&gt;alert(" in page and b"<script>alert" not in page


# --- import: pasted text ----------------------------------------------------------------------------------------


def test_preview_of_pasted_text_shows_the_report_and_stores_nothing(app, client, drafter):
    response = preview(client, drafter, text=ORDINANCE_TEXT, type="ordinance", jurisdiction="us-ma-testville")
    assert response.status_code == 200
    page = response.data.decode()
    assert "Preview: nothing is saved yet" in page
    assert "Counted: definitions 2, section 2, subsection 4" in page
    assert "Guessed: 0" in page and "Definitions: 2" in page and "Face surveillance" in page
    assert "/akn/us-ma-testville/act/ordinance/2026/" in page
    assert "valid</span> against the official AKN 3.0 schema" in page
    assert "No department shall obtain face surveillance." in printed_provisions(response.data)
    assert "Save to the library" in page
    assert stored_count(app) == 0


def test_save_stores_exactly_one_document_whose_provisions_match_the_preview(app, client, drafter):
    previewed = preview(client, drafter, text=ORDINANCE_TEXT, type="ordinance", jurisdiction="us-ma-testville").data
    response = save(client, previewed)
    assert response.status_code == 302
    assert stored_count(app) == 1
    document_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    stored = services.get_document(db_of(app), document_id)
    assert stored.version.content_hash == form_fields(previewed, "/import/save")["preview_hash"]
    assert stored.report["import"]["counts"]["section"] == 2
    assert stored.version.message == "imported from pasted text" and stored.version.author == "ada"
    assert printed_provisions(client.get(response.headers["Location"]).data) == printed_provisions(previewed)
    listed = client.get("/").data.decode()
    assert "AN ORDINANCE BANNING FACE SURVEILLANCE" in listed and ">ordinance<" in listed


def test_save_reimports_and_refuses_a_payload_that_differs_from_the_preview(app, client, drafter):
    previewed = preview(client, drafter, text=ORDINANCE_TEXT).data
    other = base64.b64encode(ORDINANCE_TEXT.replace("Ban.", "Permission.").encode()).decode()
    response = save(client, previewed, payload=other)
    assert response.status_code == 409
    assert b"Nothing was saved" in response.data and b"Permission" in response.data
    assert stored_count(app) == 0
    # the new preview is what saving now stores
    assert save(client, response.data).status_code == 302 and stored_count(app) == 1


def test_save_refuses_a_payload_that_is_not_base64_or_a_type_it_does_not_know(app, client, drafter):
    previewed = preview(client, drafter, text=ORDINANCE_TEXT).data
    assert save(client, previewed, payload="not base64!").status_code == 400
    assert save(client, previewed, media_type="text/html").status_code == 415
    assert save(client, previewed, jurisdiction="US MA").status_code == 400
    assert stored_count(app) == 0


def test_saving_the_same_work_twice_says_it_exists(app, client, drafter):
    previewed = preview(client, drafter, text=ORDINANCE_TEXT).data
    assert save(client, previewed).status_code == 302
    again = save(client, previewed)
    assert again.status_code == 409 and b"already exists" in again.data
    assert stored_count(app) == 1


def test_import_without_text_or_file_says_what_is_missing(app, client, drafter):
    response = preview(client, drafter, text="   \n")
    assert response.status_code == 400 and b"expected pasted text or a file" in response.data


def test_import_without_csrf_token_is_403_and_stores_nothing(app, client, drafter):
    assert post_form(client, "/import/preview", {"text": ORDINANCE_TEXT}).status_code == 403
    previewed = preview(client, drafter, text=ORDINANCE_TEXT).data
    fields = form_fields(previewed, "/import/save")
    del fields["csrf_token"]
    assert post_form(client, "/import/save", fields).status_code == 403
    assert stored_count(app) == 0


def test_titles_and_text_are_escaped_in_preview_library_and_form(app, client, drafter):
    response = preview(client, drafter, text=ORDINANCE_TEXT + "\n" + HOSTILE_TITLE + "\n", title=HOSTILE_TITLE)
    assert response.status_code == 200
    page = response.data
    assert_inert(page)
    assert b"<script>alert" not in page and b"&lt;script&gt;alert(" in page and b"{{7*7}}" in page
    assert save(client, page).status_code == 302
    listed = client.get("/").data
    assert_inert(listed)
    assert b"&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; &#34;quoted&#34; &#39;single&#39; {{7*7}}" in listed


# --- import: files ----------------------------------------------------------------------------------------------


def test_docx_import_previews_and_saves(app, client, drafter):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for paragraph in ORDINANCE_TEXT.split("\n"):
        if paragraph.strip():
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    response = preview(client, drafter, file=(buffer.getvalue(), "ban.docx"), type="ordinance",
                       jurisdiction="us-ma-testville")
    assert response.status_code == 200
    page = response.data.decode()
    assert "ban.docx (Word (.docx))" in page and "Definitions: 2" in page
    assert "Evidence obtained in violation of this section is inadmissible." in page
    saved = save(client, response.data)
    assert saved.status_code == 302 and stored_count(app) == 1
    stored = services.get_document(db_of(app), int(saved.headers["Location"].rsplit("/", 1)[-1]))
    assert stored.version.message == "imported from ban.docx" and stored.report["import"]["definitions"]


def test_akn_upload_shows_its_validation_report_and_normalisation(app, client, drafter):
    older = sample_bytes(BILL).replace(b"http://docs.oasis-open.org/legaldocml/ns/akn/3.0", b"http://www.akomantoso.org/2.0")
    response = preview(client, drafter, file=(older.replace(b'eId="sec_1"', b"", 1), "bill.xml"))
    assert response.status_code == 200
    page = response.data.decode()
    assert "Akoma Ntoso XML" in page and "Upload report" in page
    assert "namespace http://www.akomantoso.org/2.0 normalised to" in page
    assert "eId repairs: 1" in page and "sec_1</code>: missing" in page
    assert "valid</span> against the official AKN 3.0 schema" in page
    assert stored_count(app) == 0
    saved = save(client, response.data)
    assert saved.status_code == 302
    stored = services.get_document(db_of(app), int(saved.headers["Location"].rsplit("/", 1)[-1]))
    assert stored.report["normalisation"] and stored.version.message == "uploaded bill.xml"


def test_akn_upload_that_is_not_strictly_valid_shows_its_errors_and_can_be_kept(app, client, drafter):
    response = preview(client, drafter, file=(invalid_bill(), "broken.xml"))
    assert response.status_code == 200
    page = response.data.decode()
    assert "not strictly valid</span>: 1 error" in page
    assert "line 55</span> Element &#39;{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}bogus&#39;" in page
    assert save(client, response.data).status_code == 302
    assert "not strictly valid" in client.get("/").data.decode()


def test_a_file_of_an_unknown_type_is_refused(app, client, drafter):
    response = preview(client, drafter, file=(b"%PDF-1.7", "bill.pdf"))
    assert response.status_code == 415 and b"expected a .txt, .docx or AKN .xml file" in response.data
    assert stored_count(app) == 0


@pytest.fixture
def small_app(database, database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app({"DATABASE_URL": database_url, "TESTING": True, "DRAFTING_MAX_UPLOAD_BYTES": 2048})
    yield application
    db_of(application).dispose()


def test_uploads_over_the_limit_get_a_clear_413_page(small_app):
    client = small_app.test_client()
    services.create_user(db_of(small_app), "ada", "drafter", PASSWORD)
    token = sign_in(client, "ada")
    over_file = preview(client, token, file=(b"Section 1. Long.\n" * 200, "long.txt"))
    assert over_file.status_code == 413 and over_file.mimetype == "text/html"
    assert b"larger than the limit of 2 KiB" in over_file.data
    over_text = preview(client, token, text="Section 1. Long.\n" * 200)
    assert over_text.status_code == 413 and b"the limit of 2 KiB" in over_text.data
    over_body = preview(client, token, file=(b"x" * 100_000, "huge.txt"))
    assert over_body.status_code == 413 and b"larger than the limit of 2 KiB" in over_body.data
    assert b'role="alert"' in over_body.data
    assert stored_count(small_app) == 0
    assert client.get("/").status_code == 200


def test_a_docx_over_the_unpacked_size_limit_is_refused_on_the_page_naming_the_setting(database, database_url,
                                                                                      tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app({"DATABASE_URL": database_url, "TESTING": True,
                              "DRAFTING_MAX_DOCX_UNPACKED_BYTES": 16 * 1024})
    try:
        client = application.test_client()
        services.create_user(db_of(application), "ada", "drafter", PASSWORD)
        token = sign_in(client, "ada")
        document, buffer = docx.Document(), io.BytesIO()
        document.add_paragraph("Section 1. Short title.")
        document.save(buffer)
        refused = preview(client, token, file=(buffer.getvalue(), "bill.docx"))
    finally:
        db_of(application).dispose()

    assert refused.status_code == 413 and refused.mimetype == "text/html"
    assert b"the limit is 16 KiB (DRAFTING_MAX_DOCX_UNPACKED_BYTES)" in refused.data


ATTACKS = {
    "01-billion-laughs.xml": 400, "02-quadratic-blowup.xml": 400, "03-xxe-file.xml": 400, "04-xxe-http.xml": 400,
    "06-xinclude.xml": 400, "07-deep-nesting.xml": 400, "08-external-dtd.xml": 400, "09-xss-in-heading.xml": 200,
    "10-zip-bomb.docx": (400, 413), "13-xss-plain.txt": 200, "14-text-control-chars.txt": (200, 400),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_hostile_upload_is_refused_on_the_page_or_rendered_inert(app, client, drafter, name):
    payload = shared_path("attacks", name).read_bytes()
    response = preview(client, drafter, file=(payload, name))
    expected = ATTACKS[name]
    assert response.status_code in (expected if isinstance(expected, tuple) else (expected,))
    assert response.mimetype == "text/html"
    assert_inert(response.data)
    if response.status_code >= 400:
        assert re.search(rb'<p class="error" role="alert">[^<]*(not allowed|deeper|limit|UTF-8)', response.data)
        assert stored_count(app) == 0
    else:
        saved = save(client, response.data)
        assert saved.status_code == 302 and stored_count(app) == 1
        for url in ("/", saved.headers["Location"], saved.headers["Location"] + "/export"):
            assert_inert(client.get(url).data)
    assert client.get("/").status_code == 200


def test_hostile_pasted_text_stays_text_in_the_form_and_the_preview(app, client, drafter):
    text = shared_path("attacks", "13-xss-plain.txt").read_text()
    response = preview(client, drafter, text=text)
    assert response.status_code == 200
    assert_inert(response.data)
    assert b"&lt;/textarea&gt;" in response.data and b"{{7*7}}" in response.data
    assert save(client, response.data).status_code == 302


# --- export -----------------------------------------------------------------------------------------------------


def test_export_page_of_a_valid_document_says_valid_and_offers_the_download(app, client, viewer):
    document_id = store(app, sample_bytes(BILL))
    page = client.get(f"/documents/{document_id}/export")
    assert page.status_code == 200
    text = page.data.decode()
    assert "valid</span> against the official AKN 3.0 schema" in text
    filename = "akn-us-ma-bill-2026-biometric-moratorium-eng@2026-01-20-main.xml"
    assert filename in text
    link = re.search(r'href="([^"]*/api/documents/[^"]*/export[^"]*)"', text).group(1).replace("&amp;", "&")
    download = client.get(link)  # the API accepts the browser session
    assert download.status_code == 200 and filename in download.headers["Content-Disposition"]


def test_export_page_of_an_invalid_document_shows_the_errors_with_line_numbers(app, client, viewer):
    document_id = store(app, invalid_bill())
    page = client.get(f"/documents/{document_id}/export")
    assert page.status_code == 200
    text = page.data.decode()
    assert "not valid</span>" in text and "Errors against the AKN 3.0 schema (1)" in text
    assert re.search(r'<span class="line">line 55</span> Element &#39;\{[^}]+\}bogus&#39;', text)
    assert "/api/documents/" not in text


def test_export_page_of_an_older_version(app, client, drafter):
    document_id = store(app, sample_bytes(BILL))
    current = services.get_document(db_of(app), document_id)
    xml = current.version.xml.encode().replace(b"<heading>Definitions</heading>", b"<heading>Terms</heading>")
    services.save_version(db_of(app), document_id, xml, base_version=1, author="ada", message="second")
    page = client.get(f"/documents/{document_id}/export?version=1").data.decode()
    assert "1 of 2 (not the latest)" in page and "version=1" in page
    assert client.get(f"/documents/{document_id}/export?version=9").status_code == 404
    assert client.get("/documents/999999/export").status_code == 404


def test_document_page_links_to_the_export_page(app, client, viewer):
    document_id = store(app, sample_bytes(BILL))
    page = client.get(f"/documents/{document_id}").data.decode()
    assert f'href="/documents/{document_id}/export?version=1"' in page


def test_library_pages_keep_the_filters(app, client, drafter, monkeypatch):
    from drafting.web import library_pages

    monkeypatch.setattr(library_pages, "PAGE_SIZE", 2)
    for number in range(5):
        store(app, sample_bytes(BILL).replace(b"biometric-moratorium", f"bill-{number}".encode()))
    first = client.get("/?type=bill&q=bill").data.decode()
    assert "page 1 of 3" in first and first.count("<tr>") == 3
    following = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "type=bill" in following and "q=bill" in following and "jurisdiction" not in following
    last = client.get("/?type=bill&q=bill&page=3").data.decode()
    assert "page 3 of 3" in last and last.count("<tr>") == 2 and 'rel="next"' not in last
