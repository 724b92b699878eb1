"""Styles and numbering definitions of a .docx (word/styles.xml, word/numbering.xml), and Word's number formats.

Plain data read once per document; the body reader (body.py) counts paragraphs against them to render labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from drafting.errors import InvalidDocumentError

from .archive import NUMBERING_PART

MAX_LEVEL_TEXT = 255  # a numbering label template ("Article %1.%2"); longer ones exist only to amplify output
# Beyond these, letters ("zzz...") and Roman numerals ("mmm...") grow without bound: such values come out decimal.
MAX_LETTERED = 26 * 30
MAX_ROMAN = 3999
_DECIMAL_NUMBER_MIN, _DECIMAL_NUMBER_MAX = -(2**31), 2**31 - 1  # ST_DecimalNumber: 32-bit


@dataclass(frozen=True)
class NumberingReference:
    """A w:numPr: which numbering instance and level, either of which may be left to the style."""

    num_id: str | None = None
    ilvl: int | None = None


@dataclass(frozen=True)
class StyleBook:
    """Paragraph and numbering styles: the numbering each one carries and the style it is based on."""

    numbering: dict[str, NumberingReference] = field(default_factory=dict)
    based_on: dict[str, str] = field(default_factory=dict)
    default_paragraph_style: str | None = None

    def numbering_of(self, style_id: str | None) -> NumberingReference:
        """Return the numbering a style carries, directly or through the styles it is based on."""
        num_id, ilvl, seen = None, None, set()
        while style_id is not None and style_id not in seen:
            seen.add(style_id)
            reference = self.numbering.get(style_id, NumberingReference())
            num_id = num_id if num_id is not None else reference.num_id
            ilvl = ilvl if ilvl is not None else reference.ilvl
            style_id = self.based_on.get(style_id)
        return NumberingReference(num_id, ilvl)


@dataclass(frozen=True)
class Level:
    """One level of a numbering definition."""

    start: int = 0  # ECMA-376 17.9.25: an absent w:start means zero
    number_format: str = "decimal"
    text: str = ""
    restart_after: int | None = None  # w:lvlRestart: 1-based level whose use restarts this one; 0 means never
    legal: bool = False  # w:isLgl: every number in the label is shown as decimal
    style: str | None = None  # w:pStyle: the paragraph style that selects this level


@dataclass(frozen=True)
class NumberingInstance:
    """A w:num: an abstract definition plus the levels and start values it overrides."""

    abstract_id: str | None
    start_overrides: dict[int, int]
    level_overrides: dict[int, Level]


@dataclass(frozen=True)
class NumberingDefinitions:
    """word/numbering.xml: abstract definitions, their instances, and links through numbering styles."""

    abstract_levels: dict[str, dict[int, Level]] = field(default_factory=dict)
    instances: dict[str, NumberingInstance] = field(default_factory=dict)
    abstract_style_links: dict[str, str] = field(default_factory=dict)


def w_val(element: etree._Element | None, w: str) -> str | None:
    """Return the w:val attribute of an element that may be absent."""
    return None if element is None else element.get(f"{w}val")


def _integer(value: str | None) -> int | None:
    """Return a decimal attribute value as an int, or None when it is absent or not a 32-bit number."""
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if _DECIMAL_NUMBER_MIN <= number <= _DECIMAL_NUMBER_MAX else None


def _is_on(element: etree._Element | None, w: str) -> bool:
    """Return whether a WordprocessingML on/off property is present and not switched off."""
    return element is not None and element.get(f"{w}val", "true") not in ("false", "0", "off")


def numbering_reference(properties: etree._Element | None, w: str) -> NumberingReference:
    """Return the w:numPr held by paragraph properties (a w:pPr), if any."""
    numbering = None if properties is None else properties.find(f"{w}numPr")
    if numbering is None:
        return NumberingReference()
    return NumberingReference(
        num_id=w_val(numbering.find(f"{w}numId"), w), ilvl=_integer(w_val(numbering.find(f"{w}ilvl"), w))
    )


def read_styles(root: etree._Element | None, w: str) -> StyleBook:
    """Return the numbering and inheritance of every style in word/styles.xml."""
    if root is None:
        return StyleBook()
    numbering, based_on, default_paragraph_style = {}, {}, None
    for style in root.iterfind(f"{w}style"):
        style_id = style.get(f"{w}styleId")
        if style_id is None:
            continue
        numbering[style_id] = numbering_reference(style.find(f"{w}pPr"), w)
        parent = w_val(style.find(f"{w}basedOn"), w)
        if parent is not None:
            based_on[style_id] = parent
        if style.get(f"{w}type") == "paragraph" and style.get(f"{w}default") in ("1", "true", "on"):
            default_paragraph_style = style_id
    return StyleBook(numbering, based_on, default_paragraph_style)


def _read_level(level: etree._Element, w: str) -> Level:
    """Return one w:lvl."""
    start = _integer(w_val(level.find(f"{w}start"), w))
    text = w_val(level.find(f"{w}lvlText"), w) or ""
    if len(text) > MAX_LEVEL_TEXT:
        raise InvalidDocumentError(
            f"{NUMBERING_PART}: expected numbering level text of at most {MAX_LEVEL_TEXT} characters, found {len(text)}"
        )
    return Level(
        start=start if start is not None else 0,
        number_format=w_val(level.find(f"{w}numFmt"), w) or "decimal",
        text=text,
        restart_after=_integer(w_val(level.find(f"{w}lvlRestart"), w)),
        legal=_is_on(level.find(f"{w}isLgl"), w),
        style=w_val(level.find(f"{w}pStyle"), w),
    )


def _read_levels(parent: etree._Element, w: str) -> dict[int, Level]:
    """Return the w:lvl children of an element by level index."""
    levels = {}
    for level in parent.iterfind(f"{w}lvl"):
        index = _integer(level.get(f"{w}ilvl"))
        if index is not None:
            levels[index] = _read_level(level, w)
    return levels


def read_numbering(root: etree._Element | None, w: str) -> NumberingDefinitions:
    """Return the definitions in word/numbering.xml."""
    definitions = NumberingDefinitions()
    if root is None:
        return definitions
    for abstract in root.iterfind(f"{w}abstractNum"):
        abstract_id = abstract.get(f"{w}abstractNumId")
        if abstract_id is None:
            continue
        definitions.abstract_levels[abstract_id] = _read_levels(abstract, w)
        style_link = w_val(abstract.find(f"{w}numStyleLink"), w)
        if style_link is not None:
            definitions.abstract_style_links[abstract_id] = style_link
    for instance in root.iterfind(f"{w}num"):
        num_id = instance.get(f"{w}numId")
        if num_id is None:
            continue
        start_overrides, level_overrides = {}, {}
        for override in instance.iterfind(f"{w}lvlOverride"):
            index = _integer(override.get(f"{w}ilvl"))
            if index is None:
                continue
            start = _integer(w_val(override.find(f"{w}startOverride"), w))
            if start is not None:
                start_overrides[index] = start
            level = override.find(f"{w}lvl")
            if level is not None:
                level_overrides[index] = _read_level(level, w)
        definitions.instances[num_id] = NumberingInstance(
            abstract_id=w_val(instance.find(f"{w}abstractNumId"), w),
            start_overrides=start_overrides,
            level_overrides=level_overrides,
        )
    return definitions


# --- number formats -----------------------------------------------------------------------------------------------

_ROMAN_VALUES = (1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1)
_ROMAN_NUMERALS = ("m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i")
SUPPORTED_NUMBER_FORMATS = frozenset(
    {"decimal", "decimalZero", "lowerLetter", "upperLetter", "lowerRoman", "upperRoman", "ordinal", "none", "bullet"}
)


def _roman(value: int) -> str:
    """Return a positive number in lower-case Roman numerals."""
    digits = []
    for amount, numeral in zip(_ROMAN_VALUES, _ROMAN_NUMERALS, strict=True):
        count, value = divmod(value, amount)
        digits.append(numeral * count)
    return "".join(digits)


def _letters(value: int) -> str:
    """Return a positive number as Word letters: a..z, then aa..zz, then aaa..."""
    return chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)


def _ordinal(value: int) -> str:
    """Return a number with its English ordinal suffix (1st, 2nd, 11th)."""
    suffix = "th" if value % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def format_number(value: int, number_format: str) -> str:
    """Return a counter value in a w:numFmt; formats this module does not know come out as decimal."""
    if number_format == "none":
        return ""
    if number_format == "decimalZero":
        return f"{value:02d}"
    if number_format == "ordinal":
        return _ordinal(value)
    if 0 < value <= MAX_LETTERED and number_format in ("lowerLetter", "upperLetter"):
        letters = _letters(value)
        return letters.upper() if number_format == "upperLetter" else letters
    if 0 < value <= MAX_ROMAN and number_format in ("lowerRoman", "upperRoman"):
        numerals = _roman(value)
        return numerals.upper() if number_format == "upperRoman" else numerals
    return str(value)


