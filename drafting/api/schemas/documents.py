"""Documents and their versions: imports, listing, templates, renaming, saving, export, validation, access."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from drafting.akn.frbr import MAX_WORK_URI
from drafting.akn.templates import template_names
from drafting.http.import_options import ImportQuerySchema
from drafting.http.validators import ID_RANGE, JURISDICTION, STORABLE

from .reports import ImportReportSchema, StorageReportSchema, ValidationReportSchema


class ImportResultSchema(Schema):
    akn = fields.String(metadata={"description": "the AKN XML"})
    valid = fields.Boolean()
    validation = fields.Nested(ValidationReportSchema)
    report = fields.Nested(ImportReportSchema)


class ProvisionSchema(Schema):
    eId = fields.String(allow_none=True)
    element = fields.String()
    num = fields.String(allow_none=True)
    heading = fields.String(allow_none=True)
    citation = fields.String()
    text = fields.String()
    quoted = fields.Boolean(metadata={"description": "the provision opens a quoted structure: text an amending bill "
                                                      "inserts into another law, cited by its own numbers"})
    children = fields.List(fields.Nested(lambda: ProvisionSchema()))


class DocumentSummarySchema(Schema):
    id = fields.Integer()
    frbr_uri = fields.String(attribute="frbr_work_uri")
    doc_type = fields.String()
    name = fields.String(allow_none=True)
    jurisdiction = fields.String(allow_none=True)
    title = fields.String()
    number = fields.String(allow_none=True)
    date = fields.String(allow_none=True)
    version = fields.Integer(attribute="latest_version")
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)


class DocumentSchema(DocumentSummarySchema):
    version = fields.Integer()
    latest_version = fields.Integer()
    expression_uri = fields.String(allow_none=True)
    content_hash = fields.String()
    valid = fields.Boolean()
    report = fields.Nested(StorageReportSchema)
    provisions = fields.List(fields.Nested(ProvisionSchema))


class DocumentPageSchema(Schema):
    items = fields.List(fields.Nested(DocumentSummarySchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class DocumentQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    jurisdiction = fields.String(validate=validate.Length(max=100))
    type = fields.String(validate=validate.Length(max=50), metadata={"description": "AKN document type: act, bill"})
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "text in the title"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class TemplateRequestSchema(Schema):
    template = fields.String(required=True, validate=validate.OneOf(template_names()))
    title = fields.String(required=True, validate=validate.Length(min=1, max=500))
    jurisdiction = fields.String(
        required=True, validate=[JURISDICTION, validate.Length(max=64)], metadata={"example": "us-ma"},
    )
    number = fields.String(required=True, validate=validate.Length(min=1, max=100))
    date = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
                         metadata={"example": "2026-11-26", "description": "default: today"})


class RenameRequestSchema(Schema):
    frbr_uri = fields.String(
        required=True, validate=validate.Length(min=5, max=MAX_WORK_URI),
        metadata={"example": "/akn/us-ma/bill/2026/biometric-surveillance-moratorium"},
    )
    message = fields.String(validate=[validate.Length(max=1000), STORABLE])


class VersionSchema(Schema):
    number = fields.Integer()
    parent_number = fields.Integer(allow_none=True)
    author = fields.String(allow_none=True)
    message = fields.String(allow_none=True)
    created_at = fields.DateTime()
    content_hash = fields.String()
    expression_uri = fields.String(attribute="frbr_expression_uri", allow_none=True)
    valid = fields.Boolean()


class VersionListSchema(Schema):
    document = fields.Nested(DocumentSummarySchema)
    versions = fields.List(fields.Nested(VersionSchema))


class SaveQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    message = fields.String(validate=validate.Length(max=1000), metadata={"description": "what this version changes"})


class ExportQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    version = fields.Integer(validate=ID_RANGE, metadata={"description": "default: the latest"})


class ValidateQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    mode = fields.String(load_default="strict", validate=validate.OneOf(["strict", "lenient"]))


VISIBILITIES = ["shared", "private"]
VISIBILITY_HELP = ("shared: every signed-in user reads it and drafters write it; private: only its owner (the user who "
                   "created it) and admins; anyone else gets 404, as for a document that does not exist")


class DocumentCreateQuerySchema(ImportQuerySchema):
    class Meta:
        unknown = EXCLUDE

    visibility = fields.String(validate=validate.OneOf(VISIBILITIES),
                               metadata={"description": f"default shared. {VISIBILITY_HELP}"})


class TemplateCreateRequestSchema(TemplateRequestSchema):
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES),
                               metadata={"description": "default shared (or the `visibility` query parameter)"})


class VisibilityRequestSchema(Schema):
    visibility = fields.String(required=True, validate=validate.OneOf(VISIBILITIES),
                               metadata={"description": VISIBILITY_HELP})


class DocumentAccessSchema(Schema):
    id = fields.Integer()
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES))
    owner = fields.String(attribute="created_by", allow_none=True,
                          metadata={"description": "the user who created the document"})
    version = fields.Integer(attribute="latest_version")
