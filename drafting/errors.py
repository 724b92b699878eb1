"""One exception hierarchy for the whole service, mapped to RFC 9457 problem+json responses.

Core code raises the most specific class with a message that says what was expected and what was found;
the HTTP layer turns any DraftingError into a problem document with the class's status and title.
"""

from __future__ import annotations


class DraftingError(Exception):
    """Base of every error the service reports to a user."""

    status = 400
    title = "Bad request"
    rule = "bad-request"

    def __init__(self, detail: str, *, extra: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.extra = extra or {}


# --- input documents --------------------------------------------------------------------------------------------


class UnsafeXmlError(DraftingError):
    """The XML breaks a rule of the hardened parser (DOCTYPE, entities, XInclude, depth, size)."""

    title = "Unsafe XML rejected"
    rule = "unsafe-xml"


class MalformedXmlError(DraftingError):
    """The bytes are not well-formed XML."""

    title = "Malformed XML"
    rule = "malformed-xml"


class NotAknError(DraftingError):
    """Well-formed XML that is not an Akoma Ntoso document (wrong root element or namespace)."""

    title = "Not an Akoma Ntoso document"
    rule = "not-akn"


class InvalidDocumentError(DraftingError):
    """The document is structurally unusable (for example it has no FRBR work URI)."""

    status = 422
    title = "Document cannot be used"
    rule = "invalid-document"


class SchemaInvalidError(DraftingError):
    """The document does not validate strictly against the AKN 3.0 schema where strict validity is required."""

    status = 422
    title = "Document is not valid Akoma Ntoso 3.0"
    rule = "schema-invalid"


class TextEncodingError(DraftingError):
    """A text upload is not valid UTF-8 or carries forbidden control characters."""

    title = "Text is not valid UTF-8"
    rule = "text-encoding"


class InvalidFrbrUriError(DraftingError):
    """A FRBR URI does not follow the AKN naming convention."""

    title = "Invalid FRBR URI"
    rule = "invalid-frbr-uri"


class TemplateError(DraftingError):
    """An unknown template or bad template parameters."""

    title = "Cannot build the document from a template"
    rule = "template"


# --- requests ---------------------------------------------------------------------------------------------------


class RequestTooLargeError(DraftingError):
    status = 413
    title = "Request body too large"
    rule = "request-too-large"


class UnsupportedMediaTypeError(DraftingError):
    status = 415
    title = "Unsupported media type"
    rule = "unsupported-media-type"


class NotAcceptableError(DraftingError):
    status = 406
    title = "Not acceptable"
    rule = "not-acceptable"


class NotFoundError(DraftingError):
    status = 404
    title = "Not found"
    rule = "not-found"


class ConflictError(DraftingError):
    """The request clashes with what is stored (for example a work URI that already exists)."""

    status = 409
    title = "Conflict"
    rule = "conflict"


class StaleVersionError(DraftingError):
    """A save was based on a version that is no longer the latest."""

    status = 412
    title = "Based on a stale version"
    rule = "stale-version"


class PreconditionRequiredError(DraftingError):
    status = 428
    title = "Precondition required"
    rule = "if-match-required"


class MergeChoiceError(DraftingError):
    """A merge choice is not "mine" or "theirs"."""

    status = 422
    title = "Merge choice not usable"
    rule = "merge-choice"


class MergeChoiceMissingError(MergeChoiceError):
    """A merge cannot be applied while a conflict has no choice."""

    title = "Merge conflict without a choice"
    rule = "merge-choice-missing"


class UnknownMergeItemError(MergeChoiceError):
    """A merge choice names an item the merge does not have."""

    title = "Merge choice for an unknown item"
    rule = "merge-choice-unknown"


# --- accounts ---------------------------------------------------------------------------------------------------


class AuthenticationError(DraftingError):
    status = 401
    title = "Authentication required"
    rule = "authentication"


class PermissionDeniedError(DraftingError):
    status = 403
    title = "Forbidden"
    rule = "role"


class ConfigurationError(DraftingError):
    """The service is configured in a way it refuses to run with."""

    status = 500
    title = "Configuration error"
    rule = "configuration"


class BackupError(DraftingError):
    """A backup or a restore cannot be made as asked (no SQLite store, an existing file, a damaged copy)."""

    title = "Backup or restore refused"
    rule = "backup"


def problem_document(error: DraftingError, *, instance: str | None = None) -> dict:
    """Return the RFC 9457 problem details for an error (plain data; the HTTP layer sends it)."""
    body = {
        "type": f"https://drafting.invalid/problems/{error.rule}",
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "rule": error.rule,
    }
    if instance:
        body["instance"] = instance
    body.update(error.extra)
    return body


class RateLimitedError(DraftingError):
    """Too many attempts of a guarded action (signing in, issuing tokens) from one client or for one account."""

    status = 429
    title = "Too many requests"
    rule = "rate-limited"


class BusyError(DraftingError):
    """Heavy work cannot start now: every slot for heavy jobs is taken (try again after `retry_after` seconds)."""

    status = 503
    title = "Busy with other heavy work"
    rule = "busy"

    def __init__(self, detail: str, *, retry_after: int, extra: dict | None = None):
        super().__init__(detail, extra={"retry_after": retry_after, **(extra or {})})
        self.retry_after = retry_after


class WorkTooLargeError(DraftingError):
    """A job would cost more than any single request may (its estimate is above the heavy-work ceiling)."""

    status = 413
    title = "Too much work for one request"
    rule = "too-costly"
