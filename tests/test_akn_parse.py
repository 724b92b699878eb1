"""The hardened parser: hostile payloads are refused with the rule they break; AKN variants are normalised."""

from __future__ import annotations

import contextlib
import socket
import time
from pathlib import Path

import pytest
from lxml import etree

import drafting.akn.parse as parse_module
from drafting.akn import AKN_NS, ParseLimits, parse_akn, parse_xml, serialize
from drafting.errors import MalformedXmlError, NotAknError, RequestTooLargeError, UnsafeXmlError

ATTACKS = Path(__file__).resolve().parents[2] / "shared" / "attacks"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "akn"
PASSWD_MARKER = "root:x:0:0"
PRESCAN_WINDOW = 256 * 1024

DOCTYPE_RULE = "DOCTYPE declarations are not allowed"

REJECTED_ATTACKS = [
    ("01-billion-laughs.xml", DOCTYPE_RULE),
    ("02-quadratic-blowup.xml", DOCTYPE_RULE),
    ("03-xxe-file.xml", DOCTYPE_RULE),
    ("04-xxe-http.xml", DOCTYPE_RULE),
    ("06-xinclude.xml", "XInclude"),
    ("07-deep-nesting.xml", "nests deeper than 256 levels"),
    ("08-external-dtd.xml", DOCTYPE_RULE),
]


def attack(name: str) -> bytes:
    """Return the bytes of a payload from ../shared/attacks, or skip when the shared folder is absent."""
    path = ATTACKS / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path.read_bytes()


def akn_document(body: str = "<act name='act'><body/></act>", *, prolog: str = "") -> bytes:
    """Return a small AKN document as bytes, with an optional prolog (hostile payloads cannot be built with lxml)."""
    return f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<akomaNtoso xmlns="{AKN_NS}">{body}</akomaNtoso>'.encode()


def beyond_prescan(doctype: str, body: str) -> bytes:
    """Return a document whose DOCTYPE sits after a comment longer than the parser's pre-scan window."""
    padding = "<!--" + "p" * (PRESCAN_WINDOW + 1024) + "-->"
    return akn_document(body, prolog=padding + doctype)


# --- the shared hostile payloads --------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "rule"), REJECTED_ATTACKS)
def test_attack_payload_is_rejected_naming_the_rule(name, rule):
    data = attack(name)
    with pytest.raises(UnsafeXmlError, match=rule) as caught:
        parse_akn(data)
    assert caught.value.status == 400
    assert PASSWD_MARKER not in caught.value.detail


@pytest.mark.parametrize("name", [name for name, _ in REJECTED_ATTACKS] + ["09-xss-in-heading.xml"])
def test_attack_payload_is_answered_within_one_second(name):
    data = attack(name)
    started = time.perf_counter()
    with contextlib.suppress(UnsafeXmlError):
        parse_akn(data)
    assert time.perf_counter() - started < 1.0


def test_deep_nesting_payload_raises_unsafe_xml_not_recursion_error():
    data = attack("07-deep-nesting.xml")
    try:
        parse_akn(data)
    except RecursionError:  # pragma: no cover - the failure this test exists to catch
        pytest.fail("deep nesting reached Python recursion")
    except UnsafeXmlError as error:
        assert "nests deeper than 256 levels" in error.detail
    else:  # pragma: no cover
        pytest.fail("deep nesting was accepted")


def test_xss_payload_is_accepted_with_markup_kept_as_text():
    parsed = parse_akn(attack("09-xss-in-heading.xml"))
    heading = parsed.root.find(f".//{{{AKN_NS}}}heading")
    assert heading.text.startswith('<script>alert("AKN-XSS-heading")</script>')
    assert len(heading) == 0  # the markup stayed text: no element was created from it


# --- the parser options themselves ------------------------------------------------------------------------------


def test_parser_is_built_with_safe_options(monkeypatch):
    recorded: list[dict] = []
    real_parser = etree.XMLParser

    def recording_parser(*args, **kwargs):
        recorded.append(kwargs)
        return real_parser(*args, **kwargs)

    monkeypatch.setattr(parse_module.etree, "XMLParser", recording_parser)
    parse_akn(akn_document())
    assert len(recorded) == 1
    options = recorded[0]
    assert options["resolve_entities"] is False
    assert options["no_network"] is True
    assert options["load_dtd"] is False
    assert options["huge_tree"] is False
    assert options.get("dtd_validation", False) is False
    assert options.get("attribute_defaults", False) is False
    assert options.get("collect_ids", True) is True  # collect_ids=False loads local external DTDs in libxml2 < 2.15


class RecordingResolver(etree.Resolver):
    """Record every external resource libxml2 asks for, and answer with harmless text."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def resolve(self, url, pubid, context):
        self.urls.append(url)
        if url.endswith(".dtd"):
            return self.resolve_string('<!ENTITY leaked "LEAKED">', context)
        return self.resolve_string("LEAKED", context)


def test_parser_loads_no_external_dtd():
    data = akn_document(prolog='<!DOCTYPE akomaNtoso SYSTEM "http://127.0.0.1:9/akn.dtd">')
    resolver = RecordingResolver()
    parser = parse_module._parser()
    parser.resolvers.add(resolver)
    etree.fromstring(data, parser)
    assert resolver.urls == []
    # the detector works: a parser that loads DTDs asks the resolver
    control = etree.XMLParser(load_dtd=True, no_network=True)
    control.resolvers.add(resolver)
    etree.fromstring(data, control)
    assert resolver.urls == ["http://127.0.0.1:9/akn.dtd"]


def test_parser_resolves_no_external_entity():
    data = akn_document(
        "<act name='act'><body>&ext;</body></act>",
        prolog='<!DOCTYPE akomaNtoso [<!ENTITY ext SYSTEM "file:///etc/passwd">]>',
    )
    resolver = RecordingResolver()
    parser = parse_module._parser()
    parser.resolvers.add(resolver)
    root = etree.fromstring(data, parser)
    assert resolver.urls == []
    assert "LEAKED" not in "".join(root.itertext())
    assert PASSWD_MARKER not in "".join(root.itertext())
    # the detector works: a parser that resolves entities asks the resolver
    control = etree.XMLParser(resolve_entities=True)
    control.resolvers.add(resolver)
    assert "LEAKED" in "".join(etree.fromstring(data, control).itertext())


def test_parser_expands_no_internal_entity():
    data = akn_document(
        "<act name='act'><body>&inner;</body></act>",
        prolog='<!DOCTYPE akomaNtoso [<!ENTITY inner "EXPANDED">]>',
    )
    root = etree.fromstring(data, parse_module._parser())
    assert "EXPANDED" not in "".join(root.itertext())
    assert any(isinstance(node, etree._Entity) for node in root.iter())


def test_doctype_beyond_prescan_window_is_rejected_after_parsing(monkeypatch):
    data = beyond_prescan(
        '<!DOCTYPE akomaNtoso [<!ENTITY inner "EXPANDED"><!ENTITY ext SYSTEM "file:///etc/passwd">]>',
        "<act name='act'><body>&inner;&ext;</body></act>",
    )
    assert b"<!DOCTYPE" not in data[:PRESCAN_WINDOW]  # the pre-scan cannot see it; the post-parse check must
    resolver = RecordingResolver()
    real_parser = parse_module._parser

    def parser_with_resolver():
        parser = real_parser()
        parser.resolvers.add(resolver)
        return parser

    monkeypatch.setattr(parse_module, "_parser", parser_with_resolver)
    with pytest.raises(UnsafeXmlError, match=DOCTYPE_RULE) as caught:
        parse_akn(data)
    assert resolver.urls == []
    assert PASSWD_MARKER not in caught.value.detail
    assert "EXPANDED" not in caught.value.detail


def test_external_dtd_beyond_prescan_window_is_rejected():
    data = beyond_prescan('<!DOCTYPE akomaNtoso SYSTEM "file:///etc/passwd">', "<act name='act'><body/></act>")
    with pytest.raises(UnsafeXmlError, match=DOCTYPE_RULE):
        parse_akn(data)


@pytest.mark.parametrize(
    ("declared", "codec"),
    [("UTF-16", "utf-16"), ("UTF-16LE", "utf-16-le"), ("UTF-16BE", "utf-16-be"), ("UTF-32", "utf-32")],
)
def test_doctype_in_wide_encoding_is_rejected(declared, codec):
    text = (
        f'<?xml version="1.0" encoding="{declared}"?>'
        '<!DOCTYPE akomaNtoso [<!ENTITY inner "EXPANDED">]>'
        f'<akomaNtoso xmlns="{AKN_NS}"><act name="act"><body>&inner;</body></act></akomaNtoso>'
    )
    with pytest.raises(UnsafeXmlError, match=DOCTYPE_RULE):
        parse_akn(text.encode(codec))


def test_undefined_entity_reference_is_rejected():
    with pytest.raises(UnsafeXmlError, match="entity"):
        parse_akn(akn_document("<act name='act'><body>&nbsp;</body></act>"))


@pytest.mark.parametrize("namespace", ["http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude"])
def test_xinclude_element_is_rejected_in_either_namespace(namespace):
    body = f"<act name='act'><body><xi:include xmlns:xi='{namespace}' href='file:///etc/passwd'/></body></act>"
    with pytest.raises(UnsafeXmlError, match="XInclude"):
        parse_akn(akn_document(body))


# --- bounds -----------------------------------------------------------------------------------------------------


def nested(depth: int) -> bytes:
    """Return a well-formed document whose root is `depth` levels deep in total."""
    inner = depth - 3  # akomaNtoso, act and body are the first three levels
    return akn_document("<act name='act'><body>" + "<b>" * inner + "</b>" * inner + "</body></act>")


def test_document_of_256_levels_parses():
    parsed = parse_akn(nested(256))

    assert max(len(list(element.iterancestors())) + 1 for element in parsed.root.iter()) == 256


def test_document_deeper_than_256_levels_is_rejected():
    with pytest.raises(UnsafeXmlError, match="nests deeper than 256 levels"):
        parse_akn(nested(257))


def test_element_with_too_many_attributes_is_rejected():
    attributes = " ".join(f'a{index}="x"' for index in range(65))
    with pytest.raises(UnsafeXmlError, match="<act> has 65 attributes; the limit is 64"):
        parse_akn(akn_document(f"<act {attributes}><body/></act>"))


def test_element_with_attributes_at_the_limit_parses():
    attributes = " ".join(f'a{index}="x"' for index in range(64))
    parsed = parse_akn(akn_document(f"<act {attributes}><body/></act>"))

    act = parsed.root[0]
    assert act.tag == f"{{{AKN_NS}}}act"
    assert dict(act.attrib) == {f"a{index}": "x" for index in range(64)}


def test_document_over_size_limit_raises_request_too_large():
    data = akn_document()
    with pytest.raises(RequestTooLargeError, match=f"document is {len(data)} bytes; the limit is {len(data) - 1}") as e:
        parse_akn(data, ParseLimits(max_bytes=len(data) - 1))
    assert e.value.status == 413


def test_document_at_size_limit_parses():
    data = akn_document()
    parsed = parse_akn(data, ParseLimits(max_bytes=len(data)))

    assert [element.tag for element in parsed.root.iter()] == [
        f"{{{AKN_NS}}}akomaNtoso", f"{{{AKN_NS}}}act", f"{{{AKN_NS}}}body",
    ]


def test_size_limit_is_checked_before_anything_else():
    with pytest.raises(RequestTooLargeError):
        parse_akn(b"<!DOCTYPE x><not-even-closed", ParseLimits(max_bytes=10))


@pytest.mark.parametrize("body", [b"", b"   \n\t  "])
def test_empty_body_is_malformed(body):
    with pytest.raises(MalformedXmlError, match="found an empty body"):
        parse_akn(body)


def test_malformed_xml_names_the_line():
    data = b'<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">\n<act>\n</akomaNtoso>'
    with pytest.raises(MalformedXmlError, match="not well-formed XML") as caught:
        parse_akn(data)
    assert "line 3" in caught.value.detail


def test_text_input_is_parsed_as_utf8():
    parsed = parse_akn(akn_document("<act name='act'><body/></act>").decode())
    assert parsed.root.tag == f"{{{AKN_NS}}}akomaNtoso"


# --- root element and namespaces --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b"<html><body><p>hello</p></body></html>", "found html"),
        (b'<akomaNtoso xmlns="urn:example:statutes"><act/></akomaNtoso>', "found {urn:example:statutes}akomaNtoso"),
        (b"<akomaNtoso><act/></akomaNtoso>", "found akomaNtoso"),
        (f'<act xmlns="{AKN_NS}"/>'.encode(), f"found {{{AKN_NS}}}act"),
    ],
)
def test_non_akn_root_raises_not_akn_naming_what_was_found(data, found):
    with pytest.raises(NotAknError) as caught:
        parse_akn(data)
    assert caught.value.detail.endswith(found)
    assert AKN_NS in caught.value.detail


@pytest.mark.parametrize(
    "namespace", ["http://docs.oasis-open.org/legaldocml/ns/akn/3.0/CSD13", "http://www.akomantoso.org/2.0"]
)
def test_older_akn_namespace_is_normalised_to_akn_3_with_a_note(namespace):
    data = f'<akomaNtoso xmlns="{namespace}"><act name="act"><body><section eId="sec_1"/></body></act></akomaNtoso>'
    parsed = parse_akn(data.encode())
    assert parsed.source_namespace == namespace
    assert parsed.notes == (f"namespace {namespace} normalised to {AKN_NS}",)
    assert {etree.QName(node).namespace for node in parsed.root.iter()} == {AKN_NS}
    assert parsed.root.nsmap == {None: AKN_NS}
    assert serialize(parsed.root).startswith(
        b"<?xml version='1.0' encoding='UTF-8'?>\n<akomaNtoso xmlns=\"http://docs.oasis-open.org/legaldocml/ns/akn/3.0\">"
    )


def test_prefixed_akn_document_is_normalised_to_the_default_namespace_with_a_note():
    data = (
        f'<an:akomaNtoso xmlns:an="{AKN_NS}"><an:act name="act"><an:body>'
        '<an:section eId="sec_1"><an:num>1.</an:num></an:section></an:body></an:act></an:akomaNtoso>'
    )
    parsed = parse_akn(data.encode())
    assert parsed.notes == ("prefix an: removed; AKN is the default namespace",)
    assert parsed.root.nsmap == {None: AKN_NS}
    assert all(node.prefix is None for node in parsed.root.iter())
    assert b"an:" not in serialize(parsed.root)
    assert parsed.root.find(f"{{{AKN_NS}}}act/{{{AKN_NS}}}body/{{{AKN_NS}}}section/{{{AKN_NS}}}num").text == "1."


def test_akn_3_document_is_accepted_without_notes():
    parsed = parse_akn((FIXTURES / "small-bill.xml").read_bytes())
    assert parsed.notes == ()
    assert parsed.source_namespace == AKN_NS


def test_parse_xml_returns_a_foreign_root_untouched():
    root = parse_xml(b"<html><body/></html>")
    assert root.tag == "html"


# --- no sockets -------------------------------------------------------------------------------------------------


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections made to it, without ever accepting data."""

    def __init__(self):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            self.socket.bind(("127.0.0.1", 9))
        except OSError:
            self.socket.bind(("127.0.0.1", 0))  # port 9 taken or privileged: payloads are rewritten to this port
        self.socket.listen(16)
        self.socket.setblocking(False)
        self.port = self.socket.getsockname()[1]

    def aim(self, payload: bytes) -> bytes:
        """Point a payload's 127.0.0.1:9 URLs at this listener."""
        return payload.replace(b"127.0.0.1:9/", f"127.0.0.1:{self.port}/".encode())

    def connections(self) -> int:
        count = 0
        while True:
            try:
                connection, _ = self.socket.accept()
            except (BlockingIOError, InterruptedError):
                return count
            connection.close()
            count += 1

    def close(self):
        self.socket.close()


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.close()


def test_listener_counts_a_real_connection(listener):
    with socket.create_connection(("127.0.0.1", listener.port), timeout=1):
        pass
    assert listener.connections() == 1


@pytest.mark.parametrize("name", ["04-xxe-http.xml", "08-external-dtd.xml"])
def test_network_attack_opens_no_socket(listener, name):
    data = listener.aim(attack(name))
    with pytest.raises(UnsafeXmlError):
        parse_akn(data)
    etree.fromstring(data, parse_module._parser())  # the parser alone, past the DOCTYPE pre-scan
    assert listener.connections() == 0


@pytest.mark.parametrize(
    ("doctype", "body"),
    [
        ('<!DOCTYPE akomaNtoso SYSTEM "http://127.0.0.1:9/akn.dtd">', "<act name='act'><body/></act>"),
        (
            '<!DOCTYPE akomaNtoso PUBLIC "-//TEST//DTD AKN//EN" "http://127.0.0.1:9/akn.dtd">',
            "<act name='act'><body/></act>",
        ),
        (
            '<!DOCTYPE akomaNtoso [<!ENTITY ssrf SYSTEM "http://127.0.0.1:9/entity">]>',
            "<act name='act'><body>&ssrf;</body></act>",
        ),
        (
            '<!DOCTYPE akomaNtoso [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/param.dtd"> %remote;]>',
            "<act name='act'><body/></act>",
        ),
    ],
)
def test_network_payload_beyond_prescan_window_opens_no_socket(listener, doctype, body):
    data = listener.aim(beyond_prescan(doctype, body))
    with pytest.raises(UnsafeXmlError):
        parse_akn(data)
    assert listener.connections() == 0
