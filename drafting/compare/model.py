"""The redline model: plain data produced by the aligner and the differ, consumed by every renderer.

A redline lists the top-level provisions in the order of the new document, deletions at their old place; each
entry pairs old and new provisions (1:1, 1:n split, n:1 merge, or one side empty), carries a word diff of the own
text (and, for a changed or moved 1:1 pair, of each changed paragraph of it), change labels, and the same structure
one level down in `children`. Renderers read only this: nothing in it is computed again to be shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# statuses
UNCHANGED = "unchanged"
CHANGED = "changed"
MOVED = "moved"
INSERTED = "inserted"
DELETED = "deleted"
SPLIT = "split"
MERGED = "merged"
STATUSES = (UNCHANGED, CHANGED, MOVED, INSERTED, DELETED, SPLIT, MERGED)

# diff operations, as in the JSON contract
EQUAL, DELETE, INSERT = "=", "-", "+"

Diff = tuple[tuple[str, str], ...]  # (EQUAL | DELETE | INSERT, text) pieces that rebuild the old and the new text


@dataclass(frozen=True)
class DocumentSummary:
    """What a redline says about each of its two documents."""

    frbr_uri: str | None
    expression_uri: str | None
    title: str
    doc_type: str
    content_hash: str
    document_id: int | None = None
    version: int | None = None

    def as_dict(self) -> dict:
        result = {
            "frbr_uri": self.frbr_uri,
            "expression_uri": self.expression_uri,
            "title": self.title,
            "doc_type": self.doc_type,
            "content_hash": self.content_hash,
        }
        if self.document_id is not None:
            result["document"] = self.document_id
            result["version"] = self.version
        return result


@dataclass(frozen=True)
class ParagraphDiff:
    """The word diff of one paragraph of a provision's own text, for renderers that mark changes in place."""

    block: str  # the provision's own block that holds the paragraph: "intro", "content" or "wrapUp"
    # the paragraph's position among the <p> elements of that block in the new document, from 0 (those inside a
    # quoted structure, which belong to the quoted provisions, not counted)
    index: int
    diff: Diff
    # the paragraphs of the block did not line up: the diff is of the whole block, to stand in its first paragraph
    # in place of all of them
    whole_block: bool = False


@dataclass(frozen=True)
class Entry:
    """One aligned item: which provisions of the old and new document it pairs, and what changed."""

    status: str
    old: tuple[str, ...]  # eIds in the old document
    new: tuple[str, ...]  # eIds in the new document
    element: str  # element name (of the new side, or the old one when deleted)
    old_num: str | None
    new_num: str | None
    old_heading: str | None
    new_heading: str | None
    score: float
    labels: tuple[str, ...] = ()
    diff: Diff = ()  # word diff of the own text
    heading_diff: Diff = ()
    children: tuple[Entry, ...] = ()
    old_position: int | None = None  # 1-based position among the old siblings
    new_position: int | None = None
    renumbered: bool = False
    possible_move: bool = False  # a delete or insert that may be half of a move the aligner was not sure of
    # the changed paragraphs of the own text, for a changed or moved 1:1 entry (not in the JSON contract)
    paragraph_diffs: tuple[ParagraphDiff, ...] = ()
    # the provision opens a quoted structure: text an amending bill inserts into another law, numbered in that law
    quoted: bool = False

    @property
    def changed(self) -> bool:
        """Tell whether anything in this entry or below it differs."""
        return self.status != UNCHANGED or self.renumbered or any(child.changed for child in self.children)

    def as_dict(self) -> dict:
        result = {
            "old": list(self.old),
            "new": list(self.new),
            "status": self.status,
            "element": self.element,
            "score": round(self.score, 3),
            "old_num": self.old_num,
            "new_num": self.new_num,
            "labels": list(self.labels),
            "diff": [list(op) for op in self.diff],
            "children": [child.as_dict() for child in self.children],
        }
        if self.old_heading is not None or self.new_heading is not None:
            result["old_heading"] = self.old_heading
            result["new_heading"] = self.new_heading
            result["heading_diff"] = [list(op) for op in self.heading_diff]
        if self.renumbered:
            result["renumbered"] = True
        if self.status == MOVED:
            result["old_position"] = self.old_position
            result["new_position"] = self.new_position
        if self.possible_move:
            result["possible_move"] = True
        if self.quoted:
            result["quoted"] = True
        return result


@dataclass(frozen=True)
class Redline:
    """The comparison of two documents."""

    old: DocumentSummary
    new: DocumentSummary
    alignment: tuple[Entry, ...]
    stats: dict = field(default_factory=dict)
    defined_terms: tuple[dict, ...] = ()  # terms whose definitions changed, with the provisions that use them

    def as_dict(self) -> dict:
        return {
            "old": self.old.as_dict(),
            "new": self.new.as_dict(),
            "stats": dict(self.stats),
            "alignment": [entry.as_dict() for entry in self.alignment],
            "defined_terms": list(self.defined_terms),
        }


def walk(entries: tuple[Entry, ...]):
    """Yield every entry of a redline tree, depth first in order."""
    stack = list(reversed(entries))
    while stack:
        entry = stack.pop()
        yield entry
        stack.extend(reversed(entry.children))


def count_statuses(entries: tuple[Entry, ...]) -> dict:
    """Count the entries of each status at every level, and the renumbered ones."""
    stats = dict.fromkeys(STATUSES, 0)
    stats["renumbered"] = 0
    for entry in walk(entries):
        stats[entry.status] += 1
        stats["renumbered"] += entry.renumbered
    return stats
