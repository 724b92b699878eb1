"""Properties of the hardened parser, checked on generated input (hypothesis, derandomized so CI is stable).

1. Whatever the bytes (random, XML-ish tokens in any encoding, valid AKN mutated), parse_akn returns a document or
   raises one of drafting's own errors (a DraftingError), nothing else. Inputs are small, so no case can hang.
2. parse -> serialise -> parse -> serialise is stable for every input the parser accepts: the second parse has
   nothing left to normalise, and the bytes are the same.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from drafting.akn import AKN_NS, ParsedDocument, parse_akn, serialize
from drafting.errors import DraftingError

SAMPLES = Path(__file__).resolve().parents[1] / "drafting" / "samples"
VALID = {
    "small-bill": (Path(__file__).resolve().parent / "fixtures" / "akn" / "small-bill.xml").read_bytes(),
    "ordinance": (SAMPLES / "us-ma-millbrook-ordinance-2019-7.xml").read_bytes(),
}
OLDER_AKN = "http://www.akomantoso.org/2.0"
XINCLUDE = "http://www.w3.org/2001/XInclude"


def _settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def parse_or_refuse(data: bytes) -> ParsedDocument | None:
    """Parse; None when the parser refused the input with one of drafting's errors (anything else propagates)."""
    try:
        parsed = parse_akn(data)
    except DraftingError as error:
        assert error.detail, f"{type(error).__name__} without a message"
        event(type(error).__name__)
        return None
    event("parsed")
    return parsed


def assert_round_trip_is_stable(parsed: ParsedDocument) -> None:
    first = serialize(parsed.root)
    again = parse_akn(first)
    assert again.source_namespace == AKN_NS
    assert again.notes == ()
    assert serialize(again.root) == first


# --- strategies ------------------------------------------------------------------------------------------------------

TOKENS = (
    "<", ">", "</", "/>", "=", '"', "'", "&", ";", "&amp;", "&lt;", "&#0;", "&#x41;", "&#x110000;", "&x;", "&lol9;",
    "<?xml version=\"1.0\"?>", "<?xml version=\"1.0\" encoding=\"UTF-16\"?>", "<?xml version=\"1.1\"?>",
    "<?xml-stylesheet href='http://x/s.xsl'?>", "<?pi data?>", "<!DOCTYPE akomaNtoso>",
    "<!DOCTYPE a [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>", "<!ENTITY y 'z'>", "<![CDATA[", "]]>", "<!--", "-->",
    "<akomaNtoso", "</akomaNtoso>", "<akomaNtoso>", f' xmlns="{AKN_NS}"', f' xmlns="{OLDER_AKN}"',
    f' xmlns:a="{AKN_NS}"', "<a:akomaNtoso", "</a:akomaNtoso>", "<a:act>", "</a:act>",
    f'<xi:include xmlns:xi="{XINCLUDE}" href="/etc/passwd"/>', "<act name=\"act\">", "</act>", "<bill>", "</bill>",
    "<body>", "</body>", '<section eId="sec_1">', "</section>", "<num>", "</num>", "<p>", "</p>", "1.", "text",
    " ", "\n", "\t", "\x00", "\x1b", "\ufeff", "\ufffe", "\ud800", "\U0001f600", "é", "x" * 300,
)
ENCODINGS = ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252")


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")


soup = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)), max_size=60).map("".join)
ROOTS = (f'<akomaNtoso xmlns="{AKN_NS}">', f'<a:akomaNtoso xmlns:a="{OLDER_AKN}">', "<akomaNtoso>")
wrapped_soup = st.builds(lambda head, body, tail: head + body + tail, st.sampled_from(ROOTS), soup,
                         st.sampled_from(("</akomaNtoso>", "</a:akomaNtoso>", "")))
xmlish = st.builds(_encode, st.one_of(soup, wrapped_soup), st.sampled_from(ENCODINGS))

NAMES = ("akomaNtoso", "act", "bill", "body", "section", "num", "heading", "content", "p", "b", "x", "meta")
NAMESPACES = (AKN_NS, AKN_NS, AKN_NS, OLDER_AKN, "urn:other", None)
xml_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)


@st.composite
def xml_trees(draw, depth: int = 0) -> etree._Element:
    """A well-formed tree built with lxml: mostly an akomaNtoso root; AKN, older AKN, other and no namespaces,
    prefixed or default, mixed at any level."""
    namespace = draw(st.sampled_from(NAMESPACES))
    name = "akomaNtoso" if depth == 0 and draw(st.integers(0, 4)) else draw(st.sampled_from(NAMES))
    prefix = draw(st.sampled_from((None, "a", "akn")))
    nsmap = {prefix: namespace} if namespace else None
    element = etree.Element(f"{{{namespace}}}{name}" if namespace else name, nsmap=nsmap)
    for attribute in draw(st.lists(st.sampled_from(("eId", "name", "href", "value")), max_size=3, unique=True)):
        element.set(attribute, draw(xml_text))
    element.text = draw(st.one_of(st.none(), xml_text))
    if depth < 3:
        for child in draw(st.lists(xml_trees(depth + 1), max_size=3)):
            child.tail = draw(st.one_of(st.none(), xml_text))
            element.append(child)
    if draw(st.booleans()):
        element.append(etree.Comment(draw(xml_text).replace("-", " ")))
    return element


well_formed = st.builds(
    lambda tree, declaration: etree.tostring(tree, xml_declaration=declaration, encoding="UTF-8"),
    xml_trees(), st.booleans(),
)


@st.composite
def mutated_akn(draw) -> bytes:
    """A valid AKN document with a few bytes cut, inserted, repeated or flipped."""
    data = bytearray(VALID[draw(st.sampled_from(sorted(VALID)))])
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(data)))
        end = min(len(data), start + draw(st.integers(0, 64)))
        operation = draw(st.sampled_from(("cut", "insert", "repeat", "flip", "truncate")))
        if operation == "cut":
            del data[start:end]
        elif operation == "insert":
            token = draw(st.one_of(st.sampled_from(TOKENS).map(lambda t: _encode(t, "utf-8")), st.binary(max_size=8)))
            data[start:start] = token
        elif operation == "repeat":
            data[start:start] = data[start:end] * draw(st.integers(1, 3))
        elif operation == "flip" and start < len(data):
            data[start] ^= draw(st.integers(1, 255))
        elif operation == "truncate":
            del data[start:]
    return bytes(data)


# --- 1. nothing but drafting's errors ----------------------------------------------------------------------------


@_settings(400)
@given(data=st.binary(max_size=2048))
@example(data=b"")
@example(data=b"\xff\xfe<\x00")
def test_arbitrary_bytes_parse_or_raise_a_drafting_error(data):
    parsed = parse_or_refuse(data)
    if parsed is not None:
        assert_round_trip_is_stable(parsed)


@_settings(500)
@given(data=xmlish)
@example(data=f'<akomaNtoso xmlns="{AKN_NS}"><act/></akomaNtoso>'.encode("utf-16"))
@example(data=f'<?xml version="1.0" encoding="UTF-16"?><akomaNtoso xmlns="{AKN_NS}"/>'.encode())
def test_xml_like_text_in_any_encoding_parses_or_raises_a_drafting_error(data):
    parsed = parse_or_refuse(data)
    if parsed is not None:
        assert_round_trip_is_stable(parsed)


@_settings(300)
@given(data=mutated_akn())
def test_mutated_akn_parses_or_raises_a_drafting_error(data):
    parsed = parse_or_refuse(data)
    if parsed is not None:
        assert_round_trip_is_stable(parsed)


# --- 2. the round trip is stable ---------------------------------------------------------------------------------


@_settings(300)
@given(data=well_formed)
@example(data=f'<a:akomaNtoso xmlns:a="{OLDER_AKN}"><a:act>x</a:act><!-- c --></a:akomaNtoso>'.encode())
# AKN 3.0 nested in the older namespace, twice: the first save kept a redundant declaration, the second dropped it
@example(data=(f'<akomaNtoso xmlns="{OLDER_AKN}"><akomaNtoso xmlns="{AKN_NS}"><akomaNtoso xmlns="{OLDER_AKN}">'
               f'<akomaNtoso xmlns="{AKN_NS}"/></akomaNtoso></akomaNtoso></akomaNtoso>').encode())
def test_well_formed_xml_is_refused_as_not_akn_or_round_trips(data):
    parsed = parse_or_refuse(data)
    if parsed is not None:
        assert etree.QName(parsed.root).localname == "akomaNtoso"
        assert_round_trip_is_stable(parsed)


def test_valid_documents_round_trip_byte_for_byte():
    for name in [*VALID, *(path.name for path in SAMPLES.glob("*.xml"))]:
        data = VALID.get(name) or (SAMPLES / name).read_bytes()
        assert_round_trip_is_stable(parse_akn(data))
