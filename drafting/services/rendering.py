"""The flow every cached result follows: look its entity tag up, else fetch its documents, admit the work, compute,
render and keep it. Results of stored versions are keyed by their content hashes, so an entry never goes stale."""

from __future__ import annotations

from collections.abc import Callable

from drafting.cache import Cache

from .values import Rendered


def cached_render(store: Cache, etag: str | None, render: Callable[[], Rendered]) -> Rendered:
    """Return the rendered result with this entity tag from the cache, or render it (and keep it when it has a tag:
    uploads have none and are never kept)."""
    if etag is not None and (entry := store.get(etag)) is not None:
        media_type, filename, body = entry.split(b"\n", 2)
        return Rendered(body, media_type.decode(), etag, filename.decode())
    rendered = render()
    if etag is not None:
        # one cache entry: media type and file name on a line each, then the body
        store.set(etag, f"{rendered.media_type}\n{rendered.filename}\n".encode() + rendered.body)
    return rendered
