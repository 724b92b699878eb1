"""marshmallow schemas, one per representation and direction; OpenAPI is generated from them."""

from __future__ import annotations

from datetime import UTC

from marshmallow import EXCLUDE, INCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema
from webargs.fields import DelimitedList

from drafting.akn.frbr import MAX_WORK_URI
from drafting.akn.identity import RULES
from drafting.akn.templates import template_names
from drafting.compare.model import STATUSES

# ids and version numbers are stored as PostgreSQL `integer`: a larger one names nothing (and must not reach SQL)
MAX_ID = 2**31 - 1
ID_RANGE = validate.Range(min=1, max=MAX_ID)
# what a database can store: no NUL (PostgreSQL refuses it) and no lone surrogate (no UTF-8 can encode it)
STORABLE = validate.Regexp(r"^[^\x00\ud800-\udfff]*$", error="expected text without NUL characters or lone "
                                                              "surrogates, which no database can store")
JURISDICTION = validate.Regexp(r"^[a-z]{2}(-[a-z0-9]+)*$", error="expected a jurisdiction code such as us-ma")
# an eId is AKN's noWhiteSpace: no spaces, and (being XML) no control characters, surrogates or U+FFFE/U+FFFF
EID = validate.Regexp(r"^[^\s\x00-\x1f\ud800-\udfff\ufffe\uffff]{1,500}$",
                      error="expected an eId such as sec_3__subsec_b: 1 to 500 characters, no spaces or control "
                            "characters")


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


class ImportQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    type = fields.String(validate=validate.OneOf(["bill", "ordinance"]),
                         metadata={"description": "guessed from the text when absent"})
    jurisdiction = fields.String(load_default="us", validate=[JURISDICTION, validate.Length(max=64)])
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


class HealthSchema(Schema):
    status = fields.String()
    database = fields.String()


class AccountSchema(Schema):
    name = fields.String()
    role = fields.String()
    created_at = fields.DateTime()
    has_password = fields.Boolean()
    tokens = fields.Integer(metadata={"description": "number of API tokens not revoked"})
    disabled = fields.Boolean(metadata={"description": "a disabled account cannot sign in and its tokens are refused"})


class UserCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9._@-]{1,80}$"))
    role = fields.String(required=True, validate=validate.OneOf(["viewer", "drafter", "admin"]))
    password = fields.String(load_only=True, validate=validate.Length(min=8, max=200))


class AccountChangeSchema(Schema):
    role = fields.String(validate=validate.OneOf(["viewer", "drafter", "admin"]),
                         metadata={"description": "a new role; every other session of the account ends"})
    disabled = fields.Boolean(metadata={"description": "true: no sign-in, every session ended, every token refused; "
                                                       "false: enabled again (tokens not revoked work again)"})

    @validates_schema
    def _something_to_change(self, data, **kwargs):
        if not data:
            raise ValidationError("expected a role or disabled, found neither")


class PasswordSchema(Schema):
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=8, max=200),
                             metadata={"description": "the new password; every other session of the account ends"})


class TokenInfoSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class RevokedSchema(Schema):
    revoked = fields.Integer(metadata={"description": "how many tokens were active and are now revoked"})


class SessionsEndedSchema(Schema):
    ended = fields.Integer(metadata={"description": "how many open browser sessions were ended"})


class TokenRequestSchema(Schema):
    label = fields.String(validate=[validate.Length(max=200), STORABLE])


class NewTokenSchema(Schema):
    name = fields.String()
    token = fields.String(metadata={"description": "shown once; only its hash is stored"})


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


class RedlineSchema(Schema):
    old = fields.Nested(RedlineDocumentSchema)
    new = fields.Nested(RedlineDocumentSchema)
    stats = fields.Dict(keys=fields.String(), metadata={"description": "counts of entries by status"})
    alignment = fields.List(fields.Nested(RedlineEntrySchema))
    defined_terms = fields.List(fields.Dict(), metadata={"description": "defined terms whose definition changed"})


# --- safeguards -------------------------------------------------------------------------------------------------

GAPS_FORMATS = ["json", "html"]
MAX_COMPARED = 10


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


# --- merging concurrent edits -----------------------------------------------------------------------------------

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


# --- access and the audit log -----------------------------------------------------------------------------------

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
