"""Export repairs make documents from other systems strictly valid without changing their text."""

from __future__ import annotations

from drafting.akn import build_document, parse_akn, repair_for_export, serialize, validate, xpath
from drafting.akn.namespaces import akn


def bill():
    return build_document("bill", title="Repairs", jurisdiction="us-ma", number="r-1", date="2026-11-26")


def test_year_only_frbr_dates_are_completed_and_then_validate_strictly():
    root = bill()
    for node in xpath(root, "//akn:FRBRdate"):
        node.set("date", "1996")
    assert not validate(root).valid
    repairs = repair_for_export(root)
    assert validate(root).valid
    assert {node.get("date") for node in xpath(root, "//akn:FRBRdate")} == {"1996-01-01"}
    assert "FRBRdate 1996 completed as 1996-01-01" in [r.what for r in repairs]


def test_year_month_date_is_completed_with_the_first_day():
    root = bill()
    xpath(root, "//akn:FRBRWork/akn:FRBRdate")[0].set("date", "2020-06")
    repair_for_export(root)
    assert xpath(root, "//akn:FRBRWork/akn:FRBRdate")[0].get("date") == "2020-06-01"


def test_a_reference_repeated_exactly_is_removed_and_a_different_one_kept():
    root = bill()
    references = xpath(root, "//akn:references")[0]
    original = references[0]
    references.append(parse_akn(serialize(root)).root.xpath("//*[@eId='drafting']")[0])
    assert not validate(root).valid
    repair_for_export(root)
    assert validate(root).valid
    assert len(references.findall(akn("TLCOrganization"))) == 1
    assert references[0] is original


def test_repairs_never_change_the_text():
    root = bill()
    for node in xpath(root, "//akn:FRBRdate"):
        node.set("date", "1996")
    before = "".join(root.itertext())
    repair_for_export(root)
    assert "".join(root.itertext()) == before
