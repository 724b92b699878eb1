"""Builders of AKN documents for tests and benchmarks: a bill of given sections, with the identification an AKN
document needs, as one string; and the same document as another system writes it."""

from __future__ import annotations

import re
import uuid

from lxml import etree

from drafting.akn import AKN_NS


def bill_document(work: str, sections: list[str] | str) -> str:
    """Return an AKN bill whose work URI is `work` and whose body holds the given section elements (XML strings)."""
    body = sections if isinstance(sections, str) else "".join(sections)
    return (f'<akomaNtoso xmlns="{AKN_NS}"><act name="bill"><meta><identification source="#d">'
            f'<FRBRWork><FRBRthis value="{work}/!main"/><FRBRuri value="{work}"/><FRBRdate date="2026-01-01" '
            'name="Generation"/><FRBRauthor href="#d"/><FRBRcountry value="us-ma"/></FRBRWork>'
            f'<FRBRExpression><FRBRthis value="{work}/eng@2026-01-01/!main"/><FRBRuri value="{work}/eng@2026-01-01"/>'
            '<FRBRdate date="2026-01-01" name="Generation"/><FRBRauthor href="#d"/><FRBRlanguage language="eng"/>'
            f'</FRBRExpression><FRBRManifestation><FRBRthis value="{work}/eng@2026-01-01/!main.xml"/>'
            f'<FRBRuri value="{work}/eng@2026-01-01.akn"/><FRBRdate date="2026-01-01" name="Generation"/>'
            '<FRBRauthor href="#d"/></FRBRManifestation></identification></meta><body>'
            + body + "</body></act></akomaNtoso>")


def verbose(xml: str) -> str:
    """Return the same document as another system writes it: every element prefixed and indented on a line of its
    own, every provision with a wId and a GUID besides its eId; the same provisions and words in about four times the
    bytes (and within the hardened parser's limits, as the terse one is)."""
    root = etree.fromstring(re.sub(r'xmlns="([^"]+)"', r'xmlns:akn="\1"',
                                   re.sub(r"<(/?)(?=[A-Za-z])", r"<\1akn:", xml)).encode())
    for number, element in enumerate(root.iter(etree.Element)):
        if element.get("eId"):
            element.set("wId", element.get("eId"))
            element.set("GUID", uuid.UUID(int=number).urn)
    etree.indent(root, space=" " * 16)
    return etree.tostring(root, encoding="unicode")
