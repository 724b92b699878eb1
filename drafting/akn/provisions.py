"""Provision extraction: every hierarchical unit with its eId, number, heading, own text, children and path."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .eids import PROVISION_TAGS, is_provision
from .namespaces import akn

_LABEL_TAGS = frozenset({akn("num"), akn("heading"), akn("subheading")})
_PROVISION_TAG_LIST = tuple(PROVISION_TAGS)


@dataclass(frozen=True)
class Provision:
    """One hierarchical unit of a document, with its children."""

    eId: str | None
    element: str
    num: str | None
    heading: str | None
    text: str
    path: tuple[str, ...]
    children: tuple[Provision, ...] = field(default=())
    quoted: bool = False  # the provision opens a quoted structure (text an amending bill inserts), cited on its own
    # the own text's lead-in (<intro>, "No agency shall:") and wrap-up (<wrapUp>) around the children; both are in
    # `text` as well, and both are empty for a provision without children
    intro: str = ""
    wrap_up: str = ""

    @property
    def citation(self) -> str:
        """The provision's printed citation, such as "5(b)(2)" or "16-62.2(B)(1)"."""
        return cite(self.path)

    def walk(self):
        """Yield this provision and every descendant, depth first in document order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def as_dict(self) -> dict:
        return {
            "eId": self.eId,
            "element": self.element,
            "num": self.num,
            "heading": self.heading,
            "citation": self.citation,
            "text": self.text,
            "quoted": self.quoted,
            "children": [child.as_dict() for child in self.children],
        }


def cite(path: tuple[str, ...]) -> str:
    """Join printed numbers into a citation: ("5.", "(b)", "(2)") -> "5(b)(2)"; ("3.", "A.") -> "3(A)"."""
    parts = []
    for index, num in enumerate(path):
        bare = num.strip().rstrip(".")
        if index == 0:
            bare = _SECTION_WORD.sub("", bare)  # "SECTION 5." is cited as 5
        if index == 0 or (bare.startswith("(") and bare.endswith(")")):
            parts.append(bare)
        else:
            parts.append(f"({bare.strip('()')})")
    return "".join(parts)


_BLOCK_TAGS = frozenset(
    akn(name)
    for name in ("p", "blockList", "item", "listIntroduction", "listWrapUp", "tblock", "table", "tr", "td", "th",
                 "blockContainer", "intro", "content", "wrapUp", "li", "ul", "ol", "toc", "tocItem", "foreign",
                 "num", "heading", "subheading", "recital", "formula", "longTitle", "hcontainer")
) | PROVISION_TAGS


_SECTION_WORD = re.compile(r"^(section|sec\.?|§+)\s*", re.IGNORECASE)


def _words(parts) -> str:
    return " ".join(" ".join(parts).split())


_CONTAINERS_OF_BLOCKS = frozenset(akn(name) for name in ("content", "intro", "wrapUp"))
_P = akn("p")


def block_text(node: etree._Element) -> str:
    """Return an element's text with block elements (paragraphs, list items, cells) kept apart by a space."""
    if node.tag in _CONTAINERS_OF_BLOCKS and all(child.tag == _P and not len(child) for child in node):
        # the common case, fast: a content of plain paragraphs
        return " ".join(child.text or "" for child in node)
    parts: list[str] = []
    stack: list = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        block = item.tag in _BLOCK_TAGS
        if block:
            parts.append(" ")
        if isinstance(item.tag, str):
            parts.append(item.text or "")
        stack.append(" " if block else "")
        for child in reversed(item):
            stack.append(child.tail or "")
            stack.append(child)
    return "".join(parts)


def _text_outside_provisions(node: etree._Element) -> str:
    parts = [node.text or ""]
    for child in node:
        if isinstance(child.tag, str) and child.tag not in PROVISION_TAGS:
            parts.append(_text_outside_provisions(child))
        parts.append(child.tail or "")
    return " ".join(parts)


_NUM, _HEADING, _SUBHEADING = akn("num"), akn("heading"), akn("subheading")
_INTRO, _WRAP_UP = akn("intro"), akn("wrapUp")
_AKN_PREFIX_LENGTH = len(akn(""))


def _build(node: etree._Element, parent_path: tuple[str, ...], *, quoted: bool = False) -> Provision:
    """Read a provision in one pass over its children: number, heading, own text, child provisions."""
    num = heading = None
    parts: list[str] = []
    intro: list[str] = []
    wrap_up: list[str] = []
    child_nodes: list[etree._Element] = []
    for child in node:
        tag = child.tag
        if not isinstance(tag, str):
            pass
        elif tag == _NUM:
            num = " ".join("".join(child.itertext()).split()) or None
        elif tag == _HEADING:
            heading = " ".join("".join(child.itertext()).split()) or None
        elif tag == _SUBHEADING:
            pass
        elif tag in PROVISION_TAGS:
            child_nodes.append(child)
        elif tag in _CONTAINERS_OF_BLOCKS and not _quotes_structure(child):
            block = block_text(child)
            parts.append(block)
            if tag == _INTRO:
                intro.append(block)
            elif tag == _WRAP_UP:
                wrap_up.append(block)
        elif any(True for _ in child.iter(tag=_PROVISION_TAG_LIST)):
            # a wrapper (e.g. a list) holding provisions: they are children; its other text is own text
            child_nodes.extend(_child_provisions(child))
            parts.append(_text_outside_provisions(child))
        else:
            parts.append(block_text(child))
        parts.append(child.tail or "")
    path = (*parent_path, num) if num else parent_path
    tag = node.tag
    return Provision(
        eId=node.get("eId"),
        element=tag[_AKN_PREFIX_LENGTH:] if tag.startswith("{") else tag,
        num=num,
        heading=heading,
        text=_words(parts),
        path=path,
        # a quoted structure's provisions (an amending bill's inserted section) are cited by their own numbers
        children=tuple(_build(child, (), quoted=True) if child.getparent().tag == _QUOTED_STRUCTURE
                       else _build(child, path) for child in child_nodes),
        quoted=quoted,
        intro=_words(intro) if intro else "",
        wrap_up=_words(wrap_up) if wrap_up else "",
    )


_QUOTED_STRUCTURE = akn("quotedStructure")


def _quotes_structure(block_container: etree._Element) -> bool:
    """Tell whether a content, intro or wrapUp holds an amending bill's quoted structure (its provisions are the
    provision's children, read as such, not as its text)."""
    return any(len(p) for p in block_container) and next(block_container.iter(_QUOTED_STRUCTURE), None) is not None


def _child_provisions(node: etree._Element):
    """Yield the provisions whose nearest provision ancestor is `node`."""
    if node.tag in PROVISION_TAGS:
        yield node
        return
    stack = list(reversed(list(node)))
    while stack:
        child = stack.pop()
        if not isinstance(child.tag, str):
            continue
        if is_provision(child):
            yield child
        else:
            stack.extend(reversed(list(child)))


def extract_provisions(root: etree._Element) -> tuple[Provision, ...]:
    """Return the top-level provisions of a document (outside <meta>), each with its subtree."""
    meta = root.find(f"*/{akn('meta')}")
    tops = []
    for child in _child_provisions(root):
        if meta is not None and meta in child.iterancestors():
            continue
        tops.append(_build(child, ()))
    return tuple(tops)


def iter_provisions(provisions: tuple[Provision, ...]):
    """Yield every provision of a forest in document order."""
    for top in provisions:
        yield from top.walk()


@dataclass(frozen=True)
class Definition:
    """A defined term (marked with <def>), where it is defined and the words that define it."""

    term: str  # lowercased, whitespace folded
    eId: str | None  # the provision that defines it
    paragraph: str  # the paragraph holding the <def>
    provision: str  # the whole defining provision (or the paragraph when it stands outside any provision)


def definitions(root: etree._Element) -> tuple[Definition, ...]:
    """Return every defined term of a document, in document order."""
    found = []
    for definition in root.iter(akn("def")):
        term = " ".join("".join(definition.itertext()).split()).lower()
        if not term:
            continue
        provision = next((a for a in definition.iterancestors() if a.get("eId")), None)
        paragraph = definition.getparent()
        holder = provision if provision is not None else paragraph
        found.append(Definition(
            term=term,
            eId=provision.get("eId") if provision is not None else None,
            paragraph=" ".join("".join(paragraph.itertext()).split()) if paragraph is not None else "",
            provision=" ".join(" ".join(holder.itertext()).split()) if holder is not None else "",
        ))
    return tuple(found)
