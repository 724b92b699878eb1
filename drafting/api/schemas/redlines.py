"""Redlines: what to compare (stored versions, inline AKN or text), how to render it, and the redline itself."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from drafting.compare.model import STATUSES
from drafting.http.validators import ID_RANGE

REDLINE_FORMATS = ["json", "html", "akn", "docx"]


class RedlineSideSchema(Schema):
    document = fields.Integer(validate=ID_RANGE)
    version = fields.Integer(validate=ID_RANGE)
    akn = fields.String(validate=validate.Length(max=16 * 1024 * 1024), metadata={"description": "inline AKN XML"})
    text = fields.String(validate=validate.Length(max=16 * 1024 * 1024), metadata={"description": "plain text"})

    @validates_schema
    def one_source(self, data, **kwargs):
        given = [name for name in ("document", "akn", "text") if data.get(name) is not None]
        if len(given) != 1:
            raise ValidationError(f"expected exactly one of document, akn or text, found {given or 'none'}")
        if data.get("version") is not None and data.get("document") is None:
            raise ValidationError("version goes with document")


class RedlineRequestSchema(Schema):
    old = fields.Nested(RedlineSideSchema, required=True)
    new = fields.Nested(RedlineSideSchema, required=True)
    view = fields.String(validate=validate.OneOf(["inline", "side-by-side"]))


class RedlineQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    format = fields.String(validate=validate.OneOf(REDLINE_FORMATS))
    view = fields.String(load_default="inline", validate=validate.OneOf(["inline", "side-by-side"]))


class DocumentRedlineQuerySchema(RedlineQuerySchema):
    against = fields.Integer(required=True, validate=ID_RANGE)
    version = fields.Integer(validate=ID_RANGE)
    against_version = fields.Integer(validate=ID_RANGE)


class RedlineDocumentSchema(Schema):
    frbr_uri = fields.String(allow_none=True)
    expression_uri = fields.String(allow_none=True)
    title = fields.String()
    doc_type = fields.String()
    content_hash = fields.String()
    document = fields.Integer(metadata={"description": "the stored document's id (absent for inline AKN or text)"})
    version = fields.Integer(metadata={"description": "the stored version's number (absent for inline AKN or text)"})


class RedlineEntrySchema(Schema):
    old = fields.List(fields.String(), metadata={"description": "eIds in the old document"})
    new = fields.List(fields.String(), metadata={"description": "eIds in the new document"})
    status = fields.String(validate=validate.OneOf(STATUSES))
    element = fields.String(metadata={"example": "section"})
    score = fields.Float()
    old_num = fields.String(allow_none=True)
    new_num = fields.String(allow_none=True)
    labels = fields.List(fields.String(), metadata={"description": "changes a drafter cares about"})
    diff = fields.List(fields.List(fields.String()), metadata={"description": "word diff of the own text: "
                                                                             "[op, text] with op =, - or +"})
    children = fields.List(fields.Nested(lambda: RedlineEntrySchema()))
    old_heading = fields.String(allow_none=True)
    new_heading = fields.String(allow_none=True)
    heading_diff = fields.List(fields.List(fields.String()))
    renumbered = fields.Boolean()
    old_position = fields.Integer(allow_none=True, metadata={"description": "for a move: 1-based, among siblings"})
    new_position = fields.Integer(allow_none=True)
    possible_move = fields.Boolean()
    quoted = fields.Boolean(metadata={"description": "the provision opens a quoted structure: text an amending bill "
                                                     "inserts into another law (present only when true)"})


class RedlineSchema(Schema):
    old = fields.Nested(RedlineDocumentSchema)
    new = fields.Nested(RedlineDocumentSchema)
    stats = fields.Dict(keys=fields.String(), metadata={"description": "counts of entries by status"})
    alignment = fields.List(fields.Nested(RedlineEntrySchema))
    defined_terms = fields.List(fields.Dict(), metadata={"description": "defined terms whose definition changed"})
