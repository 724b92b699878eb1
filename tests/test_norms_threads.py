"""The norm reader in a threaded server: the time grammar's first use from many threads at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import threading
from drafting.norms import read_clause
errors, barrier = [], threading.Barrier(8)
def read():
    barrier.wait()
    try:
        norms = read_clause("The agency shall delete the data not later than 5 business days after the violation, "
                            "and on or before March 1 of each year shall publish a report.")
        assert norms[0].time.amount == 5, norms
    except Exception as error:
        errors.append(repr(error))
threads = [threading.Thread(target=read) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(errors)
"""


def test_the_time_grammar_is_safe_to_use_first_from_many_threads():
    """pyparsing finds the arity of a short parse action by trial on its first call, which races (two requests of a
    fresh worker crashed with "missing 1 required positional argument"); every action takes the full signature, so
    threads that read their first times at once all get them. A fresh interpreter each run: the race is on first
    use."""
    for _ in range(5):
        result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120,
                                cwd=Path(__file__).resolve().parents[1])
        assert result.returncode == 0 and result.stdout.strip() == "[]", result.stdout + result.stderr
