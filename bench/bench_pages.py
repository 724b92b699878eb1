#!/usr/bin/env python3
"""Benchmark of the browser pages: how long each page takes to load in Chromium, served by the README's gunicorn.

    python bench/bench_pages.py [--runs 7]

Starts `drafting serve --demo` (gunicorn, the sample documents, a fresh SQLite database in a temporary folder) on a
free port, signs in with Chromium (Debian's /usr/bin/chromium through Playwright) and loads every page `--runs`
times. For each page it prints the median time from the start of navigation to the load event (the page and its
styles and scripts, by the browser's Navigation Timing), and for the editor the time until the bill is shown and
until the first safeguard findings are shown (performance marks the editor sets). The baseline,
measured in the same run, is the sign-in page (the smallest page). Target (issue 6): every page under 300 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time

from demo_server import demo_server, signed_in_page

TARGET_MS = 300


def load_ms(page, url: str, mark: str | None = None) -> float:
    """Milliseconds from the start of navigation to the load event, or to a performance mark the page sets."""
    page.goto(url, wait_until="load")
    if mark:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # wait_for_function evaluates strings, which the page's CSP forbids
            found = page.evaluate(f"performance.getEntriesByName({mark!r}).map((entry) => entry.startTime)")
            if found:
                return found[0]
            time.sleep(0.005)
        raise SystemExit(f"{url} never set the performance mark {mark}")
    return page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with demo_server() as (base, password), sync_playwright() as playwright:
        browser, page = signed_in_page(playwright, base, password)
        pages = [
            ("library", "/", None),
            ("document (bill as printed)", "/documents/1", None),
            ("editor: bill shown", "/documents/1/edit", "drafting:bill-shown"),
            ("editor: safeguards shown", "/documents/1/edit", "drafting:safeguards-shown"),
            ("history", "/documents/1/history", None),
            ("compare with an ordinance", "/documents/1/compare?against=2", None),
            ("export", "/documents/1/export", None),
            ("import", "/import", None),
        ]
        # the baseline: the sign-in page of a fresh context (no session, smallest page)
        anonymous = browser.new_page()
        baseline = [load_ms(anonymous, f"{base}/login") for _ in range(args.runs)]
        base_ms = statistics.median(baseline)
        print(f"{'page':<30} {'median ms':>10} {'x baseline':>11}  target < {TARGET_MS} ms")
        print(f"{'sign-in (baseline)':<30} {base_ms:>10.1f} {1.0:>11.2f}")
        worst = base_ms
        for name, path, mark in pages:
            samples = [load_ms(page, base + path, mark) for _ in range(args.runs)]
            median = statistics.median(samples)
            worst = max(worst, median)
            print(f"{name:<30} {median:>10.1f} {median / base_ms:>11.2f}")
        verdict = "within" if worst < TARGET_MS else "OVER"
        print(f"slowest page: {worst:.1f} ms ({verdict} the {TARGET_MS} ms target)")
        browser.close()

if __name__ == "__main__":
    main()
