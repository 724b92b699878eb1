"""Norms: a stored version read as norm records (drafting/norms/reader.py), with a strong entity tag.

The reading depends only on the version's content and on the reader's code and word lists, so its entity tag is
made of both (a change of the reader changes every tag; no client keeps a stale reading).
"""

from __future__ import annotations

import functools
import hashlib
from importlib import resources

from drafting import akn

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
