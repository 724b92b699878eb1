"""services.library: the library's page of documents with their latest version's validity, its filters and search,
called directly with a store."""

from __future__ import annotations

from drafting import services
from tests.app_fixtures import sample_bytes

BILL = "ma-biometric-moratorium-bill.xml"
BAYPORT = "us-ma-bayport-ordinance-16-62.xml"
MILLBROOK = "us-ma-millbrook-ordinance-2019-7.xml"
OWNER = services.Principal("ada", "drafter")
OTHER = services.Principal("bob", "drafter")


def stored(database, name: str, data: bytes | None = None, *, visibility: str = "shared") -> int:
    return services.create_document_from_xml(database, data or sample_bytes(name), author=OWNER.name,
                                             visibility=visibility).document.id


def listed(page: services.LibraryPage) -> list[int]:
    return [entry.document.id for entry in page.entries]


def test_the_library_lists_each_document_with_its_latest_versions_validity(database):
    bill = stored(database, BILL)
    assert [entry.valid for entry in services.list_library(database).entries] == [True]
    broken = services.get_document(database, bill).version.xml.replace("<heading>", "<heading><bogus/>", 1)
    saved = services.save_version(database, bill, broken.encode("utf-8"), base_version=1, author="ada", message=None)
    [entry] = services.list_library(database).entries
    assert (entry.document.id, entry.valid, entry.saved_at) == (bill, False, saved.version.created_at)


def test_the_library_lists_the_most_recently_saved_first(database):
    bill, bayport, millbrook = stored(database, BILL), stored(database, BAYPORT), stored(database, MILLBROOK)
    assert listed(services.list_library(database)) == [millbrook, bayport, bill]
    xml = services.get_document(database, bill).version.xml.encode("utf-8")
    services.save_version(database, bill, xml, base_version=1, author="ada", message=None)
    assert listed(services.list_library(database)) == [bill, millbrook, bayport]


def test_the_library_filters_by_kind_and_jurisdiction_and_offers_the_values_present(database):
    bill, bayport, millbrook = stored(database, BILL), stored(database, BAYPORT), stored(database, MILLBROOK)
    page = services.list_library(database)
    assert page.kinds == ["bill", "ordinance"]
    assert page.jurisdictions == ["us-ma", "us-ma-bayport", "us-ma-millbrook"]
    assert listed(services.list_library(database, kind="ordinance")) == [millbrook, bayport]
    assert listed(services.list_library(database, jurisdiction="us-ma")) == [bill]
    filtered = services.list_library(database, kind="bill", jurisdiction="us-ma-bayport")
    assert (filtered.entries, filtered.total, filtered.kinds) == ([], 0, ["bill", "ordinance"])


def test_the_library_search_finds_titles_and_uris_and_takes_wildcards_literally(database):
    bill, bayport = stored(database, BILL), stored(database, BAYPORT)
    assert listed(services.list_library(database, q="moratorium act")) == [bill]
    assert listed(services.list_library(database, q="act/ordinance/2020/16-62")) == [bayport]
    for wildcard in ("%", "_", "bio%act"):
        assert services.list_library(database, q=wildcard).total == 0
    assert services.list_library(database, q="\x00").total == 0


def test_the_library_pages_and_counts_every_match(database):
    ids = [stored(database, name) for name in (BILL, BAYPORT, MILLBROOK)]
    page = services.list_library(database, offset=1, limit=1)
    assert (listed(page), page.total) == ([ids[1]], 3)
    assert listed(services.list_library(database, offset=-5, limit=0)) == [ids[2]]


def test_a_private_document_is_neither_listed_nor_offered_as_a_filter_to_another_drafter(database):
    stored(database, BILL, visibility="private")
    bayport = stored(database, BAYPORT)
    theirs = services.list_library(database, principal=OTHER)
    assert (listed(theirs), theirs.total, theirs.kinds, theirs.jurisdictions) == (
        [bayport], 1, ["ordinance"], ["us-ma-bayport"])
    for principal in (OWNER, services.Principal("root", "admin"), None):
        mine = services.list_library(database, principal=principal)
        assert mine.total == 2 and mine.jurisdictions == ["us-ma", "us-ma-bayport"]


def test_a_deleted_document_is_not_in_the_library(database):
    bill, bayport = stored(database, BILL), stored(database, BAYPORT)
    services.delete_document(database, bill, base_version=1, principal=OWNER)
    page = services.list_library(database)
    assert (listed(page), page.total, page.jurisdictions) == ([bayport], 1, ["us-ma-bayport"])
