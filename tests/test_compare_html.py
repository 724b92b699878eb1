"""The HTML redline: legislative convention (struck deletions, underlined insertions, margin notes), both views,
and every fragment of document text inert, however hostile."""

from __future__ import annotations

import re

import lxml.html
import pytest

from drafting.compare.html import render_html
from drafting.compare.model import (
    DELETED,
    INSERTED,
    MERGED,
    MOVED,
    SPLIT,
    DocumentSummary,
    Entry,
    Redline,
)
from drafting.compare.wording import label_text
from tests.redline_builders import deleted_sunset, sample_opening
from tests.redline_builders import entry as make_entry

HOSTILE = '<script>alert(1)</script> " onmouseover="x {{7*7}} <img src=x onerror=alert(2)> javascript:alert(3)'
VIEWS = ("inline", "side-by-side")
SAFE_TOKEN = re.compile(r"^[A-Za-z0-9_.-]+$")


def _summary(title: str = "Biometric moratorium", uri: str = "/akn/us-ma/bill/2026/biometric-moratorium", **kw):
    values = {
        "frbr_uri": uri,
        "expression_uri": f"{uri}/eng@2026-11-26",
        "title": title,
        "doc_type": "bill",
        "content_hash": "sha256:abcdef",
    }
    values.update(kw)
    return DocumentSummary(**values)


def _redline(*entries: Entry, old=None, new=None, **kw) -> Redline:
    return Redline(
        old=old or _summary(),
        new=new or _summary(title="Biometric moratorium (amended)"),
        alignment=tuple(entries),
        **kw,
    )


def _sample() -> Redline:
    """A redline with one of each kind of change."""
    return _redline(
        *sample_opening(subsection_labels=("modal-weakened", "deadline-changed", "exception-added")),
        make_entry(
            INSERTED,
            old=(),
            new=("sec_9",),
            new_heading="Reporting",
            possible_move=True,
            diff=(("+", "The agency shall publish an annual report."),),
        ),
        deleted_sunset(),
        make_entry(
            SPLIT, old=("sec_10",), new=("sec_10", "sec_11"), old_num="10.", new_num="10.", diff=(("=", "Penalties."),)
        ),
        make_entry(
            MERGED,
            old=("sec_12", "sec_13"),
            new=("sec_12",),
            old_num="12.",
            new_num="12.",
            diff=(("=", "Enforcement."),),
        ),
        stats={"changed": 2, "moved": 1, "inserted": 1, "deleted": 1},
    )


def _hostile() -> Redline:
    """Hostile text in every field that reaches the page."""
    child = make_entry(
        old=(f"sec_1__{HOSTILE}",),
        new=(f"sec_1__{HOSTILE}",),
        old_num=HOSTILE,
        new_num=HOSTILE,
        diff=(("=", HOSTILE), ("-", HOSTILE), ("+", HOSTILE)),
        labels=(HOSTILE, "modal-weakened"),
    )
    return _redline(
        make_entry(
            old=(HOSTILE,),
            new=(HOSTILE,),
            old_num=HOSTILE,
            new_num=f"{HOSTILE}!",
            renumbered=True,
            old_heading=HOSTILE,
            new_heading=HOSTILE,
            heading_diff=(("-", HOSTILE), ("+", HOSTILE)),
            children=(child,),
            diff=(("=", HOSTILE),),
        ),
        make_entry(
            MOVED,
            old=(HOSTILE,),
            new=(f"{HOSTILE}2",),
            old_num=HOSTILE,
            new_num=HOSTILE,
            old_position=3,
            new_position=1,
            diff=(("=", HOSTILE),),
        ),
        make_entry(SPLIT, old=("sec_5",), new=(HOSTILE, f"{HOSTILE}3"), diff=(("=", "x"),)),
        make_entry(INSERTED, old=(), new=("sec_6",), new_num=HOSTILE, new_heading=HOSTILE, diff=(("+", HOSTILE),)),
        make_entry(DELETED, old=("sec_7",), new=(), old_num=HOSTILE, old_heading=HOSTILE, diff=(("-", HOSTILE),)),
        old=_summary(title=HOSTILE, uri=HOSTILE),
        new=_summary(title=HOSTILE, uri="javascript:alert(4)", expression_uri=HOSTILE),
        stats={HOSTILE: HOSTILE},
        defined_terms=({"term": HOSTILE, "provisions": [HOSTILE]},),
    )


def _tree(html: str):
    return lxml.html.document_fromstring(html)


def _text(element) -> str:
    return "".join(element.itertext())


# --- escaping ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("view", VIEWS)
def test_every_hostile_fragment_comes_out_inert(view):
    html = render_html(_hostile(), view=view)
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{7*7}}" in html
    assert "49" not in html
    # No tag carries an event handler: data never lands inside a tag, so not even its escaped text does.
    assert not re.search(r"<[^>]*\son\w+\s*=", html, re.IGNORECASE)
    tree = _tree(html)
    for element in tree.iter():
        assert not any(name.lower().startswith("on") for name in element.attrib)
    assert not tree.xpath("//script | //img | //iframe | //object | //embed")


@pytest.mark.parametrize("view", VIEWS)
def test_ids_classes_and_data_attributes_are_sanitised(view):
    tree = _tree(render_html(_hostile(), view=view))
    ids = tree.xpath("//@id")
    assert ids and all(SAFE_TOKEN.match(value) for value in ids)
    assert len(ids) == len(set(ids))
    for attribute in ("data-old", "data-new", "data-status", "data-label"):
        for value in tree.xpath(f"//@{attribute}"):
            assert all(SAFE_TOKEN.match(token) for token in value.split()), (attribute, value)
    for value in tree.xpath("//@class"):
        assert all(SAFE_TOKEN.match(token) for token in value.split())


@pytest.mark.parametrize("view", VIEWS)
def test_links_are_fragments_to_anchors_on_the_page(view):
    tree = _tree(render_html(_hostile(), view=view))
    ids = set(tree.xpath("//@id"))
    hrefs = tree.xpath("//@href")
    assert hrefs
    for href in hrefs:
        assert href.startswith("#") and href[1:] in ids
    assert "javascript:" not in " ".join(hrefs + tree.xpath("//@src | //@action | //@formaction"))


@pytest.mark.parametrize("view", VIEWS)
def test_page_is_self_contained_html5_without_any_script(view):
    html = render_html(_sample(), view=view)
    assert html.startswith("<!DOCTYPE html>")
    tree = _tree(html)
    assert not tree.xpath("//script | //link | //iframe | //img | //@src")
    assert len(tree.xpath("//head/style")) == 1
    policy = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "default-src 'none'" in policy


# --- the legislative convention ---------------------------------------------------------------------------------


def test_changed_entry_strikes_deletions_and_underlines_insertions():
    tree = _tree(render_html(_sample()))
    text = tree.get_element_by_id("new-sec_4__subsec_a").xpath(".//p[@class='text']")[0]
    assert [d.text for d in text.xpath("del")] == ["shall", "30"]
    assert [i.text for i in text.xpath("ins")] == ["may", "60"]
    assert _text(text) == "The officer shallmay report within 3060 days."
    assert text.text == "The officer "


def test_renumbered_entry_strikes_old_number_and_inserts_new_one():
    section = _tree(render_html(_sample())).get_element_by_id("new-sec_4")
    number = section.xpath("./div[@class='provision']//span[@class='num']")[0]
    assert number.xpath("del/text()") == ["3."] and number.xpath("ins/text()") == ["4."]
    assert "Renumbered 3. → 4." in section.xpath("./div/aside[@class='margin']/p/text()")


def test_heading_is_diffed_like_the_text():
    section = _tree(render_html(_sample())).get_element_by_id("new-sec_4")
    heading = section.xpath("./div[@class='provision']//span[@class='heading']")[0]
    assert heading.text == "Warrant"
    assert heading.xpath("del/text()") == ["s"] and heading.xpath("ins/text()") == [" requirement"]


def test_moved_entry_has_a_margin_note_naming_its_old_place():
    section = _tree(render_html(_sample())).get_element_by_id("new-sec_2")
    notes = section.xpath("./div/aside[@class='margin']/p[@class='note']/text()")
    assert "Moved from position 5 (old 7.)" in notes
    assert "Renumbered 7. → 2." in notes
    assert section.get("data-status") == "moved"


def test_split_merge_and_possible_move_are_noted_in_the_margin():
    tree = _tree(render_html(_sample()))
    notes = " | ".join(tree.xpath("//aside[@class='margin']/p[@class='note']/text()"))
    assert "Split into sec_10, sec_11" in notes
    assert "Merged from sec_12, sec_13" in notes
    assert "Possibly moved" in tree.get_element_by_id("new-sec_9").xpath("string(.//aside)")


def test_change_labels_are_readable_badges():
    section = _tree(render_html(_sample())).get_element_by_id("new-sec_4__subsec_a")
    badges = {b.get("data-label"): b.text for b in section.xpath(".//span[contains(@class, 'badge')]")}
    assert badges == {
        "modal-weakened": "shall → may: weakened",
        "deadline-changed": "30 → 60: deadline changed",
        "exception-added": "exception added",
    }


def test_label_without_visible_words_falls_back_to_its_name():
    entry = make_entry(diff=(("=", "no modal here"),))
    assert label_text("modal-weakened", entry) == "modal weakened"
    assert label_text("defined-term-changed", entry) == "defined term changed"


def test_whole_inserted_provision_is_all_underlined():
    section = _tree(render_html(_sample())).get_element_by_id("new-sec_9")
    assert "whole" in section.get("class").split()
    body = section.xpath("./div[@class='provision']/div[@class='body']")[0]
    # Every piece of text in the body sits inside an <ins>.
    assert [t for t in body.xpath(".//text()[normalize-space()][not(ancestor::ins)]")] == []
    assert body.xpath("string(.//span[@class='heading'])") == "Reporting"


def test_whole_deleted_provision_is_all_struck():
    section = _tree(render_html(_sample())).get_element_by_id("old-sec_8")
    assert section.get("data-status") == "deleted"
    body = section.xpath("./div[@class='provision']/div[@class='body']")[0]
    assert body.xpath(".//text()[normalize-space()][not(ancestor::del)]") == []
    assert body.xpath("string(.//span[@class='num'])") == "8."


def test_children_are_nested_under_their_parent():
    tree = _tree(render_html(_sample()))
    child = tree.get_element_by_id("new-sec_4__subsec_a")
    assert child.getparent().get("class") == "children"
    assert child.getparent().getparent().get("id") == "new-sec_4"


def test_each_entry_has_anchors_for_both_sides_and_its_status():
    tree = _tree(render_html(_sample()))
    for anchor in ("new-sec_4", "old-sec_3", "new-sec_2", "old-sec_7", "old-sec_8", "new-sec_11", "old-sec_13"):
        assert tree.get_element_by_id(anchor) is not None
    statuses = tree.xpath("//section[contains(@class, 'entry')]/@data-status")
    assert statuses == ["unchanged", "changed", "changed", "moved", "inserted", "deleted", "split", "merged"]


def test_unchanged_entries_are_plain_or_collapsed_on_request():
    plain = _tree(render_html(_sample()))
    section = plain.get_element_by_id("new-sec_1")
    assert not section.xpath(".//del | .//ins") and not plain.xpath("//details[@class='unchanged-run']")
    collapsed = _tree(render_html(_sample(), collapse_unchanged=True))
    runs = collapsed.xpath("//details[@class='unchanged-run']")
    assert len(runs) == 1 and runs[0].xpath("section/@id") == ["new-sec_1"]
    assert "1 unchanged provision: 1. Short title" in _text(runs[0].find("summary"))


def test_header_names_both_documents_and_the_counts():
    tree = _tree(render_html(_sample()))
    header = _text(tree.xpath("//header")[0])
    assert "Biometric moratorium (amended)" in header
    assert "/akn/us-ma/bill/2026/biometric-moratorium/eng@2026-11-26" in header
    stats = [" ".join(_text(li).split()) for li in tree.xpath("//ul[@class='stats']/li")]
    assert stats == ["2 changed", "1 moved", "1 inserted", "1 deleted"]
    changes = tree.xpath("//nav//a/@href")
    assert "#new-sec_4" in changes and "#old-sec_8" in changes and "#new-sec_1" not in changes


# --- side by side -----------------------------------------------------------------------------------------------


def test_side_by_side_shows_deletions_left_and_insertions_right_row_by_row():
    tree = _tree(render_html(_sample(), view="side-by-side"))
    rows = tree.xpath("//table[@class='side-by-side']/tbody/tr")
    assert len(rows) == 8
    for row in rows:
        old, new = row.xpath("td")
        assert "old" in old.get("class").split() and "new" in new.get("class").split()
        assert not old.xpath(".//ins") and not new.xpath(".//del")
    child = tree.get_element_by_id("old-sec_3__subsec_a").getparent()
    old, new = child.xpath("td")
    assert _text(old.xpath(".//p[@class='text']")[0]) == "The officer shall report within 30 days."
    assert _text(new.xpath(".//p[@class='text']")[0]) == "The officer may report within 60 days."
    assert old.xpath(".//del/text()") == ["shall", "30"] and new.xpath(".//ins/text()") == ["may", "60"]
    renumbered = tree.get_element_by_id("new-sec_4")
    assert renumbered.xpath(".//span[@class='num']/ins/text()") == ["4."]
    assert tree.get_element_by_id("old-sec_3").xpath(".//span[@class='num']/del/text()") == ["3."]


def test_side_by_side_leaves_the_missing_side_of_an_insertion_or_deletion_empty():
    tree = _tree(render_html(_sample(), view="side-by-side"))
    inserted = tree.get_element_by_id("new-sec_9").getparent()
    old, new = inserted.xpath("td")
    assert "absent" in old.get("class").split() and not _text(old).strip()
    deleted = tree.get_element_by_id("old-sec_8").getparent()
    old, new = deleted.xpath("td")
    assert "absent" in new.get("class").split() and not _text(new).strip()
    assert "Deleted" in _text(old)


def test_side_by_side_indents_nested_entries():
    tree = _tree(render_html(_sample(), view="side-by-side"))
    assert "depth-1" in tree.get_element_by_id("new-sec_4__subsec_a").get("class").split()
    assert "depth-0" in tree.get_element_by_id("new-sec_4").get("class").split()


# --- contract ---------------------------------------------------------------------------------------------------


def test_unknown_view_is_refused():
    with pytest.raises(ValueError, match="expected view 'inline' or 'side-by-side', found 'table'"):
        render_html(_sample(), view="table")


def test_unknown_diff_operation_is_refused():
    with pytest.raises(ValueError, match="found '\\?'"):
        render_html(_redline(make_entry(diff=(("?", "x"),))))


@pytest.mark.parametrize("view", VIEWS)
def test_a_very_deep_tree_renders_without_recursion(view):
    entry = make_entry(old=("leaf",), new=("leaf",), diff=(("+", "deepest"),))
    for level in range(2000):
        entry = make_entry(old=(f"p_{level}",), new=(f"p_{level}",), diff=(("=", "x"),), children=(entry,))
    html = render_html(_redline(entry), view=view)
    assert "deepest" in html and html.count('data-status="changed"') == 2001


def test_defined_terms_whose_definitions_changed_are_listed():
    redline = _redline(
        make_entry(diff=(("=", "x"),)),
        defined_terms=({"term": "agency", "change": "changed", "old": "sec_2", "new": "sec_2", "used_in": ["sec_5"]},),
    )
    items = _tree(render_html(redline)).xpath("//section[@class='defined-terms']//li/text()")
    assert items == ["agency: definition changed (sec_2); used in sec_5"]


@pytest.mark.parametrize("view", VIEWS)
def test_the_same_entry_twice_still_gets_unique_ids(view):
    entry = make_entry(old=("sec_1",), new=("sec_1",), diff=(("+", "x"),))
    tree = _tree(render_html(_redline(entry, entry), view=view))
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids)) and {"new-sec_1", "new-sec_1-2"} <= set(ids)


def test_stats_with_groups_and_flags_read_as_counts():
    redline = _redline(make_entry(), stats={"same_work": False, "top_level": {"changed": 6}, "renumbered": 14})
    stats = [" ".join(_text(li).split()) for li in _tree(render_html(redline)).xpath("//ul[@class='stats']/li")]
    assert stats == ["same work: no", "6 changed (top level)", "14 renumbered"]
