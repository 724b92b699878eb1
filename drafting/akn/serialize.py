"""Canonical serialisation: the bytes a tree is stored and exported as.

Text and whitespace are never touched, so parse -> serialise -> parse -> serialise is byte-stable.
"""

from __future__ import annotations

import hashlib

from lxml import etree


def serialize(root: etree._Element) -> bytes:
    """Serialise an AKN tree as UTF-8 with an XML declaration, exactly preserving its text."""
    for node in root.iter():
        # an empty string and no text serialise differently (<num></num> vs <num/>) but parse the same
        if node.text == "" and isinstance(node.tag, str):
            node.text = None
        if node.tail == "":
            node.tail = None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def content_hash(data: bytes) -> str:
    """Return the SHA-256 hex digest that identifies a serialised document."""
    return hashlib.sha256(data).hexdigest()


def text_of(node: etree._Element) -> str:
    """Return the words of an element's text, whitespace folded."""
    return " ".join(" ".join(node.itertext()).split())
