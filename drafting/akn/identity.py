"""The URI that names a document's work: the one it states, or one derived from what it does say, with the reason.

Documents from other systems do not always name their work: AKN4EU files from the EU leave FRBRthis and FRBRuri
empty, Legilux states the ELI in FRBRthis only. The rules, in order:

1. `stated`: the first FRBRWork/FRBRuri value, as the document states it (never overridden, placeholders included);
2. `frbr-this`: FRBRWork/FRBRthis without its work component (`/!main`);
3. `metadata`: `/akn/{country}/{type}[/{name}]/{date}/{number}` from FRBRcountry, the document element and its name,
   FRBRdate and FRBRnumber, as the AKN naming convention builds a work URI;
4. `text-hash`: `ni:///sha-256;...` (RFC 6920), the SHA-256 of the document's text, which no eId repair and no
   filled-in identity changes: the same text is the same work.

An empty value or a "#" reference (a template variable such as Lawmaker's "#varProjectId") is not a source.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from lxml import etree

from .namespaces import akn, local_name
from .serialize import text_of

RULES = ("stated", "frbr-this", "metadata", "text-hash")
_PLACE = re.compile(r"^[a-z]{2}(-[a-z0-9]+)*$")  # a country with an optional locality, as FrbrUri reads it
_DATE = re.compile(r"^([0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?)(?:T.*)?$")
_WORK_COMPONENT = re.compile(r"/![^/]*$")


@dataclass(frozen=True)
class WorkIdentity:
    """The work URI of a document, the rule that gave it, the values it came from and why earlier rules did not."""

    work_uri: str
    rule: str
    sources: tuple[tuple[str, str], ...]
    unusable: tuple[str, ...] = ()

    @property
    def derived(self) -> bool:
        return self.rule != "stated"

    @property
    def note(self) -> str:
        """Say in a sentence where the work URI comes from."""
        if not self.derived:
            return "the document names its work in FRBRWork/FRBRuri"
        values = _sentence([f"{what} {value}" for what, value in self.sources])
        conclusion = {
            "frbr-this": f"the work URI {self.work_uri} was taken from {values}",
            "metadata": f"the work URI {self.work_uri} was built from {values}",
            "text-hash": f"the work is named by the SHA-256 of its text, {self.work_uri}",
        }[self.rule]
        return f"{_sentence(list(self.unusable))}, so {conclusion}"

    def as_dict(self) -> dict:
        return {"work_uri": self.work_uri, "rule": self.rule, "derived": self.derived, "from": dict(self.sources),
                "note": self.note}


def _sentence(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _values(work: etree._Element | None, local: str, attribute: str = "value") -> list[str | None]:
    """Return the attribute of each `local` child of FRBRWork, stripped (None where the attribute is absent)."""
    if work is None:
        return []
    values = (node.get(attribute) for node in work.iterchildren(akn(local)))
    return [None if value is None else value.strip() for value in values]


def _usable(what: str, values: list[str | None], unusable: list[str]) -> str | None:
    """Return the first value that names something; else record why there is none and return None."""
    for value in values:
        if value and not value.startswith("#"):
            return value
    if not values:
        unusable.append(f"{what} is absent")
    elif any(values):
        unusable.append(f"{what} {next(value for value in values if value)!r} is a reference, not a value")
    else:
        unusable.append(f"{what} is empty")
    return None


def _segment(value: str) -> str:
    """Make a value one lower-case URI path segment: JOIN(2022) 19 -> join-2022-19."""
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_value.lower()).strip("-")


def _work(document: etree._Element) -> etree._Element | None:
    return document.find(f"{akn('meta')}/{akn('identification')}/{akn('FRBRWork')}")


def derive_work_identity(document: etree._Element, *, max_length: int) -> WorkIdentity:
    """Find the URI that names a document's work (the document-type element: act, bill, ...) by the rules above."""
    work = _work(document)
    uris = _values(work, "FRBRuri")
    stated = next((value for value in uris if value), None)
    if stated is not None:
        return WorkIdentity(stated.removesuffix("/!main"), "stated", (("FRBRuri", stated),))
    unusable = ["FRBRWork/FRBRuri is empty" if uris else "FRBRWork/FRBRuri is absent"]
    this = _usable("FRBRthis", _values(work, "FRBRthis"), unusable)
    if this is not None:
        uri = _WORK_COMPONENT.sub("", this)
        if len(uri) <= max_length:
            return WorkIdentity(uri, "frbr-this", (("FRBRthis", this),), tuple(unusable))
        unusable.append(f"FRBRthis is longer than {max_length} characters")
    by_metadata = _from_metadata(document, work, unusable, max_length=max_length)
    if by_metadata is not None:
        return by_metadata
    digest = hashlib.sha256(text_of(document).encode("utf-8")).digest()
    uri = "ni:///sha-256;" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
    return WorkIdentity(uri, "text-hash", (("SHA-256 of the text", digest.hex()),), tuple(unusable))


def _from_metadata(document: etree._Element, work: etree._Element | None, unusable: list[str], *,
                   max_length: int) -> WorkIdentity | None:
    """Build /akn/{country}/{type}[/{name}]/{date}/{number} if the document gives each part; else None."""
    doc_type = local_name(document)
    country = _usable("FRBRcountry", _values(work, "FRBRcountry"), unusable)
    if country is not None and not _PLACE.match(country.lower()):
        unusable.append(f"FRBRcountry {country!r} is not a country code such as eu or gb-sct")
        country = None
    date = _usable("FRBRdate", _values(work, "FRBRdate", "date"), unusable)
    if date is not None and not _DATE.match(date):
        unusable.append(f"FRBRdate {date!r} is not a date")
        date = None
    number = _usable("FRBRnumber", _values(work, "FRBRnumber"), unusable)
    if number is not None and not _segment(number):
        unusable.append(f"FRBRnumber {number!r} has no letters or digits")
        number = None
    if country is None or date is None or number is None:
        return None
    name = document.get("name") or ""
    subtype = _segment(name)
    if subtype == doc_type or not re.match(r"^[a-z]", subtype):
        subtype = ""  # a name that repeats the type adds nothing; one that starts with a digit would read as the date
    sources = [("FRBRcountry", country), ("document type", doc_type), *([("name", name)] if subtype else []),
               ("FRBRdate", date), ("FRBRnumber", number)]
    segments = ["akn", country.lower(), doc_type, *([subtype] if subtype else []), _DATE.match(date).group(1),
                _segment(number)]
    uri = "/" + "/".join(segments)
    if len(uri) > max_length:
        unusable.append(f"the URI built from the metadata is longer than {max_length} characters")
        return None
    return WorkIdentity(uri, "metadata", tuple(sources), tuple(unusable))


def fill_work_uri(root: etree._Element, identity: WorkIdentity) -> bool:
    """Write a derived work URI into the empty FRBRWork/FRBRuri, adding one after FRBRthis if there is none.

    Nothing the document states is overwritten; returns whether the document was changed.
    """
    if not identity.derived:
        return False
    document = next((child for child in root if isinstance(child.tag, str)), None)
    work = _work(document) if document is not None else None
    if work is None:
        return False
    existing = work.find(akn("FRBRuri"))
    if existing is not None:
        if (existing.get("value") or "").strip():
            return False
        existing.set("value", identity.work_uri)
        return True
    node = etree.Element(akn("FRBRuri"), value=identity.work_uri)
    this = work.find(akn("FRBRthis"))
    if this is not None:
        node.tail = this.tail
        this.addnext(node)
    else:
        node.tail = work.text
        work.insert(0, node)
    return True
