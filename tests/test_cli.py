"""The `drafting` command: each subcommand does its job and reads the same settings as the server."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from lxml import etree

from drafting.akn import parse_akn, validate
from drafting.cli import main
from tests.app_fixtures import SAMPLES


@pytest.fixture
def run(database, database_url, tmp_path, monkeypatch):
    """Run the CLI against the test database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DRAFTING_INSTANCE_PATH", str(tmp_path / "instance"))
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.mark.parametrize(
    "command", [[], ["validate"], ["export"], ["token", "create"], ["user", "create"], ["seed"], ["serve"], ["db"]]
)
def test_every_command_has_help(run, command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_token_create_prints_the_token_last_and_it_authenticates(run, app):
    result = run("token", "create", "--user", "staff", "--role", "viewer")
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("dft_")
    client = app.test_client()
    assert client.get("/api/documents", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_seed_loads_the_samples_once(run, app):
    first = run("seed")
    assert first.exit_code == 0
    assert "5 sample documents added" in first.output
    assert "0 sample documents added" in run("seed").output


def test_validate_exits_0_for_valid_and_1_for_invalid_with_line_numbers(run, tmp_path):
    good = SAMPLES / "ma-biometric-moratorium-bill.xml"
    assert run("validate", str(good)).exit_code == 0
    bad = tmp_path / "bad.xml"
    bad.write_bytes(good.read_bytes().replace(b"<heading>", b"<heading><bogus/>", 1))
    result = run("validate", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:" in result.output and "bogus" in result.output


def test_validate_refuses_unsafe_xml_with_the_rule(run, tmp_path):
    evil = tmp_path / "evil.xml"
    evil.write_text('<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><akomaNtoso>&e;</akomaNtoso>')
    result = run("validate", str(evil))
    assert result.exit_code == 2
    assert "DOCTYPE declarations are not allowed" in result.output


def test_export_writes_a_strictly_valid_file(run, tmp_path):
    first_id = run("seed").output.splitlines()[0].split("\t")[0]
    out = tmp_path / "bill.xml"
    result = run("export", first_id, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert validate(parse_akn(out.read_bytes()).root).valid
    assert etree.fromstring(out.read_bytes()) is not None


def test_export_of_unknown_document_fails_clearly(run):
    result = run("export", "4242")
    assert result.exit_code == 2
    assert "no document with id 4242" in result.output


def test_user_create_with_password_from_stdin(run, app):
    result = run("user", "create", "ada", "--role", "drafter", "--password-stdin", input="correct horse battery\n")
    assert result.exit_code == 0
    assert "created ada (drafter)" in result.output
    assert run("user", "create", "ada", "--role", "drafter").exit_code == 2


def test_user_create_refuses_a_short_password(run):
    result = run("user", "create", "bob", "--role", "viewer", "--password-stdin", input="short\n")
    assert result.exit_code == 2


ORDINANCE_TEXT = (
    "Section 1. Purpose.\nThis ordinance limits face surveillance.\n\nSection 2. Ban.\n(a) No use.\n(b) No purchase.\n"
)


def test_import_writes_akn_to_stdout_and_the_report_to_stderr(run, tmp_path):
    source = tmp_path / "ordinance.txt"
    source.write_text(ORDINANCE_TEXT)
    result = CliRunner().invoke(main, ["import", str(source), "--jurisdiction", "us-ma-lee", "--type", "ordinance"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<?xml")
    assert validate(parse_akn(result.stdout.encode()).root).valid
    assert "recognised" in result.stderr and "recognised" not in result.stdout


def test_import_to_a_file(run, tmp_path):
    source, out = tmp_path / "ordinance.txt", tmp_path / "out.xml"
    source.write_text(ORDINANCE_TEXT)
    assert run("import", str(source), "-o", str(out)).exit_code == 0
    assert validate(parse_akn(out.read_bytes()).root).valid


def test_import_of_a_folder_stores_every_file_and_summarises(run, tmp_path, app):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text(ORDINANCE_TEXT)
    (folder / "b.txt").write_text(ORDINANCE_TEXT.replace("Purpose", "Findings"))
    (folder / "c.xml").write_bytes((SAMPLES / "us-ma-millbrook-ordinance-2019-7.xml").read_bytes())
    (folder / "bad.txt").write_bytes(b"\xff\xfe not utf-8")
    result = run("import", str(folder), "--store", "--jurisdiction", "us-ma-lee")
    assert result.exit_code == 1
    assert "3 stored (0 not strictly valid), 1 failed, of 4 files" in result.output
    assert "bad.txt: text is not valid UTF-8" in result.output


def test_import_refuses_unknown_file_types(run, tmp_path):
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"%PDF")
    result = run("import", str(source))
    assert result.exit_code == 2 and "expected a .txt or .docx file" in result.output


def test_cli_knows_the_same_importable_extensions_as_the_importers():
    from drafting.cli import IMPORT_EXTENSIONS
    from drafting.importers import EXTENSIONS

    assert set(IMPORT_EXTENSIONS) == set(EXTENSIONS)


@pytest.mark.parametrize("output_format", ["json", "html", "akn", "docx"])
def test_redline_of_two_files_in_each_format(tmp_path, output_format):
    import json

    old = SAMPLES / "us-ma-millbrook-ordinance-2019-7.xml"
    new = tmp_path / "new.xml"
    new.write_bytes(old.read_bytes().replace(b"shall not", b"should not", 1))
    out = tmp_path / f"redline.{output_format}"
    result = CliRunner().invoke(main, ["redline", str(old), str(new), "--format", output_format, "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if output_format == "json":
        labels = json.dumps(json.loads(data)["alignment"])
        assert "modal-weakened" in labels
    elif output_format == "html":
        assert b"<del" in data and b"<ins" in data
    elif output_format == "akn":
        assert validate(parse_akn(data).root).valid
    else:
        assert data[:2] == b"PK"


def test_redline_accepts_text_files(tmp_path):
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(ORDINANCE_TEXT)
    new.write_text(ORDINANCE_TEXT.replace("No purchase.", "No purchase or lease."))
    result = CliRunner().invoke(main, ["redline", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert '"status": "changed"' in result.stdout
