"""Reports a stored version or an import carries: validation, eId repairs, work identity, what the import did."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from drafting.akn.identity import RULES


class ValidationIssueSchema(Schema):
    line = fields.Integer()
    message = fields.String()


class ValidationReportSchema(Schema):
    valid = fields.Boolean()
    mode = fields.String(validate=validate.OneOf(["strict", "lenient"]))
    error_count = fields.Integer()
    errors = fields.List(fields.Nested(ValidationIssueSchema))
    normalisation = fields.List(fields.String())
    duplicate_eids = fields.List(fields.String())


class EidRepairSchema(Schema):
    old = fields.String(allow_none=True)
    new = fields.String()
    reason = fields.String()


class LineNoteSchema(Schema):
    line = fields.Integer()
    what = fields.String()


class RemovedLineSchema(Schema):
    line = fields.Integer()
    text = fields.String()


class DefinitionSchema(Schema):
    term = fields.String()
    refersTo = fields.String()


class LineNumberRegionSchema(Schema):
    lines = fields.List(fields.Integer(), metadata={"description": "first and last source line of the region"})
    runs = fields.List(fields.List(fields.Integer()),
                       metadata={"description": "the runs of printed line numbers removed, [first, last] each; a "
                                                "new run starts where the numbering restarts (a new page)"})
    count = fields.Integer()
    run_in = fields.Boolean(metadata={"description": "the numbers were run into the text (no line breaks)"})


class ImportReportSchema(Schema):
    doc_type = fields.String()
    title = fields.String()
    recognised = fields.List(fields.Nested(LineNoteSchema))
    guessed = fields.List(fields.Nested(LineNoteSchema), metadata={"description": "decisions that rest on a guess"})
    unplaced = fields.List(fields.Nested(LineNoteSchema), metadata={"description": "text kept but marked for review"})
    removed = fields.List(fields.Nested(RemovedLineSchema),
                          metadata={"description": "page and website furniture removed, line by line"})
    line_numbers = fields.List(fields.Nested(LineNumberRegionSchema),
                               metadata={"description": "printed line numbers removed, region by region"})
    notes = fields.List(fields.String())
    definitions = fields.List(fields.Nested(DefinitionSchema))
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class WorkIdentitySchema(Schema):
    work_uri = fields.String(metadata={"description": "the work URI the document is filed under"})
    rule = fields.String(validate=validate.OneOf(RULES),
                         metadata={"description": "stated: the document's FRBRuri; otherwise how it was derived"})
    derived = fields.Boolean()
    sources = fields.Dict(keys=fields.String(), values=fields.String(), attribute="from", data_key="from",
                          metadata={"description": "the values the work URI was taken or built from"})
    note = fields.String()
    written = fields.Boolean(metadata={"description": "whether the derived URI was written into FRBRWork/FRBRuri"})


class StorageReportSchema(Schema):
    validation = fields.Nested(ValidationReportSchema)
    normalisation = fields.List(fields.String())
    eid_repairs = fields.List(fields.Nested(EidRepairSchema))
    identity = fields.Nested(WorkIdentitySchema, metadata={"description": "how the work URI was found; absent in "
                                                                          "reports stored before it was kept"})
    import_report = fields.Nested(ImportReportSchema, attribute="import", data_key="import", allow_none=True)
