"""Choose a renderer by format name; every renderer takes the same Redline."""

from __future__ import annotations

import json
from datetime import datetime

from lxml import etree

from drafting.errors import NotAcceptableError

from .model import Redline

MEDIA_TYPES = {
    "json": "application/json",
    "html": "text/html",
    "akn": "application/akn+xml",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def render(redline: Redline, output_format: str, *, new_root: etree._Element | None = None,
           old_root: etree._Element | None = None, view: str = "inline", date: datetime | None = None) -> bytes:
    """Render a redline as JSON, HTML, AKN (needs the new document) or Word with tracked changes.

    `date` stamps Word revisions; give the same date for the same redline and the bytes are the same.
    """
    if output_format == "json":
        return json.dumps(redline.as_dict(), ensure_ascii=False).encode("utf-8")
    if output_format == "html":
        from .html import render_html

        return render_html(redline, view=view).encode("utf-8")
    if output_format == "akn":
        from .akn import render_akn

        return render_akn(redline, new_root, old_root)
    if output_format == "docx":
        from .docx import render_docx

        return render_docx(redline, date=date)
    raise NotAcceptableError(f"expected a redline format among {', '.join(MEDIA_TYPES)}, found {output_format!r}")
