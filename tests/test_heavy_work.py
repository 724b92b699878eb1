"""Heavy work has a budget: a big redline or report takes one heavy slot, and when every slot is taken it is refused at
once (503 busy with Retry-After) instead of taking another worker; light requests are never held back."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from xml.sax.saxutils import escape

import pytest

from drafting import create_app, services, work
from drafting.errors import BusyError, WorkTooLargeError
from drafting.services.gaps import GAPS_COST_FACTOR
from drafting.services.sources import Source
from tests.akn_builders import bill_document, verbose
from tests.app_fixtures import sample_bytes
from tests.server_support import Server

AKN = "application/akn+xml"
PROBLEM = "application/problem+json"
SENTENCES = ["A public agency shall not acquire any biometric surveillance system.",
             "The department shall publish an annual report on the use of surveillance technology.",
             "Any data collected in violation of this section shall be inadmissible in any proceeding."]


def bill(sections: int, *, variant: str = "", number: str = "heavy", subsections: bool = True) -> str:
    """Return a bill of `sections` sections with two subsections each (AKN, the layout of gen_bills.py), or with
    one sentence each and no subsections."""
    work = f"/akn/us-ma/act/bill/2026/{number}"
    body = []
    for n in range(1, sections + 1):
        text = [f"{SENTENCES[(n + k) % 3]} {variant if n % 10 == 0 else ''}".strip() for k in range(2)]
        if not subsections:
            body.append(f'<section eId="sec_{n}"><num>{n}.</num><content><p>{escape(text[0])}</p></content></section>')
            continue
        parts = "".join(f'<subsection eId="sec_{n}__subsec_{letter}"><num>({letter})</num><content>'
                        f"<p>{escape(words)}</p></content></subsection>"
                        for letter, words in zip("ab", text, strict=True))
        body.append(f'<section eId="sec_{n}"><num>{n}.</num><heading>Section {n}</heading>{parts}</section>')
    return bill_document(work, body)


def redline_body(sections: int) -> dict:
    return {"old": {"akn": bill(sections)}, "new": {"akn": bill(sections, variant="(as amended)")}}


# --- the budget -------------------------------------------------------------------------------------------------


def test_light_work_runs_without_a_slot_even_when_every_slot_is_taken():
    budget = work.WorkBudget(heavy_provisions=100)
    ran = []
    with budget.admit(100, "the first heavy job"):
        assert budget.reserve(99, "a light job") is None  # a light job takes no slot
        with budget.admit(99, "a light job"):
            ran.append("a light job")

    assert ran == ["a light job"]


def test_heavy_work_is_refused_with_retry_after_while_the_slot_is_taken():
    budget = work.WorkBudget(heavy_provisions=100, retry_after=3)
    with (budget.admit(500, "the first heavy job"), pytest.raises(BusyError) as refused,
          budget.admit(500, "a second heavy job")):
        pytest.fail("a second heavy job started while the only slot was taken")

    assert refused.value.status == 503
    assert refused.value.rule == "busy"
    assert refused.value.retry_after == 3
    assert "a second heavy job is heavy work (about 500 provisions)" in refused.value.detail


def test_the_slot_is_free_again_after_the_heavy_job_even_when_it_failed():
    budget = work.WorkBudget(heavy_provisions=100)
    with pytest.raises(ValueError), budget.admit(500, "a failing job"):
        raise ValueError("the job failed")

    with budget.admit(500, "the next heavy job"):
        pass


def test_as_many_heavy_jobs_run_at_once_as_there_are_slots():
    budget = work.WorkBudget(heavy_provisions=100, slots=2)
    with budget.admit(500, "one"), budget.admit(500, "two"), pytest.raises(BusyError), budget.admit(500, "three"):
        pass


def test_work_above_the_ceiling_is_refused_whatever_the_slots():
    budget = work.WorkBudget(heavy_provisions=100, max_provisions=1000)
    with pytest.raises(WorkTooLargeError) as refused, budget.admit(1001, "this redline"):
        pass

    assert refused.value.status == 413
    assert refused.value.rule == "too-costly"
    assert "1,001 provisions" in refused.value.detail


HOLD_SLOT = """
import sys
from drafting import work
slot = work.take_heavy_slot(work.WorkBudget(heavy_provisions=1, lock_folder=sys.argv[1]))
print("held" if slot else "busy", flush=True)
sys.stdin.readline()
"""


def test_the_heavy_slot_is_shared_by_the_processes_of_one_instance_folder(tmp_path):
    """gunicorn's workers are processes: a slot one of them holds is taken for all the others."""
    budget = work.WorkBudget(heavy_provisions=100, lock_folder=str(tmp_path))
    other = subprocess.Popen([sys.executable, "-c", HOLD_SLOT, str(tmp_path)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "held"
        with pytest.raises(BusyError), budget.admit(500, "a heavy job in another process"):
            pass
    finally:
        other.communicate("\n", timeout=10)

    with budget.admit(500, "a heavy job once the other process let go"):
        pass


def test_a_slot_held_by_a_process_that_died_is_free(tmp_path):
    other = subprocess.Popen([sys.executable, "-c", HOLD_SLOT, str(tmp_path)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert other.stdout.readline().strip() == "held"
    other.kill()
    other.communicate(timeout=10)

    with work.WorkBudget(heavy_provisions=100, lock_folder=str(tmp_path)).admit(500, "the next heavy job"):
        pass


def test_the_estimate_grows_with_the_document_and_knows_text_from_akn():
    small, big = bill(20).encode(), bill(2000).encode()
    estimate = [Source(data, None).provisions for data in (small, big)]
    counted = [data.count(b' eId="') for data in (small, big)]

    assert estimate[1] > 50 * estimate[0]
    assert 0.5 < estimate[1] / counted[1] < 2  # within a factor of two of the provisions really there
    text = "\n".join(f"SECTION {n}. Heading.\n(a) {SENTENCES[n % 3]}" for n in range(200)).encode()
    assert Source(text, "text/plain").provisions > Source(text, AKN).provisions


def test_the_same_sections_are_the_same_work_however_verbose_their_markup():
    """20,000 sections in 3.1 MB or, written by another system, in 12.6 MB: the same work, and admitted alike."""
    lean = bill(20_000, subsections=False)
    wordy = verbose(lean)
    assert len(wordy) > 3.5 * len(lean)
    budget = work.WorkBudget(heavy_provisions=work.DEFAULT_MAX_PROVISIONS + 1)  # judge the ceiling only

    estimates = [Source(document.encode()).provisions for document in (lean, wordy)]

    assert estimates[0] == estimates[1]
    assert 20_000 <= estimates[0] < 25_000  # the sections, and their words
    budget.reserve(GAPS_COST_FACTOR * estimates[1], "this safeguard report")


def test_a_truly_huge_report_is_still_too_costly():
    """30,000 sections of three sentences each: a document the parser takes, and more than one report may cost."""
    xml = bill(30_000, subsections=False)
    for sentence in SENTENCES:
        xml = xml.replace(escape(sentence), escape(" ".join([sentence] * 3)))
    cost = GAPS_COST_FACTOR * Source(xml.encode()).provisions

    with pytest.raises(WorkTooLargeError):
        work.DEFAULT_BUDGET.reserve(cost, "this safeguard report")


def test_markup_the_parser_refuses_unparsed_is_no_work():
    """Denser than the hardened parser allows: it is refused before anything is built, so the budget admits it."""
    dense = bill(1, subsections=False).replace("</body>", "<b/>" * 200_000 + "</body>")

    assert Source(dense.encode()).provisions == 0


def test_words_count_as_work_however_few_the_provisions():
    """Ten sections of 30,000 words each are a heavy comparison, though they are only ten provisions."""
    long_text = " ".join(SENTENCES * 3000)
    xml = bill(10, subsections=False).replace(escape(SENTENCES[1]), escape(long_text))

    assert Source(xml.encode()).provisions >= work.DEFAULT_HEAVY_PROVISIONS


# --- over HTTP ----------------------------------------------------------------------------------------------------


@pytest.fixture
def heavy_app(database, database_url, tmp_path, monkeypatch):
    """An application whose budget calls anything of 300 provisions or more heavy (the samples are lighter)."""
    monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app({"DATABASE_URL": database_url, "TESTING": True, "DRAFTING_HEAVY_PROVISIONS": 300,
                              "DRAFTING_HEAVY_MAX_PROVISIONS": 10_000})
    yield application
    application.extensions["drafting.database"].dispose()


@pytest.fixture
def heavy_client(heavy_app):
    return heavy_app.test_client()


@pytest.fixture
def heavy_auth(heavy_app):
    _, token = services.create_token(heavy_app.extensions["drafting.database"], "heavy-drafter", "drafter")
    return lambda **extra: {"Authorization": f"Bearer {token}", **extra}


def slot_taken(app):
    """Take the application's only heavy slot, as a heavy request in another worker would."""
    from drafting.http.budget import work_budget

    with app.app_context():
        budget = work_budget()
    slot = work.take_heavy_slot(budget)
    assert slot is not None
    return slot


def assert_busy(reply) -> dict:
    assert reply.status_code == 503, reply.get_data(as_text=True)
    assert reply.mimetype == PROBLEM
    assert reply.headers["Retry-After"] == str(work.BUSY_RETRY_SECONDS)
    body = reply.get_json()
    assert body["rule"] == "busy"
    assert body["retry_after"] == work.BUSY_RETRY_SECONDS
    assert "heavy work" in body["detail"]
    return body


def test_a_heavy_redline_is_answered_503_busy_while_the_slot_is_taken(heavy_app, heavy_client, heavy_auth):
    slot = slot_taken(heavy_app)
    try:
        busy = heavy_client.post("/api/redlines", json=redline_body(200), headers=heavy_auth())
        light = heavy_client.post("/api/redlines", json=redline_body(20), headers=heavy_auth())
    finally:
        slot.release()
    served = heavy_client.post("/api/redlines", json=redline_body(200), headers=heavy_auth())

    assert_busy(busy)
    assert light.status_code == 200, light.get_json()
    assert served.status_code == 200, served.get_json()


def test_a_heavy_safeguard_report_is_answered_503_busy_and_a_cached_one_is_served(heavy_app, heavy_client, heavy_auth):
    created = heavy_client.post("/api/documents", data=bill(200), headers=heavy_auth(**{"Content-Type": AKN}))
    assert created.status_code == 201, created.get_json()
    doc_id = created.get_json()["id"]
    computed = heavy_client.get(f"/api/documents/{doc_id}/gaps", headers=heavy_auth())
    assert computed.status_code == 200

    slot = slot_taken(heavy_app)
    try:
        cached = heavy_client.get(f"/api/documents/{doc_id}/gaps", headers=heavy_auth())
        uploaded = heavy_client.post("/api/gaps", data=bill(200, variant="(amended)"),
                                     headers=heavy_auth(**{"Content-Type": AKN}))
    finally:
        slot.release()

    assert cached.status_code == 200
    assert cached.data == computed.data
    assert_busy(uploaded)


def test_a_heavy_redline_of_stored_versions_is_refused_only_until_it_is_cached(heavy_app, heavy_client, heavy_auth):
    ids = []
    for variant in ("", "(as amended)"):
        created = heavy_client.post("/api/documents", data=bill(200, variant=variant, number=f"heavy{len(ids)}"),
                                    headers=heavy_auth(**{"Content-Type": AKN}))
        ids.append(created.get_json()["id"])
    path = f"/api/documents/{ids[1]}/redline?against={ids[0]}"

    slot = slot_taken(heavy_app)
    try:
        refused = heavy_client.get(path, headers=heavy_auth())
    finally:
        slot.release()
    computed = heavy_client.get(path, headers=heavy_auth())
    slot = slot_taken(heavy_app)
    try:
        cached = heavy_client.get(path, headers=heavy_auth())
        revalidated = heavy_client.get(path, headers=heavy_auth(**{"If-None-Match": computed.headers["ETag"]}))
    finally:
        slot.release()

    assert_busy(refused)
    assert computed.status_code == cached.status_code == 200
    assert cached.data == computed.data
    assert revalidated.status_code == 304


def test_a_heavy_upload_is_refused_by_its_size_before_its_body_is_read(heavy_app, heavy_client, heavy_auth):
    """A refused upload costs no parsing: the body here is not even JSON, and the answer is still 503."""
    slot = slot_taken(heavy_app)
    try:
        reply = heavy_client.post("/api/redlines", data=b"{not json" + b" " * 200_000,
                                  headers=heavy_auth(**{"Content-Type": "application/json"}))
    finally:
        slot.release()

    assert_busy(reply)


def test_a_heavy_upload_takes_its_slot_for_the_whole_request_and_gives_it_back(heavy_app, heavy_client, heavy_auth):
    from drafting.http.budget import work_budget

    failed = heavy_client.post("/api/redlines", data=b"{not json" + b" " * 200_000,
                               headers=heavy_auth(**{"Content-Type": "application/json"}))
    anonymous = heavy_client.post("/api/redlines", json=redline_body(200))
    served = heavy_client.post("/api/redlines", json=redline_body(200), headers=heavy_auth())

    assert failed.status_code == 400
    assert anonymous.status_code == 401
    assert served.status_code == 200, served.get_json()
    with heavy_app.app_context():
        budget = work_budget()
    slot = work.take_heavy_slot(budget)  # every request gave its slot back
    assert slot is not None
    slot.release()


def test_a_report_is_admitted_by_its_provisions_and_words_not_by_its_bytes(database, database_url, tmp_path,
                                                                          monkeypatch):
    """Under a ceiling that a 500-section report fits, the same report written verbosely is admitted too, and one
    of ten times the sections is refused (413 too-costly) from its content."""
    monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app({"DATABASE_URL": database_url, "TESTING": True, "DRAFTING_HEAVY_PROVISIONS": 300,
                              "DRAFTING_HEAVY_MAX_PROVISIONS": 8000})
    try:
        client = application.test_client()
        token = services.create_token(application.extensions["drafting.database"], "reporter", "viewer")[1]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": AKN}
        lean = bill(500)
        answers = [client.post("/api/gaps", data=document, headers=headers)
                   for document in (lean, verbose(lean), bill(5000))]
    finally:
        application.extensions["drafting.database"].dispose()

    assert [answer.status_code for answer in answers] == [200, 200, 413], [a.get_json() for a in answers]
    assert answers[2].get_json()["rule"] == "too-costly"
    assert answers[0].get_json()["findings"] == answers[1].get_json()["findings"]


def test_work_above_the_ceiling_is_answered_413_too_costly(heavy_client, heavy_auth):
    reply = heavy_client.post("/api/redlines", json=redline_body(3000), headers=heavy_auth())

    assert reply.status_code == 413, reply.get_json()
    assert reply.mimetype == PROBLEM
    assert reply.get_json()["rule"] == "too-costly"
    assert "Retry-After" not in reply.headers


def test_the_openapi_document_names_the_busy_answer(client):
    spec = client.get("/api/openapi.json").get_json()
    redline = spec["paths"]["/api/redlines"]["post"]["responses"]
    gaps = spec["paths"]["/api/gaps"]["post"]["responses"]

    assert "busy" in redline["503"]["description"] and "busy" in gaps["503"]["description"]
    assert "too-costly" in redline["413"]["description"]


def test_the_settings_make_the_budget(app):
    from drafting.http.budget import work_budget

    app.config.update(DRAFTING_HEAVY_PROVISIONS=1234, DRAFTING_HEAVY_MAX_PROVISIONS=5678, DRAFTING_HEAVY_SLOTS=3)
    app.extensions.pop("drafting.work_budget", None)
    with app.app_context():
        budget = work_budget()

    assert (budget.heavy_provisions, budget.max_provisions, budget.slots) == (1234, 5678, 3)
    assert budget.lock_folder == app.config["INSTANCE_PATH"]


def test_the_default_budget_calls_a_sample_redline_light_and_a_2000_section_one_heavy(client, auth):
    budget = work.WorkBudget.from_settings(client.application.config)
    sample = Source(sample_bytes("ma-biometric-moratorium-bill.xml")).provisions
    big = Source(bill(2000).encode()).provisions

    assert 2 * sample < budget.heavy_provisions <= 2 * big


# --- a real server --------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_heavy_redline_holds_one_worker_and_light_requests_go_on(database, database_url, tmp_path):
    """Three clients ask for a 2,000-section redline at once: one is served, the others are told 503 at once; light
    requests sent meanwhile are all answered before the heavy one ends."""
    token = services.create_token(database, "heavy-server", "drafter")[1]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    server = Server(database_url, tmp_path / "instance", workers=2).start()
    try:
        created = server.request("POST", "/api/documents", sample_bytes("us-ma-bayport-ordinance-16-62.xml"),
                                 {**headers, "Content-Type": AKN})
        assert created.status == 201, created.body
        light_path = f"/api/documents/{created.json()['id']}"
        heavy = json.dumps(redline_body(2000)).encode()
        barrier = threading.Barrier(3, timeout=30)
        finished: list[tuple[str, float, int]] = []
        lock = threading.Lock()

        def ask_heavy() -> None:
            barrier.wait()
            reply = server.request("POST", "/api/redlines?format=json", heavy, headers, timeout=120)
            with lock:
                finished.append(("heavy", time.monotonic(), reply.status))
                if reply.status == 503:
                    assert reply.headers["retry-after"] == str(work.BUSY_RETRY_SECONDS)
                    assert json.loads(reply.body)["rule"] == "busy"

        def ask_light() -> None:
            reply = server.request("GET", light_path, headers={"Authorization": headers["Authorization"]})
            with lock:
                finished.append(("light", time.monotonic(), reply.status))

        with ThreadPoolExecutor(8) as pool:
            heavies = [pool.submit(ask_heavy) for _ in range(3)]
            while not any(kind == "heavy" and status == 503 for kind, _, status in finished):
                assert not all(f.done() for f in heavies), f"no heavy request was refused: {finished}"
                time.sleep(0.01)
            lights = [pool.submit(ask_light) for _ in range(5)]
            for future in [*heavies, *lights]:
                future.result(timeout=120)
    finally:
        server.stop()

    statuses = sorted(status for kind, _, status in finished if kind == "heavy")
    assert statuses.count(200) >= 1 and statuses.count(503) >= 1, statuses
    served_at = max(at for kind, at, status in finished if kind == "heavy" and status == 200)
    lights = [(at, status) for kind, at, status in finished if kind == "light"]
    assert [status for _, status in lights] == [200] * 5
    assert all(at < served_at for at, _ in lights), "a light request waited for the heavy redline"
