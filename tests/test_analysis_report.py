"""The gaps report: the JSON contract assembled from findings, and the HTML page (escaped, colour and text, links)."""

from __future__ import annotations

import json

import lxml.html
from click.testing import CliRunner

from drafting.analysis import ABSENT, PRESENT, WEAK, Evidence, Finding, load_rubric
from drafting.analysis.report import build_result, render_html
from drafting.cli import main
from tests.app_fixtures import SAMPLES

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"> {{7*7}} "\' & </title>'
RANK = {ABSENT: 0, WEAK: 1, PRESENT: 2}


def findings(statuses: dict[str, str], *, text: str = "provides it") -> tuple[Finding, ...]:
    """Findings for the rubric's safeguards: the given statuses, absent otherwise."""
    result = []
    for safeguard in load_rubric().safeguards:
        status = statuses.get(safeguard.id, ABSENT)
        evidence = () if status == ABSENT else (Evidence(f"sec_{len(result) + 1}", f"{len(result) + 1}(a)", text),)
        result.append(Finding(safeguard.id, safeguard.group, safeguard.title, status, evidence, text,
                              f"{safeguard.id}/rule"))
    return tuple(result)


def summary(title: str, uri: str, **extra) -> dict:
    return {**extra, "frbr_uri": uri, "expression_uri": f"{uri}/eng@2020-01-01", "title": title, "doc_type": "act"}


def sample_result(title: str = "Draft act", text: str = "provides it") -> dict:
    ids = [s.id for s in load_rubric().safeguards]
    draft = findings({ids[0]: PRESENT, ids[1]: WEAK}, text=text)
    other = findings({ids[0]: WEAK, ids[1]: PRESENT, ids[2]: PRESENT}, text=text)
    return build_result(summary(title, "/akn/us/bill/2026/draft", id=1, version=2), draft,
                        [(summary("Town ordinance", "/akn/us-x/act/ordinance/2020/1", id=2, version=1), other)])


def test_result_has_the_contract_shape():
    result = sample_result()
    rubric = load_rubric()
    assert set(result) == {"document", "rubric", "findings", "comparison"}
    assert result["rubric"] == {"id": rubric.id, "version": rubric.version}
    assert len(result["findings"]) == len(rubric.safeguards)
    assert set(result["findings"][0]) == {"safeguard", "group", "title", "status", "evidence", "reason", "rule",
                                          "norms"}
    (entry,) = result["comparison"]
    assert set(entry) == {"document", "stronger", "findings", "suggestions"}
    json.dumps(result)


def test_stronger_means_ranked_higher_and_each_suggestion_quotes_it_with_its_source():
    result = sample_result()
    ids = [s.id for s in load_rubric().safeguards]
    (entry,) = result["comparison"]
    assert entry["stronger"] == [ids[1], ids[2]]
    draft = {f["safeguard"]: f["status"] for f in result["findings"]}
    ahead = [f["safeguard"] for f in entry["findings"] if RANK[f["status"]] > RANK[draft[f["safeguard"]]]]
    assert ahead == entry["stronger"]
    assert [(s["safeguard"], s["eId"]) for s in entry["suggestions"]] == [(ids[1], "sec_2"), (ids[2], "sec_3")]
    assert {s["source"] for s in entry["suggestions"]} == {"/akn/us-x/act/ordinance/2020/1"}


def test_no_comparison_without_other_documents():
    result = build_result(summary("Draft", "/akn/us/bill/2026/d"), findings({}))
    assert result["comparison"] == []
    assert "Suggested language" not in render_html(result)


def page(result: dict):
    return lxml.html.document_fromstring(render_html(result))


def test_every_cell_says_its_status_in_words_and_symbol_and_is_coloured():
    doc = page(sample_result())
    cells = doc.xpath("//table[@class='matrix']//td")
    rubric = load_rubric()
    assert len(cells) == 2 * len(rubric.safeguards)
    for cell in cells:
        text = cell.text_content()
        status = next(s for s in (PRESENT, WEAK, ABSENT) if s in text)
        assert {"present": "✓", "weak": "~", "absent": "✗"}[status] in text
        assert f"cell-{status}" in cell.get("class")
    assert "stronger than the draft" in doc.xpath("//table[@class='matrix']//tr[3]/td[2]")[0].text_content()


def test_cells_link_to_evidence_anchors_that_exist():
    doc = page(sample_result())
    ids = set(doc.xpath("//@id"))
    links = doc.xpath("//table[@class='matrix']//a/@href")
    first = load_rubric().safeguards[0].id
    assert f"#ev-draft-{first}" in links and f"#ev-c1-{first}" in links
    assert all(link[1:] in ids for link in links)


def test_rows_are_grouped_and_say_why_each_safeguard_matters():
    rubric = load_rubric()
    html = render_html(sample_result())
    doc = lxml.html.document_fromstring(html)
    groups = [th.text_content() for th in doc.xpath("//th[@class='group']")]
    assert groups == list(dict.fromkeys(s.group for s in rubric.safeguards))
    assert doc.xpath("//p[@class='why']")[0].text_content() == rubric.safeguards[0].why


def test_evidence_reasons_and_suggestions_with_their_source_are_shown():
    doc = page(sample_result(text="No agency shall use it."))
    first = load_rubric().safeguards[0].id
    (finding,) = doc.xpath(f"//*[@id='ev-draft-{first}']")
    assert "No agency shall use it." in finding.xpath(".//blockquote")[0].text_content()
    suggestions = doc.xpath("//section[@class='suggestions']")[0].text_content()
    assert "/akn/us-x/act/ordinance/2020/1" in suggestions and "sec_2" in suggestions


def test_hostile_text_stays_inert():
    result = sample_result(title=HOSTILE, text=HOSTILE)
    result["findings"][0]["safeguard"] = 'x" onmouseover="alert(3)'
    result["findings"][0]["status"] = "<b>bold</b>"
    html = render_html(result)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "{{7*7}}" in html and "49" not in html
    doc = lxml.html.document_fromstring(html)
    assert not doc.xpath("//script | //img | //iframe | //object")
    assert not [a for a in doc.xpath("//@*") if a.attrname.lower().startswith("on")]
    assert all(href.startswith("#") for href in doc.xpath("//@href"))
    assert HOSTILE in doc.xpath("//h1/cite")[0].text_content()


def test_cli_gaps_writes_json_and_html(tmp_path):
    out = tmp_path / "gaps.html"
    bill, other = SAMPLES / "ma-biometric-moratorium-bill.xml", SAMPLES / "us-ma-millbrook-ordinance-2019-7.txt"
    runner = CliRunner()
    result = runner.invoke(main, ["gaps", str(other), "--against", str(bill)], catch_exceptions=False)
    assert result.exit_code == 0
    body = json.loads(result.output)
    assert len(body["findings"]) == len(load_rubric().safeguards) and len(body["comparison"]) == 1
    result = runner.invoke(main, ["gaps", str(bill), "--against", str(other), "--format", "html", "-o", str(out)],
                           catch_exceptions=False)
    assert result.exit_code == 0 and "<table class=\"matrix\">" in out.read_text(encoding="utf-8")


def test_each_finding_shows_the_norms_that_decided_it_escaped():
    from drafting.analysis import evaluate
    from drafting.importers import import_text

    text = ("SECTION 1. Ban.\nNo public agency shall acquire or use a face recognition system <script>x</script>.\n")
    result = build_result(summary("Draft act", "/akn/us/bill/2026/draft"), evaluate(import_text(text).root), [])
    ban = next(f for f in result["findings"] if f["safeguard"] == "ban-mandatory")
    assert ban["norms"] and ban["norms"][0]["kind"] == "prohibition"
    html = render_html(result)
    assert "<script>" not in html
    (finding,) = lxml.html.document_fromstring(html).xpath("//*[@id='ev-draft-ban-mandatory']")
    (line,) = finding.xpath(".//ul[contains(@class, 'readings')]/li")
    assert line.text_content().startswith("1 prohibition · no public agency · acquire, use")
