"""HTML rendering of a redline: one self-contained page in the legislative convention.

Deleted text is struck through (`<del>`), inserted text underlined (`<ins>`); a renumbered provision shows its old
number struck and its new one inserted; moves, renumbering, splits and merges are named in a margin beside the
provision, and change labels become readable badges. The page has its CSS in a `<style>` element, no script and no
external resource, and a Content-Security-Policy that forbids both should anything slip through.

An amending bill's quoted provisions (the text it inserts into another law, `Entry.quoted`) are marked as quoted
text: the entry (and, side by side, each row inside it) carries the class `quoted` / `in-quote`, and the first
opens with a caption naming the amending provision ("quoted text inserted by 1").

Escape at the edge: every fragment of document text reaches the page through Jinja's autoescaping, and is passed to
the template as data, never as template source, so `{{7*7}}` in a heading stays `{{7*7}}`. Values that land in
attributes (ids, classes, data-*) are sanitised to [A-Za-z0-9_.-] first, so no document text is ever inside a tag.

`render_fragment` renders the same markup as a part of another page (the compare page): no document head, no
`<style>` (its CSS is static/compare.css, scoped under `.redline`), headings one level down, a summary of the counts,
and every changed provision numbered (`data-change`) and focusable (`tabindex="-1"`) so a script can step through
the changes; the list of changes names each one as the step announces it.

What to say (the diffs to show, margin notes, readable labels, counts) comes from `wording`, which the Word
renderer shares; this module only puts it into markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import jinja2
from markupsafe import Markup

from drafting.templating import environment, sanitise_token

from .model import CHANGED, DELETE, DELETED, EQUAL, INSERT, INSERTED, STATUSES, UNCHANGED, Diff, Entry, Redline, walk
from .wording import (
    RENUMBERED,
    describe_defined_term,
    entry_notes,
    entry_path,
    heading_ops,
    label_text,
    number_ops,
    quoted_note,
    renumbered,
    stat_items,
    summary_items,
    text_ops,
)

INLINE, SIDE_BY_SIDE = "inline", "side-by-side"
VIEWS = (INLINE, SIDE_BY_SIDE)
TEMPLATE = "redline.html"
FRAGMENT_TEMPLATE = "redline_fragment.html"

_MAX_INDENT = 12  # deeper provisions are indented like this one in the side-by-side table

_TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
_OLD_SIDE = (EQUAL, DELETE)
_NEW_SIDE = (EQUAL, INSERT)


# --- the page's data ----------------------------------------------------------------------------------------------


class Badge(NamedTuple):
    token: str  # the label, sanitised: usable as a class and a data attribute
    text: str


class EntryView(NamedTuple):
    status: str
    depth: int
    old_anchor: str | None  # id of the entry on the old side
    new_anchor: str | None
    more_old_anchors: tuple[str, ...]  # ids of the further eIds of a merge
    more_new_anchors: tuple[str, ...]  # ... or of a split
    data_old: str  # sanitised eIds, space separated
    data_new: str
    number: Diff
    heading: Diff
    text: Diff
    notes: tuple[str, ...]
    badges: tuple[Badge, ...]
    title: str  # the entry as named in the list of changes: number and heading, new side first
    renumbered: bool
    changed: bool  # anything in the entry or below it differs
    has_children: bool
    context: str = ""  # the numbers of the entry's ancestors, outermost first ("SECTION 1. (a)"), to name it alone
    quoted: bool = False  # the entry opens a quoted structure (text an amending bill inserts into another law)
    in_quote: bool = False  # the entry is inside a quoted structure (itself quoted, or below one)
    quoted_words: str = ""  # for a quoted entry, what it is: "quoted text inserted by 1"

    @property
    def anchor(self) -> str:
        return self.new_anchor or self.old_anchor or ""

    @property
    def whole(self) -> bool:
        return self.status in (INSERTED, DELETED)

    @property
    def is_change(self) -> bool:
        """Tell whether the entry itself is a change to list and step through (not only something below it)."""
        return self.status != UNCHANGED or self.renumbered

    @property
    def change_words(self) -> str:
        """Say what changed in the entry: its change labels, else its status ("renumbered" when only that)."""
        if self.status == CHANGED and self.badges:
            words = []  # the labels say how it changed
        else:
            words = [RENUMBERED if self.status == UNCHANGED else self.status]
        if self.renumbered and self.status != UNCHANGED:
            words.append(RENUMBERED)
        words.extend(badge.text for badge in self.badges)
        return "; ".join(words)

    @property
    def inner_anchors(self) -> tuple[str, ...]:
        """Return the ids the inline view puts inside the entry, besides the one on the entry itself."""
        old = (self.old_anchor,) if self.new_anchor and self.old_anchor else ()
        return self.more_new_anchors + old + self.more_old_anchors


class Event(NamedTuple):
    kind: str  # "open" / "close" an entry, "group-open" / "group-close" a run of unchanged entries
    entry: EntryView | None = None
    count: int = 0
    first: str = ""
    last: str = ""


class DocumentView(NamedTuple):
    role: str
    title: str
    uri: str | None
    frbr_uri: str | None
    version: int | None
    doc_type: str
    content_hash: str


class Page(NamedTuple):
    view: str
    old: DocumentView
    new: DocumentView
    stats: tuple[tuple[str, str], ...]
    changes: tuple[EntryView, ...]
    events: tuple[Event, ...]  # inline view
    rows: tuple[EntryView, ...]  # side-by-side view
    defined_terms: tuple[str, ...]
    max_depth: int
    fragment: bool = False  # a part of another page rather than a page of its own
    summary: tuple[tuple[str, str], ...] = ()  # the counts a reader looks for first, as (count, what) pairs
    has_quoted: bool = False  # some entry is an amending bill's quoted text (the page styles it only then)


def render_html(redline: Redline, *, view: str = INLINE, collapse_unchanged: bool = False) -> str:
    """Return a redline as a complete HTML5 page, inline or side by side.

    With collapse_unchanged, each run of unchanged provisions of the inline view folds into one <details>.
    """
    page = _page(redline, view, collapse_unchanged)
    return _environment().get_template(TEMPLATE).render(page=page)


def render_fragment(redline: Redline, *, view: str = INLINE, collapse_unchanged: bool = False) -> Markup:
    """Return a redline as a part of a page: one <div class="redline">, styled by static/compare.css, no script.

    Each changed provision carries data-change="n" (1, 2, ... in document order) and tabindex="-1", and the list
    of changes has one item per change with the same data-change, naming the provision and what changed.
    """
    page = _page(redline, view, collapse_unchanged)._replace(fragment=True, summary=summary_items(redline))
    return Markup(_environment().get_template(FRAGMENT_TEMPLATE).render(page=page))  # noqa: S704 - autoescaped


def _page(redline: Redline, view: str, collapse_unchanged: bool) -> Page:
    if view not in VIEWS:
        raise ValueError(f"expected view 'inline' or 'side-by-side', found {view!r}")
    builder = _Builder(redline.alignment)
    rows = builder.rows
    return Page(
        view=view,
        old=_document("old", redline.old),
        new=_document("new", redline.new),
        stats=stat_items(redline),
        changes=tuple(row for row in rows if row.is_change),
        events=builder.events(collapse_unchanged) if view == INLINE else (),
        rows=rows if view == SIDE_BY_SIDE else (),
        defined_terms=tuple(describe_defined_term(item) for item in redline.defined_terms),
        max_depth=_MAX_INDENT,
        has_quoted=any(row.in_quote for row in rows),
    )


def _environment() -> jinja2.Environment:
    return environment(_TEMPLATES_DIR, (("side", side),))


def side(ops: Diff, which: str) -> Diff:
    """Return the operations one side of a diff shows: "old" keeps "=" and "-", "new" keeps "=" and "+"."""
    kept = _OLD_SIDE if which == "old" else _NEW_SIDE
    return tuple(op for op in ops if op[0] in kept)


def _document(role: str, summary) -> DocumentView:
    return DocumentView(
        role=role,
        title=summary.title,
        uri=summary.expression_uri or summary.frbr_uri,
        frbr_uri=summary.frbr_uri,
        version=summary.version,
        doc_type=summary.doc_type,
        content_hash=summary.content_hash,
    )


class _Builder:
    """Turn the entry tree into views, iteratively (a deep tree must not exhaust the stack), with unique ids."""

    def __init__(self, entries: tuple[Entry, ...]):
        self._entries = entries
        self._used_ids: set[str] = set()
        self._changed: dict[int, bool] = {}
        order = list(walk(entries))
        for entry in reversed(order):  # every entry after its descendants
            self._changed[id(entry)] = (
                entry.status != UNCHANGED or renumbered(entry) or any(self._changed[id(c)] for c in entry.children)
            )
        self.rows = self._rows()

    def _rows(self) -> tuple[EntryView, ...]:
        """Return every entry's view, depth first in order."""
        rows = []
        stack = [(entry, 0, "", (), False) for entry in reversed(self._entries)]
        while stack:
            entry, depth, context, parent_path, in_quote = stack.pop()
            in_quote = in_quote or entry.quoted
            rows.append(self._view(entry, depth)._replace(
                context=context, quoted=entry.quoted, in_quote=in_quote,
                quoted_words=quoted_note(parent_path) if entry.quoted else ""))
            inner = " ".join(part for part in (context, entry.new_num or entry.old_num) if part)
            path = entry_path(entry, parent_path)
            stack.extend((child, depth + 1, inner, path, in_quote) for child in reversed(entry.children))
        return tuple(rows)

    def events(self, collapse_unchanged: bool) -> tuple[Event, ...]:
        """Return the open and close events of the nested inline view, with runs of unchanged entries grouped."""
        events: list[Event] = []
        views = iter(self.rows)  # the same depth-first order as this walk
        stack: list[tuple] = list(reversed(self._sibling_actions(self._entries, collapse_unchanged)))
        while stack:
            action = stack.pop()
            if action[0] == "entry":
                entry, view = action[1], next(views)
                events.append(Event("open", view))
                stack.append(("close", view))
                inside_group = action[2]
                children = self._sibling_actions(entry.children, collapse_unchanged and not inside_group, inside_group)
                stack.extend(reversed(children))
            elif action[0] == "close":
                events.append(Event("close", action[1]))
            else:
                events.append(action[1])
        return tuple(events)

    def _sibling_actions(self, entries, collapse: bool, inside_group: bool = False) -> list[tuple]:
        if not collapse:
            return [("entry", entry, inside_group) for entry in entries]
        actions: list[tuple] = []
        run: list[Entry] = []

        def flush():
            if run:
                group = Event("group-open", count=len(run), first=_title(run[0]), last=_title(run[-1]))
                actions.append(("event", group))
                actions.extend(("entry", entry, True) for entry in run)
                actions.append(("event", Event("group-close")))
                run.clear()

        for entry in entries:
            if self._changed[id(entry)]:
                flush()
                actions.append(("entry", entry, False))
            else:
                run.append(entry)
        flush()
        return actions

    def _anchors(self, prefix: str, eids: tuple[str, ...]) -> tuple[str, ...]:
        anchors = []
        for eid in eids:
            base = f"{prefix}-{sanitise_token(eid)}"
            anchor, n = base, 1
            while anchor in self._used_ids:
                n += 1
                anchor = f"{base}-{n}"
            self._used_ids.add(anchor)
            anchors.append(anchor)
        return tuple(anchors)

    def _view(self, entry: Entry, depth: int) -> EntryView:
        if entry.status not in STATUSES:
            raise ValueError(f"expected an entry status among {', '.join(STATUSES)}, found {entry.status!r}")
        old_anchors = self._anchors("old", entry.old)
        new_anchors = self._anchors("new", entry.new)
        number, heading = number_ops(entry), heading_ops(entry)
        return EntryView(
            status=entry.status,
            depth=depth,
            old_anchor=old_anchors[0] if old_anchors else None,
            new_anchor=new_anchors[0] if new_anchors else None,
            more_old_anchors=old_anchors[1:],
            more_new_anchors=new_anchors[1:],
            data_old=" ".join(sanitise_token(eid) for eid in entry.old),
            data_new=" ".join(sanitise_token(eid) for eid in entry.new),
            number=number,
            heading=heading,
            text=text_ops(entry),
            notes=entry_notes(entry),
            badges=tuple(Badge(sanitise_token(label), label_text(label, entry)) for label in entry.labels),
            title=_title(entry),
            renumbered=renumbered(entry),
            changed=self._changed[id(entry)],
            has_children=bool(entry.children),
        )


def _title(entry: Entry) -> str:
    """Return how the list of changes names an entry: number and heading, new side first, else its eId."""
    parts = (entry.new_num or entry.old_num, entry.new_heading or entry.old_heading)
    return " ".join(part for part in parts if part) or (entry.new or entry.old or ("",))[0]
