"""Heavy-work admission at the HTTP edge: a heavy slot taken before an upload's body is read when its size says it may
be heavy work (or 503 busy at once, with Retry-After), the budget for the rest of the request, and the slot given
back when the request ends. The budget itself is drafting.work.WorkBudget."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, current_app, g, request

from drafting.errors import BusyError, DraftingError, problem_document
from drafting.http.problems import problem_response
from drafting.work import WorkBudget, estimated_provisions


def work_budget() -> WorkBudget:
    """Return the application's budget for heavy work, made from its settings on first use."""
    found = current_app.extensions.get("drafting.work_budget")
    if found is None:
        found = current_app.extensions.setdefault("drafting.work_budget",
                                                  WorkBudget.from_settings(current_app.config))
    return found


def request_budget() -> WorkBudget:
    """Return the budget for the work of this request: one that takes no second slot when it holds one already."""
    budget = work_budget()
    return budget.reserved() if g.get("heavy_slot") is not None else budget


def busy_response(error: BusyError) -> Response:
    """503 problem+json with Retry-After: heavy work was refused because every heavy slot is taken."""
    return problem_response(problem_document(error, instance=request.path), error.status,
                            {"Retry-After": str(error.retry_after)})


def guard(blueprint: Blueprint, jobs: dict[str, str], *, authenticate: Callable[[], object],
          cost_factor: int = 1) -> None:
    """Admit the heavy work of a blueprint's uploads: `jobs` names the job of each endpoint whose body may be heavy
    work (endpoint -> "this redline"), `cost_factor` how many times the work of comparing its provisions it is, and
    `authenticate` refuses (401) a client that may not ask for it before it takes a slot."""

    def reserve_heavy_slot() -> None:
        """Before an upload's body is read or parsed: when its size (Content-Length) says it may be heavy work, take
        a heavy slot for the whole request, or refuse it at once (503 busy), so that a refused upload costs no
        parsing in another worker. Whether it is too costly (413) is judged once it is read, from its provisions and
        words: its size cannot tell."""
        job = jobs.get(request.endpoint)
        if job is None or not request.content_length:
            return
        media_type = None if request.mimetype == "application/json" else request.mimetype
        provisions = estimated_provisions(request.content_length, media_type) * cost_factor
        budget = work_budget()
        if provisions < budget.heavy_provisions:
            return
        try:
            authenticate()
            g.heavy_slot = budget.take_slot(provisions, job)
        except DraftingError:
            _discard_body()
            raise

    blueprint.register_error_handler(BusyError, busy_response)
    blueprint.before_request(reserve_heavy_slot)
    blueprint.teardown_request(release_heavy_slot)


def _discard_body() -> None:
    """Read and drop the body of a refused upload (without parsing it), so that the client, still sending, reads the
    answer instead of a broken connection, and the connection can serve its next request."""
    stream = request.stream
    while stream.read(1 << 16):
        pass


def release_heavy_slot(error: BaseException | None = None) -> None:
    """Give back the heavy slot this request took, if it took one."""
    slot = g.pop("heavy_slot", None)
    if slot is not None:
        slot.release()
