"""One exception hierarchy for the whole service, mapped to RFC 9457 problem+json responses, and the one registry of
the problem types those responses name.

Core code raises the most specific class with a message that says what was expected and what was found;
the HTTP layer turns any DraftingError into a problem document whose type, status and title come from the registry.
Every problem type has a page the service serves at /problems/<name>, which is the `type` of every answer.
"""

from __future__ import annotations

from dataclasses import dataclass

PROBLEM_TYPE_PATH = "/problems/"


@dataclass(frozen=True)
class ProblemType:
    """One kind of problem the service answers with: its name (the `rule` member), status, title and description."""

    name: str
    status: int | None  # None: the HTTP status of the answer, whichever it is
    title: str
    description: str

    @property
    def uri(self) -> str:
        """The `type` of its answers: the page that describes it, relative to the service's root."""
        return PROBLEM_TYPE_PATH + self.name


PROBLEM_TYPES: dict[str, ProblemType] = {problem.name: problem for problem in (
    ProblemType("bad-request", 400, "Bad request",
                "The request cannot be read as sent: a parameter, a header or the body is malformed (JSON that does "
                "not parse, for example). The detail says what was expected and what was found; correct the request "
                "and send it again."),
    ProblemType("unsafe-xml", 400, "Unsafe XML rejected",
                "The uploaded XML uses something the hardened parser refuses because it could read files, reach the "
                "network or exhaust the server: a DOCTYPE or entity declaration, XInclude, nesting deeper than 256 "
                "levels or more than 64 attributes on one element. Akoma Ntoso documents never need any of them."),
    ProblemType("malformed-xml", 400, "Malformed XML",
                "The body is not well-formed XML: a tag is not closed, an attribute is not quoted, or the bytes are "
                "not in the declared encoding. The detail gives the parser's message with the line and column."),
    ProblemType("not-akn", 400, "Not an Akoma Ntoso document",
                "The body is well-formed XML, but its root element is not akomaNtoso in the Akoma Ntoso 3.0 namespace "
                "(earlier AKN namespaces are accepted and brought to 3.0). Send an Akoma Ntoso document, or import "
                "plain text or a Word file instead."),
    ProblemType("invalid-document", 422, "Document cannot be used",
                "The document parses but cannot be used as asked: it has no FRBR work URI in its identification, for "
                "example, or a new work URI is for another type of document. The detail says what is missing or does "
                "not agree."),
    ProblemType("schema-invalid", 422, "Document is not valid Akoma Ntoso 3.0",
                "Where strict validity is required (an export for filing, for example) the document does not validate "
                "against the official Akoma Ntoso 3.0 schema. The answer carries the validation report with the "
                "schema's messages and their lines."),
    ProblemType("text-encoding", 400, "Text is not valid UTF-8",
                "Text in the request is not valid UTF-8, or holds characters no document can store: NUL characters, "
                "forbidden control characters or lone surrogates. The detail says where the first one is."),
    ProblemType("invalid-frbr-uri", 400, "Invalid FRBR URI",
                "A FRBR URI does not follow the Akoma Ntoso naming convention, such as "
                "/akn/us-ma/bill/2026/biometric-moratorium: jurisdiction, document type, year or date, and number."),
    ProblemType("template", 400, "Cannot build the document from a template",
                "The template is unknown, or its parameters (document type, title, jurisdiction, number, date) cannot "
                "make a document. The detail names the parameter and what it expected."),
    ProblemType("request-too-large", 413, "Request body too large",
                "The request body is larger than this service's upload limit (DRAFTING_MAX_UPLOAD_BYTES, 16 MiB unless "
                "configured otherwise), whether its length was declared or it was sent in chunks. Send a smaller "
                "document."),
    ProblemType("too-costly", 413, "Too much work for one request",
                "The redline or safeguard report asked for would cost more than any single request may: its estimate "
                "is above the heavy-work ceiling (DRAFTING_HEAVY_MAX_PROVISIONS). Compare smaller documents, or parts "
                "of them."),
    ProblemType("unsupported-media-type", 415, "Unsupported media type",
                "The endpoint does not read a body of this Content-Type. API endpoints read JSON, Akoma Ntoso XML, "
                "plain text, Word files or multipart forms, each its own; the browser pages read forms. The detail "
                "lists the types the endpoint reads."),
    ProblemType("not-acceptable", 406, "Not acceptable",
                "None of the media types the Accept header names is one this endpoint can produce (JSON, HTML, Akoma "
                "Ntoso XML or Word, depending on the endpoint). The detail lists those it can."),
    ProblemType("not-found", 404, "Not found",
                "Nothing is at this address: no such route, or no document, version, user, token or provision of that "
                "name or number that you may see. A private document of another user is not found, exactly as one "
                "that does not exist."),
    ProblemType("method-not-allowed", 405, "Method not allowed",
                "The address exists but does not take this HTTP method; the Allow header lists the methods it takes."),
    ProblemType("conflict", 409, "Conflict",
                "The request clashes with what is stored: a work URI another document holds (work URIs are unique; the "
                "answer gives the holder's id only when that document is shared), a user name that is taken, an upload "
                "that names another work than the document it would update, or an account change that is refused."),
    ProblemType("stale-version", 412, "Based on a stale version",
                "The change was based on a version that is no longer the latest: someone saved since. Fetch the latest "
                "version (its ETag is in current_etag), merge your change into it, and send it again with that ETag "
                "in If-Match."),
    ProblemType("if-match-required", 428, "Precondition required",
                "A change to a stored document must name the version it is based on: send If-Match with that "
                "version's ETag (If-Match: * is not enough), so that what someone else saved meanwhile is never "
                "overwritten."),
    ProblemType("merge-choice", 422, "Merge choice not usable",
                'A merge choice is neither "mine" nor "theirs"; choose one of them for each conflicting item.'),
    ProblemType("merge-choice-missing", 422, "Merge conflict without a choice",
                "A merge cannot be applied while an item that both sides changed has no choice; choose mine or theirs "
                "for every conflict the merge lists."),
    ProblemType("merge-choice-unknown", 422, "Merge choice for an unknown item",
                "A merge choice names an item the merge does not have (the unknown member lists them); merge again to "
                "see the items as they are now."),
    ProblemType("invalid-request", 422, "Request does not match its schema",
                "The JSON body, the query or the form does not match what the endpoint takes: a required field is "
                "missing, a value has the wrong type or is out of range, or a field is unknown. The errors member "
                "lists the messages by location and field; the OpenAPI document (/api/openapi.json) gives every "
                "schema."),
    ProblemType("authentication", 401, "Authentication required",
                "The request needs a valid bearer token (Authorization: Bearer <token>) or a signed-in browser "
                "session; the token is missing, unknown or revoked, or the session has ended."),
    ProblemType("role", 403, "Forbidden",
                "You may not do this: your role does not allow it (viewers read, drafters also write, admins also "
                "manage accounts and read the audit log), the document is not yours to change, or a change sent with "
                "a browser session lacks the session's CSRF token."),
    ProblemType("rate-limited", 429, "Too many requests",
                "Too many attempts of an action that could guess secrets (signing in from one address or at one "
                "account, issuing API tokens) in a short time. Wait the seconds that Retry-After and retry_after give, "
                "then try again; ordinary API traffic is never limited."),
    ProblemType("busy", 503, "Busy with other heavy work",
                "The request is heavy work (a large redline or safeguard report) and every slot for heavy work is "
                "taken. Try again after the seconds that Retry-After and retry_after give; light requests are served "
                "meanwhile."),
    ProblemType("internal-error", 500, "Internal server error",
                "The service failed to handle the request because of a fault of its own. The failure is logged with "
                "the request's method and path; try again, and report it if it happens again."),
    ProblemType("configuration", 500, "Configuration error",
                "The service is configured in a way it refuses to run with, such as without a strong SECRET_KEY "
                "outside development. The detail names the setting and how to correct it."),
    ProblemType("backup", 400, "Backup or restore refused",
                "A backup or a restore cannot be made as asked: the store is not a SQLite file, the destination exists "
                "already, or the copy is damaged. The detail says which."),
    ProblemType("http-error", None, "Request not served",
                "The HTTP layer refused or could not serve the request for a reason that has no type of its own here; "
                "the answer's status code (RFC 9110) says which, and the detail says why."),
)}

# the type of an answer the HTTP layer (Werkzeug, flask-smorest) makes with only a status code
_TYPE_OF_STATUS = {400: "bad-request", 401: "authentication", 403: "role", 404: "not-found",
                   405: "method-not-allowed", 406: "not-acceptable", 409: "conflict", 413: "request-too-large",
                   415: "unsupported-media-type", 422: "invalid-request", 429: "rate-limited", 500: "internal-error"}


def problem_type_of_status(status: int) -> ProblemType:
    """Return the problem type of an HTTP status that comes without one of the service's errors."""
    return PROBLEM_TYPES[_TYPE_OF_STATUS.get(status, "http-error")]


class DraftingError(Exception):
    """Base of every error the service reports to a user. Each class names its problem type (`rule`); its status and
    title are the registry's."""
    rule = "bad-request"
    status = PROBLEM_TYPES[rule].status
    title = PROBLEM_TYPES[rule].title

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        problem = PROBLEM_TYPES.get(cls.rule)
        if problem is None:
            raise TypeError(f"{cls.__name__}: expected a problem type named {cls.rule!r} in PROBLEM_TYPES, found none")
        cls.status, cls.title = problem.status, problem.title

    def __init__(self, detail: str, *, extra: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.extra = extra or {}


# --- input documents --------------------------------------------------------------------------------------------


class UnsafeXmlError(DraftingError):
    """The XML breaks a rule of the hardened parser (DOCTYPE, entities, XInclude, depth, size)."""
    rule = "unsafe-xml"


class MalformedXmlError(DraftingError):
    """The bytes are not well-formed XML."""
    rule = "malformed-xml"


class NotAknError(DraftingError):
    """Well-formed XML that is not an Akoma Ntoso document (wrong root element or namespace)."""
    rule = "not-akn"


class InvalidDocumentError(DraftingError):
    """The document is structurally unusable (for example it has no FRBR work URI)."""
    rule = "invalid-document"


class SchemaInvalidError(DraftingError):
    """The document does not validate strictly against the AKN 3.0 schema where strict validity is required."""
    rule = "schema-invalid"


class TextEncodingError(DraftingError):
    """A text upload is not valid UTF-8 or carries forbidden control characters."""
    rule = "text-encoding"


class InvalidFrbrUriError(DraftingError):
    """A FRBR URI does not follow the AKN naming convention."""
    rule = "invalid-frbr-uri"


class TemplateError(DraftingError):
    """An unknown template or bad template parameters."""
    rule = "template"


# --- requests ---------------------------------------------------------------------------------------------------


class RequestTooLargeError(DraftingError):
    rule = "request-too-large"


class UnsupportedMediaTypeError(DraftingError):
    rule = "unsupported-media-type"


class NotAcceptableError(DraftingError):
    rule = "not-acceptable"


class NotFoundError(DraftingError):
    rule = "not-found"


class ConflictError(DraftingError):
    """The request clashes with what is stored (for example a work URI that already exists)."""
    rule = "conflict"


class StaleVersionError(DraftingError):
    """A save was based on a version that is no longer the latest."""
    rule = "stale-version"


class PreconditionRequiredError(DraftingError):
    rule = "if-match-required"


class MergeChoiceError(DraftingError):
    """A merge choice is not "mine" or "theirs"."""
    rule = "merge-choice"


class MergeChoiceMissingError(MergeChoiceError):
    """A merge cannot be applied while a conflict has no choice."""
    rule = "merge-choice-missing"


class UnknownMergeItemError(MergeChoiceError):
    """A merge choice names an item the merge does not have."""
    rule = "merge-choice-unknown"


# --- accounts ---------------------------------------------------------------------------------------------------


class AuthenticationError(DraftingError):
    rule = "authentication"


class PermissionDeniedError(DraftingError):
    rule = "role"


class ConfigurationError(DraftingError):
    """The service is configured in a way it refuses to run with."""
    rule = "configuration"


class BackupError(DraftingError):
    """A backup or a restore cannot be made as asked (no SQLite store, an existing file, a damaged copy)."""
    rule = "backup"


def problem_details(problem: ProblemType, detail: str, *, status: int | None = None, instance: str | None = None,
                    extra: dict | None = None) -> dict:
    """Return RFC 9457 problem details of a type (plain data; the HTTP layer sends it): its page as `type`, the
    registry's title, and its name again as `rule`."""
    body = {
        "type": problem.uri,
        "title": problem.title,
        "status": status or problem.status,
        "detail": detail,
        "rule": problem.name,
    }
    if instance:
        body["instance"] = instance
    body.update(extra or {})
    return body


def problem_document(error: DraftingError, *, instance: str | None = None) -> dict:
    """Return the RFC 9457 problem details for an error."""
    return problem_details(PROBLEM_TYPES[error.rule], error.detail, instance=instance, extra=error.extra)


class RateLimitedError(DraftingError):
    """Too many attempts of a guarded action (signing in, issuing tokens) from one client or for one account."""
    rule = "rate-limited"


class BusyError(DraftingError):
    """Heavy work cannot start now: every slot for heavy jobs is taken (try again after `retry_after` seconds)."""
    rule = "busy"

    def __init__(self, detail: str, *, retry_after: int, extra: dict | None = None):
        super().__init__(detail, extra={"retry_after": retry_after, **(extra or {})})
        self.retry_after = retry_after


class WorkTooLargeError(DraftingError):
    """A job would cost more than any single request may (its estimate is above the heavy-work ceiling)."""
    rule = "too-costly"
