"""The redline as AKN: the new document with the changes marked in AKN's own vocabulary. It validates strictly.

Convention (documented in the README):
- changed words: AKN inline `<ins>` / `<del>` inside the paragraph, heading or number that changed, as the redline's
  paragraph and heading diffs say (nothing is diffed here); paragraphs that did not change keep their markup;
- a whole provision inserted: `class="redline-inserted"`, its number, heading and paragraphs wrapped in `<ins>`;
- a whole provision deleted: a copy of the old provision at its old place, `status="removed"`,
  `class="redline-deleted"`, its text wrapped in `<del>`, its eIds prefixed `deleted__` (eIds stay unique);
- moved, split and merged provisions: `class="redline-moved"` / `redline-split` / `redline-merged`;
- renumbering: `<num><del>3.</del><ins>4.</ins></num>`;
- the change list: `<meta><analysis><passiveModifications>` with one `textualMod` per change (substitution,
  insertion, repeal, renumbering — also used for moves —, split, join), `source` the old provision in the old
  expression, `destination` the new one.
"""

from __future__ import annotations

import copy

from lxml import etree

from drafting.akn.namespaces import E, akn, xpath

from .model import CHANGED, DELETE, DELETED, INSERT, INSERTED, MERGED, MOVED, SPLIT, UNCHANGED, Entry, Redline
from .paragraphs import index_by_eid
from .words import has_change

_MOD_TYPES = {CHANGED: "substitution", INSERTED: "insertion", DELETED: "repeal", MOVED: "renumbering",
              SPLIT: "split", MERGED: "join"}
_LEADING_PARTS = frozenset(akn(name) for name in ("num", "heading", "subheading", "intro"))
_META_AFTER_ANALYSIS = ("temporalData", "references", "notes", "proprietary", "presentation")


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


def _wrap_all(element: etree._Element, tag: str) -> None:
    """Wrap all the text of every paragraph, number and heading of an element in <ins> or <del>."""
    for node in list(element.iter(akn("p"), akn("num"), akn("heading"))):
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
            paragraphs[change.block] = list(block.iter(akn("p"))) if block is not None else []
        found = paragraphs[change.block]
        if change.index >= len(found):
            continue
        if change.whole_block:
            for extra in found[1:]:
                extra.getparent().remove(extra)
        _fill_with_diff(found[change.index], change.diff)


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
            _wrap_all(element, "ins")
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
        if previous is not None:
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
