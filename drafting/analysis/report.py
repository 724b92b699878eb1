"""PURE. The gaps report: findings of a draft (and of the documents compared with it) as data and as an HTML page.

`build_result` assembles the JSON contract from findings the engine produced; `render_html` turns that contract into
one self-contained page: a matrix safeguard × document grouped by safeguard group, each cell with colour, a symbol
and the status in words, linking to the evidence; then every finding with its quoted evidence and reason, and the
language suggested from the documents that provide a safeguard more strongly than the draft.

Escape at the edge: the result is data, whatever its origin; every fragment reaches the page through Jinja's
autoescaping, and values that land in attributes (ids, classes, fragment links) are reduced to [A-Za-z0-9_.-] first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import jinja2
from lxml import etree

from drafting.akn import read_identification
from drafting.templating import environment, sanitise_token

from .engine import ABSENT, PRESENT, WEAK, Finding, Rubric, load_rubric, stronger

TEMPLATE = "gaps.html"
_TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
SYMBOLS = {PRESENT: "✓", WEAK: "~", ABSENT: "✗"}
_RANK = {ABSENT: 0, WEAK: 1, PRESENT: 2}


# --- the contract -----------------------------------------------------------------------------------------------


def document_summary(root: etree._Element, *, document_id: int | None = None, version: int | None = None) -> dict:
    """Describe a document for the report: its store id and version when it has them, its FRBR identity, title."""
    ident = read_identification(root)
    summary: dict = {}
    if document_id is not None:
        summary["id"] = document_id
    if version is not None:
        summary["version"] = version
    summary.update(frbr_uri=ident.work_uri, expression_uri=ident.expression_uri, title=ident.title,
                   doc_type=ident.doc_type)
    return summary


def build_result(draft: dict, draft_findings: Sequence[Finding],
                 compared: Iterable[tuple[dict, Sequence[Finding]]] = (), *, rubric: Rubric | None = None) -> dict:
    """Assemble the gaps contract: the draft's findings and, per compared document, what it does better."""
    rubric = rubric or load_rubric()
    comparison = []
    for summary, findings in compared:
        ahead = stronger(tuple(draft_findings), tuple(findings))
        comparison.append({
            "document": summary,
            "stronger": ahead,
            "findings": [finding.as_dict() for finding in findings],
            "suggestions": suggestions(findings, ahead, source=summary.get("frbr_uri")),
        })
    return {
        "document": draft,
        "rubric": {"id": rubric.id, "version": rubric.version},
        "findings": [finding.as_dict() for finding in draft_findings],
        "comparison": comparison,
    }


def suggestions(findings: Sequence[Finding], safeguards: Sequence[str], *, source: str | None) -> list[dict]:
    """The evidence provisions of the given safeguards, as language to suggest, each with its source."""
    wanted = set(safeguards)
    found, seen = [], set()
    for finding in findings:
        if finding.safeguard not in wanted:
            continue
        for evidence in finding.evidence:
            key = (finding.safeguard, evidence.eId, evidence.quote)
            if key in seen:
                continue
            seen.add(key)
            found.append({"safeguard": finding.safeguard, "eId": evidence.eId, "num": evidence.num,
                          "quote": evidence.quote, "source": source})
    return found


# --- the page ---------------------------------------------------------------------------------------------------


class DocumentView(NamedTuple):
    token: str
    role: str  # "draft" or "compared"
    title: str
    uri: str | None
    version: int | None


class CellView(NamedTuple):
    status: str  # shown as text
    css: str  # present, weak, absent or unknown
    symbol: str
    anchor: str
    stronger: bool


class RowView(NamedTuple):
    safeguard: str
    title: str
    why: str | None
    cells: tuple[CellView, ...]


class GroupView(NamedTuple):
    name: str
    rows: tuple


class EvidenceView(NamedTuple):
    num: str | None
    eId: str | None
    quote: str


class FindingView(NamedTuple):
    anchor: str
    title: str
    safeguard: str
    status: str
    css: str
    symbol: str
    reason: str | None
    rule: str | None
    evidence: tuple[EvidenceView, ...]
    stronger: bool
    readings: tuple[str, ...] = ()  # the norms that decided it, one line each, as the norm reader read them


class DocumentFindings(NamedTuple):
    document: DocumentView
    groups: tuple  # of GroupView whose rows are FindingViews


class SuggestionView(NamedTuple):
    title: str
    safeguard: str
    num: str | None
    eId: str | None
    quote: str
    source: str | None


class SuggestionsView(NamedTuple):
    document: DocumentView
    items: tuple[SuggestionView, ...]


class Page(NamedTuple):
    title: str
    rubric_title: str
    rubric_id: str
    rubric_version: str
    documents: tuple[DocumentView, ...]
    groups: tuple[GroupView, ...]
    details: tuple[DocumentFindings, ...]
    suggestions: tuple[SuggestionsView, ...]


def render_html(result: dict, *, rubric: Rubric | None = None) -> str:
    """Return the gaps report (the contract of `build_result`) as a complete HTML5 page without script."""
    return _environment().get_template(TEMPLATE).render(page=_page(result, rubric or load_rubric()))


def _page(result: dict, rubric: Rubric) -> Page:
    why = {safeguard.id: safeguard.why for safeguard in rubric.safeguards}
    comparison = list(result.get("comparison") or ())
    documents = (_document("draft", "draft", result.get("document") or {}),
                 *(_document(f"c{n}", "compared", entry.get("document") or {})
                   for n, entry in enumerate(comparison, start=1)))
    columns = [(result.get("findings") or [], set()),
               *((entry.get("findings") or [], set(entry.get("stronger") or ())) for entry in comparison)]
    by_doc = [{_text(f.get("safeguard")): f for f in findings} for findings, _ in columns]

    # rows: every safeguard judged, in the order the draft lists them, grouped by their group
    order: dict[str, dict] = {}
    for findings, _ in columns:
        for finding in findings:
            order.setdefault(_text(finding.get("safeguard")), finding)
    anchors = _Anchors()
    anchor = {(doc.token, sid): anchors.new(f"ev-{doc.token}-{sanitise_token(sid)}")
              for doc in documents for sid in order}

    rows_by_group: dict[str, list[RowView]] = {}
    for sid, first in order.items():
        cells = []
        for doc, found, (_, ahead) in zip(documents, by_doc, columns, strict=True):
            finding = found.get(sid)
            status = _text(finding.get("status")) if finding else "not judged"
            cells.append(CellView(status, _css(status), SYMBOLS.get(status, "?"), anchor[(doc.token, sid)],
                                  sid in ahead))
        group = _text(first.get("group")) or "other"
        rows_by_group.setdefault(group, []).append(
            RowView(sid, _text(first.get("title")) or sid, why.get(sid), tuple(cells)))
    groups = tuple(GroupView(name, tuple(rows)) for name, rows in rows_by_group.items())

    details = []
    for doc, (findings, ahead) in zip(documents, columns, strict=True):
        grouped: dict[str, list[FindingView]] = {}
        for finding in findings:
            sid = _text(finding.get("safeguard"))
            status = _text(finding.get("status"))
            grouped.setdefault(_text(finding.get("group")) or "other", []).append(FindingView(
                anchor=anchor[(doc.token, sid)],
                title=_text(finding.get("title")) or sid,
                safeguard=sid,
                status=status,
                css=_css(status),
                symbol=SYMBOLS.get(status, "?"),
                reason=_text(finding.get("reason")) or None,
                rule=_text(finding.get("rule")) or None,
                evidence=tuple(EvidenceView(_text(e.get("num")) or None, _text(e.get("eId")) or None,
                                            _text(e.get("quote"))) for e in finding.get("evidence") or ()),
                stronger=sid in ahead,
                readings=tuple(_text(norm.get("reading")) for norm in finding.get("norms") or ()
                               if isinstance(norm, dict) and norm.get("reading")),
            ))
        details.append(DocumentFindings(doc, tuple(GroupView(name, tuple(rows)) for name, rows in grouped.items())))

    titles = {sid: _text(finding.get("title")) or sid for sid, finding in order.items()}
    suggested = tuple(
        SuggestionsView(doc, tuple(
            SuggestionView(titles.get(_text(s.get("safeguard")), _text(s.get("safeguard"))), _text(s.get("safeguard")),
                           _text(s.get("num")) or None, _text(s.get("eId")) or None, _text(s.get("quote")),
                           _text(s.get("source")) or None)
            for s in entry.get("suggestions") or ()))
        for doc, entry in zip(documents[1:], comparison, strict=True)
    )
    rubric_info = result.get("rubric") or {}
    return Page(
        title=documents[0].title,
        rubric_title=rubric.title if rubric_info.get("id") in (None, rubric.id) else _text(rubric_info.get("id")),
        rubric_id=_text(rubric_info.get("id", rubric.id)),
        rubric_version=_text(rubric_info.get("version", rubric.version)),
        documents=documents,
        groups=groups,
        details=tuple(details),
        suggestions=tuple(s for s in suggested if s.items),
    )


def _document(token: str, role: str, summary: dict) -> DocumentView:
    version = summary.get("version")
    return DocumentView(token, role, _text(summary.get("title")) or _text(summary.get("frbr_uri")) or "Untitled",
                        _text(summary.get("expression_uri") or summary.get("frbr_uri")) or None,
                        version if isinstance(version, int) else None)


def _css(status: str) -> str:
    return status if status in _RANK else "unknown"


def _text(value) -> str:
    return "" if value is None else str(value)


class _Anchors:
    def __init__(self):
        self.used: set[str] = set()

    def new(self, base: str) -> str:
        anchor, n = base, 1
        while anchor in self.used:
            n += 1
            anchor = f"{base}-{n}"
        self.used.add(anchor)
        return anchor


def _environment() -> jinja2.Environment:
    return environment(_TEMPLATES_DIR)
