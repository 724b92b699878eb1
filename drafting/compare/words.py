"""Word-level diff: one adapter around diff-match-patch, so its camelCase API stays here.

Text is normalised first (whitespace folded, typographic quotes and dashes made plain) so that layout noise never
shows as a change; the diff is computed on words (each word mapped to one character, the library's line trick)
and cleaned up semantically. `has_change` and `side` read a diff: whether it changes anything, and one side of it.
"""

from __future__ import annotations

import re

import diff_match_patch

from .model import DELETE, EQUAL, INSERT, Diff

# The budget of one diff: diff-match-patch stops refining after this many seconds and returns a correct but
# coarser diff. Provisions are short, so it is rarely reached; it bounds pathological inputs.
DIFF_BUDGET_SECONDS = 0.5

_PLAIN = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'", "\u2032": "'",
    "\u2013": "-", "\u2014": "--", "\u2212": "-", "\u00a0": " ",
})
_TOKEN = re.compile(r"\s+|[^\s]+")
_OPS = {diff_match_patch.diff_match_patch.DIFF_EQUAL: EQUAL, diff_match_patch.diff_match_patch.DIFF_DELETE: DELETE,
        diff_match_patch.diff_match_patch.DIFF_INSERT: INSERT}


# one character per distinct word, below the surrogate range
_MAX_VOCABULARY = 0xD000


class _TooManyWords(Exception):
    pass


def plain(text: str) -> str:
    """Make typographic quotes and dashes plain, and no-break spaces ordinary."""
    # every character changed is outside ASCII, and telling an ASCII string costs nothing: most text is never read
    return text if text.isascii() else text.translate(_PLAIN)


def normalise(text: str | None) -> str:
    """Fold whitespace and make quotes and dashes plain, so that only real changes differ."""
    if not text:
        return ""
    return " ".join(plain(text).split())


def _engine() -> diff_match_patch.diff_match_patch:
    engine = diff_match_patch.diff_match_patch()
    engine.Diff_Timeout = DIFF_BUDGET_SECONDS
    return engine


_ENGINE = _engine()


def word_diff(old: str | None, new: str | None) -> Diff:
    """Diff two texts word by word; return ("=" | "-" | "+", text) pieces that rebuild old and new."""
    old, new = normalise(old), normalise(new)
    if old == new:
        return ((EQUAL, new),) if new else ()
    if not old:
        return ((INSERT, new),)
    if not new:
        return ((DELETE, old),)
    vocabulary: dict[str, str] = {}
    tokens: list[str] = []

    def encode(text: str) -> str:
        codes = []
        for token in _TOKEN.findall(text):
            code = vocabulary.get(token)
            if code is None:
                if len(tokens) >= _MAX_VOCABULARY:
                    raise _TooManyWords
                code = chr(len(tokens) + 1)
                vocabulary[token] = code
                tokens.append(token)
            codes.append(code)
        return "".join(codes)

    try:
        encoded_old, encoded_new = encode(old), encode(new)
    except _TooManyWords:
        return ((DELETE, old), (INSERT, new))
    diffs = _ENGINE.diff_main(encoded_old, encoded_new, False)
    _ENGINE.diff_cleanupSemantic(diffs)
    pieces: list[tuple[str, str]] = []
    for operation, codes in diffs:
        text = "".join(tokens[ord(code) - 1] for code in codes)
        op = _OPS[operation]
        if pieces and pieces[-1][0] == op:
            pieces[-1] = (op, pieces[-1][1] + text)
        else:
            pieces.append((op, text))
    return tuple(pieces)


def has_change(diff: Diff) -> bool:
    """Tell whether a diff deletes or inserts anything."""
    return any(op != EQUAL for op, _ in diff)


def side(diff: Diff, which: str) -> str:
    """Rebuild the old ("-") or new ("+") text from a diff."""
    return "".join(text for op, text in diff if op in (EQUAL, which))
