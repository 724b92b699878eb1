"""Build a redline: align two documents level by level, diff each aligned pair, label what a drafter cares about.

Each entry carries everything a renderer shows: the word diff of its own text and heading and, for a changed or
moved 1:1 pair, the diff of each changed paragraph (`paragraphs`), so that no renderer diffs anything again.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from lxml import etree

from drafting.akn import content_hash, extract_provisions, read_identification, serialize
from drafting.akn.provisions import Provision, definitions
from drafting.norms.changes import norm_changes, touches_norms
from drafting.norms.reach import defined_meanings

from .align import Aligner, Match, Node
from .changes import defined_term_changes, label_changes
from .model import (
    CHANGED,
    DELETED,
    EQUAL,
    INSERTED,
    MERGED,
    MOVED,
    SPLIT,
    UNCHANGED,
    Diff,
    DocumentSummary,
    Entry,
    ParagraphDiff,
    Redline,
    count_statuses,
)
from .paragraphs import index_by_eid, paragraph_diffs
from .words import has_change, plain, word_diff


def to_node(provision: Provision, quoted: set[str] | None = None) -> Node:
    """Turn an extracted provision (and its subtree) into an aligner node; add to `quoted` the eIds of the
    provisions that open a quoted structure (an amending bill's inserted text)."""
    if quoted is not None and provision.quoted and provision.eId:
        quoted.add(provision.eId)
    children = [to_node(child, quoted) for child in provision.children]
    # heading and text are already whitespace-folded; only quotes and dashes need making plain
    full = " ".join(part for part in (plain(provision.heading or ""), plain(provision.text),
                                      *(child.full for child in children)) if part)
    return Node(provision.eId, provision.element, provision.num, provision.heading, provision.text, children, full)


def summary(root: etree._Element, *, document_id: int | None = None, version: int | None = None,
            xml: bytes | None = None) -> DocumentSummary:
    """Describe a document for the redline header."""
    ident = read_identification(root)
    return DocumentSummary(
        frbr_uri=ident.work_uri,
        expression_uri=ident.expression_uri,
        title=ident.title,
        doc_type=ident.doc_type,
        content_hash=content_hash(xml if xml is not None else serialize(root)),
        document_id=document_id,
        version=version,
    )


def _same_num(a: str | None, b: str | None) -> bool:
    return (a or "").strip().rstrip(".").lower() == (b or "").strip().rstrip(".").lower()


class _Builder:
    """Turn the matches of the aligner into entries, level by level, with both documents' provisions at hand by eId
    (looked up only for the pairs whose paragraphs a renderer marks: changed or moved 1:1 pairs)."""

    def __init__(self, old_root: etree._Element, new_root: etree._Element, *, same_work: bool,
                 old_quoted: frozenset[str] = frozenset(), new_quoted: frozenset[str] = frozenset()):
        self.old_root, self.new_root = old_root, new_root
        self.same_work = same_work
        self.old_quoted, self.new_quoted = old_quoted, new_quoted

    @functools.cached_property
    def old_terms(self) -> dict[str, str]:
        return defined_meanings(definitions(self.old_root))

    @functools.cached_property
    def new_terms(self) -> dict[str, str]:
        return defined_meanings(definitions(self.new_root))

    def _labels(self, diff: Diff, heading_diff: Diff, old_text: str, new_text: str) -> tuple[str, ...]:
        """The change labels of a pair: what the word diff shows, then what the edit did to its norms."""
        labels = label_changes(diff, heading_diff)
        if not touches_norms(" ".join(words for op, words in diff if op != EQUAL)):
            return labels  # the edit changed no word a norm is made of: its norms are as they were
        return (*labels, *(label for label in norm_changes(old_text, new_text, self.old_terms, self.new_terms)
                          if label not in labels))

    @functools.cached_property
    def old_elements(self) -> dict[str, etree._Element]:
        return index_by_eid(self.old_root)

    @functools.cached_property
    def new_elements(self) -> dict[str, etree._Element]:
        return index_by_eid(self.new_root)

    def entries(self, old: list[Node], new: list[Node]) -> tuple[Entry, ...]:
        """Align two sibling lists and turn each match into an entry, in the order of the new document."""
        if not old and not new:
            return ()
        matches = Aligner(old, new, same_work=self.same_work).matches_in_document_order()
        return tuple(self._entry(match, old, new) for match in matches)

    def _entry(self, match: Match, old: list[Node], new: list[Node]) -> Entry:
        olds = [old[i] for i in match.old]
        news = [new[j] for j in match.new]
        first = (news or olds)[0]
        old_num = olds[0].num if olds else None
        new_num = news[0].num if news else None
        quoted = first.eid in (self.new_quoted if news else self.old_quoted)
        if match.kind == "deleted":
            return Entry(DELETED, tuple(n.eid for n in olds), (), first.element, old_num, None, olds[0].heading, None,
                         match.score, diff=word_diff(olds[0].text, ""), heading_diff=word_diff(olds[0].heading, ""),
                         children=_one_sided(olds[0].children, DELETED, self.old_quoted),
                         old_position=match.old[0] + 1, possible_move=match.possible_move, quoted=quoted)
        if match.kind == "inserted":
            return Entry(INSERTED, (), tuple(n.eid for n in news), first.element, None, new_num, None,
                         news[0].heading, match.score, diff=word_diff("", news[0].text),
                         heading_diff=word_diff("", news[0].heading),
                         children=_one_sided(news[0].children, INSERTED, self.new_quoted),
                         new_position=match.new[0] + 1, possible_move=match.possible_move, quoted=quoted)
        if match.kind in ("split", "merged"):
            old_text = " ".join(n.full for n in olds)
            new_text = " ".join(n.full for n in news)
            diff = word_diff(old_text, new_text)
            return Entry(SPLIT if match.kind == "split" else MERGED, tuple(n.eid for n in olds),
                         tuple(n.eid for n in news), first.element, old_num, new_num, olds[0].heading,
                         news[0].heading, match.score, labels=self._labels(diff, (), old_text, new_text), diff=diff,
                         old_position=match.old[0] + 1, new_position=match.new[0] + 1, quoted=quoted)
        a, b = olds[0], news[0]
        if match.kind == "exact":
            # the same words may still stand in other paragraphs: a moved provision's are marked where they differ
            return _identical(a, b, match.old[0] + 1, match.new[0] + 1, self.new_quoted, moved=match.moved,
                              paragraph_diffs=self._paragraph_diffs(a, b) if match.moved else ())
        diff = word_diff(a.text, b.text)
        heading_diff = word_diff(a.heading, b.heading)
        children = self.entries(a.children, b.children)
        own_change = has_change(diff) or has_change(heading_diff)
        below = any(child.changed for child in children)
        status = MOVED if match.moved else (CHANGED if own_change or below else UNCHANGED)
        return Entry(status, (a.eid,), (b.eid,), b.element, a.num, b.num, a.heading, b.heading, match.score,
                     labels=self._labels(diff, heading_diff, a.text, b.text) if own_change else (), diff=diff,
                     heading_diff=heading_diff, children=children, old_position=match.old[0] + 1,
                     new_position=match.new[0] + 1, renumbered=not _same_num(a.num, b.num),
                     paragraph_diffs=self._paragraph_diffs(a, b, diff) if status != UNCHANGED else (),
                     quoted=quoted)

    def _paragraph_diffs(self, a: Node, b: Node, own_diff: Diff | None = None) -> tuple[ParagraphDiff, ...]:
        """Diff the paragraphs of a pair, reusing the diff of its own texts when one is given."""
        element = self.new_elements.get(b.eid)
        if element is None:
            return ()
        known = (a.text, b.text, own_diff) if own_diff is not None else None
        return paragraph_diffs(self.old_elements.get(a.eid), element, known)


def _identical(a: Node, b: Node, old_position: int, new_position: int, quoted: frozenset[str] = frozenset(), *,
               moved: bool = False, paragraph_diffs: tuple[ParagraphDiff, ...] = ()) -> Entry:
    """Entry for provisions whose text is the same all the way down (no alignment or diff needed below)."""
    children = tuple(
        _identical(x, y, k, k, quoted) for k, (x, y) in enumerate(zip(a.children, b.children, strict=True), start=1)
    )
    return Entry(
        MOVED if moved else UNCHANGED, (a.eid,), (b.eid,), b.element, a.num, b.num, a.heading, b.heading, 1.0,
        diff=((EQUAL, b.text),) if b.text else (), heading_diff=((EQUAL, b.heading),) if b.heading else (),
        children=children, old_position=old_position, new_position=new_position,
        renumbered=not _same_num(a.num, b.num), paragraph_diffs=paragraph_diffs, quoted=b.eid in quoted,
    )


def _one_sided(nodes: list[Node], status: str, quoted: frozenset[str] = frozenset()) -> tuple[Entry, ...]:
    """The subtree of a wholly inserted or deleted provision (`quoted`: the eIds of its side's quoted provisions)."""
    entries = []
    for position, node in enumerate(nodes, start=1):
        inserted = status == INSERTED
        entries.append(Entry(
            status, () if inserted else (node.eid,), (node.eid,) if inserted else (), node.element,
            None if inserted else node.num, node.num if inserted else None,
            None if inserted else node.heading, node.heading if inserted else None, 0.0,
            diff=word_diff("", node.text) if inserted else word_diff(node.text, ""),
            heading_diff=word_diff("", node.heading) if inserted else word_diff(node.heading, ""),
            children=_one_sided(node.children, status, quoted),
            new_position=position if inserted else None, old_position=None if inserted else position,
            quoted=node.eid in quoted,
        ))
    return tuple(entries)


def body_nodes(root: etree._Element, quoted: set[str] | None = None) -> list[Node]:
    """The top-level provisions of a document as aligner nodes (collecting the eIds of quoted ones in `quoted`)."""
    return [to_node(provision, quoted) for provision in extract_provisions(root)]


def compare(old_root: etree._Element, new_root: etree._Element, *, old: DocumentSummary | None = None,
            new: DocumentSummary | None = None) -> Redline:
    """Compare two AKN documents: versions of one work align by eId hints and content, different works by content."""
    old = old or summary(old_root)
    new = new or summary(new_root)
    same_work = bool(old.frbr_uri) and old.frbr_uri == new.frbr_uri
    old_quoted: set[str] = set()
    new_quoted: set[str] = set()
    old_nodes, new_nodes = body_nodes(old_root, old_quoted), body_nodes(new_root, new_quoted)
    builder = _Builder(old_root, new_root, same_work=same_work, old_quoted=frozenset(old_quoted),
                       new_quoted=frozenset(new_quoted))
    entries = builder.entries(old_nodes, new_nodes)
    stats = {"same_work": same_work, "top_level": count_statuses_top(entries), **count_statuses(entries)}
    terms = defined_term_changes(old_root, new_root, entries)
    defining = {change["new"] or change["old"] for change in terms}
    if defining:
        entries = _label_entries(entries, defining, "defined-term-changed")
    return Redline(old=old, new=new, alignment=entries, stats=stats, defined_terms=terms)


def _label_entries(entries: tuple[Entry, ...], eids: set, label: str) -> tuple[Entry, ...]:
    """Add a label to the entries of the given provisions (new eId, or old eId for deletions)."""
    result = []
    for entry in entries:
        children = _label_entries(entry.children, eids, label)
        eid = (entry.new or entry.old or (None,))[0]
        labels = (*entry.labels, label) if eid in eids and label not in entry.labels else entry.labels
        result.append(replace(entry, children=children, labels=labels))
    return tuple(result)


def count_statuses_top(entries: tuple[Entry, ...]) -> dict:
    """Count the statuses of the top-level entries only."""
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.status] = counts.get(entry.status, 0) + 1
    return counts


__all__ = ["body_nodes", "compare", "summary", "to_node"]
