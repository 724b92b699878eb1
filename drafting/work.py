"""The heavy-work budget: how much work a document is, read from its bytes without parsing them, and whether a job of
that much work may start now (admission, heavy slots shared by a server's workers through lock files). No Flask.

Work is counted in provisions: every provision of a document (a hierarchical element, or a labelled line of text)
is one, and so is every WORDS_PER_PROVISION words of its text, since word diffs and the reading of statements grow
with the words whatever the markup around them. The bytes do not count: the same sections are the same work whether
their markup is terse, or indented, prefixed and annotated by another system. The budget that admits the work is
WorkBudget, below.

The scans are bounded: regular expressions that never look past the next "<" or line, run over windows of at most
WINDOW_BYTES (so that what a scan builds stays small whatever the document), and byte counts; they take about as long
as libxml2 takes to parse a terse document, a fifth of that for a verbose one, and a few per cent of a redline
(bench/bench_estimate.py). Markup too dense for the hardened parser is not scanned at all: the parser refuses it
before building anything, so it is no work.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from drafting.akn.eids import PREFIXES
from drafting.akn.parse import ParseLimits
from drafting.config import DEFAULT_MAX_DOCX_UNPACKED_BYTES
from drafting.errors import BusyError, DraftingError, WorkTooLargeError
from drafting.importers import DOCX, IMPORTABLE, TEXT_PLAIN

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


# --- admission ---------------------------------------------------------------------------------------------------

DEFAULT_HEAVY_PROVISIONS = 3000
DEFAULT_MAX_PROVISIONS = 150_000
BUSY_RETRY_SECONDS = 2


# bytes per provision of an upload whose body is not read yet, to tell from its size alone whether it may be heavy
# work (and take a slot before reading it): AKN carries about one provision per 300 bytes of markup; plain text one
# per 100 bytes (and importing it costs more than parsing AKN); .docx is compressed. Once read, a document is judged
# by its provisions and words (drafting.work), never by its bytes.
_BYTES_PER_PROVISION = {"akn": 300, "text": 100, "docx": 30}


@dataclass(frozen=True)
class WorkBudget:
    """How much work one request may start.

    A job estimated at `heavy_provisions` or more takes one of `slots` heavy slots, shared by every process that
    uses the same `lock_folder` (the workers of one server; without a folder, the threads of this process); when
    none is free it is refused at once with BusyError (503, Retry-After) rather than queued, so that heavy jobs never
    hold more workers than there are slots and light requests always find one free. Above `max_provisions` a job is
    refused (WorkTooLargeError, 413).
    """

    heavy_provisions: int = DEFAULT_HEAVY_PROVISIONS
    max_provisions: int = DEFAULT_MAX_PROVISIONS
    slots: int = 1
    lock_folder: str | None = None
    retry_after: int = BUSY_RETRY_SECONDS

    @classmethod
    def from_settings(cls, settings) -> WorkBudget:
        """Read DRAFTING_HEAVY_PROVISIONS, DRAFTING_HEAVY_MAX_PROVISIONS and DRAFTING_HEAVY_SLOTS; the slots are
        shared through lock files in the instance folder."""
        return cls(
            heavy_provisions=int(settings.get("DRAFTING_HEAVY_PROVISIONS") or DEFAULT_HEAVY_PROVISIONS),
            max_provisions=int(settings.get("DRAFTING_HEAVY_MAX_PROVISIONS") or DEFAULT_MAX_PROVISIONS),
            slots=max(1, int(settings.get("DRAFTING_HEAVY_SLOTS") or 1)),
            lock_folder=settings.get("INSTANCE_PATH"),
        )

    @contextmanager
    def admit(self, provisions: int, what: str) -> Iterator[None]:
        """Run a job estimated at `provisions`: at once when light, in a heavy slot when heavy, or refuse it."""
        slot = self.reserve(provisions, what)
        try:
            yield
        finally:
            if slot is not None:
                slot.release()

    def reserve(self, provisions: int, what: str) -> _HeavySlot | None:
        """Take a heavy slot for a job estimated at `provisions` (None when the job is light, and needs none); refuse
        it with WorkTooLargeError above the ceiling, or with BusyError when every slot is taken."""
        if provisions > self.max_provisions:
            raise WorkTooLargeError(
                f"{what} covers about {provisions:,} provisions; one request may cover at most "
                f"{self.max_provisions:,} (DRAFTING_HEAVY_MAX_PROVISIONS)",
                extra={"provisions": provisions, "max_provisions": self.max_provisions},
            )
        return self.take_slot(provisions, what)

    def take_slot(self, provisions: int, what: str) -> _HeavySlot | None:
        """Take a heavy slot for a job that may be heavy, without judging the ceiling (a body not read yet: its
        size can say that it may be heavy, never that it is too costly); None when light, BusyError when every slot
        is taken."""
        if provisions < self.heavy_provisions:
            return None
        slot = take_heavy_slot(self)
        if slot is None:
            raise BusyError(
                f"{what} is heavy work (about {provisions:,} provisions) and every slot for heavy work "
                f"({self.slots}) is taken; try again in {self.retry_after} s",
                retry_after=self.retry_after, extra={"provisions": provisions},
            )
        return slot

    def reserved(self) -> WorkBudget:
        """Return this budget for a job that already holds a heavy slot: it takes no other (the ceiling holds)."""
        return replace(self, heavy_provisions=self.max_provisions + 1)


DEFAULT_BUDGET = WorkBudget()


class _HeavySlot:
    """A slot taken: this process's semaphore and, when slots are shared between processes, a locked file."""

    def __init__(self, semaphore: threading.BoundedSemaphore, fd: int | None):
        self.semaphore, self.fd = semaphore, fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the file releases its lock
        self.semaphore.release()


_process_slots: dict[tuple[int, str | None], threading.BoundedSemaphore] = {}
_process_slots_lock = threading.Lock()


def take_heavy_slot(budget: WorkBudget) -> _HeavySlot | None:
    """Take a heavy slot without waiting; None when every one is taken (in this process or, with a lock folder, by
    any process sharing it: flock locks are held by open files, so they exclude threads and processes alike and are
    released when a process dies)."""
    import fcntl

    with _process_slots_lock:
        semaphore = _process_slots.setdefault((budget.slots, budget.lock_folder),
                                              threading.BoundedSemaphore(budget.slots))
    if not semaphore.acquire(blocking=False):
        return None
    if budget.lock_folder is None:
        return _HeavySlot(semaphore, None)
    for number in range(budget.slots):
        try:
            os.makedirs(budget.lock_folder, exist_ok=True)
            fd = os.open(os.path.join(budget.lock_folder, f"heavy-work-{number}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return _HeavySlot(semaphore, None)  # no folder to share slots through: this process's slots only
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        return _HeavySlot(semaphore, fd)
    semaphore.release()
    return None


def estimated_provisions(size: int, media_type: str | None = None) -> int:
    """Estimate the provisions of a body of `size` bytes not read yet, from its media type alone (AKN by default):
    enough to tell that it may be heavy work, not to refuse it as too costly."""
    if media_type == DOCX:
        return size // _BYTES_PER_PROVISION["docx"]
    if media_type in IMPORTABLE:
        return size // _BYTES_PER_PROVISION["text"]
    return size // _BYTES_PER_PROVISION["akn"]
