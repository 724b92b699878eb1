"""The front-matter stage: cover page, title, long title, recitals, enacting formula and the lines after it.

The paragraphs before the body are read as blocks and classified once the body opens, each by its own features
(patterns, capitals) and its neighbours (before or after the enacting formula, what the title stands next to):

- cover: filing data — docket, petition and petitioners, "Presented by", session, chamber, bill number, dates,
  sponsors, committee referral, the jurisdiction printed at the head;
- designation: the name of the instrument without its subject ("A BILL", "AN ORDINANCE", "ORDINANCE NO. 2024-17",
  "Amendment #180 to H4860"), which the title follows or completes;
- title, long title ("To prohibit …", "relative to …");
- recitals heading ("Findings", "Statement of facts", "Findings and purpose", …) and recitals: WHEREAS clauses, and
  numbered or unnumbered findings between the title and the enacting formula;
- formula: the enacting words ("Be it enacted …", "BE IT ORDAINED", "The City Council of X hereby ordains as
  follows:", an order's "ORDERED:"); instructions: what follows the formula before the first unit.

Every decision is recorded in the findings with its reason. A cover page is made only when the document has one: a
filing sheet (docket, petition, petitioners, "Presented by", a filing date) printed before the title; the session,
chamber, sponsors and date printed on a bill's or ordinance's first page stay in its preface.

`FrontMatterReader` is mixed into the `Recogniser`: `_front_decides` tells the walk whether a paragraph still belongs
to the front matter (numbered findings before the enacting formula are recitals, not units), `_front_matter` collects
the paragraphs before the body, and `_split_cover` classifies them once the walk is over. The patterns that tell the
body apart from front matter (formula, title, cover page, history notes) live here too.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..labels import CODE_NUMBER, CONTAINER, SECTION_MARKER, read_label
from ..paragraphs import Paragraph, is_all_caps
from .definitions import opens_with_definition
from .headings import heading_like
from .units import Block, Findings, Front

_LEGISLATOR = r"(city|town|county|village|borough|township|board|council|people|mayor|legislature|general assembly)"
FORMULA = re.compile(
    r"^((now,?\s+)?(therefore,?\s+)?be it (further\s+)?(enacted|ordained|resolved|ordered)\b"
    r"|now,?\s+therefore,?\s+be it\b"
    # "The City Council of X hereby ordains as follows:", "The people of the State of X do enact as follows:"
    rf"|(now,?\s+)?(therefore,?\s+)?the {_LEGISLATOR}\b.{{0,160}}?\b((do(es)?|hereby)\s+)?(ordains?\b|"
    r"(do(es)?|hereby)\s+enacts?\b|enacts?\s*(as follows|:|,?\s*that\b))"
    r"|it is hereby (ordained|enacted|ordered|resolved)\b"
    r"|(and\s+)?(be it\s+)?(further\s+)?(ordered|resolved)\s*(:|,|\bthat\b|$))",
    re.IGNORECASE,
)
TITLE_START = re.compile(r"^(an? (ordinance|act|bill|resolution|order)\b|amendment\b.*\bto\b)", re.IGNORECASE)
HISTORY = re.compile(
    r"^[\[(]\s*(history|added by|amended by|ord\.|ords\.|source|prior code|code [0-9]{4}|res\.|formerly)(?!\w)",
    re.IGNORECASE,
)
_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|" \
         r"jun|jul|aug|sept?|oct|nov|dec)\.?"
_SPONSOR_TITLE = r"(mr|mrs|ms|dr|representatives?|senators?|councilors?|councillors?|council ?members?|aldermen|" \
                 r"alderman|alderpersons?|supervisors?|commissioners?)\.?"
# a bill number alone on its line: "S. 681", "H.R. 1234", "A. 1234" (not the label "A.")
_BILL_NUMBER_FORM = (r"^(s|h|a|hr|h\.\s?r|sb|s\.\s?b|hb|h\.\s?b|ab|a\.\s?b|sf|s\.\s?f|hf|h\.\s?f|lb|l\.\s?b)"
                     r"\.?\s?((no\.?|number|#)\s*)?[0-9]+[a-z]?$")
_BILL_NUMBER = re.compile(_BILL_NUMBER_FORM, re.IGNORECASE)
# (pattern, what it is, whether it is filing data that makes a cover page of its own)
_COVER_FORMS = (
    (r"^(house|senate|assembly)?[ ,]*docket\b|\bdocket\s*(no\b|#|number)", "docket", True),
    (r"^presented by\b", "presented by", True),
    (r"^petitioners?\b|\brespectfully petitions?\b|^petition of\b|\ba petition\s*\(accompanied by\b"
     r"|^name:?\s+district\b", "petition", True),
    (r"^to the honou?rable\b", "address of a petition", True),
    (r"\bfiled (on|by|with)\b|^date filed\b|^filing date\b", "filing date", True),
    (r"^[0-9]+(st|nd|rd|th|d)\s+(congress|session|legislature|general assembly)\b"
     r"|^((first|second|third|fourth|[0-9]+(st|nd|rd|th|d))\s+)?((regular|special|extraordinary|annual)\s+)?session\b"
     r"|^in the\b.{0,80}\b(general court|legislature|general assembly|congress)\b"
     r"|^\(?(19|20)[0-9]{2}\s*[-\u2013]\s*((19|20)?[0-9]{2})\)?$"
     r"|^in the year\b", "session", False),
    (r"^in the (senate|house|assembly)\b|^in (city|town|county|village) council\b|^in (the )?board of\b"
     r"|^(the\s+)?(house of representatives|house of delegates|senate|assembly)(\s+of\s+[^.;:]{1,60})?$", "chamber",
     False),
    (r"^(house|senate|assembly)\b[ .]*(bill\b)?[ .]*(no\.?|number|#)\s*[0-9]|^(house|senate|assembly) (bill|file)\b|"
     + _BILL_NUMBER_FORM, "bill number", False),
    (rf"\bintroduced the following\b|^introduced by\b|^(co-?)?sponsors?\b|^(co-?)?sponsored by\b|^offered by\b"
     rf"|^submitted by\b|^requested by\b|^by request\b|^upon the recommendation\b|^by {_SPONSOR_TITLE}\s"
     rf"|^{_SPONSOR_TITLE}\s.{{0,120}}\b(offered|introduced|moves?|filed)\b", "sponsor", False),
    (r"\breferred to the committee\b|^committee on\b|^reported by\b|^committee report\b|^read (twice|and)\b",
     "committee", False),
    (rf"^{_MONTH}\s+[0-9]{{1,2}},?\s+[0-9]{{4}}\.?$|^[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{2,4}}$|^dated?\s*:", "date",
     False),
)
_COVER = tuple((re.compile(pattern, re.IGNORECASE), what, filing) for pattern, what, filing in _COVER_FORMS)
# the same patterns as one expression, for a quick test ("is this line cover matter?")
COVER = re.compile(r"^.*?(?:" + "|".join(f"(?:{pattern})" for pattern, _, _ in _COVER_FORMS) + ")", re.IGNORECASE)
# the jurisdiction printed at the head ("CITY OF NORTHAMPTON", "The Commonwealth of Massachusetts")
_JURISDICTION = re.compile(
    r"^(the\s+)?(commonwealth|state|city|town|county|village|borough|township|district|city and county)\s+of\s+\S",
    re.IGNORECASE,
)
# a labelled field of a filing form or covering memo ("INTRODUCED BY: …", "First reading: …", "TO: …", "RE: …")
_FIELD = re.compile(
    r"^((presented|introduced|sponsored|submitted|requested|prepared|filed|referred|offered)(\s+(by|to|on))?"
    r"|petitioners?|(co-?)?sponsors?|docket(\s+(no\.?|number))?|date(\s+(introduced|filed|submitted))?"
    r"|(first|second|third|final) reading|public hearing|committee( referral)?|to|from|re|subject|agenda item"
    r"|meeting date|attachments?|enclosures?)\s*:\s*\S",
    re.IGNORECASE,
)
_INSTRUMENT = r"(bill|act|ordinance|resolution|order|resolve|amendment|substitute)"
# "A BILL", "AN ORDINANCE", "A BILL FOR AN ACT", "A BILL ENTITLED"
_GENERIC = re.compile(rf"^(an?\s+)?{_INSTRUMENT}(\s+(for|to)\s+an?\s+(act|ordinance))?(\s+entitled)?\.?$",
                      re.IGNORECASE)
_BILL = re.compile(r"^(an?\s+)?bill\b", re.IGNORECASE)
# a digest or summary printed before the enacting formula explains the bill; it is not its recitals
_DIGEST_HEADING = re.compile(
    r"^(legislative counsel'?s digest|(bill )?digest|(bill )?summary|synopsis|explanatory (statement|note)|"
    r"fiscal note|analysis)\s*[.:]?$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(
    rf"^((an?\s+)?{_INSTRUMENT}|(house|senate) (amendment|substitute))\s*(no\.?|number|#)?\s*#?\s*([a-z]{{1,3}}-?)?"
    r"[0-9][\w.-]*"
    r"(\s+(to|of|for)\s+\S+(\s+\S+){0,3})?\.?$",
    re.IGNORECASE,
)
_TITLE = re.compile(rf"^((an?\s+)?{_INSTRUMENT})\b(?!\s*(no\b|number\b|#|[0-9]))\s*\S", re.IGNORECASE)
_LONG_TITLE = re.compile(r"^(to (?!the\b)[a-z]+\b|relati(ve|ng) to\b)", re.IGNORECASE)
_RECITAL = re.compile(r"^(whereas)\b", re.IGNORECASE)
_RECITALS_HEADING = re.compile(
    r"^((legislative\s+|general\s+)?findings?(\s+of\s+fact)?(,?\s+(and\s+)?(purposes?|intent|declarations?))*"
    r"|statement of (facts?|purposes?|intent|findings)|(legislative\s+)?(purposes?|intent)(\s+and\s+(intent|findings))?"
    r"|declaration of (findings|policy|purpose)|preamble|recitals|background)\s*[.:]?$",
    re.IGNORECASE,
)
_MOST_NUMBERED_FINDINGS = 60
_YEAR = re.compile(r"\b(19[5-9][0-9]|20[0-9][0-9])\b")


class Classified(NamedTuple):
    """What one front-matter block is and why."""

    kind: str  # cover | designation | title | longTitle | recitalsHeading | recital | formula | instruction | ...
    reason: str
    filing: bool = False


def cover_reason(text: str) -> tuple[str, bool] | None:
    """Say what cover matter a line is (docket, session, sponsor …) and whether it is filing data, or None."""
    for pattern, what, filing in _COVER:
        if pattern.search(text):
            return what, filing
    if _FIELD.match(text.strip()):
        return f"field of a filing form ({text.split(':', 1)[0].strip()}:)", True
    if _JURISDICTION.match(text) and len(text.split()) <= 8 and not text.rstrip().endswith((".", ";")):
        return "jurisdiction", False
    return None


def _designation(text: str) -> str | None:
    stripped = text.strip()
    if _GENERIC.match(stripped):
        return "generic"
    if _NUMBERED.match(stripped) and len(stripped.split()) <= 8:
        return "numbered"
    return None


def _own_features(text: str) -> Classified:
    """Classify a block by its own words alone (the neighbours decide later)."""
    if HISTORY.match(text):
        return Classified("history", "history note")
    if FORMULA.match(text):
        return Classified("formula", "enacting words")
    if _RECITAL.match(text):
        return Classified("recital", "WHEREAS clause")
    if _RECITALS_HEADING.match(text.strip()):
        return Classified("recitalsHeading", "heading of findings")
    if _DIGEST_HEADING.match(text.strip()):
        return Classified("digest", "heading of a digest or summary")
    designation = _designation(text)
    if designation:
        return Classified("designation", f"{designation} name of the instrument")
    cover = cover_reason(text)
    if cover:
        return Classified("cover", cover[0], cover[1])
    if _TITLE.match(text) and not text.rstrip().endswith(":"):
        return Classified("title", "names the instrument and its subject")
    if _LONG_TITLE.match(text):
        return Classified("longTitle", "says what the instrument does")
    return Classified("preface", "other front matter")


def _title_like(text: str) -> bool:
    """Tell whether a block could be a title printed without "An Act" (a heading-like line of a few words)."""
    stripped = text.strip().rstrip(".")
    return (len(stripped.split()) >= 2 and not CONTAINER.match(stripped) and not read_label(stripped)
            and (heading_like(stripped, max_words=20) or (is_all_caps(stripped) and len(stripped.split()) <= 30)))


def classify_front(texts: list[str], *, body_opens_with_section: bool = False) -> tuple[list[Classified], int | None]:
    """Classify front-matter blocks by their features and neighbours; return the classes and the title's index.

    Blocks joined to the title (a title printed over several lines, "AN ACT" + its subject) are classed "joined".
    `body_opens_with_section`: the body starts with a section marker, so findings under a heading before it are
    recitals even without an enacting formula.
    """
    classes = [_own_features(text) for text in texts]
    formula = next((i for i, c in enumerate(classes) if c.kind == "formula"), None)
    end = formula if formula is not None else len(texts)
    for i in range(end + 1 if formula is not None else end, len(texts)):
        if classes[i].kind not in ("formula", "history"):
            classes[i] = Classified("instruction", "after the enacting formula")
    title = _choose_title(texts, classes, end)
    _read_recitals(classes, end, title, formula is not None or body_opens_with_section)
    return classes, title


def _choose_title(texts: list[str], classes: list[Classified], end: int) -> int | None:
    """Mark the title among the blocks before the formula; return its index."""
    titles = [i for i in range(end) if classes[i].kind == "title"]
    designations = [i for i in range(end) if classes[i].kind == "designation"]
    for at in reversed(designations):
        following = _next_block(classes, at + 1, end)
        if following is None:
            continue
        generic = classes[at].reason.startswith("generic")
        bill = bool(_BILL.match(texts[at].strip()))
        if classes[following].kind == "title" and (not titles or following == titles[-1]):
            return following
        if bill and classes[following].kind == "longTitle":
            classes[following] = Classified("longTitle", "the long title after \u201cA BILL\u201d is the title")
            return following
        if generic and following == at + 1 and classes[following].kind in ("preface", "longTitle", "title") and (
                not titles):
            # "AN ACT" / "ESTABLISHING A MORATORIUM …": the instrument's name and its subject are one title
            classes[at] = Classified("title", f"{texts[at].strip()!r} and the line after it are the title")
            classes[following] = Classified("joined", "continues the title")
            _join_capitals(texts, classes, following + 1, end)
            return at
        if not generic and classes[following].kind in ("preface", "longTitle") and _title_like(texts[following]):
            classes[following] = Classified("title", f"the title line after {texts[at].strip()!r}")
            return following
    if titles:
        at = titles[-1]
        if is_all_caps(texts[at]):
            _join_capitals(texts, classes, at + 1, end)
        return at
    long_titles = [i for i in range(end) if classes[i].kind == "longTitle"]
    if long_titles:
        classes[long_titles[-1]] = Classified("longTitle", "the long title is the only title printed")
        return long_titles[-1]
    candidates = [i for i in range(end) if classes[i].kind == "preface" and _title_like(texts[i])]
    if candidates:
        # no "An Act …" line: the heading-like line nearest the formula or the body is the title
        at = candidates[-1]
        classes[at] = Classified("title", "heading-like line nearest the body")
        return at
    return None


def _next_block(classes: list[Classified], start: int, end: int) -> int | None:
    for i in range(start, end):
        if classes[i].kind != "history":
            return i
    return None


def _join_capitals(texts: list[str], classes: list[Classified], start: int, end: int) -> None:
    """Class as "joined" the lines in capitals that go on with a title in capitals."""
    for i in range(start, end):
        ends_sentence = texts[i - 1].rstrip().endswith(".")
        if classes[i].kind in ("preface", "longTitle", "title") and is_all_caps(texts[i]) and not ends_sentence:
            classes[i] = Classified("joined", "continues the title in capitals")
            continue
        break


def _read_recitals(classes: list[Classified], end: int, title: int | None, preamble: bool) -> None:
    """Findings under a heading, and what stands between the title and the formula, are recitals (not what follows
    a digest or summary heading, which explains the bill without being part of it)."""
    first = title + 1 if title is not None else 0
    for i in range(first):
        if classes[i].kind == "recitalsHeading":
            # a "Background" or "Findings" heading before the title belongs to what precedes the instrument
            classes[i] = Classified("preface", "a heading before the title")
    heading_at = next((i for i in range(first, end) if classes[i].kind == "recitalsHeading"), None)
    if heading_at is not None and not (preamble and _next_block(classes, heading_at + 1, end) is not None):
        classes[heading_at] = Classified("preface", "a findings heading with no findings before the body")
        heading_at = None
    for i in range(first, len(classes)):
        if classes[i].kind == "recitalsHeading" and i != heading_at:
            # one heading opens the recitals; a later one is a line of them (or of the preface, where none open)
            later = heading_at is not None and i > heading_at
            classes[i] = Classified("recital" if later else "preface", "a further findings heading")
    start = heading_at + 1 if heading_at is not None else (title + 1 if title is not None and preamble else end)
    for i in range(start, end):
        if classes[i].kind == "digest":
            break
        if i == title or classes[i].kind == "joined":
            continue
        if classes[i].kind in ("preface", "longTitle", "designation") or (
            heading_at is not None and classes[i].kind in ("cover", "title")
        ):
            reason = "under the findings heading" if heading_at is not None else "between the title and the formula"
            classes[i] = Classified("recital", reason)
    if heading_at is not None and not any(classes[i].kind == "recital" for i in range(heading_at + 1, end)):
        classes[heading_at] = Classified("preface", "a findings heading with no findings under it")


class FrontMatterReader:
    """Collect the paragraphs before the body and classify them into `front` (a mixin of `Recogniser`)."""

    paragraphs: list[Paragraph]
    index: int
    front: Front
    findings: Findings
    year: str | None
    _bounds: tuple[int | None, int | None, int | None] | None = None  # see _preamble_bounds, found once
    _front_paragraphs: list[Paragraph] | None = None  # the paragraphs before the body, in order

    def _front_decides(self, paragraph: Paragraph) -> bool | None:
        """Say whether a paragraph opens the body (True), stays in the front matter (False), or leave it to the
        body's own tests (None): before the enacting formula everything is front matter (numbered findings are
        recitals), and a quoted definition opens the body."""
        formula, section, findings = self._preamble_bounds()
        if formula is not None and self.index < formula:
            return False
        if findings is not None and findings <= self.index < section:
            return False
        if _BILL_NUMBER.match(paragraph.text.strip()):
            return False  # "A. 1234": a bill number, not a label
        if opens_with_definition(paragraph.text):
            return True
        return None

    def _preamble_bounds(self) -> tuple[int | None, int | None, int | None]:
        """Return the index of the enacting formula, of the first section marker and of a findings heading before
        it, found once by one pass that stops at the first formula or section, or at a label that nothing before it
        marks as front matter (a body that opens with "(a)")."""
        if self._bounds is not None:
            return self._bounds
        bounds, anchored, findings, labels = (None, None, None), False, None, 0
        for index, paragraph in enumerate(self.paragraphs):
            text = paragraph.text
            if FORMULA.match(text):
                bounds = (index, None, None)
                break
            if SECTION_MARKER.match(text) or (CODE_NUMBER.match(text) and not COVER.match(text)):
                bounds = (None, index, findings)
                break
            if read_label(text) and not _BILL_NUMBER.match(text.strip()):
                labels += 1
                # numbered findings are a few dozen at most: a longer run of labels is a body, whatever follows it
                if not anchored or labels > _MOST_NUMBERED_FINDINGS:
                    break
                continue
            kind = _own_features(text).kind
            if kind == "recitalsHeading" and findings is None:
                findings = index
            anchored = anchored or kind in ("cover", "designation", "title", "longTitle", "recitalsHeading", "recital")
        self._bounds = bounds
        return bounds

    def _front_collected(self) -> list[Paragraph]:
        if self._front_paragraphs is None:
            self._front_paragraphs = []
        return self._front_paragraphs

    def _front_matter(self, paragraph: Paragraph) -> None:
        year = _YEAR.search(paragraph.text)
        if year and self.year is None:
            self.year = year.group(1)
        self._front_collected().append(paragraph)

    def _split_cover(self) -> None:
        """Classify the front-matter blocks into cover page, preface, recitals, formula and instructions."""
        paragraphs = self._front_collected()
        if not paragraphs:
            return
        body_start = len(paragraphs)
        opens_with_section = body_start < len(self.paragraphs) and bool(
            SECTION_MARKER.match(self.paragraphs[body_start].text))
        texts = [p.text for p in paragraphs]
        classes, title = classify_front(texts, body_opens_with_section=opens_with_section)
        front, findings = self.front, []
        before_title = 0  # preface blocks printed before the title: the cover page, when the document has one
        for index, (paragraph, found) in enumerate(zip(paragraphs, classes, strict=True)):
            block = Block(paragraph.text, paragraph.line)
            findings.append({"line": paragraph.line, "what": f"{_NAMES[found.kind]} ({found.reason})"})
            if found.kind == "joined":
                owner = front.preface[-1]
                owner.text += " " + block.text
                if owner.kind == "title":
                    front.title = owner.text
                continue
            if found.kind == "history":
                block.kind = "history"
                front.preface.append(block)
            elif found.kind == "recitalsHeading" and front.recitals_heading is None:
                front.recitals_heading = block.text.strip().rstrip(".:")
            elif found.kind == "recital":
                front.recitals.append(block)
            elif found.kind == "formula":
                front.formula.append(block)
            elif found.kind == "instruction":
                front.instructions.append(block)
            else:
                if index == title:
                    block.kind = "title" if found.kind != "longTitle" else "longTitle"
                    front.title = block.text
                elif found.kind == "longTitle":
                    block.kind = "longTitle"
                front.preface.append(block)
                before_title += title is not None and index < title
        evidence = cover_evidence(texts, classes, title)
        line = paragraphs[0].line
        if evidence and title is None:
            # no title: the cover page is the run of cover lines the document opens with
            before_title = 0
            while before_title < len(front.preface) and cover_reason(front.preface[before_title].text):
                before_title += 1
        if evidence and before_title:
            front.cover, front.preface = front.preface[:before_title], front.preface[before_title:]
            findings.append({"line": line, "what": f"a cover page: {evidence}"})
        elif any(found.kind == "cover" for found in classes):
            findings.append({"line": line, "what": "no cover page: the session, chamber, number, sponsor and date "
                                                   "lines belong to the first page (no filing form, petition, memo "
                                                   "or report before the title)"})
        self.findings.recognised[0:0] = findings


def cover_evidence(texts: list[str], classes: list[Classified], title: int | None) -> str | None:
    """Say why the document has a cover page of its own, or None: a filing form (docket, petition, "Presented by",
    labelled fields such as "INTRODUCED BY:" or "DATE:"), or a memo or report in prose, printed before the title
    (or, for fields, in the run of cover lines right after it)."""
    end = title if title is not None else len(texts)
    after = title + 1 if title is not None else end
    while after < len(classes) and classes[after].kind in ("joined", "cover"):
        after += 1
    for index in (*range(end), *range(end + 1, after)):
        found, text = classes[index], texts[index]
        if found.filing:
            return f"filing data: {found.reason}"
        if index < end and found.kind == "preface" and _prose(text):
            return "a memo or report before the title"
    return None


def _prose(text: str) -> bool:
    """Tell whether a block is running prose (a covering memo, letter or report), not a line of a title page."""
    return len(text.split()) >= 12 and not heading_like(text, max_words=None) and text.rstrip()[-1:] in ".:;"


_NAMES = {
    "cover": "cover matter", "designation": "name of the instrument", "title": "title", "longTitle": "long title",
    "joined": "title", "recitalsHeading": "heading of the recitals", "recital": "recital",
    "formula": "enacting formula", "instruction": "instruction after the enacting formula", "history": "history note",
    "preface": "preface", "digest": "preface",
}
