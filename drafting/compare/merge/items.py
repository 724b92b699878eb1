"""What a merge reports: its items (a provision, or a part of the document, that differs on at least one side), each
side of an item as a drafter reads it, the kinds of item and the sides to choose from."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

MINE, THEIRS = "mine", "theirs"
SIDES = (MINE, THEIRS)
MINE_ONLY, THEIRS_ONLY, BOTH_SAME, CONFLICT = "mine-only", "theirs-only", "both-same", "conflict"
KINDS = (MINE_ONLY, THEIRS_ONLY, BOTH_SAME, CONFLICT)
# what one side did to an item
ADDED, DELETED, CHANGED, MOVED, RENUMBERED = "added", "deleted", "changed", "moved", "renumbered"


@dataclass(frozen=True)
class MergeSide:
    """One side of an item as a drafter reads it: the provision's eId, number, heading and plain text."""

    eId: str | None
    num: str | None
    heading: str | None
    text: str

    def as_dict(self) -> dict:
        return {"eId": self.eId, "num": self.num, "heading": self.heading, "text": self.text}


@dataclass(frozen=True)
class MergeItem:
    """A provision (or part of the document) that differs on at least one side, and how it merges."""

    key: str  # base eId; "mine:<eId>" / "theirs:<eId>" for an addition; "part:<name>" for a preface and the like
    kind: str  # one of KINDS
    element: str  # section, subsection, ..., or preface, preamble, conclusions
    base: MergeSide | None
    mine: MergeSide | None
    theirs: MergeSide | None
    mine_change: str | None  # added, deleted, changed, moved, renumbered, or None
    theirs_change: str | None
    default: str | None  # the side taken unless chosen otherwise; None for a conflict
    choice: str | None = None  # the side the merged document takes (None while a conflict has no choice)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "kind": self.kind,
            "element": self.element,
            "base": self.base.as_dict() if self.base else None,
            "mine": self.mine.as_dict() if self.mine else None,
            "theirs": self.theirs.as_dict() if self.theirs else None,
            "mine_change": self.mine_change,
            "theirs_change": self.theirs_change,
            "default": self.default,
            "choice": self.choice,
        }


@dataclass(frozen=True)
class Merge:
    """The items of a merge, with each one's choice, and the merged document once no conflict is left open."""

    items: tuple[MergeItem, ...]
    root: etree._Element | None

    @property
    def complete(self) -> bool:
        """Tell whether every conflict has a choice (and so the merged document exists)."""
        return self.root is not None
