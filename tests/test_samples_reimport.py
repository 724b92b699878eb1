"""The sample documents, printed as text, import back into the same provisions, definitions and front matter."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.akn import extract_provisions, iter_provisions, parse_akn, validate, xpath
from drafting.akn.provisions import block_text
from drafting.importers import import_text

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "drafting" / "samples").glob("*.xml"))


def provisions(root):
    return [(p.eId, p.element, p.num, p.heading, p.text) for p in iter_provisions(extract_provisions(root))]


def words_of(root, part: str) -> list[str]:
    return " ".join(block_text(node) for node in xpath(root, f"//akn:{part}")).split()


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_sample_text_imports_into_the_same_document(path):
    original = parse_akn(path.read_bytes()).root
    imported = import_text(path.with_suffix(".txt").read_text(encoding="utf-8")).root
    assert validate(imported).valid
    assert provisions(imported) == provisions(original)
    assert sorted(d.text for d in xpath(imported, "//akn:def")) == sorted(d.text for d in xpath(original, "//akn:def"))
    front = words_of(imported, "coverPage") + words_of(imported, "preface") + words_of(imported, "preamble")
    original_front = words_of(original, "coverPage") + words_of(original, "preface") + words_of(original, "preamble")
    assert [w.rstrip(".") for w in front] == [w.rstrip(".") for w in original_front]
    assert words_of(imported, "conclusions") == words_of(original, "conclusions")
