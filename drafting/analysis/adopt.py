"""PURE. Adopt a provision of another document into a draft: a new section at the right place, renumbering after it.

The adopted provision becomes a top-level section of the draft. A section is copied as it is; any other provision
(a subsection, a paragraph, a definition) is lifted into a new section: its intro, content and sub-provisions become
the section's, under its own heading or, when it has none, the heading of the nearest provision above it.

The section goes after the provision `after` names (its enclosing top-level section), else before the sections that
traditionally close a bill (severability, effective date, a short title at the end), else at the end of the body.
Top-level sections numbered plainly ("1.", "Section 3.") are renumbered from there on, in the draft's style, only as
far as the new number requires; a draft numbered otherwise ("16-62.4") gets an inserted number ("16-62.4A").

eIds: untouched provisions keep theirs; the inserted section and the renumbered ones (with everything below them)
take conventional eIds, unique in the draft, and references to a renamed eId follow it. The source is recorded in
<meta> as a note (`note_adopted_N`, "Adopted from <ref href="SOURCE#EID">"), marked in the new heading by a noteRef.
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass

from lxml import etree

from drafting.akn import E, akn, read_identification, xpath
from drafting.akn.eids import PROVISION_TAGS, expected_eids, num_of, repair_eids
from drafting.akn.frbr import document_element
from drafting.akn.provisions import cite
from drafting.errors import InvalidDocumentError, NotFoundError

_SECTION, _NUM, _HEADING, _SUBHEADING = akn("section"), akn("num"), akn("heading"), akn("subheading")
_META, _BODY, _REFERENCES, _NOTES = akn("meta"), akn("body"), akn("references"), akn("notes")
_LABELS = (_NUM, _HEADING, _SUBHEADING)
# <meta> children up to and including notes, in the order the schema requires
_META_BEFORE_PROPRIETARY = tuple(akn(name) for name in (
    "identification", "publication", "classification", "lifecycle", "workflow", "analysis", "temporalData",
    "references", "notes",
))
_PLAIN_NUM = re.compile(r"^(?P<prefix>(?:section|sec\.|§)\s*)?(?P<n>\d+)(?P<suffix>\.?)$", re.IGNORECASE)
_CLOSING = re.compile(r"\b(severab\w*|effective date|takes? effect|short title)\b", re.IGNORECASE)
_SOURCE_ORGANIZATION = "drafting"


@dataclass(frozen=True)
class Adoption:
    """A draft with an adopted provision, and what changed to make room for it."""

    root: etree._Element
    eId: str  # of the inserted section
    num: str | None
    note: str  # eId of the note naming the source
    renumbered: tuple[tuple[str, str], ...]  # (old num, new num) of the sections renumbered
    missing_definitions: tuple[str, ...]  # terms the adopted text uses, defined in the source but not in the draft

    def as_dict(self) -> dict:
        return {
            "eId": self.eId,
            "num": self.num,
            "note": self.note,
            "renumbered": [{"old": old, "new": new} for old, new in self.renumbered],
            "missing_definitions": list(self.missing_definitions),
        }


def adopt(draft_root: etree._Element, source_root: etree._Element, eid: str, *, after: str | None = None,
          source_uri: str) -> etree._Element:
    """Return a new draft tree with the source's provision `eid` adopted as a section."""
    return adopt_provision(draft_root, source_root, eid, after=after, source_uri=source_uri).root


def adopt_provision(draft_root: etree._Element, source_root: etree._Element, eid: str, *, after: str | None = None,
                    source_uri: str) -> Adoption:
    """Adopt the source's provision `eid` into a copy of the draft; say where it went and what it renumbered."""
    source_node = find_provision(source_root, eid, what=f"the source {source_uri}")
    draft = deepcopy(draft_root)
    body = document_element(draft).find(_BODY)
    if body is None:
        raise InvalidDocumentError("expected a <body> in the draft to adopt a provision into, found none")
    sections = top_level_sections(body)
    parent, index = _insertion_point(draft, body, sections, after)

    section = _as_section(source_node, source_uri)
    note_id = _next_note_id(draft)
    _mark(section, note_id)
    _insert(parent, index, section)
    source_indent, target_indent = _whitespace_before(source_node), _whitespace_before(section)
    delta = len(target_indent) - len(source_indent) if source_indent and target_indent else 0
    _tidy(section, delta)

    renumbered_nodes, renumbered = _renumber(top_level_sections(body), section)
    _carry_references(draft, source_root, section)
    new_eid = _set_eids(draft, [section, *renumbered_nodes])
    _add_note(draft, note_id, source_uri, eid, _source_label(source_root, source_node))
    repair_eids(draft)
    return Adoption(
        root=draft,
        eId=section.get("eId") or new_eid,
        num=num_of(section),
        note=note_id,
        renumbered=tuple(renumbered),
        missing_definitions=missing_definitions(draft_root, source_root, source_node),
    )


def find_provision(root: etree._Element, eid: str, *, what: str = "the document") -> etree._Element:
    """Return the provision with this eId outside <meta>: 404 when no element has it, 422 when it is no provision."""
    found = [node for node in xpath(root, "//*[@eId=$eid]", eid=eid) if not _in_meta(node)]
    if not found:
        raise NotFoundError(f"no provision with eId {eid!r} in {what}")
    node = found[0]
    if node.tag not in PROVISION_TAGS:
        raise InvalidDocumentError(
            f"expected the eId of a provision (section, subsection, paragraph, ...) in {what}, "
            f"found a <{etree.QName(node).localname}> with eId {eid!r}"
        )
    return node


def top_level_sections(body: etree._Element) -> list[etree._Element]:
    """Return the sections of a body that are not inside another section, in document order."""
    return [node for node in body.iter(_SECTION)
            if not any(ancestor.tag == _SECTION for ancestor in node.iterancestors())]


def missing_definitions(draft_root: etree._Element, source_root: etree._Element,
                        provision: etree._Element) -> tuple[str, ...]:
    """Return the terms the provision uses that the source defines, but that neither the draft nor it defines."""
    text = " ".join("".join(provision.itertext()).split()).lower()
    known = {term.lower() for term in (*_defined_terms(draft_root), *_defined_terms(provision))}
    missing: dict[str, str] = {}
    for term in _defined_terms(source_root):
        key = term.lower()
        if key in known or key in missing:
            continue
        if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", text):
            missing[key] = term
    return tuple(sorted(missing.values(), key=str.lower))


def _defined_terms(node: etree._Element) -> list[str]:
    terms = []
    for definition in xpath(node, ".//akn:def"):
        term = " ".join("".join(definition.itertext()).split()).strip("\"'\u201c\u201d ")
        if term and term not in terms:
            terms.append(term)
    return terms


def _in_meta(node: etree._Element) -> bool:
    return any(ancestor.tag == _META for ancestor in node.iterancestors())


# --- where ------------------------------------------------------------------------------------------------------


def _insertion_point(draft: etree._Element, body: etree._Element, sections: list[etree._Element],
                     after: str | None) -> tuple[etree._Element, int]:
    """Return the parent and the index the new section goes at."""
    if after is not None:
        target = find_provision(draft, after, what="the draft")
        if body not in target.iterancestors():
            raise InvalidDocumentError(f"expected `after` to name a provision in the draft's body, found {after!r}")
        anchor = next((s for s in sections if s is target or s in target.iterancestors()), target)
        parent = anchor.getparent()
        return parent, parent.index(anchor) + 1
    closing = _closing_run(sections)
    if closing is not None:
        return closing.getparent(), closing.getparent().index(closing)
    return body, len(body)


def _closing_run(sections: list[etree._Element]) -> etree._Element | None:
    """Return the first of the sections that close the bill (severability, effective date, ...), if any."""
    first = None
    for section in reversed(sections[1:]):  # a short title that opens the bill does not close it
        if not _CLOSING.search(_heading_text(section)):
            break
        first = section
    return first


def _heading_text(node: etree._Element) -> str:
    heading = node.find(_HEADING)
    return " ".join("".join(heading.itertext()).split()) if heading is not None else ""


# --- what -------------------------------------------------------------------------------------------------------


def _as_section(node: etree._Element, source_uri: str) -> etree._Element:
    """Copy a provision as a section of the draft, without the source's identifiers."""
    copied = deepcopy(node)
    copied.tail = None
    if copied.tag == _SECTION:
        section = copied
        for label in section.findall(_NUM):
            section.remove(label)
        heading = section.find(_HEADING)
        section.insert(0, E.num())
        if heading is None and (inherited := _inherited_heading(node)) is not None:
            section.insert(1, inherited)
    else:
        heading = copied.find(_HEADING)
        heading = deepcopy(heading) if heading is not None else _inherited_heading(node)
        section = E.section(E.num())
        if heading is not None:
            heading.tail = None
            section.append(heading)
        for child in copied:
            if child.tag not in _LABELS:
                section.append(child)
    for element in section.iter(tag=etree.Element):
        for attribute in ("eId", "wId", "GUID"):
            element.attrib.pop(attribute, None)
        href = element.get("href")
        if href and href.startswith("#"):
            # a reference inside the source points into the source
            element.set("href", f"{source_uri}{href}")
    for marker in list(section.iter(akn("noteRef"), akn("authorialNote"))):
        _drop(marker)
    return section


def _inherited_heading(node: etree._Element) -> etree._Element | None:
    for ancestor in node.iterancestors():
        if ancestor.tag in PROVISION_TAGS and ancestor.find(_HEADING) is not None:
            heading = deepcopy(ancestor.find(_HEADING))
            heading.tail = None
            for attribute in ("eId", "wId", "GUID"):
                heading.attrib.pop(attribute, None)
            return heading
    return None


def _drop(node: etree._Element) -> None:
    """Remove an element, keeping its tail text."""
    parent = node.getparent()
    previous = node.getprevious()
    if node.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def _mark(section: etree._Element, note_id: str) -> None:
    """Put the marker of the adoption note in the heading, or else the first paragraph (never in the text itself)."""
    marker = E.noteRef(href=f"#{note_id}", marker="*")
    heading = section.find(_HEADING)
    target = heading if heading is not None else next(iter(xpath(section, ".//akn:p")), None)
    if target is not None:
        target.append(marker)


def _insert(parent: etree._Element, index: int, element: etree._Element) -> None:
    """Insert an element among its siblings, indented like them (whitespace only: no text is touched)."""
    if len(parent) == 0:
        outer = _whitespace_before(parent) or "\n"
        parent.text, element.tail = outer + "  ", outer
    elif index >= len(parent):
        element.tail, parent[-1].tail = parent[-1].tail, _whitespace_before(parent[-1])
    else:
        element.tail = _whitespace_before(parent[index])
    parent.insert(index, element)


def _whitespace_before(node: etree._Element) -> str | None:
    """Return the indentation in front of an element, when it has one."""
    previous, parent = node.getprevious(), node.getparent()
    space = previous.tail if previous is not None else (parent.text if parent is not None else None)
    return space if space and not space.strip() and "\n" in space else None


def _tidy(element: etree._Element, delta: int = 0) -> None:
    """Indent an inserted element's children one step in, and shift its deeper layout by `delta` columns."""
    own = _whitespace_before(element)
    if own is None or (element.text or "").strip() or not len(element):
        return
    if delta:
        for node in element.iterdescendants(tag=etree.Element):
            if node.getparent() is not element and _layout(node.text):
                node.text = _shifted(node.text, delta)
            if node.getparent() is not element and _layout(node.tail):
                node.tail = _shifted(node.tail, delta)
            if node.getparent() is element and _layout(node.text):
                node.text = _shifted(node.text, delta)
    inner = own + "  "
    element.text = inner
    for child in element:
        if not (child.tail or "").strip():
            child.tail = inner
    element[-1].tail = own


def _layout(space: str | None) -> bool:
    return bool(space) and not space.strip() and "\n" in space


def _shifted(space: str, delta: int) -> str:
    head, _, indent = space.rpartition("\n")
    return f"{head}\n{' ' * max(0, len(indent) + delta)}"


# --- numbers and eIds -------------------------------------------------------------------------------------------


def _set_num(section: etree._Element, text: str) -> None:
    num = section.find(_NUM)
    for child in list(num):
        num.remove(child)
    num.text = text


def _renumber(sections: list[etree._Element], inserted: etree._Element
              ) -> tuple[list[etree._Element], list[tuple[str, str]]]:
    """Number the inserted section in the draft's style and renumber the plainly numbered ones after it."""
    position = sections.index(inserted)
    before = [(s, m) for s in sections[:position] if (m := _PLAIN_NUM.match(num_of(s) or ""))]
    later = [(s, m) for s in sections[position + 1:] if (m := _PLAIN_NUM.match(num_of(s) or ""))]
    if not before and not later:
        _set_num(inserted, _inserted_number(sections, position))
        return [], []
    style = later[0][1] if later else before[-1][1]
    number = int(before[-1][1]["n"]) + 1 if before else int(later[0][1]["n"])
    _set_num(inserted, _styled(style, number))
    changed, renumbered, current = [], [], number
    for section, match in later:
        if int(match["n"]) > current:
            break  # a gap in the numbering absorbs the insertion
        current += 1
        old = num_of(section)
        _set_num(section, _styled(match, current))
        changed.append(section)
        renumbered.append((old, num_of(section)))
    return changed, renumbered


def _styled(match: re.Match, number: int) -> str:
    return f"{match['prefix'] or ''}{number}{match['suffix']}"


def _inserted_number(sections: list[etree._Element], position: int) -> str:
    """Number a section inserted among sections not numbered plainly: the previous number with a letter ("4A")."""
    previous = num_of(sections[position - 1]) if position else None
    if not previous:
        return "1."
    base, dot = previous.rstrip("."), "." if previous.endswith(".") else ""
    taken = {num_of(s) for s in sections}
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        candidate = f"{base}{letter}{dot}"
        if candidate not in taken:
            return candidate
    return f"{base}-{len(sections)}{dot}"


def _set_eids(root: etree._Element, changed_tops: list[etree._Element]) -> str:
    """Give the provisions under the changed sections conventional eIds, unique, and make references follow."""
    expected = expected_eids(root)
    changed = [node for top in changed_tops for node in top.iter(tag=tuple(PROVISION_TAGS))]
    changed_ids = {id(node) for node in changed}
    taken = {node.get("eId") for node in root.iter(tag=etree.Element)
             if node.get("eId") and id(node) not in changed_ids}
    renamed: dict[str, str] = {}
    for node in sorted(changed, key=_document_order(root)):
        wanted, suffix = expected[node], 2
        candidate = wanted
        while candidate in taken:
            candidate, suffix = f"{wanted}_{suffix}", suffix + 1
        taken.add(candidate)
        if node.get("eId") and node.get("eId") != candidate:
            renamed[node.get("eId")] = candidate
        node.set("eId", candidate)
    if renamed:
        for node in root.iter(tag=etree.Element):
            href = node.get("href")
            if href and href.startswith("#") and href[1:] in renamed:
                node.set("href", f"#{renamed[href[1:]]}")
    return changed_tops[0].get("eId")


def _document_order(root: etree._Element):
    order = {id(node): index for index, node in enumerate(root.iter(tag=etree.Element))}
    return lambda node: order[id(node)]


# --- metadata ---------------------------------------------------------------------------------------------------


def _next_note_id(root: etree._Element) -> str:
    used = {node.get("eId") for node in root.iter(tag=etree.Element) if node.get("eId")}
    number = 1
    while f"note_adopted_{number}" in used:
        number += 1
    return f"note_adopted_{number}"


def _source_label(source_root: etree._Element, node: etree._Element) -> str:
    """Name the adopted provision as a reader cites it: the source's title and the provision's number."""
    path = [num_of(a) for a in reversed(list(node.iterancestors())) if a.tag in PROVISION_TAGS and num_of(a)]
    if num_of(node):
        path.append(num_of(node))
    citation = cite(tuple(path))
    title = read_identification(source_root).title
    return ", ".join(part for part in (title, citation) if part) or "another document"


def _add_note(root: etree._Element, note_id: str, source_uri: str, eid: str, label: str) -> None:
    meta = document_element(root).find(_META)
    if meta is None:
        raise InvalidDocumentError("expected <meta> in the draft, found none")
    _ensure_source_organization(meta)
    notes = next((n for n in meta.findall(_NOTES) if n.get("source") == f"#{_SOURCE_ORGANIZATION}"), None)
    if notes is None:
        notes = E.notes(source=f"#{_SOURCE_ORGANIZATION}")
        position = max((i + 1 for i, child in enumerate(meta) if child.tag in _META_BEFORE_PROPRIETARY), default=0)
        _insert(meta, position, notes)
    note = E.note(E.p("Adopted from ", E.ref(label, href=f"{source_uri}#{eid}"), "."), eId=note_id)
    _insert(notes, len(notes), note)
    _tidy(note)


def _ensure_source_organization(meta: etree._Element) -> None:
    """Make `#drafting`, the source of the notes, resolve to an organisation in <references>."""
    if any(node.get("eId") == _SOURCE_ORGANIZATION for node in meta.iter(tag=etree.Element)):
        return
    organization = E.TLCOrganization(eId=_SOURCE_ORGANIZATION, href="/ontology/organization/drafting",
                                     showAs="Drafting service")
    _insert(_references(meta), 0, organization)


def _references(meta: etree._Element) -> etree._Element:
    references = meta.find(_REFERENCES)
    if references is None:
        references = E.references(source=f"#{_SOURCE_ORGANIZATION}")
        order = _META_BEFORE_PROPRIETARY
        position = max((i + 1 for i, child in enumerate(meta) if child.tag in order[:order.index(_REFERENCES)]),
                       default=0)
        _insert(meta, position, references)
    return references


def _carry_references(draft: etree._Element, source_root: etree._Element, section: etree._Element) -> None:
    """Copy the source's ontology entries (TLC*) that the adopted text refers to and the draft lacks."""
    wanted = {value[1:] for node in section.iter(tag=etree.Element)
              for value in [node.get("refersTo")] if value and value.startswith("#")}
    if not wanted:
        return
    present = {node.get("eId") for node in draft.iter(tag=etree.Element) if node.get("eId")}
    source_meta = document_element(source_root).find(_META)
    if source_meta is None:
        return
    meta = document_element(draft).find(_META)
    for entry in xpath(source_meta, "akn:references/*[@eId]"):
        if entry.get("eId") in wanted and entry.get("eId") not in present:
            copied = deepcopy(entry)
            copied.tail = None
            references = _references(meta)
            _insert(references, len(references), copied)
            present.add(entry.get("eId"))
