"""The service's own representations: problem details (RFC 9457) and health."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields


class ProblemSchema(Schema):
    class Meta:
        # RFC 9457 problem details carry extension members (current_etag, validation, ...): allowed, not listed
        unknown = INCLUDE

    type = fields.String(metadata={"description": "the problem type: /problems/<name>, a page of this service that "
                                                  "describes it (a reference relative to the service's root)"})
    title = fields.String(metadata={"description": "the problem type's title, the same in every answer of that type "
                                                   "(/problems lists every type)"})
    status = fields.Integer()
    detail = fields.String()
    rule = fields.String(metadata={"description": "the rule the request broke: the name of the problem type"})
    instance = fields.String()
    errors = fields.Dict(metadata={"description": "for a request that does not match its schema: the messages "
                                                 "by location and field"})


class HealthSchema(Schema):
    status = fields.String()
    database = fields.String()
