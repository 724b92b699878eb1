"""services.redlines: redlines of stored versions and uploads in every format, cached by content, and as a fragment
of a page, called directly with a store."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from markupsafe import Markup

from drafting import compare, services
from drafting.cache import MemoryCache
from drafting.errors import NotFoundError, WorkTooLargeError
from drafting.work import WorkBudget
from tests.app_fixtures import sample_bytes

MILLBROOK = "us-ma-millbrook-ordinance-2019-7.xml"
OWNER = services.Principal("ada", "drafter")
OTHER = services.Principal("bob", "drafter")
TOO_SMALL = WorkBudget(max_provisions=1)


def two_versions(database, *, visibility: str = "shared", new_text: str = "should not") -> int:
    """Store the Millbrook ordinance and a version 2 that says `new_text` where it said "shall not"."""
    created = services.create_document_from_xml(database, sample_bytes(MILLBROOK), author=OWNER.name,
                                                visibility=visibility)
    edited = created.version.xml.replace("shall not", new_text, 1).encode("utf-8")
    services.save_version(database, created.document.id, edited, base_version=1, author=OWNER.name, message=None)
    return created.document.id


def sides(document: int) -> tuple[services.RedlineSide, services.RedlineSide]:
    return services.RedlineSide(document_id=document, version=1), services.RedlineSide(document_id=document, version=2)


@pytest.fixture
def comparisons(monkeypatch) -> list:
    """Count the comparisons the engine runs."""
    calls = []
    real = compare.compare

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(compare, "compare", counted)
    return calls


def walk(entries):
    for entry in entries:
        yield entry
        yield from walk(entry["children"])


def test_a_redline_of_two_stored_versions_names_the_weakened_modal(database):
    document = two_versions(database)
    rendered = services.redline(database, *sides(document), cache=MemoryCache())
    assert rendered.media_type == "application/json"
    assert rendered.filename == f"redline-{document}v1-{document}v2.json"
    body = json.loads(rendered.body)
    assert body["stats"]["same_work"] is True
    changed = [entry for entry in walk(body["alignment"]) if entry["status"] == "changed"]
    assert any("modal-weakened" in entry["labels"] for entry in changed)


def test_a_redline_of_stored_versions_is_computed_once_per_content(database, comparisons):
    document, cache = two_versions(database), MemoryCache()
    first = services.redline(database, *sides(document), cache=cache)
    again = services.redline(database, *sides(document), cache=cache)
    assert again == first and first.etag.startswith("r-") and len(comparisons) == 1
    assert first.etag == services.redline_etag(database, *sides(document), "json", "inline")


def test_the_entity_tag_changes_with_the_content_the_format_and_the_view(database):
    document = two_versions(database)
    old, new = sides(document)
    tags = {services.redline_etag(database, old, new, output_format, view)
            for output_format, view in (("json", "inline"), ("html", "inline"), ("html", "side-by-side"))}
    assert len(tags) == 3
    latest = services.RedlineSide(document_id=document)
    assert services.redline_etag(database, old, latest, "json", "inline") == services.redline_etag(
        database, old, new, "json", "inline")
    services.save_version(database, document, sample_bytes(MILLBROOK), base_version=2, author="ada", message=None)
    assert services.redline_etag(database, old, latest, "json", "inline") not in tags


def test_a_redline_with_an_uploaded_side_has_no_entity_tag_and_is_never_kept(database, comparisons):
    document, cache = two_versions(database), MemoryCache()
    upload = services.RedlineSide(data=sample_bytes(MILLBROOK), media_type="application/akn+xml")
    stored = services.RedlineSide(document_id=document, version=2)
    assert services.redline_etag(database, upload, stored, "json", "inline") is None
    first = services.redline(database, upload, stored, cache=cache)
    second = services.redline(database, upload, stored, cache=cache)
    assert first.etag is None and first.filename == f"redline-upload-{document}v2.json"
    assert second.body == first.body and len(comparisons) == 2 and len(cache) == 0


def test_a_cached_redline_is_not_served_to_someone_who_may_not_see_a_side(database, comparisons):
    document, cache = two_versions(database, visibility="private"), MemoryCache()
    services.redline(database, *sides(document), principal=OWNER, cache=cache)
    with pytest.raises(NotFoundError):
        services.redline(database, *sides(document), principal=OTHER, cache=cache)
    upload = services.RedlineSide(data=sample_bytes(MILLBROOK), media_type="application/akn+xml")
    with pytest.raises(NotFoundError):
        services.redline(database, upload, sides(document)[1], principal=OTHER, cache=cache)
    assert len(comparisons) == 1


def test_a_redline_beyond_the_budget_is_refused_until_it_is_cached(database, comparisons):
    document, cache = two_versions(database), MemoryCache()
    with pytest.raises(WorkTooLargeError):
        services.redline(database, *sides(document), cache=cache, budget=TOO_SMALL)
    assert len(cache) == 0 and comparisons == []
    computed = services.redline(database, *sides(document), cache=cache)
    assert services.redline(database, *sides(document), cache=cache, budget=TOO_SMALL) == computed


def test_every_format_has_its_media_type_and_file_extension(database):
    document = two_versions(database)
    for output_format, extension in (("html", "html"), ("akn", "xml"), ("docx", "docx")):
        rendered = services.redline(database, *sides(document), output_format=output_format, cache=MemoryCache())
        assert rendered.media_type == compare.MEDIA_TYPES[output_format]
        assert rendered.filename == f"redline-{document}v1-{document}v2.{extension}" and rendered.body


def test_the_word_redline_of_stored_versions_is_the_same_bytes_each_time(database):
    document = two_versions(database)
    first, again = (services.redline(database, *sides(document), output_format="docx", cache=MemoryCache())
                    for _ in range(2))
    assert first.body == again.body


def test_a_redline_fragment_is_markup_with_the_documents_text_escaped(database, comparisons):
    hostile = "&lt;script&gt;alert(1)&lt;/script&gt; shall not"  # text in the XML, not markup
    document, cache = two_versions(database, new_text=hostile), MemoryCache()
    fragment = services.redline_fragment(database, *sides(document), cache=cache)
    assert isinstance(fragment, Markup) and str(fragment).startswith('<div class="redline')
    assert "<script>" not in str(fragment) and "&lt;script&gt;alert(1)" in str(fragment)
    assert services.redline_fragment(database, *sides(document), cache=cache) == fragment
    assert len(comparisons) == 1 and len(cache) == 1


def test_a_redline_names_the_versions_asked_for_when_another_version_has_the_same_content(database):
    today = datetime.now(UTC).date().isoformat()
    created = services.create_document_from_template(database, "bill", title="Privacy", jurisdiction="us-ma",
                                                     number="privacy", date=today, author="ada")
    document = created.document.id
    retitled = created.version.xml.replace(">Privacy<", ">Privacy Act<", 1).encode("utf-8")
    services.save_version(database, document, retitled, base_version=1, author="ada", message=None)
    services.restore_version(database, document, 1, base_version=2, author="ada")  # the text of v1, dated as v1
    cache = MemoryCache()
    old = services.RedlineSide(document_id=document, version=2)
    services.redline(database, old, services.RedlineSide(document_id=document, version=1), cache=cache)
    restored = services.redline(database, old, services.RedlineSide(document_id=document, version=3), cache=cache)
    assert restored.filename == f"redline-{document}v2-{document}v3.json"
    assert json.loads(restored.body)["new"]["version"] == 3
