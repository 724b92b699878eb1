"""Run-in text: a law copied from a PDF viewer as one long line (or a few), its labels and line numbers inline.

    "1 SECTION 1. Title. This act may be cited as … 2 SECTION 2. Definitions. (a) As used in this 3 act: (1) …"

`unfold` reads such a line back into paragraphs, one per unit start, for the paragraphs stage:

1. **Inline line numbers.** The bare integers that count the printed lines form their own increasing series (one
   a printed line, a few hundred characters apart at most; restarting at 1 on each page). The longest such chain,
   with the most regular spacing, is chosen over all bare integers of the line (linear: each integer looks back
   only at the few earlier occurrences of its predecessor within a window), removed, and reported; where one
   stood, a printed line began.
2. **Candidate labels**, lexed anywhere in the text (not only at line starts): section markers ("SECTION 1.",
   "Sec. 2.", "§ 3."), code numbers ("16-62.1"), containers ("CHAPTER 3"), bracketed and dotted labels ("(a)",
   "(1)", "(i)", "(A)", "A."), and the starts of front matter, history notes, definitions and closing lines.
3. **A global choice.** A candidate counts only where a unit can start: after the end of a sentence or clause
   (". : ;", "; or"), after a label, or where a printed line began; never after a reference word ("under subsection
   (b)") nor when a reference follows ("(b) of this section", "Section 3(a)"). Section-level candidates are accepted
   as the longest chains of numbers that go up by one in one style (a lone cross-reference does not continue any).
   Bracketed labels are accepted when they continue an open series (one more in its style) or open a new level at
   its first value, and an opened level must be continued (a lone "(i)" of "(i) … or (ii) …" run into a sentence is
   an inline enumeration, not a level).

The decision to unfold at all rests on evidence (see `unfold`): ordinary documents, whose paragraphs are each on
their own line, are never touched.
"""

from __future__ import annotations

import bisect
import itertools
import re
import statistics
from dataclasses import dataclass

from .labels import Reading, read_label, successors

# a run-in line is far longer than any printed line or ordinary paragraph
RUN_IN_MIN_CHARS = 1000
_LINE_NUMBER_GAP = (2, 400)  # characters between two printed line numbers: a blank line to a long one
_MIN_LINE_NUMBERS = 5
_PAGE_MIN_LINES = 5  # numbering may restart at 1 after a page of at least this many lines

_HYPHEN_PREFIXES = frozenset(
    ["anti", "co", "counter", "cross", "non", "post", "pre", "pro", "quasi", "re", "self", "semi", "sub", "super",
     "third", "well", "multi", "inter", "intra"]
)


def join_hyphenated(first: str, second: str) -> str:
    """Join a line ending in a hyphen with the next: "surveil-" + "lance" -> "surveillance"; keep real hyphens."""
    head = first.rstrip()
    word = re.search(r"([A-Za-z]+)-$", head) if head.endswith("-") else None  # no search through a long paragraph
    if word and second[:1].islower() and word.group(1).lower() not in _HYPHEN_PREFIXES:
        return head[:-1] + second.lstrip()
    return head + second.lstrip() if head.endswith(("-", "\u2014", "/")) else f"{head} {second.lstrip()}"


def joined(lines: list[str]) -> tuple[str, list[int]]:
    """Join printed lines into one text as a reader would (a word broken at the end of a line is whole again, "non-"
    keeps its hyphen); return the text and the offset where each line starts."""
    pieces: list[str] = []
    starts: list[int] = []
    total = 0
    for line in lines:
        line = line.strip()
        if pieces and line:
            last = pieces[-1]
            word = _BROKEN_WORD.search(last[-40:]) if last.endswith("-") else None
            if word and line[:1].islower() and word.group(1).lower() not in _HYPHEN_PREFIXES:
                pieces[-1], total, separator = last[:-1], total - 1, ""
            else:
                separator = "" if last.endswith(("-", "\u2014", "/")) else " "
            pieces.append(separator)
            total += len(separator)
        starts.append(total)
        if line:
            pieces.append(line)
            total += len(line)
    return "".join(pieces), starts


# --- 1. inline line numbers --------------------------------------------------------------------------------------

_BROKEN_WORD = re.compile(r"([A-Za-z]+)-$")
_BARE_INTEGER = re.compile(r"(?<!\S)[0-9]{1,5}(?!\S)")


@dataclass(frozen=True)
class LineNumbers:
    """The printed line numbers found inline: their values in order, and the text without them, with the offsets
    (in that text) where each printed line began."""

    values: tuple[int, ...]
    text: str
    line_starts: frozenset[int]

    @property
    def restarts(self) -> int:
        return sum(1 for a, b in itertools.pairwise(self.values) if b <= a)


def _chain(tokens: list[tuple[int, int]], typical: float) -> list[int]:
    """Return the indexes of the best chain of tokens (value, position) whose values go up by one (or restart at 1
    after a page), scored by length and by the regularity of its spacing (`typical` characters a line)."""
    low, high = _LINE_NUMBER_GAP
    score: list[float] = []
    length: list[int] = []
    back: list[int] = []
    latest: dict[int, list[int]] = {}  # value -> its last few occurrences (only those within reach matter)
    page_ends: list[int] = []  # recent tokens ending a chain of at least a page's lines: numbering may restart
    for index, (value, position) in enumerate(tokens):
        best, best_from = 1.0, -1
        options = latest.get(value - 1, ())
        if value == 1:
            options = [*options, *page_ends]
        for earlier in options:
            gap = position - tokens[earlier][1]
            if low <= gap <= high:
                # an integer of the text that happens to follow the count stands off the line spacing
                gain = 1.0 - min(0.9, abs(gap - typical) / typical)
                if score[earlier] + gain > best:
                    best, best_from = score[earlier] + gain, earlier
        score.append(best)
        length.append(length[best_from] + 1 if best_from >= 0 else 1)
        back.append(best_from)
        occurrences = latest.setdefault(value, [])
        occurrences.append(index)
        if len(occurrences) > 8:
            del occurrences[0]
        if length[-1] >= _PAGE_MIN_LINES and value > 1:
            page_ends.append(index)
            if len(page_ends) > 8:
                del page_ends[0]
    if not score:
        return []
    end = max(range(len(score)), key=lambda i: (length[i], score[i]))
    found = []
    while end >= 0:
        found.append(end)
        end = back[end]
    return found[::-1]


def _typical_spacing(tokens: list[tuple[int, int]]) -> float | None:
    """Return the median distance from an integer to the nearest earlier one of one less, when there are enough."""
    low, high = _LINE_NUMBER_GAP
    last: dict[int, int] = {}
    gaps = []
    for value, position in tokens:
        earlier = last.get(value - 1)
        if earlier is not None and low <= position - earlier <= high:
            gaps.append(position - earlier)
        last[value] = position
    return statistics.median(gaps) if len(gaps) >= _MIN_LINE_NUMBERS else None


def find_line_numbers(text: str) -> LineNumbers | None:
    """Find the printed line numbers run into a long line; None when the bare integers form no such series."""
    matches = list(_BARE_INTEGER.finditer(text))
    tokens = [(int(match.group()), match.start()) for match in matches]
    typical = _typical_spacing(tokens)
    if typical is None:
        return None
    chosen = _chain(tokens, typical)
    steps = sum(1 for a, b in itertools.pairwise(chosen) if tokens[b][0] == tokens[a][0] + 1)
    if len(chosen) < _MIN_LINE_NUMBERS or steps < 0.8 * (len(chosen) - 1):
        return None
    cuts = [0]
    for index in chosen:
        cuts.extend((matches[index].start(), matches[index].end()))
    cuts.append(len(text))
    printed_lines = [text[a:b] for a, b in zip(cuts[::2], cuts[1::2], strict=True)]
    body, starts = joined(printed_lines)
    return LineNumbers(tuple(tokens[i][0] for i in chosen), body, frozenset(starts))


# --- 2. candidate labels -----------------------------------------------------------------------------------------

_CANDIDATE = re.compile(
    r"""(?<![\w])(?=[A-Z0-9(\[\u00a7\u201c"])(?:
      (?P<container>(?:CHAPTER|Chapter|ARTICLE|Article|PART|Part|TITLE|Title|DIVISION|Division|SUBCHAPTER
         |Subchapter)\s+(?:[0-9]+[A-Za-z]?(?:[-.][0-9]+[A-Za-z]?)*|[IVXLC]+)\b\.?)
    | (?P<section>(?:SECTION|Section|SEC\.|Sec\.|\u00a7{1,2})\s*[0-9]+[A-Za-z]?(?:[-.:][0-9]+[A-Za-z]?)*\.?)
    | (?P<code>(?<![.$/\u00a7-])[0-9]+[A-Za-z]?(?:[-.][0-9]+[A-Za-z]?)+\.?(?![\w-]))
    | (?P<paren>\((?:[0-9]{1,3}|[a-z]{1,5}|[A-Z]{1,5})\))
    | (?P<dot>(?<![.(\u2019'])(?:[0-9]{1,3}|[A-Z])\.(?=\s))
    | (?P<front>Be\s+it\s+(?:enacted|ordained|resolved)|BE\s+IT\s+(?:ENACTED|ORDAINED|RESOLVED)|WHEREAS|Whereas,
         |NOW,?\s+THEREFORE|Now,?\s+therefore|AN\s+ACT\b|AN\s+ORDINANCE\b|A\s+BILL\b)
    | (?P<history>[\[(]\s*(?:HISTORY|History|Added\s+by|Amended\s+by|Ord\.|Ords\.|Source|Prior\s+code|Res\.
         |Formerly)(?!\w))
    | (?P<term>[\u201c"][^\u201d"]{1,80}[\u201d"](?=\s*,?\s*(?:means|shall\s+mean|includes|refers\s+to
         |has\s+the\s+meaning)\b))
    | (?P<closing>(?:PASSED|Passed|ADOPTED|Adopted|APPROVED|Approved|ENACTED|Enacted|SIGNED|Signed|ATTEST|Attest)\b)
    )""",
    re.VERBOSE,
)
_KINDS = ("container", "section", "code", "paren", "dot", "front", "history", "term", "closing")
SECTION_LEVEL = ("section", "code")
_AFTER_HEADINGS = ("section", "code", "container", "front")  # may follow a heading in capitals or a number
_LABELS = ("paren", "dot")

# what ends a sentence or a clause, so that a unit may start after it ("; or" ends a list item)
_ENDS_CLAUSE = re.compile(r"(?:[.:;!?][\"'\u201d\u2019)\]]*|--|[\u2014\u2013]|;\s*(?:and|or))\s*$")
_ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|No|Nos|Inc|Co|Corp|Jr|Sr|vs?|seq|etc)\.|\b[A-Za-z]\.[A-Za-z]\.)"
                           r"\s*$")
# a heading in capitals, a number or a note in brackets ends just before a title, a formula or a section of run-in
# text ("… BY CITY AGENCIES 9.90.010 Purpose.", "(Ord. 4412 § 1, 2027) 9.90.020 Definitions.")
_CAPS_WORD = re.compile(r"(?:\b[A-Z][A-Z'\u2019-]+|\b[0-9]+)[.,]?\s*$|[)\]]\s*$")
# a heading in capitals (two words, or one after the section number) ends just before a label
_CAPS_HEADING_END = re.compile(r"\b[A-Z][A-Z'\u2019-]+\s+[A-Z][A-Z'\u2019-]*\s*$"
                               r"|(?:\u00a7|SECTION|SEC\.)\s*[0-9][-.0-9]*\.?\s+[A-Z][A-Z'\u2019-]+\s*$")
# what an amending instruction prints before the text it quotes: "the following section:-", "to read as follows:
# “", "by inserting the following paragraph:"; then a label may have any number (it is not this act's own)
_QUOTING = re.compile(r"(?::\s*(?:--|-|\u2014|\u2013)\s*[\u201c\"]?|:\s*[\u201c\"])\s*$")
_QUOTING_LEAD = re.compile(r"\b(?:insert(?:ing|ed)?|add(?:ing|ed)?|amend(?:ing|ed)?|strik(?:ing|e)|substitut(?:ing|e)"
                           r"|to read)\b[^.;]{0,120}\b(?:the following|as follows)\b[^.;:]{0,40}:\s*$", re.IGNORECASE)
# a label at the start of a printed line is still a reference after these words ("under subsection" / "(b)")
_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:sections?|subsections?|paragraphs?|subparagraphs?|clauses?|subclauses?|items?|subdivisions?"
    r"|divisions?|chapters?|articles?|parts?|titles?|rules?|secs?\.|under|in|of|to|and|or|through|with|by|see)"
    r"|\u00a7)\s*$",
    re.IGNORECASE,
)
_REFERENCE_AFTER = re.compile(r"^\s*(?:of\b|and\s*\(|or\s*\(|through\b|to\s*\(|,\s*\()")
_CLOSING_WORDS = re.compile(r"\b(council|mayor|board|legislature|governor|clerk|[0-9]{4})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """A label found anywhere in the text: its kind, where it stands, and the evidence of its place."""

    kind: str
    start: int
    end: int
    text: str
    boundary: bool  # a unit may start here: after a sentence or clause, or where a printed line began
    quoting: bool  # the text before it quotes what follows ("the following section:-")


def _boundary(text: str, start: int, line_starts: frozenset[int], kind: str, label: str) -> tuple[bool, bool]:
    """Tell whether a unit may start at `start`, and whether the text before it opens a quotation."""
    window = text[max(0, start - 200):start]
    if start < 200 and not text[:start].strip():
        return True, False
    if ":" in window[-6:] and (_QUOTING.search(window[-12:]) or _QUOTING_LEAD.search(window)):
        return True, True
    tail = window[-24:]
    if _ENDS_CLAUSE.search(tail):
        return not _ABBREVIATION.search(tail), False
    if start in line_starts:
        return not _REFERENCE_BEFORE.search(tail), False
    if kind in _AFTER_HEADINGS:
        # "… BY CITY AGENCIES 9.90.010", "(Ord. 4412) 9.90.020"; "in Congress assembled, SECTION 1."
        return bool(_CAPS_WORD.search(tail) or (label[:3] in ("SEC", "Sec") and tail.rstrip().endswith(","))), False
    # "§ 4652. PROHIBITION (a) A law enforcement officer …": a heading in capitals without a full stop
    return bool(_CAPS_HEADING_END.search(tail) and not _REFERENCE_BEFORE.search(tail)), False


def _followed_well(kind: str, text: str, end: int, label: str) -> bool:
    """Tell whether what follows a candidate lets it open a unit (not "Section 3(a) of", "(b) of this section")."""
    after = text[end:end + 40]
    first = after.lstrip()[:1]
    if kind in _LABELS:
        if _REFERENCE_AFTER.match(after):
            return False
        return kind == "paren" or first.isupper() or first in "\"\u201c(" or first.isdigit()
    if kind in ("section", "code", "container"):
        if after[:1] and not after[:1].isspace() and after[:1] not in "-\u2014\u2013:":
            return False  # "Section 3(a)", "16-62,"
        return not first or first.isupper() or first in "-\u2014\u2013\"\u201c(:[" or (
            label.endswith(".") and first.isdigit())
    return True


def lex(text: str, line_starts: frozenset[int] = frozenset()) -> list[Candidate]:
    """Return every candidate label of the text, in order, with the evidence of its place."""
    found = []
    for match in _CANDIDATE.finditer(text):
        kind = next(name for name in _KINDS if match.group(name) is not None)
        start, end = match.start(), match.end()
        boundary, quoting = _boundary(text, start, line_starts, kind, match.group())
        boundary = boundary and _followed_well(kind, text, end, match.group())
        found.append(Candidate(kind, start, end, match.group(), boundary, quoting))
    return found


# --- 3. the choice -----------------------------------------------------------------------------------------------

_SECTION_VALUE = re.compile(r"^(?P<marker>\D*?)\s*(?P<prefix>(?:[0-9]+[A-Za-z]?[-.:])*)(?P<number>[0-9]+)"
                            r"(?P<suffix>[A-Za-z]?)\.?$")


def _section_key(candidate: Candidate) -> tuple[tuple[str, str], int, str] | None:
    """Return a section number's series (marker and prefix: "Sec. 2-"), its last number and a letter suffix."""
    match = _SECTION_VALUE.match(candidate.text)
    if not match:
        return None
    marker = match.group("marker").strip()
    # "SECTION 1." then "SEC. 2." (a federal bill): one series; "§" and a bare code number are series of their own
    family = "section" if marker.rstrip(".").lower() in ("section", "sec") else marker
    return (family, match.group("prefix")), int(match.group("number")), match.group("suffix")


# one more; a gap of a repealed section or two; code sections numbered in fives or tens (9.64.010, 9.64.020); "2A"
# after "2"
_SECTION_STEPS = ((1, 1.0), (2, 0.5), (3, 0.3), (5, 1.0), (10, 1.0), (20, 0.5), (0, 1.0))


def _section_chains(candidates: list[Candidate]) -> set[int]:
    """Accept the section-level candidates that form chains going up by one in one series, the best chain first
    (a lone number, such as a cross-reference that happens to follow a full stop, continues none)."""
    score: dict[int, float] = {}
    back: dict[int, int] = {}
    latest: dict[tuple, int] = {}
    for index, candidate in enumerate(candidates):
        key = _section_key(candidate)
        if key is None:
            continue
        series, number, suffix = key
        best, best_from = 1.0, -1
        for step, gain in _SECTION_STEPS:
            earlier = latest.get((series, number - step)) if step or suffix else None
            if earlier is not None and gain and score[earlier] + gain > best:
                best, best_from = score[earlier] + gain, earlier
        score[index], back[index] = best, best_from
        latest[(series, number)] = index
    accepted: set[int] = set()
    for end in sorted(score, key=lambda i: -score[i]):
        chain = []
        while end >= 0 and end not in accepted:
            chain.append(end)
            end = back[end]
        if len(chain) >= 2:
            accepted.update(chain)
    return accepted


# two section markers on a line: the cheap test before `opens_section_chain`
_SECTION_MARKS = re.compile(r"(?<![\w])(?:SECTION|Section|SEC\.|Sec\.|\u00a7{1,2})\s*[0-9].*?"
                            r"(?<![\w])(?:SECTION|Section|SEC\.|Sec\.|\u00a7{1,2})\s*[0-9]")


def opens_section_chain(line: str) -> bool:
    """Tell whether the first section marker of a line that may open a section ("Section 1.", after the preamble
    when one comes first) is continued by one on the same line ("… Section 2. …"): a law pasted as one line, at any
    length. A lone cross-reference ("under section 2.", "Section 2(a)") continues no chain."""
    if not _SECTION_MARKS.search(line):
        return False
    level = [candidate for candidate in lex(line) if candidate.kind == "section" and candidate.boundary]
    if not level:
        return False
    accepted = _section_chains(level)
    opening = _section_key(level[0])
    if 0 not in accepted or opening is None:
        return False
    series, number, _ = opening
    return any((_section_key(level[index]) or (None, None))[:2] == (series, number + 1) for index in accepted)


@dataclass
class _Level:
    """A level open on the stack: its reading, its candidate, and whether it was continued or holds a level."""

    reading: Reading
    index: int
    continued: bool = False
    parent: bool = False
    quoted: bool = False

    @property
    def lonely(self) -> bool:
        return self.reading.ordinal == 1 and not (self.continued or self.parent or self.quoted)


def _decode_labels(candidates: list[Candidate], resets: set[int], rejected: set[int]) -> tuple[set[int], set[int]]:
    """Walk the candidates once with a stack of open levels; return the accepted bracketed and dotted labels and
    the levels opened but never continued."""
    accepted: set[int] = set()
    lonely: set[int] = set()
    stack: list[_Level] = []
    last_end = -1
    following = _next_labels(candidates, resets)

    def close(levels: list[_Level]) -> None:
        lonely.update(level.index for level in levels if level.lonely)

    for index, candidate in enumerate(candidates):
        if index in resets:
            close(stack)
            stack, last_end = [], candidate.end
            continue
        if candidate.kind not in _LABELS or index in rejected:
            continue
        # "(a)(1)", "SECTION 1. (a)": a label right after an accepted one opens a unit too
        if not (candidate.boundary or (last_end >= 0 and not candidate.start - last_end > 2)):
            continue
        found = read_label(candidate.text)
        readings = found[0].readings if found else ()
        if candidate.quoting and readings and not _continuing(stack, readings):
            # the first label of a quoted structure may have any number ("inserting the following:- (2) …")
            close(stack)
            stack = [_Level(readings[0], index, quoted=True)]
        else:
            after = candidates[following[index]] if following[index] >= 0 else None
            choice = _choose(stack, readings, candidate, after)
            if choice is None:
                continue
            depth, reading = choice
            if depth < len(stack):  # continues the level at `depth`
                stack[depth].continued = True
                quoted = stack[depth].quoted
                close(stack[depth + 1:])
                del stack[depth:]
                stack.append(_Level(reading, index, quoted=quoted))
            else:  # opens a level under the innermost one
                if stack:
                    stack[-1].parent = True
                stack.append(_Level(reading, index))
        accepted.add(index)
        last_end = candidate.end
    close(stack)
    return accepted, lonely


def _next_labels(candidates: list[Candidate], resets: set[int]) -> list[int]:
    """Return, for each candidate, the index of the next label that may open a unit in the same section (or -1)."""
    following = [-1] * len(candidates)
    upcoming = -1
    for index in range(len(candidates) - 1, -1, -1):
        following[index] = upcoming
        if index in resets:
            upcoming = -1
        elif candidates[index].kind in _LABELS and candidates[index].boundary:
            upcoming = index
    return following


def _continuing(stack: list[_Level], readings: tuple[Reading, ...]) -> list[tuple[int, Reading]]:
    """Return the (depth, reading) pairs by which a label continues an open level (one more in its style), the
    innermost first."""
    return [(depth, reading) for depth in range(len(stack) - 1, -1, -1) for reading in readings
            if reading.style == stack[depth].reading.style and reading.ordinal == stack[depth].reading.ordinal + 1]


def _choose(stack: list[_Level], readings: tuple[Reading, ...], candidate: Candidate,
            after: Candidate | None) -> tuple[int, Reading] | None:
    """Choose how a label goes on the stack: continuing an open level (its depth), or opening a new one at its first
    value (depth len(stack)); None when it does neither. "(i)" after "(h)" may do both: the next label decides
    ("(ii)": a roman level opens; "(j)": the letters go on), else the open series goes on."""
    choices = _continuing(stack, readings)
    styles = {level.reading.style for level in stack}
    for reading in readings:
        if reading.ordinal == 1 and reading.style not in styles and (
                candidate.kind == "paren" or reading.series in ("digit", "upper")):
            choices.append((len(stack), reading))  # "a." and "i." are too often an initial or the end of a word
    if len(choices) > 1 and after is not None:
        core = after.text.strip("().")
        for depth, reading in choices:
            if successors(reading) == core:
                return depth, reading
    return choices[0] if choices else None


@dataclass(frozen=True)
class Decoded:
    """The paragraph starts chosen in run-in text (units, front matter, notes, definitions), and the units among
    them: where each starts and whether it is a section (or container) or a labelled unit."""

    offsets: tuple[int, ...]
    sections: tuple[int, ...]
    labels: tuple[int, ...]


def decode(text: str, line_starts: frozenset[int] = frozenset()) -> Decoded:
    """Choose the unit starts of run-in text among its candidate labels."""
    candidates = lex(text, line_starts)
    level = [i for i, c in enumerate(candidates) if c.kind in SECTION_LEVEL and c.boundary]
    sections = {level[i] for i in _section_chains([candidates[i] for i in level])}
    # "the following section:- Section 221." opens a quoted structure, outside the series of the act's own sections
    sections |= {i for i in level if candidates[i].quoting}
    if not sections and level and (candidates[level[0]].kind == "section" or not text[:candidates[level[0]].start]
                                   .strip()):
        sections.add(level[0])  # a law of one section, or a single code section copied on its own
    containers = {i for i, c in enumerate(candidates) if c.kind == "container" and c.boundary}
    rejected: set[int] = set()
    labels: set[int] = set()
    for _ in range(4):  # a level never continued is an inline enumeration: decide again without it
        labels, lonely = _decode_labels(candidates, sections | containers, rejected)
        if not lonely:
            break
        rejected |= lonely
        labels -= lonely
    units = sections | containers | labels
    starts = set(units)
    last_unit = max((candidates[i].start for i in units), default=-1)
    for index, candidate in enumerate(candidates):
        if not candidate.boundary or index in starts:
            continue
        opens = candidate.kind in ("history", "term") or (candidate.kind == "front" and _opens_front(candidate))
        closes = candidate.kind == "closing" and candidate.start > last_unit and bool(
            _CLOSING_WORDS.search(text[candidate.end:candidate.end + 200]))
        if opens or closes:
            starts.add(index)
    offsets, previous_end = [], -1
    for index in sorted(starts):
        candidate = candidates[index]
        if previous_end < 0 or text[previous_end:candidate.start].strip(" ,"):
            # a quoted unit keeps its opening mark ("the following paragraph:- “(3) …")
            quoted = candidate.start > 0 and text[candidate.start - 1] in "\u201c\u2018\""
            offsets.append(candidate.start - quoted)
        previous_end = candidate.end  # labels run together ("(a)(1)", "SECTION 1. (a)") stay together
    return Decoded(tuple(offsets), tuple(sorted(candidates[i].start for i in sections | containers)),
                   tuple(sorted(candidates[i].start for i in labels)))


def _opens_front(candidate: Candidate) -> bool:
    """Tell whether front matter opens here: "AN ACT" in capitals is a title, "An Act" in a sentence is not."""
    return candidate.text[:1] != "A" or candidate.text.isupper()


@dataclass(frozen=True)
class Unfolding:
    """Run-in lines read back into paragraphs (one per unit start), with the line numbers removed from them."""

    paragraphs: tuple[tuple[int, str], ...]  # (index of the line the paragraph starts on, its text)
    line_numbers: tuple[LineNumbers | None, ...]  # per line, the printed line numbers removed from it
    page_marks: tuple[tuple[int, str], ...]  # (index of the line, "Page 2 of 5") page footers run into the text
    sections: int
    labels: int


_PAGE_MARK = re.compile(r"(?<![\w-])(?:Page|PAGE)\s+[0-9]{1,4}\s+(?:of|OF)\s+[0-9]{1,4}(?![\w-])")
_ENDS_SENTENCE = re.compile(r"[.:;!?][\"'\u201d\u2019)\]]*$")
_ENDS_FULL_SENTENCE = re.compile(r"[a-z0-9)][.!?][\"'\u201d\u2019)\]]*\s*$")


def unfold(lines: list[str], *, typical: float) -> Unfolding | None:
    """Read consecutive run-in lines (a page each, or the whole law on one) back into paragraphs, or return None
    when they are not run-in text. The lines are read as one text, so that a unit may go on from one to the next.

    The evidence, with one line of at least RUN_IN_MIN_CHARS characters or one that opens a chain of sections
    (`opens_section_chain`), is units that start inside a line (one is
    enough): printed line numbers run into the lines and a unit; a second section; two labelled units that each
    follow a full stop (a list run into a sentence follows ";" or ","); four or more labelled units, with a line at
    least five times longer than the document's `typical` line (the median length of its ordinary lines; 0 when it
    has too few to tell)."""
    if max(map(len, lines), default=0) < RUN_IN_MIN_CHARS and not any(map(opens_section_chain, lines)):
        return None
    marks = tuple((index, match.group()) for index, line in enumerate(lines) for match in _PAGE_MARK.finditer(line))
    if marks:
        lines = [_PAGE_MARK.sub(" ", line) for line in lines]
    numbers = [find_line_numbers(line) if len(line) >= RUN_IN_MIN_CHARS // 4 else None for line in lines]
    texts = [found.text if found else line.strip() for line, found in zip(lines, numbers, strict=True)]
    body, offsets = joined(texts)
    # a line that ends a sentence ends a paragraph too (a page ending between two paragraphs)
    breaks = {offsets[i] for i in range(1, len(texts))
              if texts[i] and _ENDS_SENTENCE.search(body[max(0, offsets[i] - 8):offsets[i]].rstrip())}
    printed_lines = {offset + start for offset, found in zip(offsets, numbers, strict=True) if found
                     for start in found.line_starts}
    decoded = decode(body, frozenset(printed_lines | breaks))
    # units that start inside a line are the evidence: in an ordinary document every unit starts a line
    line_offsets = set(offsets)
    sections = sum(1 for offset in decoded.sections if offset not in line_offsets)
    inline = [offset for offset in decoded.labels if offset not in line_offsets]
    # a label after a full stop starts a second unit on the line, where a list run into a sentence follows ";" or ","
    after_sentences = sum(1 for offset in inline if _ENDS_FULL_SENTENCE.search(body[max(0, offset - 8):offset]))
    longest = max(map(len, texts))
    evident = (any(numbers) and sections + len(inline) >= 1) or (sections >= 1 and len(decoded.sections) >= 2) or (
        after_sentences >= 2) or (len(inline) >= 4 and longest >= max(2 * RUN_IN_MIN_CHARS, 5 * typical))
    if not evident:
        return None
    bounds = sorted({0, *decoded.offsets, *breaks, len(body)})
    paragraphs = []
    for start, end in itertools.pairwise(bounds):
        piece = body[start:end].strip()
        if piece:
            paragraphs.append((bisect.bisect_right(offsets, start) - 1, piece))
    return Unfolding(tuple(paragraphs), tuple(numbers), marks, len(decoded.sections), len(decoded.labels))
