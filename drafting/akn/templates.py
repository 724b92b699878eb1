"""Build new documents from the skeletons in akn_templates/."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path

from lxml import etree

from drafting.errors import TemplateError

from .frbr import DATE, JURISDICTION, document_element, set_identity
from .namespaces import akn, xpath
from .parse import parse_akn

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "akn_templates"
NUMBER = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
# characters that XML 1.0 cannot hold: C0 controls other than tab, newline and return; lone surrogates; U+FFFE/F
NOT_XML_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class TemplateKind:
    """A kind of document the service can create, and how its work URI is formed."""

    name: str
    uri_path: str  # doctype and subtype as they appear in the work URI


TEMPLATES = {
    "bill": TemplateKind("bill", "bill"),
    "ordinance": TemplateKind("ordinance", "act/ordinance"),
    "amendment": TemplateKind("amendment", "amendment"),
}


def template_names() -> list[str]:
    """Return the names of the templates that can be built."""
    return sorted(TEMPLATES)


def load_template(name: str) -> etree._Element:
    """Parse a template skeleton with the same hardened parser as any upload."""
    if name not in TEMPLATES:
        raise TemplateError(f"expected a template among {', '.join(template_names())}, found {name!r}")
    return parse_akn((TEMPLATE_DIR / f"{name}.xml").read_bytes()).root


def slug_number(number: str) -> str:
    """Turn a printed bill or ordinance number into the FRBR number component ("H 1234" -> "h-1234")."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", number.strip().lower()).strip("-.")
    if not NUMBER.match(slug):
        raise TemplateError(f"expected a number such as 'biometric-moratorium' or '16-62', found {number!r}")
    return slug


def build_document(name: str, *, title: str, jurisdiction: str, number: str, date: str | None = None) -> etree._Element:
    """Build a new, strictly valid document from a template, with its FRBR identity and title filled in."""
    jurisdiction = jurisdiction.strip().lower()
    if not JURISDICTION.match(jurisdiction):
        raise TemplateError(f"expected a jurisdiction code such as 'us-ma' or 'us-ma-boston', found {jurisdiction!r}")
    date = date or Date.today().isoformat()
    try:
        Date.fromisoformat(date if DATE.match(date) and len(date) == 10 else "")
    except ValueError:
        raise TemplateError(f"expected a date YYYY-MM-DD, found {date!r}") from None
    title = " ".join((title or "").split())
    if not title:
        raise TemplateError("expected a title, found an empty one")
    if found := NOT_XML_CHARACTER.search(title):
        raise TemplateError(f"expected a title of printable text, found the character U+{ord(found[0]):04X}")
    kind = TEMPLATES.get(name)
    root = load_template(name)
    work_uri = f"/akn/{jurisdiction}/{kind.uri_path}/{date[:4]}/{slug_number(number)}"
    set_identity(root, work_uri, expression_date=date)
    work = document_element(root).find(f"{akn('meta')}/{akn('identification')}/{akn('FRBRWork')}")
    for node in xpath(work, "akn:FRBRalias[@name='title']"):
        node.set("value", title)
    for node in xpath(work, "akn:FRBRdate"):
        node.set("date", date)
    for node in xpath(root, "//akn:preface//akn:docTitle"):
        node.text = title
    return root
