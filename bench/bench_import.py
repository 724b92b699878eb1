"""Benchmark the plain-text importer on every input shape, against the floor of reading the same text.

    python bench/bench_import.py                        # every shape, the browser preview, the linearity check
    python bench/bench_import.py --quick                # every shape at a fifth of its size, fewer runs
    python bench/bench_import.py --shapes short-lines-paren one-long-line
    python bench/bench_import.py --linearity ordinance short-lines-dot   # exponent of time vs size, 100 KB-2 MB
    python bench/bench_import.py --profile definitions-heavy [--size 500] # cProfile one import of a shape
    python bench/bench_import.py --list                 # the shapes and what each is

**Floor.** What any importer must at least do with the same bytes: decode them (UTF-8), normalise the characters
(line endings, NFC, drop the invisible and control characters clean-up drops and fold the spaces it folds, as two
regex substitutions), split the lines and match one simple label regex per line. It is written here, not taken
from `cleanup.py`, so that it stays the same yardstick whatever the importer's own clean-up costs.

**Timed.** `import_upload(data, "text/plain", doc_type=...)`: clean-up, paragraphs, structure, AKN, eIds (not
validation), in CPU seconds of this process (`--wall` for the wall clock; on a shared machine the CPU time is the
steadier figure, and on an idle one the two agree). After one warm-up run of each, floor and import runs alternate;
each import run is divided by the floor run next to it. Printed per shape: the median import time, microseconds
per KB of input, the median floor time, the ratio import / floor (min, median, max over the runs), the provisions
made (elements with an eId in the body) and microseconds per provision; then the worst shape (highest median ratio)
and the slowest per byte. A text of one short labelled line after another makes a provision every few bytes, and a
provision costs what it costs (AKN elements, an eId, a line of the report): per byte it is the slowest shape, per
provision one of the quickest. A shape whose warm-up import takes more than SLOW_SECONDS counts the warm-up as a run
and stops after BUDGET_SECONDS of imports.

**Linearity.** The same shape at 100 KB, 200 KB, 500 KB, 1 MB and 2 MB (best of REPEAT_LINEAR runs each); the
exponent is the slope of log(seconds) against log(bytes), least squares: 1.0 is linear, 2.0 quadratic. By default
the ordinance and the worst shape of the run. Sizes past one import of CUTOFF_SECONDS are skipped.

**Preview.** What the browser waits for after an upload: `services.imports.preview_import` (import, serialise,
validate against the AKN schema, parse again, list the provisions) of a 200 KB pasted ordinance, against the same
floor.

The issue's targets: a 500 KB ordinance in under 1 s, a 2 MB municipal code in under 3 s, linear, and no input
shape much slower per byte than another.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import math
import pstats
import random
import re
import statistics
import sys
import textwrap
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drafting.importers import TEXT_PLAIN, import_upload

KB = 1000
REPEAT = 5
QUICK_REPEAT = 3
REPEAT_LINEAR = 3
SLOW_SECONDS = 3.0
BUDGET_SECONDS = 30.0
CUTOFF_SECONDS = 60.0
LINEAR_SIZES_KB = (100, 200, 500, 1000, 2000)
TARGETS = (("ordinance", 500, 1.0), ("municipal-code", 2000, 3.0), ("ordinance", 2000, 3.0))
LINES_PER_PAGE = 25
FLOOR_LABEL = re.compile(r"^\s*\(?[0-9A-Za-z]{1,4}[.)]")
# the characters clean-up drops (bidirectional controls, invisible characters, C0 and C1 controls) and the spaces it
# folds, as two substitutions: the normalisation the importer does, done as cheaply as Python can
FLOOR_DROPPED = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b-\u200d\u2060\ufeff\u00ad"
                           "\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
FLOOR_SPACES = re.compile("[\u00a0\u2007\u202f\u2002\u2003\u2009\u200a\u3000\t\v]")
PRINTED_SECTION = re.compile(r"\bSECTION \d+\.")

_VOCABULARY = (
    "agency department official surveillance technology data information public record request council city "
    "person individual system use acquire retain access share operate policy report annual review oversight "
    "hearing approval notice community law enforcement purpose authorized prohibited biometric facial recognition "
    "image video camera location vendor contract third party warrant court order emergency exigent circumstances "
    "audit compliance violation remedy civil action damages relief employee supervisor training retention period "
    "deletion disclosure privacy rights civil liberties impact assessment evaluation committee chair clerk budget "
    "funding grant procurement specification capability deployment fixed mobile network storage analysis"
)
_WORDS = _VOCABULARY.split()
_VERBS = ("shall", "may", "shall not", "must")
_ACTIONS = (
    "submit", "approve", "publish", "review", "retain", "delete", "disclose", "acquire", "use", "notify",
    "maintain", "report", "consider", "adopt", "prohibit",
)
_HEADINGS = (
    "Purpose", "Findings", "Applicability", "Council approval", "Surveillance impact report",
    "Surveillance use policy", "Annual surveillance report", "Prohibited uses", "Exigent circumstances",
    "Enforcement", "Whistleblower protections", "Severability", "Effective date", "Oversight board",
    "Data retention", "Public hearing", "Contracts with vendors", "Training", "Audit", "Reporting",
)
_TERMS = (
    "Surveillance technology", "Face surveillance", "Face surveillance system", "City department", "City official",
    "Annual surveillance report", "Exigent circumstances", "Biometric data", "Personal communication device",
    "Surveillance use policy", "Third party", "Technology vendor", "Law enforcement official", "Public hearing",
)
_ROMANS = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii")


def _sentence(rng: random.Random, words: int | None = None) -> str:
    count = words or rng.randint(8, 30)
    body = " ".join(rng.choice(_WORDS) for _ in range(count - 3))
    text = f"The {body.split(' ', 1)[0]} {rng.choice(_VERBS)} {rng.choice(_ACTIONS)} {body.split(' ', 1)[-1]}"
    return text[0].upper() + text[1:]


def _list_item_end(index: int, count: int) -> str:
    return ";" if index < count - 2 else ("; or" if index == count - 2 else ".")


def _labelled_list(rng: random.Random, depth: int, style: int) -> list[str]:
    """Return the paragraphs of a list: (a) items, some with (1) items, some with (A) or (i) items."""
    count = rng.randint(2, 5)
    paragraphs = []
    for index in range(count):
        if style == 0:
            label = f"({chr(ord('a') + index)})"
        elif style == 1:
            label = f"({index + 1})"
        else:
            label = f"({_ROMANS[index]})"
        if depth < 2 and rng.random() < 0.35:
            paragraphs.append(f"{label} {_sentence(rng, 12)}:")
            paragraphs.extend(_labelled_list(rng, depth + 1, style + 1))
        else:
            paragraphs.append(f"{label} {_sentence(rng)}{_list_item_end(index, count)}")
    return paragraphs


def _section(rng: random.Random, number: int, *, definitions: bool) -> list[str]:
    if definitions:
        paragraphs = [f"SECTION {number}. Definitions.", "For the purposes of this ordinance:"]
        for term in rng.sample(_TERMS, rng.randint(4, 8)):
            paragraphs.append(f"\u201c{term}\u201d means {_sentence(rng).lower()}.")
        return paragraphs
    paragraphs = [f"SECTION {number}. {rng.choice(_HEADINGS)}."]
    if rng.random() < 0.3:
        paragraphs.append(f"{_sentence(rng)}. {_sentence(rng)}.")
        return paragraphs
    count = rng.randint(2, 4)
    for index in range(count):
        label = f"({chr(ord('a') + index)})"
        if rng.random() < 0.4:
            paragraphs.append(f"{label} {_sentence(rng, 14)}:")
            paragraphs.extend(_labelled_list(rng, 1, 1))
        else:
            paragraphs.append(f"{label} {_sentence(rng)}.")
    return paragraphs


def generate_ordinance(size: int, *, seed: int = 1, numbered: bool = False) -> str:
    """Return a realistic ordinance of about `size` characters (whole sections), deterministic for a seed."""
    rng = random.Random(seed)
    front = [
        "CITY OF SPRINGFIELD",
        "In the Year Two Thousand and Twenty-Four",
        "AN ORDINANCE ESTABLISHING COMMUNITY CONTROL OVER SURVEILLANCE TECHNOLOGY",
    ]
    front += [f"WHEREAS, {_sentence(rng).lower()}; and" for _ in range(4)]
    front.append("NOW, THEREFORE, BE IT ORDAINED by the City Council of the City of Springfield, as follows:")
    end = ["Passed by the City Council on March 3, 2024."]
    paragraphs = list(front)
    length = sum(len(p) + 2 for p in front + end)
    number = 1
    while length < size:
        section = _section(rng, number, definitions=number == 2 or rng.random() < 0.04)
        paragraphs.extend(section)
        length += sum(len(p) + 2 for p in section)
        number += 1
    paragraphs.extend(end)
    if not numbered:
        return "\n\n".join(paragraphs) + "\n"
    return _line_numbered(paragraphs)


def _line_numbered(paragraphs: list[str], per_page: int = LINES_PER_PAGE) -> str:
    """Wrap paragraphs at 72 columns and number the lines of each page from 1, with a "Page n of m" footer."""
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(textwrap.wrap(paragraph, 72, break_on_hyphens=False, break_long_words=False))
        lines.append("")
    pages = (len(lines) + per_page - 1) // per_page
    out = io.StringIO()
    for start in range(0, len(lines), per_page):
        for number, line in enumerate(lines[start : start + per_page], start=1):
            out.write(f"{number:>2} {line}".rstrip() + "\n")
        out.write(f"\n                              Page {start // per_page + 1} of {pages}\n\n")
    return out.getvalue()




# --- the other shapes ----------------------------------------------------------------------------------------------


def _until(size: int, lines: Callable[[int], list[str]], *, separator: str = "\n") -> str:
    """Join the lines of numbered chunks (chunk 1, 2, …) until the text holds `size` characters."""
    out, length, number = [], 0, 1
    while length < size:
        chunk = lines(number)
        out.extend(chunk)
        length += sum(len(line) + len(separator) for line in chunk)
        number += 1
    return separator.join(out) + "\n"


def short_lines_paren(size: int) -> str:
    """One label per line, "(a) x" to "(z) x" over and over: the most labels per byte."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return _until(size, lambda n: [f"({letters[(n - 1) % 26]}) x"])


def short_lines_dot(size: int) -> str:
    """One label per line, "1. x" to "999. x" over and over."""
    return _until(size, lambda n: [f"{(n - 1) % 999 + 1}. x"])


def one_long_line(size: int) -> str:
    """The generated ordinance pasted without a single line break."""
    return " ".join(generate_ordinance(size).split()) + "\n"


def wrapped_paragraph(size: int) -> str:
    """One sentence of `size` characters wrapped at 72 columns, with a blank line (a page break) every 25 lines."""
    rng = random.Random(3)
    words = []
    length = 0
    while length < size:
        word = rng.choice(_WORDS) + ("," if rng.random() < 0.05 else "")
        words.append(word)
        length += len(word) + 1
    lines = textwrap.wrap("SECTION 1. Findings. The council finds that " + " ".join(words) + ".", 72)
    out = []
    for index, line in enumerate(lines):
        if index and index % LINES_PER_PAGE == 0:
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"


_DEEP_STYLES = (
    lambda i: f"({chr(ord('a') + i)})", lambda i: f"({i + 1})", lambda i: f"({chr(ord('A') + i)})",
    lambda i: f"({('i', 'ii', 'iii')[i]})", lambda i: f"({('I', 'II', 'III')[i]})", lambda i: f"{chr(ord('a') + i)}.",
    lambda i: f"{i + 1})", lambda i: f"{chr(ord('a') + i)})",
)


def deep_nesting(size: int) -> str:
    """Sections whose lists nest eight levels deep: (a) (1) (A) (i) (I) a. 1) a), two items at each level."""
    rng = random.Random(5)

    def items(depth: int) -> list[str]:
        out = []
        for index in range(2):
            label = _DEEP_STYLES[depth](index)
            if depth + 1 < len(_DEEP_STYLES):
                out.append(f"{label} {_sentence(rng, 8)}:")
                out.extend(items(depth + 1))
            else:
                out.append(f"{label} {_sentence(rng, 10)}{';' if index == 0 else '.'}")
        return out

    return _until(size, lambda n: [f"SECTION {n}. {rng.choice(_HEADINGS)}.", "", *items(0), ""])


def _terms() -> Iterator[str]:
    """Distinct terms of two words, then of three (about 12,000 of two)."""
    rng = random.Random(11)
    pairs = [f"{a} {b}" for a, b in itertools.permutations(sorted(set(_WORDS)), 2)]
    rng.shuffle(pairs)
    for words in itertools.chain(pairs, (f"{pair} {word}" for word in sorted(set(_WORDS)) for pair in pairs)):
        yield words[0].upper() + words[1:]


def definitions_heavy(size: int) -> str:
    """One definitions section of thousands of distinct terms: “Term” means …, TERM. …, and (n) “Term” means …."""
    rng = random.Random(7)
    terms = _terms()
    head = ["AN ORDINANCE DEFINING THE TERMS OF SURVEILLANCE", "SECTION 1. Definitions.",
            "For the purposes of this ordinance, the following terms have the meanings given:"]

    def definition(n: int) -> list[str]:
        term = next(terms)
        kind = n % 7
        if kind == 5:
            return [f"{term.upper()}. {_sentence(rng)}."]
        if kind == 6:
            return [f"({n}) \u201c{term}\u201d means {_sentence(rng).lower()}."]
        return [f"\u201c{term}\u201d means {_sentence(rng).lower()}."]

    return "\n\n".join(head) + "\n\n" + _until(size, definition, separator="\n\n")


def headings_on_own_line(size: int) -> str:
    """A bill whose section numbers stand alone, the heading in capitals on the next line, then the text."""
    rng = random.Random(13)

    def section(n: int) -> list[str]:
        lines = [f"SEC. {n}.", "", f"{rng.choice(_HEADINGS).upper()}.", "", f"{_sentence(rng)}.", ""]
        if n % 2:
            lines += [f"(a) {_sentence(rng)}.", "", f"(b) {_sentence(rng)}.", ""]
        return lines

    return "A BILL\n\nTo establish community control over surveillance.\n\n" + _until(size, section)


def municipal_code(size: int) -> str:
    """A municipal code: chapters, numbered code sections with dotted letters and digits, history notes, and
    adoption lines inside the body."""
    rng = random.Random(17)

    def chapter(n: int) -> list[str]:
        lines = [f"CHAPTER {n}.64 {rng.choice(_HEADINGS).upper()}", ""]
        for s in range(1, 9):
            lines += [f"{n}.64.{s * 10:03d} {rng.choice(_HEADINGS)}.", ""]
            for letter in "ABCD"[: rng.randint(1, 4)]:
                lines += [f"{letter}. {_sentence(rng)}:" if letter == "B" else f"{letter}. {_sentence(rng)}.", ""]
                if letter == "B":
                    lines += [f"{d}. {_sentence(rng)};" for d in (1, 2)] + [f"3. {_sentence(rng)}.", ""]
            lines += [f"(Ord. {10000 + n * 10 + s} \u00a7 {s}, {1990 + s % 30})", ""]
            if s % 4 == 0:
                lines += [f"Approved by the City Council on June {s}, 2019.", ""]
        return lines

    return _until(size, chapter)


def gpo_bill(size: int) -> str:
    """A federal bill as GPO prints plain text: ``quotes'', SEC. n. SHORT TITLE., (1) Heading.--The term …,
    indented wrapped lines."""
    rng = random.Random(19)
    head = ["[Congressional Bills 118th Congress]", "[From the U.S. Government Publishing Office]", "",
            "118th CONGRESS", "  1st Session", "                                 S. 681", "",
            "  To prohibit biometric surveillance by the Federal Government.", "", "",
            "                   IN THE SENATE OF THE UNITED STATES", "", "                                 A BILL",
            "", "  To prohibit biometric surveillance by the Federal Government.", "",
            "    Be it enacted by the Senate and House of Representatives of the United States of America in "
            "Congress assembled,", ""]

    def section(n: int) -> list[str]:
        lines = [f"SEC. {n}. {rng.choice(_HEADINGS).upper()}.", ""]
        for index in range(rng.randint(2, 5)):
            term = rng.choice(_TERMS)
            text = (f"({index + 1}) {term}.--The term ``{term.lower()}'' means {_sentence(rng).lower()}"
                    f"{';' if index < 4 else '.'}")
            lines += textwrap.wrap(text, 68, initial_indent="    ", subsequent_indent="")
            if index == 1:
                for sub in "AB":
                    lines += textwrap.wrap(f"({sub}) {_sentence(rng)};", 64, initial_indent="        ")
        return [*lines, ""]

    return "\n".join(head) + "\n" + _until(size, section)


def stray_quotes(size: int) -> str:
    """Sections whose text opens GPO quotes (``) that never close (''): each would be read to the end of the text."""
    rng = random.Random(23)
    return _until(size, lambda n: [f"SECTION {n}. {rng.choice(_HEADINGS)}.", "",
                                   f"(a) The ``{rng.choice(_TERMS).lower()} {_sentence(rng)}.", ""])


class Shape(NamedTuple):
    """An input shape: how to write it at a size, its default size and the document type it is imported as."""

    name: str
    make: Callable[[int], str]
    size_kb: int
    doc_type: str = "ordinance"
    description: str | None = None

    @property
    def about(self) -> str:
        return " ".join((self.description or self.make.__doc__ or "").split())


SHAPES = (
    Shape("ordinance", generate_ordinance, 50),
    Shape("ordinance", generate_ordinance, 500),
    Shape("ordinance", generate_ordinance, 2000),
    Shape("line-numbered", lambda size: generate_ordinance(size, numbered=True), 500, "bill",
          "The ordinance wrapped at 72 columns, the lines of each page numbered 1-25, a 'Page n of m' footer."),
    Shape("short-lines-paren", short_lines_paren, 1000),
    Shape("short-lines-dot", short_lines_dot, 1000),
    Shape("one-long-line", one_long_line, 200),
    Shape("wrapped-paragraph", wrapped_paragraph, 200),
    Shape("deep-nesting", deep_nesting, 500),
    Shape("definitions-heavy", definitions_heavy, 500),
    Shape("headings-on-own-line", headings_on_own_line, 500, "bill"),
    Shape("municipal-code", municipal_code, 2000),
    Shape("gpo-bill", gpo_bill, 500, "bill"),
    Shape("stray-quotes", stray_quotes, 200),
)
SHAPE_NAMES = tuple(dict.fromkeys(shape.name for shape in SHAPES))


def shape_named(name: str) -> Shape:
    return next(shape for shape in SHAPES if shape.name == name)


# --- measuring -----------------------------------------------------------------------------------------------------


def floor(data: bytes) -> int:
    """Decode, normalise the characters, split the lines and match one label regex per line: the least any importer
    does with the same bytes."""
    text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    text = FLOOR_SPACES.sub(" ", FLOOR_DROPPED.sub("", unicodedata.normalize("NFC", text)))
    return sum(1 for line in text.split("\n") if FLOOR_LABEL.match(line))


def import_data(data: bytes, doc_type: str):
    return import_upload(data, TEXT_PLAIN, doc_type=doc_type)


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
clock = CLOCKS["cpu"]


def timed(function: Callable[[], object]) -> tuple[float, object]:
    start = clock()
    result = function()
    return clock() - start, result


class Row:
    """The runs of one shape at one size (a plain class: tests load this file without registering it as a module,
    which dataclasses need)."""

    def __init__(self, shape: str, size_kb: int, size: int, *, printed_sections: int = 0):
        self.shape, self.size_kb, self.bytes, self.printed_sections = shape, size_kb, size, printed_sections
        self.imports: list[float] = []
        self.floors: list[float] = []
        self.counts: dict = {}

    @property
    def seconds(self) -> float:
        return statistics.median(self.imports)

    @property
    def floor(self) -> float:
        return statistics.median(self.floors)

    @property
    def ratios(self) -> list[float]:
        return [run / base for run, base in zip(self.imports, self.floors, strict=True)]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def provisions(self) -> int:
        return sum(count for name, count in self.counts.items() if name != "definitions")

    @property
    def us_per_kb(self) -> float:
        return self.seconds * 1e6 / (self.bytes / 1024)


def measure(shape: Shape, size_kb: int, repeat: int) -> Row:
    """Alternate floor and import runs on one input, after a warm-up run of each."""
    data = shape.make(size_kb * KB).encode("utf-8")
    row = Row(shape.name, size_kb, len(data), printed_sections=len(PRINTED_SECTION.findall(data.decode())))
    floor(data)
    warm, result = timed(lambda: import_data(data, shape.doc_type))
    if warm > SLOW_SECONDS:
        # too slow to repeat freely: the warm-up counts, with a floor run of its own
        row.imports.append(warm)
        row.floors.append(timed(lambda: floor(data))[0])
    while len(row.imports) < repeat and sum(row.imports) < BUDGET_SECONDS:
        row.floors.append(timed(lambda: floor(data))[0])
        seconds, result = timed(lambda: import_data(data, shape.doc_type))
        row.imports.append(seconds)
    row.counts = result.report["counts"]
    return row


def _print_header() -> None:
    print(f"{'shape':<21} {'size':>7} {'bytes':>9} {'seconds':>8} {'us/KB':>7} {'floor s':>8} "
          f"{'ratio min/median/max':>21} {'runs':>4} {'provisions':>10} {'us/prov':>7} {'defs':>5}")


def _print_row(row: Row) -> None:
    ratios = row.ratios
    spread = f"{min(ratios):.0f}/{row.ratio:.0f}/{max(ratios):.0f}"
    print(f"{row.shape:<21} {row.size_kb:>5}KB {row.bytes:>9} {row.seconds:>8.3f} {row.us_per_kb:>7.0f} "
          f"{row.floor:>8.4f} {spread:>21} {len(row.imports):>4} {row.provisions:>10} "
          f"{row.seconds * 1e6 / max(row.provisions, 1):>7.0f} {row.counts.get('definitions', 0):>5}", flush=True)


def run_shapes(names: list[str], *, scale: float, repeat: int) -> list[Row]:
    rows = []
    for shape in SHAPES:
        if shape.name in names:
            rows.append(measure(shape, max(1, round(shape.size_kb * scale)), repeat))
            _print_row(rows[-1])
    return rows


def summarise(rows: list[Row], scale: float) -> Row:
    worst = max(rows, key=lambda row: row.ratio)
    fastest = min(rows, key=lambda row: row.ratio)
    print(f"worst shape: {worst.shape} ({worst.size_kb} KB): {worst.seconds:.3f} s, {worst.us_per_kb:.0f} us/KB, "
          f"{worst.ratio:.0f} x the floor; {worst.ratio / fastest.ratio:.1f} x the ratio of the best shape "
          f"({fastest.shape}, {fastest.ratio:.0f} x)")
    slowest = max(rows, key=lambda row: row.us_per_kb)
    quickest = min(rows, key=lambda row: row.us_per_kb)
    print(f"slowest per byte: {slowest.shape} ({slowest.size_kb} KB): {slowest.us_per_kb:.0f} us/KB, "
          f"{slowest.us_per_kb / quickest.us_per_kb:.1f} x the quickest ({quickest.shape}, "
          f"{quickest.us_per_kb:.0f} us/KB)")
    if scale == 1:
        for name, size_kb, limit in TARGETS:
            for row in rows:
                if row.shape == name and row.size_kb == size_kb:
                    met = "met" if row.seconds < limit else "NOT met"
                    print(f"target: {name} {size_kb} KB in under {limit:.0f} s: {met} ({row.seconds:.3f} s)")
    lost = [row for row in rows if row.shape == "ordinance" and row.counts.get("section", 0) != row.printed_sections]
    if lost:
        print("ordinance sections found/printed differ: the import lost structure (see bench/README.md)")
    return worst


def linearity(name: str, sizes_kb: tuple[int, ...] = LINEAR_SIZES_KB) -> float | None:
    """Print the best time of one shape at each size and the exponent of time against size."""
    shape = shape_named(name)
    points = []
    for size_kb in sizes_kb:
        data = shape.make(size_kb * KB).encode("utf-8")
        best = math.inf
        for _ in range(REPEAT_LINEAR):
            seconds, _ = timed(lambda data=data: import_data(data, shape.doc_type))
            best = min(best, seconds)
            if seconds > SLOW_SECONDS:
                break
        points.append((len(data), best))
        print(f"  {name:<21} {size_kb:>5}KB {best:>8.3f} s {best * 1e6 / (len(data) / 1024):>7.0f} us/KB", flush=True)
        if best > CUTOFF_SECONDS:
            print(f"  (larger sizes skipped: one import took more than {CUTOFF_SECONDS:.0f} s)")
            break
    if len(points) < 2:
        return None
    xs = [math.log(size) for size, _ in points]
    ys = [math.log(seconds) for _, seconds in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)
    first, last = points[0], points[-1]
    print(f"linearity of {name}: exponent {slope:.2f} from {first[0] // 1000} KB to {last[0] // 1000} KB "
          f"(1.0 linear, 2.0 quadratic); {first[1] * 1e6 / (first[0] / 1024):.0f} -> "
          f"{last[1] * 1e6 / (last[0] / 1024):.0f} us/KB")
    return slope


def preview(size_kb: int = 200, repeat: int = 3) -> None:
    """Time what the browser waits for after pasting a text (services.imports.preview_import)."""
    from drafting.services.imports import ImportInput, preview_import

    data = generate_ordinance(size_kb * KB).encode("utf-8")
    given = ImportInput(data, TEXT_PLAIN, {"type": "ordinance"}, "pasted text")
    preview_import(given, max_docx_unpacked=1 << 26)
    floor(data)
    runs, floors = [], []
    for _ in range(repeat):
        floors.append(timed(lambda: floor(data))[0])
        runs.append(timed(lambda: preview_import(given, max_docx_unpacked=1 << 26))[0])
    ratios = sorted(run / base for run, base in zip(runs, floors, strict=True))
    print(f"browser preview of a {size_kb} KB paste (import, validate, provisions): {statistics.median(runs):.3f} s, "
          f"{statistics.median(ratios):.0f} x the floor (min {ratios[0]:.0f}, max {ratios[-1]:.0f})")


def profile(name: str, size_kb: int | None = None, top: int = 25) -> None:
    shape = shape_named(name)
    data = shape.make((size_kb or shape.size_kb) * KB).encode("utf-8")
    profiler = cProfile.Profile()
    profiler.enable()
    import_data(data, shape.doc_type)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shapes", nargs="+", choices=SHAPE_NAMES, default=list(SHAPE_NAMES))
    parser.add_argument("--quick", action="store_true", help="every size divided by 5, three runs")
    parser.add_argument("--repeat", type=int, help=f"import runs per shape (default {REPEAT})")
    parser.add_argument("--linearity", nargs="*", choices=SHAPE_NAMES, metavar="SHAPE",
                        help="shapes to fit (default: ordinance and the worst shape; none: skip)")
    parser.add_argument("--no-preview", action="store_true", help="skip the browser preview")
    parser.add_argument("--profile", choices=SHAPE_NAMES, metavar="SHAPE", help="profile one import of a shape")
    parser.add_argument("--size", type=int, metavar="KB", help="with --profile: the size in KB")
    parser.add_argument("--list", action="store_true", help="list the shapes")
    parser.add_argument("--wall", action="store_true", help="time by the wall clock instead of CPU time")
    args = parser.parse_args(argv)
    global clock
    clock = CLOCKS["wall" if args.wall else "cpu"]
    if args.list:
        for name in SHAPE_NAMES:
            shape = shape_named(name)
            sizes = ", ".join(f"{s.size_kb} KB" for s in SHAPES if s.name == name)
            print(f"{name:<21} {sizes:<22} {shape.about}")
        return 0
    if args.profile:
        profile(args.profile, args.size)
        return 0
    scale = 0.2 if args.quick else 1.0
    repeat = args.repeat or (QUICK_REPEAT if args.quick else REPEAT)
    print(f"times are {'wall-clock' if args.wall else 'CPU'} seconds of this process")
    _print_header()
    rows = run_shapes(args.shapes, scale=scale, repeat=repeat)
    worst = summarise(rows, scale)
    if not args.no_preview:
        preview(max(1, round(200 * scale)))
    names = args.linearity if args.linearity is not None else list(dict.fromkeys(["ordinance", worst.shape]))
    for name in names:
        linearity(name, LINEAR_SIZES_KB if not args.quick else LINEAR_SIZES_KB[:3])
    return 0


if __name__ == "__main__":
    sys.exit(main())
