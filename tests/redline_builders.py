"""Builders of redline model values for the renderers' tests."""

from __future__ import annotations

from drafting.compare.model import CHANGED, Entry


def entry(status: str = CHANGED, old=("sec_1",), new=("sec_1",), **kw) -> Entry:
    """An entry with plausible defaults: a section numbered 1. on each side that has one."""
    values = {
        "element": "section",
        "old_num": "1." if old else None,
        "new_num": "1." if new else None,
        "old_heading": None,
        "new_heading": None,
        "score": 1.0,
    }
    values.update(kw)
    return Entry(status=status, old=tuple(old), new=tuple(new), **values)
