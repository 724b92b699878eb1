"""Repairs that make a document from another system strictly valid for export, without touching its text."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .eids import repair_eids
from .frbr import DATE
from .namespaces import xpath


@dataclass(frozen=True)
class Repair:
    """One change made to a document, said in plain words."""

    what: str

    def as_dict(self) -> dict:
        return {"what": self.what}


def pad_partial_dates(root: etree._Element) -> list[Repair]:
    """Complete year-only or year-month FRBR dates (allowed by the lenient schema only): 1996 -> 1996-01-01."""
    repairs = []
    for node in xpath(root, "//akn:FRBRdate[@date]"):
        value = node.get("date")
        if DATE.match(value) and len(value) < 10:
            padded = value + "-01" * ((10 - len(value)) // 3)
            node.set("date", padded)
            repairs.append(Repair(f"FRBRdate {value} completed as {padded}"))
    return repairs


def drop_repeated_references(root: etree._Element) -> list[Repair]:
    """Remove references (TLC elements) that repeat an earlier one exactly; they only make eIds clash.

    eIds are unique in the whole document, attachments included, so one reference serves every component.
    """
    repairs = []
    seen = set()
    for references in xpath(root, "//akn:meta/akn:references"):
        for node in list(references):
            if not isinstance(node.tag, str):
                continue
            key = (node.tag, tuple(sorted(node.attrib.items())))
            if key in seen and len(node) == 0:
                references.remove(node)
                repairs.append(Repair(f"repeated reference {etree.QName(node).localname} {node.get('eId')} removed"))
            seen.add(key)
        if len(references) == 0:
            # <references> may not be empty, and meta may have none
            references.getparent().remove(references)
    return repairs


def repair_for_export(root: etree._Element) -> list[Repair]:
    """Apply every repair that keeps the document's text and meaning; return what was done."""
    repairs = pad_partial_dates(root) + drop_repeated_references(root)
    repairs += [Repair(f"eId {r.old or '(missing)'} set to {r.new} ({r.reason})") for r in repair_eids(root)]
    return repairs
