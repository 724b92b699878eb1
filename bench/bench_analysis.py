#!/usr/bin/env python3
"""Benchmark of the safeguard engine: accuracy on the labelled documents, and speed on a 2,000-section bill.

    python bench/bench_analysis.py [--sections 2000]

Accuracy: precision and recall per status (present / weak / absent) over tests/fixtures/analysis (documents
written for the purpose, labelled by hand). Speed: `evaluate` on a generated bill of N sections
(../shared/bench/gen_bills.py), best of 3, against the floor measured in the same process (parsing the document
and reading every provision's text once). Targets (issue 16): a 2,000-section bill in under 1 s; a 100-section bill,
the editor's live check, under 200 ms.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from drafting.akn import extract_provisions, iter_provisions, parse_akn
from drafting.akn.parse import ParseLimits
from drafting.analysis import evaluate
from drafting.importers import import_text

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "analysis"
GEN_BILLS = ROOT.parent / "shared" / "bench" / "gen_bills.py"
STATUSES = ("present", "weak", "absent")


def accuracy() -> None:
    labels = {k: v for k, v in json.loads((FIXTURES / "labels.json").read_text()).items() if not k.startswith("_")}
    confusion: dict[str, Counter] = defaultdict(Counter)
    misses: Counter = Counter()
    for name, expected in labels.items():
        for finding in evaluate(import_text((FIXTURES / name).read_text()).root):
            confusion[expected[finding.safeguard]][finding.status] += 1
            if finding.status != expected[finding.safeguard]:
                misses[finding.safeguard] += 1
    total = sum(sum(row.values()) for row in confusion.values())
    right = sum(confusion[s][s] for s in STATUSES)
    print(f"labelled findings: {len(labels)} documents x 18 safeguards = {total}; agreement {right / total:.1%}")
    print(f"{'status':8} {'labelled':>8} {'found':>6} {'precision':>9} {'recall':>7}")
    for status in STATUSES:
        predicted = sum(confusion[actual][status] for actual in STATUSES)
        actual = sum(confusion[status].values())
        precision = confusion[status][status] / predicted if predicted else 0.0
        recall = confusion[status][status] / actual if actual else 0.0
        print(f"{status:8} {actual:8} {predicted:6} {precision:9.3f} {recall:7.3f}")
    print("disagreements by safeguard:", ", ".join(f"{k} {v}" for k, v in misses.most_common()))


def best_of(function, repeat=3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def speed(sections: int, target: float) -> None:
    if not GEN_BILLS.exists():
        print(f"speed: skipped ({GEN_BILLS} is absent)")
        return
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, str(GEN_BILLS), "--sections", str(sections), "--seed", "7", "--out", folder],
                       check=True)
        data = (Path(folder) / "base.xml").read_bytes()
    limits = ParseLimits(max_bytes=1 << 30)
    root = parse_akn(data, limits).root

    def floor():
        for provision in iter_provisions(extract_provisions(parse_akn(data, limits).root)):
            len(provision.text)

    floor_seconds = best_of(floor)
    engine_seconds = best_of(lambda: evaluate(root))
    print(f"{sections} sections ({len(data) / 1e6:.1f} MB): evaluate {engine_seconds:.3f} s; floor (parse + read every "
          f"provision) {floor_seconds:.3f} s; ratio {engine_seconds / floor_seconds:.1f}x")
    verdict = "met" if engine_seconds < target else "NOT met"
    print(f"target: {sections} sections in under {target:g} s: {verdict} ({engine_seconds:.3f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=2000)
    options = parser.parse_args()
    accuracy()
    speed(options.sections, 1.0)  # issue 16: a 2,000-section bill in under 1 s
    speed(100, 0.2)  # issue 16: the editor's live check of a 100-section bill under 200 ms (in process here)


if __name__ == "__main__":
    main()
