"""services.gaps: safeguards reports of stored or uploaded drafts compared with stored documents, cached by content,
and findings cached by content and rubric, called directly with a store."""

from __future__ import annotations

import json

import pytest

from drafting import analysis, services
from drafting.analysis import report
from drafting.cache import MemoryCache, StoreCaches
from drafting.errors import NotAcceptableError, NotFoundError, WorkTooLargeError
from drafting.work import WorkBudget
from tests.app_fixtures import SAMPLES, sample_bytes

BILL = "ma-biometric-moratorium-bill.xml"
HARBORVIEW = "us-ma-harborview-ordinance-2021-2-128.xml"
MILLBROOK = "us-ma-millbrook-ordinance-2019-7.xml"
OWNER = services.Principal("ada", "drafter")
OTHER = services.Principal("bob", "drafter")


@pytest.fixture(autouse=True)
def caches(database, monkeypatch) -> StoreCaches:
    """Give the store fresh caches: findings of the same samples are kept from one test to the next otherwise."""
    fresh = StoreCaches()
    monkeypatch.setitem(database.companions, "caches", fresh)
    return fresh


@pytest.fixture
def evaluations(monkeypatch) -> list[str]:
    """The work URIs of the documents the engine judges, one per evaluation."""
    judged = []
    real = analysis.evaluate

    def counted(root, *args, **kwargs):
        from drafting.akn import read_identification

        judged.append(read_identification(root).work_uri)
        return real(root, *args, **kwargs)

    monkeypatch.setattr(analysis, "evaluate", counted)
    return judged


@pytest.fixture
def reports(monkeypatch) -> list:
    """Count the reports assembled."""
    built = []
    real = report.build_result

    def counted(*args, **kwargs):
        built.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(report, "build_result", counted)
    return built


def stored(database, name: str, *, visibility: str = "shared") -> int:
    return services.create_document_from_xml(database, sample_bytes(name), author=OWNER.name,
                                             visibility=visibility).document.id


def test_findings_of_the_same_content_are_computed_once(database, evaluations):
    bill, millbrook = stored(database, BILL), stored(database, MILLBROOK)
    first = services.gaps_result(database, services.RedlineSide(document_id=bill))
    again = services.gaps_result(database, services.RedlineSide(document_id=bill))
    compared = services.gaps_result(database, services.RedlineSide(document_id=millbrook), against=(bill,))
    assert again == first and compared["comparison"][0]["findings"] == first["findings"]
    assert evaluations == ["/akn/us-ma/bill/2026/biometric-moratorium", "/akn/us-ma-millbrook/act/ordinance/2019/7"]


def test_findings_of_an_upload_are_computed_for_each_report(database, evaluations):
    upload = services.RedlineSide(data=sample_bytes(BILL), media_type="application/akn+xml")
    first = services.gaps_result(database, upload)
    assert services.gaps_result(database, upload) == first and len(evaluations) == 2
    assert services.gaps_etag(database, upload) is None


def test_a_report_judges_every_safeguard_of_the_draft_and_compares_it_with_each_document(database):
    bill, harborview, millbrook = stored(database, BILL), stored(database, HARBORVIEW), stored(database, MILLBROOK)
    result = services.gaps_result(database, services.RedlineSide(document_id=millbrook), against=(bill, harborview))
    assert result["document"]["id"] == millbrook and result["document"]["version"] == 1
    assert [f["safeguard"] for f in result["findings"]] == [s.id for s in analysis.load_rubric().safeguards]
    assert [entry["document"]["id"] for entry in result["comparison"]] == [bill, harborview]
    # the weakest text: the statewide bill is stronger on some safeguard, and suggests its language for it
    ahead = result["comparison"][0]
    assert ahead["stronger"] and ahead["suggestions"]


def test_a_stored_report_has_a_strong_entity_tag_and_is_rendered_once(database, reports):
    bill, cache = stored(database, BILL), MemoryCache()
    draft = services.RedlineSide(document_id=bill)
    first = services.gaps(database, draft, cache=cache)
    again = services.gaps(database, draft, cache=cache)
    assert again == first and len(reports) == 1
    assert first.etag == services.gaps_etag(database, draft) and first.etag.startswith("g-")
    assert first.media_type == "application/json" and json.loads(first.body)["document"]["id"] == bill
    html = services.gaps(database, draft, output_format="html", cache=cache)
    assert html.media_type == "text/html" and html.body.startswith(b"<!DOCTYPE html>") and len(reports) == 2


def test_the_entity_tag_changes_with_the_format_the_compared_documents_and_a_new_version(database):
    bill, millbrook = stored(database, BILL), stored(database, MILLBROOK)
    draft = services.RedlineSide(document_id=bill)
    tags = {services.gaps_etag(database, draft), services.gaps_etag(database, draft, output_format="html"),
            services.gaps_etag(database, draft, (millbrook,))}
    assert len(tags) == 3
    edited = services.get_document(database, bill).version.xml.replace("shall not", "should not", 1)
    services.save_version(database, bill, edited.encode(), base_version=1, author="ada", message=None)
    assert services.gaps_etag(database, draft) not in tags
    assert services.gaps_etag(database, services.RedlineSide(document_id=bill, version=1)) in tags


def test_an_unknown_format_is_not_acceptable(database, reports):
    bill = stored(database, BILL)
    with pytest.raises(NotAcceptableError, match="'pdf'"):
        services.gaps(database, services.RedlineSide(document_id=bill), output_format="pdf", cache=MemoryCache())
    assert reports == []


def test_a_private_document_is_not_found_for_another_drafter_as_draft_or_as_compared(database, evaluations):
    private, shared = stored(database, BILL, visibility="private"), stored(database, MILLBROOK)
    for draft, against in ((private, ()), (shared, (private,))):
        side = services.RedlineSide(document_id=draft)
        with pytest.raises(NotFoundError):
            services.gaps_etag(database, side, against, principal=OTHER)
        with pytest.raises(NotFoundError):
            services.gaps_result(database, side, against, principal=OTHER)
    assert evaluations == []
    assert services.gaps_result(database, services.RedlineSide(document_id=private), principal=OWNER)["findings"]


def test_a_text_upload_is_imported_with_the_options_given(database):
    text = (SAMPLES / "us-ma-millbrook-ordinance-2019-7.txt").read_bytes()
    upload = services.RedlineSide(data=text, media_type="text/plain")
    result = services.gaps_result(database, upload, options={"type": "bill", "jurisdiction": "us-ma-lee",
                                                             "number": "2026-3"})
    assert result["document"]["frbr_uri"] == "/akn/us-ma-lee/bill/2019/2026-3"
    assert result["document"]["doc_type"] == "bill" and "id" not in result["document"]


def test_a_report_whose_findings_are_known_is_admitted_however_small_the_budget(database, evaluations):
    bill, too_small = stored(database, BILL), WorkBudget(max_provisions=1)
    draft = services.RedlineSide(document_id=bill)
    with pytest.raises(WorkTooLargeError):
        services.gaps_result(database, draft, budget=too_small)
    assert evaluations == []
    known = services.gaps_result(database, draft)
    assert services.gaps_result(database, draft, budget=too_small) == known and len(evaluations) == 1
