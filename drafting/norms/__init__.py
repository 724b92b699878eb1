"""PURE. The language of legal norms: the vocabulary of modals, prohibitions, exceptions and deadlines (as data), the
time grammar, cross-references and the norm reader (provision -> norm records).

The reader and the grammar are imported when first used (`drafting.norms.read_norms`, ...): the safeguards engine and
the redline labels read only the vocabulary, and need not pay for compiling the reader's patterns.
"""

from importlib import import_module

from . import vocabulary

_LAZY = {
    "read_clause": "reader", "read_norms": "reader", "read_provisions": "reader",
    "KINDS": "records", "ExceptionClause": "records", "Norm": "records", "Qualifier": "records", "Time": "records",
    "compact_references": "records", "norm_line": "records",
    "find_times": "time", "parse_time": "time",
}

__all__ = ["KINDS", "ExceptionClause", "Norm", "Qualifier", "Time", "compact_references", "find_times", "norm_line",
           "parse_time", "read_clause", "read_norms", "read_provisions", "vocabulary"]


def __getattr__(name: str):
    """Import the reader's names on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
