"""Every error leaves the service as application/problem+json (RFC 9457), never as an HTML traceback; its `type` is
the page of its problem type (drafting.errors.PROBLEM_TYPES) that the service serves, its title that type's."""

from __future__ import annotations

import logging

from flask import Flask, current_app, json, render_template, request
from flask_limiter import RateLimitExceeded
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from drafting.errors import (
    PROBLEM_TYPES,
    DraftingError,
    RateLimitedError,
    problem_details,
    problem_document,
    problem_type_of_status,
)
from drafting.http.security import SIGN_IN_ENDPOINT, retry_after

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


def problem_response(body: dict, status: int, headers: dict | None = None):
    """Build a problem+json response (its type, a page of this service, relative to where the service is mounted)."""
    body = {**body, "type": request.script_root + body["type"]}
    response = current_app.response_class(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_drafting_error(error: DraftingError):
    headers = {}
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="drafting"'
        if "invalid" in error.detail:
            headers["WWW-Authenticate"] += ', error="invalid_token"'
    return problem_response(problem_document(error, instance=request.path), error.status, headers)


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    body = problem_details(problem_type_of_status(status), error.description or error.name, status=status,
                           instance=request.path)
    # webargs/flask-smorest attach the field errors of a rejected request body or query
    messages = getattr(error, "data", {}).get("messages") if hasattr(error, "data") else None
    if messages:
        body["errors"] = messages
        body["detail"] = "the request does not match its schema: " + _flatten(messages)
    headers = dict(error.get_headers()) if status == 405 else {}
    headers.pop("Content-Type", None)
    return problem_response(body, status, headers)


def handle_rate_limited(error: RateLimitExceeded):
    """429 with Retry-After: the sign-in page again with a message people can read, else problem+json."""
    seconds = retry_after()
    headers = {"Retry-After": str(seconds)}
    wait = f"{seconds} second{'s' if seconds != 1 else ''}"
    if request.endpoint == SIGN_IN_ENDPOINT:
        message = f"Too many sign-in attempts. Wait {wait}, then try again."
        return render_template("login.html", error=message), 429, headers
    problem = RateLimitedError(f"too many requests of this kind (the limit is {error.description}); "
                               f"try again in {wait}", extra={"retry_after": seconds})
    return problem_response(problem_document(problem, instance=request.path), 429, headers)


def handle_schema_error(error: ValidationError):
    messages = {"json": error.messages}
    body = problem_details(PROBLEM_TYPES["invalid-request"], "the request does not match its schema: "
                           + _flatten(messages), instance=request.path, extra={"errors": messages})
    return problem_response(body, 422)


def handle_unexpected(error: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    body = problem_details(PROBLEM_TYPES["internal-error"], "the server failed to handle this request; it has been "
                           "logged", instance=request.path)
    return problem_response(body, 500)


def _flatten(messages, prefix="") -> str:
    parts = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            parts.append(_flatten(value, f"{prefix}{key}."))
    elif isinstance(messages, list):
        parts.append(f"{prefix.rstrip('.')}: {'; '.join(str(m) for m in messages)}")
    else:
        parts.append(f"{prefix.rstrip('.')}: {messages}")
    return "; ".join(p for p in parts if p)


def init_app(app: Flask) -> None:
    """Register the problem+json handlers."""
    app.register_error_handler(DraftingError, handle_drafting_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(RateLimitExceeded, handle_rate_limited)
    app.register_error_handler(ValidationError, handle_schema_error)
    app.register_error_handler(Exception, handle_unexpected)
