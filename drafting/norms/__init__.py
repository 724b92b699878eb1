"""PURE. The language of legal norms: the vocabulary of modals, prohibitions, exceptions and deadlines, as data."""

from . import vocabulary

__all__ = ["vocabulary"]
