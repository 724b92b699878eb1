#!/usr/bin/env python3
"""Benchmark the heavy-work estimate (drafting.work): what it costs to read, and whether it follows the work.

    python bench/bench_estimate.py                  # 2,000 sections; 1, 3 and 8 sentences a subsection
    python bench/bench_estimate.py --sections 500

Each document is a bill of sections of two subsections (the layout of ../shared/bench/gen_bills.py, built here), with
1, 3 or 8 sentences in each subsection, written tersely and written verbosely (every element prefixed and indented on
a line of its own, every provision with a wId and a GUID: the same provisions and words in about four times the
bytes). For each, in the same process, best of three:

- **parse**: `akn.parse_akn` of the document (the baseline: the least a job does with it);
- **estimate**: `work.workload(...).cost` and the time it takes (ratio to the parse);
- **redline**: parse, compare and render as JSON the document against a revision with one section in ten reworded;
  its time divided by the estimate (of both documents) should stay about the same whatever the words, and be the
  same for the terse and the verbose form.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drafting import akn, work
from drafting.compare import compare, render, summary
from tests.akn_builders import bill_document, verbose

REPEAT = 3
SUBJECTS = ["A public agency", "Any public official", "A law enforcement agency", "The department", "The secretary"]
VERBS = ["shall not acquire", "shall not use", "shall report", "may request", "shall publish", "shall destroy"]
OBJECTS = ["any biometric surveillance system", "information derived from a face surveillance system",
           "data collected in violation of this section", "an annual report on the use of surveillance technology"]
TAILS = ["except as provided in subsection (c)", "unless authorized by a warrant issued upon probable cause",
         "within 30 days of the effective date of this act", "without the prior approval of the city council"]
WORK = "/akn/us-ma/act/bill/2026/estimate"


def bill(sections: int, sentences: int, *, revised: bool = False) -> str:
    """Return a terse AKN bill; the revision rewords one section in ten."""
    rng = random.Random(7)
    body = []
    for n in range(1, sections + 1):
        parts = []
        for letter in "ab":
            text = " ".join(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}."
                            for _ in range(sentences))
            if revised and n % 10 == 0:
                text = text.replace("shall", "may", 1)
            parts.append(f'<subsection eId="sec_{n}__subsec_{letter}"><num>({letter})</num><content>'
                         f"<p>{escape(text)}</p></content></subsection>")
        body.append(f'<section eId="sec_{n}"><num>{n}.</num><heading>Section {n}</heading>{"".join(parts)}</section>')
    return bill_document(WORK, body)


def best(action) -> float:
    times = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return min(times)


def redline(old: bytes, new: bytes) -> None:
    old_root, new_root = akn.parse_akn(old).root, akn.parse_akn(new).root
    render(compare(old_root, new_root, old=summary(old_root), new=summary(new_root)), "json", new_root=new_root,
           old_root=old_root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", type=int, default=2000)
    parser.add_argument("--sentences", type=int, nargs="+", default=[1, 3, 8])
    arguments = parser.parse_args()
    print("| sentences | form | MB | provisions | words | estimate | parse (ms) | estimate (ms) | × parse | "
          "redline (s) | us per estimated provision |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for sentences in arguments.sentences:
        terse, revised = bill(arguments.sections, sentences), bill(arguments.sections, sentences, revised=True)
        for form, old, new in (("terse", terse.encode(), revised.encode()),
                               ("verbose", verbose(terse).encode(), verbose(revised).encode())):
            found = work.workload(old)
            cost = found.cost + work.workload(new).cost
            parse = best(lambda data=old: akn.parse_akn(data))
            estimate = best(lambda data=old: work.workload(data).cost)
            seconds = best(lambda a=old, b=new: redline(a, b))
            print(f"| {sentences} | {form} | {len(old) / 1e6:.2f} | {found.provisions:,} | {found.words:,} | "
                  f"{found.cost:,} | {parse * 1000:.0f} | {estimate * 1000:.1f} | {estimate / parse:.2f} | "
                  f"{seconds:.2f} | {seconds / cost * 1e6:.0f} |", flush=True)


if __name__ == "__main__":
    main()
