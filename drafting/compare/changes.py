"""Change labels a drafter cares about, read off a word diff: modality, exceptions, numbers and deadlines, terms."""

from __future__ import annotations

import re

from lxml import etree

from drafting.akn.provisions import definitions
from drafting.norms.vocabulary import DEADLINE, EXCEPTION, NUMBER, REDLINE_MODALS

from .model import DELETE, EQUAL, INSERT, Entry, walk


def _strength(text: str) -> dict[str, int]:
    """Weigh the modal phrases of a text: prohibitions and duties bind (2), permissions and exhortations do not (1)."""
    lowered = text.lower()
    found: dict[str, int] = {}
    for pattern, kind, strength in REDLINE_MODALS:
        if pattern.search(lowered):
            found[kind] = max(found.get(kind, 0), strength)
            lowered = pattern.sub(" ", lowered)
    return found


def _hunks(diff: tuple[tuple[str, str], ...]):
    """Yield (deleted, inserted, context) for each run of changes, with a few words of context around it."""
    index = 0
    while index < len(diff):
        if diff[index][0] == EQUAL:
            index += 1
            continue
        before = diff[index - 1][1].split()[-4:] if index else []
        deleted, inserted = [], []
        while index < len(diff) and diff[index][0] != EQUAL:
            (deleted if diff[index][0] == DELETE else inserted).append(diff[index][1])
            index += 1
        after = diff[index][1].split()[:4] if index < len(diff) else []
        yield " ".join(deleted), " ".join(inserted), " ".join(before), " ".join(after)


def label_changes(diff: tuple[tuple[str, str], ...], heading_diff: tuple[tuple[str, str], ...] = ()) -> tuple[str, ...]:
    """Name the kinds of change in a diff: modal-weakened/-strengthened, exception-added/-removed, number- and
    deadline-changed."""
    labels: list[str] = []

    def add(label: str) -> None:
        if label not in labels:
            labels.append(label)

    for deleted, inserted, before, after in _hunks(diff):
        old_phrase = f"{before} {deleted} {after}"
        new_phrase = f"{before} {inserted} {after}"
        old_modal, new_modal = _strength(old_phrase), _strength(new_phrase)
        for kind in set(old_modal) | set(new_modal):
            was, now = old_modal.get(kind, 0), new_modal.get(kind, 0)
            if was and now and now < was:
                add("modal-weakened")
            elif was and now and now > was:
                add("modal-strengthened")
            elif was == 2 and not now and kind in _strength(deleted):
                add("modal-weakened")
        if EXCEPTION.search(inserted) and not EXCEPTION.search(deleted):
            add("exception-added")
        if EXCEPTION.search(deleted) and not EXCEPTION.search(inserted):
            add("exception-removed")
        if NUMBER.search(deleted) or NUMBER.search(inserted):
            context = f"{before} {deleted} {inserted} {after}"
            add("deadline-changed" if DEADLINE.search(context) else "number-changed")
    if any(op != EQUAL for op, _ in heading_diff):
        add("heading-changed")
    return tuple(labels)


def _definitions(root: etree._Element) -> dict[str, tuple[str | None, str]]:
    """Map each defined term to the eId of the provision that defines it and its definition text."""
    return {item.term: (item.eId, item.paragraph) for item in definitions(root)}


def defined_term_changes(old_root: etree._Element, new_root: etree._Element,
                         entries: tuple[Entry, ...]) -> tuple[dict, ...]:
    """List the defined terms whose definition changed, was added or removed, with the provisions using them."""
    old_terms, new_terms = _definitions(old_root), _definitions(new_root)
    changes = []
    for term in sorted(set(old_terms) | set(new_terms)):
        old_def, new_def = old_terms.get(term), new_terms.get(term)
        if old_def and new_def and old_def[1] == new_def[1]:
            continue
        change = "changed" if old_def and new_def else ("added" if new_def else "removed")
        pattern = re.compile(rf"\b{re.escape(term)}\b", re.IGNORECASE)
        used_in = [entry.new[0] for entry in walk(entries) if entry.new and entry.status != "deleted"
                   and any(pattern.search(text) for op, text in entry.diff if op != DELETE)
                   and entry.new[0] != (new_def[0] if new_def else None)]
        changes.append({
            "term": term, "change": change,
            "old": old_def[0] if old_def else None, "new": new_def[0] if new_def else None,
            "used_in": used_in,
        })
    return tuple(changes)


__all__ = ["INSERT", "defined_term_changes", "label_changes"]
