"""Adopting a provision of another document into a draft, stored or unsaved."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from drafting.http.validators import EID, ID_RANGE, STORABLE

from .documents import DocumentSchema


class _AdoptSourceSchema(Schema):
    """What to adopt and where it goes: the same for the stored draft and for an unsaved one."""

    eId = fields.String(required=True, validate=EID,
                        metadata={"description": "the provision of that document", "example": "sec_16-62.3"})
    from_version = fields.Integer(validate=ID_RANGE, metadata={"description": "default: the latest"})
    after = fields.String(validate=EID,
                          metadata={"description": "eId in the draft to insert after (default: before the "
                                                   "closing sections, else at the end)"})


class AdoptRequestSchema(_AdoptSourceSchema):
    from_id = fields.Integer(required=True, data_key="from", validate=ID_RANGE,
                             metadata={"description": "id of the stored document to adopt from"})
    message = fields.String(validate=[validate.Length(max=1000), STORABLE])


class RenumberingSchema(Schema):
    old = fields.String()
    new = fields.String()


class AdoptionSchema(Schema):
    eId = fields.String(metadata={"description": "the new section in the draft"})
    num = fields.String(allow_none=True)
    note = fields.String(metadata={"description": "eId of the note in <meta> naming the source"})
    renumbered = fields.List(fields.Nested(RenumberingSchema))
    missing_definitions = fields.List(fields.String(), metadata={
        "description": "terms the adopted text uses that the source defines and the draft does not"})
    source = fields.String(metadata={"description": "FRBR expression URI of the source"})
    source_eId = fields.String()
    from_ = fields.Integer(data_key="from", attribute="from")
    from_version = fields.Integer()


class AdoptResultSchema(DocumentSchema):
    adoption = fields.Nested(AdoptionSchema)


class AdoptPreviewRequestSchema(_AdoptSourceSchema):
    akn = fields.String(required=True, validate=validate.Length(min=1, max=16 * 1024 * 1024),
                        metadata={"description": "the unsaved draft, as AKN XML"})
    from_id = fields.Integer(required=True, validate=ID_RANGE,
                             metadata={"description": "id of the stored document to adopt from"})


class AdoptPreviewResultSchema(Schema):
    akn = fields.String(metadata={"description": "the draft with the adopted provision, as AKN XML (not stored)"})
    adoption = fields.Nested(AdoptionSchema)
