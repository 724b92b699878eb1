"""The vocabulary of legal language: the word lists of vocabulary.toml and every pattern built from them.

Two readers take their words from here. The safeguards engine (drafting/analysis/engine.py) reads a whole statement
and names its modality: prohibition, discouragement, duty or permission. The redline labels
(drafting/compare/changes.py) weigh the modal phrase in the few words around an edit, and look there for exceptions,
numbers and deadlines.

The two readers do not count quite the same phrases: the comment on changed phrases below says where and why.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from importlib import resources
from types import MappingProxyType


def _load_lists() -> dict:
    """Read the word lists shipped with the package."""
    return tomllib.loads(resources.files("drafting.norms").joinpath("vocabulary.toml").read_text(encoding="utf-8"))


_LISTS = _load_lists()

# -- the word lists (see vocabulary.toml for what each holds) ----------------------------------------------------------

BINDING_MODALS: tuple[str, ...] = tuple(_LISTS["binding_modals"])
PERMISSIVE_MODALS: tuple[str, ...] = tuple(_LISTS["permissive_modals"])
RECOMMENDING_MODALS: tuple[str, ...] = tuple(_LISTS["recommending_modals"])
NEGATORS: tuple[str, ...] = tuple(_LISTS["negators"])
NEGATIVE_DETERMINERS: tuple[str, ...] = tuple(_LISTS["negative_determiners"])
DUTY_PHRASES: tuple[str, ...] = tuple(_LISTS["duty_phrases"])
ENCOURAGING_PHRASES: tuple[str, ...] = tuple(_LISTS["encouraging_phrases"])
AUTHORIZING_PHRASES: tuple[str, ...] = tuple(_LISTS["authorizing_phrases"])
DISCRETION_PHRASES: tuple[str, ...] = tuple(_LISTS["discretion_phrases"])
PROHIBITING_MODALS: tuple[str, ...] = tuple(_LISTS["prohibiting_modals"])
PROHIBITION_DECLARATIONS: tuple[str, ...] = tuple(_LISTS["prohibition_declarations"])
DENIED_PERMISSIONS: tuple[str, ...] = tuple(_LISTS["denied_permissions"])
DISCOURAGING_MODALS: tuple[str, ...] = tuple(_LISTS["discouraging_modals"])
DISCOURAGING_PHRASES: tuple[str, ...] = tuple(_LISTS["discouraging_phrases"])
DUTY_RELEASES: tuple[str, ...] = tuple(_LISTS["duty_releases"])
EXCEPTION_MARKERS: tuple[str, ...] = tuple(_LISTS["exception_markers"])
PROVISO_MARKERS: tuple[str, ...] = tuple(_LISTS["proviso_markers"])
DISAPPLICATION_PHRASES: tuple[str, ...] = tuple(_LISTS["disapplication_phrases"])
SAFE_HARBOUR_MARKERS: tuple[str, ...] = tuple(_LISTS["safe_harbour_markers"])
DEFINING_VERBS: tuple[str, ...] = tuple(_LISTS["defining_verbs"])
NUMBER_WORDS: tuple[str, ...] = tuple(_LISTS["number_words"])
TIME_UNITS: tuple[str, ...] = tuple(_LISTS["time_units"])
DEADLINE_WORDS: tuple[str, ...] = tuple(_LISTS["deadline_words"])
# act -> the regular expressions whose match shows a statement reaches that act
ACTION_VERBS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {act: tuple(expressions) for act, expressions in _LISTS["action_verbs"].items()}
)


def chosen(words: tuple[str, ...], *phrases: str) -> tuple[str, ...]:
    """Return the phrases a reader chooses from a word list, refusing any the list does not hold."""
    missing = [phrase for phrase in phrases if phrase not in words]
    if missing:
        raise ValueError(f"expected phrases of the vocabulary list {words}, found {missing}")
    return phrases


def whole_words(phrases: Iterable[str]) -> str:
    """Build one alternation of whole-word phrases, tried in the order given."""
    return rf"\b{_alternation(list(phrases))}\b"


def _alternation(phrases: list[str]) -> str:
    """Build an alternation of literal phrases that reads their shared beginnings once."""
    # "in its discretion|in his discretion" -> "in (?:its discretion|his discretion)": a search tries fewer branches
    # at each place. Only phrases that begin alike can match at one place, and they keep their order, so the match
    # (the words quoted) is the plain alternation's.
    branches: list[str] = []
    rests_by_first: dict[str, list[str]] = {}

    def close_run() -> None:
        for first, rests in rests_by_first.items():
            branches.append((" " if first == " " else re.escape(first)) + _alternation(rests))
        rests_by_first.clear()

    for phrase in phrases:
        if phrase:
            rests_by_first.setdefault(phrase[0], []).append(phrase[1:])
        else:  # a phrase that ends here is tried between those listed before and after it, as it is listed
            close_run()
            branches.append("")
    close_run()
    if branches == [""]:
        return ""
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


def within(first: str, then: str, *, characters: int, stops: str) -> str:
    """Build a pattern for `first`, then `then` at most so many characters on, with none of `stops` between."""
    return rf"{first}[^{re.escape(stops)}]{{0,{characters}}}{then}"


# -- statements, as the safeguards engine reads them (case aside) ----------------------------------------------------

(_NOT,) = chosen(NEGATORS, "not")

# "no public agency or official shall ...": a negative determiner, then a binding or permissive modal in the clause
_NO_ONE_SHALL = within(whole_words(NEGATIVE_DETERMINERS), whole_words(BINDING_MODALS + PERMISSIVE_MODALS),
                       characters=200, stops=".;:")
# the alternatives are tried in this order and the first match is quoted as the operative words ('shall not')
PROHIBITION = re.compile("|".join([
    whole_words(PROHIBITING_MODALS + PROHIBITION_DECLARATIONS),
    _NO_ONE_SHALL,
    whole_words(DENIED_PERMISSIONS),
    whole_words(DISAPPLICATION_PHRASES),
]), re.IGNORECASE)
# "should not" is quoted before the looser "should ... not", and that before the other discouraging phrases
DISCOURAGEMENT = re.compile("|".join([
    whole_words(DISCOURAGING_MODALS),
    within(whole_words(RECOMMENDING_MODALS), whole_words([_NOT]), characters=40, stops=".;"),
    whole_words(DISCOURAGING_PHRASES),
    within(whole_words(NEGATIVE_DETERMINERS), whole_words(RECOMMENDING_MODALS), characters=200, stops=".;:"),
]), re.IGNORECASE)
DUTY = re.compile(whole_words(BINDING_MODALS + DUTY_PHRASES), re.IGNORECASE)
PERMISSION = re.compile(
    whole_words(RECOMMENDING_MODALS + PERMISSIVE_MODALS + ENCOURAGING_PHRASES + DISCRETION_PHRASES), re.IGNORECASE
)
DEFINING = re.compile(whole_words(DEFINING_VERBS), re.IGNORECASE)
# a definition that opens with its quoted term: '"Face surveillance" means ...'
QUOTED_DEFINITION = re.compile(
    rf"^[\"\u201c][^\"\u201d]{{1,80}}[\"\u201d],? (?:{'|'.join(chosen(DEFINING_VERBS, 'means', 'includes'))})"
)
# the words of a statement that opens an exception to a ban (with an open-ended reason, judged by the rubric)
CARVE_OUT = re.compile(
    whole_words(EXCEPTION_MARKERS + DISAPPLICATION_PHRASES + SAFE_HARBOUR_MARKERS + PERMISSIVE_MODALS), re.IGNORECASE
)
# act -> one pattern: a statement that matches reaches the act
ACTIONS: MappingProxyType[str, re.Pattern] = MappingProxyType(
    {act: re.compile("|".join(expressions), re.IGNORECASE) for act, expressions in ACTION_VERBS.items()}
)

# -- changed phrases, as the redline labels weigh them (lower-cased text) ------------------------------------------
#
# Where the redline reads fewer or other phrases than the engine. The two lists were written apart (the redline labels
# with the redline engine, the modality reading with the safeguards engine and its labelled documents) and no issue
# has yet chosen one reading for both; doing so changes findings or labels, which the golden digests pin, so each
# reader keeps the phrases it had:
#   prohibitions: only "is prohibited from" and "it shall be unlawful" of the declarations (not "is unlawful",
#                 "is/are prohibited"), and no "no ... shall", "not be permitted" or "does not apply";
#   discouragements: only "should not" and "is discouraged from", but also "need not" (a released duty), which the
#                 engine does not read;
#   permissions: "is authorized to" and "is permitted to", which the engine does not read; not "is urged to" nor the
#                 discretion phrases, which it does;
#   exceptions: the proviso markers too ("provided that", "other than" ...), which the engine does not count as
#                 carve-outs; and no disapplication or safe-harbour words.

BINDING, NON_BINDING = 2, 1
_NOT_NEGATED = rf"(?! {_NOT})"  # "shall" but not "shall not" (read above as a prohibition)
# (pattern, kind, strength), tried in this order; each match is blanked before the next pattern reads the phrase
REDLINE_MODALS: tuple[tuple[re.Pattern, str, int], ...] = (
    (re.compile(whole_words(PROHIBITING_MODALS + chosen(PROHIBITION_DECLARATIONS, "is prohibited from",
                                                          "it shall be unlawful"))), "prohibit", BINDING),
    (re.compile(whole_words(DISCOURAGING_MODALS + chosen(DISCOURAGING_PHRASES, "is discouraged from")
                            + DUTY_RELEASES)), "prohibit", NON_BINDING),
    (re.compile(whole_words(BINDING_MODALS + DUTY_PHRASES) + _NOT_NEGATED), "duty", BINDING),
    (re.compile(whole_words(PERMISSIVE_MODALS + RECOMMENDING_MODALS
                            + chosen(ENCOURAGING_PHRASES, "is encouraged to", "are encouraged to")
                            + AUTHORIZING_PHRASES) + _NOT_NEGATED), "duty", NON_BINDING),
)
EXCEPTION = re.compile(whole_words(EXCEPTION_MARKERS + PROVISO_MARKERS), re.IGNORECASE)
# a figure ("30", "1,000") or a number word
NUMBER = re.compile(rf"\b\d[\d,.]*\b|{whole_words(NUMBER_WORDS)}", re.IGNORECASE)
# a unit of time, singular or plural, or a word that sets a time limit
_TIME_UNIT = rf"\b(?:{'|'.join(re.escape(unit) + 's?' for unit in TIME_UNITS)})\b"
DEADLINE = re.compile(f"{_TIME_UNIT}|{whole_words(DEADLINE_WORDS)}", re.IGNORECASE)
