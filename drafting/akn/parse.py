"""The hardened parser: untrusted bytes in, an AKN 3.0 tree out, or a precise error.

Rules (see ../shared/attacks/README.md): no DTD (a DOCTYPE is refused), no entity expansion, no network,
no XInclude, no xml-stylesheet instruction; bounded size, markup density (counted before parsing), depth, lengths
of text and names, and attribute counts. Older AKN namespaces and prefixed documents are normalised to the AKN 3.0
default namespace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from drafting.errors import MalformedXmlError, NotAknError, RequestTooLargeError, UnsafeXmlError

from .namespaces import AKN_NS, XINCLUDE_NAMESPACES, is_older_akn_namespace

# libxml2 builds about 130 bytes of tree for an empty element and 250 for an attribute or an element with text,
# so `<b/>` repeated over 16 MiB would cost 500 MB before any check of the tree could run. Markup is therefore
# counted in the bytes, before parsing: real documents spend 35 to 60 bytes per tag or attribute, and one per
# 96 bytes of the size limit keeps the tree of the densest upload under 50 MB at the default limit of 16 MiB.
BYTES_PER_MARKUP = 96


@dataclass(frozen=True)
class ParseLimits:
    """Bounds on what an upload may contain."""

    max_bytes: int = 16 * 1024 * 1024
    max_attributes: int = 64
    max_elements: int = 2_000_000
    max_markup: int | None = None  # start tags and attributes; None: one per BYTES_PER_MARKUP bytes of max_bytes

    @property
    def markup_limit(self) -> int:
        """The most start tags and attributes a document may have."""
        return self.max_markup if self.max_markup is not None else max(self.max_bytes // BYTES_PER_MARKUP, 1000)


DEFAULT_LIMITS = ParseLimits()
MAX_DEPTH = 256  # libxml2's own limit while huge_tree is off; it stops the parse, so it is not configurable
MAX_TEXT = 10_000_000  # libxml2's limit on one text node, attribute value, comment or PI while huge_tree is off
MAX_NAME = 50_000  # libxml2's limit on one name while huge_tree is off


@dataclass(frozen=True)
class ParsedDocument:
    """An AKN tree and what normalisation did to it."""

    root: etree._Element
    source_namespace: str
    notes: tuple[str, ...] = ()


_DOCTYPE_MARKERS = tuple("<!DOCTYPE".encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be"))


def _parser() -> etree.XMLParser:
    # Never pass collect_ids=False: with libxml2 < 2.15 it loads a local external DTD even with load_dtd=False.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def _has_doctype(data: bytes) -> bool:
    head = data[: 256 * 1024]
    return any(marker in head for marker in _DOCTYPE_MARKERS)


def parse_xml(data: bytes, limits: ParseLimits = DEFAULT_LIMITS) -> etree._Element:
    """Parse untrusted XML bytes safely and return the root element."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > limits.max_bytes:
        raise RequestTooLargeError(f"document is {len(data)} bytes; the limit is {limits.max_bytes}")
    if not data.strip():
        raise MalformedXmlError("expected an XML document, found an empty body")
    if _has_doctype(data):
        raise UnsafeXmlError("DOCTYPE declarations are not allowed")
    _check_markup(data, limits)
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser()))
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(str(exc)) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UnsafeXmlError("DOCTYPE declarations are not allowed")
    if _STYLESHEETS(tree):
        # a browser showing the stored or exported XML would fetch and run the stylesheet it names
        raise UnsafeXmlError("xml-stylesheet processing instructions are not allowed")
    root = tree.getroot()
    _check_tree(root, limits)
    return root


def _check_markup(data: bytes, limits: ParseLimits) -> None:
    """Refuse markup too dense to build a tree of, before libxml2 builds it.

    Every start tag, comment and processing instruction begins with "<" not followed by "/", and every attribute and
    namespace declaration needs a "=": the count is exact for ordinary documents and an overestimate only for "<"
    and "=" inside comments, CDATA and text, never an underestimate.
    """
    found = data.count(b"<") - data.count(b"</") + data.count(b"=")
    if found > limits.markup_limit:
        raise UnsafeXmlError(
            f"document has {found:,} start tags and attributes; the limit is {limits.markup_limit:,} "
            f"for a document of at most {limits.max_bytes:,} bytes"
        )


def _syntax_error(message: str) -> UnsafeXmlError | MalformedXmlError:
    """Say which rule a libxml2 parse error broke."""
    position = _POSITION.search(message)
    at = f" (line {position.group(1)}, column {position.group(2)})" if position else ""
    if "Excessive depth" in message:
        return UnsafeXmlError(f"document nests deeper than {MAX_DEPTH} levels")
    if "amplification" in message or "entity" in message.lower():
        return UnsafeXmlError(f"entity references are not allowed ({message})")
    if "Name too long" in message:
        return UnsafeXmlError(f"an element or attribute name is longer than {MAX_NAME:,} characters{at}")
    if "Resource limit exceeded" in message or "too big" in message or "too long" in message:
        return UnsafeXmlError(
            f"a text node, attribute value, comment or processing instruction is longer than {MAX_TEXT:,} "
            f"characters{at}"
        )
    return MalformedXmlError(f"not well-formed XML: {message}")


_XINCLUDE_TAGS = tuple(f"{{{namespace}}}*" for namespace in XINCLUDE_NAMESPACES)
_NODE_COUNT = etree.XPath("count(//node())")
_STYLESHEETS = etree.XPath("//processing-instruction('xml-stylesheet')")
_POSITION = re.compile(r"line ([0-9]+), column ([0-9]+)")


def _check_tree(root: etree._Element, limits: ParseLimits) -> None:
    """Check what the parser itself does not bound, with as little Python per node as possible."""
    if _NODE_COUNT(root) > limits.max_elements:
        raise UnsafeXmlError(f"document has more than {limits.max_elements} nodes")
    if next(root.iter(etree.Entity), None) is not None:
        raise UnsafeXmlError("entity references are not allowed")
    if next(root.iter(*_XINCLUDE_TAGS), None) is not None:
        raise UnsafeXmlError("XInclude elements are not allowed")
    most = limits.max_attributes
    for node in root.iter(etree.Element):
        if len(node.attrib) > most:
            raise UnsafeXmlError(
                f"element <{etree.QName(node).localname}> has {len(node.attrib)} attributes; the limit is {most}"
            )


def parse_akn(data: bytes, limits: ParseLimits = DEFAULT_LIMITS) -> ParsedDocument:
    """Parse untrusted bytes into an AKN 3.0 tree, normalising older AKN namespaces and prefixes."""
    root = parse_xml(data, limits)
    return normalise(root)


def normalise(root: etree._Element) -> ParsedDocument:
    """Move an AKN tree into the AKN 3.0 namespace, declared as the default namespace on the root."""
    qname = etree.QName(root)
    namespace = qname.namespace or ""
    if qname.localname != "akomaNtoso" or not (namespace == AKN_NS or is_older_akn_namespace(namespace)):
        found = f"{{{namespace}}}{qname.localname}" if namespace else qname.localname
        raise NotAknError(f"expected an akomaNtoso root element in namespace {AKN_NS}, found {found}")
    notes = []
    original_prefix = root.prefix
    if namespace != AKN_NS:
        notes.append(f"namespace {namespace} normalised to {AKN_NS}")
        for node in root.iter(tag=etree.Element):
            if etree.QName(node).namespace == namespace:
                node.tag = f"{{{AKN_NS}}}{etree.QName(node).localname}"
    if root.prefix is not None or root.nsmap.get(None) != AKN_NS:
        if original_prefix:
            notes.append(f"prefix {original_prefix}: removed; AKN is the default namespace")
        root = _with_default_namespace(root, namespace)
    etree.cleanup_namespaces(root, top_nsmap={None: AKN_NS})
    if notes:
        # a renamed element can keep the declaration of an AKN 3.0 element below it alive (found by the property
        # tests); once the first pass has removed the older declarations, a second one removes it, so that the bytes
        # saved from this tree parse and serialise to themselves
        etree.cleanup_namespaces(root, top_nsmap={None: AKN_NS})
    return ParsedDocument(root=root, source_namespace=namespace, notes=tuple(notes))


def _with_default_namespace(root: etree._Element, old_namespace: str) -> etree._Element:
    """Rebuild the root so that AKN is the default namespace; descendants are moved, not copied."""
    nsmap = {None: AKN_NS}
    nsmap.update((p, u) for p, u in root.nsmap.items() if u not in (AKN_NS, old_namespace) and p is not None)
    new_root = etree.Element(root.tag, nsmap=nsmap)
    for name, value in root.attrib.items():
        new_root.set(name, value)
    new_root.text = root.text
    for child in list(root):
        new_root.append(child)
    # Comments and processing instructions before and after the root element are dropped on purpose:
    # they are not content, and a stylesheet instruction must never travel with a document.
    return new_root
