"""The pages of the problem types: the `type` of every problem+json answer is the address of one of them."""

from __future__ import annotations

from flask import abort, render_template

from drafting.errors import PROBLEM_TYPE_PATH, PROBLEM_TYPES

from .blueprint import bp


@bp.route(PROBLEM_TYPE_PATH.rstrip("/"))
def problem_types():
    return render_template("problems.html", problems=PROBLEM_TYPES.values())


@bp.route(f"{PROBLEM_TYPE_PATH}<name>")
def problem_type(name: str):
    problem = PROBLEM_TYPES.get(name)
    if problem is None:
        abort(404, "no problem type of that name; /problems lists them")
    return render_template("problem.html", problem=problem)
