"""What an edit did to the law: the differences between the norms of two versions of a provision, as labels.

PURE. `norm_changes(old_text, new_text, old_terms, new_terms)` reads both texts with the norm reader and compares
the norms clause by clause:

- modal-weakened / modal-strengthened: a binding norm (prohibition, obligation, reporting duty, right of action)
  became hortatory or permissive, or the other way round (the kinds the safeguards engine weighs the same way);
- bearer-narrowed / bearer-widened: the bearer reaches less or more of government (drafting/norms/reach.py, with
  each version's definitions);
- action-removed / action-added: an act class (acquire, possess, use, request …) left or joined the norm;
- deadline-lengthened / deadline-shortened / deadline-removed: a fixed time grew, shrank or became vague or none;
- exception-added / exception-removed: an except / unless / provided-that clause was added or dropped;
- right-of-action-limited: a right to sue became limited to a class of persons or proceedings, or was denied.

A clause of one version is paired with the clause of the other that shares its kind family and most acts; clauses
with no partner add nothing here (the word diff shows them).
"""

from __future__ import annotations

from . import vocabulary as v
from .reach import ORDER, bearer_reach
from .reader import read_clause, split_sentences
from .records import (
    CLASS,
    DEADLINE,
    IMMEDIATE,
    OBLIGATION,
    PERMISSION,
    PROHIBITION,
    RECOMMENDATION,
    REPORTING_DUTY,
    RIGHT_OF_ACTION,
    Norm,
    Time,
)

# the binding and the non-binding kinds a norm of one family may take: a prohibition that became "should not"
# is the same norm weakened
_FAMILY = {PROHIBITION: "negative", RECOMMENDATION: None, OBLIGATION: "positive", REPORTING_DUTY: "positive",
           PERMISSION: "positive", RIGHT_OF_ACTION: "right"}
_BINDING = frozenset({PROHIBITION, OBLIGATION, REPORTING_DUTY})
_NOT_BINDING = frozenset({RECOMMENDATION, PERMISSION})
_DAYS = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30, "year": 365}
_FIXED = frozenset({DEADLINE, IMMEDIATE})

LABELS = ("modal-weakened", "modal-strengthened", "bearer-narrowed", "bearer-widened", "action-removed",
          "action-added", "deadline-lengthened", "deadline-shortened", "deadline-removed", "exception-added",
          "exception-removed", "right-of-action-limited")


# the words a norm is made of: an edit that changes none of them (a name, a description) leaves the norms as they
# were, and the reader need not read either version (a long provision costs it time)
_NORM_WORDS = frozenset(
    word
    for phrases in (v.BINDING_MODALS, v.PERMISSIVE_MODALS, v.RECOMMENDING_MODALS, v.NEGATORS, v.NEGATIVE_DETERMINERS,
                    v.EXCEPTION_MARKERS, v.PROVISO_MARKERS, v.CONDITION_MARKERS, v.TIME_UNITS, v.DEADLINE_WORDS,
                    v.NUMBER_WORDS, v.DUTY_PHRASES, v.ENCOURAGING_PHRASES, v.DISCOURAGING_PHRASES,
                    v.PROHIBITION_DECLARATIONS, v.RIGHT_PHRASES, v.PENALTY_PHRASES, v.POLICY_DECLARATIONS,
                    v.REQUESTING_PHRASES, v.ENDEAVOUR_PHRASES, v.CLASS_QUALIFIERS, v.LIMITING_QUALIFIERS,
                    v.IMMEDIATE_PHRASES, v.VAGUE_TIME_PHRASES,
                    *v.NORM_ACTIONS.values())
    for phrase in phrases for word in phrase.lower().split()
) - {"the", "of", "and", "or", "to", "as", "in", "on", "by", "for", "with", "a", "an", "be", "is", "are", "that",
     "this", "which", "at", "from", "such", "its", "their", "it", "than", "so", "far", "soon", "after", "other"} | {
    "agency", "agencies", "department", "departments", "police", "official", "officials", "employee", "employees",
    "entity", "entities", "person", "persons", "body", "bodies", "city", "town", "county", "state"}


def touches_norms(changed_words: str) -> bool:
    """Whether the words an edit deleted or inserted include any a norm is made of (a modal, a negator, an act, a
    time, an exception or a condition marker, a number, a public body) or a figure."""
    words = changed_words.lower().replace(",", " ").split()
    return any(word.strip(".;:()\"'") in _NORM_WORDS or any(c.isdigit() for c in word) for word in words)


# a sentence longer than this is not a clause a drafter wrote (a run of words, a table flattened): its norms are
# not read for the labels, which keeps a redline's cost bounded by its size
MAX_SENTENCE = 4000


def read_text(text: str) -> list[Norm]:
    """The norms of a provision's text, sentence by sentence (its operative clauses only)."""
    return _read_sentences(split_sentences(text))


def _read_sentences(sentences: list[str]) -> list[Norm]:
    return [norm for sentence in sentences if len(sentence) <= MAX_SENTENCE
            for norm in read_clause(sentence) if norm.kind in _FAMILY]


def _family(norm: Norm) -> str | None:
    family = _FAMILY.get(norm.kind)
    if family is None:  # a recommendation: "should not" is a weak prohibition, "should" a weak duty
        return "negative" if norm.negated or " not" in f" {norm.modal}" or norm.modal.startswith("no ") \
            else "positive"
    return family


def _pairs(old: list[Norm], new: list[Norm]) -> list[tuple[Norm, Norm]]:
    """Pair each old norm with the unpaired new norm of its family that shares most acts (then the nearest)."""
    pairs, free = [], list(new)
    for norm in old:
        same = [candidate for candidate in free if _family(candidate) == _family(norm)]
        if not same:
            continue
        best = max(same, key=lambda c: (len(set(c.actions) & set(norm.actions)), -abs(new.index(c) - old.index(norm))))
        free.remove(best)
        pairs.append((norm, best))
    return pairs


def _days(time: Time | None) -> float | None:
    if time is None or time.kind not in _FIXED:
        return None
    if time.kind == IMMEDIATE:
        return 0.0
    if time.amount is None or time.unit not in _DAYS:
        return None
    days = time.amount * _DAYS[time.unit]
    return days * 7 / 5 if time.business_days else days


def norm_changes(old_text: str, new_text: str, old_terms: dict[str, str] | None = None,
                 new_terms: dict[str, str] | None = None) -> tuple[str, ...]:
    """Label what an edit did to the norms of a provision (see the module's list); () when it changed none."""
    if old_text == new_text:
        return ()
    labels: list[str] = []

    def add(label: str) -> None:
        if label not in labels:
            labels.append(label)

    # only the sentences the edit changed are read: a sentence in both versions has the same norms in both
    old_sentences, new_sentences = split_sentences(old_text), split_sentences(new_text)
    kept = set(old_sentences) & set(new_sentences)
    old_norms = _read_sentences([sentence for sentence in old_sentences if sentence not in kept])
    new_norms = _read_sentences([sentence for sentence in new_sentences if sentence not in kept])
    for old, new in _pairs(old_norms, new_norms):
        if old.kind in _BINDING and new.kind in _NOT_BINDING:
            add("modal-weakened")
        elif old.kind in _NOT_BINDING and new.kind in _BINDING:
            add("modal-strengthened")
        if old.bearer != new.bearer and old.bearer and new.bearer:
            was = ORDER[bearer_reach(old.bearer, old_terms or {})[0]]
            now = ORDER[bearer_reach(new.bearer, new_terms or {})[0]]
            if now < was:
                add("bearer-narrowed")
            elif now > was:
                add("bearer-widened")
        if set(old.actions) - set(new.actions):
            add("action-removed")
        if set(new.actions) - set(old.actions):
            add("action-added")
        was_days, now_days = _days(old.time), _days(new.time)
        if was_days is not None and now_days is None:
            add("deadline-removed")
        elif was_days is not None and now_days is not None and now_days != was_days:
            add("deadline-lengthened" if now_days > was_days else "deadline-shortened")
        if len(new.exceptions) > len(old.exceptions):
            add("exception-added")
        elif len(new.exceptions) < len(old.exceptions):
            add("exception-removed")
        if old.kind == RIGHT_OF_ACTION and (
            (new.negated and not old.negated)
            or (any(q.kind == CLASS for q in new.qualifiers) and not any(q.kind == CLASS for q in old.qualifiers))
        ):
            add("right-of-action-limited")
    return tuple(labels)
