"""Reads and writes of the store: plain functions that take a Session first and return model instances.

They never commit: the caller's `Database.session()` block is the transaction. Absence that is normal returns
None; a write that clashes with what is stored raises ConflictError or StaleVersionError, and leaves the session
usable (the failed statement is undone through a savepoint). Every query of the service lives here, by what it
reads and writes: accounts (users, tokens, browser sessions), documents (works, versions, the library, the versions
read for entity tags) and audit (append and read, nothing that changes or removes its rows).
"""

from .accounts import (
    add_browser_session,
    add_token,
    create_user,
    end_browser_sessions,
    find_browser_session,
    find_token,
    forget_browser_sessions,
    get_token,
    get_user,
    list_tokens,
    list_users,
    record_token_use,
    revoke_tokens,
    set_password_hash,
    set_user_disabled,
    set_user_role,
)
from .audit import (
    add_audit_event,
    list_audit_events,
)
from .documents import (
    create_document,
    document_kind,
    get_document,
    get_document_by_uri,
    get_version,
    library_facets,
    list_documents,
    list_library,
    list_versions,
    mark_deleted,
    rename_work,
    save_version,
    set_visibility,
    versions_by_id,
)

__all__ = [
    "add_audit_event", "add_browser_session", "add_token", "create_document", "create_user", "document_kind",
    "end_browser_sessions", "find_browser_session", "find_token", "forget_browser_sessions", "get_document",
    "get_document_by_uri", "get_token", "get_user", "get_version", "library_facets", "list_audit_events",
    "list_documents", "list_library", "list_tokens", "list_users", "list_versions", "mark_deleted",
    "record_token_use", "rename_work", "revoke_tokens", "save_version", "set_password_hash",
    "set_user_disabled", "set_user_role", "set_visibility", "versions_by_id",
]
