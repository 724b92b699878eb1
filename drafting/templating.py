"""PURE. What every HTML renderer shares (compare/ redlines, analysis/ reports): one strict, autoescaping Jinja
environment per template folder, and tokens safe in ids, classes and URL fragments."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

import jinja2

_UNSAFE_TOKEN_CHARS = re.compile(r"[^A-Za-z0-9_.-]")


def sanitise_token(value: object) -> str:
    """Reduce a value to the characters safe in an id, a class or a URL fragment: [A-Za-z0-9_.-]."""
    return _UNSAFE_TOKEN_CHARS.sub("_", str(value)) or "_"


@functools.cache
def environment(folder: Path, filters: tuple[tuple[str, Callable], ...] = ()) -> jinja2.Environment:
    """Return the Jinja environment of a template folder: autoescaped, strict about undefined names, with the given
    filters; made once per folder and filters."""
    made = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    made.filters.update(dict(filters))
    return made
