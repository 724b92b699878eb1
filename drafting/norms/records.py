"""The records of the norm reader: a norm, the time it sets, its exceptions and qualifiers, and one line per norm.

PURE: frozen dataclasses of plain values; `as_dict()` gives JSON-ready data (the API's and the CLI's `--json`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# -- kinds ---------------------------------------------------------------------------------------------------------

PROHIBITION = "prohibition"
OBLIGATION = "obligation"
PERMISSION = "permission"
RECOMMENDATION = "recommendation"
EXCEPTION = "exception"
SAFE_HARBOUR = "safe-harbour"
DEFINITION = "definition"
SUNSET = "sunset-or-lifting-condition"
PENALTY = "penalty"
RIGHT_OF_ACTION = "right-of-action"
REPORTING_DUTY = "reporting-duty"
NONE = "none"
KINDS = (PROHIBITION, OBLIGATION, PERMISSION, RECOMMENDATION, EXCEPTION, SAFE_HARBOUR, DEFINITION, SUNSET, PENALTY,
         RIGHT_OF_ACTION, REPORTING_DUTY, NONE)

# -- kinds of time -------------------------------------------------------------------------------------------------

DEADLINE = "deadline"  # a latest time: "within 30 days after ...", "by January 1, 2028"
VAGUE = "vague"  # a latest time without a measure: "promptly", "within a reasonable time"
IMMEDIATE = "immediate"  # "immediately", "forthwith"
PERIODIC = "periodic"  # a time that recurs: "annually", "not later than March 1 of each year"
SUNSET_TIME = "sunset"  # an end: "until December 31, 2028", "unless and until the council ...", "expires on ..."
DATE = "date"  # a point: "on January 1, 2028", "30 days after its passage"
TIME_KINDS = (DEADLINE, VAGUE, IMMEDIATE, PERIODIC, SUNSET_TIME, DATE)

# -- kinds of qualifier --------------------------------------------------------------------------------------------

LIMITING = "limiting"  # only, solely, for the sole purpose of
CLASS = "class"  # a limited class of persons or proceedings: arrested or charged, case in chief
DISCRETION = "discretion"  # may, in its discretion, as it deems appropriate
MENTAL_STATE = "mental-state"  # knowingly, willfully
PRACTICABILITY = "practicability"  # to the extent practicable
OVERRIDE = "override"  # notwithstanding any other provision of law
QUALIFIER_KINDS = (LIMITING, CLASS, DISCRETION, MENTAL_STATE, PRACTICABILITY, OVERRIDE)


@dataclass(frozen=True)
class Time:
    """A time a norm sets, parsed once from its words ("not later than 5 business days after the receipt")."""

    kind: str  # one of TIME_KINDS
    words: str  # the words parsed, as printed
    relation: str | None = None  # "within", "not later than", "by", "until", "on", "after", "at least … before" ...
    amount: int | None = None  # 30 in "within thirty (30) days", 90 in "on the ninetieth day"
    unit: str | None = None  # day, hour, week, month, year (singular)
    business_days: bool = False  # "business days", "working days"
    date: str | None = None  # ISO 8601: "2028-12-31"; a day of every year "--03-01"
    period: str | None = None  # what a periodic time recurs by: year, quarter, month, week, day
    anchor: str | None = None  # what the time counts from or runs until: "the violation becomes known to ..."
    alternatives: tuple[str, ...] = ()  # "until the earlier of (1) … or (2) …": each end

    def as_dict(self) -> dict:
        return {"kind": self.kind, "words": self.words, "relation": self.relation, "amount": self.amount,
                "unit": self.unit, "business_days": self.business_days, "date": self.date, "period": self.period,
                "anchor": self.anchor, "alternatives": list(self.alternatives)}


@dataclass(frozen=True)
class ExceptionClause:
    """The words that open an exception (after except / unless / provided that / other than ...), and the
    provisions they name, cited as the document prints them ("4(a)(1)", "16-70.4")."""

    marker: str  # "except", "unless", "provided that" ...
    words: str
    references: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"marker": self.marker, "words": self.words, "references": list(self.references)}


@dataclass(frozen=True)
class Qualifier:
    """A word that narrows a norm or leaves it to judgment ("solely", "arrested or charged", "may")."""

    kind: str  # one of QUALIFIER_KINDS
    words: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "words": self.words}


@dataclass(frozen=True)
class Norm:
    """One operative clause of a provision, read as a norm: who must, may or must not do what, when, unless what.

    `construction` names the rule of the reader that produced the reading (drafting/norms/reader.py lists them), so
    that every reading can be traced to one rule over visible words.
    """

    kind: str  # one of KINDS
    bearer: str  # the subject phrase, lower case: "no public agency or public official", "the attorney general"
    modal: str  # the words that make the clause a norm: "shall not", "no … shall", "it shall be unlawful for" ...
    actions: tuple[str, ...]  # act classes, in the order read: acquire, possess, access, use ...
    verbs: tuple[str, ...]  # the verbs read, as printed (lower case), known to the vocabulary or not
    object: str  # the phrase after the verbs, lower case
    negated: bool  # the operative predicate is denied (every prohibition is; "nothing … gives … a right" is)
    construction: str
    conditions: tuple[str, ...] = ()  # if / when / where / subject to …, and relative clauses on the bearer
    exceptions: tuple[ExceptionClause, ...] = ()
    qualifiers: tuple[Qualifier, ...] = ()
    time: Time | None = None
    passive: bool = False  # "shall not be admitted": the bearer is what the act is done to
    references: tuple[str, ...] = ()  # every provision the clause names, resolved against its own place
    eId: str | None = None
    citation: str = ""
    lead_in: str | None = None  # the eId of the provision whose lead-in ("No agency shall:") the clause completes
    quoted: bool = False  # read inside a quoted structure (the text an amending bill inserts)
    text: str = ""  # the words the norm was read from (a lead-in, an item and a wrap-up joined)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "bearer": self.bearer,
            "modal": self.modal,
            "actions": list(self.actions),
            "verbs": list(self.verbs),
            "object": self.object,
            "negated": self.negated,
            "construction": self.construction,
            "conditions": list(self.conditions),
            "exceptions": [item.as_dict() for item in self.exceptions],
            "qualifiers": [item.as_dict() for item in self.qualifiers],
            "time": self.time.as_dict() if self.time else None,
            "passive": self.passive,
            "references": list(self.references),
            "eId": self.eId,
            "citation": self.citation,
            "lead_in": self.lead_in,
            "quoted": self.quoted,
            "text": self.text,
        }


# -- one line per norm ----------------------------------------------------------------------------------------------

_SEPARATOR = " · "
_REFERENCE_ONLY = 60  # an exception this short that names provisions is shown by them ("except 4(a)(1)-(2)")
# kinds whose denial is worth showing: an exception, a safe harbour or a prohibition is worded as a denial anyway
_NEGATABLE = (OBLIGATION, PERMISSION, RECOMMENDATION, RIGHT_OF_ACTION, REPORTING_DUTY, PENALTY)
_LAST_PART = re.compile(r"^(?P<stem>.*?)(?:\((?P<label>[0-9]+)\))$")


def compact_references(references: tuple[str, ...] | list[str]) -> str:
    """Join citations, a run of siblings numbered one after another as a range: "4(a)(1), 4(a)(2)" -> "4(a)(1)-(2)"."""
    groups: list[list[str]] = []
    for reference in references:
        match = _LAST_PART.match(reference)
        previous = groups[-1] if groups else None
        if match and previous:
            last = _LAST_PART.match(previous[-1])
            if last and last["stem"] == match["stem"] and int(last["label"]) + 1 == int(match["label"]):
                previous.append(reference)
                continue
        groups.append([reference])
    parts = []
    for group in groups:
        if len(group) == 1:
            parts.append(group[0])
        else:
            parts.append(f"{group[0]}-({_LAST_PART.match(group[-1])['label']})")
    return ", ".join(parts)


def _shortened(words: str, limit: int) -> str:
    return words if len(words) <= limit else words[: limit - 1].rsplit(" ", 1)[0] + " …"


def norm_line(norm: Norm, *, width: int = 60) -> str:
    """Write a norm as one line: citation, kind, bearer, acts, object, then its time, conditions, exceptions and
    qualifiers ("2(a) prohibition · no public agency · acquire, use · any biometric surveillance system · except 4").
    Missing parts are "-"."""
    kind = f"{norm.kind} (negated)" if norm.negated and norm.kind in _NEGATABLE else norm.kind
    parts = [f"{norm.citation or norm.eId or '-'} {kind}", norm.bearer or "-", ", ".join(norm.actions) or "-",
             _shortened(norm.object, width) or "-"]
    if norm.time is not None:
        parts.append(f"{norm.time.kind}: {_shortened(norm.time.words, width)}")
    parts.extend(_shortened(condition, width) for condition in norm.conditions)
    for exception in norm.exceptions:
        if exception.references and len(exception.words) <= _REFERENCE_ONLY:
            parts.append(f"{exception.marker} {compact_references(exception.references)}")
        else:
            parts.append(_shortened(exception.words, width))
    if norm.qualifiers:
        parts.append("[" + ", ".join(f"{q.kind}: {q.words}" for q in norm.qualifiers) + "]")
    if norm.quoted:
        parts.append("(quoted)")
    return _SEPARATOR.join(parts)
