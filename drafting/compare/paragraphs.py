"""The paragraphs of a provision's own text in the XML: a provision found by eId, its blocks diffed paragraph by
paragraph, so that a renderer can mark changed words where they stand.

A provision's own text stands in blocks (intro, content, wrapUp) of paragraphs. Where the old and the new block have
as many paragraphs, each paragraph is diffed with its counterpart and the changed ones are kept; where they do not,
the whole block is diffed once, to stand in the new block's first paragraph in place of all of them.

An amending provision's paragraph may hold a quoted structure (the text the bill inserts into another law): its
provisions are the amending provision's children, diffed as such, so neither the paragraphs inside a quoted
structure nor its words belong to the block's own paragraphs (own_paragraphs, own_text).
"""

from __future__ import annotations

import copy

from lxml import etree

from drafting.akn.namespaces import akn
from drafting.akn.provisions import block_text

from .model import Diff, ParagraphDiff
from .words import has_change, word_diff

BLOCKS = ("intro", "content", "wrapUp")
_P = akn("p")
_QUOTED_STRUCTURE = akn("quotedStructure")


def own_paragraphs(block: etree._Element) -> list[etree._Element]:
    """Return the paragraphs of a block in document order, less those inside a quoted structure."""
    if next(block.iter(_QUOTED_STRUCTURE), None) is None:
        return list(block.iter(_P))  # the common case, fast
    return [p for p in block.iter(_P) if not any(a.tag == _QUOTED_STRUCTURE for a in _ancestors_within(p, block))]


def _ancestors_within(node: etree._Element, top: etree._Element):
    for ancestor in node.iterancestors():
        if ancestor is top:
            return
        yield ancestor


def own_text(node: etree._Element) -> str:
    """Return an element's text as block_text reads it, less the text of the quoted structures inside it."""
    if next(node.iter(_QUOTED_STRUCTURE), None) is None:
        return block_text(node)
    shell = copy.deepcopy(node)
    for quoted in list(shell.iter(_QUOTED_STRUCTURE)):
        if quoted.getparent() is None:
            continue  # inside a quoted structure removed already
        parent, tail = quoted.getparent(), quoted.tail
        quoted.tail = None
        # the words either side of a quoted structure stay apart, as block_text keeps blocks apart
        previous = quoted.getprevious()
        if previous is not None:
            previous.tail = f"{previous.tail or ''} {tail or ''}"
        else:
            parent.text = f"{parent.text or ''} {tail or ''}"
        parent.remove(quoted)
    return block_text(shell)


def index_by_eid(root: etree._Element | None) -> dict[str, etree._Element]:
    """Map every eId of a document to its element (the last one, should an eId repeat)."""
    if root is None:
        return {}
    return {eid: node for node in root.iter(tag=etree.Element) if (eid := node.get("eId"))}


def paragraph_diffs(old: etree._Element | None, new: etree._Element,
                    known: tuple[str, str, Diff] | None = None) -> tuple[ParagraphDiff, ...]:
    """Diff the own blocks of two versions of a provision paragraph by paragraph where they line up, else block by
    block; return the changed paragraphs of the new one. `old` is None when the old provision has no element.

    `known` is a diff already made of two whitespace-folded texts (the provisions' own): a pair of paragraphs with
    those very words reuses it rather than diffing them again (the common case of one paragraph each).
    """

    def diff(old_text: str, new_text: str) -> Diff:
        if known is not None and " ".join(old_text.split()) == known[0] and " ".join(new_text.split()) == known[1]:
            return known[2]
        return word_diff(old_text, new_text)

    changes = []
    for name in BLOCKS:
        new_block = new.find(akn(name))
        if new_block is None:
            continue
        old_block = old.find(akn(name)) if old is not None else None
        old_paragraphs = own_paragraphs(old_block) if old_block is not None else []
        new_paragraphs = own_paragraphs(new_block)
        if len(old_paragraphs) == len(new_paragraphs):
            for index, (old_p, new_p) in enumerate(zip(old_paragraphs, new_paragraphs, strict=True)):
                paragraph = diff(own_text(old_p), own_text(new_p))
                if has_change(paragraph):
                    changes.append(ParagraphDiff(name, index, paragraph))
        elif new_paragraphs:
            whole = diff(own_text(old_block) if old_block is not None else "", own_text(new_block))
            changes.append(ParagraphDiff(name, 0, whole, whole_block=True))
    return tuple(changes)
