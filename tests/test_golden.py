"""The samples' redlines, reports and imports, and the API's answers on them, are byte for byte what
tests/fixtures/golden/ records."""

from __future__ import annotations

from tests import golden_api, golden_outputs


def test_outputs_on_the_samples_are_byte_identical_to_the_golden_digests():
    changed = golden_outputs.changed_from(golden_outputs.GOLDEN, golden_outputs.outputs())
    assert not changed, f"outputs changed: {changed} (regenerate only for a deliberate change of output)"


def test_api_answers_on_the_samples_are_identical_to_the_golden_digests():
    changed = golden_outputs.changed_from(golden_api.GOLDEN, golden_api.answers())
    assert not changed, f"API answers changed: {changed} (regenerate only for a deliberate change of the API)"
