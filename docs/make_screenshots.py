#!/usr/bin/env python3
"""Take the README's screenshots: the editor and the compare view, on the demo server with the sample documents.

    python docs/make_screenshots.py      (writes docs/editor.png and docs/compare.png)
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "bench"))

from demo_server import demo_server, signed_in_page  # noqa: E402


def main() -> None:
    from playwright.sync_api import sync_playwright

    with demo_server() as (base, password), sync_playwright() as playwright:
        browser, page = signed_in_page(playwright, base, password)

        page.goto(f"{base}/documents/1/edit")
        page.locator("#safeguards .findings").wait_for()
        page.locator('#outline [data-eid="sec_2__subsec_a"]').click()
        page.locator("#p-sec_2__subsec_a > p.text").press("End")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=HERE / "editor.png")

        page.goto(f"{base}/documents/1/compare?against=3&view=side-by-side")
        page.locator(".redline").first.wait_for()
        page.screenshot(path=HERE / "compare.png")
        browser.close()
    print("wrote", HERE / "editor.png", "and", HERE / "compare.png")


if __name__ == "__main__":
    main()
