"""Redlines: two documents (stored versions or uploads) compared and rendered as JSON, HTML, AKN or Word, or as a
fragment of a page; redlines of stored versions are cached by content."""

from __future__ import annotations

import hashlib

from markupsafe import Markup

from drafting import akn, importers
from drafting.cache import Cache, caches_of
from drafting.store import Database
from drafting.work import DEFAULT_BUDGET, WorkBudget

from .rendering import cached_render
from .sources import Source, fetch, stored_versions
from .values import Principal, RedlineSide, Rendered

REDLINE_ENGINE_VERSION = "1"  # part of every redline's entity tag: bump it when the engine's output changes
EXTENSIONS = {"json": "json", "html": "html", "akn": "xml", "docx": "docx"}
_UNKNOWN = object()


def redline_etag(db: Database, old: RedlineSide, new: RedlineSide, output_format: str, view: str, *,
                 principal: Principal | None = None) -> str | None:
    """The strong entity tag of a redline of two stored versions (None when either side is an upload); 404 for a
    stored side the principal may not see."""
    if old.document_id is None or new.document_id is None:
        # an upload is never cached; a stored side must still exist and be visible to the principal
        stored_versions(db, [(s.document_id, s.version) for s in (old, new) if s.document_id is not None], principal)
        return None
    (old_number, old_hash), (new_number, new_hash) = stored_versions(
        db, [(old.document_id, old.version), (new.document_id, new.version)], principal)
    # the redline names its documents and versions (and Word dates its revisions by them): the same content under
    # other versions is another redline
    key = (f"{REDLINE_ENGINE_VERSION}|{old.document_id}:{old_number}:{old_hash}|"
           f"{new.document_id}:{new_number}:{new_hash}|{output_format}|{view}")
    return "r-" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _redline_tree(source: Source):
    """Parse (or import) one side of a redline; return its tree, its summary and when it was saved."""
    from drafting.compare import summary

    if source.document_id is not None:
        root = akn.parse_akn(source.data).root
        return (root, summary(root, document_id=source.document_id, version=source.version, xml=source.data),
                source.saved_at)
    if source.media_type in importers.IMPORTABLE:
        root = importers.import_upload(source.data, source.media_type).root
        return root, summary(root), None
    root = akn.parse_akn(source.data).root
    return root, summary(root, xml=source.data), None


def _sources(db: Database, old: RedlineSide, new: RedlineSide, principal: Principal | None) -> list[Source]:
    return [fetch(db, old, principal), fetch(db, new, principal)]


def _work(sources: list[Source]) -> int:
    return sum(source.provisions for source in sources)


def _compare(sources: list[Source]):
    """Compare two fetched sides; return the redline, both trees, both summaries and the date to stamp Word
    revisions with (the later save of two stored versions, so that the same redline is the same bytes)."""
    from drafting.compare import compare

    (old_root, old_summary, old_saved), (new_root, new_summary, new_saved) = map(_redline_tree, sources)
    result = compare(old_root, new_root, old=old_summary, new=new_summary)
    dated = max(old_saved, new_saved) if (old_saved and new_saved) else None
    return result, (old_root, new_root), (old_summary, new_summary), dated


def redline(db: Database, old: RedlineSide, new: RedlineSide, *, output_format: str = "json",
            view: str = "inline", principal: Principal | None = None, cache: Cache | None = None,
            budget: WorkBudget = DEFAULT_BUDGET, etag=_UNKNOWN) -> Rendered:
    """Compare two documents and render the redline; redlines of stored versions are cached by content.

    `etag` is the redline's entity tag when the caller has just computed it (redline_etag), to save a lookup;
    `budget` decides whether the comparison may start now (BusyError, WorkTooLargeError).
    """
    from drafting.compare import MEDIA_TYPES, render

    # the access check comes first: a cached redline is served only to whoever may see both sides
    if etag is _UNKNOWN:
        etag = redline_etag(db, old, new, output_format, view, principal=principal)

    def rendered() -> Rendered:
        sources = _sources(db, old, new, principal)
        with budget.admit(_work(sources), "this redline"):
            result, (old_root, new_root), summaries, dated = _compare(sources)
            body = render(result, output_format, new_root=new_root, old_root=old_root, view=view, date=dated)
        names = [f"{s.document_id}v{s.version}" if s.document_id else "upload" for s in summaries]
        return Rendered(body, MEDIA_TYPES[output_format], etag,
                        f"redline-{names[0]}-{names[1]}.{EXTENSIONS[output_format]}")

    return cached_render(caches_of(db).redlines if cache is None else cache, etag, rendered)


def redline_fragment(db: Database, old: RedlineSide, new: RedlineSide, *, view: str = "inline",
                     principal: Principal | None = None, cache: Cache | None = None,
                     budget: WorkBudget = DEFAULT_BUDGET) -> Markup:
    """Compare two documents and render the redline as a part of a page (safe Markup); cached like redline()."""
    from drafting.compare.html import render_fragment

    etag = redline_etag(db, old, new, "html-fragment", view, principal=principal)

    def rendered() -> Rendered:
        sources = _sources(db, old, new, principal)
        with budget.admit(_work(sources), "this redline"):
            body = render_fragment(_compare(sources)[0], view=view).encode("utf-8")
        return Rendered(body, "text/html", etag)

    body = cached_render(caches_of(db).redlines if cache is None else cache, etag, rendered).body
    return Markup(body.decode("utf-8"))  # noqa: S704 - rendered by an autoescaping template
