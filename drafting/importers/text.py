"""Plain text (pasted from code sites, legislature pages, PDF extraction) -> structured, strictly valid AKN.

    result = import_text(text, doc_type="ordinance", jurisdiction="us-ma-boston")
    result.root      # the AKN tree
    result.report    # what was recognised, what was guessed, what could not be placed, what clean-up removed
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date as Date

from lxml import etree

from drafting.akn import build_document, generate_eids
from drafting.akn.eids import MODIFICATION_PREFIXES, PREFIXES
from drafting.akn.namespaces import E, akn, xpath
from drafting.errors import TemplateError

from .cleanup import CleanText, clean, decode
from .paragraphs import assemble
from .structure import Block, Front, Recognised, Unit, recognise
from .structure.amendments import is_amending, quoted_words

DOC_TYPES = ("bill", "ordinance")
_NUMBER_HINT = re.compile(r"\b(?P<kind>H\.\s?R\.|S\.\s?B\.|H\.\s?B\.|S\.|H\.)\s?(?P<number>[0-9]{1,5})\b")
_ORDINANCE_HINT = re.compile(r"\b(ordinance|ordained|city council|town council|municipal code|board of aldermen)\b",
                             re.IGNORECASE)


@dataclass(frozen=True)
class ImportResult:
    """An imported document and its import report."""

    root: etree._Element
    report: dict


def import_bytes(data: bytes, **options) -> ImportResult:
    """Import UTF-8 text bytes (a BOM is allowed); invalid UTF-8 is refused with the offset."""
    return import_text(decode(data), **options)


def import_text(
    text: str,
    *,
    doc_type: str | None = None,
    jurisdiction: str = "us",
    number: str | None = None,
    title: str | None = None,
    date: str | None = None,
    default_number: str | None = None,
) -> ImportResult:
    """Turn legislative plain text into a strictly valid AKN act (ordinance) or bill, with a report."""
    cleaned = clean(text)
    paragraphs = assemble(cleaned.lines)
    derived_number = _derived_number(cleaned)
    # a text of many short lines makes as many lines, paragraphs and units: each stage's go once the next has read
    # them (the report needs what clean-up removed, not the lines), or the garbage collector walks them all again
    # and again while the later stages run
    cleaned = replace(cleaned, lines=())
    recognised = recognise(paragraphs)
    del paragraphs
    doc_type = doc_type or _guess_type(text)
    if doc_type not in DOC_TYPES:
        raise TemplateError(f"expected a document type among {', '.join(DOC_TYPES)}, found {doc_type!r}")
    # the title the document prints comes first; a short title ("may be cited as …") names it only when none is printed
    found_title = title or _printed_title(recognised) or _short_title(text) or _title_from_body(recognised.body)
    title = found_title or "Untitled"
    number = number or _guess_number(text, recognised) or default_number
    notes = list(cleaned.notes)
    if number is None and found_title is None:
        # untitled texts would all share one work URI (and the second would be refused): number each by its content
        number = derived_number
        notes.append(f"no title or number was found: the number {number} is derived from the text's content (the "
                     "same text gets the same number)")
    number = number or _slug(title)
    date = date or (f"{recognised.year}-01-01" if recognised.year else Date.today().isoformat())
    root = build_document(doc_type, title=title[:300], jurisdiction=jurisdiction, number=number, date=date)
    terms = _fill(root, recognised)
    findings = recognised.findings
    del recognised  # the units, now that they are elements
    generate_eids(root)
    report = {
        "doc_type": doc_type,
        "title": title,
        "recognised": findings.recognised,
        "guessed": findings.guessed,
        "unplaced": findings.unplaced,
        "removed": [{"line": line.number, "text": line.text} for line in cleaned.removed],
        "line_numbers": list(cleaned.line_numbers),
        "notes": notes,
        "definitions": terms,
        "counts": _counts(root),
    }
    return ImportResult(root=root, report=report)


_BILL_HINT = re.compile(r"\b(be it enacted|general court|senate and house|legislature|congress|an act\b|a bill\b)",
                        re.IGNORECASE)
_ORDAINED = re.compile(r"\b(be it ordained|ordains|an ordinance\b)", re.IGNORECASE)


def _guess_type(text: str) -> str:
    """Guess bill or ordinance: the enacting words decide, then the words of a city or of a legislature."""
    head = text[:20000]
    if _ORDAINED.search(head):
        return "ordinance"
    if _BILL_HINT.search(head):
        return "bill"
    return "ordinance" if _ORDINANCE_HINT.search(head) else "bill"


def _guess_number(text: str, recognised: Recognised) -> str | None:
    hint = _NUMBER_HINT.search(" ".join(block.text for block in recognised.front.cover + recognised.front.preface))
    if hint:
        return f"{hint.group('kind').replace('.', '').replace(' ', '').lower()}-{hint.group('number')}"
    for unit in recognised.body:
        if unit.num and re.match(r"^[0-9]+[A-Za-z]?[-.][0-9]", unit.num):
            return re.split(r"[.]", unit.num.rstrip("."))[0] if "-" in unit.num else unit.num.rstrip(".")
    return None


_SHORT_TITLE = re.compile(r"may be cited as (the )?[\"\u201c](?P<title>[^\"\u201d]{3,200})[\"\u201d]", re.IGNORECASE)
_GENERIC_TITLES = ("A BILL", "AN ACT", "AN ORDINANCE", "A RESOLUTION")


def _short_title(text: str) -> str | None:
    """Return the short title a document gives itself ("This Act may be cited as the “…”")."""
    match = _SHORT_TITLE.search(text.replace("``", "\u201c").replace("''", "\u201d"))
    return " ".join(match.group("title").split()) if match else None


def _printed_title(recognised: Recognised) -> str | None:
    title = recognised.front.title
    if title and title.strip().upper() in _GENERIC_TITLES:
        long_titles = [block.text for block in recognised.front.preface if block.kind == "longTitle"]
        return long_titles[0] if long_titles else title
    return title


def _slug(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words[:6]) or "untitled"


def _derived_number(cleaned: CleanText) -> str:
    """Return a FRBR number for a text without title or number, from a hash of its cleaned lines (line endings,
    trailing spaces, page furniture and line numbers do not change it)."""
    content = "\n".join(line.text for line in cleaned.lines).strip()
    return f"untitled-{hashlib.sha256(content.encode('utf-8')).hexdigest()[:8]}"


def _title_from_body(body: list[Unit]) -> str | None:
    sections = [unit for unit in body if unit.heading]
    return sections[0].heading if len(body) == 1 and sections else None


# --- AKN -----------------------------------------------------------------------------------------------------------


def _fill(root: etree._Element, recognised: Recognised) -> list[dict]:
    """Replace the template's preface, preamble and body with what was recognised; return the defined terms."""
    document = root[0]
    terms = _TermIds()
    _replace(document, "preface", _preface(recognised.front))
    _replace(document, "preamble", _preamble(recognised.front))
    body = E.body()
    for unit in recognised.body:
        _unit(unit, terms, body)
    if not len(body):
        body.append(_empty_section())
    _replace(document, "body", body)
    if recognised.front.conclusions:
        body.addnext(E.conclusions(*[E.p(block.text) for block in recognised.front.conclusions]))
    if recognised.front.cover:
        document.find(akn("meta")).addnext(E.coverPage(*[E.p(block.text) for block in recognised.front.cover]))
    references = xpath(document, "akn:meta/akn:references")[0]
    for term, eid in terms.items():
        references.append(E.TLCTerm(eId=eid, href=f"/ontology/term/this.eng.{eid.removeprefix('term-')}", showAs=term))
    return [{"term": term, "refersTo": f"#{eid}"} for term, eid in terms.items()]


def _replace(document: etree._Element, name: str, new: etree._Element | None) -> None:
    old = document.find(akn(name))
    if new is None:
        if old is not None:
            document.remove(old)
        return
    if old is not None:
        old.addprevious(new)
        document.remove(old)
        return
    anchor = document.find(akn("preface")) if name == "preamble" else document.find(akn("meta"))
    anchor.addnext(new)


def _preface(front: Front) -> etree._Element | None:
    blocks = []
    for block in front.preface:
        if block.kind == "title":
            blocks.append(E.p(E.docTitle(block.text), {"class": "title"}))
        elif block.kind == "longTitle":
            blocks.append(E.longTitle(E.p(block.text)))
        else:
            blocks.append(_paragraph(block))
    return E.preface(*blocks) if blocks else None


def _preamble(front: Front) -> etree._Element | None:
    parts = []
    if front.recitals:
        heading = [E.heading(front.recitals_heading)] if front.recitals_heading else []
        parts.append(E.recitals(*heading, *[E.recital(E.p(block.text)) for block in front.recitals]))
    if front.formula:
        parts.append(E.formula(*[E.p(block.text) for block in front.formula], name="enactingFormula"))
    parts.extend(_paragraph(block) for block in front.instructions)
    return E.preamble(*parts) if parts else None


def _paragraph(block: Block, terms: _TermIds | None = None) -> etree._Element:
    attributes = {"class": block.kind} if block.kind in ("history", "note", "unplaced") else {}
    if block.quoted is not None or (block.kind == "p" and is_amending(block.text)):
        return E.p(attributes, _modification(block, terms if terms is not None else _TermIds()))
    if block.term and terms is not None:
        # every term the paragraph defines ("“A” or “B” means …"), each found after the one before it
        paragraph, last, position = E.p(attributes), None, 0
        for term in (block.term, *block.more_terms):
            start = block.text.find(term, position)
            if start < 0:
                continue
            eid = terms.setdefault(term, _term_eid(term, terms))
            definition = E("def", term, refersTo=f"#{eid}")
            if last is None:
                paragraph.text = block.text[:start]
            else:
                last.tail = block.text[position:start]
            paragraph.append(definition)
            last, position = definition, start + len(term)
        if last is not None:
            last.tail = block.text[position:]
            return paragraph
    return E.p(attributes, block.text)


def _modification(block: Block, terms: _TermIds) -> etree._Element:
    """An amending instruction as AKN `<mod>`: its quoted words as `<quotedText>` (marks kept in the text), the
    structure it quotes (if any) as `<quotedStructure>` after it, with the quotation marks printed around it as its
    attributes and the words printed after them as its tail."""
    modification = E.mod()
    last = None
    position = 0
    for start, end, opening, words, closing in quoted_words(block.text):
        _append_text(modification, last, block.text[position:start])
        last = E.quotedText(f"{opening}{words}{closing}")  # no quote attribute: the marks stay in the text
        modification.append(last)
        position = end
    _append_text(modification, last, block.text[position:])
    if block.quoted is not None:
        if block.text:
            _append_text(modification, last, " ")
        marks = {key: value for key, value in zip(("startQuote", "endQuote", "inlineQuote"), block.quote_marks,
                                                  strict=True) if value}
        structure = E.quotedStructure(marks, *[_unit(unit, terms) for unit in block.quoted])
        modification.append(structure)
        if block.after_quote:
            structure.tail = block.after_quote
    return modification


def _append_text(parent: etree._Element, last: etree._Element | None, text: str) -> None:
    if last is None:
        parent.text = (parent.text or "") + text
    else:
        last.tail = (last.tail or "") + text


class _TermIds(dict):
    """Defined terms and their eIds, and the set of eIds given (naming a new term then looks the set up instead of
    reading every eId: a definitions section of thousands of terms)."""

    def __init__(self):
        super().__init__()
        self.taken: set[str] = set()

    def setdefault(self, term: str, eid: str) -> str:
        if term not in self:
            self[term] = eid
            self.taken.add(eid)
        return self[term]


def _term_eid(term: str, terms: _TermIds) -> str:
    base = "term-" + ("_".join(re.findall(r"[a-z0-9]+", term.lower())) or "term")
    eid, suffix = base, 2
    while eid in terms.taken:
        eid, suffix = f"{base}_{suffix}", suffix + 1
    return eid


def _unit(unit: Unit, terms: _TermIds, parent: etree._Element | None = None) -> etree._Element:
    # the parts are made in place (SubElement): an element made apart is a document of its own, moved on append,
    # which doubles the cost of a document of many small provisions (except a plain leaf: see _plain_leaf)
    if parent is not None and unit.num and not unit.heading and not unit.children and _is_plain(unit):
        return _plain_leaf(unit, parent)
    element = E(unit.element) if parent is None else etree.SubElement(parent, akn(unit.element))
    if unit.num:
        etree.SubElement(element, _NUM).text = unit.num
    if unit.heading:
        etree.SubElement(element, _HEADING).text = unit.heading
    if unit.children:
        if unit.blocks:
            etree.SubElement(element, _INTRO).extend([_paragraph(block, terms) for block in unit.blocks])
        for child in unit.children:
            _unit(child, terms, element)
        if unit.wrap:
            etree.SubElement(element, _WRAP_UP).extend([_paragraph(block, terms) for block in unit.wrap])
    else:
        blocks = [*unit.blocks, *unit.wrap]
        etree.SubElement(element, _CONTENT).extend([_paragraph(block, terms) for block in blocks] or [E.p()])
    return element


_NUM, _HEADING, _INTRO, _WRAP_UP, _CONTENT = (akn(name) for name in ("num", "heading", "intro", "wrapUp", "content"))


def _is_plain(unit: Unit) -> bool:
    """Tell whether a unit holds one paragraph of plain text (no definition, note or amendment) or none: the shape of
    most list items."""
    count = len(unit.blocks) + len(unit.wrap)
    if count != 1:
        return count == 0
    block = (unit.blocks or unit.wrap)[0]
    return block.kind == "p" and block.quoted is None and not block.term and not is_amending(block.text)


@functools.cache
def _leaf_template(element: str) -> etree._Element:
    """The empty shape of a numbered unit of one paragraph (made once per element name, only ever copied)."""
    return E(element, E.num(), E.content(E.p()))


def _plain_leaf(unit: Unit, parent: etree._Element) -> etree._Element:
    """Append a numbered unit of one plain paragraph: copying a made one and moving the copy is several times cheaper
    than making its four elements one by one, and a document of short list items is mostly such units."""
    element = _leaf_template(unit.element).__copy__()
    num, content = element
    num.text = unit.num
    if unit.blocks or unit.wrap:
        content[0].text = (unit.blocks or unit.wrap)[0].text
    parent.append(element)
    return element


def _empty_section() -> etree._Element:
    return E.section(E.content(E.p()))


def _counts(root: etree._Element) -> dict:
    body = xpath(root, "//akn:body")[0]
    counts: dict[str, int] = {}
    # only provisions and amendment elements carry an eId in the body: filtering by their tags spares a proxy for
    # every num, content and p
    for node in body.iter(_ELEMENTS_WITH_EIDS):
        if node.get("eId"):
            name = _LOCAL_NAMES[node.tag]
            counts[name] = counts.get(name, 0) + 1
    counts["definitions"] = len(xpath(root, "//akn:def"))
    return counts


_LOCAL_NAMES = {akn(name): name for name in (*PREFIXES, *MODIFICATION_PREFIXES)}
_ELEMENTS_WITH_EIDS = tuple(_LOCAL_NAMES)
