"""PURE. Three-way merge of two edits of one document, provision by provision.

`base` is the version a drafter started from, `mine` the drafter's unsaved document, `theirs` the latest stored
version (someone else saved first). The units of the merge are the top-level provisions of the body, and the other
parts of the document element (preface, preamble, conclusions, ...) each as a whole; <meta> is theirs.

Pairing. Base pairs with mine, and base with theirs, by the aligner first: it pairs by content, so a provision
renumbered because a section was inserted before it is still itself, although its old eId may now belong to the
inserted one. What the aligner leaves unpaired pairs by eId (a provision rewritten beyond recognition keeps its
eId), and then within a split or a merge (the first part with the first whole). Provisions added on both sides
with the same content and number are one item.

Comparison. A provision found on all three sides differs in up to three ways: content (everything but its own
number and eId, serialised canonically: whitespace-only differences, and the prefix that its descendants' eIds take
from it, are ignored), position (its pair breaks the order that most pairs keep: it moved) and label (its own number
and eId, which change when something before it is inserted or removed). The most substantive way that either side
changed is the item's subject, and decides its kind: "mine-only" and "theirs-only" (changed on one side; that side
is taken by default), "both-same" (the same change on both sides) or "conflict" (changed differently on both sides).
The choice decides the subject; another way follows the side that changed it, so that my edit of a section they
renumbered keeps their number, and their edit of a section I moved goes where I put it. Labels changed differently
on both sides are a conflict too. A provision added or deleted on one side is that side's item; deleted on one side
and changed on the other, it is a conflict.

Applying. The result starts as a copy of theirs; the choice of each item replaces, inserts or removes its provision.
An inserted provision goes after the one that precedes it in mine (where that one is in the result), else before the
one that follows it, else at the end of the body. The <meta> entries that merged-in text refers to (an adoption note,
an ontology reference) come along from mine; an eId that clashes with the rest of theirs is given up by the merged-in
provision, and eIds are then made unique. Whatever no choice touched stays byte for byte as in theirs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from copy import deepcopy
from dataclasses import dataclass, field, replace

from lxml import etree

from drafting.akn.eids import PROVISION_TAGS, num_of, repair_eids
from drafting.akn.frbr import document_element
from drafting.akn.namespaces import akn
from drafting.akn.provisions import block_text, extract_provisions
from drafting.errors import (
    InvalidDocumentError,
    MergeChoiceError,
    MergeChoiceMissingError,
    UnknownMergeItemError,
)

from .align import Node, align, longest_increasing
from .redline import to_node

MINE, THEIRS = "mine", "theirs"
SIDES = (MINE, THEIRS)
MINE_ONLY, THEIRS_ONLY, BOTH_SAME, CONFLICT = "mine-only", "theirs-only", "both-same", "conflict"
KINDS = (MINE_ONLY, THEIRS_ONLY, BOTH_SAME, CONFLICT)
# what one side did to an item
ADDED, DELETED, CHANGED, MOVED, RENUMBERED = "added", "deleted", "changed", "moved", "renumbered"

_NUM, _HEADING, _SUBHEADING, _META = akn("num"), akn("heading"), akn("subheading"), akn("meta")
_BODIES = tuple(akn(name) for name in ("body", "mainBody", "judgmentBody", "debateBody"))
# <meta> children in the order the schema requires
_META_ORDER = tuple(akn(name) for name in (
    "identification", "publication", "classification", "lifecycle", "workflow", "analysis", "temporalData",
    "references", "notes", "proprietary", "presentation",
))
_ID_ATTRIBUTES = ("eId", "wId")


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


def merge_items(base: etree._Element, mine: etree._Element, theirs: etree._Element) -> tuple[MergeItem, ...]:
    """List what differs between the three documents, in the order of the merged document, with default choices."""
    return tuple(slot.item for slot in _plan(base, mine, theirs).slots)


def merge(base: etree._Element, mine: etree._Element, theirs: etree._Element,
          choices: Mapping[str, str] | None = None) -> Merge:
    """List the items with their effective choices; merge when every conflict has a choice."""
    plan = _plan(base, mine, theirs)
    chosen = _choices(plan, choices or {})
    items = tuple(replace(slot.item, choice=chosen.get(slot.item.key)) for slot in plan.slots)
    complete = all(item.choice is not None for item in items)
    return Merge(items=items, root=_resolve(plan, chosen) if complete else None)


def apply_merge(base: etree._Element, mine: etree._Element, theirs: etree._Element,
                choices: Mapping[str, str]) -> etree._Element:
    """Return a new document: theirs, with each item's chosen side applied; every conflict needs a choice."""
    plan = _plan(base, mine, theirs)
    chosen = _choices(plan, choices)
    missing = [slot.item.key for slot in plan.slots if slot.item.key not in chosen]
    if missing:
        raise MergeChoiceMissingError(
            f"expected a choice (mine or theirs) for every conflict, found none for {', '.join(missing)}",
            extra={"missing": missing},
        )
    return _resolve(plan, chosen)


# --- plan -------------------------------------------------------------------------------------------------------


@dataclass
class _Slot:
    """An item with the elements of its three sides (in the given documents) and what its choice decides."""

    item: MergeItem
    level: str  # "body" or "document"
    base: etree._Element | None
    mine: etree._Element | None
    theirs: etree._Element | None
    mine_index: int | None
    theirs_index: int | None
    changes: _Changes | None = None  # for a provision on all three sides
    order: tuple = ()


CONTENT, POSITION, LABEL = "content", "position", "label"


@dataclass(frozen=True)
class _Changes:
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
class _Level:
    """The units of one level (body provisions, or the parts of the document element) in the three documents."""

    name: str
    base: list[etree._Element]
    mine: list[etree._Element]
    theirs: list[etree._Element]
    mine_to_theirs: dict[int, int] = field(default_factory=dict)
    fixed: frozenset[int] = frozenset()  # theirs indices that are no item of this level (the body among the parts)


@dataclass
class _Plan:
    base: etree._Element
    mine: etree._Element
    theirs: etree._Element
    levels: dict[str, _Level]
    slots: list[_Slot]


def _plan(base: etree._Element, mine: etree._Element, theirs: etree._Element) -> _Plan:
    keys = _Keys()
    levels, slots = {}, []
    part_level = _Level("document", *(_parts(root) for root in (base, mine, theirs)))
    body_level = _Level("body", *(_top_provisions(_body(root, name))
                                  for root, name in ((base, "base"), (mine, "mine"), (theirs, "theirs"))))
    for level, pair, strip_label in ((part_level, _pair_parts, False), (body_level, _pair_provisions, True)):
        levels[level.name] = level
        slots.extend(_slots(level, pair, strip_label, keys))
    body_position = next(k for k, element in enumerate(part_level.theirs) if element.tag in _BODIES)
    for slot in slots:
        if slot.level == "body":
            slot.order = (body_position, 0, 0, *slot.order)
    slots.sort(key=lambda slot: slot.order)
    return _Plan(base, mine, theirs, levels, slots)


def _slots(level: _Level, pair: Callable, strip_label: bool, keys: _Keys) -> list[_Slot]:
    """Pair the units of a level and make a slot of every triple in which something differs."""
    (to_mine, mine_moved), (to_theirs, theirs_moved) = pair(level.base, level.mine), pair(level.base, level.theirs)
    compare = _Comparison(strip_label)
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
        level.fixed = frozenset(k for k, element in enumerate(level.theirs) if element.tag in _BODIES)
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


def _classify(compare: _Comparison, b, m, t, *, moved: tuple[bool, bool]) -> _Slot | None:
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
    changes = _Changes(
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


def _slot(kind: str, b, m, t, mine_change: str | None, theirs_change: str | None) -> _Slot:
    default = {MINE_ONLY: MINE, THEIRS_ONLY: THEIRS, BOTH_SAME: THEIRS}.get(kind)
    item = MergeItem(key="", kind=kind, element="", base=_side(b), mine=_side(m), theirs=_side(t),
                     mine_change=mine_change, theirs_change=theirs_change, default=default)
    return _Slot(item=item, level="", base=b, mine=m, theirs=t, mine_index=None, theirs_index=None)


def _choices(plan: _Plan, choices: Mapping[str, str]) -> dict[str, str]:
    """Return the effective choice of every item that has one; refuse unknown keys and sides."""
    known = {slot.item.key for slot in plan.slots}
    unknown = sorted(key for key in choices if key not in known)
    if unknown:
        raise UnknownMergeItemError(
            f"expected choices for items of this merge, found unknown keys: {', '.join(unknown)}",
            extra={"unknown": unknown},
        )
    for key, side in choices.items():
        if side not in SIDES:
            raise MergeChoiceError(f"expected mine or theirs as the choice for {key}, found {side!r}")
    effective = {}
    for slot in plan.slots:
        side = choices.get(slot.item.key) or slot.item.default
        if side is not None:
            effective[slot.item.key] = side
    return effective


# --- units and pairing ------------------------------------------------------------------------------------------


def _body(root: etree._Element, which: str) -> etree._Element:
    body = next((child for child in document_element(root) if child.tag in _BODIES), None)
    if body is None:
        raise InvalidDocumentError(f"expected a <body> in {which} to merge provisions of, found none")
    return body


def _parts(root: etree._Element) -> list[etree._Element]:
    """The children of the document element other than <meta>: preface, preamble, body, conclusions, ..."""
    return [child for child in document_element(root) if isinstance(child.tag, str) and child.tag != _META]


def _top_provisions(container: etree._Element) -> list[etree._Element]:
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


def _nodes(elements: list[etree._Element]) -> list[Node]:
    """The aligner's view of top-level provisions (read from the body they stand in)."""
    if not elements:
        return []
    body = next(ancestor for ancestor in elements[0].iterancestors() if ancestor.tag in _BODIES)
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
    for match in align(old, new, same_work=True):
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


# --- comparison -------------------------------------------------------------------------------------------------


class _Comparison:
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
        for name in _ID_ATTRIBUTES:
            copy.attrib.pop(name, None)
        num = copy.find(_NUM)
        if num is not None:
            copy.remove(num)
        if own:
            _rebase_ids(copy, own, "")
    for node in copy.iter():
        if isinstance(node.tag, str):
            node.text = _fold(node.text)
        node.tail = _fold(node.tail)
    return etree.tostring(copy, method="c14n", exclusive=True, with_comments=False)


def _fold(text: str | None) -> str | None:
    return " ".join(text.split()) or None if text else None


def _rebase_ids(element: etree._Element, old: str, new: str) -> None:
    """Move the descendants' eIds (and references to them inside the element) from one prefix to another."""
    old_prefix = f"{old}__"
    for node in element.iter(tag=etree.Element):
        for name in _ID_ATTRIBUTES:
            value = node.get(name)
            if value and value.startswith(old_prefix):
                node.set(name, f"{new}__{value[len(old_prefix):]}")
        href = node.get("href")
        if href and (href == f"#{old}" or href.startswith(f"#{old_prefix}")):
            node.set("href", f"#{new}{href[1 + len(old):]}")


def _side(element: etree._Element | None) -> MergeSide | None:
    if element is None:
        return None
    num = heading = None
    parts = [element.text or ""]
    for child in element:
        if child.tag == _NUM:
            num = " ".join("".join(child.itertext()).split()) or None
        elif child.tag == _HEADING:
            heading = " ".join("".join(child.itertext()).split()) or None
        elif isinstance(child.tag, str) and child.tag != _SUBHEADING:
            parts.append(block_text(child))
        parts.append(child.tail or "")
    return MergeSide(eId=element.get("eId"), num=num, heading=heading, text=" ".join(" ".join(parts).split()))


# --- resolution -------------------------------------------------------------------------------------------------


def _resolve(plan: _Plan, chosen: dict[str, str]) -> etree._Element:
    """Apply the chosen sides to a copy of theirs."""
    result = deepcopy(plan.theirs)
    foreign: list[etree._Element] = []  # what came in from mine (or was rebuilt), for eIds and <meta> entries
    copies = {"document": _parts(result), "body": _top_provisions(_body(result, "theirs"))}
    for name in ("document", "body"):
        level = plan.levels[name]
        current = dict(enumerate(copies[name]))  # theirs index -> its element in the result
        slots = [slot for slot in plan.slots if slot.level == name]
        placements = []  # (mine index, element): what goes where mine has it, in mine's order
        for slot in slots:
            side = chosen[slot.item.key]
            if slot.theirs is None:
                if slot.mine is not None and side == MINE:
                    element = deepcopy(slot.mine)
                    placements.append((slot.mine_index, element))
                    foreign.append(element)
                continue
            target = current[slot.theirs_index]
            if slot.mine is None:
                if side == MINE:
                    _remove(target)
                    del current[slot.theirs_index]
                continue
            if slot.changes is None:
                continue
            merged = _merged(slot, side, strip_label=name == "body")
            if merged is not None:
                merged.tail = target.tail
                target.getparent().replace(target, merged)
                current[slot.theirs_index] = target = merged
                foreign.append(merged)
            if slot.changes.source(POSITION, side) == MINE and (slot.changes.mine_moved or slot.changes.theirs_moved):
                _remove(target)
                placements.append((slot.mine_index, target))
        placed: dict[int, etree._Element] = {}  # mine index -> its element in the result
        for mine_index, element in sorted(placements, key=lambda placement: placement[0]):
            _place(element, mine_index, level, current, placed, result)
            placed[mine_index] = element
    _carry_meta(result, plan.mine, foreign)
    _give_up_clashing_eids(result, foreign)
    repair_eids(result)
    return result


def _merged(slot: _Slot, side: str, *, strip_label: bool) -> etree._Element | None:
    """The element a provision found on all sides becomes: content and label each from the side that wins it
    (None: theirs as it is)."""
    changes = slot.changes
    content = slot.mine if changes.source(CONTENT, side) == MINE else slot.theirs
    label = slot.mine if changes.source(LABEL, side) == MINE else slot.theirs
    compare = _Comparison(strip_label)
    if compare.content(content) == compare.content(slot.theirs) and compare.label(label) == compare.label(slot.theirs):
        return None
    merged = deepcopy(content)
    if strip_label and compare.label(label) != compare.label(content):
        _relabel(merged, label)
    return merged


def _relabel(element: etree._Element, source: etree._Element) -> None:
    """Give an element the number and eIds of another version of it."""
    old_num, new_num = element.find(_NUM), source.find(_NUM)
    if new_num is not None:
        copy = deepcopy(new_num)
        if old_num is not None:
            copy.tail = old_num.tail
            element.replace(old_num, copy)
        else:
            copy.tail = element.text
            element.insert(0, copy)
    elif old_num is not None:
        _remove(old_num)
    old_eid, new_eid = element.get("eId"), source.get("eId")
    for name in _ID_ATTRIBUTES:
        if source.get(name):
            element.set(name, source.get(name))
        else:
            element.attrib.pop(name, None)
    if old_eid and new_eid and old_eid != new_eid:
        _rebase_ids(element, old_eid, new_eid)


def _place(element, mine_index: int, level: _Level, current: dict, placed: dict, result) -> None:
    """Insert after what precedes it in mine, else before what follows it, else at the end of the body."""

    def in_result(j: int) -> etree._Element | None:
        found = placed.get(j)
        if found is None and j in level.mine_to_theirs:
            found = current.get(level.mine_to_theirs[j])
        return found if found is not None and found.getparent() is not None else None

    for j in range(mine_index - 1, -1, -1):
        anchor = in_result(j)
        if anchor is not None:
            _insert_after(anchor, element)
            return
    for j in range(mine_index + 1, len(level.mine)):
        anchor = in_result(j)
        if anchor is not None:
            _insert_before(anchor, element)
            return
    parent = _body(result, "theirs") if level.name == "body" else document_element(result)
    _append(parent, element)


def _space_before(node: etree._Element) -> str | None:
    previous, parent = node.getprevious(), node.getparent()
    space = previous.tail if previous is not None else parent.text
    return space if space and not space.strip() else None


def _insert_after(anchor: etree._Element, element: etree._Element) -> None:
    parent = anchor.getparent()
    element.tail = anchor.tail
    if anchor.getnext() is None:  # the anchor's tail closed the parent; it now separates two siblings
        anchor.tail = _space_before(anchor) or anchor.tail
    parent.insert(parent.index(anchor) + 1, element)


def _insert_before(anchor: etree._Element, element: etree._Element) -> None:
    parent = anchor.getparent()
    element.tail = _space_before(anchor) or "\n"
    parent.insert(parent.index(anchor), element)


def _append(parent: etree._Element, element: etree._Element) -> None:
    if len(parent):
        _insert_after(parent[-1], element)
        return
    outer = _space_before(parent) if parent.getparent() is not None else None
    if outer is not None:
        parent.text, element.tail = outer + "  ", outer
    parent.append(element)


def _remove(element: etree._Element) -> None:
    """Remove an element; the whitespace after it takes the place of the whitespace before it."""
    parent, previous = element.getparent(), element.getprevious()
    if previous is not None:
        previous.tail = element.tail
    elif element.getnext() is None:
        parent.text = element.tail
    parent.remove(element)


def _carry_meta(result: etree._Element, mine: etree._Element, foreign: list[etree._Element]) -> None:
    """Copy from mine's <meta> the entries (notes, references) that merged-in text points to and theirs lacks; an
    entry whose eId theirs gives to something else comes under a new eId, and the pointers follow it."""
    if not foreign:
        return
    mine_meta, meta = document_element(mine).find(_META), document_element(result).find(_META)
    if mine_meta is None or meta is None:
        return
    by_eid = {node.get("eId"): node for node in result.iter(tag=etree.Element) if node.get("eId")}
    entries = {node.get("eId"): node for node in mine_meta.iter(tag=etree.Element)
               if node.get("eId") and node.getparent() is not None and node.getparent().getparent() is mine_meta}
    wanted, done = _pointers(foreign), set()
    while wanted:
        eid = wanted.pop()
        entry = entries.get(eid)
        if eid in done or entry is None or entry.getparent().tag not in _META_ORDER:
            continue
        done.add(eid)
        new_eid = eid
        existing = by_eid.get(eid)
        if existing is not None:
            if canonical(existing, strip_label=False) == canonical(entry, strip_label=False):
                continue
            new_eid = _free_eid(eid, {*by_eid, *entries})  # not one of mine's either: its pointers stay
            _repoint(foreign, eid, new_eid)
        container = _container(meta, entry.getparent())
        copy = deepcopy(entry)
        copy.set("eId", new_eid)
        _append(container, copy)
        by_eid.update((node.get("eId"), node) for node in copy.iter(tag=etree.Element) if node.get("eId"))
        wanted += _pointers([container, copy])


def _pointers(elements: list[etree._Element]) -> list[str]:
    """The eIds that elements point to (href, refersTo, source) within the document."""
    return [value[1:] for element in elements for node in element.iter(tag=etree.Element)
            for value in (node.get("href"), node.get("refersTo"), node.get("source"))
            if value and value.startswith("#")]


def _free_eid(eid: str, taken: set[str]) -> str:
    """The next eId like this one that nothing has: note_adopted_1 -> note_adopted_2."""
    match = re.fullmatch(r"(.*?)(\d+)", eid)
    stem, number = (match[1], int(match[2])) if match else (f"{eid}_", 1)
    while f"{stem}{number}" in taken:
        number += 1
    return f"{stem}{number}"


def _repoint(elements: list[etree._Element], old: str, new: str) -> None:
    for element in elements:
        for node in element.iter(tag=etree.Element):
            for name in ("href", "refersTo"):
                if node.get(name) == f"#{old}":
                    node.set(name, f"#{new}")


def _container(meta: etree._Element, like: etree._Element) -> etree._Element:
    """Find in <meta> the container (notes, references, ...) like mine's, with the same source, or add one."""
    for child in meta:
        if child.tag == like.tag and child.get("source") == like.get("source"):
            return child
    container = deepcopy(like)
    for child in list(container):
        container.remove(child)
    container.text = None
    rank = _META_ORDER.index(like.tag)
    before = [child for child in meta if child.tag in _META_ORDER and _META_ORDER.index(child.tag) <= rank]
    if before:
        _insert_after(before[-1], container)
    else:
        container.tail = meta.text
        meta.insert(0, container)
    return container


def _give_up_clashing_eids(result: etree._Element, foreign: list[etree._Element]) -> None:
    """Remove from merged-in provisions the eIds that the rest of theirs uses, so that theirs keeps its own."""
    inside = {id(node) for element in foreign for node in element.iter(tag=etree.Element)}
    outside = {node.get("eId") for node in result.iter(tag=etree.Element)
               if node.get("eId") and id(node) not in inside}
    for element in foreign:
        for node in element.iter(tag=etree.Element):
            if node.get("eId") in outside:
                del node.attrib["eId"]
                node.attrib.pop("wId", None)


__all__ = [
    "BOTH_SAME",
    "CONFLICT",
    "KINDS",
    "MINE",
    "MINE_ONLY",
    "THEIRS",
    "THEIRS_ONLY",
    "Merge",
    "MergeItem",
    "MergeSide",
    "apply_merge",
    "canonical",
    "merge",
    "merge_items",
]
