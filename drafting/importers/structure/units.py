"""The plain data the recogniser builds: blocks of text, units (provisions), front matter, findings."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..labels import Reading


@dataclass
class Block:
    """A paragraph inside a unit: plain text, a definition (with its term), a history note or an editor's note."""

    text: str
    line: int
    kind: str = "p"  # p | history | note
    term: str | None = None
    more_terms: list[str] = field(default_factory=list)  # further terms one definition defines ("A" or "B" means)
    quoted: list[Unit] | None = None  # the units an amending instruction quotes (AKN mod/quotedStructure)
    quote_marks: tuple[str | None, str | None, str | None] = (None, None, None)  # start, end, inline
    after_quote: str = ""  # words printed after the quotation's closing mark ("; and")


@dataclass
class Unit:
    """A provision being built: element name, printed number, heading, blocks before and after its children."""

    element: str
    num: str | None
    heading: str | None
    line: int
    reading: Reading | None = None
    blocks: list[Block] = field(default_factory=list)
    children: list[Unit] = field(default_factory=list)
    wrap: list[Block] = field(default_factory=list)
    implicit: bool = False
    definitions: bool = False

    def add(self, block: Block) -> None:
        (self.wrap if self.children else self.blocks).append(block)


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
