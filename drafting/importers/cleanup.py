"""Typographic clean-up of pasted or extracted legislative text, before any structure is recognised.

Each step says what it removed in the import report; nothing is dropped silently.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from drafting.errors import TextEncodingError

_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"))
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2002\u2003\u2009\u200a\u3000\t\v"), " ")
_LINE_NUMBER = re.compile(r"^\s{0,8}([0-9]{1,5})(?=\s|[A-Za-z(\"“]|$)")
_PAGE_FURNITURE = re.compile(
    r"""^\s*(
        page\s+\d+(\s+of\s+\d+)?           # Page 1 of 2
      | -\s*\d+\s*-                        # - 3 -
      | \d+\s*$                            # a page number alone (only where line numbers are not in use)
      | \[(congressional\s+bills|from\s+the\s+u\.s\.\s+government)[^\]]*\]
      | </?DOC>
      | _{5,}|-{5,}|={5,}|\*{5,}           # rules
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_HYPHEN_PREFIXES = frozenset(
    ["anti", "co", "counter", "cross", "non", "post", "pre", "pro", "quasi", "re", "self", "semi", "sub", "super",
     "third", "well", "multi", "inter", "intra"]
)


@dataclass(frozen=True)
class SourceLine:
    """One line of the cleaned text and where it stood in the input (1-based)."""

    number: int
    text: str


@dataclass(frozen=True)
class CleanText:
    """The input as lines, with what clean-up removed or changed."""

    lines: tuple[SourceLine, ...]
    notes: tuple[str, ...]
    removed: tuple[SourceLine, ...]


def decode(data: bytes) -> str:
    """Decode an upload as UTF-8 (a BOM is allowed), or say exactly where it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise TextEncodingError(
            f"text is not valid UTF-8: byte 0x{data[error.start]:02x} at offset {error.start} (line {line})"
        ) from None


def normalise_characters(text: str) -> tuple[str, list[str]]:
    """Fold spaces, drop invisible and control characters, turn GPO ``quotes'' into typographic ones."""
    notes = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    counts = Counter()
    for name, table in (("bidirectional control", _BIDI_CONTROLS), ("invisible", _INVISIBLE)):
        stripped = text.translate(table)
        counts[name] = len(text) - len(stripped)
        text = stripped
    # C0/C1 controls, lone surrogates and the non-characters U+FFFE/U+FFFF cannot stand in XML
    controls = [ch for ch in set(text) if (unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff")
                and ch not in "\n\f"]
    if controls:
        before = len(text)
        spaces = "\t\v"
        text = "".join(" " if ch in spaces else ch for ch in text if ch == "\n" or ch not in controls or ch in spaces)
        counts["control"] = before - len(text)
    text = text.translate(_SPACES)
    for name, count in counts.items():
        if count:
            notes.append(f"removed {count} {name} character{'s' if count > 1 else ''}")
    if "``" in text:
        converted = re.subn(r"``(.+?)''", "\u201c\\1\u201d", text, flags=re.DOTALL)
        text = converted[0]
        if converted[1]:
            notes.append(f"converted {converted[1]} ``quoted'' terms to \u201cquotes\u201d")
    return text, notes


def _line_numbers_in_use(lines: list[str]) -> bool:
    """Tell whether most non-blank lines start with consecutive line numbers (bill PDFs)."""
    numbers = []
    for line in lines:
        if not line.strip():
            continue
        match = _LINE_NUMBER.match(line)
        numbers.append(int(match.group(1)) if match else None)
    found = [n for n in numbers if n is not None]
    if len(found) < 5:
        return False
    # consecutive, allowing for unnumbered blank lines and for numbering that restarts on each page
    steps = sum(1 for a, b in itertools.pairwise(found) if 0 < b - a <= 3 or b == 1)
    return steps >= 0.8 * (len(found) - 1) and len(found) >= 0.5 * len(numbers)


def clean(text: str) -> CleanText:
    """Remove page furniture, running headers and line numbers; fold characters; keep line positions."""
    text, notes = normalise_characters(text)
    paged = "\f" in text
    text = text.replace("\f", "\n")
    removed: list[SourceLine] = []
    lines = []
    for index, line in enumerate(text.split("\n"), start=1):
        if line.strip() and _PAGE_FURNITURE.match(line) and not line.strip().isdigit():
            removed.append(SourceLine(index, line.strip()))
            line = ""
        lines.append(SourceLine(index, line.rstrip()))
    paged = paged or bool(removed)
    if paged:
        lines = _drop_repeated_headers(lines, removed)
    lines, stripped = _strip_line_numbers(lines, removed)
    if stripped:
        notes.append(f"removed {stripped} printed line numbers")
    if removed:
        notes.append(f"removed {len(removed)} lines of page furniture (page numbers, headers, rules)")
    return CleanText(lines=tuple(lines), notes=tuple(notes), removed=tuple(removed))


def _strip_line_numbers(lines: list[SourceLine], removed: list[SourceLine]) -> tuple[list[SourceLine], int]:
    """Strip the line numbers of a bill PDF (numbering may restart on each page); a bare number left over is a
    page number."""
    numbered = _line_numbers_in_use([line.text for line in lines])
    result, stripped, last = [], 0, None
    for line in lines:
        text = line.text
        match = _LINE_NUMBER.match(text) if numbered else None
        # a number far from the running count is text ("118th CONGRESS"), unless numbering restarts at 1
        if match and (last is None or abs(int(match.group(1)) - last - 1) <= 5 or int(match.group(1)) == 1):
            last = int(match.group(1))
            text = text[match.end():]
            stripped += 1
        bare_number = text.strip().isascii() and text.strip().isdigit()
        if bare_number and (numbered or not result or not result[-1].text.strip()):
            removed.append(SourceLine(line.number, text.strip()))
            text = ""
        result.append(SourceLine(line.number, text.rstrip()))
    return result, stripped


def _drop_repeated_headers(lines: list[SourceLine], removed: list[SourceLine]) -> list[SourceLine]:
    """Blank out short lines that repeat three or more times: running headers and footers of a PDF."""
    counts = Counter(line.text.strip() for line in lines if 0 < len(line.text.strip()) <= 80)
    repeated = {
        text for text, count in counts.items()
        if count >= 3 and not _LOOKS_STRUCTURAL.match(text) and not text.endswith((".", ":", ";", ","))
        and not _LINE_NUMBER.match(text)
    }
    if not repeated:
        return lines
    result = []
    for line in lines:
        if line.text.strip() in repeated:
            removed.append(SourceLine(line.number, line.text.strip()))
            result.append(SourceLine(line.number, ""))
        else:
            result.append(line)
    return result


_LOOKS_STRUCTURAL = re.compile(r"^(\(?[0-9A-Za-z]{1,6}[.)]|[A-Z][a-z]+\.?$|and$|or$)")


def join_hyphenated(first: str, second: str) -> str:
    """Join a line ending in a hyphen with the next: "surveil-" + "lance" -> "surveillance"; keep real hyphens."""
    head = first.rstrip()
    word = re.search(r"([A-Za-z]+)-$", head)
    if word and second[:1].islower() and word.group(1).lower() not in _HYPHEN_PREFIXES:
        return head[:-1] + second.lstrip()
    return head + second.lstrip() if head.endswith(("-", "\u2014", "/")) else f"{head} {second.lstrip()}"
