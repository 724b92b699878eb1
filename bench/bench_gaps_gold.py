"""Score the safeguards engine against labelled documents: accuracy, F1 per status and macro-F1, evidence agreement,
per house style, and the contrast pairs (minimal pairs that differ in one construction and one safeguard's status).

    python bench/bench_gaps_gold.py                  # every part: development, test, real texts; contrast pairs
    python bench/bench_gaps_gold.py --part test
    python bench/bench_gaps_gold.py --details dev    # print the disagreements of the development part

Parts:
- `test`: `bench/gaps_gold/test/` (labels.json, contrast.json), written blind before any rule work by a writer who
  saw only the rubric's safeguard summaries and `../shared/rubric-conventions.md`. Only measured on: whoever tunes
  the engine does not read its disagreements (`--details` defaults to the development part).
- `dev`: `../shared/eval/gaps-dev/` (labelled independently of the code; skipped when absent) and
  `bench/gaps_gold/dev/` (24 documents and 90 contrast pairs by a second blind writer), the part rules are tuned on.
- `real`: the seven real texts of `../shared/corpus/text/` (skipped when absent), labelled by hand in
  `bench/gaps_gold/real/labels.json` by a labeller who saw only the rubric and the conventions. Measured only, like
  the test part.

Every document is imported from its plain text by the project's importer, as a user's would be, then evaluated.
Evidence agrees when the engine's provision and the labelled one are the same, or one contains the other
("SECTION 4(a)" and "4(a)(3)"); it is counted over the findings that are present or weak in both.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drafting import importers
from drafting.analysis.engine import evaluate

ROOT = Path(__file__).resolve().parents[1]
GOLD = Path(__file__).resolve().parent / "gaps_gold"
SHARED_DEV = ROOT.parent / "shared" / "eval" / "gaps-dev"
REAL_TEXTS = ROOT.parent / "shared" / "corpus" / "text"
STATUSES = ("present", "weak", "absent")
_LEADING = re.compile(r"^\s*(section|sec\.?|§+|article|art\.?)\s*", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*")


def citation_tokens(citation: str | None) -> tuple[str, ...]:
    """ "SECTION 4(a)(3)" -> ("4", "a", "3"); "Sec. 16-70.3(A)(2)" -> ("16-70.3", "a", "2"); "Section 7.B" ->
    ("7", "b"); "Section 3.A.2" -> ("3", "a", "2"); "9.64.030(A)" -> ("9.64.030", "a")."""
    if not citation:
        return ()
    text = _LEADING.sub("", citation.strip())
    tokens = []
    for token in _TOKEN.findall(text):
        # a dot next to a letter divides ("7.B", "3.A.2"); "16-70.3" and "9.64.030" are one number
        parts = re.split(r"(?<=[A-Za-z])\.|\.(?=[A-Za-z])", token)
        tokens.extend(part.lower().rstrip(".") for part in parts)
    return tuple(tokens)


def evidence_agrees(found: str | None, gold: str | None) -> bool:
    a, b = citation_tokens(found), citation_tokens(gold)
    if not a or not b:
        return False
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return longer[: len(shorter)] == shorter


def findings_of(text: bytes) -> dict[str, tuple[str, str | None]]:
    """Import a plain text as a user would and evaluate it: {safeguard: (status, evidence citation)}."""
    root = importers.import_upload(text, importers.TEXT_PLAIN).root
    return {f.safeguard: (f.status, f.evidence[0].num if f.evidence else None) for f in evaluate(root)}


def labelled_documents(part: str):
    """Yield (name, style, text bytes, {safeguard: (status, evidence)}) of a part."""
    if part == "dev" and (SHARED_DEV / "labels.json").exists():
        labels = json.loads((SHARED_DEV / "labels.json").read_text())
        for name, item in labels.items():
            evidence = item.get("evidence", {})
            gold = {key: (value, evidence.get(key)) for key, value in item.items() if key != "evidence"}
            style = "mutant" if name.startswith(("mutant", "strong")) else name.removesuffix(".txt")
            yield name, style, (SHARED_DEV / name).read_bytes(), gold
    folder = GOLD / part
    texts = REAL_TEXTS if part == "real" else folder
    if (folder / "labels.json").exists() and texts.exists():
        for name, item in json.loads((folder / "labels.json").read_text()).items():
            gold = {key: (value["status"], value.get("evidence")) for key, value in item["safeguards"].items()}
            style = name.removesuffix(".txt") if part == "real" else item.get("style", "?")
            yield name, style, (texts / name).read_bytes(), gold


def contrast_pairs(part: str):
    path = GOLD / part / "contrast.json"
    return json.loads(path.read_text()) if path.exists() else []


def f1_per_status(pairs: list[tuple[str, str]]) -> dict[str, float]:
    scores = {}
    for status in STATUSES:
        tp = sum(1 for gold, found in pairs if gold == found == status)
        fp = sum(1 for gold, found in pairs if found == status and gold != status)
        fn = sum(1 for gold, found in pairs if gold == status and found != status)
        scores[status] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    return scores


def score_part(part: str, *, details: bool) -> dict:
    pairs: list[tuple[str, str]] = []
    by_style: dict[str, list[bool]] = defaultdict(list)
    by_safeguard: dict[str, list[bool]] = defaultdict(list)
    evidence: list[bool] = []
    documents = 0
    for name, style, text, gold in labelled_documents(part):
        documents += 1
        found = findings_of(text)
        for safeguard, (status, citation) in gold.items():
            got, got_citation = found.get(safeguard, ("absent", None))
            pairs.append((status, got))
            by_style[style].append(status == got)
            by_safeguard[safeguard].append(status == got)
            if status != "absent" and got != "absent" and citation:
                evidence.append(evidence_agrees(got_citation, citation))
            if details and (status != got or (status != "absent" and got != "absent" and citation
                                               and not evidence_agrees(got_citation, citation))):
                print(f"  {name:48} {safeguard:28} gold {status:7} {citation or '-':18} found {got:7} "
                      f"{got_citation or '-'}")
    contrast = []
    contrast_by_safeguard: dict[str, list[bool]] = defaultdict(list)
    for pair in contrast_pairs(part):
        a = findings_of(pair["a"]["text"].encode()).get(pair["safeguard"], ("absent", None))[0]
        b = findings_of(pair["b"]["text"].encode()).get(pair["safeguard"], ("absent", None))[0]
        contrast.append(a == pair["a"]["status"] and b == pair["b"]["status"])
        contrast_by_safeguard[pair["safeguard"]].append(contrast[-1])
        if details and not contrast[-1]:
            print(f"  contrast {pair['id']} {pair['safeguard']:28} {pair['construction'][:60]:60} "
                  f"gold {pair['a']['status']}/{pair['b']['status']} found {a}/{b}")
    f1 = f1_per_status(pairs)
    return {
        "part": part,
        "documents": documents,
        "labels": len(pairs),
        "accuracy": sum(g == f for g, f in pairs) / len(pairs) if pairs else None,
        "f1": f1,
        "macro_f1": sum(f1.values()) / 3 if pairs else None,
        "evidence": sum(evidence) / len(evidence) if evidence else None,
        "by_style": {style: round(sum(v) / len(v), 3) for style, v in sorted(by_style.items())},
        "by_safeguard": {key: round(sum(v) / len(v), 3) for key, v in sorted(by_safeguard.items())},
        "confusion": dict(Counter(f"{g}->{f}" for g, f in pairs if g != f)),
        "contrast_pairs": len(contrast),
        "contrast_accuracy": sum(contrast) / len(contrast) if contrast else None,
        "contrast_by_safeguard": {key: round(sum(v) / len(v), 3) for key, v in sorted(contrast_by_safeguard.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["dev", "test", "real", "both", "all"], default="all",
                        help="both: dev and test; all: dev, test and real")
    parser.add_argument("--details", choices=["dev", "test", "real", "both", "none"], default="dev",
                        help="which part's disagreements to print (default dev: whoever tunes the engine should not "
                             "read the test part's)")
    args = parser.parse_args()
    parts = {"both": ["dev", "test"], "all": ["dev", "test", "real"]}.get(args.part, [args.part])
    results = []
    for part in parts:
        print(f"== {part}")
        results.append(score_part(part, details=args.details in (part, "both")))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
