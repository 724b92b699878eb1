"""Benchmark how fast a .docx with too many zip entries is refused, against converting a small, ordinary .docx.

    python bench/bench_docx.py                    # 100,000 entries (about 12 MB, under the 16 MiB upload limit)
    python bench/bench_docx.py --entries 20000 100000

The hostile package is an ordinary one-paragraph Word document with empty entries added until it has the number
asked for, written by hand (local headers, central directory, end record) so that building it takes no longer than
the refusal being measured. Three things are timed, best of five, in the same process:

- **baseline**: `docx_to_text` of the ordinary document (open the zip, read and parse three parts, render the text);
- **refusal**: `docx_to_text` of the hostile package, which must raise RequestTooLargeError ("... entries; the
  limit is 2000") from the zip's end record, before the central directory is read;
- **zipfile alone**: `zipfile.ZipFile(...)` of the hostile package, which reads every central directory record: what
  the refusal cost when it was made from `infolist()`.

The ratio refusal / baseline is the figure to compare across machines; the target (the review) is a refusal in under
0.1 s, which on any machine is a ratio well below 10.
"""

from __future__ import annotations

import argparse
import io
import struct
import sys
import time
import zipfile
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import docx

from drafting.errors import RequestTooLargeError
from drafting.importers.docx import docx_to_text

REPEAT = 5
TARGET_SECONDS = 0.1


def ordinary_docx() -> bytes:
    """Return a small, harmless .docx (python-docx's template with one paragraph)."""
    document = docx.Document()
    document.add_paragraph("Section 1. Short title.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def with_entries(data: bytes, entries: int) -> bytes:
    """Return the package `data` with empty stored entries added until it holds `entries` entries."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = [(info.filename, package.read(info.filename)) for info in package.infolist()]
    parts += [(f"word/media/e{index}.bin", b"") for index in range(entries - len(parts))]
    local, directory = bytearray(), bytearray()
    for name, content in parts:
        encoded, crc = name.encode(), zlib.crc32(content)
        offset = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, crc, len(content), len(content),
                             len(encoded), 0) + encoded + content
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, crc, len(content),
                                 len(content), len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    count = len(parts)
    if count < 0xFFFF:
        end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), len(local), 0)
    else:  # ZIP64 end record and locator, then a classic end record that defers to them
        at = len(local) + len(directory)
        end = (struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, len(directory), len(local))
               + struct.pack("<IIQI", 0x07064B50, 0, at, 1)
               + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))
    return bytes(local + directory + end)


def best(action, repeat: int = REPEAT) -> float:
    """Return the best time of `repeat` runs of action, in seconds."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return min(times)


def refuse(data: bytes) -> None:
    try:
        docx_to_text(data)
    except RequestTooLargeError as error:
        if "entries; the limit is" not in error.detail:
            raise
        return
    raise AssertionError("the package was not refused")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[100_000])
    arguments = parser.parse_args()

    ordinary = ordinary_docx()
    baseline = best(lambda: docx_to_text(ordinary))
    print(f"baseline: docx_to_text of a {len(ordinary):,}-byte ordinary .docx: {baseline * 1000:.2f} ms")
    print()
    print("| entries | bytes | refusal (ms) | × baseline | zipfile alone (ms) | × baseline | target met |")
    print("|---|---|---|---|---|---|---|")
    for entries in arguments.entries:
        hostile = with_entries(ordinary, entries)
        refusal = best(lambda data=hostile: refuse(data))
        opened = best(lambda data=hostile: zipfile.ZipFile(io.BytesIO(data)).close(), repeat=3)
        print(f"| {entries:,} | {len(hostile):,} | {refusal * 1000:.2f} | {refusal / baseline:.2f} | "
              f"{opened * 1000:.0f} | {opened / baseline:.1f} | {'yes' if refusal < TARGET_SECONDS else 'NO'} |")


if __name__ == "__main__":
    main()
