"""A worker gives back the memory of large requests: its resident set does not keep what a 12 MB request needed."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from drafting.memory import ReturnFreedMemory, malloc_trim

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench" / "bench_memory.py"
GROWTH_LIMIT_MB = 50


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_memory", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_memory", module)
    spec.loader.exec_module(module)
    return module


class Answer:
    """A WSGI response body that records when the server closed it."""

    def __init__(self, events: list[str]):
        self.events = events

    def __iter__(self):
        return iter([b"answer"])

    def close(self) -> None:
        self.events.append("closed")


def served(environ: dict, events: list[str]) -> list[bytes]:
    """Run one request through ReturnFreedMemory as a WSGI server does: start, iterate, close."""
    middleware = ReturnFreedMemory(lambda environ, start_response: Answer(events),
                                   trim=lambda: events.append("trimmed"))
    answer = middleware(environ, lambda status, headers, exc_info=None: None)
    try:
        return list(answer)
    finally:
        answer.close()


def test_memory_is_given_back_after_a_request_with_a_large_body_once_its_answer_is_closed():
    events: list[str] = []

    body = served({"CONTENT_LENGTH": str(2 * 1024 * 1024)}, events)

    assert body == [b"answer"]
    assert events == ["closed", "trimmed"]


def test_a_small_quick_request_costs_no_trim():
    events: list[str] = []

    served({"CONTENT_LENGTH": "300"}, events)

    assert events == ["closed"]


def test_on_glibc_memory_is_given_back_and_large_blocks_can_be_mapped_apart():
    trim = malloc_trim()
    if trim is None:
        pytest.skip("the C library is not glibc: there is no malloc_trim")

    trim()
    # in a process of its own: the setting is the whole process's
    mapped = subprocess.run([sys.executable, "-c", "from drafting.memory import map_large_blocks_apart as m; "
                             "print(m())"], capture_output=True, text=True, check=True, cwd=REPO)

    assert mapped.stdout.strip() == "True"


@pytest.mark.slow
@pytest.mark.parametrize("path", ["POST /api/redlines", "POST /api/adopt", "POST /api/documents/{id}/merge"])
def test_large_json_requests_leave_the_worker_less_than_50_mb_larger(path, tmp_path):
    """Five requests of about 10 MB of inline AKN each, on a real gunicorn worker (bench/bench_memory.py, smaller)."""
    bench = load_bench()

    result = bench.run(path, requests=5, megabytes=10, env={}, folder=tmp_path)

    assert result.growth < GROWTH_LIMIT_MB, result
