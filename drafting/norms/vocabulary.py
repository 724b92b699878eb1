"""The vocabulary of legal language: the word lists of vocabulary.toml and every pattern built from them.

The norm reader (drafting/norms/reader.py, with the time grammar of drafting/norms/time.py) builds its own patterns
from the lists it alone uses, and from the shared ones, in its own modules; the safeguards engine reads norms, and
takes from here only the acts of a ban (ACTIONS), the carve-out words and the defining verbs. The redline labels
(drafting/compare/changes.py) weigh the modal phrase in the few words around an edit, and look there for exceptions,
numbers and deadlines, beside the labels read from norms (drafting/norms/changes.py). `modality` names a whole
statement's modality by the older statement patterns below (prohibition, discouragement, duty or permission): the
tests of the vocabulary read the word lists through it.

The statement patterns and the redline's do not count quite the same phrases: the comment on changed phrases below
says where and why.
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


# -- the word lists of the norm reader (drafting/norms/reader.py and time.py) -----------------------------------------

NEGATIVE_PAIR_OPENERS: tuple[str, ...] = tuple(_LISTS["negative_pair_openers"])
NOTHING_SUBJECTS: tuple[str, ...] = tuple(_LISTS["nothing_subjects"])
UNLAWFULNESS_OPENERS: tuple[str, ...] = tuple(_LISTS["unlawfulness_openers"])
PROHIBITED_FROM_PHRASES: tuple[str, ...] = tuple(_LISTS["prohibited_from_phrases"])
POLICY_DECLARATIONS: tuple[str, ...] = tuple(_LISTS["policy_declarations"])
REQUESTING_PHRASES: tuple[str, ...] = tuple(_LISTS["requesting_phrases"])
ENDEAVOUR_PHRASES: tuple[str, ...] = tuple(_LISTS["endeavour_phrases"])
DIRECTING_PHRASES: tuple[str, ...] = tuple(_LISTS["directing_phrases"])
EMPOWERING_PHRASES: tuple[str, ...] = tuple(_LISTS["empowering_phrases"])
RULE_LIMITING_VERBS: tuple[str, ...] = tuple(_LISTS["rule_limiting_verbs"])
SAVING_VERBS: tuple[str, ...] = tuple(_LISTS["saving_verbs"])
SAFE_HARBOUR_PHRASES: tuple[str, ...] = tuple(_LISTS["safe_harbour_phrases"])
EXEMPTION_PHRASES: tuple[str, ...] = tuple(_LISTS["exemption_phrases"])
CONSTRUING_PHRASES: tuple[str, ...] = tuple(_LISTS["construing_phrases"])
RIGHT_PHRASES: tuple[str, ...] = tuple(_LISTS["right_phrases"])
RIGHT_CONFERRING_VERBS: tuple[str, ...] = tuple(_LISTS["right_conferring_verbs"])
ENFORCING_OFFICIALS: tuple[str, ...] = tuple(_LISTS["enforcing_officials"])
PENALTY_PHRASES: tuple[str, ...] = tuple(_LISTS["penalty_phrases"])
NULLITY_WORDS: tuple[str, ...] = tuple(_LISTS["nullity_words"])
LIFTING_PHRASES: tuple[str, ...] = tuple(_LISTS["lifting_phrases"])
ENDING_PHRASES: tuple[str, ...] = tuple(_LISTS["ending_phrases"])
COMMENCEMENT_PHRASES: tuple[str, ...] = tuple(_LISTS["commencement_phrases"])
ESTABLISHING_PHRASES: tuple[str, ...] = tuple(_LISTS["establishing_phrases"])
SHORT_TITLE_PHRASES: tuple[str, ...] = tuple(_LISTS["short_title_phrases"])
AMENDING_PHRASES: tuple[str, ...] = tuple(_LISTS["amending_phrases"])
REPORTING_NOUNS: tuple[str, ...] = tuple(_LISTS["reporting_nouns"])
MAKING_VERBS: tuple[str, ...] = tuple(_LISTS["making_verbs"])
CONDITION_MARKERS: tuple[str, ...] = tuple(_LISTS["condition_markers"])
RELATIVE_PRONOUNS: tuple[str, ...] = tuple(_LISTS["relative_pronouns"])
LEADING_OPENERS: tuple[str, ...] = tuple(_LISTS["leading_openers"])
VERB_ADVERBS: tuple[str, ...] = tuple(_LISTS["verb_adverbs"])
LY_VERBS: tuple[str, ...] = tuple(_LISTS["ly_verbs"])
OBJECT_OPENERS: tuple[str, ...] = tuple(_LISTS["object_openers"])
DEFINITION_EXCLUSIONS: tuple[str, ...] = tuple(_LISTS["definition_exclusions"])
ABBREVIATIONS: tuple[str, ...] = tuple(_LISTS["abbreviations"])
LIMITING_QUALIFIERS: tuple[str, ...] = tuple(_LISTS["limiting_qualifiers"])
CLASS_QUALIFIERS: tuple[str, ...] = tuple(_LISTS["class_qualifiers"])
MENTAL_STATE_QUALIFIERS: tuple[str, ...] = tuple(_LISTS["mental_state_qualifiers"])
PRACTICABILITY_QUALIFIERS: tuple[str, ...] = tuple(_LISTS["practicability_qualifiers"])
JUDGMENT_PHRASES: tuple[str, ...] = tuple(_LISTS["judgment_phrases"])
OVERRIDE_MARKERS: tuple[str, ...] = tuple(_LISTS["override_markers"])
MONTH_NAMES: tuple[str, ...] = tuple(_LISTS["month_names"])
BUSINESS_DAY_WORDS: tuple[str, ...] = tuple(_LISTS["business_day_words"])
CALENDAR_DAY_WORDS: tuple[str, ...] = tuple(_LISTS["calendar_day_words"])
DEADLINE_RELATIONS: tuple[str, ...] = tuple(_LISTS["deadline_relations"])
ANCHOR_PREPOSITIONS: tuple[str, ...] = tuple(_LISTS["anchor_prepositions"])
ADVANCE_RELATIONS: tuple[str, ...] = tuple(_LISTS["advance_relations"])
IMMEDIATE_PHRASES: tuple[str, ...] = tuple(_LISTS["immediate_phrases"])
VAGUE_TIME_PHRASES: tuple[str, ...] = tuple(_LISTS["vague_time_phrases"])
PERIODIC_ADVERBS: tuple[str, ...] = tuple(_LISTS["periodic_adverbs"])
PERIOD_OPENERS: tuple[str, ...] = tuple(_LISTS["period_openers"])
RECURRENCE_WORDS: tuple[str, ...] = tuple(_LISTS["recurrence_words"])
SUNSET_RELATIONS: tuple[str, ...] = tuple(_LISTS["sunset_relations"])
DATED_SUNSET_RELATIONS: tuple[str, ...] = tuple(_LISTS["dated_sunset_relations"])
SUNSET_CHOICES: tuple[str, ...] = tuple(_LISTS["sunset_choices"])
EXPIRY_WORDS: tuple[str, ...] = tuple(_LISTS["expiry_words"])
POINT_RELATIONS: tuple[str, ...] = tuple(_LISTS["point_relations"])
LIST_PLACEHOLDER_PHRASES: tuple[str, ...] = tuple(_LISTS["list_placeholder_phrases"])
DEFINITION_LEAD_IN_WORDS: tuple[str, ...] = tuple(_LISTS["definition_lead_in_words"])
SECTION_WORDS: tuple[str, ...] = tuple(_LISTS["section_words"])
SUBSECTION_WORDS: tuple[str, ...] = tuple(_LISTS["subsection_words"])
PARAGRAPH_WORDS: tuple[str, ...] = tuple(_LISTS["paragraph_words"])
SUBPARAGRAPH_WORDS: tuple[str, ...] = tuple(_LISTS["subparagraph_words"])
OWN_PROVISION_WORDS: tuple[str, ...] = tuple(_LISTS["own_provision_words"])
OWN_LAW_WORDS: tuple[str, ...] = tuple(_LISTS["own_law_words"])
EXTERNAL_REFERENCE_WORDS: tuple[str, ...] = tuple(_LISTS["external_reference_words"])
# act -> the word forms (and nouns) that name it, and the words a clause must hold for some acts to count
NORM_ACTIONS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {act: tuple(forms) for act, forms in _LISTS["norm_actions"].items()}
)
NORM_ACTION_NOUNS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {act: tuple(nouns) for act, nouns in _LISTS["norm_action_nouns"].items()}
)
NORM_ACTION_CONTEXTS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {act: tuple(words) for act, words in _LISTS["norm_action_contexts"].items()}
)
# form -> the words after it that keep it from naming its act
NORM_FORM_EXCLUSIONS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {form: tuple(words) for form, words in _LISTS["norm_form_exclusions"].items()}
)
# number word -> its value
CARDINAL_NUMBERS: MappingProxyType[str, int] = MappingProxyType(dict(_LISTS["cardinal_numbers"]))
ORDINAL_NUMBERS: MappingProxyType[str, int] = MappingProxyType(dict(_LISTS["ordinal_numbers"]))


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


# -- statements, as the older statement reading takes them (case aside; see `modality`) ------------------------------

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


def modality(text: str) -> str:
    """Read a whole statement's modality (case aside): prohibition, permissive-prohibition, duty, permissive or none."""
    if DISCOURAGEMENT.search(text):
        return "permissive-prohibition"
    if PROHIBITION.search(text):
        return "prohibition"
    if DUTY.search(text):
        return "duty"
    if PERMISSION.search(text):
        return "permissive"
    return "none"
