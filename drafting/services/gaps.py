"""Safeguards reports: every safeguard of the rubric judged in a draft (stored or uploaded), compared with stored
documents, as JSON or HTML; reports of stored versions are cached by content, and findings by content and rubric."""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import resources

from drafting import akn, importers
from drafting.cache import Cache, caches_of
from drafting.errors import NotAcceptableError
from drafting.store import Database
from drafting.work import DEFAULT_BUDGET, WorkBudget

from .imports import import_options
from .rendering import cached_render
from .sources import Source, fetch, stored_versions
from .values import Principal, RedlineSide, Rendered

GAPS_FORMATS = ("json", "html")
GAPS_MEDIA_TYPES = {"json": "application/json", "html": "text/html"}
MAX_COMPARED = 10  # documents one report compares the draft with
GAPS_REPORT_VERSION = "1"  # part of every gaps report's entity tag: bump it when the contract or the page changes
# a safeguard report evaluates every statement of a provision against every rule: about four times the work of
# comparing that provision
GAPS_COST_FACTOR = 4
_UNKNOWN = object()


@functools.cache
def rubric_key() -> str:
    """Name the rubric in force: id, version and a digest of its rules and of the code that reads it (the engine and
    the norms vocabulary: tuning either changes the key, so that no cache or entity tag outlives a change of the
    findings)."""
    from drafting.analysis import load_rubric

    rubric = load_rubric()
    digest = hashlib.sha256(repr((rubric.safeguards, rubric.patterns)).encode("utf-8"))
    digest.update(_reader_digest().encode("ascii"))
    return f"{rubric.id}@{rubric.version}#{digest.hexdigest()[:16]}"


def _reader_digest() -> str:
    digest = hashlib.sha256()
    try:
        for package, name in (("drafting.analysis", "engine.py"), ("drafting.norms", "vocabulary.py"),
                              ("drafting.norms", "vocabulary.toml")):
            digest.update(resources.files(package).joinpath(name).read_bytes())
    except OSError:  # an installation without sources: the rubric's version has to say it all
        return ""
    return digest.hexdigest()


def _findings(db: Database, root, content_hash: str | None) -> tuple:
    """Evaluate a document; findings of the same content under the same rubric are computed once."""
    from drafting.analysis import evaluate

    if content_hash is None:
        return evaluate(root)
    key, cache = (content_hash, rubric_key()), caches_of(db).findings
    found = cache.get(key)  # a hit counts as a use
    if found is None:
        found = evaluate(root)
        cache.put(key, found)
    return found


def _stored_identities(db: Database, sides: list[tuple[int, int | None]], principal: Principal | None = None
                       ) -> list[str]:
    """Return "id:version:hash" of each stored version named (None = the latest); 404 for an unknown one, or one
    the principal may not see."""
    versions = stored_versions(db, sides, principal)
    return [f"{document_id}:{number}:{content_hash}"
            for (document_id, _), (number, content_hash) in zip(sides, versions, strict=True)]


def gaps_etag(db: Database, draft: RedlineSide, against: tuple[int, ...] = (), output_format: str = "json", *,
              principal: Principal | None = None) -> str | None:
    """The strong entity tag of the gaps report of stored versions (None when the draft is an upload)."""
    if draft.document_id is None:
        return None
    identities = _stored_identities(db, [(draft.document_id, draft.version), *((i, None) for i in against)],
                                    principal)
    key = "|".join([GAPS_REPORT_VERSION, rubric_key(), output_format, *identities])
    return "g-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def _gaps_tree(source: Source, options: dict | None = None):
    """Return a document's tree, its summary for the report and its content hash (None for an upload)."""
    from drafting.analysis.report import document_summary

    if source.document_id is not None:
        root = akn.parse_akn(source.data).root
        summary = document_summary(root, document_id=source.document_id, version=source.version)
        return root, summary, source.content_hash
    if source.media_type in importers.IMPORTABLE:
        root = importers.import_upload(source.data, source.media_type, **import_options(options or {})).root
    else:
        root = akn.parse_akn(source.data).root
    return root, document_summary(root), None


def _gaps_sources(db: Database, draft: RedlineSide, against: tuple[int, ...], principal: Principal | None
                  ) -> list[Source]:
    return [fetch(db, draft, principal), *(fetch(db, RedlineSide(document_id=i), principal) for i in against)]


def _gaps_cost(db: Database, sources: list[Source]) -> int:
    """Estimate the provisions to evaluate, in units of comparison work (findings already known cost nothing)."""
    rubric, known = rubric_key(), caches_of(db).findings
    unknown = [s for s in sources if s.content_hash is None or (s.content_hash, rubric) not in known]
    return GAPS_COST_FACTOR * sum(source.provisions for source in unknown)


def _gaps_of(db: Database, sources: list[Source], options: dict | None) -> dict:
    from drafting.analysis.report import build_result

    root, summary, content = _gaps_tree(sources[0], options)
    compared = []
    for source in sources[1:]:
        other_root, other_summary, other_hash = _gaps_tree(source)
        compared.append((other_summary, _findings(db, other_root, other_hash)))
    return build_result(summary, _findings(db, root, content), compared)


def gaps_result(db: Database, draft: RedlineSide, against: tuple[int, ...] = (), *,
                options: dict | None = None, principal: Principal | None = None,
                budget: WorkBudget = DEFAULT_BUDGET) -> dict:
    """Judge every safeguard in a draft (stored or uploaded) and compare it with stored documents."""
    sources = _gaps_sources(db, draft, against, principal)
    with budget.admit(_gaps_cost(db, sources), "this safeguard report"):
        return _gaps_of(db, sources, options)


def gaps(db: Database, draft: RedlineSide, against: tuple[int, ...] = (), *, output_format: str = "json",
         options: dict | None = None, principal: Principal | None = None, cache: Cache | None = None,
         budget: WorkBudget = DEFAULT_BUDGET, etag=_UNKNOWN) -> Rendered:
    """Render the gaps report as JSON or HTML; reports of stored versions are cached by content.

    `etag`, `cache` and `budget` as for redlines.redline()."""
    if output_format not in GAPS_FORMATS:
        raise NotAcceptableError(f"expected a gaps format among {', '.join(GAPS_FORMATS)}, found {output_format!r}")
    if etag is _UNKNOWN:
        etag = gaps_etag(db, draft, against, output_format, principal=principal)

    def rendered() -> Rendered:
        sources = _gaps_sources(db, draft, against, principal)
        with budget.admit(_gaps_cost(db, sources), "this safeguard report"):
            result = _gaps_of(db, sources, options)
            if output_format == "html":
                from drafting.analysis.report import render_html

                body = render_html(result).encode("utf-8")
            else:
                body = json.dumps(result, ensure_ascii=False).encode("utf-8")
        return Rendered(body, GAPS_MEDIA_TYPES[output_format], etag)

    return cached_render(caches_of(db).reports if cache is None else cache, etag, rendered)
