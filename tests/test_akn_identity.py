"""Work identity a document does not give is derived from what it does say, explained, and written where it belongs.

Rules, in order: the FRBRuri the document states; else its FRBRthis without the work component; else a URI built from
its country, document type (and name), date and number; else the SHA-256 of its text. A value that is empty or a
"#" reference names nothing and is never used as a source.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from drafting.akn import (
    E,
    akn,
    fill_work_uri,
    parse_akn,
    read_identification,
    serialize,
    text_of,
    validate,
    xpath,
)
from drafting.akn.frbr import MAX_WORK_URI, document_element

TEMPLATES = Path(__file__).resolve().parents[1] / "akn_templates"
PROFILES = Path(__file__).resolve().parent / "fixtures" / "akn_profiles"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "akn"


def bill(*, name: str = "bill", **values: str | None):
    """Return the bill template with FRBRWork values replaced (None removes the element).

    Keys: this, uri, country, number (value attributes) and date (the FRBRdate's date).
    """
    root = parse_akn((TEMPLATES / "bill.xml").read_bytes()).root
    document_element(root).set("name", name)
    work = xpath(root, "//akn:FRBRWork")[0]
    for key, value in values.items():
        local = {"this": "FRBRthis", "uri": "FRBRuri", "country": "FRBRcountry", "number": "FRBRnumber",
                 "date": "FRBRdate"}[key]
        node = work.find(akn(local))
        if value is None:
            work.remove(node)
        else:
            node.set("date" if key == "date" else "value", value)
    return root


def text_hash_uri(root) -> str:
    digest = hashlib.sha256(text_of(document_element(root)).encode("utf-8")).digest()
    return "ni:///sha-256;" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def work_values(root, local: str) -> list[str]:
    return xpath(root, f"//akn:FRBRWork/akn:{local}/@value")


# --- the rules ------------------------------------------------------------------------------------------------------


def test_a_stated_frbr_uri_names_the_work_and_nothing_is_derived():
    identity = read_identification(bill()).identity
    assert (identity.work_uri, identity.rule, identity.derived) == ("/akn/us-ma/bill/2026/untitled", "stated", False)
    assert dict(identity.sources) == {"FRBRuri": "/akn/us-ma/bill/2026/untitled"}


def test_a_stated_placeholder_is_kept_as_the_document_states_it():
    # UK Lawmaker writes template variables; what a document states is never overridden
    identity = read_identification(bill(uri="#varWorkUri", this="#varWork")).identity
    assert (identity.work_uri, identity.rule) == ("#varWorkUri", "stated")


def test_an_empty_frbr_uri_is_derived_from_frbr_this_without_its_work_component():
    root = bill(uri="", this="/akn/za/act/2009/1/!main")
    identification = read_identification(root)
    assert identification.work_uri == "/akn/za/act/2009/1"
    assert (identification.identity.rule, identification.identity.derived) == ("frbr-this", True)
    assert dict(identification.identity.sources) == {"FRBRthis": "/akn/za/act/2009/1/!main"}
    assert (identification.jurisdiction, identification.number, identification.date) == ("za", "1", "2009")


def test_an_absent_frbr_uri_is_derived_from_frbr_this():
    eli = "http://data.legilux.public.lu/eli/etat/leg/loi/2006/07/31/n2/jo"
    identity = read_identification(bill(uri=None, this=eli)).identity
    assert (identity.work_uri, identity.rule) == (eli, "frbr-this")


def test_without_frbr_this_the_work_uri_is_built_from_country_type_name_date_and_number():
    root = bill(name="REG", uri="", this="", country="EU", date="2022-03-01", number="JOIN(2022) 19")
    identification = read_identification(root)
    assert identification.work_uri == "/akn/eu/bill/reg/2022-03-01/join-2022-19"
    assert identification.identity.rule == "metadata"
    assert dict(identification.identity.sources) == {
        "FRBRcountry": "EU", "document type": "bill", "name": "REG", "FRBRdate": "2022-03-01",
        "FRBRnumber": "JOIN(2022) 19",
    }
    assert (identification.jurisdiction, identification.number, identification.date) == (
        "eu", "join-2022-19", "2022-03-01")


def test_a_name_that_repeats_the_type_or_cannot_start_a_uri_segment_is_not_a_subtype():
    assert read_identification(bill(name="bill", uri="", this="")).work_uri == "/akn/us-ma/bill/2026-01-01/untitled"
    assert read_identification(bill(name="2024/7", uri="", this="")).work_uri == "/akn/us-ma/bill/2026-01-01/untitled"


def test_a_date_with_a_time_gives_its_date():
    root = bill(uri="", this="", date="2024-03-20T11:32:53Z")
    assert read_identification(root).work_uri == "/akn/us-ma/bill/2024-03-20/untitled"


def test_without_a_usable_country_or_number_the_hash_of_the_text_names_the_work():
    root = bill(uri="", this="", country="")
    identity = read_identification(root).identity
    assert identity.rule == "text-hash"
    assert identity.work_uri == text_hash_uri(root)
    assert "FRBRcountry is empty" in identity.note
    assert read_identification(bill(uri="", this="", number=None)).identity.rule == "text-hash"
    authority = "http://publications.europa.eu/resource/authority/country/LUX"
    assert read_identification(bill(uri="", this="", country=authority)).identity.rule == "text-hash"


def test_a_reference_is_not_a_value_to_derive_from():
    root = bill(uri="", this="#varWork", number="#varProjectId")
    identity = read_identification(root).identity
    assert identity.rule == "text-hash"
    assert "FRBRthis '#varWork' is a reference" in identity.note
    assert "FRBRnumber '#varProjectId' is a reference" in identity.note


def test_the_text_hash_is_the_same_for_the_same_text_and_differs_for_other_text():
    first, second, other = (bill(uri="", this="", country="") for _ in range(3))
    work_uri = read_identification(first).work_uri
    fill_work_uri(second, read_identification(second).identity)  # filling FRBRuri does not change the text
    for node in xpath(second, "//akn:*[@eId]"):
        node.set("eId", node.get("eId") + "_x")  # nor do eIds
    assert text_hash_uri(second) == work_uri
    xpath(other, "//akn:docTitle")[0].text = "Another bill"
    assert read_identification(other).work_uri != work_uri


def test_a_derivation_too_long_for_the_store_gives_way_to_the_next_rule():
    root = bill(uri="", this="/akn/za/act/2009/" + "x" * MAX_WORK_URI)
    identity = read_identification(root).identity
    assert identity.rule == "metadata"
    assert f"FRBRthis is longer than {MAX_WORK_URI} characters" in identity.note


def test_the_note_says_what_was_derived_and_from_what():
    root = bill(name="REG", uri="", this="", country="EU", date="2022-03-01", number="JOIN(2022) 19")
    report = read_identification(root).identity.as_dict()
    assert report == {
        "work_uri": "/akn/eu/bill/reg/2022-03-01/join-2022-19",
        "rule": "metadata",
        "derived": True,
        "from": {"FRBRcountry": "EU", "document type": "bill", "name": "REG", "FRBRdate": "2022-03-01",
                 "FRBRnumber": "JOIN(2022) 19"},
        "note": report["note"],
    }
    note = report["note"]
    assert note.startswith("FRBRWork/FRBRuri is empty and FRBRthis is empty")
    assert "/akn/eu/bill/reg/2022-03-01/join-2022-19" in note
    for value in ("EU", "bill", "REG", "2022-03-01", "JOIN(2022) 19"):
        assert value in note


# --- writing a derived identity -------------------------------------------------------------------------------------


def test_fill_work_uri_writes_a_derived_uri_into_the_empty_frbr_uri_and_it_is_read_back_as_stated():
    root = bill(name="REG", uri="", this="", country="EU", date="2022-03-01", number="JOIN(2022) 19")
    derived = read_identification(root).identity
    assert fill_work_uri(root, derived) is True
    assert work_values(root, "FRBRuri") == [derived.work_uri]
    assert work_values(root, "FRBRthis") == [""]  # only what names the work is written
    again = read_identification(root).identity
    assert (again.work_uri, again.rule) == (derived.work_uri, "stated")


def test_fill_work_uri_adds_frbr_uri_after_frbr_this_when_it_is_absent():
    root = bill(uri=None, this="/akn/za/act/2009/1/!main")
    fill_work_uri(root, read_identification(root).identity)
    work = xpath(root, "//akn:FRBRWork")[0]
    assert [child.tag for child in work][:2] == [akn("FRBRthis"), akn("FRBRuri")]
    assert work_values(root, "FRBRuri") == ["/akn/za/act/2009/1"]


def test_fill_work_uri_never_overwrites_what_a_document_states():
    root = bill()
    before = serialize(root)
    assert fill_work_uri(root, read_identification(root).identity) is False
    assert serialize(root) == before


def test_filling_keeps_a_strictly_valid_document_valid():
    root = bill(uri="", this="")
    assert validate(root).valid
    fill_work_uri(root, read_identification(root).identity)
    assert validate(root).valid


def test_a_document_without_identification_is_still_refused():
    from drafting.errors import InvalidDocumentError

    with pytest.raises(InvalidDocumentError, match="found no identification"):
        read_identification(E.akomaNtoso(E.act(E.meta(), E.body(), name="act")))


# --- real documents from other profiles -----------------------------------------------------------------------------

PROFILE_IDENTITIES = {
    "eu-akn4eu-join-2022-19-council-regulation-proposal.xml": ("metadata", "/akn/eu/bill/reg/2999-01-01/join-2022-19"),
    "eu-leos-bill-test-regulation-proposal.xml": ("text-hash", None),
    "lu-legilux-loi-2006-07-31-n2.xml": ("frbr-this", "http://data.legilux.public.lu/eli/etat/leg/loi/2006/07/31/n2/jo"),
    "lu-legilux-loi-2024-05-22-a199-draft.xml": ("text-hash", None),
    "it-normattiva-legge-2024-05-14-66.xml": ("stated", "/akn/it/act/legge/stato/2024-05-14/66"),
    "it-senato-ddl-2013-356.xml": ("stated", "/akn/it/bill/Ddl/2013-03-29/356"),
}


def test_every_profile_fixture_has_an_expected_identity():
    assert sorted(path.name for path in PROFILES.glob("*.xml")) == sorted(PROFILE_IDENTITIES)


@pytest.mark.parametrize(("name", "expected"), PROFILE_IDENTITIES.items(), ids=list(PROFILE_IDENTITIES))
def test_profile_document_gets_its_identity_by_the_first_rule_that_applies(name, expected):
    rule, work_uri = expected
    root = parse_akn((PROFILES / name).read_bytes()).root
    identity = read_identification(root).identity
    assert identity.rule == rule
    assert identity.work_uri == (work_uri or text_hash_uri(root))


CORPUS_FILES = sorted(CORPUS.glob("*.xml")) if CORPUS.is_dir() else []


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[path.name for path in CORPUS_FILES])
def test_corpus_document_names_its_work_or_has_it_derived(path):
    identity = read_identification(parse_akn(path.read_bytes()).root).identity
    assert identity.work_uri
    assert identity.rule in ("stated", "frbr-this", "metadata", "text-hash")


def test_corpus_is_present_when_shared_is():
    if not CORPUS.parent.parent.is_dir():
        pytest.skip(f"{CORPUS.parent.parent} is absent")
    assert CORPUS_FILES
