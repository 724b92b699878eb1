"""How much of government a bearer reaches: all of it, part of it (every law-enforcement agency, state agencies only)
or one body (a police department, a bureau), read from its words or, for a defined term, from its definition.

PURE. Used by the safeguards engine (scope of a ban) and by the redline's meaning labels (bearer narrowed/widened),
so that both read a bearer the same way.
"""

from __future__ import annotations

import re

ALL, PART, ONE = "all", "part", "one"
ORDER = {ONE: 0, PART: 1, ALL: 2}

_POLICING = re.compile(r"\b(police|law enforcement|sheriff|policing|public safety|"
                       r"criminal (law|justice|investigations?))\b", re.IGNORECASE)
_KINDS_OF_BODY = re.compile(r"\b(agenc(y|ies)|departments?|boards?|commissions?|offices?|authorit(y|ies)|courts?|"
                            r"instrumentalit(y|ies)|bureaus?|divisions?|councils?|committees?|officials?|employees?)\b",
                            re.IGNORECASE)
_WHOLE_LEVEL = re.compile(r"political subdivision|\b(every|each|all|any)\b[^.;]{0,30}\b(agenc(y|ies)|departments?|"
                          r"government entit|public (body|bodies|agenc|entit))|\bstate and\b|\bcity and\b|"
                          r"\btown and\b|\bcounty and\b", re.IGNORECASE)
_BROAD_SUBJECT = re.compile(r"\b(any|every|no)\b[^.;]{0,40}\b(government (entity|employee)|public (agency|official|"
                            r"employee|body)|agency|department|official|employee|city|town|county|municipal|state)\b|"
                            r"\bgovernment entit", re.IGNORECASE)
# "any other agency … whose principal function is the enforcement of criminal law": a list narrowed to the police
_POLICING_FUNCTION = re.compile(r"\b(whose|with a) (principal|primary|main) (function|purpose|duty|responsibility)|"
                                r"principally engaged in|that (is|are) (authorized|empowered) to (engage in|enforce)",
                                re.IGNORECASE)
_EVERY_POLICE_BODY = re.compile(r"\b(all|any|every|each|no)\b[^.;]{0,30}\b(law enforcement|police|sheriff)|"
                                r"law enforcement (agencies|officers)|police departments", re.IGNORECASE)
_ONE_LEVEL_PART = re.compile(r"\b(state|executive|federal|county|municipal) (law enforcement )?agenc", re.IGNORECASE)
_ONE_BODY = re.compile(r"\b(the|a) (department|bureau|division|office|agency)\b", re.IGNORECASE)
_BODIES = re.compile(r"\b(agenc(y|ies)|departments?|offices?|bureaus?|divisions?|units?|patrols?|forces?|"
                     r"authorit(y|ies)|commissions?)\b", re.IGNORECASE)
_RUN_IN_TERM = re.compile(r"[\"“]\s*(?P<term>[^\"“”]{2,60}?)\s*[\"”],?\s+(?=means\b|includes\b|shall mean\b|[a-z])")
_INCLUDING = re.compile(r"\bincluding\b", re.IGNORECASE)
_ANY = re.compile(r"\b(any|every|each|all)\b", re.IGNORECASE)
# "… of the commonwealth, but not a city, town or other political subdivision": one level of government only
_LEVEL_ONLY = re.compile(r"\b(does not include|shall not include|excludes?|excluding|except|but not|other than)\b"
                         r"[^.;]{0,80}\b(cit(y|ies)|towns?|count(y|ies)|political subdivisions?|municipalit(y|ies)|"
                         r"local)\b", re.IGNORECASE)
_DEFINING = re.compile(r"\s*(,|means|includes|shall mean|shall include|has the meaning)?\s*", re.IGNORECASE)
_DEFINITION_END = re.compile(r"\.\s+(?=[\"“(A-Z])|;\s+(?:\([a-z0-9]+\)\s*)?(?=[\"“])|[.;]\s*$")
_DETERMINED = r"(?:^|(?<!\bof )\b(?:no|any|every|each|a|an|the|all|neither|nor|or|and)\s+)(?:other\s+)?"


def reach(words: str) -> str | None:
    """How much of government a text names: ALL (every kind of body at its level), PART (every law-enforcement
    agency, state agencies only), ONE (a single department or bureau), or None when it names no public body."""
    kinds = {match.group(1).lower().rstrip("s") for match in _KINDS_OF_BODY.finditer(words)}
    policing = _POLICING.search(words)
    if policing and _INCLUDING.search(words, 0, policing.start()):
        policing = None  # "every agency …, including every police department": the police are an example
    restricted = _POLICING_FUNCTION.search(words)
    if _LEVEL_ONLY.search(words):
        return PART
    if _WHOLE_LEVEL.search(words) and not restricted and ((len(kinds) >= 2 and not policing) or len(kinds) >= 5):
        return ALL  # every kind of body, or a long list of kinds of which the police are one
    if policing:  # the police: all or several police bodies are part of government, one alone is one body
        including = _INCLUDING.search(words)
        named = words[:including.start()] if including else words  # what it includes are parts of those named
        # bodies, not their people: "the police department and its officers and employees" is one body
        several = len(_BODIES.findall(named)) >= 2 or _ANY.search(named)
        return PART if _EVERY_POLICE_BODY.search(named) or several else ONE
    if _ONE_LEVEL_PART.search(words) or _LEVEL_ONLY.search(words):
        return PART
    if _WHOLE_LEVEL.search(words) or _BROAD_SUBJECT.search(words):
        return ALL
    if _ONE_BODY.search(words):
        return ONE
    return None


def defined_meanings(items) -> dict[str, str]:
    """Map each defined term to the text that defines it, with the provisions below it, from the importer's marked
    definitions (`drafting.akn.provisions.definitions`); terms defined run-in ('… the following meanings:-
    "Department", the department of state police. "Colonel", …') that were not marked are read from the words."""
    items = tuple(items)
    found = {item.term: item.provision for item in items}
    for item in items:
        for match in _RUN_IN_TERM.finditer(item.provision):
            found.setdefault(match["term"].strip().lower(), item.provision[match.start():])
    return found


def definition_of(term: str, text: str) -> str:
    """The words that define a term, out of the text of the provision that defines it: after the quoted term and
    its defining verb ("means", "includes", or the comma of '"Department", the department of …'), to the end of
    that sentence or to the next quoted term of a run-in list of definitions."""
    named = re.search(rf"[\"“”']\s*{re.escape(term)}\s*[\"“”']", text, re.IGNORECASE) or re.search(
        rf"\b{re.escape(term)}\b", text[:240], re.IGNORECASE)  # "A. BIOMETRIC SURVEILLANCE Any automated …"
    start = named.end() if named else 0
    verb = _DEFINING.match(text, start)
    start = verb.end() if verb else start
    end = _DEFINITION_END.search(text, start)
    return text[start:end.start() if end else len(text)]


def bearer_reach(bearer: str, terms: dict[str, str]) -> tuple[str, str]:
    """The reach of a norm's bearer and what decided it: the widest defined term the bearer uses (its definition
    decides, whatever the term's name: "public body" defined as the state police is ONE), or the bearer's own
    words (""). A bearer that names no public body at all is read as ONE."""
    lowered = bearer.lower()
    # a defined term decides where it heads the bearer ("no public body", "the town or any town official"), not
    # where it qualifies another noun ("no law enforcement agency of the city")
    found = [(reach(definition_of(term, meaning)), term) for term, meaning in terms.items()
             if len(term) > 3 and re.search(rf"{_DETERMINED}{re.escape(term)}\b", lowered)]
    found = [(extent, term) for extent, term in found if extent is not None]
    if found:
        return max(found, key=lambda item: ORDER[item[0]])
    own = reach(bearer)
    return (own or ONE), ""
