"""Use cases: the only place that combines the store with the pure core, one module per feature.

Views and the command line call these functions with a Database and plain values, and get plain values back (frozen
dataclasses, or model instances detached from their session). This package re-exports each feature's use cases, so
that a caller writes `services.save_version(...)`; the code is in the module the feature is named after:

  values            Principal, PreparedDocument, StoredVersion, RedlineSide, Rendered (the shared value types)
  documents         prepare an upload; create, save, rename, restore, read, list and export documents; samples
  access            who may see and change a document (shared or private, deleted); visibility; the audit log
  imports           text and .docx into AKN, previewed or stored
  accounts          users, roles, passwords, disabling, API tokens and the principal a token acts as
  browser_sessions  sessions kept in the store: start, read on every request, end
  sources           the documents a redline or report reads (stored or uploaded) and their identities
  rendering         cached_render: the one flow of every cached result (cache, fetch, admit, compute, render, keep)
  redlines          redlines of two documents in every format, and as a fragment of a page
  gaps              safeguards reports, and findings cached by content and rubric
  norms             a stored version read as norm records, with a strong entity tag; an unsaved draft read
                    as norms, whole or one provision of it
  drafts            adopting provisions into a draft (stored or unsaved); merging concurrent edits
  library           the library page's listing with validity and filters

The caches a feature keeps (token principals, findings, rendered results for callers without an application
cache) are drafting.cache.StoreCaches, kept with each Database; the heavy-work budget is drafting.work.
"""

from .access import check_access, delete_document, list_audit_events, may_read, set_visibility
from .accounts import (
    TOKEN_CACHE_SECONDS,
    TOKEN_PREFIX,
    Account,
    TokenInfo,
    authenticate_token,
    change_own_password,
    check_password,
    create_token,
    create_user,
    get_account,
    hash_token,
    issue_token,
    list_tokens,
    list_users,
    principal_cache,
    revoke_token,
    set_disabled,
    set_password,
    set_role,
)
from .browser_sessions import end_session, end_sessions, principal_of_session, start_session
from .documents import (
    Export,
    create_document_from_template,
    create_document_from_xml,
    etag_of,
    export_document,
    get_document,
    list_documents,
    list_versions,
    prepare,
    prepare_upload,
    provisions_of,
    rename_document,
    restore_version,
    save_version,
    seed,
    validate_upload,
)
from .drafts import AdoptedDraft, AdoptedVersion, MergeOutcome, adopt_into, adopt_suggestion, merge
from .gaps import GAPS_FORMATS, GAPS_MEDIA_TYPES, gaps, gaps_etag, gaps_result
from .imports import create_document_from_import, import_document, save_previewed_import
from .library import LibraryEntry, LibraryPage, list_library
from .norms import norms_etag, norms_of, read_draft_norms
from .redlines import redline, redline_etag, redline_fragment
from .values import ROLES, PreparedDocument, Principal, RedlineSide, Rendered, StoredVersion

__all__ = [
    "GAPS_FORMATS",
    "GAPS_MEDIA_TYPES",
    "ROLES",
    "TOKEN_CACHE_SECONDS",
    "TOKEN_PREFIX",
    "Account",
    "AdoptedDraft",
    "AdoptedVersion",
    "Export",
    "LibraryEntry",
    "LibraryPage",
    "MergeOutcome",
    "PreparedDocument",
    "Principal",
    "RedlineSide",
    "Rendered",
    "StoredVersion",
    "TokenInfo",
    "adopt_into",
    "adopt_suggestion",
    "authenticate_token",
    "change_own_password",
    "check_access",
    "check_password",
    "create_document_from_import",
    "create_document_from_template",
    "create_document_from_xml",
    "create_token",
    "create_user",
    "delete_document",
    "end_session",
    "end_sessions",
    "etag_of",
    "export_document",
    "gaps",
    "gaps_etag",
    "gaps_result",
    "get_account",
    "get_document",
    "hash_token",
    "import_document",
    "issue_token",
    "list_audit_events",
    "list_documents",
    "list_library",
    "list_tokens",
    "list_users",
    "list_versions",
    "may_read",
    "merge",
    "norms_etag",
    "norms_of",
    "prepare",
    "prepare_upload",
    "principal_cache",
    "principal_of_session",
    "provisions_of",
    "read_draft_norms",
    "redline",
    "redline_etag",
    "redline_fragment",
    "rename_document",
    "restore_version",
    "revoke_token",
    "save_previewed_import",
    "save_version",
    "seed",
    "set_disabled",
    "set_password",
    "set_role",
    "set_visibility",
    "start_session",
    "validate_upload",
]
