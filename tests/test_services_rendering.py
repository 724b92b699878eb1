"""services.rendering.cached_render: the one flow of every cached result (look up, else render and keep)."""

from __future__ import annotations

import pytest

from drafting.cache import MemoryCache
from drafting.services import Rendered
from drafting.services.rendering import cached_render

BODY = b'{"a": 1}\n\n{"b": 2}\n'  # new lines in a body must survive the entry's own lines


class Renderer:
    """A render function that counts its calls and returns the Rendered it is given."""

    def __init__(self, rendered: Rendered):
        self.rendered, self.calls = rendered, 0

    def __call__(self) -> Rendered:
        self.calls += 1
        return self.rendered


def test_cached_render_renders_once_per_entity_tag_and_never_keeps_an_upload():
    store = MemoryCache()
    stored = Renderer(Rendered(BODY, "application/json", "r-1", "redline-1v1-1v2.json"))
    assert cached_render(store, "r-1", stored) == cached_render(store, "r-1", stored) == stored.rendered
    assert stored.calls == 1 and len(store) == 1
    upload = Renderer(Rendered(BODY, "application/json", None))
    cached_render(store, None, upload)
    cached_render(store, None, upload)
    assert upload.calls == 2 and len(store) == 1


def test_a_cached_result_comes_back_with_its_body_media_type_and_file_name():
    store = MemoryCache()
    for etag, filename in (("r-1", "redline-1v1-1v2.docx"), ("g-1", "")):
        rendered = Rendered(BODY, "text/html; charset=utf-8", etag, filename)
        cached_render(store, etag, Renderer(rendered))
        never = Renderer(Rendered(b"", "text/plain", etag))
        assert cached_render(store, etag, never) == rendered and never.calls == 0


def test_each_entity_tag_is_rendered_and_kept_apart():
    store = MemoryCache()
    json_render = Renderer(Rendered(b"{}", "application/json", "r-json"))
    html_render = Renderer(Rendered(b"<p>", "text/html", "r-html"))
    assert cached_render(store, "r-json", json_render).body == b"{}"
    assert cached_render(store, "r-html", html_render).body == b"<p>"
    assert cached_render(store, "r-json", html_render).body == b"{}"
    assert (json_render.calls, html_render.calls) == (1, 1) and len(store) == 2


def test_a_render_that_fails_keeps_nothing_and_the_next_call_renders_again():
    store = MemoryCache()

    def failing() -> Rendered:
        raise RuntimeError("the engine failed")

    with pytest.raises(RuntimeError):
        cached_render(store, "r-1", failing)
    assert len(store) == 0
    renderer = Renderer(Rendered(BODY, "application/json", "r-1"))
    assert cached_render(store, "r-1", renderer).body == BODY and renderer.calls == 1


def test_a_result_too_large_for_the_cache_is_returned_and_rendered_again_next_time():
    store = MemoryCache(limit_bytes=64)
    renderer = Renderer(Rendered(b"x" * 100, "text/html", "r-big"))
    assert cached_render(store, "r-big", renderer).body == b"x" * 100
    assert cached_render(store, "r-big", renderer).body == b"x" * 100
    assert renderer.calls == 2 and len(store) == 0
