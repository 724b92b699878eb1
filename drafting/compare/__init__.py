"""PURE. Alignment of provisions, word diffs, the redline model and its renderers."""

from .model import Entry, Redline
from .redline import compare, summary
from .render import MEDIA_TYPES, render

__all__ = ["MEDIA_TYPES", "Entry", "Redline", "compare", "render", "summary"]
