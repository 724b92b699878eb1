"""Assemble cleaned lines into paragraphs: soft line breaks joined, labels alone on a line attached to their text."""

from __future__ import annotations

import re
from typing import NamedTuple

from .cleanup import SourceLine
from .labels import CODE_NUMBER, CONTAINER, SECTION_MARKER, read_label
from .layout import join_hyphenated

_ENDS_BLOCK = re.compile(r"[.:;!?\u201d\"')\]]$|[-\u2014]{2}$")
_SMALL_LETTER = re.compile(r"[a-z]")
_TWO_CAPITALS = re.compile(r"[A-Z][^A-Z]*[A-Z]")
# a line ending in a title or abbreviation ("Mr.", "U.S.", "No.") does not end a sentence
_ABBREVIATION_END = re.compile(r"\b(Mr|Mrs|Ms|Dr|St|No|Nos|Sec|Secs|Ch|Art|Inc|Co|Corp|Jr|Sr|vs?|U\.S|[A-Z])\.$")


class Paragraph(NamedTuple):
    """A paragraph of the source and the line it starts on."""

    line: int  # a named tuple, as SourceLine (cleanup.py) is: a text makes one per paragraph
    text: str


def starts_structure(text: str) -> bool:
    """Tell whether a line opens a unit: a label, a section marker, a code number or a chapter/article line."""
    stripped = text.lstrip()
    return bool(
        read_label(stripped)
        or SECTION_MARKER.match(stripped)
        or CODE_NUMBER.match(stripped)
        or (CONTAINER.match(stripped) and _is_heading_line(CONTAINER.match(stripped).group("rest")))
    )


def _is_heading_line(rest: str) -> bool:
    return len(rest.split()) <= 12 and not rest[:1].islower()


def is_all_caps(text: str) -> bool:
    """Tell whether a line is written in capitals (a heading, a title line or a defined term)."""
    # at least two letters A-Z and none a-z; stops at the first small letter (paragraphs can be long)
    return not _SMALL_LETTER.search(text) and _TWO_CAPITALS.search(text) is not None


def only_labels(text: str) -> bool:
    """Tell whether a paragraph is nothing but labels ("A.", "(1)", "(a)(2)")."""
    rest = text.strip()
    if not rest:
        return False
    while rest:
        found = read_label(rest)
        if not found:
            return False
        rest = found[1]
    return True


def assemble(lines: tuple[SourceLine, ...]) -> list[Paragraph]:
    """Join lines into paragraphs by the layout's evidence: blank lines, labels, capitals and end punctuation."""
    paragraphs: list[Paragraph] = []
    current: list[str] = []
    start = 0

    def flush():
        nonlocal current
        if current:
            paragraphs.append(Paragraph(start, " ".join(" ".join(current).split())))
        current = []

    for line in lines:
        text = line.text.strip()
        if not text:
            flush()
            continue
        if current and _continues(current[-1], text):
            current[-1] = join_hyphenated(current[-1], text)
            continue
        flush()
        start = line.number
        current = [text]
    flush()
    return _attach_lone_labels(_join_broken_sentences(paragraphs))


def _join_broken_sentences(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Join a paragraph that starts in lower case to the previous one when that one has not ended its sentence
    (a blank line or a page break fell inside the sentence)."""
    result: list[Paragraph] = []
    for paragraph in paragraphs:
        if (
            result
            and paragraph.text[:1].islower()
            and not _ENDS_BLOCK.search(result[-1].text[-3:])
            and not starts_structure(paragraph.text)
        ):
            result[-1] = Paragraph(result[-1].line, join_hyphenated(result[-1].text, paragraph.text))
        else:
            result.append(paragraph)
    return result


_REFERENCE_WORD_END = re.compile(
    r"\b(sections?|subsections?|paragraphs?|subparagraphs?|clauses?|chapters?|divisions?|articles?|parts?|titles?"
    r"|§+)$",
    re.IGNORECASE,
)
# a title or formula in capitals wrapped at the margin: its line stops at a word that cannot end a title ("… CODE
# TO"), or it is a full line of a title or formula that has not ended its sentence
_CAPS_WRAPPED_WORD = re.compile(r"\b(TO|OF|THE|AND|OR|BY|FOR|IN|ON|WITH|FROM|RELATIVE|RELATING|CONCERNING)$")
_CAPS_WRAPPED_LINE = re.compile(r"^(?=.{60,300}$)(?!.*[.:;!?]$)(?:.*\b(?:AN|A)\s+(?:ACT|ORDINANCE|BILL|RESOLUTION)\b"
                                r"|(?:NOW|BE IT)\b)")
_FIELD = re.compile(r"^[A-Z][A-Za-z .']{1,30}:\s")


def _continues(previous: str, text: str) -> bool:
    """Tell whether a line continues the previous one (a soft line break inside a sentence)."""
    if starts_structure(text):
        # "… approved under section" / "2.128.030 of this chapter", "… under subsection" / "(d), the Attorney
        # General …": a cross-reference wrapped onto a new line
        return _ends_with_reference_word(previous) and (_lowercase_after_label(text)
                                                        or bool(_BRACKETED_REFERENCE.match(text)))
    if _FIELD.match(text):
        return False
    if only_labels(previous):
        return True
    if is_all_caps(text) and is_all_caps(previous) and _caps_wrapped(previous):
        return True  # a title or formula in capitals wrapped at the margin ("… AMENDING THE CODE TO" / "REGULATE …")
    if is_all_caps(previous) or (is_all_caps(text) and len(text) < 80):
        return previous.endswith("-") and not is_all_caps(text)
    # both patterns end at the end of the text: searching its last characters is the same, and does not grow with a
    # paragraph of many lines
    if _ENDS_BLOCK.search(previous[-3:]) and not _ABBREVIATION_END.search(previous[-12:]):
        return text[:1].islower()
    return True


# the longest reference word ("subparagraphs"), a line break that $ may stand before, and the character before them
# (which \b looks at): the end of a paragraph this long holds any match _REFERENCE_WORD_END finds in the whole of it
_REFERENCE_TAIL = 16


def _ends_with_reference_word(text: str) -> bool:
    """Tell whether text ends with a word that a cross-reference's number follows ("… approved under section"),
    searching only its end, so that the cost does not grow with a paragraph of many lines."""
    tail = text[-_REFERENCE_TAIL:]
    if tail[:1] == "\u00a7" and len(text) > len(tail):
        return bool(_REFERENCE_WORD_END.search(text))  # a run of "§" may begin before the tail, after a word
    return bool(_REFERENCE_WORD_END.search(tail))


def _caps_wrapped(previous: str) -> bool:
    """Tell whether a paragraph in capitals stops where its title or formula was wrapped (looking at its end)."""
    return bool(_CAPS_WRAPPED_WORD.search(previous[-16:])
                or (len(previous) <= 300 and _CAPS_WRAPPED_LINE.match(previous)))


# a bracketed label directly followed by a comma is a reference in a sentence, not a unit's label: "(d), the …"
_BRACKETED_REFERENCE = re.compile(r"\s*(?:\((?:[0-9]{1,3}[A-Za-z]?|[A-Za-z]{1,5})\))+,")


def _lowercase_after_label(text: str) -> bool:
    found = read_label(text.lstrip())
    rest = found[1] if found else re.sub(r"^\S+\s*", "", text.lstrip())
    return rest[:1].islower()


def _attach_lone_labels(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Join a paragraph made only of labels ("A." on its own line) to the paragraph that follows it."""
    result: list[Paragraph] = []
    pending: Paragraph | None = None
    for paragraph in paragraphs:
        if pending is not None:
            paragraph = Paragraph(pending.line, f"{pending.text} {paragraph.text}")
            pending = None
        if only_labels(paragraph.text):
            pending = paragraph
            continue
        result.append(paragraph)
    if pending is not None:
        result.append(pending)
    return result
