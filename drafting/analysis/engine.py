"""The safeguard engine: one finding per safeguard of the rubric, each explained by the rule that fired.

A document is read as statements: each provision's own text joined to the lead-in words of its ancestors (so a
list item "(2) request … from a third party" carries "No public agency shall:"), with the definitions of the terms
it uses available to the rules. Modality (shall not / no … shall / may / should …) is read per statement, in the
words of the shared vocabulary (drafting/norms/vocabulary.toml).
Every decision is a named rule over visible text; no model decides a finding.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from lxml import etree

from drafting.akn import extract_provisions
from drafting.akn.provisions import Provision
from drafting.akn.provisions import definitions as defined_terms
from drafting.norms.vocabulary import (
    ACTIONS,
    CARVE_OUT,
    DEFINING,
    DISCOURAGEMENT,
    DUTY,
    PERMISSION,
    PROHIBITION,
    QUOTED_DEFINITION,
)

PRESENT, WEAK, ABSENT = "present", "weak", "absent"
_RANK = {ABSENT: 0, WEAK: 1, PRESENT: 2}

_THIS_LAW = re.compile(r"(violation of|contrary to|under|by) (this|the) (act|chapter|ordinance|section|article)",
                       re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z(])")
_NARROW_SUBJECT = re.compile(r"\b(police department|law enforcement agenc(y|ies)|law enforcement officer|"
                             r"the department\b|sheriff)", re.IGNORECASE)
_BROAD_SUBJECT = re.compile(r"\b(any|every|no)\b[^.;]{0,40}\b(government (entity|employee)|public (agency|official|"
                            r"employee)|agency|department|official|employee|city|town|county|municipal|state)\b|"
                            r"\bgovernment entit", re.IGNORECASE)


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

    def as_dict(self) -> dict:
        return {
            "safeguard": self.safeguard,
            "group": self.group,
            "title": self.title,
            "status": self.status,
            "evidence": [item.as_dict() for item in self.evidence],
            "reason": self.reason,
            "rule": self.rule,
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
class Statement:
    """A sentence of a provision, with the lead-in words of its ancestors."""

    provision: Provision
    context: str  # ancestors' own text (lead-ins such as "No agency shall:")
    text: str  # the sentence itself

    @property
    def full(self) -> str:
        return f"{self.context} {self.text}".strip()


_CONTAINER_ELEMENTS = frozenset({"book", "tome", "title", "subtitle", "part", "subpart", "chapter", "subchapter",
                                 "article", "division", "subdivision"})


def statements(root: etree._Element) -> list[Statement]:
    """Read a document as statements."""
    found: list[Statement] = []

    def visit(provision: Provision, context: str) -> None:
        for sentence in _SENTENCE.split(provision.text) if provision.text else []:
            found.append(Statement(provision, context, sentence))
        child_context = f"{context} {provision.text}".strip()[-600:]
        for child in provision.children:
            # a section is read in the light of its own heading, as a top-level one is, when it stands in a
            # container (a chapter) or opens an amending bill's quoted structure
            fresh = provision.element in _CONTAINER_ELEMENTS or child.quoted
            visit(child, (child.heading or "") if fresh else child_context)

    for top in extract_provisions(root):
        visit(top, top.heading or "")
    return found


def definitions(root: etree._Element) -> dict[str, str]:
    """Map each defined term to the text that defines it, with the provisions below it."""
    return {item.term: item.provision for item in defined_terms(root)}


def _expanded(statement: Statement, terms: dict[str, str]) -> str:
    """The statement with the definitions of the terms it uses (a defined term carries its meaning)."""
    if not terms:
        return statement.full
    lowered = statement.full.lower()
    extra = [meaning for term, meaning in terms.items() if len(term) > 3 and term in lowered]
    return " ".join([statement.full, *extra])


def modality(text: str) -> str:
    """Read a statement's modality: prohibition, permissive-prohibition, duty, permissive or none."""
    if DISCOURAGEMENT.search(text):
        return "permissive-prohibition"
    if PROHIBITION.search(text):
        return "prohibition"
    if DUTY.search(text):
        return "duty"
    if PERMISSION.search(text):
        return "permissive"
    return "none"


def _evidence(statement: Statement) -> Evidence:
    return Evidence(statement.provision.eId, statement.provision.citation, statement.text[:400])


class _Document:
    def __init__(self, root: etree._Element, rubric: Rubric):
        self.rubric = rubric
        self.statements = statements(root)
        self.terms = definitions(root)
        self.surveillance = re.compile(rubric.patterns["surveillance"], re.IGNORECASE)
        self.broad_exception = re.compile(rubric.patterns["broad_exception"], re.IGNORECASE)
        self.bans = [s for s in self.statements if self._is_ban(s)]
        self._scopes: dict[int, str] = {}
        self._subtrees: dict[int, str] = {}

    def own_scope(self, statement: Statement) -> str:
        """A statement with the text of its provision's subsections (no definitions)."""
        provision = statement.provision
        if id(provision) not in self._subtrees:
            self._subtrees[id(provision)] = _subtree_text(provision)
        return f"{statement.full} {self._subtrees[id(provision)]}"

    def scope_text(self, statement: Statement) -> str:
        """A statement with the definitions of its terms and the text of its provision's subsections (cached)."""
        key = id(statement)
        if key not in self._scopes:
            provision = statement.provision
            if id(provision) not in self._subtrees:
                self._subtrees[id(provision)] = _subtree_text(provision)
            self._scopes[key] = f"{_expanded(statement, self.terms)} {self._subtrees[id(provision)]}"
        return self._scopes[key]

    def _is_ban(self, statement: Statement) -> bool:
        text = statement.full
        mood = modality(text)
        if mood not in ("prohibition", "permissive-prohibition"):
            return False
        about = _expanded(statement, self.terms) if not self.surveillance.search(text) else text
        if not self.surveillance.search(about):
            return False
        # a rule about something else that merely mentions surveillance (reports, evidence, retaliation) is not
        # the operative ban
        return not re.search(r"retaliat|evidence|inadmissible|report|discipline|preempt|construed|contract|"
                             r"agreement|grant|funds|appropriat", statement.text, re.IGNORECASE)


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


_COMPILED: dict[str, _CompiledRule] = {}


def _compiled(safeguard: Safeguard) -> _CompiledRule:
    found = _COMPILED.get(safeguard.id)
    if found is None:
        rule = safeguard.rule
        found = _CompiledRule(_any_of(rule.get("match", [])), _any_of(rule.get("negated_by", [])),
                              tuple(_any_of(group) for group in rule.get("also", [])),
                              _any_of([pattern for pattern, _ in rule.get("weak_match", [])]),
                              _any_of(rule.get("exclude", [])))
        _COMPILED[safeguard.id] = found
    return found


def _statement_rule(document: _Document, safeguard: Safeguard) -> Finding:
    rule = safeguard.rule
    compiled = _compiled(safeguard)
    best: tuple[int, Statement, str, str] | None = None
    for statement in document.statements:
        text = statement.full
        if compiled.match is None or not compiled.match.search(text):
            weakly = compiled.weak_match is not None and compiled.weak_match.search(text) and next(
                ((p, why) for p, why in rule["weak_match"] if re.search(p, text, re.IGNORECASE)), None)
            if weakly and (best is None or best[0] < _RANK[WEAK]):
                best = (_RANK[WEAK], statement, weakly[1], f"weak_match: {weakly[0]}")
            continue
        if compiled.negated_by is not None and compiled.negated_by.search(statement.text):
            continue
        if compiled.exclude is not None and compiled.exclude.search(text):
            continue
        if rule.get("where") == "definitions_or_ban" and statement not in document.bans and not (
            DEFINING.search(statement.text) or re.search("definition", statement.context[:80], re.IGNORECASE)
        ):
            continue
        # conditions and carve-outs often stand in the provision's subsections: read them with it
        expanded = document.scope_text(statement)
        # what weakens a provision must be in its own words and subsections, not in the definitions it borrows
        own = document.own_scope(statement)
        if any(not group.search(expanded) for group in compiled.also):
            continue
        if rule.get("need_ban") and statement not in document.bans:
            continue
        if rule.get("need_surveillance") and not (
            document.surveillance.search(expanded) or _THIS_LAW.search(statement.full)
        ):
            continue
        status, reason, fired = PRESENT, f"{statement.provision.citation or 'a provision'} provides it", "match"
        for pattern, why in rule.get("weak_if", []):
            if re.search(pattern, own, re.IGNORECASE):
                status, reason, fired = WEAK, why, f"weak_if: {pattern}"
                break
        if status == PRESENT:
            for pattern, why in rule.get("weak_unless", []):
                if not re.search(pattern, own, re.IGNORECASE):
                    status, reason, fired = WEAK, why, f"weak_unless: {pattern}"
                    break
        if status == PRESENT and rule.get("modal") == "mandatory" and modality(text) in (
            "permissive", "permissive-prohibition"
        ):
            status, reason, fired = WEAK, "permissive language where it must bind", "modal: mandatory"
        score = _RANK[status]
        if best is None or score > best[0]:
            best = (score, statement, reason, fired)
            if status == PRESENT:
                break
    if best is None:
        return _absent(safeguard)
    score, statement, reason, fired = best
    if score == _RANK[PRESENT]:
        # a weakening stated anywhere in the document (a preemption clause, a confidentiality rule) still counts
        for pattern, why in rule.get("weak_anywhere", []):
            elsewhere = next((s for s in document.statements if re.search(pattern, s.text, re.IGNORECASE)), None)
            if elsewhere is not None:
                score, statement, fired = _RANK[WEAK], elsewhere, f"weak_anywhere: {pattern}"
                reason = f"{why} ({elsewhere.provision.citation})"
                break
    status = PRESENT if score == 2 else WEAK
    if status == WEAK and statement.provision.citation and statement.provision.citation not in reason:
        reason = f"{reason} ({statement.provision.citation})"
    return Finding(safeguard.id, safeguard.group, safeguard.title, status, (_evidence(statement),), reason,
                   f"{safeguard.id}/{fired}")


def _subtree_text(provision: Provision) -> str:
    return " ".join(p.text for p in provision.walk() if p is not provision)


def _absent(safeguard: Safeguard, reason: str = "no provision provides it") -> Finding:
    return Finding(safeguard.id, safeguard.group, safeguard.title, ABSENT, (), reason, f"{safeguard.id}/none")


def _carve_outs(document: _Document) -> list[Statement]:
    """Statements that open an exception to the ban for broad, open-ended reasons (definitions are not)."""
    return [s for s in document.statements
            if document.broad_exception.search(s.text) and CARVE_OUT.search(s.full)
            and not QUOTED_DEFINITION.match(s.text) and not re.search("definition", s.context[:80], re.IGNORECASE)]


def _ban_rule(document: _Document, safeguard: Safeguard) -> Finding:
    if not document.bans:
        return _absent(safeguard, "no provision prohibits biometric surveillance")
    mandatory = [s for s in document.bans if modality(s.full) == "prohibition"]
    if not mandatory:
        s = document.bans[0]
        return Finding(safeguard.id, safeguard.group, safeguard.title, WEAK, (_evidence(s),),
                       f"the prohibition in {s.provision.citation} is permissive ({_operative_words(s.full)})",
                       "ban-mandatory/modal")
    # open-ended exceptions are judged under exceptions-narrow; here only the wording of the ban counts
    s = mandatory[0]
    return Finding(safeguard.id, safeguard.group, safeguard.title, PRESENT, (_evidence(s),),
                   f"{s.provision.citation} prohibits it in mandatory terms ({_operative_words(s.full)})",
                   "ban-mandatory/prohibition")


def _operative_words(text: str) -> str:
    """Quote the words that make a statement a prohibition ('shall not', 'may not', 'no ... shall')."""
    match = DISCOURAGEMENT.search(text) or PROHIBITION.search(text)
    if match is None:
        return "no prohibiting words"
    words = match.group(0)
    if len(words.split()) > 3:  # "no public agency or public official shall" -> "no ... shall"
        words = f"{words.split()[0]} … {words.split()[-1]}"
    return f"'{words}'"


def _exceptions_rule(document: _Document, safeguard: Safeguard) -> Finding:
    if not document.bans:
        return _absent(safeguard, "there is no ban for exceptions to qualify")
    carve = _carve_outs(document)
    if carve:
        c = carve[0]
        return Finding(safeguard.id, safeguard.group, safeguard.title, WEAK, (_evidence(c),),
                       f"open-ended exception in {c.provision.citation}", "exceptions-narrow/broad-exception")
    return Finding(safeguard.id, safeguard.group, safeguard.title, PRESENT, (_evidence(document.bans[0]),),
                   "the ban has no open-ended exception", "exceptions-narrow/none-broad")


def _acts_rule(document: _Document, safeguard: Safeguard) -> Finding:
    if not document.bans:
        return _absent(safeguard, "no provision prohibits biometric surveillance")
    covered = {act for act, pattern in ACTIONS.items() if any(pattern.search(s.full) for s in document.bans)}
    evidence = tuple(_evidence(s) for s in document.bans[:3])
    if covered == set(ACTIONS):
        return Finding(safeguard.id, safeguard.group, safeguard.title, PRESENT, evidence,
                       f"the ban covers {', '.join(sorted(covered))}", "scope-all-acts/chain")
    missing = sorted(set(ACTIONS) - covered)
    return Finding(safeguard.id, safeguard.group, safeguard.title, WEAK, evidence,
                   f"the ban does not reach: {', '.join(missing)}", "scope-all-acts/partial")


def _scope_rule(document: _Document, safeguard: Safeguard) -> Finding:
    if not document.bans:
        return _absent(safeguard, "no provision prohibits biometric surveillance")
    for statement in document.bans:
        expanded = _expanded(statement, document.terms)
        if _BROAD_SUBJECT.search(statement.full) and not _NARROW_SUBJECT.search(statement.full):
            return Finding(safeguard.id, safeguard.group, safeguard.title, PRESENT, (_evidence(statement),),
                           "the ban binds government as a whole", "scope-government-wide/broad-subject")
        if _BROAD_SUBJECT.search(expanded) and not _NARROW_SUBJECT.search(statement.full):
            return Finding(safeguard.id, safeguard.group, safeguard.title, PRESENT, (_evidence(statement),),
                           "the ban binds government as a whole (by definition)", "scope-government-wide/defined")
    statement = document.bans[0]
    return Finding(safeguard.id, safeguard.group, safeguard.title, WEAK, (_evidence(statement),),
                   f"the ban in {statement.provision.citation} binds only part of government",
                   "scope-government-wide/narrow-subject")


_KINDS = {"statement": _statement_rule, "ban": _ban_rule, "exceptions": _exceptions_rule, "acts": _acts_rule,
          "scope": _scope_rule}


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
