"""The plain data the recogniser builds: blocks of text, units (provisions), front matter, findings."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..labels import Reading


@dataclass(slots=True)
class Block:
    """A paragraph inside a unit: plain text, a definition (with its term), a history note or an editor's note."""

    text: str
    line: int
    kind: str = "p"  # p | history | note
    term: str | None = None
    more_terms: tuple[str, ...] = ()  # further terms one definition defines ("A" or "B" means)
    quoted: list[Unit] | None = None  # the units an amending instruction quotes (AKN mod/quotedStructure)
    quote_marks: tuple[str | None, str | None, str | None] = (None, None, None)  # start, end, inline
    after_quote: str = ""  # words printed after the quotation's closing mark ("; and")


@dataclass(slots=True)
class Unit:
    """A provision being built: element name, printed number, heading, blocks before and after its children."""

    element: str
    num: str | None
    heading: str | None
    line: int
    reading: Reading | None = None
    blocks: list[Block] = field(default_factory=list)
    # most units have neither children nor wrap-up text: these start as one shared empty tuple, made lists by
    # add_child and add (a text of short list items makes a unit a line, and the garbage collector walks each list)
    children: list[Unit] | tuple[()] = ()
    wrap: list[Block] | tuple[()] = ()
    implicit: bool = False
    definitions: bool = False

    def add(self, block: Block) -> None:
        """Add a paragraph: to the unit's own text, or after its children (its wrap-up) once it has any."""
        if not self.children:
            self.blocks.append(block)
        elif self.wrap:
            self.wrap.append(block)
        else:
            self.wrap = [block]

    def add_child(self, unit: Unit) -> None:
        if self.children:
            self.children.append(unit)
        else:
            self.children = [unit]


@dataclass
class Front:
    """What comes before the body: cover page, preface (title), preamble (recitals, formula, instructions)."""

    cover: list[Block] = field(default_factory=list)
    preface: list[Block] = field(default_factory=list)
    recitals: list[Block] = field(default_factory=list)
    formula: list[Block] = field(default_factory=list)
    instructions: list[Block] = field(default_factory=list)
    recitals_heading: str | None = None
    conclusions: list[Block] = field(default_factory=list)
    title: str | None = None


@dataclass
class Findings:
    """What the recogniser saw and guessed, for the import report."""

    recognised: list[dict] = field(default_factory=list)
    guessed: list[dict] = field(default_factory=list)
    unplaced: list[dict] = field(default_factory=list)

    def saw(self, line: int, what: str) -> None:
        self.recognised.append({"line": line, "what": what})

    def guess(self, line: int, what: str) -> None:
        self.guessed.append({"line": line, "what": what})


@dataclass
class Recognised:
    """The whole document as recognised."""

    front: Front
    body: list[Unit]
    findings: Findings
    year: str | None
