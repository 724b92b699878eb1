"""The audit log: its query and its pages of events."""

from __future__ import annotations

from datetime import UTC

from marshmallow import EXCLUDE, Schema, fields, post_load, validate

from drafting.http.validators import ID_RANGE

AUDIT_PER_PAGE_MAX = 200


class AuditQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    document = fields.Integer(validate=ID_RANGE, metadata={"description": "a document id"})
    actor = fields.String(validate=validate.Length(min=1, max=80), metadata={"description": "a user name"})
    action = fields.String(validate=validate.Length(min=1, max=64), metadata={"example": "document.saved"})
    since = fields.AwareDateTime(default_timezone=UTC,
                                 metadata={"description": "events at or after this time (ISO 8601; UTC if no offset)"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, metadata={"description": f"clamped to 1..{AUDIT_PER_PAGE_MAX}"})

    @post_load
    def clamp_per_page(self, data, **kwargs):
        data["per_page"] = min(max(data["per_page"], 1), AUDIT_PER_PAGE_MAX)
        return data


class AuditEventSchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.String(allow_none=True, metadata={"description": "the user; null for the command line"})
    action = fields.String(metadata={"example": "document.saved"})
    document_id = fields.Integer(allow_none=True)
    version = fields.Integer(allow_none=True)
    detail = fields.Dict(metadata={"description": "what the action changed: message, from/to, filename, ..."})


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditEventSchema), metadata={"description": "newest first"})
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
