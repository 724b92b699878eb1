"""The redline as AKN: the new document with the changes marked in AKN's own vocabulary. It validates strictly.

Convention (documented in the README):
- changed words: AKN inline `<ins>` / `<del>` inside the paragraph, heading or number that changed, as the redline's
  paragraph and heading diffs say (nothing is diffed here); paragraphs that did not change keep their markup;
- a whole provision inserted: `class="redline-inserted"`, its number, heading and paragraphs wrapped in `<ins>`;
- a whole provision deleted: a copy of the old provision at its old place, `status="removed"`,
  `class="redline-deleted"`, its text wrapped in `<del>`, its eIds prefixed `deleted__` (eIds stay unique);
- moved, split and merged provisions: `class="redline-moved"` / `redline-split` / `redline-merged`;
- renumbering: `<num><del>3.</del><ins>4.</ins></num>`;
- an amending bill's quoted structures (the text it inserts into another law) stay where they are, with their
  attributes: the words of the instruction around them are marked in the text nodes that hold them (a `<mod>`, a
  `<quotedText>` keep their place), and the quoted provisions, the entries of their own, are marked as any other
  provision; a deleted quoted provision goes back into its quoted structure;
- the change list: `<meta><analysis><passiveModifications>` with one `textualMod` per change (substitution,
  insertion, repeal, renumbering — also used for moves —, split, join), `source` the old provision in the old
  expression, `destination` the new one.
"""

from __future__ import annotations

import copy

from lxml import etree

from drafting.akn.eids import PROVISION_TAGS
from drafting.akn.namespaces import E, akn, xpath

from .model import (
    CHANGED,
    DELETE,
    DELETED,
    EQUAL,
    INSERT,
    INSERTED,
    MERGED,
    MOVED,
    SPLIT,
    UNCHANGED,
    Diff,
    Entry,
    Redline,
)
from .paragraphs import index_by_eid, own_paragraphs
from .words import has_change, normalise, plain

_MOD_TYPES = {CHANGED: "substitution", INSERTED: "insertion", DELETED: "repeal", MOVED: "renumbering",
              SPLIT: "split", MERGED: "join"}
_LEADING_PARTS = frozenset(akn(name) for name in ("num", "heading", "subheading", "intro"))
_META_AFTER_ANALYSIS = ("temporalData", "references", "notes", "proprietary", "presentation")
_P, _NUM, _HEADING = akn("p"), akn("num"), akn("heading")
_MOD, _QUOTED_STRUCTURE = akn("mod"), akn("quotedStructure")
_AMENDMENT_TAGS = frozenset(akn(name) for name in ("mod", "mmod", "rmod", "quotedStructure", "quotedText"))


def _fill_with_diff(element: etree._Element, diff) -> None:
    """Replace an inline container's content with the diff: <del> and <ins> around changed words."""
    for child in list(element):
        element.remove(child)
    element.text = None
    last = None
    for op, text in diff:
        if op in (DELETE, INSERT):
            node = E("del" if op == DELETE else "ins", text)
            element.append(node)
            last = node
        elif last is None:
            element.text = (element.text or "") + text
        else:
            last.tail = (last.tail or "") + text


def _owner(node: etree._Element) -> etree._Element | None:
    """Return the nearest provision above a node."""
    return next((a for a in node.iterancestors() if a.tag in PROVISION_TAGS), None)


def _quotes(node: etree._Element) -> bool:
    return next(node.iter(_QUOTED_STRUCTURE), None) is not None


def _wrap_all(element: etree._Element, tag: str, *, own_only: bool = False) -> None:
    """Wrap all the text of every paragraph, number and heading of an element in <ins> or <del> (with own_only,
    only the element's own: its child provisions, quoted ones included, are entries marked on their own).

    A paragraph holding a quoted structure has each run of its own words wrapped where it stands, so that the
    structure stays in its <mod> and no <ins> or <del> encloses another provision's text."""
    for node in list(element.iter(_P, _NUM, _HEADING)):
        if own_only and _owner(node) is not element:
            continue
        if node.tag == _P and _quotes(node):
            for owner, tail, text in _slots([node]):
                if text.strip():
                    _set_slot(owner, tail, ((INSERT if tag == "ins" else DELETE, text),))
            continue
        wrapper = E(tag)
        wrapper.text, node.text = node.text, None
        for child in list(node):
            wrapper.append(child)
        node.append(wrapper)


def _mark_paragraphs(element: etree._Element, entry: Entry) -> None:
    """Show the diff of each changed paragraph of an entry in its place (a whole block's in its first paragraph)."""
    paragraphs: dict[str, list[etree._Element]] = {}
    for change in entry.paragraph_diffs:
        if change.block not in paragraphs:
            block = element.find(akn(change.block))
            paragraphs[change.block] = own_paragraphs(block) if block is not None else []
        found = paragraphs[change.block]
        if change.index >= len(found):
            continue
        targets = found if change.whole_block else [found[change.index]]
        if any(node.tag in _AMENDMENT_TAGS for target in targets for node in target.iter()):
            # an amending instruction: its mod, quoted text and quoted structures keep their places
            _fill_slots(targets, change.diff)
            continue
        if change.whole_block:
            for extra in found[1:]:
                extra.getparent().remove(extra)
        _fill_with_diff(found[change.index], change.diff)


# --- the words of an amending instruction, marked where they stand ------------------------------------------------

# A slot is a place that holds words: an element's text (tail False) or the text after it (tail True).
Slot = tuple[etree._Element, bool, str]


def _slots(paragraphs: list[etree._Element]) -> list[Slot]:
    """Return the slots of paragraphs in document order, outside quoted structures (whose provisions are entries
    of their own) and outside comments and processing instructions."""
    found: list[Slot] = []
    for paragraph in paragraphs:
        stack: list[tuple[etree._Element, bool]] = [(paragraph, False)]
        while stack:
            node, tail = stack.pop()
            if tail:
                found.append((node, True, node.tail or ""))
                continue
            found.append((node, False, node.text or ""))
            for child in reversed(node):
                stack.append((child, True))
                if isinstance(child.tag, str) and child.tag != _QUOTED_STRUCTURE:
                    stack.append((child, False))
    return found


def _normalised_owners(slots: list[Slot], starts: set[int]) -> tuple[str, list[int]]:
    """Normalise the slots' words as the word diff does (normalise) and say which slot holds each character;
    `starts` are the slots that open a paragraph (paragraphs are apart, as block_text keeps them)."""
    chars: list[str] = []
    owners: list[int] = []
    space: int | None = None  # the slot of the first whitespace of a run, once a word went before it
    for index, (_, _, text) in enumerate(slots):
        if index in starts and owners and space is None:
            space = owners[-1]
        for char in text:
            made = plain(char)
            if made.isspace():
                if owners and space is None:
                    space = index
                continue
            if space is not None:
                chars.append(" ")
                owners.append(space)
                space = None
            chars.extend(made)
            owners.extend([index] * len(made))
    return "".join(chars), owners


def _fill_slots(paragraphs: list[etree._Element], diff: Diff) -> bool:
    """Write a diff into the slots of paragraphs, each piece into the slot that holds its words (a deletion next
    to the insertion that replaces it, else after the words before it); keep every element. Leave the paragraphs
    as they are and return False when the diff is not of their words."""
    slots = _slots(paragraphs)
    starts = {index for index, slot in enumerate(slots) if slot[0] in paragraphs and not slot[1]}
    words, owners = _normalised_owners(slots, starts)
    if "".join(text for op, text in diff if op != DELETE) != words or words != normalise(words):
        return False
    pieces: list[list[tuple[str, str]]] = [[] for _ in slots]
    cursor = 0
    for position, (op, text) in enumerate(diff):
        if op == DELETE:
            following = diff[position + 1][0] if position + 1 < len(diff) else None
            if following == INSERT or cursor == 0:
                slot = owners[cursor] if cursor < len(owners) else 0
            else:
                slot = owners[cursor - 1]
            pieces[slot].append((DELETE, text))
            continue
        start = cursor
        for offset in range(cursor, cursor + len(text) + 1):
            if offset == cursor + len(text) or owners[offset] != owners[start]:
                pieces[owners[start]].append((op, words[start:offset]))
                start = offset
        cursor += len(text)
    for (owner, tail, _), written in zip(slots, pieces, strict=True):
        _set_slot(owner, tail, written)
    return True


def _set_slot(owner: etree._Element, tail: bool, pieces) -> None:
    """Replace the words of a slot: equal words as text, deleted and inserted ones in <del> and <ins>."""
    lead, made = "", []
    for op, text in pieces:
        if op == EQUAL:
            if made:
                made[-1].tail = (made[-1].tail or "") + text
            else:
                lead += text
        else:
            made.append(E("del" if op == DELETE else "ins", text))
    if tail:
        owner.tail = lead or None
        anchor = owner
        for node in made:
            anchor.addnext(node)
            anchor = node
    else:
        owner.text = lead or None
        for index, node in enumerate(made):
            owner.insert(index, node)


def _mark_label(new: etree._Element, name: str, diff) -> None:
    node = new.find(akn(name))
    if node is not None and has_change(diff):
        _fill_with_diff(node, diff)


def _add_class(element: etree._Element, value: str) -> None:
    classes = (element.get("class") or "").split()
    if value not in classes:
        element.set("class", " ".join([*classes, value]))


class _Marker:
    def __init__(self, redline: Redline, new_root: etree._Element, old_root: etree._Element | None):
        self.redline = redline
        self.root = copy.deepcopy(new_root)
        self.new = index_by_eid(self.root)
        self.old = index_by_eid(old_root)
        self.mods: list[etree._Element] = []
        self.holders: dict[int, etree._Element] = {}  # quoted structures made for deleted quoted provisions

    def mark(self, entries: tuple[Entry, ...], parent: etree._Element | None) -> None:
        previous: etree._Element | None = None
        for entry in entries:
            if entry.status == DELETED:
                previous = self._deleted(entry, parent, previous)
                continue
            element = self.new.get(entry.new[0]) if entry.new else None
            if element is None:
                continue
            self._changed(entry, element)
            self.mark(entry.children, element)
            previous = self.new.get(entry.new[-1], element)

    def _changed(self, entry: Entry, element: etree._Element) -> None:
        if entry.status == INSERTED:
            _add_class(element, "redline-inserted")
            _wrap_all(element, "ins", own_only=True)  # its children are entries, marked as the walk reaches them
            self._mod(entry, "insertion")
            return
        if entry.renumbered and entry.old_num and entry.new_num:
            _mark_label(element, "num", ((DELETE, entry.old_num), (INSERT, entry.new_num)))
        if entry.status in (SPLIT, MERGED, MOVED):
            _add_class(element, f"redline-{entry.status}")
            for eid in entry.new[1:]:
                if eid in self.new:
                    _add_class(self.new[eid], f"redline-{entry.status}")
        if entry.status != UNCHANGED and len(entry.old) == 1 and len(entry.new) == 1:
            _mark_label(element, "heading", entry.heading_diff)
            _mark_paragraphs(element, entry)
        if entry.status in _MOD_TYPES and (entry.status != CHANGED or _own_change(entry)):
            self._mod(entry, _MOD_TYPES[entry.status])
        elif entry.renumbered:
            self._mod(entry, "renumbering")

    def _deleted(self, entry: Entry, parent: etree._Element | None, previous: etree._Element | None):
        old = self.old.get(entry.old[0])
        if old is None:
            return previous
        removed = copy.deepcopy(old)
        for node in removed.iter(tag=etree.Element):
            if node.get("eId"):
                node.set("eId", f"deleted__{node.get('eId')}")
        removed.set("status", "removed")
        _add_class(removed, "redline-deleted")
        _wrap_all(removed, "del")
        old_holder = old.getparent()
        holder = None
        if old_holder is not None and old_holder.tag == _QUOTED_STRUCTURE and parent is not None:
            holder = self._quoted_holder(old_holder, parent)
        if holder is not None:
            # a quoted provision goes back into its quoted structure: after the sibling before it, or first
            if previous is not None and previous.getparent() is holder:
                previous.addnext(removed)
            else:
                labels = [child for child in holder if child.tag in _LEADING_PARTS]
                holder.insert(holder.index(labels[-1]) + 1 if labels else 0, removed)
        elif previous is not None and previous.getparent().tag != _QUOTED_STRUCTURE:
            previous.addnext(removed)
        else:
            # first among its siblings: after the parent's number, heading and intro (or first in the body)
            container = parent if parent is not None else xpath(self.root, "//akn:body")[0]
            labels = [child for child in container if child.tag in _LEADING_PARTS]
            if labels:
                labels[-1].addnext(removed)
            else:
                container.insert(0, removed)
        self._mod(entry, "repeal")
        return removed

    def _quoted_holder(self, old_holder: etree._Element, parent: etree._Element) -> etree._Element | None:
        """Return the quoted structure of `parent` in the new document that stands for an old one: the same eId,
        else the one at the same place among the parent's own (when it has as many as the old parent), else a copy
        of the old one (its eId prefixed `deleted__`, emptied) added to the parent's instruction; None when the
        parent has no paragraph for it."""
        made = self.holders.get(id(old_holder))
        if made is not None:
            return made
        mine = [node for node in parent.iter(_QUOTED_STRUCTURE) if _owner(node) is parent]
        same = self.new.get(old_holder.get("eId") or "")
        if same is not None and same.tag == _QUOTED_STRUCTURE and same in mine:
            return same
        old_parent = _owner(old_holder)
        theirs = [node for node in old_parent.iter(_QUOTED_STRUCTURE) if _owner(node) is old_parent] \
            if old_parent is not None else [old_holder]
        if mine and len(mine) == len(theirs):
            return mine[theirs.index(old_holder)]
        shell = etree.Element(old_holder.tag, dict(old_holder.attrib))
        if shell.get("eId"):
            shell.set("eId", f"deleted__{shell.get('eId')}")
        _add_class(shell, "redline-deleted")
        modification = next((node for node in parent.iter(_MOD) if _owner(node) is parent), None)
        if modification is None:
            paragraphs = [node for name in ("content", "intro", "wrapUp") for block in parent.findall(akn(name))
                          for node in own_paragraphs(block)]
            if not paragraphs:
                return None
            old_mod = old_holder.getparent()
            eid = old_mod.get("eId") if old_mod is not None and old_mod.tag == _MOD else None
            modification = E.mod(eId=f"deleted__{eid}") if eid else E.mod()
            _add_class(modification, "redline-deleted")
            paragraphs[-1].append(modification)
        modification.append(shell)
        self.holders[id(old_holder)] = shell
        return shell

    def _mod(self, entry: Entry, kind: str) -> None:
        old_expression = self.redline.old.expression_uri or self.redline.old.frbr_uri or ""
        sources = [E.source(href=f"{old_expression}#{eid}") for eid in entry.old] or [E.source(href=old_expression)]
        destinations = [E.destination(href=f"#{eid}") for eid in entry.new] or [
            E.destination(href=f"#deleted__{entry.old[0]}")]
        self.mods.append(E.textualMod(*sources, *destinations, type=kind, eId=f"redline_mod_{len(self.mods) + 1}"))

    def finish(self) -> etree._Element:
        if self.mods:
            meta = xpath(self.root, "/akn:akomaNtoso/*/akn:meta")[0]
            analysis = E.analysis(E.passiveModifications(*self.mods), source="#drafting")
            anchor = next((child for child in meta if etree.QName(child).localname in _META_AFTER_ANALYSIS), None)
            if anchor is not None:
                anchor.addprevious(analysis)
            else:
                meta.append(analysis)
        return self.root


def _own_change(entry: Entry) -> bool:
    return has_change(entry.diff) or has_change(entry.heading_diff)


def render_akn_tree(redline: Redline, new_root: etree._Element, old_root: etree._Element | None = None):
    """Return the new document with the redline's changes marked (a copy; the input is not changed)."""
    marker = _Marker(redline, new_root, old_root)
    marker.mark(redline.alignment, None)
    return marker.finish()


def render_akn(redline: Redline, new_root: etree._Element, old_root: etree._Element | None = None) -> bytes:
    """Serialise the marked-up new document."""
    from drafting.akn import serialize

    return serialize(render_akn_tree(redline, new_root, old_root))
