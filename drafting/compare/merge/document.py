"""Building the merged document: theirs, with the choice of each item applied.

The result starts as a copy of theirs; the choice of each item replaces, inserts or removes its provision. An
inserted provision goes after the one that precedes it in mine (where that one is in the result), else before the
one that follows it, else at the end of the body. The <meta> entries that merged-in text refers to (an adoption note,
an ontology reference) come along from mine; an eId that clashes with the rest of theirs is given up by the merged-in
provision, and eIds are then made unique. Whatever no choice touched stays byte for byte as in theirs.
"""

from __future__ import annotations

import re
from copy import deepcopy

from lxml import etree

from drafting.akn.eids import repair_eids
from drafting.akn.frbr import document_element
from drafting.akn.namespaces import akn

from .items import MINE
from .plan import CONTENT, LABEL, POSITION, Level, Plan, Slot
from .units import ID_ATTRIBUTES, META, NUM, Comparison, body_of, canonical, parts_of, rebase_ids, top_provisions

# <meta> children in the order the schema requires
_META_ORDER = tuple(akn(name) for name in (
    "identification", "publication", "classification", "lifecycle", "workflow", "analysis", "temporalData",
    "references", "notes", "proprietary", "presentation",
))


def build_merged(plan: Plan, chosen: dict[str, str]) -> etree._Element:
    """Apply the chosen sides to a copy of theirs."""
    result = deepcopy(plan.theirs)
    foreign: list[etree._Element] = []  # what came in from mine (or was rebuilt), for eIds and <meta> entries
    copies = {"document": parts_of(result), "body": top_provisions(body_of(result, "theirs"))}
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


def _merged(slot: Slot, side: str, *, strip_label: bool) -> etree._Element | None:
    """The element a provision found on all sides becomes: content and label each from the side that wins it
    (None: theirs as it is)."""
    changes = slot.changes
    content = slot.mine if changes.source(CONTENT, side) == MINE else slot.theirs
    label = slot.mine if changes.source(LABEL, side) == MINE else slot.theirs
    compare = Comparison(strip_label)
    if compare.content(content) == compare.content(slot.theirs) and compare.label(label) == compare.label(slot.theirs):
        return None
    merged = deepcopy(content)
    if strip_label and compare.label(label) != compare.label(content):
        _relabel(merged, label)
    return merged


def _relabel(element: etree._Element, source: etree._Element) -> None:
    """Give an element the number and eIds of another version of it."""
    old_num, new_num = element.find(NUM), source.find(NUM)
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
    for name in ID_ATTRIBUTES:
        if source.get(name):
            element.set(name, source.get(name))
        else:
            element.attrib.pop(name, None)
    if old_eid and new_eid and old_eid != new_eid:
        rebase_ids(element, old_eid, new_eid)


def _place(element, mine_index: int, level: Level, current: dict, placed: dict, result) -> None:
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
    parent = body_of(result, "theirs") if level.name == "body" else document_element(result)
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
    mine_meta, meta = document_element(mine).find(META), document_element(result).find(META)
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
