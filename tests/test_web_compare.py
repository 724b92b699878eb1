"""The compare page over HTTP: the redline in the page, both views, version pickers, downloads that name the
versions shown, the compare-two form of the history page, and document text inert however hostile."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest

from drafting import services
from tests.app_fixtures import sample_bytes, shared_path
from tests.test_web import sign_in

AKN = "application/akn+xml"
BILL = "ma-biometric-moratorium-bill.xml"
ORDINANCE = "us-ma-bayport-ordinance-16-62.xml"


@pytest.fixture
def viewer(app):
    services.create_user(app.extensions["drafting.database"], "vera", "viewer", "correct horse battery")
    return "vera", "correct horse battery"


def store(client, auth, data: bytes, media_type: str = AKN) -> int:
    response = client.post("/api/documents", data=data, headers=auth(**{"Content-Type": media_type}))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def save_version(client, auth, doc_id: int, old: bytes, new: bytes, message: str) -> None:
    current = client.get(f"/api/documents/{doc_id}", headers=auth(Accept=AKN))
    xml = current.data.replace(old, new, 1)
    assert xml != current.data
    saved = client.put(f"/api/documents/{doc_id}?message={message}", data=xml,
                       headers=auth(**{"Content-Type": AKN, "If-Match": current.headers["ETag"]}))
    assert saved.status_code == 200, saved.get_data(as_text=True)


@pytest.fixture
def pair(client, auth, viewer):
    """Store the ordinance and the bill, sign in, and return their ids (ordinance, bill)."""
    ids = store(client, auth, sample_bytes(ORDINANCE)), store(client, auth, sample_bytes(BILL))
    sign_in(client, *viewer)
    return ids


_SIMPLE = re.compile(r"""(?P<tag>[\w*]+)?(?P<rest>(?:\.[\w-]+|\#[\w-]+|\[[\w-]+(?:="[^"]*")?\]|:not\(\[[\w-]+\]\))*)""")
_PART = re.compile(r"""\.([\w-]+)|\#([\w-]+)|\[([\w-]+)(?:="([^"]*)")?\]|:not\(\[([\w-]+)\]\)""")


def _xpath(selector: str) -> str:
    """Translate the CSS this module uses (tags, .class, #id, [attr], [attr="v"], :not([attr]), descendants, commas)
    to XPath, as the cssselect package is not a dependency."""
    paths = []
    for alternative in selector.split(","):
        steps = []
        for simple in alternative.split():
            match = _SIMPLE.fullmatch(simple)
            assert match, f"unsupported selector {simple!r}"
            tests = []
            for cls, ident, attr, value, absent in _PART.findall(match["rest"]):
                if cls:
                    tests.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')")
                elif ident:
                    tests.append(f"@id='{ident}'")
                elif attr:
                    tests.append(f"@{attr}='{value}'" if value else f"@{attr}")
                else:
                    tests.append(f"not(@{absent})")
            steps.append((match["tag"] or "*") + "".join(f"[{test}]" for test in tests))
        paths.append("descendant-or-self::" + "//".join(steps))
    return " | ".join(paths)


def select(node, selector: str) -> list:
    """Return the elements under node (or node itself) that match a simple CSS selector, in document order."""
    return node.xpath(_xpath(selector))


def compare_page(client, doc_id: int, **query) -> lxml.html.HtmlElement:
    response = client.get(f"/documents/{doc_id}/compare", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return lxml.html.fromstring(response.data)


def downloads(page) -> dict[str, dict[str, list[str]]]:
    """Return the query of each download link, by format."""
    found = {}
    for link in select(page, ".downloads a"):
        query = parse_qs(urlsplit(link.get("href")).query)
        found[query["format"][0]] = query
    return found


def test_compare_page_shows_the_redline_of_two_documents_in_the_page(client, pair):
    ordinance, bill = pair
    page = compare_page(client, bill, against=ordinance)
    redline = select(page, ".redline.view-inline")
    assert len(redline) == 1
    assert "Ordinance Prohibiting Face Surveillance" in select(redline[0], ".document-old")[0].text_content()
    assert "Biometric Surveillance Moratorium Act" in select(redline[0], ".document-new")[0].text_content()
    assert select(page, ".redline del") and select(page, ".redline ins")
    assert not select(page, ".redline main")  # the page has one <main>, the app's


def test_summary_counts_what_changed_moved_was_inserted_deleted_renumbered(client, pair):
    ordinance, bill = pair
    page = compare_page(client, bill, against=ordinance)
    summary = [item.text_content().split() for item in select(page, ".redline .stats.summary li")]
    assert [words[1] for words in summary[:5]] == ["changed", "moved", "inserted", "deleted", "renumbered"]
    assert all(words[0].isdigit() for words in summary)


def test_changes_are_numbered_focusable_and_named_in_the_list_of_changes(client, pair):
    ordinance, bill = pair
    page = compare_page(client, bill, against=ordinance)
    entries = select(page, ".redline .entry[data-change]")
    items = select(page, ".redline nav li[data-change]")
    assert len(entries) == len(items) > 2
    assert [e.get("data-change") for e in entries] == [str(n) for n in range(1, len(entries) + 1)]
    assert [i.get("data-change") for i in items] == [e.get("data-change") for e in entries]
    assert all(e.get("tabindex") == "-1" and "change" in e.get("class").split() for e in entries)
    unchanged = select(page, '.redline .entry[data-status="unchanged"]:not([data-change])')
    assert all(e.get("tabindex") is None for e in unchanged)
    # each list item links to its entry (or an anchor inside it)
    for entry, item in zip(entries, items, strict=True):
        target = select(item, "a")[0].get("href").lstrip("#")
        assert entry.get("id") == target or select(entry, f'[id="{target}"]')


def test_change_labels_are_readable_badges_and_moves_are_in_the_margin(client, auth, viewer):
    doc_id = store(client, auth, sample_bytes("us-ma-millbrook-ordinance-2019-7.xml"))
    save_version(client, auth, doc_id, b"shall not", b"should not", "soften")
    sign_in(client, *viewer)
    page = compare_page(client, doc_id, against=doc_id, against_version=1)
    badges = [badge.text_content() for badge in select(page, ".redline .margin .badge")]
    assert any("shall" in badge and "should" in badge and "weakened" in badge for badge in badges), badges
    assert any("weakened" in item.text_content() for item in select(page, ".redline nav li[data-change]"))


def test_moves_and_renumbering_are_noted_in_the_margin(client, pair):
    ordinance, bill = pair
    notes = [note.text_content() for note in select(compare_page(client, bill, against=ordinance), ".margin .note")]
    assert any(note.startswith("Renumbered") for note in notes)
    assert any(note.startswith("Moved") for note in notes)


def test_side_by_side_view_puts_old_and_new_in_columns(client, pair):
    ordinance, bill = pair
    page = compare_page(client, bill, against=ordinance, view="side-by-side")
    assert select(page, ".redline.view-side-by-side table.side-by-side")
    rows = select(page, ".redline tr.entry[data-change]")
    assert rows and all(row.get("tabindex") == "-1" for row in rows)
    assert select(page, 'input[name="view"][value="side-by-side"]')[0].get("checked") is not None


def test_unknown_view_falls_back_to_inline(client, pair):
    ordinance, bill = pair
    assert select(compare_page(client, bill, against=ordinance, view="<script>"), ".redline.view-inline")


def test_version_pickers_list_both_documents_versions_latest_first(client, auth, pair):
    ordinance, bill = pair
    save_version(client, auth, ordinance, b"</heading>", b" (amended)</heading>", "second")
    page = compare_page(client, bill, against=ordinance)
    other = select(page, "select#against_version option")
    assert [o.get("value") for o in other] == ["", "2", "1"]
    assert other[0].get("selected") is not None and "latest (version 2)" in other[0].text_content()
    assert "second" in other[1].text_content()
    this = select(page, "select#version option")
    assert [o.get("value") for o in this] == ["", "1"]
    chosen = select(page, "select#against option[selected]")
    assert [o.get("value") for o in chosen] == [str(ordinance)]
    assert {o.get("value") for o in select(page, "select#against option")} == {str(ordinance), str(bill)}


def test_chosen_versions_are_compared_and_stay_chosen(client, auth, pair):
    ordinance, _ = pair
    save_version(client, auth, ordinance, b"</heading>", b" (amended)</heading>", "second")
    page = compare_page(client, ordinance, against=ordinance, against_version=1, version=2)
    assert select(page, "select#against_version option[selected]")[0].get("value") == "1"
    assert select(page, "select#version option[selected]")[0].get("value") == "2"
    assert "(amended)" in " ".join(ins.text_content() for ins in select(page, ".redline ins"))
    versions = [v.text_content() for v in select(page, ".redline .documents .version")]
    assert versions == ["(version 1)", "(version 2)"]


def test_download_links_carry_the_versions_shown(client, auth, pair):
    ordinance, bill = pair
    save_version(client, auth, ordinance, b"</heading>", b" (amended)</heading>", "second")
    links = downloads(compare_page(client, bill, against=ordinance, against_version=1, view="side-by-side"))
    assert set(links) == {"html", "akn", "docx", "json"}
    for query in links.values():
        assert query["against"] == [str(ordinance)]
        assert query["against_version"] == ["1"]
        assert query["version"] == ["1"]  # "latest" is named, so a later save does not change the download
    assert links["html"]["view"] == ["side-by-side"]


def test_download_links_answer_in_their_format(client, pair):
    ordinance, bill = pair
    page = compare_page(client, bill, against=ordinance)
    expected = {"html": "text/html", "akn": AKN, "json": "application/json",
                "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    for link in select(page, ".downloads a"):
        response = client.get(link.get("href"))  # the API accepts the browser session
        assert response.status_code == 200
        assert response.mimetype == expected[link.get("data-format")]


def test_page_without_a_choice_offers_the_form_and_no_redline(client, pair):
    _, bill = pair
    page = compare_page(client, bill)
    assert select(page, "form.compare-form") and not select(page, ".redline")


def test_page_loads_its_script_as_a_module_and_its_styles_from_static(client, pair):
    ordinance, bill = pair
    response = client.get(f"/documents/{bill}/compare?against={ordinance}")
    page = lxml.html.fromstring(response.data)
    scripts = select(page, "script")
    assert [(s.get("type"), s.get("src")) for s in scripts] == [("module", "/static/compare.js")]
    assert not select(page, "style") and not select(page, "[style]")
    assert "/static/compare.css" in [link.get("href") for link in select(page, 'link[rel="stylesheet"]')]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    buttons = [b.text_content() for b in select(page, "[data-change-nav] button")]
    assert buttons == ["Previous change", "Next change"]
    assert select(page, '#change-status[role="status"][aria-live="polite"]')
    for path, media_type in (("/static/compare.js", "text/javascript"), ("/static/compare.css", "text/css")):
        with client.get(path) as static:  # a module script needs a JavaScript media type
            assert static.status_code == 200 and static.mimetype == media_type


def test_unknown_document_is_404(client, pair):
    ordinance, _ = pair
    assert client.get("/documents/999999/compare").status_code == 404
    assert client.get(f"/documents/999999/compare?against={ordinance}").status_code == 404


def test_unknown_other_document_or_version_is_404_with_the_form(client, pair):
    ordinance, bill = pair
    for query in ("against=999999", f"against={ordinance}&against_version=9", f"against={ordinance}&version=9"):
        response = client.get(f"/documents/{bill}/compare?{query}")
        assert response.status_code == 404
        page = lxml.html.fromstring(response.data)
        assert select(page, "form.compare-form") and select(page, '.error[role="alert"]')


def test_anonymous_visitor_is_sent_to_sign_in(client, auth):
    doc_id = store(client, auth, sample_bytes(BILL))
    response = client.get(f"/documents/{doc_id}/compare?against={doc_id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- history: compare any two -------------------------------------------------------------------------------------


def test_history_offers_compare_any_two_as_a_get_form(client, auth, viewer):
    doc_id = store(client, auth, sample_bytes(ORDINANCE))
    save_version(client, auth, doc_id, b"</heading>", b" (2)</heading>", "second")
    save_version(client, auth, doc_id, b"</heading>", b" (3)</heading>", "third")
    sign_in(client, *viewer)
    page = lxml.html.fromstring(client.get(f"/documents/{doc_id}/history").data)
    form = select(page, "form#compare-two")[0]
    assert form.get("method") == "get" and form.get("action") == f"/documents/{doc_id}/compare"
    assert select(form, 'input[type="hidden"][name="against"]')[0].get("value") == str(doc_id)
    old = select(page, 'input[type="radio"][form="compare-two"][name="against_version"]')
    new = select(page, 'input[type="radio"][form="compare-two"][name="version"]')
    assert [r.get("value") for r in old] == [r.get("value") for r in new] == ["3", "2", "1"]
    assert [r.get("value") for r in old if r.get("checked") is not None] == ["2"]
    assert [r.get("value") for r in new if r.get("checked") is not None] == ["3"]
    assert all(r.get("aria-label") for r in old + new)
    assert "third" in page.text_content()


def test_history_compare_two_submission_shows_the_two_versions(client, auth, viewer):
    doc_id = store(client, auth, sample_bytes(ORDINANCE))
    save_version(client, auth, doc_id, b"</heading>", b" (2)</heading>", "second")
    save_version(client, auth, doc_id, b"</heading>", b" (3)</heading>", "third")
    sign_in(client, *viewer)
    page = compare_page(client, doc_id, against=doc_id, against_version=1, version=3)  # what the form sends
    assert [v.text_content() for v in select(page, ".redline .documents .version")] == ["(version 1)", "(version 3)"]


def test_history_keeps_restore_for_drafters(client, auth, app):
    services.create_user(app.extensions["drafting.database"], "ada", "drafter", "correct horse battery")
    doc_id = store(client, auth, sample_bytes(ORDINANCE))
    save_version(client, auth, doc_id, b"</heading>", b" (2)</heading>", "second")
    sign_in(client, "ada", "correct horse battery")
    page = lxml.html.fromstring(client.get(f"/documents/{doc_id}/history").data)
    restore = select(page, 'table form[method="post"] button')
    assert [b.text_content() for b in restore] == ["Restore as a new version"]
    assert not select(page, "form form")


# --- hostile text -------------------------------------------------------------------------------------------------

HOSTILE = '<script>alert("X")</script> " onmouseover="alert(1)" {{7*7}} <img src=x onerror=alert(2)>'


def _hostile_bill() -> bytes:
    escaped = HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    data = sample_bytes(BILL).replace(b"<heading>Definitions</heading>", f"<heading>{escaped}</heading>".encode(), 1)
    return data.replace(b"Biometric Surveillance Moratorium Act", escaped.encode(), 1)


@pytest.mark.parametrize("view", ["inline", "side-by-side"])
def test_hostile_titles_headings_and_text_are_escaped(client, auth, viewer, view):
    ordinance = store(client, auth, sample_bytes(ORDINANCE))
    hostile = store(client, auth, _hostile_bill())
    sign_in(client, *viewer)
    for doc_id, against in ((hostile, ordinance), (ordinance, hostile)):
        response = client.get(f"/documents/{doc_id}/compare?against={against}&view={view}")
        assert response.status_code == 200
        assert b"<script>alert" not in response.data and b"&lt;script&gt;alert" in response.data
        page = lxml.html.fromstring(response.data)
        _assert_no_live_markup(page)
        assert HOSTILE in select(page, ".redline")[0].text_content()


def _assert_no_live_markup(page, scripts=("/static/compare.js",)) -> None:
    assert [s.get("src") for s in select(page, "script")] == list(scripts)
    assert not select(page, "img, svg, iframe, textarea, style, [style]")
    assert not [a for el in page.iter() if isinstance(el.tag, str) for a in el.attrib if a.lower().startswith("on")]
    assert not [a for a in page.iter("a") if (a.get("href") or "").strip().lower().startswith("javascript")]


@pytest.mark.parametrize("view", ["inline", "side-by-side"])
def test_attack_payloads_09_and_13_render_inert(client, auth, viewer, view):
    akn_doc = store(client, auth, shared_path("attacks", "09-xss-in-heading.xml").read_bytes())
    text_doc = store(client, auth, shared_path("attacks", "13-xss-plain.txt").read_bytes(), "text/plain")
    ordinance = store(client, auth, sample_bytes(ORDINANCE))
    sign_in(client, *viewer)
    for doc_id, marker in ((akn_doc, "AKN-XSS-heading"), (text_doc, "AKN-XSS-plain-script")):
        for new, old in ((doc_id, ordinance), (ordinance, doc_id)):
            response = client.get(f"/documents/{new}/compare?against={old}&view={view}")
            assert response.status_code == 200
            page = lxml.html.fromstring(response.data)
            _assert_no_live_markup(page)
            text = select(page, ".redline")[0].text_content()
            assert marker in text and "{{7*7}}" in text
        history = client.get(f"/documents/{doc_id}/history")
        assert history.status_code == 200
        _assert_no_live_markup(lxml.html.fromstring(history.data), scripts=())


# --- the fragment renderer (pure) ---------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["inline", "side-by-side"])
def test_fragment_is_one_div_without_head_style_script_or_main(view):
    from drafting.compare.html import render_fragment
    from tests.test_compare_html import _sample

    fragment = render_fragment(_sample(), view=view)
    root = lxml.html.fragment_fromstring(str(fragment))
    assert root.tag == "div" and root.get("class") == f"redline view-{view}"
    assert not select(root, "html, head, style, script, main, h1, [style]")
    assert [h.text_content() for h in select(root, "h2")] == ["Redline"]


def test_fragment_numbers_changes_in_document_order_and_names_them():
    from drafting.compare.html import render_fragment
    from tests.test_compare_html import _sample

    root = lxml.html.fragment_fromstring(str(render_fragment(_sample())))
    entries = select(root, ".entry[data-change]")
    assert [e.get("data-change") for e in entries] == [str(n) for n in range(1, len(entries) + 1)]
    items = select(root, "nav li[data-change]")
    assert [item.xpath("string(a)") for item in items][:2] == ["4. Warrant requirement", "4. (a)"]  # with its parent
    assert [item.xpath("string(span[@class='status'])") for item in items] == [
        "changed; renumbered",
        "shall → may: weakened; 30 → 60: deadline changed; exception added",
        "moved; renumbered", "inserted", "deleted", "split", "merged",
    ]


def test_standalone_page_carries_none_of_the_fragment_markup():
    from drafting.compare.html import render_html
    from tests.test_compare_html import _sample

    page = render_html(_sample())
    assert "data-change" not in page and "tabindex" not in page and "<h1>Redline</h1>" in page and "<main>" in page


@pytest.mark.parametrize("view", ["inline", "side-by-side"])
def test_fragment_keeps_hostile_text_inert(view):
    from drafting.compare.html import render_fragment
    from tests.test_compare_html import HOSTILE as HOSTILE_TEXT
    from tests.test_compare_html import _hostile

    fragment = str(render_fragment(_hostile(), view=view))
    root = lxml.html.fragment_fromstring(fragment)
    assert not select(root, "script, img, style, [style]")
    assert not [a for el in root.iter() if isinstance(el.tag, str) for a in el.attrib if a.lower().startswith("on")]
    assert HOSTILE_TEXT in root.text_content() and "49" not in root.text_content().replace(HOSTILE_TEXT, "")
