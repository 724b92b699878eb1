"""Times in legal text, read by a grammar: deadlines, periods, dates, sunsets, immediate and vague times.

"within thirty (30) days after the request", "not later than 5 business days after ...", "before the thirtieth day",
"by January 1, 2028", "not later than March 1 of each year", "annually", "at least once a year", "immediately",
"promptly", "as soon as practicable", "within a reasonable time", "until December 31, 2028", "until the earlier of
(1) … or (2) …", "unless and until the council adopts an ordinance", "30 days after its passage" are each parsed once
into a `Time` record (drafting/norms/records.py): kind, amount and unit, business days, ISO date, period, the words
the time counts from or runs until (its anchor) and, for a sunset with a choice, each alternative.

Why a grammar, and why pyparsing (>= 3.1). A time phrase is a small language of its own: numbers in words and
figures ("one hundred eighty", "thirty (30)", "90th"), ordinals, units with a kind of day, dates in two orders,
relations that combine ("at least 60 days before"), and an open-ended anchor. Regular expressions for that grow
into one unreadable pattern per construction; a grammar names each part once and composes them. Of the well-kept
Python parsing libraries, pyparsing fits this use and lark does not: the times stand inside free text, so the
parser must match a *prefix* of the text at a given place and stop (pyparsing's `parse_string` without
`parse_all`), try alternatives in a stated order with backtracking (a PEG: "within a reasonable time" is tried
before "within 30 days"), and take its keywords from the vocabulary lists at run time (every word here comes from
drafting/norms/vocabulary.toml). Lark parses a whole input against a context-free grammar written as text; finding
a time inside a sentence would need a hand-written scanner in front of it and a second grammar syntax to keep in
step with the word lists. pyparsing is pure Python with no dependencies, maintained (3.x, typed), and fast enough
here because it is tried only where a time word stands (a plain regular expression finds those places first).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

import pyparsing as pp

from . import vocabulary as v
from .records import DATE, DEADLINE, IMMEDIATE, PERIODIC, SUNSET_TIME, VAGUE, Time
from .words import gate, tokens, word_starts

__all__ = ["TIME", "find_times", "first_time", "locate_times", "parse_time"]

K = pp.CaselessKeyword


def _alternation(phrases: Iterable[str]) -> str:
    """A regular expression of whole-word phrases, the longest first, any spacing between their words."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return r"(?<!\w)(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered) + r")(?!\w)"


# Every parse action takes pyparsing's full (text, location, tokens): pyparsing finds the arity of a shorter one by
# trying calls on its first use, which is not thread-safe (two threads reading their first time at once in a
# threaded server crashed with "missing 1 required positional argument").


def _lowered(_text: str, _location: int, tokens: pp.ParseResults) -> str:
    return " ".join(tokens[0].lower().split())


def _keywords(phrases: Iterable[str]) -> pp.ParserElement:
    """One token for a list of phrases, the longest first (so "not later than" wins over "not"), whole words, any
    case; it parses to the phrase in lower case. (One regular expression, not one keyword each: a time is tried at
    many places, and most tries fail on their first word.)"""
    return pp.Regex(_alternation(phrases), flags=re.IGNORECASE).set_parse_action(_lowered)


# -- tokens ----------------------------------------------------------------------------------------------------------
#
# The grammar's tokens are regular expressions with named parts (a number in words, a period of time, a date), each
# valued by a parse action; the constructions below compose them. A token of several words is much faster to try
# than a sub-grammar word by word, and a time is tried at many places.

_HUNDREDS = frozenset(word for word, value in v.CARDINAL_NUMBERS.items() if value == 100)
_CARDINAL_WORDS = _alternation(v.CARDINAL_NUMBERS)
_ORDINAL_WORDS = _alternation(v.ORDINAL_NUMBERS)
_NUMBER_PATTERN = (rf"\d{{1,3}}(?:,\d{{3}})+(?![\d,])|\d+(?![\d,])"
                   rf"|{_CARDINAL_WORDS}(?:[\s-]+(?:{_CARDINAL_WORDS}|and(?=[\s-]+{_CARDINAL_WORDS})))*"
                   rf"(?:\s*\(\d[\d,]*\))?|an?(?!\w)")
_ORDINAL_PATTERN = rf"(?:{_CARDINAL_WORDS}[\s-]+(?:and\s+)?)*{_ORDINAL_WORDS}|\d+(?:st|nd|rd|th)(?!\w)"
_DAY_KIND_PATTERN = _alternation(v.BUSINESS_DAY_WORDS + v.CALENDAR_DAY_WORDS)
_UNIT_PATTERN = rf"(?:{'|'.join(map(re.escape, v.TIME_UNITS))})s?(?!\w)"
_MONTH_PATTERN = _alternation(v.MONTH_NAMES)
_MONTHS = {name: number for number, name in enumerate(v.MONTH_NAMES, start=1)}


def _number_value(words: str, ordinal: bool = False) -> int:
    """The value of a number in figures or words: "1,000" -> 1000, "one hundred and eighty" -> 180, "thirty (30)" ->
    30, "a" -> 1; ordinals: "twenty-first" -> 21, "90th" -> 90."""
    words = re.sub(r"\s*\(.*\)$", "", words.strip().lower())
    figure = re.match(r"[\d,]+", words)
    if figure:
        return int(figure.group(0).replace(",", ""))
    if words in ("a", "an"):
        return 1
    total = 0
    for word in re.split(r"[\s-]+", words):
        if word == "and" or not word:
            continue
        if word in _HUNDREDS:
            total = max(total, 1) * 100
        elif ordinal and word in v.ORDINAL_NUMBERS:
            value = v.ORDINAL_NUMBERS[word]
            total = max(total, 1) * 100 if value == 100 else total + value
        else:
            total += v.CARDINAL_NUMBERS[word]
    return total


def _valued_period(_text: str, _location: int, tokens: pp.ParseResults) -> None:
    """Value a period's parts: the amount as a number, the unit singular, whether only business days count."""
    ordinal = "ordinal" in tokens
    tokens["amount"] = _number_value(tokens["ordinal"] if ordinal else tokens["amount"], ordinal=ordinal)
    tokens["unit"] = tokens["unit"].lower().removesuffix("s")
    kind = (tokens.get("business") or "").lower()
    tokens["business"] = kind in v.BUSINESS_DAY_WORDS


def _valued_date(_text: str, _location: int, tokens: pp.ParseResults) -> None:
    """Value a date's parts: month, day and year as numbers."""
    tokens["month"] = _MONTHS[tokens["month"].lower()]
    tokens["day"] = int(re.match(r"\d+", tokens["day"]).group(0))
    if tokens.get("year"):
        tokens["year"] = int(tokens["year"])


# "thirty (30) business days", "a year"
DURATION = pp.Regex(rf"(?P<amount>{_NUMBER_PATTERN})\s+(?:(?P<business>{_DAY_KIND_PATTERN})\s+)?"
                    rf"(?P<unit>{_UNIT_PATTERN})", flags=re.IGNORECASE).add_parse_action(_valued_period)
# "the thirtieth day", "the 90th business day"
ORDINAL_PERIOD = pp.Regex(rf"the\s+(?P<ordinal>{_ORDINAL_PATTERN})\s+(?:(?P<business>{_DAY_KIND_PATTERN})\s+)?"
                          rf"(?P<unit>{_UNIT_PATTERN})", flags=re.IGNORECASE).add_parse_action(_valued_period)
# "December 31, 2028", "March 1", "31 December 2028"
DATE_WORDS = (pp.Regex(rf"(?P<month>{_MONTH_PATTERN})\s+(?P<day>(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?)(?!\d)"
                       rf"(?:,?\s+(?P<year>(?:1[89]|2\d)\d\d)(?!\d))?", flags=re.IGNORECASE)
              | pp.Regex(rf"(?P<day>(?:3[01]|[12]\d|0?[1-9]))\s+(?P<month>{_MONTH_PATTERN})"
                         rf"(?:,?\s+(?P<year>(?:1[89]|2\d)\d\d)(?!\d))?", flags=re.IGNORECASE)
              ).add_parse_action(_valued_date)
_PERIOD_UNIT = pp.Regex(rf"(?:{_alternation(v.CALENDAR_DAY_WORDS)}\s+)?(?P<period>{_UNIT_PATTERN}|quarters?(?!\w))",
                        flags=re.IGNORECASE).add_parse_action(
    lambda _text, _location, t: t.__setitem__("period", t["period"].lower().removesuffix("s")))
# "of each year", "in every calendar year"
_EACH_YEAR = pp.Regex(r"(?:of|in)\s+(?:each|every)\s+", flags=re.IGNORECASE).suppress() + _PERIOD_UNIT

# what a period counts from or a sunset runs until: the words up to the end of the clause part (a comma, a
# semicolon, a colon, a full stop that ends a sentence)
_ANCHOR = pp.Regex(r"(?:[^;:,.]|\.(?=\S))+")
# a sunset's condition runs on past commas, to the end of the sentence or a semicolon
_REST = pp.Regex(r"(?:[^;.]|\.(?=\S))+")
_ANCHOR_PREPOSITION = _keywords(v.ANCHOR_PREPOSITIONS)

# -- the times ------------------------------------------------------------------------------------------------------

_DEADLINE_RELATION = _keywords(v.DEADLINE_RELATIONS)
_SUNSET_RELATION = _keywords(v.SUNSET_RELATIONS)
_POINT_RELATION = _keywords(v.POINT_RELATIONS)

SUNSET_CHOICE = (_SUNSET_RELATION("relation") + K("the") + _keywords(v.SUNSET_CHOICES)("choice") + K("of")
                 + pp.Opt(pp.Suppress(":")) + _REST("rest"))
SUNSET_DATE = (_SUNSET_RELATION | _keywords(v.DATED_SUNSET_RELATIONS))("relation") + DATE_WORDS
EXPIRY = (_keywords(v.EXPIRY_WORDS)("relation") + pp.Opt(K("on") | K("at the end of") | K("effective")).suppress()
          + DATE_WORDS)
# "by January 1, 2028"; "not later than March 1 of each year" (a periodic deadline)
DEADLINE_DATE = _DEADLINE_RELATION("relation") + DATE_WORDS + pp.Opt(_EACH_YEAR)
ORDINAL_DAY = ((_DEADLINE_RELATION | _POINT_RELATION)("relation") + ORDINAL_PERIOD
               + pp.Opt(_ANCHOR_PREPOSITION("preposition") + _ANCHOR("anchor")))
VAGUE_TIME = _keywords(v.VAGUE_TIME_PHRASES)("relation")
DEADLINE_PERIOD = (_DEADLINE_RELATION("relation") + DURATION
                   + pp.Opt(_ANCHOR_PREPOSITION("preposition") + _ANCHOR("anchor")))
ADVANCE = (_keywords(v.ADVANCE_RELATIONS)("relation") + DURATION + (K("before") | K("prior to"))("preposition")
           + _ANCHOR("anchor"))
RELATIVE_POINT = DURATION + (K("after") | K("following") | K("from"))("relation") + _ANCHOR("anchor")
IMMEDIATE_TIME = _keywords(v.IMMEDIATE_PHRASES)("relation")
PERIODIC_TIME = (pp.Regex(rf"(?:{_alternation(v.ADVANCE_RELATIONS)}\s+)?{_alternation(v.RECURRENCE_WORDS)}\s+"
                          rf"{_alternation(v.PERIOD_OPENERS)}", flags=re.IGNORECASE).set_parse_action(_lowered)
                 ("relation") + _PERIOD_UNIT
                 | _keywords(v.PERIODIC_ADVERBS)("adverb")
                 | _keywords([word for word in v.PERIOD_OPENERS if word != "a"])("relation") + _PERIOD_UNIT
                 | K("every")("relation") + DURATION)
POINT = _POINT_RELATION("relation") + DATE_WORDS
SUNSET_OPEN = _SUNSET_RELATION("relation") + _REST("anchor")

_ADVERB_PERIODS = {"annually": "year", "yearly": "year", "semiannually": "half-year", "biannually": "half-year",
                   "biennially": "two years", "quarterly": "quarter", "monthly": "month", "weekly": "week",
                   "daily": "day"}
_ALTERNATIVE_BREAK = re.compile(r",?\s+or\s+(?=\(\w{1,4}\)\s)|,\s+or\s+|;\s*(?:or\s+)?")
_LABEL = re.compile(r"^\(\w{1,4}\)\s*")


def _one(result: pp.ParseResults, name: str):
    """The value of a named part (a part that may match several tokens is kept as a list: its first)."""
    value = result.get(name)
    while isinstance(value, pp.ParseResults):
        value = value[0] if len(value) else None
    return value


def _date(result: pp.ParseResults) -> str | None:
    month, day, year = _one(result, "month"), _one(result, "day"), _one(result, "year")
    if month is None or day is None:
        return None
    if year is not None:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"--{month:02d}-{day:02d}"


def _anchor(result: pp.ParseResults) -> str | None:
    anchor = " ".join((_one(result, "anchor") or "").split())
    return anchor or None


def _relation(result: pp.ParseResults) -> str | None:
    relation = _one(result, "relation")
    return relation.lower() if isinstance(relation, str) else None


def _alternatives(rest: str) -> tuple[str, ...]:
    """Split "(1) December 31, 2028, or (2) the date on which ..." into its alternatives."""
    parts = [_LABEL.sub("", part).strip(" ,") for part in _ALTERNATIVE_BREAK.split(rest.strip())]
    return tuple(part for part in parts if part)


def _built(kind: str):
    """A parse action that makes the Time of one construction from its named parts."""

    def build(_text: str, _location: int, result: pp.ParseResults) -> Time:
        relation = _relation(result)
        amount = _one(result, "amount")
        unit = _one(result, "unit")
        period = _one(result, "period")
        date = _date(result)
        alternatives: tuple[str, ...] = ()
        anchor = _anchor(result)
        found_kind = kind
        if kind == SUNSET_TIME and "rest" in result:
            alternatives = _alternatives(_one(result, "rest"))
            relation = f"{relation} the {_one(result, 'choice')} of"
            for alternative in alternatives:
                dated = _parse_at(alternative, 0, DATE_WORDS)
                if dated is not None and date is None:
                    date = _date(dated)
        if kind == DEADLINE and period is not None:
            found_kind = PERIODIC
        if kind == PERIODIC and period is None and unit is not None:  # "every two years"
            period, unit = unit, None
        if kind == PERIODIC and "adverb" in result:
            adverb = _one(result, "adverb").lower()
            period, relation = _ADVERB_PERIODS.get(adverb, adverb), adverb
        if kind == DEADLINE and relation in v.POINT_RELATIONS and relation not in v.DEADLINE_RELATIONS:
            found_kind = DATE  # "on the ninetieth day following its enactment"
        if "preposition" in result and kind in (DEADLINE, DATE) and relation in v.ADVANCE_RELATIONS:
            relation = f"{relation} … {_one(result, 'preposition').lower()}"
        business = _one(result, "business")
        return Time(kind=found_kind, words="", relation=relation, amount=amount if isinstance(amount, int) else None,
                    unit=unit if isinstance(unit, str) else None, business_days=business is True, date=date,
                    period=period if isinstance(period, str) else None, anchor=anchor, alternatives=alternatives)

    return build


for _expression, _kind in ((SUNSET_CHOICE, SUNSET_TIME), (SUNSET_DATE, SUNSET_TIME), (EXPIRY, SUNSET_TIME),
                          (DEADLINE_DATE, DEADLINE), (ORDINAL_DAY, DEADLINE), (VAGUE_TIME, VAGUE),
                          (DEADLINE_PERIOD, DEADLINE), (ADVANCE, DEADLINE), (RELATIVE_POINT, DATE),
                          (IMMEDIATE_TIME, IMMEDIATE), (PERIODIC_TIME, PERIODIC), (POINT, DATE),
                          (SUNSET_OPEN, SUNSET_TIME)):
    _expression.set_parse_action(_built(_kind))

# every time, the constructions tried in this order (a PEG: the first that parses is the reading)
TIME = pp.Located(pp.MatchFirst([SUNSET_CHOICE, SUNSET_DATE, EXPIRY, DEADLINE_DATE, ORDINAL_DAY, VAGUE_TIME,
                                 DEADLINE_PERIOD, ADVANCE, RELATIVE_POINT, IMMEDIATE_TIME, PERIODIC_TIME, POINT,
                                 SUNSET_OPEN]))
# the same constructions grouped by the words they start with, in the same order: where the finder below saw those
# words, only that group is tried
_BY_START = {
    "deadline": pp.Located(pp.MatchFirst([DEADLINE_PERIOD, DEADLINE_DATE, ORDINAL_DAY, VAGUE_TIME])),
    "end": pp.Located(pp.MatchFirst([SUNSET_CHOICE, SUNSET_DATE, EXPIRY, VAGUE_TIME, IMMEDIATE_TIME, SUNSET_OPEN])),
    "periodic": pp.Located(PERIODIC_TIME),
    "recurring": pp.Located(PERIODIC_TIME),
    "dated_end": pp.Located(SUNSET_DATE),
    "point": pp.Located(pp.MatchFirst([ORDINAL_DAY, POINT])),
    "advance": pp.Located(pp.MatchFirst([ADVANCE, PERIODIC_TIME])),
    "relative": pp.Located(RELATIVE_POINT),
}

# The places a time can start, found by one regular expression before the grammar is tried: the first words of each
# construction and what must follow them ("within" then a number, "a" or "the"; "on" then a month or "the …th").
# Most clauses hold none, and the grammar is tried only where one is.
_NUMBERISH = rf"(?:\d|{_alternation(v.CARDINAL_NUMBERS)}|an?\s)"
_ORDINAL_DAY_START = r"the\s+[\w-]+(?:th|st|nd|rd)\b"
_UNITS_PATTERN = rf"(?:(?:{'|'.join(v.BUSINESS_DAY_WORDS + v.CALENDAR_DAY_WORDS)})\s+)?(?:{'|'.join(v.TIME_UNITS)})s?\b"
# each group of constructions: the pattern of its first words and what must follow them
_GROUP_STARTS = {
    "deadline": rf"{_alternation(v.DEADLINE_RELATIONS)}\s+(?:{_NUMBERISH}|{_ORDINAL_DAY_START}|{_MONTH_PATTERN}|\d)",
    "end": _alternation(v.SUNSET_RELATIONS + v.EXPIRY_WORDS + v.VAGUE_TIME_PHRASES + v.IMMEDIATE_PHRASES),
    "periodic": _alternation(v.PERIODIC_ADVERBS + v.RECURRENCE_WORDS),
    "dated_end": rf"{_alternation(v.DATED_SUNSET_RELATIONS)}\s+(?:{_MONTH_PATTERN}|\d)",
    "point": (rf"{_alternation(v.POINT_RELATIONS)}\s+"
              rf"(?:{_MONTH_PATTERN}|\d{{1,2}}\s+{_MONTH_PATTERN}|{_ORDINAL_DAY_START})"),
    "recurring": (rf"{_alternation(w for w in v.PERIOD_OPENERS if w != 'a')}\s+"
                  rf"(?:{_UNITS_PATTERN}|quarter|{_NUMBERISH})"),
    "advance": rf"{_alternation(v.ADVANCE_RELATIONS)}\s+(?:{_NUMBERISH}|{_alternation(v.RECURRENCE_WORDS)})",
    "relative": (rf"(?<![\w,.])(?:\d[\d,]*|{_alternation(v.CARDINAL_NUMBERS)})"
                 rf"(?:[\s-]+(?:{_alternation(v.CARDINAL_NUMBERS)}|and))*"
                 rf"(?:\s*\(\d+\))?\s+{_UNITS_PATTERN}\s+{_alternation(('after', 'following', 'from'))}"),
}
_GROUP_PATTERNS = {group: re.compile(pattern, re.IGNORECASE) for group, pattern in _GROUP_STARTS.items()}
_GROUP_WORDS = {
    "deadline": v.DEADLINE_RELATIONS, "end": v.SUNSET_RELATIONS + v.EXPIRY_WORDS + v.VAGUE_TIME_PHRASES
    + v.IMMEDIATE_PHRASES, "periodic": v.PERIODIC_ADVERBS + v.RECURRENCE_WORDS, "dated_end": v.DATED_SUNSET_RELATIONS,
    "point": v.POINT_RELATIONS, "recurring": tuple(w for w in v.PERIOD_OPENERS if w != "a"),
    "advance": v.ADVANCE_RELATIONS, "relative": tuple(v.CARDINAL_NUMBERS),
}
# first word -> the groups it may open, in the order above
_FIRST_WORDS: dict[str, tuple[str, ...]] = {}
for _group, _phrases in _GROUP_WORDS.items():
    for _first in dict.fromkeys(phrase.split()[0] for phrase in _phrases):
        _FIRST_WORDS[_first] = (*_FIRST_WORDS.get(_first, ()), _group)
_FIGURE_START = re.compile(r"(?<![\d,.])\d")
_WINDOW = 600  # characters a time and its anchor can span


def _parse_at(text: str, start: int, expression: pp.ParserElement = TIME):
    """Parse a time that starts at `start`, or return None."""
    try:
        return expression.parse_string(text[start:start + _WINDOW])
    except pp.ParseException:
        return None


# every time holds one of these words (a unit, a month, a word that is a time by itself: the longest word of each
# such phrase); a text that holds none is not searched further. "may" is a modal more often than a month: a May date
# is looked for apart.
_GATE = frozenset([
    *v.TIME_UNITS, *(unit + "s" for unit in v.TIME_UNITS), "quarter", "quarters",
    *(month for month in v.MONTH_NAMES if month != "may"),
    *gate((*v.VAGUE_TIME_PHRASES, *v.IMMEDIATE_PHRASES, *v.SUNSET_RELATIONS, *v.EXPIRY_WORDS)),
    *v.PERIODIC_ADVERBS, *v.RECURRENCE_WORDS,
])
_MAY_DATE = re.compile(r"\bmay\s+\d")


def may_hold_time(low: str, words: frozenset[str] | None = None) -> bool:
    """Tell whether lower-cased text may hold a time at all (a quick test before the search); `words` are its words
    when the caller has them."""
    words = tokens(low) if words is None else words
    return not _GATE.isdisjoint(words) or ("may" in words and _MAY_DATE.search(low) is not None)


def _starts(text: str, words: frozenset[str] | None = None):
    """Yield (position, group) where a time may start: a listed first word followed by what its group needs, or a
    figure that starts a period ("30 days after ...")."""
    low = text.lower()
    if not may_hold_time(low, words):
        return
    if len(low) != len(text):  # a character whose lower case is longer: positions would drift
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    places = [(position, word) for position, word in word_starts(low, _FIRST_WORDS)]
    places.extend((m.start(), "") for m in _FIGURE_START.finditer(low))
    places.sort()
    for position, word in places:
        for group in _FIRST_WORDS.get(word, ("relative",)):
            if _GROUP_PATTERNS[group].match(low, position):
                yield position, group


_PART_END = re.compile(r";|\.(?:\s|$)")


def locate_times(text: str, memo: dict | None = None, words: frozenset[str] | None = None
                  ) -> tuple[tuple[int, int, Time], ...]:
    """Read every time in a text, in order, with where its words start and end (none overlap).

    `memo` (a dict kept for one document) parses the words of a time met before at once: a time never reads past
    the end of its sentence part (a semicolon, a full stop), so those words are the key."""
    found = []
    end = 0
    for start, group in _starts(text, words):
        if start < end:
            continue
        part = _PART_END.search(text, start)
        key = (group, text[start:part.start() if part else len(text)])
        if memo is not None and key in memo:
            reading = memo[key]
        else:
            parsed = _parse_at(text, start, _BY_START[group])
            reading = None if parsed is None else (parsed["locn_start"], parsed["locn_end"], parsed["value"][0])
            if memo is not None:
                memo[key] = reading
        if reading is None:
            continue
        first, last, time = reading
        words = text[start + first:start + last]
        end = start + last
        stripped = words.strip(" ,")
        begin = start + first + words.index(stripped[:1]) if stripped else start
        found.append((begin, begin + len(stripped), replace(time, words=stripped)))
    return tuple(found)


def find_times(text: str) -> tuple[Time, ...]:
    """Read every time in a text, in order."""
    return tuple(time for _, _, time in locate_times(text))


def first_time(text: str) -> Time | None:
    """Read the first time in a text, or None."""
    found = locate_times(text)
    return found[0][2] if found else None


def parse_time(words: str) -> Time | None:
    """Parse a phrase that is a time from its first word ("within thirty days"), or return None."""
    words = " ".join(words.split())
    parsed = _parse_at(words, 0)
    if parsed is None:
        return None
    return replace(parsed["value"][0], words=words[parsed["locn_start"]:parsed["locn_end"]].strip(" ,"))
