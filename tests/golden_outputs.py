"""What the service makes of its own samples, as SHA-256 digests: redlines in every format and view, safeguards
reports and text imports. A restructuring must leave every one of these bytes as it was (tests/test_golden.py);
a deliberate change of output regenerates them with `python -m tests.golden_outputs --write` and says why in its
commit."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from unittest import mock

from drafting import akn, importers
from drafting.analysis import evaluate
from drafting.analysis.report import build_result, document_summary, render_html
from drafting.compare import compare, render, summary

SAMPLES = Path(__file__).resolve().parents[1] / "drafting" / "samples"
GOLDEN = Path(__file__).resolve().parent / "fixtures" / "golden" / "outputs.json"
BILL = "ma-biometric-moratorium-bill"
ORDINANCES = (
    "us-ma-bayport-ordinance-16-62",
    "us-ma-eastfield-ordinance-2020-12",
    "us-ma-harborview-ordinance-2021-2-128",
    "us-ma-millbrook-ordinance-2019-7",
)
WORD_DATE = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
# the day the digests were recorded: a text with no printed year is imported as of today, so the goldens import with
# the clock at that day (they must not change when the date does)
RECORDED_ON = date(2026, 12, 7)


class _RecordedDay(date):
    @classmethod
    def today(cls) -> date:
        return RECORDED_ON


@contextlib.contextmanager
def recorded_day():
    """Import and create documents as of RECORDED_ON."""
    with mock.patch("drafting.importers.text.Date", _RecordedDay), mock.patch("drafting.akn.templates.Date",
                                                                                _RecordedDay):
        yield


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stored(name: str):
    data = (SAMPLES / f"{name}.xml").read_bytes()
    return akn.parse_akn(data).root, data


def _imported(name: str):
    return importers.import_upload((SAMPLES / f"{name}.txt").read_bytes(), importers.TEXT_PLAIN).root


def outputs() -> dict[str, str]:
    """Return the digest of every output, by a name that says what it is."""
    with recorded_day():
        return _outputs()


def _outputs() -> dict[str, str]:
    found: dict[str, str] = {}
    names = (BILL, *ORDINANCES)
    for name in names:
        found[f"import/{name}.xml"] = _digest(akn.serialize(_imported(name)))
    pairs = [(BILL, ordinance) for ordinance in ORDINANCES] + [(ORDINANCES[0], BILL)]
    for old_name, new_name in pairs:
        (old_root, old_data), (new_root, new_data) = _stored(old_name), _stored(new_name)
        result = compare(old_root, new_root, old=summary(old_root, xml=old_data), new=summary(new_root, xml=new_data))
        stem = f"redline/{old_name}--{new_name}"
        found[f"{stem}.json"] = _digest(render(result, "json"))
        found[f"{stem}.inline.html"] = _digest(render(result, "html", view="inline"))
        found[f"{stem}.side-by-side.html"] = _digest(render(result, "html", view="side-by-side"))
        found[f"{stem}.akn.xml"] = _digest(render(result, "akn", new_root=new_root, old_root=old_root))
        found[f"{stem}.docx"] = _digest(render(result, "docx", date=WORD_DATE))
    # the bill against its own text import: versions of one work, with renumbering and rewording
    bill_root, bill_data = _stored(BILL)
    imported = _imported(BILL)
    result = compare(bill_root, imported, old=summary(bill_root, xml=bill_data), new=summary(imported))
    found[f"redline/{BILL}--imported.json"] = _digest(render(result, "json"))
    for name in names:
        root, _ = _stored(name)
        report = build_result(document_summary(root), evaluate(root), [])
        found[f"gaps/{name}.json"] = _digest(json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8"))
    compared = [(document_summary(root), evaluate(root)) for root, _ in map(_stored, ORDINANCES)]
    report = build_result(document_summary(bill_root), evaluate(bill_root), compared)
    found[f"gaps/{BILL}--against-ordinances.json"] = _digest(json.dumps(report, ensure_ascii=False).encode("utf-8"))
    found[f"gaps/{BILL}--against-ordinances.html"] = _digest(render_html(report).encode("utf-8"))
    return found


def changed_from(golden: Path, found: dict[str, str]) -> list[str]:
    """Return the names whose digest differs from the recorded one (missing and extra names included)."""
    expected = json.loads(golden.read_text())
    return sorted(name for name in expected.keys() | found.keys() if found.get(name) != expected.get(name))


def write_when_asked(module: str, golden: Path, make) -> None:
    """Regenerate a golden file when run as `python -m tests.<module> --write`."""
    if sys.argv[1:] != ["--write"]:
        sys.exit(f"usage: python -m tests.{module} --write")
    golden.write_text(json.dumps(make(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {golden}")


if __name__ == "__main__":
    write_when_asked("golden_outputs", GOLDEN, outputs)
