"""The safeguard engine: one finding per safeguard of the rubric, each explained by the rule that fired.

A document is read as clauses: the norms of the norm reader (drafting/norms/reader.py), each a lead-in completed by
one item and its wrap-up ("No public agency shall: (2) request … from a third party"), with its kind (prohibition,
obligation, permission, exception, safe harbour, right of action …), acts, time and qualifiers. The rubric's
expressions say what a clause is about; the norm says what it does: a prohibition is a ban only if it reaches
surveillance acts, a negated right ("nothing in this act gives a right to sue") provides nothing, a permissive or
hortatory clause where a duty is needed is weak, a deadline is a fixed time the reader parsed, and evidence is the
clause the rubric's evidence policy prefers, not the first in document order. Headings are not part of a clause.
Every decision is a named rule over visible text; no model decides a finding.
"""

from __future__ import annotations

import functools
import re
import re._constants as re_constants
import re._parser as re_parser
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from lxml import etree

from drafting.akn import extract_provisions
from drafting.akn.provisions import Provision, cite
from drafting.akn.provisions import definitions as defined_terms
from drafting.norms.reach import ALL, PART, bearer_reach, defined_meanings, definition_of, reach
from drafting.norms.reach import ORDER as REACH_ORDER
from drafting.norms.reader import read_provisions
from drafting.norms.records import CLASS, PRACTICABILITY, SUNSET_TIME, Norm, norm_line
from drafting.norms.records import DEADLINE as DEADLINE_TIME
from drafting.norms.records import DEFINITION as DEFINITION_KIND
from drafting.norms.records import EXCEPTION as EXCEPTION_KIND
from drafting.norms.records import IMMEDIATE as IMMEDIATE_TIME
from drafting.norms.records import PERIODIC as PERIODIC_TIME
from drafting.norms.records import PERMISSION as PERMISSION_KIND
from drafting.norms.records import PROHIBITION as PROHIBITION_KIND
from drafting.norms.records import RECOMMENDATION as RECOMMENDATION_KIND
from drafting.norms.records import RIGHT_OF_ACTION as RIGHT_OF_ACTION_KIND
from drafting.norms.records import SAFE_HARBOUR as SAFE_HARBOUR_KIND
from drafting.norms.vocabulary import (
    ACTIONS,
    CARVE_OUT,
    DEFINING,
)

PRESENT, WEAK, ABSENT = "present", "weak", "absent"
_RANK = {ABSENT: 0, WEAK: 1, PRESENT: 2}

_THIS_LAW = re.compile(r"\b(violat\w* of|contrary to|under|by|enforce|compl(y|iance) with) (this|the) "
                       r"(act|chapter|ordinance|section|article|law|order|resolution)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Safeguard:
    """One item of the rubric."""

    id: str
    group: str
    title: str
    why: str
    rule: dict


@dataclass(frozen=True)
class Rubric:
    """The versioned rubric the engine applies."""

    id: str
    version: str
    title: str
    safeguards: tuple[Safeguard, ...]
    patterns: dict


@dataclass(frozen=True)
class Evidence:
    """The provision that shows a finding, and the words that show it."""

    eId: str | None
    num: str
    quote: str

    def as_dict(self) -> dict:
        return {"eId": self.eId, "num": self.num, "quote": self.quote}


@dataclass(frozen=True)
class Finding:
    """A safeguard judged present, weak or absent in one document."""

    safeguard: str
    group: str
    title: str
    status: str
    evidence: tuple[Evidence, ...]
    reason: str
    rule: str
    norms: tuple[Norm, ...] = ()  # the norms that decided the finding, as the norm reader read them

    def as_dict(self) -> dict:
        return {
            "safeguard": self.safeguard,
            "group": self.group,
            "title": self.title,
            "status": self.status,
            "evidence": [item.as_dict() for item in self.evidence],
            "reason": self.reason,
            "rule": self.rule,
            "norms": [{"eId": norm.eId, "kind": norm.kind, "construction": norm.construction,
                       "reading": norm_line(norm)} for norm in self.norms],
        }


@cache
def load_rubric() -> Rubric:
    """Load the rubric shipped with the package."""
    data = tomllib.loads(resources.files("drafting.analysis").joinpath("rubric.toml").read_text(encoding="utf-8"))
    safeguards = tuple(
        Safeguard(item["id"], item["group"], item["title"], item["why"],
                  {k: v for k, v in item.items() if k not in ("id", "group", "title", "why")})
        for item in data["safeguard"]
    )
    return Rubric(data["id"], str(data["version"]), data["title"], safeguards, data.get("patterns", {}))


@dataclass(frozen=True)
class Clause:
    """One norm of a document with the provision it was read from (and the heading of its section, a weak signal
    that is never part of the clause's words)."""

    norm: Norm
    provision: Provision
    heading: str

    @property
    def text(self) -> str:
        return self.norm.text

    @functools.cached_property
    def lowered(self) -> str:
        return self.norm.text.lower()


def _expanded(text: str, terms: dict[str, str]) -> str:
    """A text with the definitions of the terms it uses (a defined term carries its meaning)."""
    if not terms:
        return text
    lowered = text.lower()
    extra = [meaning for term, meaning in terms.items() if len(term) > 3 and term in lowered]
    return " ".join([text, *extra])


_RECURRING = re.compile(r"\b(annual(ly)?|each year|every year|yearly|quarterly|biennial(ly)?|semi-?annual(ly)?|"
                        r"(each|every) (calendar )?(quarter|month|six months)|six-monthly|monthly)\b", re.IGNORECASE)
_FUTURE_LAW = re.compile(r"(a|an|any|each|such|the|no)( later| future)? (statute|act|ordinance|law|regulation)\b"
                         r"[^,]{0,80}\b(authoriz|permit|allow|enact|adopt|under)", re.IGNORECASE)
_APPROVAL = re.compile(r"\b(unless|until|without|except (with|upon|after))\b[^.;]{0,120}\b(approv|authoriz)\w*",
                       re.IGNORECASE)
_BIOMETRIC = re.compile(r"\bbiometric", re.IGNORECASE)
_OWN_SYSTEMS = re.compile(r"\bthat (a|the|it|such|its)\b[^.;,]{0,40}\b(owns|leases|operates|controls)\b|"
                          r"\b(owned|leased|operated|controlled) by (a|the|it|such|its)\b[^.;,]{0,30}"
                          r"\b(government|public|city|town|county|agency|entity|department)", re.IGNORECASE)
_WHOEVER = re.compile(r"\bwhether\b|\bwhoever\b|\bor (by )?(a|an|any) (third|other|private)", re.IGNORECASE)
_CHAIN = frozenset({"acquire", "possess", "access", "use"})
_RESULTS = re.compile(r"\b(information|data|results?|outputs?|matches|identifications?|records?|templates?)\b",
                      re.IGNORECASE)
_CONTAINER_ELEMENTS = frozenset({"book", "tome", "title", "subtitle", "part", "subpart", "chapter", "subchapter",
                                 "article", "division", "subdivision"})
# the acts of a ban on surveillance (what a system or its data is acquired, held, searched or used by)
_SURVEILLANCE_ACTS = frozenset({"acquire", "possess", "retain", "access", "use", "request", "receive", "authorize"})
# a clause that bars something else than the surveillance itself (evidence, retaliation, funds) is not the ban
_OTHER_ACTS = frozenset({"admit-as-evidence", "retaliate", "fund", "report", "disclose", "delete", "sue"})
_HOLDING_ACTS = frozenset({"acquire", "possess", "retain", "access", "use"})
_DENIABLE = frozenset({RIGHT_OF_ACTION_KIND, PERMISSION_KIND})
_HORTATORY_BANS = frozenset({"x-should-not", "no-x-should", "policy-that-x-not", "request-that-x-not",
                             "x-is-discouraged-from", "shall-endeavor"})
_NON_BINDING = frozenset({PERMISSION_KIND, RECOMMENDATION_KIND})
_FIXED_TIMES = frozenset({DEADLINE_TIME, IMMEDIATE_TIME})
_OFF_TOPIC = re.compile(r"\b(retaliat\w*|evidence|inadmissible|discipline|preempt\w*|construed|grants?|funds|"
                        r"appropriat\w*)\b", re.IGNORECASE)


class _Document:
    def __init__(self, root: etree._Element, rubric: Rubric):
        self.rubric = rubric
        marked = defined_terms(root)  # read once: the meanings and the reader's term eIds come from it
        self.terms = defined_meanings(marked)
        provisions = extract_provisions(root)
        self.by_eid: dict[str, Provision] = {}
        self.headings: dict[str, str] = {}
        self.citations: dict[str, str] = {}
        self.sections: dict[str, str] = {}  # eId -> the eId of its section
        for top in provisions:
            for provision in top.walk():
                if provision.eId:
                    self.by_eid[provision.eId] = provision
                    self.headings[provision.eId] = top.heading or ""
            self._cite(top, 0)
            self._sections(top, None)
        norms = read_provisions(provisions, {item.term: item.eId for item in marked})
        self.clauses = [Clause(norm, self.by_eid[norm.eId], self.headings[norm.eId])
                        for norm in norms if norm.eId in self.by_eid and norm.text]
        self.surveillance = re.compile(rubric.patterns["surveillance"], re.IGNORECASE)
        self._about: dict[int, bool] = {}
        self._terms_about: dict[str, bool] = {}
        self.broad_exception = re.compile(rubric.patterns["broad_exception"], re.IGNORECASE)
        self.defining = {c.norm.bearer: c for c in self.clauses if c.norm.kind == DEFINITION_KIND}
        self._clauses_at: dict[str, list[Clause]] = {}
        for clause in self.clauses:
            self._clauses_at.setdefault(clause.provision.eId, []).append(clause)
        self.bans = [c for c in self.clauses if self._is_ban(c)]
        # the provisions whose clauses set a fixed time, and the sections that set a recurring one
        self.timed = {c.provision.eId for c in self.clauses
                      if c.norm.time is not None and c.norm.time.kind in _FIXED_TIMES}
        self.periodic_sections = {self.sections.get(c.provision.eId or "") for c in self.clauses
                                  if c.norm.time is not None and c.norm.time.kind == PERIODIC_TIME}
        self.ban_eids = {c.provision.eId for c in self.bans}
        # cited as the law cites them ("11-43(a)", not "ARTICLE IV(§ 11-43)(a)"), as references name them
        self.ban_citations = _cited_with_ancestors(
            {*(c.provision.citation for c in self.bans), *(self.citations.get(c.provision.eId, "") for c in self.bans)})
        self._subtrees: dict = {}
        self._times: dict[int, bool] = {}

    def subtree(self, provision: Provision) -> str:
        """The text of a provision's subdivisions (cached)."""
        if id(provision) not in self._subtrees:
            self._subtrees[id(provision)] = _subtree_text(provision)
        return self._subtrees[id(provision)]

    def _sections(self, provision: Provision, section: str | None) -> None:
        own = section if section is not None and not provision.quoted else provision.eId
        if provision.element in _CONTAINER_ELEMENTS:
            own = None
        if provision.eId:
            self.sections[provision.eId] = own or provision.eId
        for child in provision.children:
            self._sections(child, own)

    def _cite(self, provision: Provision, start: int) -> None:
        """Cite each provision as the law is cited: a section in a chapter or article by its own number
        ("16-70.3(A)", not "CHAPTER 16-70(16-70.3)(A)")."""
        if provision.eId:
            self.citations[provision.eId] = cite(provision.path[start:]) if start else provision.citation
        for child in provision.children:
            own = len(child.path) - 1 if provision.element in _CONTAINER_ELEMENTS or child.quoted else start
            self._cite(child, own)

    def evidence(self, clause: Clause) -> Evidence:
        provision = clause.provision
        return Evidence(provision.eId, self.citations.get(provision.eId or "", provision.citation), clause.text[:400])

    def whole(self, clause: Clause) -> Provision:
        """The provision a clause belongs to as a whole: the one whose lead-in it completes, or its own."""
        return self.by_eid.get(clause.norm.lead_in or "", clause.provision)

    def own_scope(self, clause: Clause) -> str:
        """A clause with the rest of its provision's own words (a proviso read as a clause of its own) and the text
        of its subdivisions (no definitions)."""
        own = "" if clause.norm.lead_in else clause.provision.text  # an item's own words are in the clause
        # joined as sentences, so that a test read sentence by sentence never runs from one into the next; the
        # subdivisions as their clauses read them, each item with its lead-in ("Nothing … shall be construed to (1)
        # preempt …" is one sentence, not a bare "to preempt …")
        return ". ".join(part for part in (clause.text, own, self.clauses_under(self.whole(clause))) if part)

    def clauses_under(self, provision: Provision) -> str:
        """The words of the clauses read in a provision's subdivisions, each as a sentence (cached)."""
        key = ("clauses", id(provision))
        if key not in self._subtrees:
            inside = [p.eId for p in provision.walk() if p is not provision]  # in document order
            texts = dict.fromkeys(c.text for c in self.clauses_by_eid(inside))
            self._subtrees[key] = ". ".join(texts)
        return self._subtrees[key]

    def clauses_by_eid(self, eids: list) -> list[Clause]:
        return [c for eId in eids for c in self._clauses_at.get(eId, ())]

    def scope_text(self, clause: Clause) -> str:
        """A clause with the definitions of its terms and the text of its provision's subdivisions."""
        return f"{_expanded(clause.text, self.terms)} {self.subtree(self.whole(clause))}"

    def fixed_time(self, clause: Clause) -> bool:
        """Whether the clause, or a norm of its provision's subdivisions, sets a fixed time (a deadline the reader
        parsed, such as "not later than 5 business days", or "immediately"), not a vague one ("promptly")."""
        if clause.norm.time is not None and clause.norm.time.kind in _FIXED_TIMES:
            return True
        whole = self.whole(clause)
        key = id(whole)
        if key not in self._times:
            self._times[key] = any(p.eId in self.timed for p in whole.walk())
        return self._times[key]

    def section_text(self, clause: Clause) -> str:
        """The words of the section a clause stands in, every subdivision included (cached)."""
        section = self.sections.get(clause.provision.eId or "")
        provision = self.by_eid.get(section or "", clause.provision)
        return f"{provision.text} {self.subtree(provision)}"

    def periodic(self, clause: Clause) -> bool:
        """Whether the clause's section sets a recurring time ("not later than March 1 of each year", "annually")."""
        return (self.sections.get(clause.provision.eId or "") in self.periodic_sections
                or bool(_RECURRING.search(clause.text)))

    def meanings(self, words: str, clause: Clause) -> list[tuple[str, Clause]]:
        """What the defined terms used in some words mean, each with the clause that defines it, following the
        terms the definitions use in turn; the words themselves, read in `clause`, when they use none."""
        found: list[tuple[str, Clause]] = []
        seen: set[str] = set()
        pending = [words.lower()]
        while pending:
            text = pending.pop()
            for term, meaning in self.terms.items():
                if term in seen or len(term) <= 3 or not re.search(rf"\b{re.escape(term)}\b", text):
                    continue
                seen.add(term)
                definition = definition_of(term, meaning)
                found.append((definition, self.defining.get(term, clause)))
                pending.append(definition.lower())
        return found or [(words, clause)]

    def about_surveillance(self, clause: Clause) -> bool:
        """Whether a clause speaks of biometric surveillance, in its own words or through the terms it uses (a
        "recognition system" defined by the face is). Read once per clause."""
        key = id(clause)
        found = self._about.get(key)
        if found is None:
            words = f"{clause.norm.bearer} {clause.norm.object} {clause.text}"
            lowered = words.lower()
            found = bool(self.surveillance.search(words)) or any(
                self._term_about(term) for term in self.terms if len(term) > 3 and term in lowered)
            self._about[key] = found
        return found

    def _term_about(self, term: str) -> bool:
        found = self._terms_about.get(term)
        if found is None:
            found = self._terms_about[term] = bool(self.surveillance.search(self.terms[term]))
        return found

    def forbids_surveillance(self, clause: Clause) -> bool:
        """Whether a clause is a ban, or any other prohibition about surveillance ("no official shall enter into an
        agreement with a third party for the purpose of obtaining … a face surveillance system")."""
        norm = clause.norm
        return clause.provision.eId in self.ban_eids or (
            (norm.kind == PROHIBITION_KIND or norm.construction in _HORTATORY_BANS)
            and "admit-as-evidence" not in norm.actions and self.about_surveillance(clause))

    def _approval_regime(self, clause: Clause) -> bool:
        """A bar on surveillance technology in general until a body approves it (the community-control model) is a
        procedure, not a ban on biometric surveillance: its own words name no biometric system, and an exception or
        condition lifts it by approval."""
        norm = clause.norm
        if self.surveillance.search(f"{norm.bearer} {norm.object} {clause.text}"):
            return False
        words = " ".join([*(e.words for e in norm.exceptions), *norm.conditions, clause.text])
        return bool(_APPROVAL.search(words))

    def _is_ban(self, clause: Clause) -> bool:
        norm = clause.norm
        if not (norm.kind == PROHIBITION_KIND
                or (norm.kind == RECOMMENDATION_KIND and norm.construction in _HORTATORY_BANS)):
            return False
        acts = set(norm.actions)
        if not acts & _SURVEILLANCE_ACTS or acts & _OTHER_ACTS:
            return False
        if "contract" in acts and not acts & _HOLDING_ACTS:  # a bar on contracts is judged as such
            return False
        if not self.about_surveillance(clause):
            return False
        if self._approval_regime(clause):
            return False
        # a clause about something else that merely mentions surveillance (evidence, contracts, retaliation)
        return not _OFF_TOPIC.search(f"{norm.bearer} {norm.object}")


def _any_of(patterns: list[str]) -> re.Pattern | None:
    """One compiled alternation of a rule's expressions (one search instead of many)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None


@dataclass(frozen=True)
class _CompiledRule:
    match: re.Pattern | None
    negated_by: re.Pattern | None
    also: tuple[re.Pattern, ...]
    weak_match: re.Pattern | None
    exclude: re.Pattern | None
    # the words one of which must stand in a clause (lower case) for `match` / `weak_match` to find anything, read
    # off the expressions themselves; None when an expression can start otherwise
    match_gate: tuple[str, ...] | None = None
    weak_gate: tuple[str, ...] | None = None


def _literal_starts(pattern: str) -> tuple[str, ...] | None:
    """Words one of which every match of a case-insensitive expression must contain (lower case), read off the
    expression: for "(shall|may) not be (admitted|received) in evidence" the words ("in evidence",); for an
    alternation, the words of each branch together. None when some match needs no fixed word. A clause that holds
    none of them cannot match, so the expression need not run over it."""
    try:
        parsed = re_parser.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    words = _required(list(parsed))
    return tuple(sorted(words)) if words else None


def _required(items: list) -> set[str] | None:
    """The most selective set of words one of which a sequence of parsed items must contain (the set whose shortest
    word is longest), or None."""
    options: list[set[str]] = []
    word: list[str] = []
    for op, value in [*items, (None, None)]:
        if op is re_constants.LITERAL:
            word.append(chr(value).lower())
            continue
        if word:
            options.append({"".join(word)})
            word = []
        if op is re_constants.SUBPATTERN:
            found = _required(list(value[-1]))
        elif op is re_constants.BRANCH:
            found = set()
            for branch in value[1]:
                inner = _required(list(branch))
                if not inner:
                    found = None
                    break
                found |= inner
        elif op in (re_constants.MAX_REPEAT, re_constants.MIN_REPEAT) and value[0] >= 1:
            found = _required(list(value[2]))
        else:
            found = None
        if found:
            options.append(found)
    if not options:
        return None
    return max(options, key=lambda words: (min(map(len, words)), -len(words)))


_COMPILED: dict[str, _CompiledRule] = {}


def _compiled(safeguard: Safeguard) -> _CompiledRule:
    found = _COMPILED.get(safeguard.id)
    if found is None:
        rule = safeguard.rule
        match = _any_of(rule.get("match", []))
        weak_match = _any_of([pattern for pattern, _ in rule.get("weak_match", [])])
        found = _CompiledRule(match, _any_of(rule.get("negated_by", [])),
                              tuple(_any_of(group) for group in rule.get("also", [])), weak_match,
                              _any_of(rule.get("exclude", [])),
                              _literal_starts(match.pattern) if match else None,
                              _literal_starts(weak_match.pattern) if weak_match else None)
        _COMPILED[safeguard.id] = found
    return found


def _may_hold(lowered: str, gate: tuple[str, ...] | None) -> bool:
    return gate is None or any(word in lowered for word in gate)


def _statement_rule(document: _Document, safeguard: Safeguard) -> Finding:
    rule = safeguard.rule
    compiled = _compiled(safeguard)
    kinds = set(rule.get("kinds", ())) or None
    acts = set(rule.get("acts", ()))  # a clause whose norm reaches one of these acts addresses the safeguard too
    skip_acts = set(rule.get("skip_acts", ()))  # a clause whose norm reaches one of these is about something else
    candidates: list[tuple[int, int, Clause, str, str]] = []  # (rank, preference, clause, reason, rule fired)
    for clause in document.clauses:
        norm, text = clause.norm, clause.text
        if kinds is not None and norm.kind not in kinds:
            continue
        if skip_acts & set(norm.actions):
            continue
        if "institutional_bearer" in rule and re.search(rule["institutional_bearer"], norm.bearer, re.IGNORECASE) \
                and not _PERSONAL.search(norm.bearer):
            continue
        if rule.get("not_the_ban") and clause.provision.eId in document.ban_eids and not {"contract", "fund"} & set(
                norm.actions):
            continue
        if _FUTURE_LAW.match(norm.bearer) and not rule.get("future_law"):
            continue  # what a future statute must say ("a statute authorizing use shall require …") is not law now
        lowered = clause.lowered
        matched = compiled.match is not None and _may_hold(lowered, compiled.match_gate) and compiled.match.search(text)
        if not matched and not acts & set(norm.actions):
            weakly = compiled.weak_match is not None and _may_hold(lowered, compiled.weak_gate) and \
                compiled.weak_match.search(text) and next(
                ((p, why) for p, why in rule["weak_match"] if re.search(p, text, re.IGNORECASE)), None)
            if weakly:
                candidates.append((_RANK[WEAK], _preference(rule, clause), clause, weakly[1],
                                   f"weak_match: {weakly[0]}"))
            continue
        if norm.negated and norm.kind in _DENIABLE:  # "nothing in this act gives any person a right to sue"
            continue
        if compiled.negated_by is not None and compiled.negated_by.search(text):
            continue
        if compiled.exclude is not None and compiled.exclude.search(text):
            continue
        if rule.get("where") == "definitions_or_ban" and clause.provision.eId not in document.ban_eids and not (
            norm.kind == DEFINITION_KIND or DEFINING.search(text) or re.search("definition", clause.heading,
                                                                               re.IGNORECASE)
        ):
            continue
        # conditions and carve-outs often stand in the provision's subdivisions: read them with it
        expanded = document.scope_text(clause)
        # what weakens a provision must be in its own words and subdivisions, not in the definitions it borrows
        own = document.own_scope(clause)
        if any(not group.search(expanded) for group in compiled.also):
            continue
        if rule.get("need_ban") and not document.forbids_surveillance(clause):
            continue
        if rule.get("need_surveillance") and not (
            document.about_surveillance(clause) or _THIS_LAW.search(clause.provision.text)
            or _names_a_ban(document, clause)
        ):
            continue
        if rule.get("section_wide"):
            own = f"{own} {document.section_text(clause)}"
        parts = _PARTS.split(own)  # the tests read sentence by sentence ("nothing … shall supersede" is read whole)
        status, reason, fired = PRESENT, f"{clause.provision.citation or 'a provision'} provides it", "match"
        for pattern, why in rule.get("weak_if", []):
            if any(re.search(pattern, part, re.IGNORECASE) for part in parts):
                status, reason, fired = WEAK, why, f"weak_if: {pattern}"
                break
        if status == PRESENT:
            for pattern, why in rule.get("weak_unless", []):
                if not re.search(pattern, own, re.IGNORECASE):
                    status, reason, fired = WEAK, why, f"weak_unless: {pattern}"
                    break
        if status == PRESENT and "halves" in rule:
            whole = document.section_text(clause)
            for pattern, why in rule["halves"]:
                if not re.search(pattern, whole, re.IGNORECASE):
                    status, reason, fired = WEAK, why, "halves"
                    break
        if status == PRESENT and "channels" in rule and _recipients(document.section_text(clause)) == 1:
            status, reason, fired = WEAK, rule["channels"], "channels"
        irregular = rule.get("periodic") and not document.periodic(clause)
        if status == PRESENT and irregular:  # a report made once, not regularly, supplies part of it
            status, reason, fired = WEAK, "a single report, not a regular one", "periodic"
        if status == PRESENT and "deadline" in rule and not document.fixed_time(clause):
            status, reason, fired = WEAK, rule["deadline"], "deadline"
        if status == PRESENT and "limited" in rule and (any(q.kind == CLASS for q in norm.qualifiers) or (
                "limited_bearer" in rule and re.search(rule["limited_bearer"], norm.bearer, re.IGNORECASE))):
            status, reason, fired = WEAK, rule["limited"], "limited"
        if status == PRESENT and rule.get("modal") == "mandatory" and (
            norm.kind in _NON_BINDING or norm.construction in _HORTATORY_BANS
        ):
            status, reason, fired = WEAK, f"permissive language where it must bind ('{norm.modal}')", "modal: mandatory"
        if status == PRESENT and rule.get("modal") == "mandatory" and any(
                q.kind == PRACTICABILITY for q in norm.qualifiers):
            status, reason, fired = WEAK, "binding only to the extent practicable", "modal: practicable"
        candidates.append((_RANK[status], _preference(rule, clause), clause, reason, fired))
    if not candidates:
        return _absent(safeguard)
    # the strongest reading decides the status; among those, the clause the evidence policy prefers is cited
    score, _, clause, reason, fired = max(candidates, key=lambda item: (item[0], item[1]))
    if score == _RANK[PRESENT]:
        # a weakening stated anywhere in the document (a preemption clause, a confidentiality rule) still counts
        for pattern, why in rule.get("weak_anywhere", []):
            elsewhere = next((c for c in document.clauses if re.search(pattern, c.text, re.IGNORECASE)), None)
            if elsewhere is not None:
                score, clause, fired = _RANK[WEAK], elsewhere, f"weak_anywhere: {pattern}"
                reason = f"{why} ({elsewhere.provision.citation})"
                break
    status = PRESENT if score == 2 else WEAK
    if status == WEAK and clause.provision.citation and clause.provision.citation not in reason:
        reason = f"{reason} ({clause.provision.citation})"
    return _found(document, safeguard, status, [clause], reason, f"{safeguard.id}/{fired}")


def _found(document: _Document, safeguard: Safeguard, status: str, clauses: list[Clause], reason: str,
           rule: str, *, cite: bool = True) -> Finding:
    """A finding decided by some clauses: cited as evidence (unless `cite` is false: an absent scope is decided by
    the ban it reads but has no evidence), and their norms kept with it."""
    evidence = tuple(document.evidence(c) for c in clauses) if cite else ()
    return Finding(safeguard.id, safeguard.group, safeguard.title, status, evidence, reason, rule,
                   tuple(c.norm for c in clauses))


_PERSONAL = re.compile(r"\b(officers?|employees?|officials?|persons?|individuals?|members?|agents?|personnel|staff)\b",
                       re.IGNORECASE)
_PARTS = re.compile(r"(?<=[.;])\s+")
_DISCLOSURE = re.compile(r"\b(report\w*|disclos\w*|complain\w*|communicat\w*|provid\w* information|testif\w*)\b"
                         r"[^.;]{0,120}?\bto\b(?P<to>(?:[^.]|\.(?=\S))(?:[^.]|\.(?=\S)){0,400})", re.IGNORECASE)
_RECIPIENT = re.compile(r"\b(supervisors?|inspectors? general|attorneys? general|council|congress|legislature|general "
                        r"court|public|commission|board|chief|director|manager|officials?|courts?|members?|auditor|"
                        r"ombuds\w*|press|media|agenc(y|ies)|bod(y|ies)|committees?|departments?|heads?|"
                        r"special counsel|prosecutors?|law enforcement)\b", re.IGNORECASE)
_LIST_SPLIT = re.compile(r",\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+|;")


def _recipients(text: str) -> int:
    """How many recipients the protected disclosures of a text may go to (most of any one list): "to a supervisor,
    the inspector general or the attorney general" is 3, "to the chief of police" 1; 0 when it names none."""
    most = 0
    for match in _DISCLOSURE.finditer(text):
        named = [part for part in _LIST_SPLIT.split(match["to"]) if _RECIPIENT.search(part)]
        most = max(most, len(named))
    return most


def _preference(rule: dict, clause: Clause) -> int:
    """How strongly the rubric's evidence policy prefers a clause: each of `prefer` ("kind:reporting-duty",
    "act:publish", or an expression over the clause's words) that it satisfies counts, the earlier the more; the
    first clause in document order wins a tie."""
    score = 0
    for weight, wanted in enumerate(reversed(rule.get("prefer", ())), start=1):
        what, _, value = wanted.partition(":")
        if what == "kind":
            hit = clause.norm.kind == value
        elif what == "act":
            hit = value in clause.norm.actions
        else:
            hit = re.search(wanted, clause.text, re.IGNORECASE) is not None
        score += (1 << weight) if hit else 0
    return score


def _names_a_ban(document: _Document, clause: Clause) -> bool:
    """Whether the clause names a provision that holds the ban ("in violation of section 2")."""
    return any(reference in document.ban_citations for reference in clause.norm.references)


def _subtree_text(provision: Provision) -> str:
    return " ".join(p.text for p in provision.walk() if p is not provision)


def _absent(safeguard: Safeguard, reason: str = "no provision provides it") -> Finding:
    return Finding(safeguard.id, safeguard.group, safeguard.title, ABSENT, (), reason, f"{safeguard.id}/none")


def _cited_with_ancestors(citations) -> frozenset[str]:
    """Each citation and those of the provisions that contain it: "2(a)(1)" -> 2(a)(1), 2(a), 2."""
    found = set()
    for citation in citations:
        while citation:
            found.add(citation)
            cut = citation.rfind("(")
            citation = citation[:cut] if cut > 0 else ""
    return frozenset(found)


def _carve_outs(document: _Document) -> list[Clause]:
    """Clauses that open an exception to the ban for broad, open-ended reasons (definitions are not; a clause that
    only rules such exceptions out, "no further exception shall be implied for emergencies", is not)."""
    found = []
    for clause in document.clauses:
        norm = clause.norm
        if norm.kind in (DEFINITION_KIND, PROHIBITION_KIND) and not norm.exceptions:
            continue
        words = " ".join([*(e.words for e in norm.exceptions), *norm.conditions]) if norm.kind not in (
            EXCEPTION_KIND, SAFE_HARBOUR_KIND, PERMISSION_KIND) else clause.text
        if document.broad_exception.search(words) and (CARVE_OUT.search(clause.text) or norm.exceptions):
            found.append(clause)
    return found


def _ban_rule(document: _Document, safeguard: Safeguard) -> Finding:
    if not document.bans:
        return _absent(safeguard, "no provision prohibits biometric surveillance")
    # the ban on the government decides, not one on its contractors ("no contractor shall use …")
    governing = [c for c in document.bans if reach(_who(c.norm)) is not None
                 or bearer_reach(_who(c.norm), document.terms)[1]] or document.bans
    mandatory = [c for c in governing if c.norm.kind == PROHIBITION_KIND]
    if not mandatory:
        c = governing[0]
        return _found(document, safeguard, WEAK, [c],
                      f"the prohibition in {c.provision.citation} is not binding ('{c.norm.modal}')",
                      "ban-mandatory/modal")
    # open-ended exceptions are judged under exceptions-narrow; here only the wording of the ban counts
    c = mandatory[0]
    return _found(document, safeguard, PRESENT, [c],
                  f"{c.provision.citation} prohibits it in mandatory terms ('{_operative(c.norm.modal)}')",
                  "ban-mandatory/prohibition")


def _operative(modal: str) -> str:
    """The words that make a clause a prohibition, shortened: "no public agency or official shall" -> "no … shall"."""
    words = modal.split()
    return f"{words[0]} … {words[-1]}" if len(words) > 3 else modal


def _exceptions_rule(document: _Document, safeguard: Safeguard) -> Finding:
    if not document.bans:
        return _absent(safeguard, "there is no ban for exceptions to qualify")
    carve = _carve_outs(document)
    if carve:
        c = carve[0]
        return _found(document, safeguard, WEAK, [c], f"open-ended exception in {c.provision.citation}",
                      "exceptions-narrow/broad-exception")
    # the evidence is the exceptions clause when there is one, else the ban
    exceptions = [c for c in document.clauses if c.norm.kind == EXCEPTION_KIND]
    cited = exceptions[0] if exceptions else document.bans[0]
    return _found(document, safeguard, PRESENT, [cited], "the ban has no open-ended exception",
                  "exceptions-narrow/none-broad")


def _acts_rule(document: _Document, safeguard: Safeguard) -> Finding:
    if not document.bans:
        return _absent(safeguard, "no provision prohibits biometric surveillance")
    # the chain: acquiring, holding, searching and using both the systems and what they produce ("request" is judged
    # under scope-third-party); acts are read from the ban's words, its results from the words and the definitions
    covered = {act for act, pattern in ACTIONS.items() if any(pattern.search(c.text) for c in document.bans)}
    results = any(_RESULTS.search(_expanded(c.norm.object or c.text, document.terms)) for c in document.bans)
    missing = sorted(_CHAIN - covered) + ([] if results else ["their results"])
    if any(_OWN_SYSTEMS.search(c.text) and not _WHOEVER.search(c.text) for c in document.bans):
        missing.append("systems others own or operate")
    if not missing:
        return _found(document, safeguard, PRESENT, document.bans[:3], f"the ban covers {', '.join(sorted(covered))} "
                      "of systems and their results", "scope-all-acts/chain")
    return _found(document, safeguard, WEAK, document.bans[:3], f"the ban does not reach: {', '.join(missing)}",
                  "scope-all-acts/partial")


def _who(norm: Norm) -> str:
    """Whom a ban binds: its bearer, or for "the manager shall endeavor to ensure that no department …" and "it is
    the policy … that departments not …" the subject of the clause it wraps, which opens its object."""
    if norm.construction in _HORTATORY_BANS or not norm.bearer:
        return f"{norm.bearer} {norm.object}"
    return norm.bearer


def _scope_rule(document: _Document, safeguard: Safeguard) -> Finding:
    """The reach of the ban, read from its bearers: a defined term reaches what its definition says, whatever its
    name ("public body" defined as the state police is one body)."""
    if not document.bans:
        return _absent(safeguard, "no provision prohibits biometric surveillance")
    readings = [(clause, *bearer_reach(_who(clause.norm), document.terms)) for clause in document.bans]
    clause, reach, source = max(readings, key=lambda item: REACH_ORDER[item[1]])  # the first of the widest
    by = f" (by the definition of '{source}')" if source in document.terms else ""
    # the evidence is the clause that sets the reach: the definition that decides it, then the ban
    cited = [document.defining[source], clause] if source in document.defining else [clause]
    if reach == ALL:
        return _found(document, safeguard, PRESENT, cited, f"the ban binds government as a whole{by}",
                      "scope-government-wide/broad-subject")
    if reach == PART:
        return _found(document, safeguard, WEAK, cited,
                      f"the ban in {clause.provision.citation} binds only part of government{by}",
                      "scope-government-wide/narrow-subject")
    return _found(document, safeguard, ABSENT, [clause],
                  f"the ban in {clause.provision.citation} binds a single body{by}", "scope-government-wide/one-body",
                  cite=False)


_CONSTRUING = frozenset({"savings-clause", "rule-of-construction", "amending-instruction"})
_NOT_A_BAR = frozenset({EXCEPTION_KIND, SAFE_HARBOUR_KIND, PERMISSION_KIND, DEFINITION_KIND})
_APPLIES = re.compile(r"\b(appl(y|ies)|extends?) (to|whether|also|even)", re.IGNORECASE)


def _after(text: str, bearer: str) -> str:
    """The words of a clause after its bearer (what it says the bearer may not do, and to whom)."""
    at = text.lower().find(bearer) if bearer else -1
    return text[at + len(bearer):] if at >= 0 else text


def _third_party_rule(document: _Document, safeguard: Safeguard) -> Finding:
    """Acting through others: a prohibition about surveillance that bars asking, authorising or contracting with
    others, or that binds them itself; it is weak when it reaches only private parties or only other governments."""
    if not document.bans:
        return _absent(safeguard, "no provision prohibits biometric surveillance")
    rule = safeguard.rule
    patterns = {key: re.compile(rule[key], re.IGNORECASE) for key in ("others", "others_any", "others_private",
                                                                      "others_public", "party_term", "through")}
    acts = set(rule["acts"])
    found: list[tuple[int, Clause, str]] = []
    for clause in document.clauses:
        norm = clause.norm
        # a prohibition about surveillance, or a clause that extends a ban ("the prohibition in subsection (a)
        # applies whether the system is operated by the entity itself or by a third party acting on its behalf")
        rest = _after(clause.text, norm.bearer)  # what the clause says of others, past its own bearer
        forbids = document.forbids_surveillance(clause)
        if not (forbids or (norm.kind not in _NOT_A_BAR and _names_a_ban(document, clause)
                            and _APPLIES.search(rest) and patterns["others"].search(rest))):
            continue
        if set(norm.actions) & _OTHER_ACTS:  # a bar on funds, evidence or retaliation is judged as such
            continue
        binds_others = patterns["others"].search(norm.bearer)
        names_others = patterns["others"].search(rest) or patterns["others_public"].search(rest)
        if not (binds_others or (names_others and (acts & set(norm.actions) or patterns["through"].search(rest)))):
            continue
        # the others it names, with the definitions of the terms that name them ("third party", "covered entity")
        whom = " ".join([rest if names_others else norm.bearer,
                         *(meaning for term, meaning in document.terms.items()
                           if patterns["party_term"].search(term) and term in rest.lower())])
        private, public = patterns["others_private"].search(whom), patterns["others_public"].search(whom)
        if patterns["others_any"].search(whom) or (private and public):
            found.append((2, clause, "the ban reaches acts through any other person or body"))
        elif private:
            found.append((1, clause, "the ban reaches only private parties acting for the government"))
        elif public:
            found.append((1, clause, "the ban reaches only other governments' agencies"))
        else:  # "a third party", undefined: anyone
            found.append((2, clause, "the ban reaches acts through any other person or body"))
    weakly = next((c for c in document.clauses for p, _ in rule.get("weak_match", ())
                   if c.norm.kind == PERMISSION_KIND and re.search(p, c.text, re.IGNORECASE)), None)
    if not found:
        if weakly is not None:
            return _found(document, safeguard, WEAK, [weakly], rule["weak_match"][0][1], "scope-third-party/may-ask")
        return _absent(safeguard, "no prohibition reaches acts through others")
    rank, clause, reason = max(found, key=lambda item: item[0])
    if rank == 2:
        own = document.own_scope(clause)
        carve = next(((p, why) for p, why in rule.get("weak_if", []) if re.search(p, own, re.IGNORECASE)), None)
        elsewhere = next((c for p, why in rule.get("weak_anywhere", []) for c in document.clauses
                          if c.norm.kind != DEFINITION_KIND and re.search(p, c.text, re.IGNORECASE)), None)
        if carve is not None:
            return _found(document, safeguard, WEAK, [clause], carve[1], "scope-third-party/weak_if")
        if elsewhere is not None:
            return _found(document, safeguard, WEAK, [elsewhere], rule["weak_anywhere"][0][1],
                          "scope-third-party/weak_anywhere")
        if weakly is not None:
            return _found(document, safeguard, WEAK, [weakly], rule["weak_match"][0][1], "scope-third-party/may-ask")
        return _found(document, safeguard, PRESENT, [clause], reason, "scope-third-party/anyone")
    return _found(document, safeguard, WEAK, [clause], reason, "scope-third-party/partial")


def _modalities_rule(document: _Document, safeguard: Safeguard) -> Finding:
    """The characteristics the ban reaches, read from the definitions of the terms it uses (and the terms those
    use), whatever the terms are called: an open list is present, a closed list beyond the face weak, the face alone
    absent. A ban in undefined words is read from its own words."""
    if not document.bans:
        return _absent(safeguard, "no provision prohibits biometric surveillance")
    rule = safeguard.rule
    open_list = re.compile(rule["open_list"], re.IGNORECASE)
    modalities = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in rule["modality"].items()}
    readings: list[tuple[int, Clause, str]] = []
    for ban in document.bans:
        meanings = document.meanings(f"{ban.norm.object} {ban.text}", ban)
        for words, clause in meanings:
            named = sorted(name for name, pattern in modalities.items() if pattern.search(words))
            if open_list.search(words):
                readings.append((2, clause, "the ban reaches any physical or behavioral characteristic"))
            elif len(named) >= 2:
                readings.append((1, clause, f"the ban reaches a closed list: {', '.join(named)}"))
            elif named:
                readings.append((0, clause, f"the ban reaches the {named[0]} only"))
        if not readings and _BIOMETRIC.search(ban.text):  # "biometric surveillance", undefined: every kind
            readings.append((2, ban, "the ban reaches biometric surveillance of any kind"))
    if not readings:
        return _absent(safeguard, "the ban names no characteristic beyond the face")
    rank, clause, reason = max(readings, key=lambda item: item[0])
    if rank == 0:
        return _absent(safeguard, reason)
    if rank == 2:
        for pattern, why in rule.get("weak_anywhere", []):
            elsewhere = next((c for c in document.clauses if re.search(pattern, c.text, re.IGNORECASE)), None)
            if elsewhere is not None:
                return _found(document, safeguard, WEAK, [elsewhere], f"{why} ({elsewhere.provision.citation})",
                              f"scope-biometric-modalities/weak_anywhere: {pattern}")
        return _found(document, safeguard, PRESENT, [clause], reason, "scope-biometric-modalities/open")
    return _found(document, safeguard, WEAK, [clause], reason, "scope-biometric-modalities/closed")


def _lifting_rule(document: _Document, safeguard: Safeguard) -> Finding:
    """How the ban ends: the routes its lifting clauses open, read from the words after until / unless / only by
    (and the time the norm reader parsed). Only the legislature's is present; the legislature's or an official's or
    a date is weak; no legislative route is absent. A clause that shuts routes ("no regulation … shall end those
    prohibitions") opens none."""
    if not document.bans:
        return _absent(safeguard, "no provision prohibits biometric surveillance")
    rule = safeguard.rule
    lifting, about_ban, legislative, executive, dated, extension = (
        re.compile(rule[key], re.IGNORECASE)
        for key in ("lifting", "about_ban", "legislative", "executive", "dated", "extension"))
    routes: dict[str, Clause] = {}
    # a term the ban uses may carry its end ("during the moratorium period", defined as ending on the earlier of …)
    ban_words = " ".join(c.lowered for c in document.bans)
    for clause in document.clauses:
        norm = clause.norm
        if norm.kind == DEFINITION_KIND and norm.bearer and norm.bearer in ban_words:
            pass
        elif norm.kind in (DEFINITION_KIND, EXCEPTION_KIND, SAFE_HARBOUR_KIND) or norm.construction in _CONSTRUING:
            continue  # definitions, exceptions and rules of construction ("nothing … shall preempt") end nothing
        ends = norm.time is not None and norm.time.kind == SUNSET_TIME
        found = lifting.search(clause.text)
        if not (ends or found):
            continue
        if not (clause.provision.eId in document.ban_eids or _names_a_ban(document, clause)
                or about_ban.search(clause.text) or norm.kind == DEFINITION_KIND):
            continue
        if norm.bearer.startswith("no ") and norm.kind == PROHIBITION_KIND and executive.search(norm.bearer):
            continue  # "no regulation, executive order or policy shall end those prohibitions": routes shut
        # the words after until / unless / only by, and the time the reader parsed ("until the earlier of …")
        words = " ".join(part for part in (norm.time.words if ends else "",
                                           clause.text[found.start():] if found else "") if part)
        if ends and norm.time.date:
            routes.setdefault("date", clause)
        if legislative.search(words) and not extension.search(words):
            routes.setdefault("legislative", clause)
        if executive.search(words):
            routes.setdefault("executive", clause)
        if dated.search(words):
            routes.setdefault("date", clause)
    if "legislative" not in routes:
        if routes:
            other = next(iter(routes))
            return _absent(safeguard, f"it ends by {'a date' if other == 'date' else 'an official'} "
                                      f"({routes[other].provision.citation}), with no legislative route")
        return _absent(safeguard, "no clause says how the ban ends")
    weaker = [route for route in ("executive", "date") if route in routes]
    if weaker:
        clause = routes[weaker[0]]
        why = "an official's rule or decision can end it" if weaker[0] == "executive" else "it ends on a date by itself"
        return _found(document, safeguard, WEAK, [clause], f"{why} ({clause.provision.citation})",
                      f"lift-by-statute-only/{weaker[0]}")
    clause = routes["legislative"]
    return _found(document, safeguard, PRESENT, [clause], f"only a later law ends it ({clause.provision.citation})",
                  "lift-by-statute-only/legislative")


_KINDS = {"statement": _statement_rule, "ban": _ban_rule, "exceptions": _exceptions_rule, "acts": _acts_rule,
          "scope": _scope_rule, "third-party": _third_party_rule, "modalities": _modalities_rule,
          "lifting": _lifting_rule}


def evaluate(root: etree._Element, rubric: Rubric | None = None) -> tuple[Finding, ...]:
    """Judge every safeguard of the rubric in one document."""
    rubric = rubric or load_rubric()
    document = _Document(root, rubric)
    return tuple(_KINDS[safeguard.rule["kind"]](document, safeguard) for safeguard in rubric.safeguards)


def stronger(draft: tuple[Finding, ...], other: tuple[Finding, ...]) -> list[str]:
    """The safeguards that another document provides more strongly than the draft."""
    by_id = {finding.safeguard: finding for finding in draft}
    return [finding.safeguard for finding in other
            if _RANK[finding.status] > _RANK[by_id[finding.safeguard].status]]
