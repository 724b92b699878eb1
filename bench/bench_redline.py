"""Benchmark the redline of generated bill pairs against the floor of reading the same files once.

    python bench/bench_redline.py                      # 200, 2,000, 5,000, 20,000 sections; peers on 200
    python bench/bench_redline.py --quick              # 200 and 2,000 sections only
    python bench/bench_redline.py --sections 2000 5000 --no-peers

The pairs come from `../shared/bench/gen_bills.py --seed 7` (a base bill and a revision with reworded, inserted,
deleted and moved sections, everything renumbered, and `truth.json` saying what happened to each base section).
The benchmark skips when `../shared/bench` is absent.

Timed, each in its own process (best of three, cut off after 180 s):
- redline: the whole `drafting redline base.xml revised.xml --format json -o out.json` process;
- floor: a `python -c` of the same interpreter that parses both files with lxml and hashes every section's
  whitespace-folded text, as `peers.py`'s floor does. The ratio redline / floor is the figure to compare across
  machines.
Peak memory is the maximum resident set of one more redline process, read with wait4 by a small helper process
(the benchmark's own high-water mark would otherwise be inherited by the child through vfork and exec).
Accuracy is scored on that output against truth.json. Peers (`peers.py`: floor, one diff-match-patch pass over the
whole text, difflib, redlines, xmldiff) are timed on the 200-section pair against our in-process redline (parse,
compare, render JSON; best of three) on the same pair.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"

SEED = 7
SIZES = (200, 2000, 5000, 20000)
QUICK_SIZES = (200, 2000)
TARGET_SECTIONS = 2000
TARGET_RATIO = 5.0
TARGET_PEAK_MB = 400
TARGET_MAPPED = 0.99
TARGET_MOVE_F1 = 0.95
PEER_SECTIONS = 200
PEERS = ("floor", "dmp-whole", "difflib", "redlines", "xmldiff")
PEER_MODULES = {"floor": "lxml", "dmp-whole": "diff_match_patch", "redlines": "redlines", "xmldiff": "xmldiff"}
PEER_TIMEOUT = 120
REPEAT = 3
CUTOFF = 180.0
LIFTED_MAX_BYTES = 1 << 30
SECTION_EID = re.compile(r"^sec_(\d+)$")

FLOOR = """
import hashlib, sys
from lxml import etree
n = 0
for path in sys.argv[1:]:
    for sec in etree.parse(path).getroot().iter("{*}section"):
        hashlib.blake2b(" ".join(" ".join(sec.itertext()).split()).encode()).digest()
        n += 1
print(n)
"""

# what `drafting redline` does, with the parse limits chosen: times `repeat` redlines in the process, prints the best
PIPELINE = """
import sys, time
from pathlib import Path
from drafting.akn import ParseLimits, parse_akn
from drafting.compare import compare, render, summary

def redline(old, new, limits):
    old_bytes, new_bytes = Path(old).read_bytes(), Path(new).read_bytes()
    old_root, new_root = parse_akn(old_bytes, limits).root, parse_akn(new_bytes, limits).root
    result = compare(old_root, new_root, old=summary(old_root, xml=old_bytes), new=summary(new_root, xml=new_bytes))
    return render(result, "json", new_root=new_root, old_root=old_root)

old, new, out, repeat, max_bytes = sys.argv[1:6]
limits = ParseLimits(max_bytes=int(max_bytes)) if int(max_bytes) else ParseLimits()
best = float("inf")
for _ in range(int(repeat)):
    start = time.perf_counter()
    data = redline(old, new, limits)
    best = min(best, time.perf_counter() - start)
if out != "-":
    Path(out).write_bytes(data)
print(best)
"""

# a small parent for the measured process, so that ru_maxrss is the child's own (argv: timeout, command...)
PEAK = """
import os, subprocess, sys, threading
child = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
timer = threading.Timer(float(sys.argv[1]), child.kill)
timer.start()
_, status, usage = os.wait4(child.pid, 0)
timer.cancel()
child.returncode = os.waitstatus_to_exitcode(status)
print(usage.ru_maxrss, child.returncode)
"""


def drafting_command() -> list[str]:
    """The `drafting` console script of this interpreter's environment (or the same entry point through -c)."""
    script = Path(sys.executable).with_name("drafting")
    if script.exists():
        return [str(script)]
    found = shutil.which("drafting")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from drafting.cli import main; sys.argv[0] = 'drafting'; main()"]


def run_process(argv: list[str], timeout: float = CUTOFF) -> tuple[float | None, str, str]:
    """Run a command to its end; return its wall time (None when it failed or was cut off), stdout, and a note."""
    start = time.perf_counter()
    try:
        done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "", f"cut off after {timeout:.0f} s"
    seconds = time.perf_counter() - start
    if done.returncode:
        lines = done.stderr.strip().splitlines() or [f"exit {done.returncode}"]
        return None, done.stdout, lines[-1]
    return seconds, done.stdout, ""


def best_process(argv: list[str], repeat: int = REPEAT) -> tuple[float | None, str, str]:
    """Best wall time of `repeat` runs of a whole process; stops at the first failure or cut-off."""
    best, stdout = math.inf, ""
    for _ in range(repeat):
        seconds, stdout, note = run_process(argv)
        if seconds is None:
            return None, stdout, note
        best = min(best, seconds)
    return best, stdout, ""


def peak_mb(argv: list[str]) -> float | None:
    """Maximum resident set of one run of a command, in MB (None when it failed)."""
    done = subprocess.run([sys.executable, "-c", PEAK, str(CUTOFF), *argv], cwd=REPO, capture_output=True,
                          text=True, timeout=CUTOFF + 30)
    kilobytes, code = done.stdout.split()
    return int(kilobytes) / 1024 if code == "0" else None


def generate(sections: int, out: Path) -> None:
    subprocess.run([sys.executable, str(SHARED_BENCH / "gen_bills.py"), "--sections", str(sections),
                    "--seed", str(SEED), "--out", str(out)], check=True, timeout=CUTOFF)


def _position(eid: str) -> int:
    match = SECTION_EID.match(eid)
    if not match:
        raise ValueError(f"expected a top-level eId sec_<n>, found {eid!r}")
    return int(match.group(1))


def score(redline_json: Path, truth_json: Path) -> dict:
    """Score a redline's top-level alignment against the generator's truth."""
    alignment = json.loads(redline_json.read_text())["alignment"]
    truth = json.loads(truth_json.read_text())
    placed: dict[int, list[tuple[str, tuple[int, ...]]]] = {}
    inserted_found: set[int] = set()
    possible_moves = 0
    for entry in alignment:
        new = tuple(_position(eid) for eid in entry["new"])
        for eid in entry["old"]:
            placed.setdefault(_position(eid), []).append((entry["status"], new))
        if entry["status"] == "inserted":
            inserted_found.update(new)
        possible_moves += bool(entry.get("possible_move"))
    right, misses = 0, Counter()
    moved_true, moved_found, moved_right = 0, 0, 0
    for key, fate in truth["base"].items():
        base = int(key)
        found = placed.get(base, [])
        status = found[0][0] if len(found) == 1 else ("absent" if not found else "twice")
        if fate["fate"] == "deleted":
            ok = status == "deleted"
        else:
            ok = status in ("unchanged", "changed", "moved") and found[0][1] == (fate["revised"],)
        right += ok
        if not ok:
            wrong_place = status in ("unchanged", "changed", "moved") and fate["fate"] != "deleted"
            misses[f"{fate['fate']} -> {status}{' (wrong place)' if wrong_place else ''}"] += 1
        moved_true += fate["fate"] == "moved"
        moved_found += status == "moved"
        moved_right += status == "moved" and fate["fate"] == "moved" and ok
    precision = moved_right / moved_found if moved_found else 1.0
    recall = moved_right / moved_true if moved_true else 1.0
    inserted_true = set(truth["inserted"])
    return {
        "base": len(truth["base"]),
        "right": right,
        "mapped": right / len(truth["base"]),
        "misses": dict(sorted(misses.items())),
        "moves_true": moved_true,
        "moves_found": moved_found,
        "moves_right": moved_right,
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "inserted_true": len(inserted_true),
        "inserted_right": len(inserted_true & inserted_found),
        "inserted_spurious": len(inserted_found - inserted_true),
        "possible_moves": possible_moves,
    }


def measure(sections: int, folder: Path) -> dict:
    """Generate one pair; time the redline and floor processes; take the peak memory; score the output."""
    generate(sections, folder)
    base, revised, out = folder / "base.xml", folder / "revised.xml", folder / "out.json"
    redline = [*drafting_command(), "redline", str(base), str(revised), "--format", "json", "-o", str(out)]
    floor_seconds, floor_out, floor_note = best_process([sys.executable, "-c", FLOOR, str(base), str(revised)])
    seconds, _, refusal = best_process(redline)
    row = {"sections": sections, "bytes": base.stat().st_size + revised.stat().st_size, "floor": floor_seconds,
           "floor_note": floor_note, "hashed": floor_out.strip(), "seconds": seconds, "refusal": refusal,
           "lifted": False}
    if seconds is None and refusal and not refusal.startswith("cut off"):
        # the command refused the pair (e.g. the upload size limit): time the same pipeline with the limit lifted
        lifted = [sys.executable, "-c", PIPELINE, str(base), str(revised), str(out), "1", str(LIFTED_MAX_BYTES)]
        seconds, _, note = best_process(lifted)
        redline = lifted
        row.update(seconds=seconds, lifted=seconds is not None, lifted_note=note)
    row["peak_mb"] = peak_mb(redline) if row["seconds"] is not None else None
    row["accuracy"] = score(out, folder / "truth.json") if row["seconds"] is not None else None
    return row


def in_process_seconds(folder: Path) -> tuple[float | None, str]:
    """Best of three in-process redlines (parse, compare, render JSON) of a pair, run in a child process."""
    seconds, stdout, note = run_process(
        [sys.executable, "-c", PIPELINE, str(folder / "base.xml"), str(folder / "revised.xml"), "-", str(REPEAT), "0"])
    return (float(stdout.strip()) if seconds is not None else None), note


def run_peers(folder: Path) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Run peers.py on a pair with the contenders whose packages are importable; return its rows and notes."""
    notes, chosen = [], []
    for name in PEERS:
        module = PEER_MODULES.get(name)
        if module and importlib.util.find_spec(module) is None:
            notes.append(f"{name}: package {module!r} is not importable here; not measured "
                         f"(pip install {module.replace('_', '-')} into the venv: benchmark-only, not a dependency)")
        else:
            chosen.append(name)
    if not chosen:
        return [], notes
    argv = [sys.executable, str(SHARED_BENCH / "peers.py"), str(folder / "base.xml"), str(folder / "revised.xml"),
            "--only", ",".join(chosen), "--repeat", "1", "--timeout", str(PEER_TIMEOUT)]
    try:
        done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True,
                              timeout=len(chosen) * (PEER_TIMEOUT + 30))
    except subprocess.TimeoutExpired as error:
        return [], [*notes, f"peers.py cut off after {error.timeout:.0f} s"]
    rows = [tuple([*line.split("\t"), "", ""][:3]) for line in done.stdout.splitlines() if "\t" in line]
    if done.returncode:
        notes.append(f"peers.py exited {done.returncode}: {done.stderr.strip().splitlines()[-1:]}")
    return rows, notes


def _fmt(seconds: float | None, digits: int = 3) -> str:
    return "-" if seconds is None else f"{seconds:.{digits}f}"


def _print_header() -> None:
    print(f"{'sections':>8} {'MB':>6} {'redline s':>10} {'floor s':>8} {'ratio':>6} {'ms/sec':>7} {'peak MB':>8} "
          f"{'mapped':>7} {'move F1':>7}")


def _print_row(row: dict) -> None:
    seconds, floor = row["seconds"], row["floor"]
    ratio = f"{seconds / floor:.1f}" if seconds and floor else "-"
    per_section = f"{seconds / row['sections'] * 1000:.3f}" if seconds else "-"
    accuracy = row["accuracy"]
    mapped = f"{accuracy['mapped']:.2%}" if accuracy else "-"
    f1 = f"{accuracy['f1']:.3f}" if accuracy else "-"
    peak = f"{row['peak_mb']:.0f}" if row["peak_mb"] else "-"
    mark = "*" if row["lifted"] else " "
    print(f"{row['sections']:>8,} {row['bytes'] / 1e6:>6.1f} {_fmt(seconds):>9}{mark} {_fmt(floor):>8} {ratio:>6} "
          f"{per_section:>7} {peak:>8} {mapped:>7} {f1:>7}", flush=True)
    if row["refusal"]:
        print(f"{'':>8} drafting redline refused the pair: {row['refusal']}")
        if row["lifted"]:
            print(f"{'':>8} * the same pipeline (parse, compare, render JSON, write) in one process, "
                  f"byte limit lifted")
        elif row.get("lifted_note"):
            print(f"{'':>8} with the byte limit lifted: {row['lifted_note']}")
    if row["floor_note"]:
        print(f"{'':>8} floor: {row['floor_note']}")
    if accuracy and (accuracy["misses"] or accuracy["f1"] < 1):
        print(f"{'':>8} misses: {accuracy['misses']}; moves {accuracy['moves_right']} right of "
              f"{accuracy['moves_found']} reported, {accuracy['moves_true']} true")


def _growth(rows: list[dict]) -> None:
    """Say whether time grows about linearly: exponent of the time above the floor between the larger sizes."""
    timed = [row for row in rows if row["seconds"] and row["floor"] and row["sections"] >= TARGET_SECTIONS]
    if len(timed) < 2:
        print("growth: needs two timed sizes of 2,000 sections or more")
        return
    steps = []
    for small, large in itertools.pairwise(timed):
        above = (large["seconds"] - large["floor"]) / (small["seconds"] - small["floor"])
        steps.append(f"{small['sections']:,}->{large['sections']:,}: "
                     f"{math.log(above) / math.log(large['sections'] / small['sections']):.2f}")
    first, last = timed[0], timed[-1]
    exponent = math.log((last["seconds"] - last["floor"]) / (first["seconds"] - first["floor"])) / math.log(
        last["sections"] / first["sections"])
    per_section = [row["seconds"] / row["sections"] * 1000 for row in timed]
    linear = exponent <= 1.15
    print(f"growth exponent of the time above the floor (1 = linear, 2 = quadratic): {'; '.join(steps)}; "
          f"overall {exponent:.2f}")
    print(f"ms/section from {first['sections']:,} to {last['sections']:,} sections: "
          f"{min(per_section):.3f}-{max(per_section):.3f} -> {'about linear' if linear else 'NOT linear'}")


def _print_accuracy(accuracy: dict) -> None:
    print(f"mapped as the truth says: {accuracy['right']:,}/{accuracy['base']:,} base sections "
          f"({accuracy['mapped']:.2%})" + (f"; misses: {accuracy['misses']}" if accuracy["misses"] else ""))
    print(f"moves: {accuracy['moves_found']} reported, {accuracy['moves_true']} true, {accuracy['moves_right']} right "
          f"-> precision {accuracy['precision']:.3f}, recall {accuracy['recall']:.3f}, F1 {accuracy['f1']:.3f}")
    print(f"inserted sections found: {accuracy['inserted_right']}/{accuracy['inserted_true']}, "
          f"spurious {accuracy['inserted_spurious']}; possible moves flagged: {accuracy['possible_moves']}")


def _verdict(name: str, met: bool, detail: str) -> bool:
    print(f"target: {name}: {'met' if met else 'NOT met'} ({detail})")
    return met


def targets(row: dict) -> bool:
    print(f"\nTargets, {TARGET_SECTIONS:,}-section pair:")
    seconds, floor, accuracy = row["seconds"], row["floor"], row["accuracy"]
    if seconds is None or row["lifted"]:
        print(f"target: redline process: NOT met (drafting redline did not finish: {row['refusal']})")
        return False
    ok = _verdict(f"redline process <= {TARGET_RATIO:.0f}x floor process", seconds / floor <= TARGET_RATIO,
                  f"{seconds:.3f} s / {floor:.3f} s = {seconds / floor:.1f}x")
    ok &= _verdict(f"peak memory < {TARGET_PEAK_MB} MB", row["peak_mb"] is not None
                   and row["peak_mb"] < TARGET_PEAK_MB, f"{_fmt(row['peak_mb'], 0)} MB")
    _print_accuracy(accuracy)
    ok &= _verdict(f"mapped >= {TARGET_MAPPED:.0%}", accuracy["mapped"] >= TARGET_MAPPED, f"{accuracy['mapped']:.2%}")
    ok &= _verdict(f"move F1 >= {TARGET_MOVE_F1}", accuracy["f1"] >= TARGET_MOVE_F1, f"{accuracy['f1']:.3f}")
    return ok


def peers_section(folder: Path) -> None:
    print(f"\nPeers, {PEER_SECTIONS}-section pair (peers.py --repeat 1 --timeout {PEER_TIMEOUT}; "
          f"ours: in-process parse + compare + render JSON, best of {REPEAT}):")
    ours, note = in_process_seconds(folder)
    if ours is None:
        print(f"our in-process redline failed: {note}")
        return
    rows, notes = run_peers(folder)
    print(f"{'contender':<12} {'seconds':>8} {'x ours':>8}  note")
    print(f"{'drafting':<12} {ours:>8.3f} {1:>8.1f}  redline (in process)")
    for name, seconds, detail in rows:
        try:
            ratio = f"{float(seconds) / ours:.1f}"
        except ValueError:
            ratio = f">{float(seconds[1:]) / ours:.0f}" if seconds.startswith(">") else "-"
        print(f"{name:<12} {seconds:>8} {ratio:>8}  {detail}")
    for line in notes:
        print(f"note: {line}")
    floor = next((float(s) for name, s, _ in rows if name == "floor" and s[:1].isdigit()), None)
    if floor:
        print(f"ours / in-process floor: {ours / floor:.1f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sections", type=int, nargs="+", help=f"pair sizes (default {', '.join(map(str, SIZES))})")
    parser.add_argument("--quick", action="store_true", help="200 and 2,000 sections only")
    parser.add_argument("--no-peers", action="store_true", help="do not time the peers on the 200-section pair")
    args = parser.parse_args(argv)
    if not (SHARED_BENCH / "gen_bills.py").exists():
        print(f"skipped: {SHARED_BENCH / 'gen_bills.py'} is absent (the benchmark needs ../shared/bench)")
        return 0
    sizes = sorted({*(args.sections or (QUICK_SIZES if args.quick else SIZES)), TARGET_SECTIONS})
    print(f"Python {sys.version.split()[0]}, seed {SEED}; times are best of {REPEAT} whole processes, "
          f"cut off after {CUTOFF:.0f} s")
    with tempfile.TemporaryDirectory(prefix="bench_redline_") as tmp:
        _print_header()
        rows = []
        for sections in sizes:
            rows.append(measure(sections, Path(tmp) / str(sections)))
            _print_row(rows[-1])
        print("ratio = redline process / floor process; ms/sec = redline milliseconds per base section")
        _growth(rows)
        met = targets(next(row for row in rows if row["sections"] == TARGET_SECTIONS))
        if not args.no_peers:
            folder = Path(tmp) / str(PEER_SECTIONS)
            if not folder.exists():
                generate(PEER_SECTIONS, folder)
            if (SHARED_BENCH / "peers.py").exists():
                peers_section(folder)
            else:
                print(f"\npeers skipped: {SHARED_BENCH / 'peers.py'} is absent")
    if not met:
        print(f"\nsome target is not met: profile with  python -m cProfile -s cumulative $(which drafting) redline "
              f"base.xml revised.xml --format json -o out.json  on the {TARGET_SECTIONS:,}-section pair")
    return 0


if __name__ == "__main__":
    sys.exit(main())
