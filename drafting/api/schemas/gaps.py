"""Safeguards: the gaps report of a document, its findings, and its comparison with other documents."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate
from webargs.fields import DelimitedList

from drafting.http.validators import ID_RANGE
from drafting.services.gaps import MAX_COMPARED

from .documents import ImportQuerySchema

GAPS_FORMATS = ["json", "html"]


class _AgainstMixin(Schema):
    against = DelimitedList(
        fields.Integer(validate=ID_RANGE), load_default=list,
        validate=validate.Length(max=MAX_COMPARED),
        metadata={"description": "ids of stored documents to compare with, comma-separated (latest versions)"},
    )
    format = fields.String(validate=validate.OneOf(GAPS_FORMATS),
                           metadata={"description": "json or html; wins over Accept"})


class GapsQuerySchema(_AgainstMixin):
    class Meta:
        unknown = EXCLUDE

    version = fields.Integer(validate=ID_RANGE, metadata={"description": "default: the latest"})


class GapsUploadQuerySchema(ImportQuerySchema, _AgainstMixin):
    class Meta:
        unknown = EXCLUDE


class EvidenceSchema(Schema):
    eId = fields.String(allow_none=True)
    num = fields.String()
    quote = fields.String()


class FindingNormSchema(Schema):
    eId = fields.String(allow_none=True)
    kind = fields.String(metadata={"example": "prohibition"})
    construction = fields.String(metadata={"example": "no-x-shall",
                                           "description": "the rule of the norm reader that read the clause"})
    reading = fields.String(metadata={"description": "the norm in one line: citation, kind, bearer, acts, object, "
                                                     "time, conditions, exceptions, qualifiers"})


class FindingSchema(Schema):
    safeguard = fields.String(metadata={"example": "evidence-exclusion"})
    group = fields.String(metadata={"example": "remedies"})
    title = fields.String()
    status = fields.String(validate=validate.OneOf(["present", "weak", "absent"]))
    evidence = fields.List(fields.Nested(EvidenceSchema))
    reason = fields.String()
    rule = fields.String(metadata={"description": "the rule of the engine that decided"})
    norms = fields.List(fields.Nested(FindingNormSchema),
                        metadata={"description": "the norms that decided the finding, as the norm reader read them"})


class GapsDocumentSchema(Schema):
    id = fields.Integer(metadata={"description": "absent for an upload"})
    version = fields.Integer(metadata={"description": "absent for an upload"})
    frbr_uri = fields.String(allow_none=True)
    expression_uri = fields.String(allow_none=True)
    title = fields.String()
    doc_type = fields.String()


class SuggestionSchema(Schema):
    safeguard = fields.String()
    eId = fields.String(allow_none=True, metadata={"description": "the provision to adopt (POST .../adopt)"})
    num = fields.String()
    quote = fields.String()
    source = fields.String(allow_none=True, metadata={"description": "FRBR work URI of the document quoted"})


class ComparisonSchema(Schema):
    document = fields.Nested(GapsDocumentSchema)
    stronger = fields.List(fields.String(), metadata={"description": "safeguards this document provides more "
                                                                     "strongly than the draft"})
    findings = fields.List(fields.Nested(FindingSchema))
    suggestions = fields.List(fields.Nested(SuggestionSchema))


class RubricRefSchema(Schema):
    id = fields.String()
    version = fields.String()


class GapsResultSchema(Schema):
    document = fields.Nested(GapsDocumentSchema)
    rubric = fields.Nested(RubricRefSchema)
    findings = fields.List(fields.Nested(FindingSchema))
    comparison = fields.List(fields.Nested(ComparisonSchema))
