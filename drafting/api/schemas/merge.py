"""Merging concurrent edits: the drafter's document against the latest version, item by item."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from drafting.http.validators import ID_RANGE

MERGE_SIDES = ["mine", "theirs"]
MERGE_KINDS = ["mine-only", "theirs-only", "both-same", "conflict"]
MERGE_CHANGES = ["added", "deleted", "changed", "renumbered"]


class MergeRequestSchema(Schema):
    akn = fields.String(required=True, validate=validate.Length(min=1, max=16 * 1024 * 1024),
                        metadata={"description": "the drafter's unsaved document, as AKN XML"})
    base_version = fields.Integer(required=True, validate=ID_RANGE,
                                  metadata={"description": "the version the drafter started from"})
    choices = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=600)),
        values=fields.String(validate=validate.OneOf(MERGE_SIDES)), load_default=dict,
        validate=validate.Length(max=10_000),
        metadata={"description": "item key -> mine or theirs; items not named take their default"},
    )
    latest_version = fields.Integer(
        validate=ID_RANGE,
        metadata={"description": "the latest_version of the answer the choices were made on: 412 when another "
                                 "save came since (merge again to see it)"},
    )


class MergeSideSchema(Schema):
    eId = fields.String(allow_none=True)
    num = fields.String(allow_none=True)
    heading = fields.String(allow_none=True)
    text = fields.String(metadata={"description": "plain text without the number and heading"})


class MergeItemSchema(Schema):
    key = fields.String(metadata={"description": "the base eId; mine:<eId> or theirs:<eId> for an addition; "
                                                 "part:<name> for a preface, preamble or the like",
                                  "example": "sec_5"})
    kind = fields.String(validate=validate.OneOf(MERGE_KINDS))
    element = fields.String(metadata={"example": "section"})
    base = fields.Nested(MergeSideSchema, allow_none=True, metadata={"description": "null when added"})
    mine = fields.Nested(MergeSideSchema, allow_none=True, metadata={"description": "null when absent from mine"})
    theirs = fields.Nested(MergeSideSchema, allow_none=True,
                           metadata={"description": "null when absent from the latest version"})
    mine_change = fields.String(allow_none=True, validate=validate.OneOf(MERGE_CHANGES))
    theirs_change = fields.String(allow_none=True, validate=validate.OneOf(MERGE_CHANGES))
    default = fields.String(allow_none=True, validate=validate.OneOf(MERGE_SIDES),
                            metadata={"description": "null for a conflict"})
    choice = fields.String(allow_none=True, validate=validate.OneOf(MERGE_SIDES),
                           metadata={"description": "the side the merged document takes (null: a conflict "
                                                    "without a choice)"})


class MergeResultSchema(Schema):
    items = fields.List(fields.Nested(MergeItemSchema))
    complete = fields.Boolean(metadata={"description": "every conflict has a choice"})
    akn = fields.String(allow_none=True, metadata={"description": "the merged document (null until complete); "
                                                                  "save it with PUT and If-Match: etag"})
    latest_version = fields.Integer()
    etag = fields.String(metadata={"description": "the ETag of the latest version, quoted, for If-Match"})
