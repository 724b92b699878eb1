"""Pairing and classification: which units of base, mine and theirs are one item, and what each side did to it.

Pairing. Base pairs with mine, and base with theirs, by the aligner first: it pairs by content, so a provision
renumbered because a section was inserted before it is still itself, although its old eId may now belong to the
inserted one. What the aligner leaves unpaired pairs by eId (a provision rewritten beyond recognition keeps its
eId), and then within a split or a merge (the first part with the first whole). Provisions added on both sides
with the same content and number are one item. The parts of the document element pair by name.

Classification. A provision found on all three sides differs in up to three ways: content, position (its pair
breaks the order that most pairs keep: it moved) and label (its own number and eId, which change when something
before it is inserted or removed). The most substantive way that either side changed is the item's subject, and
decides its kind: "mine-only" and "theirs-only" (changed on one side; that side is taken by default), "both-same"
(the same change on both sides) or "conflict" (changed differently on both sides). The choice decides the subject;
another way follows the side that changed it, so that my edit of a section they renumbered keeps their number, and
their edit of a section I moved goes where I put it. Labels changed differently on both sides are a conflict too. A
provision added or deleted on one side is that side's item; deleted on one side and changed on the other, it is a
conflict.

The result is a `Plan`: the units of each level in the three documents and one `Slot` per item, in the order of the
merged document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from lxml import etree

from drafting.akn.provisions import extract_provisions
from drafting.errors import InvalidDocumentError

from ..align import Aligner, Node, longest_increasing
from ..redline import to_node
from .items import (
    ADDED,
    BOTH_SAME,
    CHANGED,
    CONFLICT,
    DELETED,
    MINE,
    MINE_ONLY,
    MOVED,
    RENUMBERED,
    THEIRS,
    THEIRS_ONLY,
    MergeItem,
)
from .units import BODIES, Comparison, body_of, merge_side, parts_of, top_provisions

CONTENT, POSITION, LABEL = "content", "position", "label"  # the ways in which a side may change a provision


@dataclass
class Slot:
    """An item with the elements of its three sides (in the given documents) and what its choice decides."""

    item: MergeItem
    level: str  # "body" or "document"
    base: etree._Element | None
    mine: etree._Element | None
    theirs: etree._Element | None
    mine_index: int | None
    theirs_index: int | None
    changes: Changes | None = None  # for a provision on all three sides
    order: tuple = ()


@dataclass(frozen=True)
class Changes:
    """What each side did to a provision found on all three sides, dimension by dimension.

    The subject is the most substantive dimension that either side changed (content, then position, then label):
    the choice decides it. Another dimension follows the side that changed it, and the choice when both did.
    """

    mine_content: bool
    theirs_content: bool
    mine_moved: bool
    theirs_moved: bool
    mine_label: bool
    theirs_label: bool

    @property
    def subject(self) -> str | None:
        for name, mine, theirs in ((CONTENT, self.mine_content, self.theirs_content),
                                   (POSITION, self.mine_moved, self.theirs_moved),
                                   (LABEL, self.mine_label, self.theirs_label)):
            if mine or theirs:
                return name
        return None

    def source(self, dimension: str, side: str) -> str:
        """The side whose value of a dimension the merged provision takes, when `side` is chosen."""
        mine, theirs = {CONTENT: (self.mine_content, self.theirs_content),
                        POSITION: (self.mine_moved, self.theirs_moved),
                        LABEL: (self.mine_label, self.theirs_label)}[dimension]
        if dimension == self.subject or (mine and theirs):
            return side
        return MINE if mine else THEIRS


@dataclass
class Level:
    """The units of one level (body provisions, or the parts of the document element) in the three documents."""

    name: str
    base: list[etree._Element]
    mine: list[etree._Element]
    theirs: list[etree._Element]
    mine_to_theirs: dict[int, int] = field(default_factory=dict)
    fixed: frozenset[int] = frozenset()  # theirs indices that are no item of this level (the body among the parts)


@dataclass
class Plan:
    """The three documents, their units level by level, and one slot per item in the order of the merged document."""

    base: etree._Element
    mine: etree._Element
    theirs: etree._Element
    levels: dict[str, Level]
    slots: list[Slot]


def plan_merge(base: etree._Element, mine: etree._Element, theirs: etree._Element) -> Plan:
    """Pair the units of the three documents, level by level, and classify every item in which something differs."""
    keys = _Keys()
    levels, slots = {}, []
    part_level = Level("document", *(parts_of(root) for root in (base, mine, theirs)))
    body_level = Level("body", *(top_provisions(body_of(root, name))
                                  for root, name in ((base, "base"), (mine, "mine"), (theirs, "theirs"))))
    for level, pair, strip_label in ((part_level, _pair_parts, False), (body_level, _pair_provisions, True)):
        levels[level.name] = level
        slots.extend(_slots(level, pair, strip_label, keys))
    body_position = next(k for k, element in enumerate(part_level.theirs) if element.tag in BODIES)
    for slot in slots:
        if slot.level == "body":
            slot.order = (body_position, 0, 0, *slot.order)
    slots.sort(key=lambda slot: slot.order)
    return Plan(base, mine, theirs, levels, slots)


# --- classification -----------------------------------------------------------------------------------------------


def _slots(level: Level, pair: Callable, strip_label: bool, keys: _Keys) -> list[Slot]:
    """Pair the units of a level and make a slot of every triple in which something differs."""
    (to_mine, mine_moved), (to_theirs, theirs_moved) = pair(level.base, level.mine), pair(level.base, level.theirs)
    compare = Comparison(strip_label)
    triples = [(i, to_mine.get(i), to_theirs.get(i)) for i in range(len(level.base))]
    paired_mine, paired_theirs = set(to_mine.values()), set(to_theirs.values())
    added_mine = [j for j in range(len(level.mine)) if j not in paired_mine]
    added_theirs = [k for k in range(len(level.theirs)) if k not in paired_theirs]
    for j in added_mine:  # the same provision added on both sides is one item
        twin = next((k for k in added_theirs if compare.same(level.mine[j], level.theirs[k])), None)
        if twin is not None:
            added_theirs.remove(twin)
        triples.append((None, j, twin))
    triples += [(None, None, k) for k in added_theirs]
    level.mine_to_theirs = {j: k for _, j, k in triples if j is not None and k is not None}
    if level.name == "document":
        level.fixed = frozenset(k for k, element in enumerate(level.theirs) if element.tag in BODIES)
    base_to_theirs = {i: k for i, _, k in triples if i is not None and k is not None}
    slots = []
    for i, j, k in triples:
        if k is not None and k in level.fixed:
            continue
        b = level.base[i] if i is not None else None
        m = level.mine[j] if j is not None else None
        t = level.theirs[k] if k is not None else None
        slot = _classify(compare, b, m, t, moved=(i in mine_moved, i in theirs_moved))
        if slot is None:
            continue
        sides = [side for side in (b, m, t) if side is not None]
        key = keys.make(level.name, "" if b is not None else (MINE if m is not None else THEIRS), sides[0],
                        (i if b is not None else j if m is not None else k) + 1)
        slot.item = replace(slot.item, key=key, element=etree.QName(sides[0]).localname)
        slot.level, slot.mine_index, slot.theirs_index = level.name, j, k
        slot.order = _order(i, j, k, level.mine_to_theirs, base_to_theirs)
        slots.append(slot)
    return slots


def _order(i, j, k, mine_to_theirs: dict[int, int], base_to_theirs: dict[int, int]) -> tuple:
    """Where an item stands in the merged document: at its place in theirs, else after what precedes it in mine (or
    in base, for a provision both deleted)."""
    if k is not None:
        return (k, 0, 0)
    if j is not None:
        before = [mine_to_theirs[p] for p in range(j - 1, -1, -1) if p in mine_to_theirs]
        return (before[0] if before else -1, 1, j)
    before = [base_to_theirs[p] for p in range(i - 1, -1, -1) if p in base_to_theirs]
    return (before[0] if before else -1, 2, i)


class _Keys:
    """Stable, unique keys of items: the base eId, or `mine:`/`theirs:` and the eId for an addition."""

    def __init__(self):
        self.used: set[str] = set()

    def make(self, level: str, prefix: str, element: etree._Element, position: int) -> str:
        local = etree.QName(element).localname
        name = f"part:{local}" if level == "document" else element.get("eId") or f"#{position}"
        key = f"{prefix}:{name}" if prefix else name
        candidate, suffix = key, 2
        while candidate in self.used:
            candidate, suffix = f"{key}~{suffix}", suffix + 1
        self.used.add(candidate)
        return candidate


def _classify(compare: Comparison, b, m, t, *, moved: tuple[bool, bool]) -> Slot | None:
    """Decide an item's kind from what each side did to it (None when no side changed anything)."""
    if b is None:
        if m is not None and t is not None:
            kind, mine_change, theirs_change = BOTH_SAME, ADDED, ADDED
        elif m is not None:
            kind, mine_change, theirs_change = MINE_ONLY, ADDED, None
        else:
            kind, mine_change, theirs_change = THEIRS_ONLY, None, ADDED
        return _slot(kind, b, m, t, mine_change, theirs_change)
    if m is None and t is None:
        return _slot(BOTH_SAME, b, m, t, DELETED, DELETED)
    if m is None or t is None:
        present = m if m is not None else t
        changed = compare.content(present) != compare.content(b)
        renumbered = compare.label(present) != compare.label(b)
        what = CHANGED if changed else RENUMBERED if renumbered else None
        if m is None:
            return _slot(CONFLICT if changed else MINE_ONLY, b, m, t, DELETED, what)
        return _slot(CONFLICT if changed else THEIRS_ONLY, b, m, t, what, DELETED)
    changes = Changes(
        mine_content=compare.content(m) != compare.content(b), theirs_content=compare.content(t) != compare.content(b),
        mine_moved=moved[0], theirs_moved=moved[1],
        mine_label=compare.label(m) != compare.label(b), theirs_label=compare.label(t) != compare.label(b),
    )
    subject = changes.subject
    if subject is None:
        return None
    mine_did, theirs_did, same = {
        CONTENT: (changes.mine_content, changes.theirs_content, compare.content(m) == compare.content(t)),
        POSITION: (changes.mine_moved, changes.theirs_moved, True),
        LABEL: (changes.mine_label, changes.theirs_label, compare.label(m) == compare.label(t)),
    }[subject]
    label_conflict = changes.mine_label and changes.theirs_label and compare.label(m) != compare.label(t)
    if label_conflict or (mine_did and theirs_did and not same):
        kind = CONFLICT
    else:
        kind = BOTH_SAME if mine_did and theirs_did else MINE_ONLY if mine_did else THEIRS_ONLY
    slot = _slot(kind, b, m, t, _change(changes.mine_content, changes.mine_moved, changes.mine_label),
                 _change(changes.theirs_content, changes.theirs_moved, changes.theirs_label))
    slot.changes = changes
    return slot


def _change(content: bool, moved: bool, label: bool) -> str | None:
    return CHANGED if content else MOVED if moved else RENUMBERED if label else None


def _slot(kind: str, b, m, t, mine_change: str | None, theirs_change: str | None) -> Slot:
    default = {MINE_ONLY: MINE, THEIRS_ONLY: THEIRS, BOTH_SAME: THEIRS}.get(kind)
    item = MergeItem(key="", kind=kind, element="", base=merge_side(b), mine=merge_side(m), theirs=merge_side(t),
                     mine_change=mine_change, theirs_change=theirs_change, default=default)
    return Slot(item=item, level="", base=b, mine=m, theirs=t, mine_index=None, theirs_index=None)


# --- pairing ------------------------------------------------------------------------------------------------------


def _nodes(elements: list[etree._Element]) -> list[Node]:
    """The aligner's view of top-level provisions (read from the body they stand in)."""
    if not elements:
        return []
    body = next(ancestor for ancestor in elements[0].iterancestors() if ancestor.tag in BODIES)
    nodes = [to_node(provision) for provision in extract_provisions(body)]
    if len(nodes) != len(elements):  # cannot happen: both walk the same tree the same way
        raise InvalidDocumentError(f"expected {len(elements)} top-level provisions, found {len(nodes)}")
    return nodes


def _pair_provisions(base: list[etree._Element], other: list[etree._Element]) -> tuple[dict[int, int], set[int]]:
    """Pair base provisions with another version's (aligner first, then eId, then within a split or merge); say
    which base provisions moved (their pairs break the order that most pairs keep)."""
    old, new = _nodes(base), _nodes(other)
    pairs: dict[int, int] = {}
    groups = []
    for match in Aligner(old, new, same_work=True).matches():
        if match.kind in ("exact", "similar"):
            pairs[match.old[0]] = match.new[0]
        elif match.kind in ("split", "merged"):
            groups.append(match)
    used = set(pairs.values())
    by_eid = {node.eid: j for j, node in reversed(list(enumerate(new))) if node.eid and j not in used}
    for i, node in enumerate(old):
        j = by_eid.get(node.eid) if node.eid else None
        if i not in pairs and j is not None and j not in used:
            pairs[i] = j
            used.add(j)
    for group in groups:
        olds = [i for i in group.old if i not in pairs]
        news = [j for j in group.new if j not in used]
        if olds and news:
            pairs[olds[0]] = news[0]
            used.add(news[0])
    ordered = sorted(pairs.items())
    kept = longest_increasing([j for _, j in ordered])
    return pairs, {i for position, (i, _) in enumerate(ordered) if position not in kept}


def _pair_parts(base: list[etree._Element], other: list[etree._Element]) -> tuple[dict[int, int], set[int]]:
    """Pair the parts of two documents by name (the second preface with the second preface); parts do not move."""
    positions = dict(_part_keys(other))
    return {i: positions[key] for key, i in _part_keys(base) if key in positions}, set()


def _part_keys(parts: list[etree._Element]):
    seen: dict[str, int] = {}
    for index, part in enumerate(parts):
        seen[part.tag] = seen.get(part.tag, 0) + 1
        yield (part.tag, seen[part.tag]), index
