"""The norm reader: every provision of an AKN document read as norm records, one per operative clause.

PURE. `read_norms(root)` walks the provision tree (drafting/akn/provisions.py), inside quoted structures too (an
amending bill's inserted section is read as the law it would become, cited by its own numbers, `quoted=True`).

**Clauses.** A provision with items is read with its lead-in (<intro>) and wrap-up (<wrapUp>): "No agency shall:
(1) acquire …; (2) use …" gives two norms, each the lead-in completed by one item (and by the wrap-up when it continues
the sentence: "…, except as provided in section 4"). Nested lists compose ("neither X shall: (1) acquire or use: (a)
any system"). Items that define terms are read alone. Other text is split into sentences, and a sentence into clauses
where a new subject takes a modal ("…, and no public official shall …") or a subject takes a second modal ("…; and
shall …", read with the same bearer).

**Reading a clause.** A leading adverbial ("Except as provided in section 4,", "Not later than March 1 of each year,")
is set apart; the first *anchor* (a modal, or a declaration such as "it shall be unlawful for", "is prohibited from",
"does not apply") decides the construction; the words before it are the bearer (a relative clause on it, "that did
not request …", is a condition), the verbs after it the acts (each inflection is listed in vocabulary.toml), the words
after them the object. Conditions (if / when / where / subject to …), exceptions (except / unless / provided that /
other than …, with the provisions they name), qualifiers (only, solely, arrested or charged, case in chief, may, in its
discretion, knowingly, to the extent practicable) and the time (drafting/norms/time.py) are read over the whole clause.

**Constructions** (Norm.construction), by kind:

- prohibition: no-x-shall (no-x-may, no-x-must), neither-x-nor-y-shall, x-shall-not (x-must-not, x-shall-never),
  x-may-not, it-is-unlawful-for-x, x-is-prohibited-from
- obligation: x-shall, x-must, x-is-required-to
- reporting-duty: x-shall-report (a duty whose act is to report or publish, or whose object is a report)
- permission: x-may, x-is-authorized-to, x-need-not (negated: a duty released), enforcement-by-official (an official
  or public body may sue: public enforcement, not a private right)
- recommendation: x-should, x-should-not, no-x-should, x-is-encouraged-to, x-is-discouraged-from, shall-endeavor,
  policy-that-x, policy-that-x-not, request-that-x, request-that-x-not ("the Council requests the Manager to direct
  every department not to acquire …": the acts and bearer of the "(not) to" it wraps)
- exception: x-shall-not-prohibit ("Section 2 shall not prohibit: …"), nothing-shall-prohibit ("Nothing in this
  section shall prohibit / be construed to prohibit …"), x-does-not-prohibit, x-does-not-apply
- safe-harbour: x-shall-not-be-in-violation ("… shall not be in violation of this act if it did not request …"),
  x-does-not-violate, x-is-exempt
- right-of-action: x-may-sue, x-is-entitled-to-sue, x-gives-right, no-right-of-action ("Nothing in this act gives any
  person a right to bring a civil action", negated)
- penalty: x-shall-be-subject-to-penalty (discipline, fines, liability), nullity ("shall be void")
- sunset-or-lifting-condition: x-remains-in-force-until, x-expires
- definition: quoted-definition, marked-definition (a <def> of the importer)
- none: no-deontic-words, commencement, establishment, short-title, amending-instruction, savings-clause,
  rule-of-construction, continuation, definitions-lead-in
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from lxml import etree

from drafting.akn import extract_provisions
from drafting.akn.provisions import Provision
from drafting.akn.provisions import definitions as defined_terms

from . import vocabulary as v
from .records import (
    CLASS,
    DEFINITION,
    DISCRETION,
    EXCEPTION,
    LIMITING,
    MENTAL_STATE,
    NONE,
    OBLIGATION,
    OVERRIDE,
    PENALTY,
    PERMISSION,
    PRACTICABILITY,
    PROHIBITION,
    RECOMMENDATION,
    REPORTING_DUTY,
    RIGHT_OF_ACTION,
    SAFE_HARBOUR,
    SUNSET,
    SUNSET_TIME,
    ExceptionClause,
    Norm,
    Qualifier,
    Time,
)
from .references import Place, depends_on_place, references
from .time import locate_times
from .words import gate, tokens

__all__ = ["read_clause", "read_norms", "read_provisions"]


def _phrases(phrases) -> str:
    """Whole-word alternation of phrases, the longest first (so "is prohibited from" wins over "is prohibited")."""
    return v.whole_words(sorted(set(phrases), key=len, reverse=True))


def _bare(phrases) -> str:
    return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))


# -- the words of the reader -----------------------------------------------------------------------------------------

(_NEED,) = (phrase.split()[0] for phrase in v.chosen(v.DUTY_RELEASES, "need not"))
_MODALS = (*v.BINDING_MODALS, *v.PERMISSIVE_MODALS, *v.RECOMMENDING_MODALS, _NEED)
(_SHOULD,) = v.RECOMMENDING_MODALS
(_MAY,) = v.PERMISSIVE_MODALS
# the words a new subject starts with ("…, and no public official shall …"); not "that", which also opens a clause
_DETERMINERS = ("a", "an", "the", "any", "all", "each", "every", "such", "its", "their", "this", "these", "those",
                *v.NEGATIVE_DETERMINERS, *v.NEGATIVE_PAIR_OPENERS, *v.NOTHING_SUBJECTS)
_MODAL_WORD = rf"\b(?:{_bare(_MODALS)})\b"
_MODAL_SET = frozenset(_MODALS)
# "may" before a figure is a month ("by May 1, 2028")
_MODAL = rf"\b(?:{_bare(_MODALS)})\b(?! \d)(?: (?:{_bare(v.NEGATORS)})\b)?"

_DENIABLE = ("apply", "violate", "constitute a violation of", *v.RULE_LIMITING_VERBS, *v.RIGHT_CONFERRING_VERBS)
_ANCHOR = re.compile("|".join([
    rf"(?P<policy>{_phrases(v.POLICY_DECLARATIONS)}[^;:]{{0,160}}?\bthat\b)",
    rf"(?P<request>{_phrases(v.REQUESTING_PHRASES)}(?=[^;:]{{0,160}}?\bto\s))",
    rf"(?P<unlawful>{_phrases(v.UNLAWFULNESS_OPENERS)})",
    rf"(?P<establish>{_phrases(v.ESTABLISHING_PHRASES)})",
    rf"(?P<prohibited>{_phrases(v.PROHIBITED_FROM_PHRASES)})",
    rf"(?P<exempt>{_phrases(v.EXEMPTION_PHRASES)})",
    rf"(?P<denied>\b(?:does|do) not (?P<denied_verb>{_bare(_DENIABLE)})\b)",
    rf"(?P<amend>{_phrases(v.AMENDING_PHRASES)})",
    rf"(?P<discouraged>{_phrases(v.DISCOURAGING_PHRASES)})",
    rf"(?P<encouraged>{_phrases(v.ENCOURAGING_PHRASES)})",
    rf"(?P<required>{_phrases(v.DIRECTING_PHRASES + v.DUTY_PHRASES)})",
    rf"(?P<empowered>{_phrases(v.EMPOWERING_PHRASES)})",
    rf"(?P<modal>{_MODAL})",
    rf"(?P<confers>{_phrases(v.RIGHT_CONFERRING_VERBS)}(?=[^;.]{{0,80}}{_phrases(v.RIGHT_PHRASES)}))",
    rf"(?P<void>\b(?:is|are) (?:{_bare(v.NULLITY_WORDS)})\b)",
]))
_RIGHT = re.compile(_phrases(v.RIGHT_PHRASES))
_MODAL_ANCHOR = re.compile(_MODAL)
_QUOTED_TERM = re.compile(rf"^[\"“](?P<term>[^\"”]{{1,80}})[\"”],?(?=\s+(?:{_bare(v.DEFINING_VERBS)})\b)")

# acts: form -> act classes; the forms as one pattern matched where a verb stands
_FORM_ACTS: dict[str, tuple[str, ...]] = {}
for _act, _forms in v.NORM_ACTIONS.items():
    for _form in _forms:
        _FORM_ACTS[_form] = (*_FORM_ACTS.get(_form, ()), _act)
_NOUN_ACTS: dict[str, tuple[str, ...]] = {}
for _act, _nouns in v.NORM_ACTION_NOUNS.items():
    for _noun in _nouns:
        _NOUN_ACTS[_noun] = (*_NOUN_ACTS.get(_noun, ()), _act)
_FORMS = re.compile(_phrases(_FORM_ACTS))
_NOUNS = re.compile(_phrases(_NOUN_ACTS))
_CONTEXTS = {act: re.compile(_phrases(words)) for act, words in v.NORM_ACTION_CONTEXTS.items()}
_EXCLUSIONS = {form: re.compile(_phrases(words)) for form, words in v.NORM_FORM_EXCLUSIONS.items()}
_ADVERBS = frozenset(v.VERB_ADVERBS)
_LY_VERBS = frozenset(v.LY_VERBS)
_OPENERS = frozenset(v.OBJECT_OPENERS)
_WORD = re.compile(r"[a-z][a-z'’-]*")
_SPACE = re.compile(r"[\s:]*")
_SEPARATOR = re.compile(r",\s*(?:(?:and/or|and|or)\s+)?|\s+(?:and/or|and|or)\s+")
_BE = re.compile(r"be\s+")
_INFINITIVE = re.compile(r"to\s+")
_REQUESTED_ACTS = re.compile(rf"\b(?P<not>not\s+)?to\s+(?=(?:{_bare(_FORM_ACTS)})\b)")
_DIRECTING_OPENER = re.compile(r"^(?:[a-z ]{0,60}?\bto\s+)?(?:direct|instruct|require|ensure that|order)\s+")
_ASIDE = re.compile(r"\s*,[^,;.:]{1,240},\s*")
_PARTICIPLE = re.compile(r"[a-z]+(?:ed|en|wn|ne|ld|lt|ht|ut)\b")

_ENDEAVOUR = re.compile(_phrases(v.ENDEAVOUR_PHRASES))
_CONSTRUING = re.compile(_phrases(v.CONSTRUING_PHRASES))
_SAFE_HARBOUR = re.compile(_phrases(v.SAFE_HARBOUR_PHRASES))
_PENALTY = re.compile(_phrases(v.PENALTY_PHRASES))
_NULLITY = re.compile(_phrases(v.NULLITY_WORDS))
_LIFTING = re.compile(_phrases(v.LIFTING_PHRASES))
_ENDING = re.compile(_phrases(v.ENDING_PHRASES))
_COMMENCEMENT = re.compile(_phrases(v.COMMENCEMENT_PHRASES))
_SHORT_TITLE = re.compile(_phrases(v.SHORT_TITLE_PHRASES))
_OFFICIAL = re.compile(_phrases(v.ENFORCING_OFFICIALS))
_REPORTING_NOUN = re.compile(_phrases(v.REPORTING_NOUNS))
_MAKING = frozenset(v.MAKING_VERBS)
_RULE_LIMITING = frozenset(v.RULE_LIMITING_VERBS)
_SAVING = re.compile(_phrases(v.SAVING_VERBS))
_DEFINITION_LEAD_IN = re.compile(_phrases(v.DEFINITION_LEAD_IN_WORDS))
_DEFINITION_LEAD_IN_GATE = gate(v.DEFINITION_LEAD_IN_WORDS)
_PLACEHOLDER = re.compile(_phrases(v.LIST_PLACEHOLDER_PHRASES), re.IGNORECASE)

_EXCEPTION_WORDS = (*v.chosen(v.EXCEPTION_MARKERS, "except", "unless"),
                    *(phrase for phrase in v.PROVISO_MARKERS if phrase != "but not"))
_MARKER = re.compile(rf"(?P<exception>{_phrases(_EXCEPTION_WORDS)})(?! and until)"
                     rf"|(?P<condition>{_phrases(v.CONDITION_MARKERS)})"
                     rf"|(?P<override>{_phrases(v.OVERRIDE_MARKERS)})")
# (a clause is one sentence: a full stop inside it belongs to an abbreviation, "Sec. 4")
_SPAN_END = re.compile(rf";|,\s+(?=(?:(?:and|or)\s+)?(?:{_bare(_EXCEPTION_WORDS + v.CONDITION_MARKERS)})\b)")
_DEFINITION_EXCLUSION = re.compile(_phrases(v.DEFINITION_EXCLUSIONS))
_CLAUSE_END = re.compile(r";|,\s+where\b")
_OBJECT_END = re.compile(
    rf";|,\s+where\b|,?\s+(?:{_bare(_EXCEPTION_WORDS)})\b(?! and until)"
    rf"|,?\s+(?:{_bare(tuple(m for m in v.CONDITION_MARKERS if m != 'where'))})\b"
)
# a verb after a comma in an object, then what a verb takes: a second verb phrase with its own object
_COORDINATED_START = (rf"[,;]\s*(?:(?:and|or)\s+)?(?:(?:{_bare(v.VERB_ADVERBS)}|[a-z]+ly)\s+)?"
                      rf"(?P<form>{_bare(_FORM_ACTS)})\b")
# an active verb takes a determiner or a pronoun ("…, and file it with …"); a participle may take a preposition
# ("…, or relied upon as the basis …")
_COORDINATED = re.compile(rf"{_COORDINATED_START}(?=\s+(?:{_bare((*_DETERMINERS, 'it', 'them', 'him', 'her'))})\b)")
_COORDINATED_PASSIVE = re.compile(rf"{_COORDINATED_START}(?=\s+(?:{_bare(v.OBJECT_OPENERS)})\b)")
_QUALIFIER = re.compile("|".join([
    rf"(?P<limiting>{_phrases(v.LIMITING_QUALIFIERS)})",
    rf"(?P<klass>{_phrases(v.CLASS_QUALIFIERS)})",
    rf"(?P<mental>{_phrases(v.MENTAL_STATE_QUALIFIERS)})",
    rf"(?P<practicability>{_phrases(v.PRACTICABILITY_QUALIFIERS)})",
    rf"(?P<discretion>{_phrases(v.DISCRETION_PHRASES + v.JUDGMENT_PHRASES)})",
]))
# quick tests before the searches: a clause that holds none of these words holds no such marker or qualifier
_MARKER_GATE = gate((*_EXCEPTION_WORDS, *v.CONDITION_MARKERS, *v.OVERRIDE_MARKERS))
_QUALIFIER_GATE = gate((*v.LIMITING_QUALIFIERS, *v.CLASS_QUALIFIERS, *v.MENTAL_STATE_QUALIFIERS,
                        *v.PRACTICABILITY_QUALIFIERS, *v.DISCRETION_PHRASES, *v.JUDGMENT_PHRASES))
_QUALIFIER_KINDS = {"limiting": LIMITING, "klass": CLASS, "mental": MENTAL_STATE, "practicability": PRACTICABILITY,
                    "discretion": DISCRETION}
_RELATIVE = re.compile(rf"\s(?:,\s*)?(?:{_bare(v.RELATIVE_PRONOUNS)})\b")
_LEADING = re.compile(rf"^(?:{_bare(v.LEADING_OPENERS)})\b")
# words after a comma that continue a phrase rather than start a subject (matched at a position: no "^")
_CONTINUATION = re.compile(rf"(?:and|or|but|including|whether|as|{_bare(v.RELATIVE_PRONOUNS)})\b|{_MODAL_WORD}")
_NEW_SUBJECT = re.compile(
    rf"(?:;|,)\s+(?:(?:and|or|but)\s+)?(?=(?:{_bare(_DETERMINERS)})\b"
    rf"(?:(?!\b(?:{_bare(v.RELATIVE_PRONOUNS)})\b)[^,;:]){{0,100}}?{_MODAL_WORD})"
)
_SHARED_SUBJECT = re.compile(rf"(?:(?:;|,)\s+(?:(?:and|or|but)\s+)?|\s+(?:and|but)\s+)(?={_MODAL_WORD})")
# a proviso runs on to the end of its sentence: no clause starts inside one ("; provided, however, that a contract …
# may remain in effect")
_PROVISO_BEFORE = re.compile(rf"(?:{_bare(v.PROVISO_MARKERS + v.EXCEPTION_MARKERS)})[\s,]*$")
_CLAUSE_JOIN = re.compile(r"[,;]?\s*(?:(?:and|or|but)\s+)?")
_TRAILING_JOIN = re.compile(r"[\s,]+(?:and|or|and/or)$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9(])")
_LAST_WORD = re.compile(r"([\w.]+)\.[\"”’)]?\s*$")
_ABBREVIATIONS = frozenset(v.ABBREVIATIONS)
_ITEM_END = re.compile(r"(?:[;,]\s*(?:and/or|and|or)?|\.)\s*$", re.IGNORECASE)
_LEAD_IN_END = re.compile(r"(?::-?|[—–-]|\bthe following|,)\s*$")
_QUOTES = "\"'“”‘’"
_DEFINING_START = re.compile(rf"^[\s{_QUOTES},.:;-]*(?:(?:{_bare(v.DEFINING_VERBS)})\b)?\s*", re.IGNORECASE)


# -- reading a document ----------------------------------------------------------------------------------------------


def read_norms(root: etree._Element) -> tuple[Norm, ...]:
    """Read every provision of a document as norms, in document order."""
    return read_provisions(extract_provisions(root), {item.term: item.eId for item in defined_terms(root)})


def read_provisions(provisions: tuple[Provision, ...], terms: dict[str, str | None] | None = None
                    ) -> tuple[Norm, ...]:
    """Read a provision forest as norms; `terms` maps each defined term to the eId of the provision defining it."""
    walk = _Walk(terms or {})
    for top in provisions:
        walk.visit(top, (), None, quoted=False)
    return tuple(walk.found)


@dataclass(frozen=True)
class _LeadIn:
    words: str  # the lead-in words, ancestors' lead-ins composed
    provision: Provision  # the provision whose lead-in it is (the nearest)
    place: Place
    wrap: str  # wrap-up words that continue each item's sentence


class _Walk:
    def __init__(self, terms: dict[str, str | None]):
        self.terms = terms
        self.defining = {eId for eId in terms.values() if eId}
        self.term_pattern = (re.compile(
            rf"^(?P<open>[{_QUOTES}])?(?P<term>{_bare(terms)})[{_QUOTES}]?(?=[\s,.:;]|$)", re.IGNORECASE)
            if terms else None)
        self.quoted_term = (re.compile(rf"(?:(?<=\s)|(?<=^)|(?<=[:-]))[{_QUOTES}](?:{_bare(terms)})[{_QUOTES}]",
                                       re.IGNORECASE) if terms else None)
        self.found: list[Norm] = []
        self.seen: set[tuple[str | None, str]] = set()
        self.memo: dict = {}  # sentences read before in this document (see read_clause)

    def visit(self, provision: Provision, ancestors: Place, lead: _LeadIn | None, *, quoted: bool) -> None:
        if provision.quoted:  # a quoted structure is read on its own, cited by its own numbers
            ancestors, lead, quoted = (), None, True
        place = (*ancestors, (provision.element, provision.citation))
        children = provision.children
        ordinary = [child for child in children if not child.quoted]
        if ordinary and provision.text and not quoted_children(provision) and self.definition(
                provision, provision.text) is not None:
            # a definition whose words run on in items ('"System", any software that: (i) …; (ii) …') is one
            definition = self.definition(provision, " ".join(p.text for p in provision.walk() if p.text))
            self.found.append(replace(definition, quoted=quoted))
            return
        if not ordinary:
            self.read_text(provision, provision.text, place, lead, quoted=quoted)
            for child in children:
                self.visit(child, place, None, quoted=quoted)
            return
        own = provision.intro or (provision.text if not provision.wrap_up else
                                  provision.text.replace(provision.wrap_up, "").strip())
        sentences = split_sentences(own)
        wrap, wrap_alone = provision.wrap_up, ""
        if wrap and not _continues(wrap):
            wrap, wrap_alone = "", wrap
        child_lead = None
        if sentences and _is_lead_in(sentences[-1]):
            words = sentences.pop()
            if lead is not None and not sentences:
                words = _compose(lead.words, words)
                wrap = " ".join(part for part in (wrap, lead.wrap) if part)
            child_lead = _LeadIn(words, provision, place, wrap)
        if sentences:
            self.read_text(provision, " ".join(sentences), place, lead, quoted=quoted)
        for child in children:
            self.visit(child, place, None if child.quoted else child_lead, quoted=quoted)
        if wrap_alone:
            self.read_text(provision, wrap_alone, place, None, quoted=quoted)

    def read_text(self, provision: Provision, text: str, place: Place, lead: _LeadIn | None, *, quoted: bool) -> None:
        """Read a provision's own words: a definition, or sentences (the first one completing a lead-in)."""
        text = " ".join(text.split())
        if not text:
            return
        parts = self.definitions_within(provision, text)
        if len(parts) > 1:
            for words, defines in parts:
                if defines:
                    self.read_text(provision, words, place, None, quoted=quoted)
                else:
                    self.read_sentences(provision, words, place, lead, quoted=quoted)
            return
        definition = self.definition(provision, text)
        if definition is not None:
            self.found.append(replace(definition, quoted=quoted))
            return
        self.read_sentences(provision, text, place, lead, quoted=quoted)

    def read_sentences(self, provision: Provision, text: str, place: Place, lead: _LeadIn | None, *,
                       quoted: bool) -> None:
        sentences = split_sentences(text)
        previous: Norm | None = None
        for index, sentence in enumerate(sentences):
            if index == 0 and lead is not None:
                composed = _compose(lead.words, _item(sentence))
                if lead.wrap:
                    composed = f"{composed.rstrip(' ,;')} {lead.wrap}"
                lead_length = len(lead.words) if not _PLACEHOLDER.search(lead.words) else 0
                where = {"eId": provision.eId, "citation": provision.citation, "lead_in": lead.provision.eId,
                         "quoted": quoted}
                for (_, end), norm in read_clause(composed, place=place, with_offsets=True, memo=self.memo, **where):
                    if end <= lead_length:  # a clause of the lead-in alone: read once, as the lead-in's
                        key = (lead.provision.eId, norm.text)
                        if key in self.seen:
                            continue
                        self.seen.add(key)
                        self.found.append(replace(norm, eId=lead.provision.eId, citation=lead.provision.citation,
                                                  lead_in=None))
                        continue
                    self.found.append(norm)
                continue
            where = {"eId": provision.eId, "citation": provision.citation, "quoted": quoted}
            for norm in read_clause(sentence, place=place, memo=self.memo, **where):
                if previous is not None and " such " in f" {norm.bearer} " and not any(
                        q.kind == CLASS for q in norm.qualifiers):
                    # "Any such person may bring a civil action": the class the sentence before named
                    inherited = tuple(q for q in previous.qualifiers if q.kind == CLASS)
                    norm = replace(norm, qualifiers=norm.qualifiers + inherited)
                self.found.append(norm)
                previous = norm

    def definition(self, provision: Provision, text: str) -> Norm | None:
        """Read words that define a term (a term the importer marked, or '"X" means ...') as one definition."""
        match = self.term_pattern.match(text) if self.term_pattern is not None else None
        if match is not None and (provision.eId in self.defining or match["open"]):
            term, construction = match["term"], "quoted-definition" if match["open"] else "marked-definition"
            rest = text[match.end():]
        else:
            quoted = _QUOTED_TERM.match(text)
            if quoted is None:
                return None
            term, construction, rest = quoted["term"], "quoted-definition", text[quoted.end():]
        rest = _DEFINING_START.sub("", rest)
        low = text.lower()
        exceptions = []
        for found in _DEFINITION_EXCLUSION.finditer(low):
            end = _SPAN_END.search(low, found.end())
            words = text[found.start():end.start() if end else len(text)].strip(" ,;.")
            exceptions.append(ExceptionClause(found.group(0), words, references(words)))
        return Norm(kind=DEFINITION, bearer=" ".join(term.lower().split()), modal="", actions=(), verbs=(),
                    object=" ".join(rest.split()).rstrip(" .;").lower(), negated=False,
                    construction=construction, exceptions=tuple(exceptions), eId=provision.eId,
                    citation=provision.citation, text=text)

    def definitions_within(self, provision: Provision, text: str) -> list[tuple[str, bool]]:
        """Split a defining provision's words where each quoted term starts ("As used in this section …:-
        "Agency", any …"): (words, defines) pairs; a provision that defines nothing is one part."""
        if provision.eId not in self.defining or self.quoted_term is None:
            return [(text, False)]
        starts = [m.start() for m in self.quoted_term.finditer(text)]
        if not starts:
            return [(text, False)]
        parts = [(text[:starts[0]], False)] if starts[0] > 0 else []
        for index, start in enumerate(starts):
            stop = starts[index + 1] if index + 1 < len(starts) else len(text)
            parts.append((text[start:stop], True))
        return [(words.strip(), defines) for words, defines in parts if words.strip()]


def quoted_children(provision: Provision) -> bool:
    """Tell whether a provision holds a quoted structure (an amending bill's inserted text)."""
    return any(child.quoted for child in provision.children)


def _continues(wrap: str) -> bool:
    """Tell whether a wrap-up continues each item's sentence ("…, except as provided in section 4")."""
    stripped = wrap.lstrip(" ,")
    return bool(stripped) and (stripped[0].islower() or bool(_MARKER.match(stripped.lower())))


def _is_lead_in(sentence: str) -> bool:
    """Tell whether a provision's last sentence leads into its items ("No agency shall:")."""
    stripped = sentence.rstrip()
    return bool(_LEAD_IN_END.search(stripped)) or stripped[-1:] not in (".", "!", "?", ";", '"', "”")


def _item(text: str) -> str:
    """An item's words without the joining punctuation of a list ("…; or", "…; and", "…,")."""
    return _ITEM_END.sub("", text.rstrip()).rstrip()


def _compose(lead: str, item: str) -> str:
    """Complete a lead-in with an item: "No agency shall:" + "acquire …"; a lead-in that stands for its items
    ("shall take any of the following actions unless …:") takes the item in their place."""
    placeholder = _PLACEHOLDER.search(lead)
    if placeholder is not None:
        rest = lead[placeholder.end():].rstrip(" :-—")
        return f"{lead[:placeholder.start()]}{item}{rest}"
    return f"{lead.rstrip()} {item}"


def split_sentences(text: str) -> list[str]:
    """Split text into sentences at a full stop (not an abbreviation's) before a capital, a figure or a bracket."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = _LAST_WORD.search(text, start, match.start() + 1)
        if before is not None and before.group(1).lower() in _ABBREVIATIONS:
            continue
        if before is not None and len(before.group(1)) == 1 and before.group(1).isupper():
            continue  # an initial ("J. Smith")
        sentences.append(text[start:match.start()].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


def _clause_spans(sentence: str) -> list[tuple[int, int]]:
    """Where a sentence splits into clauses: a new subject with a modal, or a second modal of the same subject."""
    low = sentence.lower()
    if len(_MODAL_ANCHOR.findall(low)) < 2:  # every split leaves a modal on its right and an anchor on its left
        return [(0, len(sentence))]
    new_subjects = {m.start() for m in _NEW_SUBJECT.finditer(low)}
    cuts = sorted(new_subjects | {m.start() for m in _SHARED_SUBJECT.finditer(low)})
    spans, start = [], 0
    for cut in cuts:
        if _PROVISO_BEFORE.search(low, max(0, cut - 40), cut) or _inside_proviso(low, start, cut):
            continue
        # a second modal shares the subject of a clause that has one ("…; and shall …"), not of a declaration
        before = _MODAL_ANCHOR.search(low, start, cut) if cut not in new_subjects else _ANCHOR.search(low, start, cut)
        if cut > start and before:
            spans.append((start, cut))
            start = cut
    spans.append((start, len(sentence)))
    if len(spans) > 1 and low.startswith(_SHOULD + " ") and _LEADING.match(low):
        # "Should a court hold …, every other provision shall …": an inverted condition, not a clause of its own
        spans[:2] = [(spans[0][0], spans[1][1])]
    return spans


def _inside_proviso(low: str, start: int, cut: int) -> bool:
    """Tell whether a place in a sentence stands inside a proviso opened since the clause started."""
    return bool(re.search(r"\bprovided(?:,? however)?,? that\b", low[start:cut]))


# -- reading a clause ------------------------------------------------------------------------------------------------


def read_clause(text: str, *, place: Place = (), with_offsets: bool = False, memo: dict | None = None, **where):
    """Read one sentence as norms (one per clause). `where` gives the provision's eId, citation, lead_in and quoted
    (empty for a sentence read alone); `place` its chain of provisions, to resolve references.

    With `with_offsets`, return ((start, end) of the clause in the sentence, norm) pairs. `memo` (a dict kept for one
    document) reads words met before at once: the same words read the same, except the provisions they name
    relative to their place ("subsection (a)"), which are part of the key where they occur."""
    text = " ".join(text.split())
    key = (text, place if depends_on_place(text.lower()) else None)
    found = memo.get(key) if memo is not None else None
    if found is not None:  # read before, elsewhere: the same reading at this provision
        if where:
            found = [(span, Norm(**{**vars(norm), **where})) for span, norm in found]
    else:
        found = []
        bearer: _Bearer | None = None
        for start, end in _clause_spans(text):
            words = text[start:end]
            lead = _CLAUSE_JOIN.match(words)
            clause = words[lead.end():].strip()
            if not clause:
                continue
            norm, bearer = _Clause(clause, place, bearer, memo, where).read()
            if norm.construction == "amending-instruction":
                # the rest of the sentence is the instruction: its quoted words ("the word “may”") are not clauses
                found.append(((start, len(text)), replace(norm, object=_instruction_rest(text[start:], norm))))
                break
            found.append(((start, end), norm))
        if memo is not None:
            memo[key] = found
    return found if with_offsets else [norm for _, norm in found]


def _instruction_rest(words: str, norm: Norm) -> str:
    """The whole of an amending instruction after its anchor ("is hereby amended"), lower case."""
    at = words.lower().find(norm.modal.lower()) if norm.modal else -1
    rest = words[at + len(norm.modal):] if at >= 0 else words
    return " ".join(rest.split()).strip(" .;:-").lower()


@dataclass(frozen=True)
class _Bearer:
    words: str
    negative: str  # "no", "neither", "nothing" or ""
    conditions: tuple[str, ...]


@dataclass
class _Run:
    verbs: list[str]
    actions: list[str]
    end: int
    passive: bool = False


class _Clause:
    """One clause being read; `read()` returns its Norm and its bearer (for a clause that shares it)."""

    def __init__(self, text: str, place: Place, inherited: _Bearer | None, memo: dict | None = None,
                 where: dict | None = None):
        self.text = text.rstrip(" .;,")
        self.low = self.text.lower()
        self.place = place
        self.inherited = inherited
        self.where = where or {}
        self.lead_end = 0  # where a leading adverbial clause ends (the body starts after it)
        self.lead_words = ""
        self.words = tokens(self.low)
        self.located = locate_times(self.text, memo, self.words)
        self.times = tuple(time for _, _, time in self.located)

    # -- structure

    def read(self) -> tuple[Norm, _Bearer | None]:
        anchor = self._anchor()
        if anchor is None:
            return self._norm(NONE, "no-deontic-words", bearer=_Bearer("", "", ()), modal="", run=_Run([], [], 0),
                              rest="", negated=False, obj=self.low), None
        if not _DEFINITION_LEAD_IN_GATE.isdisjoint(self.words) and _DEFINITION_LEAD_IN.search(self.low):
            return self._norm(NONE, "definitions-lead-in", bearer=_Bearer("", "", ()), modal="", run=_Run([], [], 0),
                              rest="", negated=False, obj=self.low), None
        return getattr(self, f"_{anchor.lastgroup if anchor.lastgroup != 'denied_verb' else 'denied'}")(anchor)

    def _anchors(self, start: int = 0):
        """Yield the anchors of the clause from `start` on ("need" counts only as "need not")."""
        low = self.low
        while True:
            anchor = _ANCHOR.search(low, start)
            if anchor is None:
                return
            if not (anchor["modal"] and anchor["modal"] == _NEED):
                yield anchor
            start = anchor.end()

    def _anchor(self) -> re.Match | None:
        """The anchor that decides the construction: the first one, or the first after a leading adverbial."""
        first = next(self._anchors(), None)
        if first is None or not _LEADING.match(self.low):
            return first
        for anchor in self._anchors(first.start()):
            cut = self._leading_cut(anchor.start())
            if cut is not None:
                self.lead_end = cut
                self.lead_words = self.text[:cut].rstrip(" ,")
                return next(self._anchors(cut))
        return first

    def _leading_cut(self, before: int) -> int | None:
        """The end of a leading adverbial clause before an anchor: the last comma whose words start a subject."""
        low = self.low
        position = low.rfind(", ", 0, before)
        while position > 0:
            after = position + 2
            if after <= before and not _CONTINUATION.match(low, after):
                return after
            position = low.rfind(", ", 0, position)
        return None

    def _bearer(self, words: str) -> _Bearer:
        words = _TRAILING_JOIN.sub("", words.strip(" ,:;"))
        words = re.sub(r"^(?:and|or|but)\s+", "", words)
        if not words and self.inherited is not None:
            return self.inherited
        conditions: list[str] = []
        relative = _RELATIVE.search(words)
        if relative is not None and relative.start() > 0:
            clause = words[relative.start():].strip(" ,")
            words = words[:relative.start()].rstrip(" ,")
            conditions.extend(part.strip(" ,") for part in re.split(r",\s*(?:and|or)\s+(?=that|who|which)", clause)
                              if part.strip(" ,"))
        first = words.split(" ", 1)[0] if words else ""
        negative = first if first in (*v.NEGATIVE_DETERMINERS, *v.NEGATIVE_PAIR_OPENERS, *v.NOTHING_SUBJECTS) else ""
        return _Bearer(words, negative, tuple(conditions))

    # -- verbs and objects

    def _run(self, rest: str) -> _Run:
        """Read the verbs at the start of `rest` (lower case): a run of them joined by commas, "and", "or"."""
        run = _Run([], [], 0)
        position = _SPACE.match(rest).end()
        # "may, after giving written notice, bring an action": an adverbial set off by commas between the modal and
        # its verb is passed over (it is read as a condition over the whole clause)
        aside = _ASIDE.match(rest)
        if aside is not None and _FORMS.match(rest, aside.end()):
            position = aside.end()
        # "… to do any of the following: (1) to purchase, obtain …": an item may repeat the infinitive's "to"
        infinitive = _INFINITIVE.match(rest, position)
        if infinitive is not None and _FORMS.match(rest, infinitive.end()):
            position = infinitive.end()
        be = _BE.match(rest, position)
        if be is not None:
            after = self._skip_adverbs(rest, be.end())
            word = _WORD.match(rest, after)
            if word is not None and (_FORMS.match(rest, after) or _PARTICIPLE.fullmatch(word.group(0))):
                run.passive, position = True, after
            else:
                run.verbs.append("be")
                run.end = be.end()
                return run
        first = True
        while True:
            position = self._skip_adverbs(rest, position)
            form = _FORMS.match(rest, position)
            word = _WORD.match(rest, position)
            if form is not None and (word is None or form.end() >= word.end()):
                verb, end = form.group(0), form.end()
                acts = self._acts(verb, rest, end)
            elif word is not None and word.group(0) not in _OPENERS and word.group(0) not in _MODAL_SET:
                verb, end, acts = word.group(0), word.end(), ()
                if not first and not (_SEPARATOR.match(rest, end) or _opens_object(rest, end)):
                    break
            else:
                break
            run.verbs.append(verb)
            run.actions.extend(act for act in acts if act not in run.actions)
            run.end = end
            first = False
            separator = _SEPARATOR.match(rest, end)
            if separator is None:
                break
            following = self._skip_adverbs(rest, separator.end())
            next_word = _WORD.match(rest, following)
            if next_word is None or next_word.group(0) in _OPENERS or (_FORMS.match(rest, following) is None and not (
                    _SEPARATOR.match(rest, next_word.end()) or _opens_object(rest, next_word.end()))):
                break
            position = following
        return run

    @staticmethod
    def _skip_adverbs(rest: str, position: int) -> int:
        while True:
            position = _SPACE.match(rest, position).end()
            word = _WORD.match(rest, position)
            if word is None:
                return position
            token = word.group(0)
            if token in _ADVERBS or (token.endswith("ly") and len(token) > 4 and token not in _LY_VERBS
                                     and token not in _FORM_ACTS):
                position = word.end()
                continue
            return position

    def _acts(self, form: str, rest: str, end: int) -> tuple[str, ...]:
        exclusion = _EXCLUSIONS.get(form)
        if exclusion is not None and exclusion.search(rest[end:end + 40]):
            return ()
        return tuple(act for act in _FORM_ACTS.get(form, ()) if act not in _CONTEXTS or _CONTEXTS[act].search(self.low))

    def _object(self, rest: str, start: int, run: _Run) -> str:
        """The object after the verbs, to the first condition, exception, time or clause end; verbs joined after a
        comma with their own objects ("…, and file it with the commission") add their acts."""
        # (a clause with no marker word ends its object at a semicolon or ", where")
        end = _OBJECT_END.search(rest, start) if not _MARKER_GATE.isdisjoint(self.words) else _CLAUSE_END.search(
            rest, start)
        start = _SPACE.match(rest, start).end()
        stop = end.start() if end else len(rest)
        offset = len(self.low) - len(rest)  # every rest is the tail of the clause
        for time_start, _, _ in self.located:
            if offset + start <= time_start < offset + stop:
                stop = time_start - offset
        words = rest[start:stop]
        pattern = _COORDINATED_PASSIVE if run.passive else _COORDINATED
        coordinated = pattern.search(words)
        if coordinated is not None:
            for extra in pattern.finditer(words):
                form = extra["form"]
                run.verbs.append(form)
                run.actions.extend(act for act in self._acts(form, words, extra.end()) if act not in run.actions)
            words = words[:coordinated.start()]
        return _TRAILING_JOIN.sub("", " ".join(words.split()).strip(" ,:;"))

    def _nominal_acts(self, words: str, *, head: int = 60, gerunds: bool = True) -> list[str]:
        """The acts a phrase names as nouns (or gerunds) near its head: what an exception allows ("the use by …",
        "from using …"), what a penalty imposes ("retraining, suspension or termination": read whole)."""
        acts: list[str] = []
        words = words[:head] if head else words
        for found in _NOUNS.finditer(words):
            acts.extend(act for act in _NOUN_ACTS[found.group(0)] if act not in acts)
        if gerunds:
            for found in _FORMS.finditer(words):
                if found.group(0).split()[0].endswith("ing"):
                    acts.extend(act for act in self._acts(found.group(0), words, found.end()) if act not in acts)
        return acts

    # -- the parts every reading has

    def _norm(self, kind: str, construction: str, *, bearer: _Bearer, modal: str, run: _Run, rest: str,
              negated: bool, obj: str | None = None, actions: list[str] | None = None,
              time_kind: str | None = None) -> Norm:
        conditions = [*bearer.conditions]
        exceptions: list[ExceptionClause] = []
        qualifiers: list[Qualifier] = []
        self._markers(conditions, exceptions, qualifiers)
        self._qualifiers(qualifiers, modal, kind)
        times = self.times
        time: Time | None = None
        if times:
            time = next((t for t in times if t.kind == time_kind), times[0]) if time_kind else times[0]
        return Norm(
            kind=kind, bearer=bearer.words, modal=modal, actions=tuple(actions if actions is not None else run.actions),
            verbs=tuple(run.verbs), object=obj if obj is not None else "", negated=negated,
            construction=construction, conditions=tuple(dict.fromkeys(c for c in conditions if c)),
            exceptions=tuple(exceptions), qualifiers=tuple(dict.fromkeys(qualifiers)), time=time,
            passive=run.passive, references=references(self.text, self.place, self.words), text=self.text,
            **self.where,
        )

    def _markers(self, conditions: list[str], exceptions: list[ExceptionClause], qualifiers: list[Qualifier]) -> None:
        low, text = self.low, self.text
        if _MARKER_GATE.isdisjoint(self.words):
            return
        for marker in _MARKER.finditer(low):
            start = marker.start()
            if marker["condition"]:
                word = marker["condition"]
                if word == "where" and not (start == 0 or low[:start].rstrip().endswith(",")):
                    continue
                if word == "subject to" and (low[:start].endswith("be ") or _PENALTY.match(low, start)):
                    continue
            limit = self.lead_end if start < self.lead_end else len(low)
            end = _SPAN_END.search(low, marker.end(), limit) if limit > marker.end() else None
            words = text[start:end.start() if end else limit].strip(" ,;:")
            if marker["exception"]:
                exceptions.append(ExceptionClause(marker["exception"], words, references(words, self.place)))
            elif marker["condition"]:
                conditions.append(words)
            else:
                qualifiers.append(Qualifier(OVERRIDE, words.lower()))

    def _qualifiers(self, qualifiers: list[Qualifier], modal: str, kind: str) -> None:
        low = self.low
        for found in (() if _QUALIFIER_GATE.isdisjoint(self.words) else _QUALIFIER.finditer(low)):
            words = found.group(0)
            if found["limiting"] == "only" and (low.startswith(" if", found.end())
                                                or low[:found.start()].endswith(("and ", "and, "))):
                continue  # "if, and only if": a condition
            qualifiers.append(Qualifier(_QUALIFIER_KINDS[found.lastgroup], words))
        if modal.split(" ")[-1] == _MAY and kind not in (PROHIBITION, NONE, DEFINITION):
            qualifiers.insert(0, Qualifier(DISCRETION, _MAY))

    # -- the constructions, one method per anchor

    def _body_before(self, anchor: re.Match) -> str:
        return self.low[self.lead_end:anchor.start()]

    def _modal(self, anchor: re.Match) -> tuple[Norm, _Bearer]:
        low = self.low
        modal_words = anchor["modal"]
        modal, *negator = modal_words.split()
        bearer = self._bearer(self._body_before(anchor))
        negated_modal = bool(negator)
        negative_subject = bearer.negative
        negated = negated_modal or bool(negative_subject)
        shown = self._shown_modal(modal_words, bearer)
        rest = low[anchor.end():]
        # ", at a minimum:", ", to the extent practicable,": a parenthesis between the modal and its verb
        parenthesis = re.match(r"\s*,[^,:;]{1,80}[,:]", rest)
        if parenthesis is not None:
            rest = rest[parenthesis.end():]
        rest = rest.lstrip(" :")

        def norm(kind: str, construction: str, run: _Run, *, negated: bool = negated, obj: str | None = None,
                 actions: list[str] | None = None, time_kind: str | None = None) -> tuple[Norm, _Bearer]:
            if obj is None:
                obj = self._object(rest, run.end, run)
            return self._norm(kind, construction, bearer=bearer, modal=shown, run=run, rest=rest, negated=negated,
                              obj=obj, actions=actions, time_kind=time_kind), bearer

        phrase = f"{modal} {rest}"
        if _SHORT_TITLE.match(phrase):
            return norm(NONE, "short-title", _Run([], [], 0), negated=False, obj=rest.split(" as ", 1)[-1].strip())
        endeavour = _ENDEAVOUR.match(rest)
        if endeavour is not None and not negated:
            run = self._run(rest[endeavour.end():])
            run.end += endeavour.end()
            return norm(RECOMMENDATION, "shall-endeavor", run)
        commencement = _COMMENCEMENT.match(rest)
        if commencement is not None:
            run = _Run([commencement.group(0)], [], commencement.end())
            return norm(NONE, "commencement", run, negated=False, obj=rest[commencement.end():].strip())
        lifting = _LIFTING.match(rest)
        if lifting is not None:
            run = _Run([lifting.group(0)], [], lifting.end())
            if any(t.kind == SUNSET_TIME for t in self.times) or _ENDING.match(lifting.group(0)):
                return norm(SUNSET, "x-remains-in-force-until" if "expire" not in lifting.group(0) else
                            "x-expires", run, negated=False, obj=self._subject_words(bearer), time_kind=SUNSET_TIME)
            return norm(NONE, "continuation", run, negated=False, obj="")
        harbour = _SAFE_HARBOUR.match(rest) if negated else None
        if harbour is not None:
            run = _Run([harbour.group(0)], [], harbour.end())
            return norm(SAFE_HARBOUR, "x-shall-not-be-in-violation", run, negated=True,
                        actions=self._harbour_acts(bearer, rest[harbour.end():]))
        if _BE.match(rest):
            after = rest[3:]
            construing = _CONSTRUING.match(rest)
            if construing is not None:
                return self._construed(rest, construing.end(), bearer, shown, negated)
            if _is_penalty(after) and not negated:
                run = _Run(["be"], [], 3)
                obj = self._object(rest, 3, run)
                return norm(PENALTY, "x-be-subject-to-penalty", run, obj=obj,
                            actions=self._nominal_acts(after, head=0, gerunds=False))
            if _NULLITY.match(after) and not negated:
                return norm(PENALTY, "nullity", _Run(["be"], [], 3))
        run = self._run(rest)
        first = run.verbs[0] if run.verbs else ""
        if negative_subject in v.NOTHING_SUBJECTS:
            if first in _RULE_LIMITING:
                obj = self._object(rest, run.end, run)
                return norm(EXCEPTION, "nothing-shall-prohibit", run, negated=True, obj=obj,
                            actions=self._nominal_acts(obj))
            if _SAVING.match(first):
                return norm(NONE, "savings-clause", run, negated=True)
            return norm(NONE, "rule-of-construction", run, negated=True)
        if negated:
            if modal == _SHOULD:
                construction = "no-x-should" if negative_subject and not negated_modal else "x-should-not"
                return norm(RECOMMENDATION, construction, run)
            if modal == _NEED:
                return norm(PERMISSION, "x-need-not", run)
            if first in _RULE_LIMITING:
                obj = self._object(rest, run.end, run)
                return norm(EXCEPTION, "x-shall-not-prohibit", run, obj=obj, actions=self._nominal_acts(obj))
            if first == "apply":
                return norm(EXCEPTION, "x-does-not-apply", run)
            if "sue" in run.actions:
                return norm(RIGHT_OF_ACTION, "no-right-of-action", run)
            return norm(PROHIBITION, self._prohibition_name(bearer, modal_words), run, negated=True)
        if modal == _SHOULD:
            return norm(RECOMMENDATION, "x-should", run)
        if modal == _MAY:
            if "sue" in run.actions:
                return norm(*self._suit(bearer), run)
            if run.verbs[:1] == ["be"] and _is_penalty(rest[3:]):
                return norm(PENALTY, "x-be-subject-to-penalty", run,
                            actions=self._nominal_acts(rest, head=0, gerunds=False))
            return norm(PERMISSION, "x-may", run)
        obj = self._object(rest, run.end, run)
        if _reports(run, obj):
            return norm(REPORTING_DUTY, "x-shall-report", run, obj=obj)
        return norm(OBLIGATION, f"x-{modal}", run, obj=obj)

    @staticmethod
    def _shown_modal(modal_words: str, bearer: _Bearer) -> str:
        if bearer.negative in v.NEGATIVE_PAIR_OPENERS:
            return f"neither … nor … {modal_words}"
        if bearer.negative:
            return f"{bearer.negative} … {modal_words}"
        return modal_words

    @staticmethod
    def _prohibition_name(bearer: _Bearer, modal_words: str) -> str:
        modal, *negator = modal_words.split()
        if bearer.negative in v.NEGATIVE_PAIR_OPENERS:
            return f"neither-x-nor-y-{modal}"
        if bearer.negative and not negator:
            return f"no-x-{modal}"
        return f"x-{modal}-not" if negator[:1] != ["never"] else f"x-{modal}-never"

    @staticmethod
    def _subject_words(bearer: _Bearer) -> str:
        return bearer.words

    def _suit(self, bearer: _Bearer) -> tuple[str, str]:
        """A suit an official or a public body brings is public enforcement; anyone else's is a right of action."""
        if _OFFICIAL.search(bearer.words) and not re.search(r"\b(?:person|individual|resident|employee|applicant|"
                                                           r"plaintiff|aggrieved)\b", bearer.words):
            return PERMISSION, "enforcement-by-official"
        return RIGHT_OF_ACTION, "x-may-sue"

    def _harbour_acts(self, bearer: _Bearer, rest: str) -> list[str]:
        """The acts a safe harbour covers: those of its subject's relative clauses and its own words, not the acts
        it denies ("that did not request … and that inadvertently receives …" covers receiving)."""
        acts: list[str] = []
        marker = _MARKER.search(rest)
        for words in (*bearer.conditions, rest[:marker.start()] if marker else rest):
            kept = re.sub(r"\b(?:did|does|do|has|have) not \w+(?:(?:,| or| and)\s+\w+)*", " ", words)
            for found in _FORMS.finditer(kept):
                acts.extend(act for act in self._acts(found.group(0), kept, found.end()) if act not in acts)
        return acts

    def _construed(self, rest: str, start: int, bearer: _Bearer, shown: str, negated: bool
                   ) -> tuple[Norm, _Bearer]:
        run = self._run(rest[start:])
        run.end += start
        first = run.verbs[0] if run.verbs else ""
        obj = self._object(rest, run.end, run)
        if bearer.negative in v.NOTHING_SUBJECTS and first in _RULE_LIMITING:
            kind, construction, actions = EXCEPTION, "nothing-shall-prohibit", self._nominal_acts(obj)
        elif _RIGHT.search(rest) and bearer.negative:
            kind, construction, actions = RIGHT_OF_ACTION, "no-right-of-action", ["sue"]
        elif _SAVING.match(first):
            kind, construction, actions = NONE, "savings-clause", None
        else:
            kind, construction, actions = NONE, "rule-of-construction", None
        return self._norm(kind, construction, bearer=bearer, modal=shown, run=run, rest=rest, negated=negated,
                          obj=obj, actions=actions), bearer

    def _unlawful(self, anchor: re.Match) -> tuple[Norm, _Bearer]:
        after = self.low[anchor.end():]
        to = re.search(r"\bto\b", after)
        actor, rest = (after[:to.start()], after[to.end():]) if to else (after, "")
        bearer = self._bearer(actor)
        rest = rest.lstrip(" :")
        run = self._run(rest)
        return self._norm(PROHIBITION, "it-is-unlawful-for-x", bearer=bearer, modal=anchor.group(0), run=run,
                          rest=rest, negated=True, obj=self._object(rest, run.end, run)), bearer

    def _prohibited(self, anchor: re.Match) -> tuple[Norm, _Bearer]:
        return self._declared(anchor, PROHIBITION, "x-is-prohibited-from", negated=True)

    def _required(self, anchor: re.Match) -> tuple[Norm, _Bearer]:
        return self._declared(anchor, OBLIGATION, "x-is-required-to", negated=False)

    def _encouraged(self, anchor: re.Match) -> tuple[Norm, _Bearer]:
        return self._declared(anchor, RECOMMENDATION, "x-is-encouraged-to", negated=False)

    def _discouraged(self, anchor: re.Match) -> tuple[Norm, _Bearer]:
        return self._declared(anchor, RECOMMENDATION, "x-is-discouraged-from", negated=True)

    def _empowered(self, anchor: re.Match) -> tuple[Norm, _Bearer]:
        bearer = self._bearer(self._body_before(anchor))
        rest = self.low[anchor.end():]
        run = self._run(rest)
        if "sue" in run.actions:
            kind, construction = self._suit(bearer)
            construction = "x-is-entitled-to-sue" if kind == RIGHT_OF_ACTION else construction
        else:
            kind, construction = PERMISSION, "x-is-authorized-to"
        return self._norm(kind, construction, bearer=bearer, modal=anchor.group(0), run=run, rest=rest,
                          negated=False, obj=self._object(rest, run.end, run)), bearer

    def _declared(self, anchor: re.Match, kind: str, construction: str, *, negated: bool) -> tuple[Norm, _Bearer]:
        bearer = self._bearer(self._body_before(anchor))
        rest = self.low[anchor.end():].lstrip(" :")
        run = self._run(rest)
        if kind == OBLIGATION and _reports(run, self._object(rest, run.end, _Run([], [], 0))):
            kind, construction = REPORTING_DUTY, "x-shall-report"
        return self._norm(kind, construction, bearer=bearer, modal=anchor.group(0), run=run, rest=rest,
                          negated=negated, obj=self._object(rest, run.end, run)), bearer

    def _policy(self, anchor: re.Match) -> tuple[Norm, _Bearer]:
        rest = self.low[anchor.end():].strip()
        # "that no public body use …", "that public bodies not acquire …": the subject runs to "not" or a verb
        split = re.search(rf"\s(?:not\s|(?=(?:{_bare(_FORM_ACTS)})\b))", rest)
        subject, verbs = (rest[:split.start()], rest[split.end():]) if split else (rest, "")
        bearer = self._bearer(subject)
        negated = bool(bearer.negative) or bool(split and split.group(0).strip() == "not")
        run = self._run(verbs)
        return self._norm(RECOMMENDATION, "policy-that-x-not" if negated else "policy-that-x", bearer=bearer,
                          modal=re.sub(r"\s+that$", "", anchor.group(0)) + " that", run=run, rest=verbs,
                          negated=negated, obj=self._object(verbs, run.end, run)), bearer

    def _request(self, anchor: re.Match) -> tuple[Norm, _Bearer]:
        rest = self.low[anchor.end():].strip()
        # the last "(not) to" followed by a verb opens the acts; what stands before it (after "to direct" …) is whom
        # they bind: "the city manager to direct every city department not to acquire …"
        splits = list(_REQUESTED_ACTS.finditer(rest))
        if not splits:
            return self._policy_like(anchor, rest, rest, "", negated=False)
        # "… not to ask any vendor … to use …": the first denied act is the one asked for, else the last act
        last = next((split for split in splits if split["not"]), splits[-1])
        subject = _DIRECTING_OPENER.sub("", rest[:last.start()].strip())
        return self._policy_like(anchor, subject, rest[last.end():], last.group(0), negated=bool(last["not"]))

    def _policy_like(self, anchor: re.Match, subject: str, verbs: str, joint: str, *, negated: bool
                     ) -> tuple[Norm, _Bearer]:
        bearer = self._bearer(subject)
        run = self._run(verbs)
        return self._norm(RECOMMENDATION, "request-that-x-not" if negated else "request-that-x", bearer=bearer,
                          modal=f"{anchor.group(0)} … {joint.strip()}".strip(), run=run, rest=verbs,
                          negated=negated, obj=self._object(verbs, run.end, run)), bearer

    def _exempt(self, anchor: re.Match) -> tuple[Norm, _Bearer]:
        bearer = self._bearer(self._body_before(anchor))
        rest = self.low[anchor.end():]
        negated = " not " in f" {anchor.group(0)} "
        return self._norm(SAFE_HARBOUR, "x-is-exempt", bearer=bearer, modal=anchor.group(0),
                          run=_Run([anchor.group(0)], [], 0), rest=rest, negated=negated,
                          obj=self._object(rest, 0, _Run([], [], 0)),
                          actions=self._harbour_acts(bearer, rest)), bearer

    def _denied(self, anchor: re.Match) -> tuple[Norm, _Bearer]:
        bearer = self._bearer(self._body_before(anchor))
        verb = anchor["denied_verb"]
        rest = self.low[anchor.end():]
        run = _Run([verb], [], 0)
        obj = self._object(rest, 0, _Run([], [], 0))
        modal = anchor.group(0)
        if verb == "apply":
            kind, construction, actions = EXCEPTION, "x-does-not-apply", []
        elif verb in ("violate", "constitute a violation of"):
            kind, construction, actions = SAFE_HARBOUR, "x-does-not-violate", self._harbour_acts(bearer, rest)
        elif verb in _RULE_LIMITING:
            kind, construction, actions = EXCEPTION, "x-does-not-prohibit", self._nominal_acts(obj)
        elif _RIGHT.search(rest):
            kind, construction, actions = RIGHT_OF_ACTION, "no-right-of-action", ["sue"]
            bearer = replace(bearer, words=self._recipient(rest))
        else:
            kind, construction, actions = NONE, "rule-of-construction", []
        return self._norm(kind, construction, bearer=bearer, modal=modal, run=run, rest=rest, negated=True, obj=obj,
                          actions=actions), bearer

    @staticmethod
    def _recipient(rest: str) -> str:
        """The person a right is given to: the words between the verb and the right ("gives any person a right")."""
        right = _RIGHT.search(rest)
        return rest[:right.start()].strip(" ,") if right else ""

    def _confers(self, anchor: re.Match) -> tuple[Norm, _Bearer]:
        subject = self._bearer(self._body_before(anchor))
        rest = self.low[anchor.end():]
        bearer = _Bearer(self._recipient(rest), "", subject.conditions)
        negated = bool(subject.negative)
        right = _RIGHT.search(rest)
        run = self._run(rest[right.end():]) if right else _Run([], [], 0)
        obj = rest[right.end():].strip() if right else rest.strip()
        return self._norm(RIGHT_OF_ACTION, "no-right-of-action" if negated else "x-gives-right", bearer=bearer,
                          modal=anchor.group(0), run=run, rest=rest, negated=negated,
                          obj=" ".join(obj.split()).rstrip(" .;"), actions=["sue"] if "sue" in run.actions or
                          re.search(r"\baction\b|\bsuit\b", obj) else run.actions), bearer

    def _establish(self, anchor: re.Match) -> tuple[Norm, _Bearer]:
        rest = self.low[anchor.end():]
        bearer = _Bearer("", "", ())
        return self._norm(NONE, "establishment", bearer=bearer, modal=anchor.group(0), run=_Run([], [], 0), rest=rest,
                          negated=False, obj=self._object(rest, 0, _Run([], [], 0))), bearer

    def _amend(self, anchor: re.Match) -> tuple[Norm, _Bearer]:
        bearer = self._bearer(self._body_before(anchor))
        rest = self.low[anchor.end():]
        repealed = "repeal" in anchor.group(0)
        if repealed and any(t.kind in (SUNSET_TIME, "date") and t.date for t in self.times):
            return self._norm(SUNSET, "x-expires", bearer=bearer, modal=anchor.group(0), run=_Run([], [], 0),
                              rest=rest, negated=False, obj=bearer.words), bearer
        return self._norm(NONE, "amending-instruction", bearer=bearer, modal=anchor.group(0), run=_Run([], [], 0),
                          rest=rest, negated=False, obj=" ".join(rest.split()).strip(" :-")), bearer

    def _void(self, anchor: re.Match) -> tuple[Norm, _Bearer]:
        bearer = self._bearer(self._body_before(anchor))
        rest = self.low[anchor.end():]
        return self._norm(PENALTY, "nullity", bearer=bearer, modal=anchor.group(0), run=_Run([], [], 0), rest=rest,
                          negated=False, obj=""), bearer


def _is_penalty(after_be: str) -> bool:
    """Tell whether the words after "shall be" / "may be" impose a penalty ("subject to such disciplinary action")."""
    if _PENALTY.search(after_be[:60]):
        return True
    return after_be.startswith("subject to") and any(
        act in ("discipline", "fine") for found in _NOUNS.finditer(after_be[:80]) for act in _NOUN_ACTS[found.group(0)])


def _reports(run: _Run, obj: str) -> bool:
    """Tell whether a duty is a duty to report: to report or publish, or to make a report ("prepare a report")."""
    if "report" in run.actions or "publish" in run.actions:
        return True
    return bool(run.verbs) and run.verbs[0] in _MAKING and bool(_REPORTING_NOUN.search(" ".join(obj.split()[:6])))


def _opens_object(rest: str, position: int) -> bool:
    """Tell whether the words at `position` open an object ("the report", "to the council")."""
    word = _WORD.match(rest, _SPACE.match(rest, position).end())
    return word is not None and word.group(0) in _OPENERS
