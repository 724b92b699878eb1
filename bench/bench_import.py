"""Benchmark the plain-text importer against the floor of reading the same lines once.

    python bench/bench_import.py                 # 50 KB, 500 KB, 2 MB; plain and line-numbered layouts
    python bench/bench_import.py --sizes 500     # sizes in KB
    python bench/bench_import.py --profile 500   # cProfile one import of that size, top functions by cumulative time

The input is a generated ordinance (seeded, so every run imports the same text): a cover page, a title, WHEREAS
recitals, an enacting formula, sections with headings, a definitions section (quoted terms with "means"), labels
nested (a)/(1)/(i), and adoption lines. The line-numbered layout wraps the same text at 72 columns and numbers the
lines of each page from 1 to 25 with a "Page n of m" footer, as bill PDFs are printed.

The floor is what any importer must at least do: split the text into lines and run one simple label regex over each
line. Times are the best of three runs; the ratio to the floor measured in the same process is the figure to
compare across machines.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import re
import sys
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drafting.importers.text import import_text

TARGET_KB = 500
TARGET_SECONDS = 1.0
REPEAT = 3
LINES_PER_PAGE = 25
FLOOR_LABEL = re.compile(r"^\s*\(?[0-9A-Za-z]{1,4}[.)]")
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


def best_of(function, repeat: int = REPEAT) -> tuple[float, object]:
    """Return the best wall time of `repeat` calls and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def floor(text: str) -> int:
    """Read the text's lines and run one simple label regex over each: the least any importer does."""
    return sum(1 for line in text.splitlines() if FLOOR_LABEL.match(line))


def run(sizes_kb: list[int]) -> list[dict]:
    rows = []
    for numbered in (False, True):
        for size_kb in sizes_kb:
            text = generate_ordinance(size_kb * 1000, numbered=numbered)
            floor_seconds, _ = best_of(lambda text=text: floor(text))
            seconds, result = best_of(lambda text=text: import_text(text, doc_type="ordinance"))
            counts = result.report["counts"]
            rows.append({
                "size_kb": size_kb,
                "layout": "line-numbered" if numbered else "plain",
                "bytes": len(text.encode()),
                "seconds": seconds,
                "floor": floor_seconds,
                "sections": counts.get("section", 0),
                "printed_sections": len(PRINTED_SECTION.findall(text)),
                "provisions": sum(v for k, v in counts.items() if k != "definitions"),
                "definitions": counts.get("definitions", 0),
            })
            _print_row(rows[-1])
    return rows


def _print_header() -> None:
    print(f"{'size':>7} {'layout':<14} {'bytes':>9} {'seconds':>8} {'MB/s':>6} {'floor s':>8} {'ratio':>7} "
          f"{'sections':>11} {'provisions':>10} {'defs':>5}")


def _print_row(row: dict) -> None:
    mb_per_s = row["bytes"] / 1e6 / row["seconds"]
    sections = f"{row['sections']}/{row['printed_sections']}"
    print(f"{row['size_kb']:>5}KB {row['layout']:<14} {row['bytes']:>9} {row['seconds']:>8.3f} {mb_per_s:>6.2f} "
          f"{row['floor']:>8.4f} {row['seconds'] / row['floor']:>7.0f} {sections:>11} {row['provisions']:>10} "
          f"{row['definitions']:>5}", flush=True)


def profile(size_kb: int, numbered: bool = False, top: int = 25) -> None:
    text = generate_ordinance(size_kb * 1000, numbered=numbered)
    profiler = cProfile.Profile()
    profiler.enable()
    import_text(text, doc_type="ordinance")
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500, 2000], help="sizes in KB")
    parser.add_argument("--profile", type=int, metavar="KB", help="profile one import of this size instead")
    parser.add_argument("--numbered", action="store_true", help="with --profile: the line-numbered layout")
    args = parser.parse_args(argv)
    if args.profile:
        profile(args.profile, args.numbered)
        return 0
    _print_header()
    rows = run(args.sizes)
    target = [row for row in rows if row["size_kb"] == TARGET_KB]
    for row in target:
        met = row["seconds"] < TARGET_SECONDS
        print(f"target: {TARGET_KB} KB ({row['layout']}) in under {TARGET_SECONDS:.0f} s: "
              f"{'met' if met else 'NOT met'} ({row['seconds']:.3f} s)")
    if any(row["sections"] != row["printed_sections"] for row in rows):
        print("sections found/printed differ: the import lost structure (see bench/README.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
