"""Building new documents from akn_templates/: strictly valid, with the identity and title asked for."""

from __future__ import annotations

from datetime import date as Date

import pytest

from drafting.akn import build_document, read_identification, template_names, validate, xpath
from drafting.errors import TemplateError

KINDS = ["bill", "ordinance", "amendment"]
URI_PATHS = {"bill": "bill", "ordinance": "act/ordinance", "amendment": "amendment"}


def build(name="bill", **overrides):
    arguments = {
        "title": "Face Surveillance Act",
        "jurisdiction": "us-ma-boston",
        "number": "16-62",
        "date": "2025-03-04",
    }
    arguments.update(overrides)
    return build_document(name, **arguments)


def test_template_names_are_bill_ordinance_and_amendment():
    assert template_names() == ["amendment", "bill", "ordinance"]


@pytest.mark.parametrize("name", KINDS)
def test_built_document_validates_strictly(name):
    report = validate(build(name))
    assert report.valid, report.as_dict()


@pytest.mark.parametrize("name", KINDS)
def test_built_document_carries_title_jurisdiction_number_and_date_in_meta(name):
    root = build(name)
    work = f"/akn/us-ma-boston/{URI_PATHS[name]}/2025/16-62"
    identification = read_identification(root)
    assert identification.work_uri == work
    assert identification.expression_uri == f"{work}/eng@2025-03-04"
    assert identification.title == "Face Surveillance Act"
    assert xpath(root, "//akn:preface//akn:docTitle/text()") == ["Face Surveillance Act"]
    assert xpath(root, "//akn:FRBRWork/akn:FRBRalias[@name='title']/@value") == ["Face Surveillance Act"]
    assert xpath(root, "//akn:FRBRWork/akn:FRBRcountry/@value") == ["us-ma-boston"]
    assert xpath(root, "//akn:FRBRWork/akn:FRBRnumber/@value") == ["16-62"]
    assert xpath(root, "//akn:identification//akn:FRBRdate/@date") == ["2025-03-04"] * 3


def test_title_whitespace_is_folded():
    root = build(title="  Face \n  Surveillance\tAct ")
    assert read_identification(root).title == "Face Surveillance Act"


def test_jurisdiction_is_lowercased():
    assert read_identification(build(jurisdiction=" US-MA-Boston ")).jurisdiction == "us-ma-boston"


def test_printed_number_is_slugged_into_the_work_uri():
    assert read_identification(build(number="H 1234")).work_uri == "/akn/us-ma-boston/bill/2025/h-1234"


def test_date_defaults_to_today():
    today = Date.today().isoformat()
    root = build(date=None)
    assert read_identification(root).expression_uri.endswith(f"/eng@{today}")


@pytest.mark.parametrize("jurisdiction", ["usa", "u", "us ma", "us_ma", "../etc", "", "us/ma", "ü-ma"])
def test_bad_jurisdiction_raises_template_error(jurisdiction):
    with pytest.raises(TemplateError, match="expected a jurisdiction code"):
        build(jurisdiction=jurisdiction)


@pytest.mark.parametrize("number", ["", "   ", "!!!", "..", "x" * 101, "§"])
def test_bad_number_raises_template_error(number):
    with pytest.raises(TemplateError, match="expected a number"):
        build(number=number)


@pytest.mark.parametrize("date", ["2025", "2025-03", "25-03-04", "2025/03/04", "4 March 2025", "2025-3-4"])
def test_malformed_date_raises_template_error(date):
    with pytest.raises(TemplateError, match="expected a date YYYY-MM-DD"):
        build(date=date)


@pytest.mark.parametrize("date", ["2025-02-30", "2025-13-01", "2025-00-10"])
def test_impossible_calendar_date_raises_template_error(date):
    with pytest.raises(TemplateError, match="expected a date"):
        build(date=date)


@pytest.mark.parametrize("title", ["", "   \n\t"])
def test_empty_title_raises_template_error(title):
    with pytest.raises(TemplateError, match="expected a title"):
        build(title=title)


@pytest.mark.parametrize("name", ["statute", "Bill", "../bill", ""])
def test_unknown_template_raises_template_error(name):
    with pytest.raises(TemplateError, match="expected a template among amendment, bill, ordinance"):
        build(name)
