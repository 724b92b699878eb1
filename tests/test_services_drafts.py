"""services.drafts: adopting a provision of another document (as a new version, or into an unsaved draft) and merging
an unsaved document with the versions saved since, called directly with a store."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from drafting import akn, services
from drafting.errors import ConflictError, NotFoundError, SchemaInvalidError, StaleVersionError
from tests.app_fixtures import sample_bytes

BILL = "ma-biometric-moratorium-bill.xml"
HARBORVIEW = "us-ma-harborview-ordinance-2021-2-128.xml"
CONTRACTS_VOID = "sec_2.128.050"
SMALL_BILL = Path(__file__).parent / "fixtures" / "akn" / "small-bill.xml"
OWNER = services.Principal("ada", "drafter")
OTHER = services.Principal("bob", "drafter")


def stored(database, name: str, data: bytes | None = None, *, visibility: str = "shared") -> int:
    return services.create_document_from_xml(database, data or sample_bytes(name), author=OWNER.name,
                                             visibility=visibility).document.id


def audit(database, action: str) -> list:
    return services.list_audit_events(database, principal=None, action=action)[0]


def version_numbers(database, document_id: int) -> list[int]:
    return [version.number for version in services.list_versions(database, document_id)[1]]


def sections(xml: str | bytes) -> list[str]:
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    return [provision.eId for provision in akn.extract_provisions(akn.parse_akn(data).root)]


def reworded(xml: str | bytes, eid: str, words: str) -> bytes:
    root = akn.parse_akn(xml.encode("utf-8") if isinstance(xml, str) else xml).root
    akn.xpath(root, "//akn:body//*[@eId=$eid]//akn:p", eid=eid)[0].text = words
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_adopting_a_provision_stores_a_valid_new_version_of_the_draft_with_it_inserted(database):
    bill, harborview = stored(database, BILL), stored(database, HARBORVIEW)
    adopted = services.adopt_suggestion(database, bill, base_version=1, from_id=harborview, eid=CONTRACTS_VOID,
                                        author="ada")
    assert adopted.version.number == 2 and adopted.version.valid is True
    assert (adopted.adoption["eId"], adopted.adoption["from"], adopted.adoption["from_version"]) == (
        "sec_15", harborview, 1)
    before, after = (services.provisions_of(services.get_document(database, bill, n).version) for n in (1, 2))
    assert len(after) == len(before) + 1
    assert (after[14]["eId"], after[14]["heading"]) == ("sec_15", "Contracts void")
    assert [p["heading"] for p in after[:14] + after[15:]] == [p["heading"] for p in before]
    assert version_numbers(database, harborview) == [1]
    [event] = audit(database, "document.adopted")
    assert (event.document_id, event.version) == (bill, 2)
    assert event.detail["from"] == harborview and event.detail["eId"] == CONTRACTS_VOID


def test_adopting_on_a_stale_base_version_is_refused_and_stores_nothing(database):
    bill, harborview = stored(database, BILL), stored(database, HARBORVIEW)
    services.adopt_suggestion(database, bill, base_version=1, from_id=harborview, eid=CONTRACTS_VOID, author="ada")
    with pytest.raises(StaleVersionError):
        services.adopt_suggestion(database, bill, base_version=1, from_id=harborview, eid=CONTRACTS_VOID,
                                  author="bob")
    assert version_numbers(database, bill) == [1, 2] and len(audit(database, "document.adopted")) == 1


def test_an_adoption_that_would_make_a_valid_draft_invalid_is_refused_and_stores_nothing(database):
    bill = stored(database, BILL)
    broken = sample_bytes(HARBORVIEW).replace(b"<heading>Contracts void", b"<heading><bogus/>Contracts void", 1)
    harborview = stored(database, HARBORVIEW, broken)
    with pytest.raises(SchemaInvalidError, match=f"adopting {CONTRACTS_VOID} from document {harborview}"):
        services.adopt_suggestion(database, bill, base_version=1, from_id=harborview, eid=CONTRACTS_VOID,
                                  author="ada")
    with pytest.raises(SchemaInvalidError):
        services.adopt_into(database, sample_bytes(BILL), harborview, CONTRACTS_VOID)
    assert version_numbers(database, bill) == [1]


def test_adopting_into_an_unsaved_draft_returns_it_and_stores_nothing(database):
    bill, harborview = stored(database, BILL), stored(database, HARBORVIEW)
    draft = services.adopt_into(database, sample_bytes(BILL), harborview, CONTRACTS_VOID, after="sec_2")
    assert draft.adoption["eId"] == "sec_3" and draft.adoption["source_eId"] == CONTRACTS_VOID
    assert akn.validate(akn.parse_akn(draft.xml).root, strict=True).valid
    assert len(sections(draft.xml)) == len(sections(sample_bytes(BILL))) + 1
    assert version_numbers(database, bill) == [1] and version_numbers(database, harborview) == [1]
    assert audit(database, "document.adopted") == []


def test_a_provision_of_a_private_document_of_another_drafter_cannot_be_adopted(database):
    harborview = stored(database, HARBORVIEW, visibility="private")
    with pytest.raises(NotFoundError, match=f"no document with id {harborview}"):
        services.adopt_into(database, sample_bytes(BILL), harborview, CONTRACTS_VOID, principal=OTHER)
    assert services.adopt_into(database, sample_bytes(BILL), harborview, CONTRACTS_VOID, principal=OWNER).xml


def concurrent_edits(database, mine_eid: str, mine_words: str, theirs_eid: str, theirs_words: str
                     ) -> tuple[int, bytes]:
    """Store v1; someone saves v2; return the document and my unsaved edit of v1."""
    document = stored(database, "", SMALL_BILL.read_bytes())
    v1 = services.get_document(database, document, 1).version.xml
    services.save_version(database, document, reworded(v1, theirs_eid, theirs_words), base_version=1,
                          author="bob", message=None)
    return document, reworded(v1, mine_eid, mine_words)


def test_edits_of_different_provisions_merge_completely_on_the_latest_version_and_store_nothing(database):
    document, mine = concurrent_edits(database, "sec_3__subsec_a", '"Agency", any department of the town.',
                                      "sec_5__subsec_a", "No agency shall buy a face surveillance system.")
    outcome = services.merge(database, document, mine, base_version=1)
    assert outcome.complete and outcome.latest_version == 2
    assert [(item.key, item.kind, item.choice) for item in outcome.items] == [
        ("sec_3", "mine-only", "mine"), ("sec_5", "theirs-only", "theirs")]
    assert outcome.etag == services.etag_of(services.get_document(database, document).version)
    assert b"any department of the town" in outcome.xml and b"shall buy a face" in outcome.xml
    assert akn.validate(akn.parse_akn(outcome.xml).root, strict=True).valid
    assert version_numbers(database, document) == [1, 2]


def test_a_conflict_leaves_the_merge_incomplete_until_a_side_is_chosen(database):
    document, mine = concurrent_edits(database, "sec_5__subsec_a", "No agency shall use a face surveillance system.",
                                      "sec_5__subsec_a", "No agency shall buy a face surveillance system.")
    open_conflict = services.merge(database, document, mine, base_version=1)
    assert not open_conflict.complete and open_conflict.xml is None
    assert [(item.key, item.kind, item.choice) for item in open_conflict.items] == [("sec_5", "conflict", None)]
    for side, words in (("mine", b"shall use a face"), ("theirs", b"shall buy a face")):
        chosen = services.merge(database, document, mine, base_version=1, choices={"sec_5": side})
        assert chosen.complete and words in chosen.xml


def test_choices_made_against_a_version_that_is_no_longer_the_latest_are_stale(database):
    document, mine = concurrent_edits(database, "sec_5__subsec_a", "No agency shall use a face surveillance system.",
                                      "sec_5__subsec_a", "No agency shall buy a face surveillance system.")
    latest = services.get_document(database, document).version.xml
    services.save_version(database, document, reworded(latest, "sec_3__subsec_a", "A third edit."), base_version=2,
                          author="cy", message=None)
    with pytest.raises(StaleVersionError) as stale:
        services.merge(database, document, mine, base_version=1, choices={"sec_5": "mine"}, latest_version=2)
    assert stale.value.extra == {"latest_version": 3}
    again = services.merge(database, document, mine, base_version=1, choices={"sec_5": "mine"}, latest_version=3)
    assert again.complete and b"A third edit." in again.xml and b"shall use a face" in again.xml


def test_merging_an_upload_of_another_work_is_refused(database):
    document, _ = concurrent_edits(database, "sec_5__subsec_a", "Mine.", "sec_5__subsec_a", "Theirs.")
    with pytest.raises(ConflictError, match="expected the work /akn/us-ma/bill/2026/face-surveillance"):
        services.merge(database, document, sample_bytes(BILL), base_version=1)
