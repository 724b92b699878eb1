"""Score the text importer against the import gold sets: structure F1 by full label path, headings, definition recall,
quoted structures of amending bills, title, cover page and recitals, and the words kept (or reported as furniture).

    python bench/bench_import_gold.py            # both parts, one line per document and the totals
    python bench/bench_import_gold.py --part test

`bench/import_gold/test/` was written blind (by a writer who saw only the layout descriptions and the gold format,
never the importer or its tests) and is only measured on; `bench/import_gold/dev/` is what the importer may be tuned
on. A gold file NAME.gold.json sits beside NAME.txt, or names its text in "source" (a path from the repository,
such as ../shared/corpus/text/...; skipped when absent). The figure that counts is the test part's.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lxml import etree

from drafting import akn, importers
from drafting.akn import AKN_NS

ROOT = Path(__file__).resolve().parents[1]
GOLD = Path(__file__).resolve().parent / "import_gold"
HIERARCHY = {"chapter", "part", "article", "title", "division", "section", "subsection", "paragraph",
             "subparagraph", "clause", "subclause", "point", "item", "list", "level", "hcontainer", "rule",
             "subrule", "book", "tome", "subchapter", "subpart", "subtitle", "subdivision", "proviso", "indent",
             "alinea", "transitional", "sublist"}
_LEADING_WORDS = re.compile(r"^(?:section|sec\.?|sections|§+|article|art\.?|chapter|ch\.?|part|title|subsection|"
                            r"paragraph|subparagraph|clause|rule)\s*", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9]+")
_LINE_END_HYPHEN = re.compile(r"([A-Za-z])-[ \t]*\n\s*([a-z])")


def label(num: str) -> str:
    """A unit's label as the gold writes it: the number or letter alone ("SECTION 1." -> "1", "(a)" -> "a")."""
    text = " ".join(num.split())
    while True:
        stripped = _LEADING_WORDS.sub("", text)
        if stripped == text:
            break
        text = stripped
    return text.strip().strip("()[]").rstrip(".:;,-–—)").strip().strip("()")


def _tag(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _num(element) -> str | None:
    found = element.find(f"{{{AKN_NS}}}num")
    return "".join(found.itertext()) if found is not None else None


def _heading(element) -> str | None:
    found = element.find(f"{{{AKN_NS}}}heading")
    return " ".join("".join(found.itertext()).split()) if found is not None else None


def units_of(element, path=(), *, inside_quote=False):
    """Yield (path, heading, in_quote, quoting_path) for every numbered unit under an element, in document order."""
    for child in element:
        tag = _tag(child)
        if tag == "quotedStructure":
            yield from units_of(child, (), inside_quote=path or ("?",))
            continue
        if tag in HIERARCHY and _num(child) is not None:
            here = (*path, label(_num(child)))
            yield here, _heading(child), inside_quote
            yield from units_of(child, here, inside_quote=inside_quote)
        else:
            yield from units_of(child, path, inside_quote=inside_quote)


def _norm(text: str | None) -> str:
    return " ".join(_WORD.findall((text or "").lower()))


@dataclass
class Score:
    name: str
    gold_units: int = 0
    found_units: int = 0
    matched_units: int = 0
    headings: int = 0
    headings_right: int = 0
    definitions: int = 0
    definitions_found: int = 0
    quoted: int = 0
    quoted_found: int = 0
    quoted_matched: int = 0
    title_right: bool = False
    cover_right: bool = False
    recitals: int = 0
    recitals_found: int = 0
    words: int = 0
    words_kept: int = 0
    valid: bool = False
    seconds: float = 0.0
    error: str | None = None
    missing: list = field(default_factory=list)
    spurious: list = field(default_factory=list)


def score(name: str, text: bytes, gold: dict) -> Score:
    result = Score(name)
    started = time.perf_counter()
    try:
        imported = importers.import_upload(text, importers.TEXT_PLAIN)
    except Exception as error:  # a document the importer refuses scores nothing
        result.error = f"{type(error).__name__}: {error}"
        return result
    result.seconds = time.perf_counter() - started
    root, report = imported.root, imported.report
    result.valid = akn.validate(root, strict=True).valid
    body = root.find(f".//{{{AKN_NS}}}body")
    body = body if body is not None else root.find(f".//{{{AKN_NS}}}mainBody")
    found = list(units_of(body)) if body is not None else []
    own = Counter(path for path, _, quote in found if not quote)
    gold_units = Counter(tuple(unit["path"]) for unit in gold.get("units", []))
    result.gold_units, result.found_units = sum(gold_units.values()), sum(own.values())
    result.matched_units = sum((gold_units & own).values())
    result.missing = sorted("/".join(p) for p in (gold_units - own).elements())[:12]
    result.spurious = sorted("/".join(p) for p in (own - gold_units).elements())[:12]
    headings = {path: heading for path, heading, quote in found if not quote}
    for unit in gold.get("units", []):
        if unit.get("heading"):
            result.headings += 1
            result.headings_right += _norm(headings.get(tuple(unit["path"]))) == _norm(unit["heading"])
    quoted_gold = Counter((tuple(item["in"]), tuple(path)) for item in gold.get("quoted", []) for path in item["paths"])
    quoted_found = Counter((tuple(quote), path) for path, _, quote in found if quote)
    result.quoted, result.quoted_found = sum(quoted_gold.values()), sum(quoted_found.values())
    result.quoted_matched = sum((quoted_gold & quoted_found).values())
    terms = {_norm("".join(d.itertext())) for d in root.iter(f"{{{AKN_NS}}}def")}
    result.definitions = len(gold.get("definitions", []))
    result.definitions_found = sum(_norm(term) in terms for term in gold.get("definitions", []))
    result.title_right = _norm(gold.get("title")) == _norm(report.get("title")) if gold.get("title") else True
    has_cover = root.find(f".//{{{AKN_NS}}}coverPage") is not None
    result.cover_right = has_cover == bool(gold.get("cover"))
    recitals = [_norm("".join(r.itertext())) for r in root.iter(f"{{{AKN_NS}}}recital")]
    result.recitals = len(gold.get("recitals", []))
    result.recitals_found = sum(any(r.startswith(_norm(first)) or _norm(first) in r for r in recitals)
                                for first in gold.get("recitals", []))
    kept = Counter(word.lower() for element in root if _tag(element) != "meta" for word in _WORD.findall(
        " ".join(element.itertext())))
    removed = " ".join(str(value) for item in report.get("removed", []) for value in
                       (item.values() if isinstance(item, dict) else [item]))
    kept.update(word.lower() for word in _WORD.findall(removed))
    # printed line numbers are reported as runs per region ("runs": [[1, 25], [1, 18]])
    kept.update(str(number) for region in report.get("line_numbers", []) for first, last in region["runs"]
                for number in range(first, last + 1))
    printed = text.decode("utf-8", "replace")
    given = Counter(word.lower() for word in _WORD.findall(printed))
    # a word hyphenated at a line end ("surveil-" / "lance") is kept when it comes out whole
    joined = Counter(word.lower() for word in _WORD.findall(_LINE_END_HYPHEN.sub(r"\1\2", printed)))
    result.words = sum(given.values())
    whole = sum((joined & kept).values()) + sum(given.values()) - sum(joined.values())  # a joined word counts twice
    result.words_kept = min(result.words, max(sum((given & kept).values()), whole))
    return result


def documents(part: str):
    """Yield (name, text bytes, gold) of a part's documents whose text is present."""
    for gold_path in sorted((GOLD / part).glob("*.gold.json")):
        gold = json.loads(gold_path.read_text())
        name = gold_path.name.removesuffix(".gold.json")
        source = (ROOT / gold["source"]).resolve() if gold.get("source") else gold_path.with_name(f"{name}.txt")
        if source.exists():
            yield name, source.read_bytes(), gold


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def summarise(part: str, scores: list[Score]) -> dict:
    total = {key: sum(getattr(s, key) for s in scores) for key in (
        "gold_units", "found_units", "matched_units", "headings", "headings_right", "definitions",
        "definitions_found", "quoted", "quoted_found", "quoted_matched", "recitals", "recitals_found", "words",
        "words_kept")}
    precision = _ratio(total["matched_units"], total["found_units"])
    recall = _ratio(total["matched_units"], total["gold_units"])
    return {
        "part": part, "documents": len(scores),
        "structure_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "structure_precision": precision, "structure_recall": recall,
        "headings": _ratio(total["headings_right"], total["headings"]),
        "definition_recall": _ratio(total["definitions_found"], total["definitions"]),
        "quoted_recall": _ratio(total["quoted_matched"], total["quoted"]),
        "title_accuracy": _ratio(sum(s.title_right for s in scores), len(scores)),
        "cover_accuracy": _ratio(sum(s.cover_right for s in scores), len(scores)),
        "recital_recall": _ratio(total["recitals_found"], total["recitals"]),
        "words_kept": _ratio(total["words_kept"], total["words"]),
        "strictly_valid": _ratio(sum(s.valid for s in scores), len(scores)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["dev", "test", "both"], default="both")
    parser.add_argument("--json", action="store_true", help="print the totals as JSON only")
    parser.add_argument("--details", choices=["dev", "test", "both"], default="dev",
                        help="which part's missing and spurious units to print (default dev: whoever tunes the "
                             "importer should not read the test part's errors)")
    args = parser.parse_args()
    parts = ["dev", "test"] if args.part == "both" else [args.part]
    totals = []
    for part in parts:
        scores = [score(name, text, gold) for name, text, gold in documents(part)]
        if not args.json:
            print(f"== {part}")
            for s in scores:
                f1 = summarise(part, [s])["structure_f1"]
                line = (f"{s.name:48} units {s.matched_units:3}/{s.gold_units:3} (found {s.found_units:3}) "
                        f"F1 {f1:.2f}  defs {s.definitions_found}/{s.definitions}  "
                        f"title {'ok' if s.title_right else 'no'}  cover {'ok' if s.cover_right else 'no'}  "
                        f"{s.seconds * 1000:.0f} ms")
                print(line + (f"  ERROR {s.error}" if s.error else ""))
                if (s.missing or s.spurious) and args.details in (part, "both"):
                    print(f"{'':48} missing {s.missing}  spurious {s.spurious}")
        totals.append(summarise(part, scores))
    print(json.dumps(totals, indent=1))


if __name__ == "__main__":
    main()
