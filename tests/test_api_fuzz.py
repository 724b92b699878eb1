"""Fuzz the HTTP API against its own OpenAPI document (schemathesis, in-process): no request, however odd, gets a
server error, and every answer is one the document declares: its status, its media type, its schema.

Every operation gets a bounded number of valid requests and of requests that break its schema (positive and
negative generation), derandomized, so CI sends the same requests each time. The client is an administrator with an
If-Match naming every seeded version, on a database seeded with the sample documents; most ids, versions, eIds and
inline documents it sends come from that seed, so the views get past their 404s and 428s into the work.
Deletions run last. schemathesis is driven through its strategies, not its pytest plugin.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from drafting import services
from tests.app_fixtures import sample_bytes

EXAMPLES = 50  # per operation and generation mode
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Parameters that take, most of the time, values from the seeded database or the samples (a random integer or
# string names nothing and would only ever meet a 404 or a 400)
BINDINGS = {
    "documents": ("path.document_id", "query.against", "body.from", "body.from_id", "body.old.document",
                  "body.new.document"),
    "versions": ("path.number", "query.version", "query.against_version", "body.from_version", "body.base_version",
                 "body.latest_version"),
    "akn": ("body.akn", "body.old.akn", "body.new.akn"),
    "eids": ("body.eId", "body.after"),
}
AKN_SAMPLES = ("us-ma-bayport-ordinance-16-62.xml", "us-ma-millbrook-ordinance-2019-7.xml")


@pytest.fixture
def api_schema(app):
    """Return the app's OpenAPI document as a schemathesis schema, acting as an admin on the seeded samples."""
    db = app.extensions["drafting.database"]
    seeded = services.seed(db)
    document_ids = [stored.document.id for stored in seeded]
    _, token = services.create_token(db, "fuzz-admin", "admin")
    # every seeded version's ETag: an edit of any of them meets its precondition until that document changes
    if_match = ", ".join(f'"{services.etag_of(stored.version)}"' for stored in seeded)
    values = {
        "documents": document_ids,
        "versions": [1, 2],
        "akn": [sample_bytes(name).decode("utf-8") for name in AKN_SAMPLES],
        "eids": ["sec_1", "sec_2", "sec_16-62.1", "sec_16-62.3", "sec_16-62.1__subsec_a"],
    }
    config = schemathesis.Config.from_dict({
        "headers": {"Authorization": f"Bearer {token}", "If-Match": if_match},
        "generation": {"deterministic": True, "database": "none", "with-security-parameters": False},
        "dictionaries": {name: {"values": entries} for name, entries in values.items()},
        "parameters": {parameter: {"dictionary": name, "probability": 0.7}
                       for name, parameters in BINDINGS.items() for parameter in parameters},
    })
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=config)


@pytest.mark.slow
def test_api_answers_every_request_as_its_openapi_document_says(api_schema, app):
    failures = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    # deletions last, so that every other operation meets the seeded documents
    for operation in sorted(operations, key=lambda operation: operation.method.upper() == "DELETE"):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                             HealthCheck.data_too_large])
            @given(case=operation.as_strategy(generation_mode=mode))
            def exchange(case):
                case.call_and_validate(app=app, checks=CHECKS)

            try:
                exchange()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # an operation without parameters has nothing to get wrong
            except (Exception, BaseExceptionGroup) as error:  # collect every operation's failures, report them all
                failures[f"{operation.label} ({mode.value})"] = error
    assert not failures, "\n\n".join(f"{label}:\n{error}" for label, error in failures.items())
