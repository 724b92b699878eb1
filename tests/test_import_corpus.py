"""Every real text of ../shared/corpus/text imports into strictly valid AKN with the hierarchy checked by hand.

The golden files hold the structure only (elements, eIds, numbers, and digests of headings and text), so the real
texts are not copied into the project. Regenerate after a deliberate change with UPDATE_GOLDEN=1 and review the
diff of tests/fixtures/import/*.json by hand.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from lxml import etree

from drafting.akn import extract_provisions, iter_provisions, validate, xpath
from drafting.importers import import_text
from tests.app_fixtures import SHARED, shared_path

GOLDEN = Path(__file__).parent / "fixtures" / "import"
TEXTS = sorted((SHARED / "corpus" / "text").glob("*.txt")) if (SHARED / "corpus" / "text").exists() else []


def digest(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:12]


def structure(root: etree._Element, report: dict) -> dict:
    """The shape of an imported document, without its words."""
    def blocks(path):
        return [etree.QName(node).localname for node in xpath(root, path)]

    return {
        "doc_type": report["doc_type"],
        "valid": validate(root).valid,
        "front": {
            "coverPage": len(xpath(root, "//akn:coverPage/akn:p")),
            "preface": blocks("//akn:preface/*"),
            "preamble": blocks("//akn:preamble/*"),
            "conclusions": len(xpath(root, "//akn:conclusions/akn:p")),
        },
        "provisions": [
            {"eId": p.eId, "element": p.element, "num": p.num, "heading": digest(p.heading),
             "text": digest(p.text), "words": len(p.text.split())}
            for p in iter_provisions(extract_provisions(root))
        ],
        "definitions": [digest(node.text) for node in xpath(root, "//akn:def")],
        "history_and_notes": len(xpath(root, "//akn:p[@class='history' or @class='note']")),
    }


@pytest.mark.parametrize("path", TEXTS, ids=[p.stem for p in TEXTS])
def test_corpus_text_imports_into_the_reviewed_structure(path):
    shared_path("corpus", "text")
    result = import_text(path.read_text(encoding="utf-8"))
    actual = structure(result.root, result.report)
    golden = GOLDEN / f"{path.stem}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(json.dumps(actual, indent=1) + "\n")
    assert actual["valid"]
    assert actual == json.loads(golden.read_text())


def test_every_corpus_text_has_a_golden_file():
    shared_path("corpus", "text")
    assert {p.stem for p in TEXTS} == {p.stem for p in GOLDEN.glob("*.json")}
