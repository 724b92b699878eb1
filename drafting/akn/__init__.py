"""The pure AKN core: safe parsing, validation, FRBR identity, eIds, provisions, templates, serialisation."""

from .eids import clean_num, duplicate_eids, generate_eids, repair_eids
from .frbr import Identification, export_filename, parse_frbr_uri, read_identification, set_identity
from .identity import WorkIdentity, fill_work_uri
from .namespaces import AKN_NS, E, akn, xpath
from .parse import DEFAULT_LIMITS, ParsedDocument, ParseLimits, parse_akn, parse_xml
from .provisions import Provision, extract_provisions, iter_provisions
from .repair import repair_for_export
from .serialize import content_hash, serialize, text_of
from .templates import build_document, template_names
from .validate import ValidationReport, load_schemas, validate

__all__ = [
    "AKN_NS",
    "DEFAULT_LIMITS",
    "E",
    "Identification",
    "ParseLimits",
    "ParsedDocument",
    "Provision",
    "ValidationReport",
    "WorkIdentity",
    "akn",
    "build_document",
    "clean_num",
    "content_hash",
    "duplicate_eids",
    "export_filename",
    "extract_provisions",
    "fill_work_uri",
    "generate_eids",
    "iter_provisions",
    "load_schemas",
    "parse_akn",
    "parse_frbr_uri",
    "parse_xml",
    "read_identification",
    "repair_eids",
    "repair_for_export",
    "serialize",
    "set_identity",
    "template_names",
    "text_of",
    "validate",
    "xpath",
]
