"""The hardened parser: untrusted bytes in, an AKN 3.0 tree out, or a precise error.

Rules (see ../shared/attacks/README.md): no DTD (a DOCTYPE is refused), no entity expansion, no network,
no XInclude, bounded depth, size and attribute counts. Older AKN namespaces and prefixed documents are
normalised to the AKN 3.0 default namespace.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from drafting.errors import MalformedXmlError, NotAknError, RequestTooLargeError, UnsafeXmlError

from .namespaces import AKN_NS, XINCLUDE_NAMESPACES, is_older_akn_namespace


@dataclass(frozen=True)
class ParseLimits:
    """Bounds on what an upload may contain."""

    max_bytes: int = 16 * 1024 * 1024
    max_attributes: int = 64
    max_elements: int = 2_000_000


DEFAULT_LIMITS = ParseLimits()
MAX_DEPTH = 256  # libxml2's own limit while huge_tree is off; it stops the parse, so it is not configurable


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
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser()))
    except etree.XMLSyntaxError as exc:
        message = str(exc)
        if "Excessive depth" in message:
            raise UnsafeXmlError(f"document nests deeper than {MAX_DEPTH} levels") from None
        if "amplification" in message or "entity" in message.lower():
            raise UnsafeXmlError(f"entity references are not allowed ({message})") from None
        raise MalformedXmlError(f"not well-formed XML: {message}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UnsafeXmlError("DOCTYPE declarations are not allowed")
    root = tree.getroot()
    _check_tree(root, limits)
    return root


_XINCLUDE_TAGS = tuple(f"{{{namespace}}}*" for namespace in XINCLUDE_NAMESPACES)
_NODE_COUNT = etree.XPath("count(//node())")


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
