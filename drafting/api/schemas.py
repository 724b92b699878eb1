"""marshmallow schemas, one per representation and direction; OpenAPI is generated from them."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema
from webargs.fields import DelimitedList

from drafting.akn.templates import template_names


class ProblemSchema(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    rule = fields.String(metadata={"description": "the rule the request broke"})
    instance = fields.String()


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


class ImportReportSchema(Schema):
    doc_type = fields.String()
    title = fields.String()
    recognised = fields.List(fields.Nested(LineNoteSchema))
    guessed = fields.List(fields.Nested(LineNoteSchema), metadata={"description": "decisions that rest on a guess"})
    unplaced = fields.List(fields.Nested(LineNoteSchema), metadata={"description": "text kept but marked for review"})
    removed = fields.List(fields.Nested(RemovedLineSchema), metadata={"description": "page furniture removed"})
    notes = fields.List(fields.String())
    definitions = fields.List(fields.Nested(DefinitionSchema))
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class StorageReportSchema(Schema):
    validation = fields.Nested(ValidationReportSchema)
    normalisation = fields.List(fields.String())
    eid_repairs = fields.List(fields.Nested(EidRepairSchema))
    import_report = fields.Nested(ImportReportSchema, attribute="import", data_key="import", allow_none=True)


class ImportQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    type = fields.String(validate=validate.OneOf(["bill", "ordinance"]),
                         metadata={"description": "guessed from the text when absent"})
    jurisdiction = fields.String(load_default="us", validate=validate.Regexp(r"^[a-z]{2}(-[a-z0-9]+)*$"))
    title = fields.String(validate=validate.Length(min=1, max=300))
    number = fields.String(validate=validate.Length(min=1, max=100))
    date = fields.String(validate=validate.Regexp(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))
    message = fields.String(validate=validate.Length(max=1000))


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
        required=True, validate=validate.Regexp(r"^[a-z]{2}(-[a-z0-9]+)*$"),
        metadata={"example": "us-ma"},
    )
    number = fields.String(required=True, validate=validate.Length(min=1, max=100))
    date = fields.String(validate=validate.Regexp(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), metadata={"example": "2026-11-26"})


class RenameRequestSchema(Schema):
    frbr_uri = fields.String(
        required=True, validate=validate.Length(min=5, max=500),
        metadata={"example": "/akn/us-ma/bill/2026/biometric-surveillance-moratorium"},
    )
    message = fields.String(validate=validate.Length(max=1000))


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


class ValidateQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    mode = fields.String(load_default="strict", validate=validate.OneOf(["strict", "lenient"]))


class HealthSchema(Schema):
    status = fields.String()
    database = fields.String()


class AccountSchema(Schema):
    name = fields.String()
    role = fields.String()
    created_at = fields.DateTime()
    has_password = fields.Boolean()
    tokens = fields.Integer(metadata={"description": "number of API tokens"})


class UserCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9._@-]{1,80}$"))
    role = fields.String(required=True, validate=validate.OneOf(["viewer", "drafter", "admin"]))
    password = fields.String(load_only=True, validate=validate.Length(min=8, max=200))


class RoleChangeSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(["viewer", "drafter", "admin"]))


class TokenRequestSchema(Schema):
    label = fields.String(validate=validate.Length(max=200))


class NewTokenSchema(Schema):
    name = fields.String()
    token = fields.String(metadata={"description": "shown once; only its hash is stored"})


REDLINE_FORMATS = ["json", "html", "akn", "docx"]


class RedlineSideSchema(Schema):
    document = fields.Integer(validate=validate.Range(min=1))
    version = fields.Integer(validate=validate.Range(min=1))
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
    against = fields.Integer(required=True, validate=validate.Range(min=1))
    version = fields.Integer(validate=validate.Range(min=1))
    against_version = fields.Integer(validate=validate.Range(min=1))


# --- safeguards -------------------------------------------------------------------------------------------------

GAPS_FORMATS = ["json", "html"]
MAX_COMPARED = 10


class _AgainstMixin(Schema):
    against = DelimitedList(
        fields.Integer(validate=validate.Range(min=1)), load_default=list,
        validate=validate.Length(max=MAX_COMPARED),
        metadata={"description": "ids of stored documents to compare with, comma-separated (latest versions)"},
    )
    format = fields.String(validate=validate.OneOf(GAPS_FORMATS),
                           metadata={"description": "json or html; wins over Accept"})


class GapsQuerySchema(_AgainstMixin):
    class Meta:
        unknown = EXCLUDE

    version = fields.Integer(validate=validate.Range(min=1), metadata={"description": "default: the latest"})


class GapsUploadQuerySchema(ImportQuerySchema, _AgainstMixin):
    class Meta:
        unknown = EXCLUDE


class EvidenceSchema(Schema):
    eId = fields.String(allow_none=True)
    num = fields.String()
    quote = fields.String()


class FindingSchema(Schema):
    safeguard = fields.String(metadata={"example": "evidence-exclusion"})
    group = fields.String(metadata={"example": "remedies"})
    title = fields.String()
    status = fields.String(validate=validate.OneOf(["present", "weak", "absent"]))
    evidence = fields.List(fields.Nested(EvidenceSchema))
    reason = fields.String()
    rule = fields.String(metadata={"description": "the rule of the engine that decided"})


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


class AdoptRequestSchema(Schema):
    from_id = fields.Integer(required=True, data_key="from", validate=validate.Range(min=1),
                             metadata={"description": "id of the stored document to adopt from"})
    eId = fields.String(required=True, validate=validate.Length(min=1, max=500),
                        metadata={"description": "the provision of that document", "example": "sec_16-62.3"})
    from_version = fields.Integer(validate=validate.Range(min=1), metadata={"description": "default: the latest"})
    after = fields.String(validate=validate.Length(min=1, max=500),
                          metadata={"description": "eId in the draft to insert after (default: before the "
                                                   "closing sections, else at the end)"})
    message = fields.String(validate=validate.Length(max=1000))


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


class AdoptPreviewRequestSchema(Schema):
    akn = fields.String(required=True, validate=validate.Length(min=1, max=16 * 1024 * 1024),
                        metadata={"description": "the unsaved draft, as AKN XML"})
    from_id = fields.Integer(required=True, validate=validate.Range(min=1),
                             metadata={"description": "id of the stored document to adopt from"})
    eId = fields.String(required=True, validate=validate.Length(min=1, max=500),
                        metadata={"description": "the provision of that document", "example": "sec_16-62.3"})
    from_version = fields.Integer(validate=validate.Range(min=1), metadata={"description": "default: the latest"})
    after = fields.String(validate=validate.Length(min=1, max=500),
                          metadata={"description": "eId in the draft to insert after (default: before the "
                                                   "closing sections, else at the end)"})


class AdoptPreviewResultSchema(Schema):
    akn = fields.String(metadata={"description": "the draft with the adopted provision, as AKN XML (not stored)"})
    adoption = fields.Nested(AdoptionSchema)


# --- merging concurrent edits -----------------------------------------------------------------------------------

MERGE_SIDES = ["mine", "theirs"]
MERGE_KINDS = ["mine-only", "theirs-only", "both-same", "conflict"]
MERGE_CHANGES = ["added", "deleted", "changed", "renumbered"]


class MergeRequestSchema(Schema):
    akn = fields.String(required=True, validate=validate.Length(min=1, max=16 * 1024 * 1024),
                        metadata={"description": "the drafter's unsaved document, as AKN XML"})
    base_version = fields.Integer(required=True, validate=validate.Range(min=1),
                                  metadata={"description": "the version the drafter started from"})
    choices = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=600)),
        values=fields.String(validate=validate.OneOf(MERGE_SIDES)), load_default=dict,
        validate=validate.Length(max=10_000),
        metadata={"description": "item key -> mine or theirs; items not named take their default"},
    )
    latest_version = fields.Integer(
        validate=validate.Range(min=1),
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
