"""What a renderer says about a redline, independently of its markup: shared by the HTML and Word renderers.

The diffs to show for an entry's number, heading and own text (normalised: a wholly inserted or deleted provision
shows all its text inserted or deleted), its margin notes (move, renumbering, split, merge, possible move), its change
labels as a reader says them ("shall → may: weakened"), a changed defined term as one line, and the redline's counts.
"""

from __future__ import annotations

import re

from drafting.akn.provisions import cite

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
    Diff,
    Entry,
    Redline,
    count_statuses,
)

RENUMBERED = "renumbered"  # not a status: an entry of any status may also be renumbered

_OPS = (EQUAL, DELETE, INSERT)
_MODAL = re.compile(r"\b(shall not|must not|may not|shall|must|may|should|will|can)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
# Labels whose readable form is more than the label with its hyphens dropped.
_LABEL_WORDS = {
    "modal-weakened": "weakened",
    "modal-strengthened": "strengthened",
    "modal-changed": "changed",
}
_VALUE_LABELS = frozenset({"number-changed", "deadline-changed", "deadline-lengthened", "deadline-shortened"})


def text_ops(entry: Entry) -> Diff:
    """Return the word diff of an entry's own text, normalised for display."""
    return _normalised(entry.diff, entry.status)


def heading_ops(entry: Entry) -> Diff:
    """Return the diff of an entry's heading: its heading_diff, or old and new headings as one replacement."""
    if entry.heading_diff:
        return _normalised(entry.heading_diff, entry.status)
    return _normalised(_replacement(entry.old_heading, entry.new_heading), entry.status)


def number_ops(entry: Entry) -> Diff:
    """Return the diff of an entry's number: the old one deleted and the new one inserted when they differ."""
    return _normalised(_replacement(entry.old_num, entry.new_num), entry.status)


def renumbered(entry: Entry) -> bool:
    """Tell whether an entry's number changed (flagged by the aligner, or visible in the numbers themselves)."""
    return entry.renumbered or bool(entry.old_num and entry.new_num and entry.old_num != entry.new_num)


def entry_notes(entry: Entry, *, renumbering: bool = True) -> tuple[str, ...]:
    """Return the margin notes of an entry: its move, renumbering (unless told not to), split, merge, possible move."""
    notes = []
    if entry.status == MOVED:
        note = "Moved" if entry.old_position is None else f"Moved from position {entry.old_position}"
        notes.append(f"{note} (old {entry.old_num})" if entry.old_num else note)
    if renumbering and renumbered(entry):
        notes.append(f"Renumbered {entry.old_num} → {entry.new_num}")
    if entry.status == SPLIT:
        notes.append(f"Split into {', '.join(entry.new)}")
    if entry.status == MERGED:
        notes.append(f"Merged from {', '.join(entry.old)}")
    if entry.possible_move:
        notes.append("Possibly moved")
    return tuple(notes)


def label_text(label: str, entry: Entry) -> str:
    """Return a change label as a reader says it, with the words that changed when the diff shows them.

    "modal-weakened" with "shall" deleted and "may" inserted reads "shall → may: weakened"; "deadline-changed"
    with "30" deleted and "60" inserted reads "30 → 60: deadline changed"; any other label loses its hyphens.
    """
    words = label.replace("-", " ").replace("_", " ").strip() or label
    if label.startswith("modal-"):
        pattern, verdict = _MODAL, _LABEL_WORDS.get(label, words)
    elif label in _VALUE_LABELS:
        pattern, verdict = _NUMBER, words
    else:
        return words
    removed = pattern.search(" ".join(text for op, text in entry.diff if op == DELETE))
    added = pattern.search(" ".join(text for op, text in entry.diff if op == INSERT))
    if removed and added:
        return f"{removed.group(0)} → {added.group(0)}: {verdict}"
    return words


def quoted_note(amending: tuple[str, ...]) -> str:
    """Say what a provision opening a quoted structure is, given the printed numbers of the amending provision
    ("SECTION 1.",): "quoted text inserted by 1"."""
    citation = cite(tuple(num for num in amending if num))
    return f"quoted text inserted by {citation}" if citation else "quoted text"


def entry_path(entry: Entry, parent: tuple[str, ...]) -> tuple[str, ...]:
    """Return an entry's printed numbers from the top as a citation reads them (a quoted provision's restart)."""
    num = entry.new_num or entry.old_num
    base = () if entry.quoted else parent
    return (*base, num) if num else base


def describe_defined_term(item: dict) -> str:
    """Return one changed defined term as a line: "agency: definition changed (sec_2); used in sec_3, sec_5".

    Keys the aligner writes (term, change, old, new, used_in) read as prose; any other key is listed as it is.
    """
    parts = [f"definition {item['change']}" if item.get("change") else "definition changed"]
    where = item.get("new") or item.get("old")
    if where:
        parts[0] += f" ({where})"
    if item.get("used_in"):
        parts.append(f"used in {_listed(item['used_in'])}")
    for key, value in item.items():
        if key not in ("term", "change", "old", "new", "used_in") and value not in (None, "", [], ()):
            parts.append(f"{str(key).replace('_', ' ')}: {_listed(value)}")
    return f"{item.get('term', '(term)')}: {'; '.join(parts)}"


def stat_items(redline: Redline) -> tuple[tuple[str, str], ...]:
    """Return the redline's counts as (count, what) pairs, in order: ("3", "changed"); a group of counts names its
    group, ("6", "changed (top level)"); a flag reads ("", "same work: no"). Without stats, count the statuses."""
    items: list[tuple[str, str]] = []
    for key, value in (redline.stats or count_statuses(redline.alignment)).items():
        what = str(key).replace("_", " ")
        members = value.items() if isinstance(value, dict) else ((None, value),)
        for member, count in members:
            label = what if member is None else f"{str(member).replace('_', ' ')} ({what})"
            if isinstance(count, bool):
                items.append(("", f"{label}: {'yes' if count else 'no'}"))
            else:
                items.append((str(count), label))
    return tuple(items)


def summary_items(redline: Redline) -> tuple[tuple[str, str], ...]:
    """Return the counts a reader looks for first, at every level: changed, moved, inserted, deleted, renumbered,
    then split and merged when there are any."""
    counts = count_statuses(redline.alignment)
    items = [(str(counts[what]), what) for what in (CHANGED, MOVED, INSERTED, DELETED, RENUMBERED)]
    items.extend((str(counts[what]), what) for what in (SPLIT, MERGED) if counts[what])
    return tuple(items)


def _listed(value) -> str:
    return ", ".join(str(part) for part in value) if isinstance(value, list | tuple) else str(value)


def _replacement(old: str | None, new: str | None) -> Diff:
    old, new = old or "", new or ""
    if old == new:
        return ((EQUAL, new),)
    return ((DELETE, old), (INSERT, new))


def _normalised(ops: Diff, status: str) -> Diff:
    """Check the operations, show text kept in a wholly inserted or deleted provision as inserted or deleted,
    drop empty fragments and join neighbours with the same operation."""
    whole = INSERT if status == INSERTED else DELETE if status == DELETED else None
    result: list[tuple[str, str]] = []
    for op, text in ops:
        if op not in _OPS:
            raise ValueError(f"expected a diff operation '=', '-' or '+', found {op!r}")
        if op == EQUAL and whole:
            op = whole
        if not text:
            continue
        if result and result[-1][0] == op:
            result[-1] = (op, result[-1][1] + text)
        else:
            result.append((op, text))
    return tuple(result)
