"""Norms: a stored version read as norm records (drafting/norms/reader.py), with a strong entity tag; and an unsaved
draft read as norms, whole or one provision of it (the editor's "Show reading").

The reading depends only on the version's content and on the reader's code and word lists, so its entity tag is
made of both (a change of the reader changes every tag; no client keeps a stale reading).
"""

from __future__ import annotations

import functools
import hashlib
from importlib import resources

from lxml import etree

from drafting import akn
from drafting.akn.provisions import Provision
from drafting.akn.provisions import definitions as defined_terms
from drafting.errors import InvalidDocumentError, NotFoundError
from drafting.work import DEFAULT_BUDGET, WorkBudget, workload

from .values import StoredVersion

NORMS_CONTRACT_VERSION = "1"  # part of every norms entity tag: bump it when the representation changes
_READER_FILES = ("reader.py", "records.py", "references.py", "time.py", "words.py", "vocabulary.py",
                 "vocabulary.toml")


@functools.cache
def reader_key() -> str:
    """Name the norm reader in force: a digest of its code and word lists."""
    digest = hashlib.sha256(NORMS_CONTRACT_VERSION.encode("ascii"))
    try:
        for name in _READER_FILES:
            digest.update(resources.files("drafting.norms").joinpath(name).read_bytes())
    except OSError:  # an installation without sources: the contract version has to say it all
        pass
    return digest.hexdigest()[:16]


def norms_etag(stored: StoredVersion) -> str:
    """The strong entity tag of a stored version's norms."""
    key = "|".join([reader_key(), str(stored.document.id), str(stored.version.number), stored.version.content_hash])
    return "n-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def norms_of(stored: StoredVersion) -> dict:
    """Read a stored version as norms: the document it is, and one record per operative clause."""
    from drafting.norms import read_norms

    root = akn.parse_akn(stored.version.xml.encode("utf-8")).root
    document, version = stored.document, stored.version
    return {
        "document": {"id": document.id, "version": version.number, "frbr_uri": document.frbr_work_uri,
                     "expression_uri": version.frbr_expression_uri, "title": document.title},
        "reader": reader_key(),
        "norms": [norm.as_dict() for norm in read_norms(root)],
    }


def read_draft_norms(data: bytes, eid: str | None = None, *, budget: WorkBudget = DEFAULT_BUDGET) -> dict:
    """Read an unsaved draft (AKN bytes) as norms: the provision `eid` and the provisions within it, read in their
    place (the lead-ins of the provisions above, the terms the whole draft defines), or the whole draft without one.

    Reading one provision reads only the top-level provision that holds it (the reader reads each top-level provision
    on its own), so a drafter's question about one section of a long bill does not cost the bill's reading."""
    from drafting.norms import norm_line, read_provisions

    with budget.admit(workload(data).cost, "this reading"):
        root = akn.parse_akn(data).root
        forest = akn.extract_provisions(root)
        terms = {item.term: item.eId for item in defined_terms(root)}
        if eid is None:
            place, norms = None, read_provisions(forest, terms)
        else:
            top, provision, quoted = _find_provision(root, forest, eid)
            within = {item.eId for item in provision.walk() if item.eId}
            norms = tuple(norm for norm in read_provisions((top,), terms) if norm.eId in within)
            place = {"eId": provision.eId, "element": provision.element, "num": provision.num,
                     "heading": provision.heading, "citation": provision.citation, "quoted": quoted}
    return {
        "reader": reader_key(),
        "provision": place,
        "norms": [{**norm.as_dict(), "line": norm_line(norm)} for norm in norms],
    }


def _find_provision(root: etree._Element, forest: tuple[Provision, ...], eid: str) -> tuple[Provision, Provision, bool]:
    """Return the top-level provision holding the provision `eid`, that provision, and whether it stands inside a
    quoted structure; 404 when no element outside <meta> has the eId, 422 when the one that has it is no provision."""
    for top in forest:
        pending = [(top, False)]
        while pending:
            provision, quoted = pending.pop()
            quoted = quoted or provision.quoted
            if provision.eId == eid:
                return top, provision, quoted
            pending.extend((child, quoted) for child in reversed(provision.children))
    named = akn.xpath(root, "//*[@eId=$eid][not(ancestor::akn:meta)]", eid=eid)
    if not named:
        raise NotFoundError(f"no provision with eId {eid!r} in the draft")
    raise InvalidDocumentError(f"expected the eId of a provision (section, subsection, paragraph, ...) in the draft, "
                               f"found a <{etree.QName(named[0]).localname}> with eId {eid!r}")
