"""Typographic clean-up of pasted or extracted legislative text, before any structure is recognised.

The steps, in order: characters folded; page furniture (page numbers, rules, GPO markers); the furniture of code
websites (buttons, status lines, breadcrumbs, the list numbers printed before sections); running headers; printed
line numbers, region by region (a bill after an unnumbered cover page or committee report: only its numbered lines
lose their numbers); run-in text read back into paragraphs (see layout.py). Each step says what it removed in the
import report; nothing is dropped silently.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from drafting.errors import TextEncodingError

from .labels import CODE_NUMBER, SECTION_MARKER
from .layout import RUN_IN_MIN_CHARS, opens_section_chain, unfold

_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"))
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2002\u2003\u2009\u200a\u3000\t\v"), " ")
# the tables as character classes: a substitution is ten times faster than str.translate on text that is not ASCII
_BIDI_CONTROLS_CLASS, _INVISIBLE_CLASS, _SPACES_CLASS = (
    re.compile(f"[{re.escape(''.join(map(chr, table)))}]") for table in (_BIDI_CONTROLS, _INVISIBLE, _SPACES)
)
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


class SourceLine(NamedTuple):
    """One line of the cleaned text and where it stood in the input (1-based)."""

    # a named tuple, not a frozen dataclass: a text makes one per line (or several, a stage at a time), and a tuple
    # is made at a fraction of the cost and memory
    number: int
    text: str


@dataclass(frozen=True)
class CleanText:
    """The input as lines, with what clean-up removed or changed."""

    lines: tuple[SourceLine, ...]
    notes: tuple[str, ...]
    removed: tuple[SourceLine, ...]
    line_numbers: tuple[dict, ...] = ()  # per numbered region: its lines and the runs of numbers removed


def line_number_region(values: list[int], first_line: int, last_line: int, *, run_in: bool) -> dict:
    """Report one region of printed line numbers removed: the source lines it spans, the runs of numbers (a run
    restarts at each page: [[1, 25], [1, 18]]), how many numbers, and whether they were run into the text."""
    runs: list[list[int]] = []
    for value in values:
        if runs and value > runs[-1][1]:
            runs[-1][1] = value
        else:
            runs.append([value, value])
    return {"lines": [first_line, last_line], "runs": runs, "count": len(values), "run_in": run_in}


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
    for name, pattern in (("bidirectional control", _BIDI_CONTROLS_CLASS), ("invisible", _INVISIBLE_CLASS)):
        text, counts[name] = pattern.subn("", text)
    # C0/C1 controls, lone surrogates and the non-characters U+FFFE/U+FFFF cannot stand in XML
    controls = [ch for ch in set(text) if (unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff")
                and ch not in "\n\f"]
    if controls:
        before = len(text)
        dropped = "".join(ch for ch in controls if ch not in "\t\v")
        if dropped:
            text = re.sub(f"[{re.escape(dropped)}]", "", text)
        text = text.replace("\t", " ").replace("\v", " ")
        counts["control"] = before - len(text)
    text = _SPACES_CLASS.sub(" ", text)
    for name, count in counts.items():
        if count:
            notes.append(f"removed {count} {name} character{'s' if count > 1 else ''}")
    if "``" in text:
        # a ``term'' ends at the next '': after the last '' none can end, and searching there from each `` would
        # take time quadratic in the text
        end = text.rfind("''") + 2
        converted = re.subn(r"``(.+?)''", "\u201c\\1\u201d", text[:end], flags=re.DOTALL)
        text = converted[0] + text[end:]
        if converted[1]:
            notes.append(f"converted {converted[1]} ``quoted'' terms to \u201cquotes\u201d")
    return text, notes


def clean(text: str) -> CleanText:
    """Remove page furniture, running headers, website furniture and line numbers; fold characters; read run-in
    text back into paragraphs; keep line positions."""
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
    lines, site = _drop_site_furniture(lines, removed)
    if site:
        notes.append(f"removed {site} items of website furniture (list numbers, buttons, breadcrumbs)")
    if paged:
        lines = _drop_repeated_headers(lines, removed)
    lines, stripped, regions = _strip_line_numbers(lines, removed)
    if stripped:
        notes.append(f"removed {stripped} printed line numbers")
        notes.extend(_region_note(region) for region in regions)
    page_furniture = len(removed) - site
    if page_furniture:
        notes.append(f"removed {page_furniture} lines of page furniture (page numbers, headers, rules)")
    lines = _unfold_run_in(lines, removed, notes, regions)
    removed.sort(key=lambda line: line.number)
    return CleanText(lines=tuple(lines), notes=tuple(notes), removed=tuple(removed), line_numbers=tuple(regions))


def _region_note(region: dict) -> str:
    numbers = [value for run in region["runs"] for value in run]
    restarts = len(region["runs"]) - 1
    first, last = region["lines"]
    where = f"run into line {first}" if region["run_in"] and first == last else f"from lines {first}\u2013{last}"
    return (f"removed {region['count']} line numbers {min(numbers)}\u2013{max(numbers)}"
            + (f" (restarting {restarts} time{'s' if restarts > 1 else ''})" if restarts else "") + f" {where}")


# --- printed line numbers ----------------------------------------------------------------------------------------

_MAX_NUMBERED_LINE = 300  # a printed line is shorter; a longer line is run-in text (see layout.py)
_MAX_UNNUMBERED = 2  # unnumbered lines (a running header) a numbered region may hold in a row
_PAGE_MIN_LINES = 5  # numbering may restart at 1 after a page of at least this many lines
_YEAR = re.compile(r"^(1[89][0-9]{2}|20[0-9]{2})$")


def _numbered_regions(lines: list[SourceLine]) -> list[list[tuple[int, int]]]:
    """Return the regions of consecutively numbered lines, each as (index of the line, printed number): runs of
    lines whose leading numbers go up by one (a blank line or a header may go unnumbered; numbering may restart at
    1 after a page). A number that fits no run is text ("2020 Session", "118th CONGRESS")."""
    regions: list[list[tuple[int, int]]] = []
    run: list[tuple[int, int]] = []
    page = gap = 0

    def close() -> None:
        steps = sum(1 for (_, a), (_, b) in itertools.pairwise(run) if b == a + 1 or b <= 1)
        if len(run) >= 5 and steps >= 0.8 * (len(run) - 1):
            regions.append(list(run))

    for index, line in enumerate(lines):
        text = line.text
        if not text.strip():
            continue
        match = _LINE_NUMBER.match(text) if len(text) <= _MAX_NUMBERED_LINE else None
        value = int(match.group(1)) if match else None
        if value is not None and run:
            step = value - run[-1][1]
            if 0 < step <= 3:
                pass
            elif value <= 1 and page >= _PAGE_MIN_LINES:
                page = 0  # a new page
            elif text.strip().isdigit():
                value = None  # a page number between numbered lines
            else:
                close()
                run, page = [], 0
        if value is None:
            gap += 1
            if gap > _MAX_UNNUMBERED and run:
                close()
                run, page = [], 0
            continue
        run.append((index, value))
        page += 1
        gap = 0
    close()
    return regions


def _strip_line_numbers(lines: list[SourceLine], removed: list[SourceLine]
                        ) -> tuple[list[SourceLine], int, list[dict]]:
    """Strip the printed line numbers of the numbered regions only (a bill after an unnumbered cover page or
    committee report). A bare number left over in a region, or after a blank line elsewhere, is a page number; an
    unnumbered line that a region holds more than once is a running header. Return the lines, how many numbers
    were stripped, and a report per region (line_number_region)."""
    regions = _numbered_regions(lines)
    numbered: dict[int, int] = {}
    spans = []  # (first, last) index of each region, and a few lines after it (a page number below the last line)
    notes = []
    for region in regions:
        numbered.update(region)
        first, last = region[0][0], region[-1][0]
        spans.append((first, min(len(lines) - 1, last + 3)))
        notes.append(line_number_region([value for _, value in region], lines[first].number, lines[last].number,
                                        run_in=False))
    headers = _running_headers(lines, spans, numbered)
    result, stripped = [], 0
    span = 0
    for index, line in enumerate(lines):
        text = line.text
        while span < len(spans) and spans[span][1] < index:
            span += 1
        in_region = span < len(spans) and spans[span][0] <= index
        if index in numbered:
            match = _LINE_NUMBER.match(text)
            text = text[match.end():]
            stripped += 1
        bare = text.strip()
        if index in headers or (bare.isascii() and bare.isdigit() and (in_region or (
                (not result or not result[-1].text.strip()) and not _YEAR.match(bare)))):
            removed.append(SourceLine(line.number, bare))
            text = ""
        text = text.rstrip()
        result.append(line if text == line.text else SourceLine(line.number, text))  # most lines stay as they are
    return result, stripped, notes


def _running_headers(lines: list[SourceLine], spans: list[tuple[int, int]], numbered: dict[int, int]) -> set[int]:
    """Return the unnumbered lines, in or next to a numbered region, whose text the region holds unnumbered more
    than once: a page's running header ("S.B. 2217") is not a line of the bill."""
    found: set[int] = set()
    for first, last in spans:
        around = range(max(0, first - 3), last + 1)
        inside = {lines[i].text.strip() for i in range(first, last + 1) if i not in numbered}
        counts = Counter(lines[i].text.strip() for i in around
                         if i not in numbered and 0 < len(lines[i].text.strip()) <= 80)
        repeated = {text for text, count in counts.items() if count >= 2 and text in inside}
        if repeated:
            found.update(i for i in around if i not in numbered and lines[i].text.strip() in repeated)
    return found


# --- website furniture -------------------------------------------------------------------------------------------

# what a code website prints around the law: buttons, status lines, navigation (Municode, American Legal, eCode360)
_SITE_FURNITURE = re.compile(
    r"""^(?:
        (?:latest|current|previous|other)\s+versions?(?:\s+of\s+this\s+\w+)?|versions?|version\s+history
      | loading(?:\s*(?:\.{3}|\u2026)|,?\s+please\s+wait)?|please\s+wait
      | share(?:\s+(?:link(?:\s+to\s+(?:this\s+)?(?:section|page))?|this\s+(?:section|page)|section|page))?
      | print(?:\s+(?:this\s+)?(?:section|page|chapter|article|preview))?
      | e-?mail(?:\s+(?:this\s+)?(?:section|page|link|chapter))?
      | download(?:\s+(?:this\s+)?(?:section|page|chapter|pdf|docx?|word))?(?:\s*\((?:pdf|docx?|word)\))?
      | copy(?:\s+(?:link|url|citation))?|bookmark|permalink|link\s+to\s+(?:this\s+)?(?:section|page)
      | jump\s+to\b.{0,120}
      | (?:show|hide)\s+(?:changes|versions?|history|notes|amendments)|compare\s+versions?|view\s+(?:history|versions?
        |pdf|changes|all)
      | expand\s+all|collapse\s+all|(?:go\s+to\s+)?(?:previous|next)(?:\s+(?:section|page|chapter|doc))?
      | back\s+to\s+top|top\s+of\s+page|skip\s+to\s+(?:main\s+)?content|search(?:\s+(?:this\s+|the\s+)?code)?|menu
      | toggle\s+navigation|select\s+language|font\s+size|more\s+options|add\s+(?:a\s+)?note|my\s+notes
    )\s*[.:\u2026]*$""",
    re.IGNORECASE | re.VERBOSE,
)
# the first words of _SITE_FURNITURE: a cheap test before the pattern, as most lines start otherwise
_FURNITURE_WORDS = frozenset((
    "latest", "current", "previous", "other", "versions", "version", "loading", "please", "share", "print", "email",
    "e-mail", "download", "copy", "bookmark", "permalink", "link", "jump", "show", "hide", "compare", "view",
    "expand", "collapse", "go", "next", "back", "top", "skip", "search", "menu", "toggle", "select", "font", "more",
    "add", "my",
))
_BREADCRUMB_SEPARATOR = re.compile(r"\s+[>\u203a\u00bb]\s+")
_BREADCRUMB_ROOT = re.compile(r"\b(home|code|codes|ordinances|charter|municipal|laws|statutes|title|chapter|part"
                              r"|article|division)\b", re.IGNORECASE)
# "1." printed by a website before each section it lists ("1." then "Sec. 2-401. - Definitions.")
_DASHED_HEADING = re.compile(r"^(?P<marker>\s*(?:SECTION|Section|SEC\.|Sec\.|\u00a7{1,2})\s*[0-9][-.:0-9A-Za-z]*\.)"
                             r"\s+[-\u2013\u2014]\s+(?=[A-Z\"\u201c])")
_LIST_NUMBER = re.compile(r"^\s*(?P<number>[0-9]{1,4}\.)(?:\s+|$)")


def _is_breadcrumb(text: str) -> bool:
    """Tell whether a line is a trail of links ("Code of Ordinances > Chapter 2 > Article IV")."""
    parts = _BREADCRUMB_SEPARATOR.split(text.strip())
    if len(parts) < 2 or text.rstrip().endswith((".", ";", ",")) or any(len(p.split()) > 10 or not p for p in parts):
        return False
    return len(parts) >= 3 or bool(_BREADCRUMB_ROOT.search(parts[0]))


def _opens_section(text: str) -> bool:
    """Tell whether a line opens a section by its number ("Sec. 2-401. - Definitions.", "§ 9.64.010 Purpose."), not
    a sentence about one ("Section 2 of the ordinance is amended") nor a bare number ("2020-12")."""
    match = SECTION_MARKER.match(text) or CODE_NUMBER.match(text)
    if not match:
        return False
    rest = text[match.end():].lstrip()
    return (rest[:1].isupper() or rest[:1] in "-\u2013\u2014:" or (not rest and bool(SECTION_MARKER.match(text))))


def _list_numbers(lines: list[SourceLine]) -> dict[int, int]:
    """Return the lines (index -> length of the number) where a website printed a list number before a section:
    "1." alone before "Sec. 2-401. - Definitions." or on its line; at least two, going up by one."""
    found: dict[int, int] = {}
    values: list[int] = []
    for index, line in enumerate(lines):
        if not _LIST_NUMBER.match(line.text):  # the pattern allows the spaces before the number: no strip needed
            continue
        text = line.text.strip()
        number = _LIST_NUMBER.match(text)
        rest = text[number.end():]
        if (not rest and _opens_section(_next_text(lines, index) or "")) or (rest and _opens_section(rest)):
            found[index] = len(line.text) - len(line.text.lstrip()) + number.end()
            values.append(int(number.group("number").rstrip(".")))
    steps = sum(1 for a, b in itertools.pairwise(values) if b == a + 1)
    return found if len(values) >= 2 and steps >= 0.8 * (len(values) - 1) else {}


def _next_text(lines: list[SourceLine], index: int) -> str | None:
    """Return the stripped text of the first line after `index` that is not blank, or None. A pass asks it only of
    lines that are not blank, and each search stops at the next such line: a pass costs one reading of the lines."""
    for following in range(index + 1, len(lines)):
        text = lines[following].text.strip()
        if text:
            return text
    return None


def _drop_site_furniture(lines: list[SourceLine], removed: list[SourceLine]) -> tuple[list[SourceLine], int]:
    """Blank out what a code website prints around the law (buttons, status lines, breadcrumbs, the list numbers
    before its sections) and report each line; a list number before a section marker on the same line is cut off,
    so the section keeps its own number. A one-word button ("Share", "Print") counts only among other furniture."""
    furniture = [index for index in range(len(lines)) if _is_site_furniture(lines, index)]
    nearby = set()  # furniture lines with other furniture at most three lines away
    for a, b in itertools.pairwise(furniture):
        if b - a <= 3:
            nearby.update((a, b))
    furniture_at = {index for index in furniture if index in nearby or len(lines[index].text.split()) > 1}
    list_numbers = _list_numbers(lines)
    result, count = [], 0
    for index, line in enumerate(lines):
        if index in list_numbers:
            cut = list_numbers[index]
            removed.append(SourceLine(line.number, line.text[:cut].strip()))
            result.append(SourceLine(line.number, line.text[cut:].strip()))
            count += 1
        elif index in furniture_at:
            removed.append(SourceLine(line.number, line.text.strip()))
            result.append(SourceLine(line.number, ""))
            count += 1
        elif _DASHED_HEADING.match(line.text):
            # "Sec. 2-401. - Definitions.": the dash a code website prints between a number and its catchline
            result.append(SourceLine(line.number, _DASHED_HEADING.sub(r"\g<marker> ", line.text, count=1)))
        else:
            result.append(line)
    return result, count


def _is_site_furniture(lines: list[SourceLine], index: int) -> bool:
    """Tell whether a line is a website's button, status line or breadcrumb; not a defined term in capitals
    ("SHARE") nor a term whose definition follows in lower case."""
    text = lines[index].text.strip()
    if not 0 < len(text) <= 200:
        return False
    if (">" in text or "\u203a" in text or "\u00bb" in text) and _is_breadcrumb(text):
        return True
    first = text.split(None, 1)[0].lower().rstrip(".:\u2026")
    return first in _FURNITURE_WORDS and bool(_SITE_FURNITURE.match(text)) and not (
        (_next_text(lines, index) or "")[:1].islower() or _is_caps_term(text))


def _is_caps_term(text: str) -> bool:
    """Tell whether a line is written in capitals, as a defined term printed alone on its line ("SHARE")."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


# --- run-in text ---------------------------------------------------------------------------------------------------


_RUN_IN_NEIGHBOUR = 300  # a line this long next to a run-in line is run in too (a page copied as one line)
_ENDS_SENTENCE = re.compile(r"[.:;!?][\"'\u201d\u2019)\]]*\s*$")


def _last_text(block: list[SourceLine]) -> str:
    """Return the last non-blank line of a block."""
    return next((line.text for line in reversed(block) if line.text.strip()), "")


def _unfold_run_in(lines: list[SourceLine], removed: list[SourceLine], notes: list[str],
                   regions: list[dict]) -> list[SourceLine]:
    """Read run-in lines (a law copied as one long line, or a page a line, its labels and line numbers inline) back
    into paragraphs separated by blank lines; report the line numbers removed from them (in `regions`)."""
    # a short line is run-in text only when it holds a chain of sections ("Section 1. … Section 2. …")
    chains = {index for index, line in enumerate(lines)
              if len(line.text) < RUN_IN_MIN_CHARS and opens_section_chain(line.text)}
    if not chains and not any(len(line.text) >= RUN_IN_MIN_CHARS for line in lines):
        return lines
    others = [len(line.text.strip()) for line in lines if 0 < len(line.text.strip()) < RUN_IN_MIN_CHARS]
    typical = statistics.median(others) if len(others) >= 3 else 0.0
    result: list[SourceLine] = []
    block: list[SourceLine] = []  # consecutive long lines, and the blank lines between them
    for index, line in enumerate([*lines, SourceLine(0, "x")]):
        # a line goes on a block of run-in lines when it is long too, or when the block's last long line stops
        # mid-sentence (the last page of a law copied a page a line may be short)
        last = _last_text(block) if block else ""
        goes_on = line.number and len(last) >= _RUN_IN_NEIGHBOUR and not _ENDS_SENTENCE.search(last)
        if len(line.text) >= _RUN_IN_NEIGHBOUR or index in chains or (block and not line.text.strip()) or goes_on:
            block.append(line)
            continue
        if block:
            trailing = []
            while not block[-1].text.strip():
                trailing.insert(0, block.pop())
            result.extend(_unfold_block(block, typical, removed, notes, regions) + trailing)
            block = []
        if line.number:
            result.append(line)
    return result


def _unfold_block(block: list[SourceLine], typical: float, removed: list[SourceLine],
                  notes: list[str], regions: list[dict]) -> list[SourceLine]:
    """Unfold one block of run-in lines into paragraph lines (each on the source line where it starts), or return it
    as it is when it is not run-in text."""
    long = [line for line in block if line.text.strip()]
    unfolded = unfold([line.text for line in long], typical=typical)
    if unfolded is None:
        return block
    result = []
    for index, paragraph in unfolded.paragraphs:
        result.extend((SourceLine(long[index].number, paragraph), SourceLine(long[index].number, "")))
    for index, mark in unfolded.page_marks:
        removed.append(SourceLine(long[index].number, mark))
    for line, numbers in zip(long, unfolded.line_numbers, strict=True):
        if numbers is None:
            continue
        region = line_number_region(list(numbers.values), line.number, line.number, run_in=True)
        regions.append(region)
        notes.append(_region_note(region))
    where = f"line {long[0].number}" if len(long) == 1 else f"lines {long[0].number}\u2013{long[-1].number}"
    notes.append(f"{where} ({sum(len(line.text) for line in long)} characters) run-in text: read as "
                 f"{len(unfolded.paragraphs)} paragraphs at its labels ({unfolded.sections} sections or containers, "
                 f"{unfolded.labels} labelled units)")
    return result


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
