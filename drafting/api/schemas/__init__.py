"""marshmallow schemas, one per representation and direction; OpenAPI is generated from them.

One module per resource, every name importable from here as well:

- `validators`: rules shared by the fields of several schemas (ids, storable text, jurisdictions, eIds);
- `service`: problem details and health;
- `reports`: the reports a stored version or an import carries (validation, eId repairs, identity, import);
- `documents`: imports, documents, versions, templates, renaming, export and validation queries, access;
- `accounts`: users, passwords, sessions and API tokens;
- `redlines`: redline requests, queries and the redline;
- `gaps`: the safeguards report, its findings and comparisons;
- `norms`: a document's provisions read as norm records, stored or sent as a draft;
- `adoption`: adopting a provision into a stored or an unsaved draft;
- `merge`: merging concurrent edits;
- `audit`: the audit log.
"""

from __future__ import annotations

from drafting.http.validators import EID, ID_RANGE, JURISDICTION, MAX_ID, STORABLE

from .accounts import (
    AccountChangeSchema,
    AccountSchema,
    NewTokenSchema,
    PasswordSchema,
    RevokedSchema,
    SessionsEndedSchema,
    TokenInfoSchema,
    TokenRequestSchema,
    UserCreateSchema,
)
from .adoption import (
    AdoptionSchema,
    AdoptPreviewRequestSchema,
    AdoptPreviewResultSchema,
    AdoptRequestSchema,
    AdoptResultSchema,
    RenumberingSchema,
)
from .audit import AUDIT_PER_PAGE_MAX, AuditEventSchema, AuditPageSchema, AuditQuerySchema
from .documents import (
    VISIBILITIES,
    VISIBILITY_HELP,
    DocumentAccessSchema,
    DocumentCreateQuerySchema,
    DocumentPageSchema,
    DocumentQuerySchema,
    DocumentSchema,
    DocumentSummarySchema,
    ExportQuerySchema,
    ImportQuerySchema,
    ImportResultSchema,
    ProvisionSchema,
    RenameRequestSchema,
    SaveQuerySchema,
    TemplateCreateRequestSchema,
    TemplateRequestSchema,
    ValidateQuerySchema,
    VersionListSchema,
    VersionSchema,
    VisibilityRequestSchema,
)
from .gaps import (
    GAPS_FORMATS,
    MAX_COMPARED,
    ComparisonSchema,
    EvidenceSchema,
    FindingSchema,
    GapsDocumentSchema,
    GapsQuerySchema,
    GapsResultSchema,
    GapsUploadQuerySchema,
    RubricRefSchema,
    SuggestionSchema,
)
from .merge import (
    MERGE_CHANGES,
    MERGE_KINDS,
    MERGE_SIDES,
    MergeItemSchema,
    MergeRequestSchema,
    MergeResultSchema,
    MergeSideSchema,
)
from .norms import (
    ExceptionClauseSchema,
    NormSchema,
    NormsDocumentSchema,
    NormsQuerySchema,
    NormsReadingSchema,
    NormsReadQuerySchema,
    NormsResultSchema,
    QualifierSchema,
    ReadNormSchema,
    ReadProvisionSchema,
    TimeSchema,
)
from .redlines import (
    REDLINE_FORMATS,
    DocumentRedlineQuerySchema,
    RedlineDocumentSchema,
    RedlineEntrySchema,
    RedlineQuerySchema,
    RedlineRequestSchema,
    RedlineSchema,
    RedlineSideSchema,
)
from .reports import (
    DefinitionSchema,
    EidRepairSchema,
    ImportReportSchema,
    LineNoteSchema,
    RemovedLineSchema,
    StorageReportSchema,
    ValidationIssueSchema,
    ValidationReportSchema,
    WorkIdentitySchema,
)
from .service import HealthSchema, ProblemSchema

__all__ = [
    "AUDIT_PER_PAGE_MAX", "EID", "GAPS_FORMATS", "ID_RANGE", "JURISDICTION", "MAX_COMPARED", "MAX_ID", "MERGE_CHANGES",
    "MERGE_KINDS", "MERGE_SIDES", "REDLINE_FORMATS", "STORABLE", "VISIBILITIES", "VISIBILITY_HELP",
    "AccountChangeSchema", "AccountSchema", "AdoptPreviewRequestSchema", "AdoptPreviewResultSchema",
    "AdoptRequestSchema", "AdoptResultSchema", "AdoptionSchema", "AuditEventSchema", "AuditPageSchema",
    "AuditQuerySchema", "ComparisonSchema", "DefinitionSchema", "DocumentAccessSchema", "DocumentCreateQuerySchema",
    "DocumentPageSchema", "DocumentQuerySchema", "DocumentRedlineQuerySchema", "DocumentSchema",
    "DocumentSummarySchema", "EidRepairSchema", "EvidenceSchema", "ExceptionClauseSchema", "ExportQuerySchema",
    "FindingSchema", "GapsDocumentSchema", "GapsQuerySchema", "GapsResultSchema", "GapsUploadQuerySchema",
    "HealthSchema", "ImportQuerySchema", "ImportReportSchema", "ImportResultSchema", "LineNoteSchema",
    "MergeItemSchema", "MergeRequestSchema", "MergeResultSchema", "MergeSideSchema", "NewTokenSchema", "NormSchema",
    "NormsDocumentSchema", "NormsQuerySchema", "NormsReadQuerySchema", "NormsReadingSchema", "NormsResultSchema",
    "PasswordSchema", "ProblemSchema", "ProvisionSchema", "QualifierSchema", "ReadNormSchema", "ReadProvisionSchema",
    "RedlineDocumentSchema", "RedlineEntrySchema", "RedlineQuerySchema",
    "RedlineRequestSchema", "RedlineSchema", "RedlineSideSchema", "RemovedLineSchema", "RenameRequestSchema",
    "RenumberingSchema", "RevokedSchema", "RubricRefSchema", "SaveQuerySchema", "SessionsEndedSchema",
    "StorageReportSchema", "SuggestionSchema", "TemplateCreateRequestSchema", "TemplateRequestSchema", "TimeSchema",
    "TokenInfoSchema", "TokenRequestSchema", "UserCreateSchema", "ValidateQuerySchema", "ValidationIssueSchema",
    "ValidationReportSchema", "VersionListSchema", "VersionSchema", "VisibilityRequestSchema", "WorkIdentitySchema",
]
