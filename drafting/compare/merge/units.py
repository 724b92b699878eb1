"""The units of a merge in one document (the parts of the document element, the top-level provisions of its body)
and how two versions of a unit are compared.

Content is everything but the unit's own number and eId, serialised canonically: whitespace-only differences, and
the prefix that its descendants' eIds take from it, are ignored; the label is its own number and eId.
"""

from __future__ import annotations

from copy import deepcopy

from lxml import etree

from drafting.akn.eids import PROVISION_TAGS, num_of
from drafting.akn.frbr import document_element
from drafting.akn.namespaces import akn
from drafting.akn.provisions import block_text
from drafting.errors import InvalidDocumentError

from .items import MergeSide

NUM, META = akn("num"), akn("meta")
_HEADING, _SUBHEADING = akn("heading"), akn("subheading")
BODIES = tuple(akn(name) for name in ("body", "mainBody", "judgmentBody", "debateBody"))
ID_ATTRIBUTES = ("eId", "wId")


def body_of(root: etree._Element, which: str) -> etree._Element:
    """Return the body of a document (`which` names it in the error when it has none)."""
    body = next((child for child in document_element(root) if child.tag in BODIES), None)
    if body is None:
        raise InvalidDocumentError(f"expected a <body> in {which} to merge provisions of, found none")
    return body


def parts_of(root: etree._Element) -> list[etree._Element]:
    """The children of the document element other than <meta>: preface, preamble, body, conclusions, ..."""
    return [child for child in document_element(root) if isinstance(child.tag, str) and child.tag != META]


def top_provisions(container: etree._Element) -> list[etree._Element]:
    """The provisions of a container that are inside no other provision, in document order."""
    found, stack = [], list(reversed(container))
    while stack:
        node = stack.pop()
        if not isinstance(node.tag, str):
            continue
        if node.tag in PROVISION_TAGS:
            found.append(node)
        else:
            stack.extend(reversed(node))
    return found


class Comparison:
    """Canonical content and labels of units, computed once each."""

    def __init__(self, strip_label: bool):
        self.strip_label = strip_label
        self._content: dict[int, bytes] = {}
        self._keep: list[etree._Element] = []  # keeps the ids above from being reused

    def content(self, element: etree._Element) -> bytes:
        found = self._content.get(id(element))
        if found is None:
            found = canonical(element, strip_label=self.strip_label)
            self._content[id(element)] = found
            self._keep.append(element)
        return found

    def label(self, element: etree._Element) -> tuple[str | None, str | None]:
        return (num_of(element), element.get("eId")) if self.strip_label else (None, None)

    def same(self, a: etree._Element, b: etree._Element) -> bool:
        return self.content(a) == self.content(b) and self.label(a) == self.label(b)


def canonical(element: etree._Element, *, strip_label: bool = True) -> bytes:
    """Serialise an element for comparison: canonical XML, whitespace folded, and (with `strip_label`) without its
    own number and eId, its descendants' eIds relative to it."""
    copy = deepcopy(element)
    copy.tail = None
    if strip_label:
        own = copy.get("eId")
        for name in ID_ATTRIBUTES:
            copy.attrib.pop(name, None)
        num = copy.find(NUM)
        if num is not None:
            copy.remove(num)
        if own:
            rebase_ids(copy, own, "")
    for node in copy.iter():
        if isinstance(node.tag, str):
            node.text = _fold(node.text)
        node.tail = _fold(node.tail)
    return etree.tostring(copy, method="c14n", exclusive=True, with_comments=False)


def _fold(text: str | None) -> str | None:
    return " ".join(text.split()) or None if text else None


def rebase_ids(element: etree._Element, old: str, new: str) -> None:
    """Move the descendants' eIds (and references to them inside the element) from one prefix to another."""
    old_prefix = f"{old}__"
    for node in element.iter(tag=etree.Element):
        for name in ID_ATTRIBUTES:
            value = node.get(name)
            if value and value.startswith(old_prefix):
                node.set(name, f"{new}__{value[len(old_prefix):]}")
        href = node.get("href")
        if href and (href == f"#{old}" or href.startswith(f"#{old_prefix}")):
            node.set("href", f"#{new}{href[1 + len(old):]}")


def merge_side(element: etree._Element | None) -> MergeSide | None:
    """Read one side of an item as a drafter reads it: eId, number, heading and plain text (None when absent)."""
    if element is None:
        return None
    num = heading = None
    parts = [element.text or ""]
    for child in element:
        if child.tag == NUM:
            num = " ".join("".join(child.itertext()).split()) or None
        elif child.tag == _HEADING:
            heading = " ".join("".join(child.itertext()).split()) or None
        elif isinstance(child.tag, str) and child.tag != _SUBHEADING:
            parts.append(block_text(child))
        parts.append(child.tail or "")
    return MergeSide(eId=element.get("eId"), num=num, heading=heading, text=" ".join(" ".join(parts).split()))
