"""Canonical serialisation: parse -> serialize -> parse -> serialize is byte-stable and keeps every character."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.akn import E, build_document, content_hash, parse_akn, serialize, text_of

TEMPLATES = Path(__file__).resolve().parents[1] / "akn_templates"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "akn"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "akn"

CORPUS_FILES = (
    [pytest.param(path, id=path.name) for path in sorted(CORPUS.glob("*.xml"))]
    if CORPUS.is_dir()
    else [pytest.param(None, marks=pytest.mark.skip(reason=f"{CORPUS} is absent"), id="no-corpus")]
)
SOURCES = [pytest.param(TEMPLATES / f"{name}.xml", id=name) for name in ("bill", "ordinance", "amendment")] + [
    pytest.param(FIXTURES / "small-bill.xml", id="small-bill")
]


def round_trip(data: bytes) -> tuple[bytes, bytes]:
    """Return serialize(parse(data)) and serialize(parse(serialize(parse(data))))."""
    first = serialize(parse_akn(data).root)
    second = serialize(parse_akn(first).root)
    return first, second


def test_serialize_writes_utf8_with_an_xml_declaration():
    data = serialize(E.akomaNtoso(E.act(E.body(E.p("Café § 5")), name="act")))
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<akomaNtoso")
    assert "Café § 5".encode() in data


@pytest.mark.parametrize("path", SOURCES)
def test_round_trip_is_byte_identical_for_templates_and_fixtures(path):
    first, second = round_trip(path.read_bytes())
    assert first == second


@pytest.mark.parametrize("path", CORPUS_FILES)
def test_round_trip_is_byte_identical_for_corpus_documents(path):
    first, second = round_trip(path.read_bytes())
    assert first == second


@pytest.mark.parametrize("path", CORPUS_FILES)
def test_round_trip_keeps_the_text_of_corpus_documents(path):
    original = parse_akn(path.read_bytes()).root
    again = parse_akn(serialize(original)).root
    assert list(again.itertext()) == list(original.itertext())


@pytest.mark.parametrize("name", ["bill", "ordinance", "amendment"])
def test_round_trip_is_byte_identical_for_built_documents(name):
    root = build_document(name, title="A < B & C", jurisdiction="us-ma", number="h-1", date="2026-01-02")
    built = serialize(root)
    assert round_trip(built) == (built, built)


def test_round_trip_keeps_whitespace_runs_and_markup_characters():
    paragraph = E.p("  two  spaces,\ttab,\nnew line, <tag> & ]]> ", E.b(" bold "), "  tail  ")
    data = serialize(E.akomaNtoso(E.act(E.body(paragraph), name="act")))
    reparsed = parse_akn(data).root
    assert list(reparsed.itertext()) == ["  two  spaces,\ttab,\nnew line, <tag> & ]]> ", " bold ", "  tail  "]
    assert round_trip(data) == (data, data)


# --- generated documents ----------------------------------------------------------------------------------------

XML_CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff")
FRAGMENTS = st.sampled_from(["\t", "\n", "\r", "\r\n", "  ", "<", "&", ">", '"', "'", "]]>", "&amp;", "<!--", "\u00a0"])
TEXT = st.lists(st.one_of(st.text(XML_CHARACTERS, max_size=6), FRAGMENTS), max_size=6).map("".join)


@st.composite
def documents(draw):
    """Build a small AKN act with lxml, its text drawn at random."""
    sections = []
    for index in range(draw(st.integers(min_value=1, max_value=4))):
        paragraph = E.p(draw(TEXT), E.i(draw(TEXT)), draw(TEXT), E.b(draw(TEXT)), draw(TEXT))
        paragraph.set("class", draw(TEXT))
        sections.append(
            E.section(
                E.num(draw(TEXT)),
                E.heading(draw(TEXT)),
                E.content(paragraph),
                draw(TEXT),
                eId=f"sec_{index + 1}",
            )
        )
    body = E.body(*sections)
    body.text = draw(TEXT)
    return E.akomaNtoso(E.act(body, name="act"))


@settings(max_examples=150, deadline=None, database=None)
@given(root=documents())
def test_round_trip_is_byte_identical_for_generated_documents(root):
    first, second = round_trip(serialize(root))
    assert first == second


@settings(max_examples=150, deadline=None, database=None)
@given(root=documents())
def test_round_trip_keeps_every_character_of_generated_documents(root):
    reparsed = parse_akn(serialize(root)).root
    assert "".join(reparsed.itertext()) == "".join(root.itertext())
    assert [node.get("class") for node in reparsed.iter("{*}p")] == [node.get("class") for node in root.iter("{*}p")]


def test_serialize_gives_empty_text_and_no_text_the_same_bytes():
    built = E.akomaNtoso(E.act(E.body(E.section(E.num(""), E.content(E.p("Words.")), eId="sec_1")), name="act"))
    data = serialize(built)
    assert serialize(parse_akn(data).root) == data


def test_content_hash_is_the_sha256_of_the_bytes():
    data = serialize(E.akomaNtoso(E.act(name="act")))
    assert content_hash(data) == hashlib.sha256(data).hexdigest()


def test_text_of_folds_whitespace_across_elements():
    assert text_of(E.p("  Face\n surveillance ", E.b("is"), "\tbanned.  ")) == "Face surveillance is banned."
