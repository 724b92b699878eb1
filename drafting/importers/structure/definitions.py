"""Definitions: which paragraphs define a term, and which terms.

`find_terms` reads one paragraph and says which terms it defines, and why, in every printed form: “Term” means …,
the term “X” means …, “X” or “Y” means …, "Agency", any department … (the term followed by a comma or a dash),
federal "(3) Biometric surveillance system.--The term “…” means", and, inside a list of definitions, terms without
quotes: "(A) TERM. text", "(1) Term. text", "X shall mean", "X means", "Vendor - a person …", a term alone on its
line defined by the next paragraph.

`DefinitionReader` is mixed into the `Recogniser`: every paragraph of the body is added to its unit through
`_add_block`, which marks the terms of a definition and records them, with the reason, in the findings. Two scopes
decide how much a paragraph without quotation marks may say: *in definitions* (anywhere in a section or unit that
opened a definitions part) and *in a list of definitions* (a paragraph of the definitions unit itself, or an item
directly under it), where a term can be printed like a heading ("(1) Term. text").
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..paragraphs import is_all_caps
from .headings import heading_like
from .units import Block, Findings, Unit

DEFINITIONS_LEAD = re.compile(
    r"(the following (terms|words|definitions|phrases)|as used in this|for (the )?purposes? of this|"
    r"^in this (act|chapter|section|article|ordinance|title|subchapter|part|subsection|code)\s*[:,-])",
    re.IGNORECASE,
)
# a lead that opens a list of definitions (not a sentence that merely starts "For purposes of this section, …")
_OPENS_LIST = re.compile(
    r"\b(mean|meanings?|definitions?|defined|terms?|words?|phrases?)\b|^(as used in|in) this \w+\s*[:,]?\s*$",
    re.IGNORECASE,
)

_QUOTE_OPEN = "\"\u201c\u2018`"
_OPENING_MARK = re.compile("[\"\u201c\u2018`]")
# “term”, "term", ‘term’, and GPO's inner quotes `term' (left as printed inside a quoted amendment)
_QUOTED = re.compile(
    r"[\"\u201c\u2018](?P<term>[^\"\u201c\u201d\u2018\u2019\n]{1,100}?)[\"\u201d\u2019]|`(?P<gpo>[^`'\n]{1,100}?)'"
)
# between two quoted terms of one definition: “A” or “B”, “A”, “B” and “C”
_CONNECTOR = re.compile(r"\s*(,\s*(and|or)?|and|or|and/or)\s*(?=[\"\u201c\u2018`])", re.IGNORECASE)
_THE_TERM = re.compile(r"\bthe (terms?|words?|phrases?|expressions?)\s+(?=[\"\u201c\u2018`])", re.IGNORECASE)
_THE_TERM_BEFORE = re.compile(r"\bthe (terms?|words?|phrases?|expressions?)\s+$", re.IGNORECASE)
_VERB = (r"(means|mean|shall mean|shall include|includes?|(shall )?(has|have) the (same )?meanings?|"
         r"refers? to|shall refer to|(is|are|shall be) defined|"
         r"(is|are|shall be) (construed|deemed) to (mean|include))\b")
_AFTER = re.compile(rf"\s*(?P<sep>,|:|--|\u2014|\u2013|-)?\s*(?P<verb>{_VERB})?", re.IGNORECASE)
# "the term “X”, with respect to …, means": the verb a clause later
_VERB_LATER = re.compile(rf"^,[^.;:\"\u201c]{{1,160}}?,\s*{_VERB}", re.IGNORECASE)
_VERB_AFTER_QUOTE = re.compile(rf"^,?\s*{_VERB}", re.IGNORECASE)

_SEPARATOR = r"(?P<sep>\.\s+|\s*(?:,|:|--|\u2014|\u2013)\s*|\s+-\s+)"
_CAPS_TERM = re.compile(rf"^(?P<term>[A-Z][A-Z0-9 ,'\u2019/&()-]{{0,98}}[A-Z0-9)]){_SEPARATOR}(?P<rest>\S.*)$")
_PLAIN_TERM = re.compile(
    rf"(?:^|,\s+)(?:the (?:term|phrase|word)\s+)?(?P<term>[A-Za-z][A-Za-z -]{{1,60}}?),?\s+{_VERB}"
    r"(?!\s+(of|by|that|to)\b)"
)
_HEADING_TERM = re.compile(rf"^(?P<term>[A-Z][^.:;,\u2014\"\u201c\u201d]{{0,80}}?){_SEPARATOR}(?P<rest>\S.*)$")
# words that open a sentence, not a term ("Nothing in this section means …", "The means by which …")
_NOT_TERM_START = frozenset((
    "a", "an", "the", "any", "each", "every", "all", "no", "nothing", "this", "that", "these", "those", "such", "it",
    "its", "there", "which", "who", "if", "when", "where", "unless", "except", "notwithstanding", "subject",
    "provided", "in", "for", "as", "by", "of", "on", "to", "upon", "under", "with", "without", "nor",
))
_NOT_TERM_WORDS = frozenset((
    "shall", "may", "must", "will", "is", "are", "was", "were", "be", "been", "has", "have", "had", "does", "do", "not",
))
_NOT_TERM_END = frozenset(("a", "an", "the", "of", "by", "to", "in", "for", "on", "with", "from", "and", "or", "that",
                           "which"))
# headings that subsections of a definitions section carry ("(a) In general. In this section: …")
_STRUCTURAL = re.compile(
    r"^(in general|general|generally|definitions?|exceptions?|exclusions?|rules? of construction|construction|"
    r"applicability|application|scope|purpose|note|notes|example|examples|other terms|cross[- ]references?)$",
    re.IGNORECASE,
)
# the words after "Term." that show a definition follows (not "Nothing in …", "If …")
_NOT_DEFINITION_START = re.compile(
    r"^(nothing|notwithstanding|except|if|when|unless|subject|this|these|in|for|no|nor|see)\b", re.IGNORECASE
)


class Terms(NamedTuple):
    """The terms a paragraph defines, in printed order, and the form that showed them."""

    terms: tuple[str, ...]
    form: str


def _clean_term(term: str) -> str:
    return term.strip().rstrip(",;:").strip()


def _quoted_chain(text: str, start: int) -> tuple[list[str], int]:
    """Read quoted terms joined by "or", "and" or commas from `start`; return them and where the chain ends."""
    terms: list[str] = []
    position = start
    while True:
        quoted = _QUOTED.match(text, position)
        if not quoted:
            break
        terms.append(_clean_term(quoted.group("term") or quoted.group("gpo")))
        position = quoted.end()
        connector = _CONNECTOR.match(text, position)
        if not connector:
            break
        position = connector.end()
    return terms, position


def _term_shaped(term: str, *, max_words: int = 8) -> bool:
    words = term.split()
    if not words or len(words) > max_words or term[-1:] in ".;:" or not re.search(r"[A-Za-z]", term):
        return False
    return not (_NOT_TERM_WORDS & {w.lower() for w in words})


def _plain_term_shaped(term: str) -> bool:
    words = term.lower().split()
    return (_term_shaped(term, max_words=6) and words[0] not in _NOT_TERM_START and words[-1] not in _NOT_TERM_END
            and not _STRUCTURAL.match(term))


def find_terms(text: str, *, in_definitions: bool = False, in_list: bool = False) -> Terms | None:
    """Return the terms a paragraph defines and the form that showed them, or None.

    `in_definitions`: the paragraph stands in a definitions section or unit; `in_list`: it is an item (or a
    paragraph) of the list of definitions itself, where a term may be printed without quotes like a heading.
    """
    if not (in_definitions or in_list or _may_quote_a_term(text)):
        return None
    quoted = _quoted_at_start(text, in_definitions=in_definitions)
    inside = _quoted_inside(text)
    if quoted and inside:
        # several definitions in one paragraph: “A” means …, and “B” means …
        return Terms(tuple(dict.fromkeys(quoted.terms + inside.terms)), quoted.form)
    if quoted or inside:
        return quoted or inside
    if not (in_definitions or in_list):
        return None
    caps = _CAPS_TERM.match(text)
    if caps and _term_shaped(caps.group("term")) and not _STRUCTURAL.match(caps.group("term")) and (
        caps.group("sep").startswith(".") or not _NOT_DEFINITION_START.match(caps.group("rest"))
    ):
        return Terms((_clean_term(caps.group("term")),), "term in capitals")
    plain = _PLAIN_TERM.search(text[:200])
    if plain and _plain_term_shaped(plain.group("term")):
        return Terms((_clean_term(plain.group("term")),), "term followed by a defining verb")
    if in_list:
        heading = _HEADING_TERM.match(text)
        if heading and _plain_term_shaped(heading.group("term")) and heading_like(heading.group("term"), max_words=6) \
                and not _NOT_DEFINITION_START.match(heading.group("rest")):
            return Terms((_clean_term(heading.group("term")),), "term printed as the item's heading")
    return None


def _may_quote_a_term(text: str) -> bool:
    """Tell whether a paragraph has a quotation mark that could open a quoted term (any opening mark, or a straight
    single quote at its start): without one, neither _quoted_at_start nor _quoted_inside finds a term."""
    return text[:1] == "'" or _OPENING_MARK.search(text) is not None


def _quoted_at_start(text: str, *, in_definitions: bool) -> Terms | None:
    """“Term” means …; the term “X” means …; “X” or “Y”, …; 'Term' in a definitions section."""
    the_term = _THE_TERM.match(text)
    start = the_term.end() if the_term else 0
    if text[start:start + 1] == "'" and start == 0:
        # a straight single quote opens a term only at the very start ('image' means …)
        close = text.find("'", 1)
        terms, end = ([_clean_term(text[1:close])], close + 1) if 1 < close <= 101 else ([], 0)
    else:
        terms, end = _quoted_chain(text, start)
    if not terms or not all(_term_shaped(term, max_words=10) for term in terms):
        return None
    after = _AFTER.match(text, end)
    if after.group("verb"):
        return Terms(tuple(terms), "quoted term and a defining verb")
    if the_term:
        # "The term “X”--" (a federal list follows), "The term “X”, with respect to …, means"
        return Terms(tuple(terms), "the term “…”")
    if after.group("sep") and (in_definitions or _VERB_LATER.match(text[end:]) or _reads_as_definition(
            text[after.end():])):
        return Terms(tuple(terms), "quoted term followed by a comma or a dash")
    if in_definitions:
        return Terms(tuple(terms), "quoted term in a definitions section")
    return None


def _reads_as_definition(rest: str) -> bool:
    """Tell whether the words after "“Agency”," define it: "any department …", "an automated process …"."""
    return bool(re.match(r"^(a|an|any|each|every|all|the|one or more)\s", rest, re.IGNORECASE))


def _quoted_inside(text: str) -> Terms | None:
    """For purposes of this section, “agency” means …; In this Act, the term “X” means …; several per paragraph."""
    found: list[str] = []
    position = 0
    while True:
        opening = _next_quote(text, position)
        if opening < 0:
            break
        terms, end = _quoted_chain(text, opening)
        if not terms:
            position = opening + 1
            continue
        preceded = _THE_TERM_BEFORE.search(text[max(0, opening - 20):opening])
        follows = text[end:end + 200]
        if all(_term_shaped(term) for term in terms) and (
            _VERB_AFTER_QUOTE.match(follows) or (preceded and (_VERB_LATER.match(follows) or re.match(
                r"^\s*(--|\u2014)", follows)))
        ):
            found.extend(terms)
        position = end
    if not found:
        return None
    return Terms(tuple(dict.fromkeys(found)), "quoted term and a defining verb")


def _next_quote(text: str, position: int) -> int:
    found = _OPENING_MARK.search(text, position)
    return found.start() if found else -1


def opens_with_definition(text: str) -> bool:
    """Tell whether a paragraph is a quoted definition ("“Agency” means …"): such a paragraph opens a body."""
    found = _quoted_at_start(text, in_definitions=False)
    return found is not None and found.form == "quoted term and a defining verb"


def opens_definitions_list(text: str) -> bool:
    """Tell whether a paragraph leads a list of definitions ("As used in this section:", "… the following words
    shall have the following meanings")."""
    return bool(DEFINITIONS_LEAD.search(text) and _OPENS_LIST.search(text))


class DefinitionReader:
    """Add paragraphs to units, marking the terms they define (a mixin of `Recogniser`)."""

    findings: Findings
    section: Unit | None
    stack: list[Unit]
    definitions_open: bool
    pending_term: tuple[Unit, Block] | None

    def _add_block(self, unit: Unit, block: Block) -> None:
        if self.pending_term is not None:
            # the paragraph after a term printed alone on its line is its definition
            owner, term_block = self.pending_term
            owner.add(block)
            self.pending_term = None
            self.findings.saw(term_block.line, f"definition of {term_block.term!r} (term alone on its line)")
            return
        if self._mark_definition(unit, block):
            return
        if block.term is None and opens_definitions_list(block.text):
            # "(a) As used in this section:" — the items under this unit are definitions
            unit.definitions = True
        unit.add(block)

    def _mark_definition(self, unit: Unit, block: Block) -> bool:
        text = block.text
        in_definitions = self._in_definitions(unit)
        found = find_terms(text, in_definitions=in_definitions, in_list=self._in_definition_list(unit))
        if found is None and in_definitions and not text.rstrip().endswith((".", ":", ";", ",")) and (
            is_all_caps(text) or heading_like(text, max_words=6)
        ) and not _STRUCTURAL.match(text.strip()):
            block.term = text.strip()
            unit.add(block)
            self.pending_term = (unit, block)
            return True
        if found is not None:
            block.term, block.more_terms = found.terms[0], found.terms[1:]
            self.findings.saw(block.line, f"definition of {' and '.join(map(repr, found.terms))} ({found.form})")
        return False

    def _in_definitions(self, unit: Unit) -> bool:
        return self.definitions_open or unit.definitions or any(u.definitions for u in self.stack)

    def _in_definition_list(self, unit: Unit) -> bool:
        """Tell whether a paragraph of `unit` is an entry of a list of definitions: the unit is the definitions unit
        itself, or an item directly under it."""
        if unit.definitions:
            return True
        parent = self._parent_of(unit)
        return parent is not None and parent.definitions

    def _parent_of(self, unit: Unit) -> Unit | None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth] is unit:
                return self.stack[depth - 1] if depth else self.section
        return None

    def _heading_is_term(self, unit: Unit, heading: str, text: str) -> bool:
        """Tell whether what reads as a heading of a labelled unit ("(A) BIOMETRIC DATA. Any measurement …",
        "(1) Face surveillance. An automated …") is the term of a definition: only in a list of definitions, and not
        before "The term “…”" (federal style, where it is the heading) or a lead-in ("In general. In this section:")."""
        if not self._in_definition_list(unit) or unit.definitions or _STRUCTURAL.match(heading.strip()):
            return False
        rest = text[len(heading):].lstrip(" .-\u2014\u2013")
        if not rest or _THE_TERM.match(rest) or rest[:1] in _QUOTE_OPEN or DEFINITIONS_LEAD.search(rest[:80]):
            return False
        return not _NOT_DEFINITION_START.match(rest) and _term_shaped(heading)

    def _close_term(self) -> None:
        if self.pending_term is not None:
            _, block = self.pending_term
            self.findings.guess(block.line, f"{block.text!r} looked like a defined term but no definition followed")
            block.term = None
            self.pending_term = None
