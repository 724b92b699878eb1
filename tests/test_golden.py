"""The samples' redlines, reports and imports are byte for byte what tests/fixtures/golden/outputs.json records."""

from __future__ import annotations

import json

from tests.golden_outputs import GOLDEN, outputs


def test_outputs_on_the_samples_are_byte_identical_to_the_golden_digests():
    expected = json.loads(GOLDEN.read_text())
    found = outputs()
    changed = sorted(name for name in expected if found.get(name) != expected[name])
    assert not changed, f"outputs changed: {changed} (regenerate only for a deliberate change of output)"
    assert set(found) == set(expected)
