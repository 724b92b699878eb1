"""FRBR identity: reading it from <meta>, keeping work, expression and manifestation in step, safe file names."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.akn import (
    E,
    Identification,
    export_filename,
    parse_akn,
    parse_frbr_uri,
    read_identification,
    set_identity,
    xpath,
)
from drafting.errors import InvalidDocumentError, InvalidFrbrUriError

TEMPLATES = Path(__file__).resolve().parents[1] / "akn_templates"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "akn"

WORK = "/akn/us-ma/bill/2026/biometric-moratorium"


def template(name: str):
    return parse_akn((TEMPLATES / f"{name}.xml").read_bytes()).root


def frbr_values(root) -> dict[str, str]:
    """Return the FRBRthis/FRBRuri values and FRBRdate dates of work, expression and manifestation."""
    values = {}
    for level in ("FRBRWork", "FRBRExpression", "FRBRManifestation"):
        for name, attribute in (("FRBRthis", "value"), ("FRBRuri", "value"), ("FRBRdate", "date")):
            values[f"{level}/{name}"] = xpath(root, f"//akn:{level}/akn:{name}/@{attribute}")[0]
    return values


@pytest.mark.parametrize(
    ("name", "doc_type", "work_uri", "title"),
    [
        ("bill", "bill", "/akn/us-ma/bill/2026/untitled", "Untitled bill"),
        ("ordinance", "act", "/akn/us-ma-town/act/ordinance/2026/untitled", "Untitled ordinance"),
        ("amendment", "amendment", "/akn/us-ma/amendment/2026/untitled", "Untitled amendment"),
    ],
)
def test_read_identification_of_each_template(name, doc_type, work_uri, title):
    identification = read_identification(template(name))
    jurisdiction = work_uri.split("/")[2]
    assert identification == Identification(
        work_uri=work_uri,
        expression_uri=f"{work_uri}/eng@2026-01-01",
        manifestation_uri=f"{work_uri}/eng@2026-01-01/!main.xml",
        doc_type=doc_type,
        name=name,
        jurisdiction=jurisdiction,
        number="untitled",
        date="2026",
        language="eng",
        title=title,
    )


def test_read_identification_of_a_document_from_another_system():
    path = CORPUS / "uk-ukpga-2014-27-enacted.xml"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    identification = read_identification(parse_akn(path.read_bytes()).root)
    assert identification.work_uri == "http://www.legislation.gov.uk/id/ukpga/2014/27/enacted"
    assert identification.expression_uri == "http://www.legislation.gov.uk/id/ukpga/2014/27/enacted"
    assert identification.manifestation_uri == "http://www.legislation.gov.uk/id/ukpga/2014/27/enacted/data.akn"
    assert (identification.doc_type, identification.name) == ("act", "UnitedKingdomPublicGeneralAct")
    assert (identification.jurisdiction, identification.number, identification.date) == ("GB-UKM", "27", "2014-07-17")
    assert identification.language == "eng"
    assert identification.title.startswith("An Act to make provision, in consequence of a declaration of invalidity")
    assert len(identification.title) <= 500


def test_read_identification_without_identification_raises_invalid_document():
    root = E.akomaNtoso(E.act(E.meta(), E.body(), name="act"))
    with pytest.raises(InvalidDocumentError, match="found no identification"):
        read_identification(root)


def test_read_identification_without_document_element_raises_invalid_document():
    with pytest.raises(InvalidDocumentError, match="found none"):
        read_identification(E.akomaNtoso())


def test_set_identity_makes_work_expression_and_manifestation_agree():
    root = template("bill")
    set_identity(root, WORK, expression_date="2026-11-26")
    assert frbr_values(root) == {
        "FRBRWork/FRBRthis": f"{WORK}/!main",
        "FRBRWork/FRBRuri": WORK,
        "FRBRWork/FRBRdate": "2026-01-01",
        "FRBRExpression/FRBRthis": f"{WORK}/eng@2026-11-26/!main",
        "FRBRExpression/FRBRuri": f"{WORK}/eng@2026-11-26",
        "FRBRExpression/FRBRdate": "2026-11-26",
        "FRBRManifestation/FRBRthis": f"{WORK}/eng@2026-11-26/!main.xml",
        "FRBRManifestation/FRBRuri": f"{WORK}/eng@2026-11-26.akn",
        "FRBRManifestation/FRBRdate": "2026-11-26",
    }
    assert xpath(root, "//akn:FRBRWork/akn:FRBRcountry/@value") == ["us-ma"]
    assert xpath(root, "//akn:FRBRWork/akn:FRBRnumber/@value") == ["biometric-moratorium"]
    assert xpath(root, "//akn:FRBRExpression/akn:FRBRlanguage/@language") == ["eng"]


def test_set_identity_returns_the_expression_uri():
    assert set_identity(template("bill"), WORK, expression_date="2026-11-26") == f"{WORK}/eng@2026-11-26"


def test_set_identity_result_is_read_back_by_read_identification():
    root = template("bill")
    expression_uri = set_identity(root, WORK, expression_date="2026-11-26")
    identification = read_identification(root)
    assert (identification.work_uri, identification.expression_uri) == (WORK, expression_uri)
    assert identification.manifestation_uri == f"{expression_uri}/!main.xml"


def test_renaming_to_a_new_work_uri_updates_all_three_levels():
    root = template("bill")
    set_identity(root, WORK, expression_date="2026-11-26")
    renamed = "/akn/us-ma-boston/bill/2026/face-surveillance"
    set_identity(root, renamed, expression_date="2026-11-27")
    values = frbr_values(root)
    assert not [value for value in values.values() if "biometric-moratorium" in value]
    assert values["FRBRWork/FRBRuri"] == renamed
    assert values["FRBRExpression/FRBRuri"] == f"{renamed}/eng@2026-11-27"
    assert values["FRBRManifestation/FRBRthis"] == f"{renamed}/eng@2026-11-27/!main.xml"
    assert xpath(root, "//akn:FRBRWork/akn:FRBRcountry/@value") == ["us-ma-boston"]
    assert xpath(root, "//akn:FRBRWork/akn:FRBRnumber/@value") == ["face-surveillance"]


def test_renaming_into_another_year_moves_the_work_date_into_that_year():
    root = template("bill")
    set_identity(root, "/akn/us-ma/bill/2027/biometric-moratorium", expression_date="2027-02-01")
    assert frbr_values(root)["FRBRWork/FRBRdate"].startswith("2027")


def test_new_expression_date_keeps_the_work():
    root = template("bill")
    set_identity(root, WORK, expression_date="2026-11-26")
    set_identity(root, WORK, expression_date="2026-12-01")
    values = frbr_values(root)
    assert values["FRBRWork/FRBRuri"] == WORK
    assert values["FRBRExpression/FRBRuri"] == f"{WORK}/eng@2026-12-01"


@pytest.mark.parametrize(
    "value", ["", "biometric-moratorium", "/akn", "/akn/us-ma", "/akn/us-ma/bill", "https://example.org/x", "/x/y/z"]
)
def test_invalid_frbr_uri_raises_invalid_frbr_uri_error(value):
    with pytest.raises(InvalidFrbrUriError, match="expected a FRBR URI like") as caught:
        set_identity(template("bill"), value, expression_date="2026-11-26")
    assert repr(value) in caught.value.detail


@pytest.mark.parametrize("date", ["26 November 2026", "2026/11/26", "11-26-2026", ""])
def test_invalid_expression_date_raises_invalid_frbr_uri_error(date):
    with pytest.raises(InvalidFrbrUriError, match="expected an expression date YYYY-MM-DD"):
        set_identity(template("bill"), WORK, expression_date=date)


def test_parse_frbr_uri_reads_the_components():
    uri = parse_frbr_uri("/akn/us-ma-boston/act/ordinance/2020/16-62")
    assert (uri.place, uri.doctype, uri.subtype, uri.date, uri.number) == (
        "us-ma-boston",
        "act",
        "ordinance",
        "2020",
        "16-62",
    )


def test_export_filename_derives_from_the_manifestation_uri():
    name = export_filename(f"{WORK}/eng@2026-11-26/!main.xml", "ignored")
    assert name == "akn-us-ma-bill-2026-biometric-moratorium-eng@2026-11-26-main.xml"


def test_export_filename_falls_back_when_there_is_no_manifestation_uri():
    assert export_filename(None, "Face surveillance bill") == "Face-surveillance-bill.xml"


def test_export_filename_of_nothing_usable_is_document_xml():
    assert export_filename("", "/../..") == "document.xml"


@settings(max_examples=300, deadline=None, database=None)
@given(manifestation_uri=st.one_of(st.none(), st.text()), fallback=st.text())
def test_export_filename_is_a_safe_ascii_xml_name_for_any_input(manifestation_uri, fallback):
    name = export_filename(manifestation_uri, fallback)
    assert name.isascii()
    assert not set(name) & {"/", "\\", "\r", "\n", "\x00", '"', ";", " "}
    assert name.endswith(".xml")
    assert len(name) > len(".xml")
    assert not name.startswith((".", "-"))
    assert len(name) <= 184


@pytest.mark.parametrize(
    ("manifestation_uri", "fallback"),
    [
        ("/akn/zz/act/2024/x..y/eng@2024-01-01/!main.xml", "x"),
        (None, "../../etc/passwd..backup"),
        ("a" * 179 + ".b", "x"),  # cut at 180 characters, the name ends in '.' and then '.xml' is added
    ],
)
def test_export_filename_never_contains_dot_dot(manifestation_uri, fallback):
    assert ".." not in export_filename(manifestation_uri, fallback)
