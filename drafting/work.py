"""PURE. The heavy-work estimate: how much work a document is, read from its bytes without parsing them.

Work is counted in provisions: every provision of a document (a hierarchical element, or a labelled line of text)
is one, and so is every WORDS_PER_PROVISION words of its text, since word diffs and the reading of statements grow
with the words whatever the markup around them. The bytes do not count: the same sections are the same work whether
their markup is terse, or indented, prefixed and annotated by another system. The budget that admits the work is
services.WorkBudget.

The scans are bounded: regular expressions that never look past the next "<" or line, run over windows of at most
WINDOW_BYTES (so that what a scan builds stays small whatever the document), and byte counts; they take about as long
as libxml2 takes to parse a terse document, a fifth of that for a verbose one, and a few per cent of a redline
(bench/bench_estimate.py). Markup too dense for the hardened parser is not scanned at all: the parser refuses it
before building anything, so it is no work.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from drafting.akn.eids import PREFIXES
from drafting.akn.parse import ParseLimits
from drafting.config import DEFAULT_MAX_DOCX_UNPACKED_BYTES
from drafting.errors import DraftingError
from drafting.importers import DOCX, TEXT_PLAIN

# A comparison costs about 60 us per provision and 0.8 us per word (two 2,000-section bills of 1 and of 8 sentences a
# subsection: 0.42 s and 0.87 s): 75 words are about as much work as a provision (bench/bench_estimate.py: the time
# per estimated provision stays the same whatever the words).
WORDS_PER_PROVISION = 75
# Words are counted as the characters of the text outside white space, over an English word's length.
CHARACTERS_PER_WORD = 5
# Importing text (or Word) before comparing it costs about as much again as the comparison (2 MB of text: 1.2 s).
IMPORT_COST_FACTOR = 2
# A .docx whose document part cannot be read is judged by its compressed size (the import then says what is wrong).
DOCX_BYTES_PER_PROVISION = 30
WINDOW_BYTES = 1024 * 1024

_WHITE_SPACE = b" \t\r\n\f\v"
_NAMES = b"|".join(sorted((name.encode("ascii") for name in PREFIXES), key=len, reverse=True))
# The start tag of a hierarchical element (with any namespace prefix), one provision each; the empty group makes
# findall return the same empty bytes for every match, so that counting builds nothing.
_PROVISION_START = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,60}:)?(?:" + _NAMES + rb")()[\s/>]")
_WORD_PARAGRAPH_START = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,60}:)?p()[\s/>]")
# a line of text that opens with a label: "SECTION 3.", "Sec. 4", "§ 5", "(a)", "12.", "iv)"
_LABELLED_LINE = re.compile(rb"(?:^|\n)[ \t]*()(?:section\b|sec\.|article\b|\xc2\xa7|\(?[0-9A-Za-z]{1,4}[.)])",
                            re.IGNORECASE)
_TAG = re.compile(rb"<[^<>]*>")


@dataclass(frozen=True)
class Workload:
    """What a document gives a job to do: its provisions and words, and whether it must be imported first."""

    provisions: int
    words: int
    imported: bool = False

    @property
    def cost(self) -> int:
        """The work in provisions: one per provision and per WORDS_PER_PROVISION words, twice that to import."""
        work = self.provisions + self.words // WORDS_PER_PROVISION
        return work * IMPORT_COST_FACTOR if self.imported else work


def workload(data: bytes, media_type: str | None = None) -> Workload:
    """Estimate the provisions and words of an AKN document (by default), a text (text/plain) or a .docx."""
    if media_type == DOCX:
        return _docx_workload(data)
    if media_type == TEXT_PLAIN:
        provisions = words = 0
        for window in _windows(data, b"\n"):
            provisions += len(_LABELLED_LINE.findall(window))
            words += _words(window)
        return Workload(provisions, words, imported=True)
    return _markup_workload(data, _PROVISION_START, ParseLimits())


def _docx_workload(data: bytes) -> Workload:
    """Count the paragraphs (at most one provision each) and words of a .docx's document part."""
    from drafting.importers.docx import read_document_part, wordml_limits

    try:
        part = read_document_part(data, max_uncompressed=DEFAULT_MAX_DOCX_UNPACKED_BYTES)
    except DraftingError:
        return Workload(len(data) // DOCX_BYTES_PER_PROVISION, 0, imported=True)
    found = _markup_workload(part, _WORD_PARAGRAPH_START, wordml_limits(DEFAULT_MAX_DOCX_UNPACKED_BYTES))
    return Workload(found.provisions, found.words, imported=True)


def _markup_workload(data: bytes, provision_start: re.Pattern, limits: ParseLimits) -> Workload:
    """Count the provisions (start tags that provision_start matches) and the words outside the tags of XML."""
    # the hardened parser's own count (drafting.akn.parse): a document above its limit is refused unparsed
    if data.count(b"<") - data.count(b"</") + data.count(b"=") > limits.markup_limit:
        return Workload(0, 0)
    provisions = words = 0
    for window in _windows(data, b"<"):
        provisions += len(provision_start.findall(window))
        words += _words(_TAG.sub(b"", window))
    return Workload(provisions, words)


def _windows(data: bytes, separator: bytes) -> Iterator[memoryview]:
    """Yield data in windows of at most WINDOW_BYTES, each but the first starting at a separator where one is near
    (so that no tag or line is cut in two)."""
    view, start, size = memoryview(data), 0, len(data)
    while start < size:
        end = min(start + WINDOW_BYTES, size)
        if end < size:
            cut = data.rfind(separator, start + 1, end)
            end = cut if cut != -1 else end
        yield view[start:end]
        start = end


def _words(text) -> int:
    """Estimate the words of a text from its characters outside white space."""
    return len(bytes(text).translate(None, _WHITE_SPACE)) // CHARACTERS_PER_WORD
