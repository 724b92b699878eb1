"""The AKN namespace, the older namespaces we accept, and the one XPath helper."""

from __future__ import annotations

import re

from lxml import etree
from lxml.builder import ElementMaker

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
XINCLUDE_NAMESPACES = frozenset({"http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude"})

# Working drafts and committee specification drafts of AKN 3.0, and the pre-OASIS namespaces.
_OLDER_AKN = re.compile(
    r"^(http://docs\.oasis-open\.org/legaldocml/ns/akn/3\.0/(CSD|WD|CSPRD|CS)\d+"
    r"|http://www\.akomantoso\.org/[12]\.0)$"
)

NSMAP = {"akn": AKN_NS}
E = ElementMaker(namespace=AKN_NS, nsmap={None: AKN_NS})


def is_older_akn_namespace(namespace: str | None) -> bool:
    """Tell whether a namespace is a pre-final AKN namespace that can be normalised to AKN 3.0."""
    return bool(namespace) and bool(_OLDER_AKN.match(namespace))


def akn(local_name: str) -> str:
    """Return the Clark name of an AKN element."""
    return f"{{{AKN_NS}}}{local_name}"


def xpath(node: etree._Element, expression: str, **variables) -> list:
    """Evaluate an XPath expression in which `akn:` is the AKN 3.0 namespace."""
    return node.xpath(expression, namespaces=NSMAP, **variables)


def local_name(node: etree._Element) -> str:
    """Return an element's name without its namespace."""
    return etree.QName(node).localname
