"""Cross-references in a clause: the provisions it names, cited as the document prints them and resolved against the
clause's own place ("subsection (a)" read in section 4 is 4(a); "this section" read in 4(d) is 4).

PURE. A place is the chain of provisions from the top of the document (or of a quoted structure) down to the clause's
own provision, as (element, citation) pairs; references to another law ("section 12 of chapter 41 of the General
Laws") are kept in their own words, unresolved.
"""

from __future__ import annotations

import re

from . import vocabulary as v

Place = tuple[tuple[str, str], ...]  # (element, citation) from the top down to the clause's provision

_LEVELS = {**dict.fromkeys(v.SECTION_WORDS, 0), **dict.fromkeys(v.SUBSECTION_WORDS, 1),
           **dict.fromkeys(v.PARAGRAPH_WORDS, 2), **dict.fromkeys(v.SUBPARAGRAPH_WORDS, 3)}
# the AKN elements at each level, for resolving a relative number ("subsection (a)") against a place
_ELEMENT_LEVELS = {"article": 0, "section": 0, "rule": 0, "subsection": 1, "subdivision": 1, "paragraph": 2,
                   "subparagraph": 3, "clause": 3, "subclause": 4, "point": 3, "item": 3}
_PART = r"\([0-9A-Za-z]{1,5}\)"
_LABEL = rf"(?:\d+[A-Za-z]?(?:[-.]\d+[A-Za-z]?)*(?:{_PART})*|{_PART}(?:{_PART})*)"
_KEYWORD = "|".join(sorted(map(re.escape, _LEVELS), key=len, reverse=True))
_JOIN = r"\s*(?:,\s*(?:and/or|and|or)?|and/or|and|or|to|through)\s*"
REFERENCE = re.compile(
    rf"(?<![\w§])(?P<keyword>{_KEYWORD})\.?\s*(?P<labels>{_LABEL}(?:{_JOIN}(?:(?:{_KEYWORD})\.?\s*)?{_LABEL})*)"
    rf"|(?<![\w.-])(?P<code>\d+-\d+(?:\.\d+)+[A-Za-z]?(?:{_PART})*)"
    rf"|\b(?P<own>{'|'.join(map(re.escape, v.OWN_PROVISION_WORDS + v.OWN_LAW_WORDS))})\b",
    re.IGNORECASE,
)
_ONE_LABEL = re.compile(rf"(?P<join>{_JOIN})?(?:(?P<keyword>{_KEYWORD})\.?\s*)?(?P<label>{_LABEL})", re.IGNORECASE)
_EXTERNAL = re.compile(rf"\s*(?:{'|'.join(map(re.escape, v.EXTERNAL_REFERENCE_WORDS))})\b", re.IGNORECASE)
_PARTS = re.compile(_PART)
_OTHER_LAW = re.compile(r"[^,;:]*")


def _base(place: Place, level: int) -> str | None:
    """The citation of the provision of the place a relative number at `level` hangs from."""
    for element, citation in reversed(place):
        found = _ELEMENT_LEVELS.get(element)
        if found is not None and found < level:
            return citation
    # no element says its level: count from the top
    if place and level - 1 < len(place):
        return place[max(level - 1, 0)][1]
    return place[0][1] if place else None


def _own(place: Place, words: str) -> str:
    """Resolve "this section" / "this subsection" / "this paragraph" to a citation; a law keeps its words."""
    words = words.lower()
    level = {"this section": 0, "this subsection": 1, "this paragraph": 2}.get(words)
    if level is None:
        return words
    for element, citation in reversed(place):
        if _ELEMENT_LEVELS.get(element) == level and citation:
            return citation
    return place[min(level, len(place) - 1)][1] if place and place[min(level, len(place) - 1)][1] else words


def _without_last_part(citation: str) -> str:
    parts = list(_PARTS.finditer(citation))
    return citation[:parts[-1].start()] if parts else citation


# where a reference can start: the stem of a level's word or of "this section", "this act" (found with str.find,
# then the reference is matched there); a code section ("16-70.4") is looked for only in text with a hyphen
_STEMS = tuple(dict.fromkeys(word[:3] if word.startswith("sec") else word.split()[0] for word in (
    *_LEVELS, *v.OWN_PROVISION_WORDS, *v.OWN_LAW_WORDS)))
# a text none of whose words is one of these (and with no "§" nor hyphen) names no provision
_GATE = frozenset(word for phrase in (*_LEVELS, *v.OWN_PROVISION_WORDS, *v.OWN_LAW_WORDS)
                  for word in phrase.split()[:1] if word.isalpha())
_CODE = re.compile(rf"(?<![\w.-])\d+-\d+(?:\.\d+)+[A-Za-z]?(?:{_PART})*")


# words whose reading depends on where they are read ("subsection (a)", "this section")
_RELATIVE_WORDS = tuple(dict.fromkeys((*(word for word, level in _LEVELS.items() if level > 0),
                                       *v.OWN_PROVISION_WORDS)))


def depends_on_place(low: str) -> bool:
    """Tell whether lower-cased text may name a provision relative to its own place."""
    return any(word in low for word in _RELATIVE_WORDS)


def _finds(low: str, stem: str):
    position = low.find(stem)
    while position != -1:
        yield position
        position = low.find(stem, position + 1)


def references(text: str, place: Place = (), words: frozenset[str] | None = None) -> tuple[str, ...]:
    """Return every provision a text names, in order, each once, resolved against the place it is read at (`words`:
    the text's lower-cased words, when the caller has them)."""
    low = text.lower()
    if words is not None and _GATE.isdisjoint(words) and "§" not in low and "-" not in low:
        return ()
    places = {position for stem in _STEMS for position in _finds(low, stem)}
    if "-" in low:
        places.update(match.start() for match in _CODE.finditer(text))
    if not places:
        return ()
    found: list[str] = []
    end = 0
    for place_start in sorted(places):
        if place_start < end:
            continue
        match = REFERENCE.match(text, place_start)
        if match is None:
            continue
        end = match.end()
        if match["own"]:
            found.append(_own(place, match["own"]))
            continue
        if match["code"]:
            found.append(match["code"])
            continue
        if _EXTERNAL.match(text, match.end()):
            words = text[match.start():_OTHER_LAW.match(text, match.end()).end()]
            found.append(" ".join(words.split()).lower())
            continue
        level = _LEVELS[match["keyword"].lower()]
        previous: str | None = None
        for one in _ONE_LABEL.finditer(match["labels"]):
            if one["keyword"]:
                level = _LEVELS[one["keyword"].lower()]
            label = one["label"]
            join = (one["join"] or "").strip().lower()
            if label[0].isdigit():
                citation = label
            elif previous is not None and previous[0].isdigit() and _PARTS.search(previous) and not one["keyword"]:
                # "section 4(a)(1) or (2)": a bare number after a full citation replaces its last part
                citation = _without_last_part(previous) + label
            else:
                base = _base(place, level) if level > 0 else None
                citation = (base or "") + label
            if join in ("to", "through") and previous is not None:
                found[-1] = f"{previous}-{label if not label[0].isdigit() else citation}"
                previous = citation
                continue
            found.append(citation)
            previous = citation
    unique: list[str] = []
    for citation in found:
        if citation not in unique:
            unique.append(citation)
    return tuple(unique)
