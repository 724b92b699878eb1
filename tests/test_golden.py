"""The samples' redlines, reports and imports, and the API's answers on them, are byte for byte what
tests/fixtures/golden/ records."""

from __future__ import annotations

import json

from tests.golden_outputs import GOLDEN, outputs


def test_outputs_on_the_samples_are_byte_identical_to_the_golden_digests():
    expected = json.loads(GOLDEN.read_text())
    found = outputs()
    changed = sorted(name for name in expected if found.get(name) != expected[name])
    assert not changed, f"outputs changed: {changed} (regenerate only for a deliberate change of output)"
    assert set(found) == set(expected)


def test_api_answers_on_the_samples_are_identical_to_the_golden_digests():
    from tests.golden_api import GOLDEN as API_GOLDEN
    from tests.golden_api import answers

    expected = json.loads(API_GOLDEN.read_text())
    found = answers()
    changed = sorted(name for name in expected if found.get(name) != expected[name])
    assert not changed, f"API answers changed: {changed} (regenerate only for a deliberate change of the API)"
    assert set(found) == set(expected)
