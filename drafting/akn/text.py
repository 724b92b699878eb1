"""Plain-text rendering: a document as it is printed, one paragraph per block, no markup and nothing from <meta>.

Layout: paragraphs are separated by a blank line and never wrapped or indented. A numbered unit starts its first
paragraph with its printed number and heading (`(a) Obtain ...:`, `A. Definitions. For the purposes ...`); a
section (or a larger unit) with a heading prints `{num} {heading}.` as a paragraph of its own (`1. Short title.`,
`16-62.2 Definitions.`). A heading takes a closing period unless it already ends in punctuation; apart from that
period and the spaces between words, every character printed is the document's own text, whitespace folded.
"""

from __future__ import annotations

from lxml import etree

from .eids import PROVISION_TAGS
from .namespaces import akn

_LABEL_TAGS = frozenset({akn("num"), akn("heading"), akn("subheading")})

# Units whose heading is printed on a line of its own, like "SECTION 3. Definitions." or "CHAPTER 2 Powers."
_STANDALONE_HEADING_TAGS = frozenset(
    akn(name)
    for name in (
        "book",
        "tome",
        "part",
        "subpart",
        "title",
        "subtitle",
        "chapter",
        "subchapter",
        "division",
        "subdivision",
        "article",
        "section",
    )
)

# Elements printed as one paragraph each: their whole text, inline markup and all.
_TEXT_BLOCK_TAGS = frozenset(
    akn(name) for name in ("p", "listIntroduction", "listWrapUp", "heading", "subheading", "num", "tocItem", "th", "td")
)

# Inline elements that stand for a line break: printed as a space so the words on either side stay apart.
_BREAK_TAGS = frozenset({akn("eol"), akn("eop"), akn("br")})

_HEADING_END = tuple(".:;!?")


def render_text(root: etree._Element) -> str:
    """Return a document as printed: UTF-8 text, "\\n" line ends, paragraphs separated by a blank line."""
    paragraphs = _blocks(root)
    return "\n\n".join(paragraphs) + "\n" if paragraphs else ""


def _blocks(node: etree._Element) -> list[str]:
    """Return the printed paragraphs of an element and everything inside it, in document order."""
    if not isinstance(node.tag, str) or node.tag == akn("meta"):
        return []
    if _is_labelled(node):
        return _labelled(node)
    if node.tag in _TEXT_BLOCK_TAGS or _has_own_words(node):
        text = _inline_text(node)
        return [text] if text else []
    paragraphs: list[str] = []
    for child in node:
        paragraphs.extend(_blocks(child))
    return paragraphs


def _is_labelled(node: etree._Element) -> bool:
    """Tell whether an element prints a number or heading of its own (a provision, a numbered item, ...)."""
    if node.tag in PROVISION_TAGS:
        return True
    return any(isinstance(child.tag, str) and child.tag in _LABEL_TAGS for child in node)


def _labelled(node: etree._Element) -> list[str]:
    """Return the paragraphs of a unit: its number and heading, its own text, its children, its wrap-up."""
    num = _label_text(node, "num")
    heading = _label_text(node, "heading")
    label = " ".join(part for part in (num, _closed(heading), _closed(_label_text(node, "subheading"))) if part)
    # A numbered unit runs its label into its first paragraph, except a section-level unit with a heading.
    inline = bool(num) and not (heading and node.tag in _STANDALONE_HEADING_TAGS)
    pending = label or None
    paragraphs: list[str] = []
    for child in node:
        if not isinstance(child.tag, str) or child.tag in _LABEL_TAGS:
            continue
        blocks = _blocks(child)
        if not blocks:
            continue
        if pending is not None and inline and child.tag not in PROVISION_TAGS:
            blocks[0] = f"{pending} {blocks[0]}"
        elif pending is not None:
            paragraphs.append(pending)
        pending = None
        paragraphs.extend(blocks)
    if pending is not None:
        paragraphs.append(pending)
    return paragraphs


def _label_text(node: etree._Element, name: str) -> str:
    """Return the folded text of an element's first direct <num>, <heading> or <subheading> child, or ""."""
    label = node.find(akn(name))
    return _inline_text(label) if label is not None else ""


def _closed(heading: str) -> str:
    """Return a heading as printed: followed by a period unless it already ends in punctuation."""
    if not heading or heading.endswith(_HEADING_END):
        return heading
    return f"{heading}."


def _has_own_words(node: etree._Element) -> bool:
    """Tell whether an element holds text directly (mixed content), so it prints as one paragraph."""
    if node.text and node.text.strip():
        return True
    return any(child.tail and child.tail.strip() for child in node)


def _inline_text(node: etree._Element) -> str:
    """Return an element's words, inline markup dropped, whitespace folded to single spaces."""
    parts: list[str] = []
    _collect_text(node, parts)
    return " ".join("".join(parts).split())


def _collect_text(node: etree._Element, parts: list[str]) -> None:
    parts.append(node.text or "")
    for child in node:
        if isinstance(child.tag, str):
            if child.tag in _BREAK_TAGS:
                parts.append(" ")
            elif child.tag != akn("meta"):
                _collect_text(child, parts)
        # comments and processing instructions print nothing, but the text after them does
        parts.append(child.tail or "")


__all__ = ["render_text"]
