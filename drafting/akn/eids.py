"""The one owner of eId rules: naming convention, generation, uniqueness and repair.

Convention (AKN naming convention, as Indigo and bluebell apply it): an eId is the parent provision's eId,
`__`, an element prefix (`sec`, `subsec`, `para`, ...), `_` and the cleaned printed number: `sec_3__subsec_b__para_2`.
The number is the `<num>` text lowercased with brackets, leading words such as "Section" and trailing
punctuation removed (`(B)` -> `b`, `16-62.2` -> `16-62.2`, `A.` -> `a`). An unnumbered element takes its position
among same-named siblings (`hcontainer_1`); a clash takes a suffix (`para_a_2`).

The browser editor names provisions by the same rules: editor_rules() gives it the prefix table and the number
rules as data, and static/editor/akn.js follows expected_eids and repair_eids step by step.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from lxml import etree

from .namespaces import AKN_NS, akn

PREFIXES = {
    "alinea": "al",
    "article": "art",
    "book": "book",
    "chapter": "chp",
    "clause": "clause",
    "division": "dvs",
    "hcontainer": "hcontainer",
    "indent": "indent",
    "level": "level",
    "list": "list",
    "paragraph": "para",
    "part": "part",
    "point": "point",
    "proviso": "proviso",
    "rule": "rule",
    "section": "sec",
    "subchapter": "subchp",
    "subclause": "subclause",
    "subdivision": "subdvs",
    "subparagraph": "subpara",
    "subpart": "subpart",
    "subrule": "subrule",
    "subsection": "subsec",
    "subtitle": "subtitle",
    "title": "title",
    "tome": "tome",
    "transitional": "transitional",
}
"""Hierarchical AKN elements (provisions) and their eId prefixes."""

PROVISION_TAGS = frozenset(akn(name) for name in PREFIXES)
_PROVISION_NAMES = {akn(name): name for name in PREFIXES}
_NUM = akn("num")

# How a printed number becomes the number part of an eId, as data: clean_num applies these rules, and the browser
# editor (static/editor/akn.js) applies the same data, which it receives from editor_rules().
LEADING_WORDS = (
    "section", "sec", "article", "art", "chapter", "ch", "part", "title", "subtitle", "division", "subchapter", "book",
    "tome",
)
"""Words dropped from the start of a number, whole words in any case, with an optional full stop ("Sec. 5")."""
LEADING_MARKS = "§"
"""Marks dropped from the start of a number, however often repeated ("§§ 4")."""
TRAILING_PUNCTUATION = ".,:;"
"""Punctuation dropped from the end of a number ("3." -> "3")."""
BRACKETS = "()[]"
"""Brackets dropped; like whitespace they separate parts, joined by SEPARATOR ("3 (a)" -> "3-a")."""
KEPT = "abcdefghijklmnopqrstuvwxyz0123456789.-"
"""The characters of a cleaned number (after lowercasing); every run of others becomes one SEPARATOR."""
SEPARATOR = "-"
TRIMMED = "-."
"""Characters dropped from both ends of a cleaned number."""

# What Python's re and str make of the rules above, spelled out for JavaScript, whose regular expressions differ.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
"""The characters str.split() and re's \\s take for whitespace (str.isspace)."""
CASE_VARIANTS = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}
"""The characters other than ASCII that re.IGNORECASE matches with a letter ("İ", "ı", the Kelvin sign, "ſ")."""

_LEADING_WORDS = re.compile(
    rf"^(?:(?:{'|'.join(LEADING_WORDS)})\b\.?|[{re.escape(LEADING_MARKS)}]+)\s*",
    re.IGNORECASE,
)
_DROP = re.compile(rf"[{re.escape(BRACKETS)}\s]+")
_UNSAFE = re.compile(rf"[^{re.escape(KEPT)}]+")


@functools.lru_cache(maxsize=8192)
def clean_num(num: str | None) -> str:
    """Turn a printed number into the form used in an eId ("(B)" -> "b", "Section 3." -> "3")."""
    if not num:
        return ""
    text = _LEADING_WORDS.sub("", " ".join(num.split()))
    text = text.strip().rstrip(TRAILING_PUNCTUATION).strip()
    text = SEPARATOR.join(part for part in _DROP.split(text) if part)
    return _UNSAFE.sub(SEPARATOR, text.lower()).strip(TRIMMED)


def editor_rules() -> dict:
    """Return the eId rules as JSON-able data, for the browser editor to name provisions as this module does."""
    return {
        "prefixes": dict(PREFIXES),
        "number": {
            "leading_words": list(LEADING_WORDS),
            "leading_marks": LEADING_MARKS,
            "trailing_punctuation": TRAILING_PUNCTUATION,
            "brackets": BRACKETS,
            "kept": KEPT,
            "separator": SEPARATOR,
            "trimmed": TRIMMED,
            "whitespace": WHITESPACE,
            "case_variants": dict(CASE_VARIANTS),
        },
    }


def is_provision(node: etree._Element) -> bool:
    """Tell whether an element is a hierarchical AKN unit that carries an eId."""
    return node.tag in PROVISION_TAGS


def num_of(node: etree._Element) -> str | None:
    """Return a provision's printed number, whitespace folded, or None."""
    # the num is nearly always the first child: looking at it first spares find() (ElementPath) per provision
    num = node[0] if len(node) and node[0].tag == _NUM else node.find(_NUM)
    if num is None:
        return None
    # a num without children (the usual one) is its text: itertext would give the same, slower
    text = " ".join(((num.text or "") if not len(num) else "".join(num.itertext())).split())
    return text or None


def parent_provision(node: etree._Element) -> etree._Element | None:
    """Return the nearest ancestor that is a provision, or None."""
    for ancestor in node.iterancestors():
        if ancestor.tag in PROVISION_TAGS:
            return ancestor
    return None


def expected_eids(root: etree._Element) -> dict[etree._Element, str]:
    """Compute the eId the naming convention gives every provision, unique within the document."""
    result: dict[etree._Element, str] = {}
    used: Counter[str] = Counter()
    positions: Counter[tuple[int, str]] = Counter()
    for node in root.iter(tag=tuple(PROVISION_TAGS)):
        name = _PROVISION_NAMES[node.tag]
        parent = parent_provision(node)
        parent_id = result.get(parent) if parent is not None else None
        positions[(id(parent), name)] += 1
        number = clean_num(num_of(node)) or str(positions[(id(parent), name)])
        base = f"{PREFIXES[name]}_{number}"
        candidate = f"{parent_id}__{base}" if parent_id else base
        used[candidate] += 1
        if used[candidate] > 1:
            suffix = used[candidate]
            while f"{candidate}_{suffix}" in used:
                suffix += 1
            candidate = f"{candidate}_{suffix}"
            used[candidate] += 1
        result[node] = candidate
    return result


def generate_eids(root: etree._Element) -> None:
    """Set every provision's eId from the naming convention (for documents this service builds), and the eIds of
    the modifications of an amending bill (see modification_eids)."""
    for node, eid in expected_eids(root).items():
        node.set("eId", eid)
    for node, eid in modification_eids(root).items():
        node.set("eId", eid)


MODIFICATION_PREFIXES = {"mod": "mod", "quotedStructure": "qstr", "quotedText": "qtext"}
"""The amendment elements of an amending bill and their eId prefixes (AKN requires an eId on each)."""
_MODIFICATION_TAGS = tuple(akn(name) for name in MODIFICATION_PREFIXES)


def modification_eids(root: etree._Element) -> dict[etree._Element, str]:
    """Name every mod, quotedStructure and quotedText by position under its nearest provision or modification
    ("sec_1__mod_1__qstr_1"); the provisions inside a quoted structure are named under the amending provision by
    expected_eids, which these names never collide with."""
    result: dict[etree._Element, str] = {}
    # keyed by the owner element itself, which keeps its proxy alive: lxml makes a new proxy (and Python may reuse
    # an id) for an element no longer referenced, so id(owner) could count two owners as one
    positions: Counter[tuple[etree._Element | None, str]] = Counter()
    for node in root.iter(_MODIFICATION_TAGS):
        owner = next((a for a in node.iterancestors() if a.tag in PROVISION_TAGS or a.tag in _MODIFICATION_TAGS),
                     None)
        owner_id = (result.get(owner) or owner.get("eId")) if owner is not None else None
        prefix = MODIFICATION_PREFIXES[etree.QName(node).localname]
        positions[(owner, prefix)] += 1
        base = f"{prefix}_{positions[(owner, prefix)]}"
        result[node] = f"{owner_id}__{base}" if owner_id else base
    return result


@dataclass(frozen=True)
class EidRepair:
    """One eId set by repair: what it was (None when missing) and what it is now."""

    old: str | None
    new: str
    reason: str

    def as_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "reason": self.reason}


def repair_eids(root: etree._Element) -> tuple[EidRepair, ...]:
    """Give provisions that lack an eId, or share one, a unique conventional eId; keep every other eId."""
    seen: Counter[str] = Counter(
        node.get("eId") for node in root.iter(tag=etree.Element) if node.get("eId")
    )
    expected = expected_eids(root)
    taken = set(seen)
    # An eId held by a non-provision element stays with it; a provision reusing it is repaired.
    first_kept = {
        node.get("eId") for node in root.iter(tag=etree.Element) if node.get("eId") and node.tag not in PROVISION_TAGS
    }
    repairs = []
    for node, conventional in expected.items():
        current = node.get("eId")
        if current and (seen[current] == 1 or current not in first_kept):
            first_kept.add(current)
            continue
        reason = "missing" if not current else "duplicate"
        new = conventional
        suffix = 2
        while new in taken:
            new = f"{conventional}_{suffix}"
            suffix += 1
        taken.add(new)
        node.set("eId", new)
        repairs.append(EidRepair(old=current, new=new, reason=reason))
    return tuple(repairs)


def duplicate_eids(root: etree._Element) -> list[str]:
    """Return the eIds that occur more than once in a document."""
    counts = Counter(node.get("eId") for node in root.iter(tag=etree.Element) if node.get("eId"))
    return sorted(eid for eid, count in counts.items() if count > 1)


__all__ = [
    "AKN_NS",
    "PREFIXES",
    "PROVISION_TAGS",
    "EidRepair",
    "clean_num",
    "duplicate_eids",
    "editor_rules",
    "expected_eids",
    "generate_eids",
    "is_provision",
    "num_of",
    "parent_provision",
    "repair_eids",
]
