"""PURE. Alignment of provisions, word diffs, the redline model and its renderers."""

from .model import Entry, Redline
from .redline import compare, summary

__all__ = ["Entry", "Redline", "compare", "summary"]
