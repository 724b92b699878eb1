"""Norms: a document's provisions read as norm records (drafting/norms/records.py), stored or sent as a draft."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from drafting.http.validators import EID, ID_RANGE
from drafting.norms.records import KINDS, QUALIFIER_KINDS, TIME_KINDS


class NormsQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    version = fields.Integer(validate=ID_RANGE, metadata={"description": "default: the latest"})


class TimeSchema(Schema):
    kind = fields.String(validate=validate.OneOf(TIME_KINDS))
    words = fields.String(metadata={"example": "not later than 5 business days after its receipt"})
    relation = fields.String(allow_none=True, metadata={"example": "not later than"})
    amount = fields.Integer(allow_none=True)
    unit = fields.String(allow_none=True, metadata={"example": "day"})
    business_days = fields.Boolean()
    date = fields.String(allow_none=True, metadata={"description": "ISO 8601: 2028-12-31, or --03-01 each year"})
    period = fields.String(allow_none=True, metadata={"example": "year"})
    anchor = fields.String(allow_none=True, metadata={"description": "what the time counts from or runs until"})
    alternatives = fields.List(fields.String(), metadata={"description": "the ends of 'until the earlier of …'"})


class ExceptionClauseSchema(Schema):
    marker = fields.String(metadata={"example": "except"})
    words = fields.String()
    references = fields.List(fields.String(), metadata={"example": ["4(a)(1)", "4(a)(2)"]})


class QualifierSchema(Schema):
    kind = fields.String(validate=validate.OneOf(QUALIFIER_KINDS))
    words = fields.String(metadata={"example": "solely"})


class NormSchema(Schema):
    kind = fields.String(validate=validate.OneOf(KINDS))
    bearer = fields.String(metadata={"example": "no public agency or public official"})
    modal = fields.String(metadata={"description": "the words that make the clause a norm", "example": "no … shall"})
    actions = fields.List(fields.String(), metadata={"example": ["acquire", "possess", "access", "use"]})
    verbs = fields.List(fields.String())
    object = fields.String(metadata={"example": "any biometric surveillance system"})
    negated = fields.Boolean()
    construction = fields.String(metadata={"description": "the rule of the reader that produced the reading",
                                           "example": "no-x-shall"})
    conditions = fields.List(fields.String())
    exceptions = fields.List(fields.Nested(ExceptionClauseSchema))
    qualifiers = fields.List(fields.Nested(QualifierSchema))
    time = fields.Nested(TimeSchema, allow_none=True)
    passive = fields.Boolean()
    references = fields.List(fields.String())
    eId = fields.String(allow_none=True)
    citation = fields.String(metadata={"example": "2(a)(1)"})
    lead_in = fields.String(allow_none=True, metadata={"description": "eId of the provision whose lead-in the "
                                                                      "clause completes"})
    quoted = fields.Boolean(metadata={"description": "read inside an amending bill's quoted structure"})
    text = fields.String(metadata={"description": "the words the norm was read from"})


class NormsDocumentSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    frbr_uri = fields.String(allow_none=True)
    expression_uri = fields.String(allow_none=True)
    title = fields.String()


class NormsResultSchema(Schema):
    document = fields.Nested(NormsDocumentSchema)
    reader = fields.String(metadata={"description": "names the reader's code and word lists that read the norms"})
    norms = fields.List(fields.Nested(NormSchema))


class NormsReadQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    eId = fields.String(validate=EID, metadata={
        "description": "the provision to read, with the provisions within it; default: the whole document",
        "example": "sec_2__subsec_a"})


class ReadNormSchema(NormSchema):
    line = fields.String(metadata={
        "description": "the norm in one line: citation, kind, bearer, acts, object, then time, conditions, "
                       "exceptions and qualifiers ('-' for a missing part)",
        "example": "2(a) prohibition · no public agency or public official · acquire, possess, retain, access, use · "
                   "a biometric surveillance system · except 4"})


class ReadProvisionSchema(Schema):
    eId = fields.String()
    element = fields.String(metadata={"example": "subsection"})
    num = fields.String(allow_none=True, metadata={"example": "(a)"})
    heading = fields.String(allow_none=True)
    citation = fields.String(metadata={"example": "2(a)"})
    quoted = fields.Boolean(metadata={"description": "inside an amending bill's quoted structure (read as the law "
                                                     "it would become, cited by its own numbers)"})


class NormsReadingSchema(Schema):
    reader = fields.String(metadata={"description": "names the reader's code and word lists that read the norms"})
    provision = fields.Nested(ReadProvisionSchema, allow_none=True,
                              metadata={"description": "the provision read; null when the whole document was"})
    norms = fields.List(fields.Nested(ReadNormSchema), metadata={
        "description": "one record per operative clause of the provision and of the provisions within it, in "
                       "document order; empty when it has none"})
