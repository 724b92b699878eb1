"""The `drafting` command: validate, export, redline, gaps, norms, accounts, sample data, database, serve."""

from __future__ import annotations

import json
import os
import secrets
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from drafting.errors import DraftingError
from drafting.roles import ROLES

# Commands import what they need when they run: `drafting redline` must not pay for Flask and SQLAlchemy.
IMPORT_EXTENSIONS = (".txt", ".text", ".docx")


@contextmanager
def _database(*, migrate: bool = True):
    """Yield the Database the settings name, migrated, and release its connections afterwards."""
    from drafting.config import load_settings
    from drafting.store import Database

    database = Database(load_settings()["DATABASE_URL"])
    try:
        if migrate:
            database.migrate()
        yield database
    finally:
        database.dispose()


def _fail(error: DraftingError) -> None:
    click.echo(f"error: {error.detail}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Draft and compare surveillance legislation in Akoma Ntoso 3.0.

    Settings come from the environment, as for the server: DATABASE_URL, SECRET_KEY, DRAFTING_INSTANCE_PATH.
    """


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lenient", is_flag=True, help="Tolerate duplicate eIds and year-only dates.")
def validate(file: Path, lenient: bool) -> None:
    """Validate an AKN FILE against the AKN 3.0 schema; exit 1 when it is not valid."""
    from drafting import services

    try:
        report = services.validate_upload(file.read_bytes(), strict=not lenient)
    except DraftingError as error:
        _fail(error)
    for note in report["normalisation"]:
        click.echo(f"note: {note}")
    for issue in report["errors"]:
        click.echo(f"{file}:{issue['line']}: {issue['message']}")
    verdict = "valid" if report["valid"] else f"not valid ({report['error_count']} errors)"
    click.echo(f"{file}: {verdict} ({report['mode']})")
    sys.exit(0 if report["valid"] else 1)


@main.command()
@click.argument("document_id", type=int)
@click.option("--version", "version", type=int, help="Version number (default: the latest).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)")
def export(document_id: int, version: int | None, output: Path | None) -> None:
    """Export document DOCUMENT_ID as strictly valid AKN XML for filing."""
    from drafting import services

    try:
        with _database() as database:
            exported = services.export_document(database, document_id, version)
    except DraftingError as error:
        _fail(error)
    if output:
        output.write_bytes(exported.xml)
        click.echo(f"wrote {output} ({exported.filename})", err=True)
    else:
        sys.stdout.buffer.write(exported.xml)


def _report_lines(report: dict) -> list[str]:
    lines = [f"recognised {len(report['recognised'])} items; counts {report['counts']}"]
    lines += [f"note: {note}" for note in report["notes"]]
    lines += [f"line {item['line']}: guessed: {item['what']}" for item in report["guessed"]]
    lines += [f"line {item['line']}: unplaced: {item['what']}" for item in report["unplaced"]]
    lines += [f"line {item['line']}: removed: {item['text']}" for item in report["removed"]]
    return lines


@main.command("import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--type", "doc_type", type=click.Choice(["ordinance", "bill"]), help="Default: guessed from the text.")
@click.option("--jurisdiction", default="us", show_default=True, help="Jurisdiction code, e.g. us-ma-boston.")
@click.option("--title", help="Title to file the document under (default: the printed title).")
@click.option("--number", help="Number for the FRBR URI (default: guessed, e.g. 16-62 or s-681).")
@click.option("--date", help="Date YYYY-MM-DD (default: the year printed, else today).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="AKN file to write.")
@click.option("--store", is_flag=True, help="Store the result (every file of a folder) instead of printing it.")
def import_command(source: Path, doc_type, jurisdiction, title, number, date, output, store) -> None:
    """Import a .txt or .docx FILE into AKN: the XML to stdout (or -o), the import report to stderr.

    Given a folder with --store, import every .txt, .docx and .xml file in it into the store.
    """
    from drafting import importers, services
    from drafting.config import load_settings

    options = {"type": doc_type, "jurisdiction": jurisdiction, "title": title, "number": number, "date": date,
               "max_docx_unpacked": load_settings()["DRAFTING_MAX_DOCX_UNPACKED_BYTES"]}
    if source.is_dir():
        if not store:
            click.echo("error: a folder is imported with --store", err=True)
            sys.exit(2)
        _import_folder(source, options)
        return
    media_type = importers.EXTENSIONS.get(source.suffix.lower())
    if media_type is None:
        click.echo(f"error: expected a .txt or .docx file, found {source.name}", err=True)
        sys.exit(2)
    try:
        if store:
            with _database() as database:
                stored = services.create_document_from_import(
                    database, source.read_bytes(), media_type, options, author="import"
                )
            click.echo(f"stored document {stored.document.id}: {stored.document.frbr_work_uri}")
            report = stored.report["import"]
        else:
            prepared, report = services.import_document(source.read_bytes(), media_type, options)
            if output:
                output.write_bytes(prepared.xml)
            else:
                sys.stdout.buffer.write(prepared.xml)
    except DraftingError as error:
        _fail(error)
    for line in _report_lines(report):
        click.echo(line, err=True)


def _file_number(path: Path) -> str:
    """A FRBR number from a file name, for texts that print none."""
    return "-".join("".join(c if c.isalnum() else " " for c in path.stem.lower()).split())[:60] or "document"


def _import_folder(folder: Path, options: dict) -> None:
    from drafting import importers, services

    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (*importers.EXTENSIONS, ".xml"))
    stored, failed, invalid = 0, [], 0
    with _database() as database, click.progressbar(files, label="importing", file=sys.stderr) as bar:
        for path in bar:
            try:
                if path.suffix.lower() == ".xml":
                    result = services.create_document_from_xml(database, path.read_bytes(), author="import")
                else:
                    media_type = importers.EXTENSIONS[path.suffix.lower()]
                    result = services.create_document_from_import(
                        database, path.read_bytes(), media_type,
                        {**options, "number": None, "default_number": _file_number(path)}, author="import",
                    )
            except DraftingError as error:
                failed.append((path.name, error.detail))
                continue
            stored += 1
            invalid += not result.version.valid
    click.echo(f"{stored} stored ({invalid} not strictly valid), {len(failed)} failed, of {len(files)} files")
    for name, reason in failed:
        click.echo(f"failed: {name}: {reason}", err=True)
    if failed:
        sys.exit(1)


REDLINE_FORMATS = ("json", "html", "akn", "docx")
LOCAL_FILE_MAX_BYTES = 512 * 1024 * 1024


def _load_for_comparison(path: Path):
    """Read an AKN, text or .docx file as an AKN tree (text and Word are imported first)."""
    from drafting import akn

    data = path.read_bytes()
    if path.suffix.lower() in IMPORT_EXTENSIONS:
        from drafting import importers

        return importers.import_upload(data, importers.EXTENSIONS[path.suffix.lower()]).root, None
    # the user's own files: the upload cap of the service does not apply, the other parser rules do
    return akn.parse_akn(data, akn.ParseLimits(max_bytes=LOCAL_FILE_MAX_BYTES)).root, data


@main.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(REDLINE_FORMATS), default="json", show_default=True)
@click.option("--view", type=click.Choice(["inline", "side-by-side"]), default="inline", show_default=True,
              help="Layout of the HTML redline.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout).")
def redline(old: Path, new: Path, output_format: str, view: str, output: Path | None) -> None:
    """Compare OLD with NEW (AKN, text or .docx files) and write the redline."""
    import gc

    from drafting.compare import compare, render, summary

    # a one-shot process: the cyclic garbage collector only re-scans the trees it is about to throw away
    gc.disable()
    try:
        (old_root, old_bytes), (new_root, new_bytes) = _load_for_comparison(old), _load_for_comparison(new)
        result = compare(old_root, new_root, old=summary(old_root, xml=old_bytes), new=summary(new_root, xml=new_bytes))
        data = render(result, output_format, new_root=new_root, old_root=old_root, view=view)
    except DraftingError as error:
        _fail(error)
    if output:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


GAPS_FORMATS = ("json", "html")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--against", "against", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A document to compare with (AKN, text or .docx); repeat for more.")
@click.option("--format", "output_format", type=click.Choice(GAPS_FORMATS), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout).")
def gaps(file: Path, against: tuple[Path, ...], output_format: str, output: Path | None) -> None:
    """Judge the checks and balances of FILE (AKN, text or .docx), compared with other documents if given."""
    from drafting.analysis import evaluate
    from drafting.analysis.report import build_result, document_summary, render_html

    try:
        draft_root, _ = _load_for_comparison(file)
        compared = []
        for path in against:
            root, _ = _load_for_comparison(path)
            compared.append((document_summary(root), evaluate(root)))
        result = build_result(document_summary(draft_root), evaluate(draft_root), compared)
    except DraftingError as error:
        _fail(error)
    if output_format == "html":
        data = render_html(result).encode("utf-8")
    else:
        data = (json.dumps(result, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if output:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the norms as JSON instead of one line each.")
def norms(file: Path, as_json: bool) -> None:
    """Read FILE (AKN, text or .docx) as norms: one line per operative clause (citation · kind · bearer · acts ·
    object · time, conditions, exceptions, qualifiers), or JSON."""
    from drafting.norms import norm_line, read_norms

    try:
        root, _ = _load_for_comparison(file)
        found = read_norms(root)
    except DraftingError as error:
        _fail(error)
    if as_json:
        data = {"norms": [norm.as_dict() for norm in found]}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    for norm in found:
        click.echo(norm_line(norm))


@main.group()
def token() -> None:
    """API tokens."""



@token.command("create")
@click.option("--user", "name", required=True, help="User name; created if it does not exist.")
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True)
@click.option("--label", default="", help="What the token is for.")
def token_create(name: str, role: str, label: str) -> None:
    """Create an API token; the token is the last line printed."""
    from drafting import services

    with _database() as database:
        principal, secret = services.create_token(database, name, role, label)
    click.echo(f"token for {principal.name} ({principal.role}); it is shown only once:")
    click.echo(secret)


@token.command("list")
@click.option("--user", "name", required=True, help="User name.")
def token_list(name: str) -> None:
    """List a user's tokens: id, created, last used, revoked, label (never the secrets)."""
    from drafting import services

    try:
        with _database() as database:
            tokens = services.list_tokens(database, name)
    except DraftingError as error:
        _fail(error)
    for found in tokens:
        used = found.last_used_at.isoformat() if found.last_used_at else "-"
        revoked = found.revoked_at.isoformat() if found.revoked_at else "active"
        click.echo(f"{found.id}\t{found.created_at.isoformat()}\t{used}\t{revoked}\t{found.label}")


@token.command("revoke")
@click.option("--user", "name", required=True, help="User name.")
@click.option("--id", "token_id", type=int, help="The token to revoke (see `drafting token list`).")
@click.option("--all", "every", is_flag=True, help="Revoke every token of the user.")
def token_revoke(name: str, token_id: int | None, every: bool) -> None:
    """Revoke one token of a user (--id) or all of them (--all); refused from the next request on."""
    from drafting import services

    if (token_id is None) == (not every):
        click.echo("error: expected exactly one of --id or --all", err=True)
        sys.exit(2)
    try:
        with _database() as database:
            revoked = services.revoke_token(database, name, token_id)
    except DraftingError as error:
        _fail(error)
    click.echo(f"{revoked} token{'s' if revoked != 1 else ''} of {name} revoked")


@main.group()
def user() -> None:
    """User accounts."""


@user.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read a password for browser sign-in from standard input.")
def user_create(name: str, role: str, password_stdin: bool) -> None:
    """Create user NAME with ROLE."""
    from drafting import services

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    if password_stdin and len(password or "") < 8:
        click.echo("error: the password must have at least 8 characters", err=True)
        sys.exit(2)
    try:
        with _database() as database:
            principal = services.create_user(database, name, role, password)
    except DraftingError as error:
        _fail(error)
    click.echo(f"created {principal.name} ({principal.role})")


@user.command("disable")
@click.argument("name")
def user_disable(name: str) -> None:
    """Disable user NAME: no sign-in, every browser session ended, every token refused."""
    _set_disabled(name, True)


@user.command("enable")
@click.argument("name")
def user_enable(name: str) -> None:
    """Enable user NAME again (tokens not revoked work again; ended sessions stay ended)."""
    _set_disabled(name, False)


def _set_disabled(name: str, disabled: bool) -> None:
    from drafting import services

    try:
        with _database() as database:
            account = services.set_disabled(database, name, disabled)
    except DraftingError as error:
        _fail(error)
    click.echo(f"{account.name} is {'disabled' if account.disabled else 'enabled'}")


@user.command("password")
@click.argument("name")
def user_password(name: str) -> None:
    """Set user NAME's password from standard input; every browser session of the account ends."""
    from drafting import services

    password = sys.stdin.readline().rstrip("\n")
    if len(password) < 8:
        click.echo("error: the password must have at least 8 characters", err=True)
        sys.exit(2)
    try:
        with _database() as database:
            services.set_password(database, name, password)
    except DraftingError as error:
        _fail(error)
    click.echo(f"password of {name} set; its browser sessions have ended")


@user.command("sign-out")
@click.argument("name")
def user_sign_out(name: str) -> None:
    """End every browser session of user NAME."""
    from drafting import services

    try:
        with _database() as database:
            ended = services.end_sessions(database, name)
    except DraftingError as error:
        _fail(error)
    click.echo(f"{ended} session{'s' if ended != 1 else ''} of {name} ended")


@main.command()
def seed() -> None:
    """Load the sample documents (a statewide bill and four ordinances) that are not stored yet."""
    from drafting import services

    with _database() as database:
        added = services.seed(database)
    for stored in added:
        click.echo(f"{stored.document.id}\t{stored.document.frbr_work_uri}\t{stored.document.title}")
    click.echo(f"{len(added)} sample documents added")


@main.group()
def db() -> None:
    """The database."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest revision."""
    with _database():
        click.echo("database is at the latest revision")


def gunicorn_command(bind: str, *, workers: int, threads: int = 4) -> list[str]:
    """The gunicorn command line of the service, for `drafting serve` and for tests of the real server.

    Threaded workers (gthread): an idle keep-alive connection, which browsers open ahead of need, holds one thread
    for a while, not a whole worker, so a browser cannot stall the server by opening sockets it does not use yet.
    """
    return [sys.executable, "-m", "gunicorn", "--bind", bind, "--workers", str(workers),
            "--worker-class", "gthread", "--threads", str(threads), "--access-logfile", "-",
            # gunicorn 27 opens a control socket at one fixed path per user; servers on one machine would share it
            "--no-control-socket", "drafting:create_app(warm=True)"]


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2 * (os.cpu_count() or 1), show_default=True, type=int)
@click.option("--dev", is_flag=True, help="Use Flask's development server with reloading instead of gunicorn.")
@click.option("--demo", is_flag=True, help="Load the samples and print a demo token before starting.")
def serve(host: str, port: int, workers: int, dev: bool, demo: bool) -> None:
    """Start the service (gunicorn, or the Flask server with --dev).

    --dev and --demo run in development (DRAFTING_ENV, unless set): a missing SECRET_KEY is generated and kept in
    the instance folder. Otherwise the service runs in production and needs a strong SECRET_KEY.
    """
    from drafting import services
    from drafting.config import DEVELOPMENT, load_settings, secret_key

    if dev or demo:
        os.environ.setdefault("DRAFTING_ENV", DEVELOPMENT)
    try:
        # refuse here, in one clear line, what every gunicorn worker would refuse
        secret_key(load_settings())
    except DraftingError as error:
        _fail(error)
    with _database() as database:
        if demo:
            services.seed(database)
            _, secret = services.create_token(database, "demo", "drafter", "printed by drafting serve --demo")
            password = secrets.token_urlsafe(12)
            services.set_password(database, "demo", password)
            click.echo(f"Service: http://{host}:{port}/  (sign in as demo / {password})")
            click.echo(f"Try:     curl -H 'Authorization: Bearer {secret}' http://{host}:{port}/api/documents")
            click.echo(f"Demo token (drafter): {secret}")
    if dev:
        from drafting import create_app

        create_app().run(host=host, port=port, debug=True)
        return
    os.execv(sys.executable, gunicorn_command(f"{host}:{port}", workers=workers))  # noqa: S606 - replace this process with gunicorn


@main.command("frbr")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def frbr(file: Path) -> None:
    """Print the FRBR identity a document declares."""
    from drafting import akn

    try:
        ident = akn.read_identification(akn.parse_akn(file.read_bytes()).root)
    except DraftingError as error:
        _fail(error)
    click.echo(json.dumps(ident.__dict__, indent=2))


@main.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def backup_command(file: Path, force: bool) -> None:
    """Copy the SQLite store to FILE while the service keeps running, and check the copy.

    For PostgreSQL, use pg_dump.
    """
    from drafting.config import load_settings
    from drafting.store import backup

    try:
        summary = backup.backup(load_settings()["DATABASE_URL"], file, force=force)
    except DraftingError as error:
        _fail(error)
    click.echo(f"backed up {summary.documents} documents and {summary.versions} versions "
               f"(revision {summary.revision}) to {summary.path}; integrity ok")
    if summary.damaged:
        click.echo(f"warning: {len(summary.damaged)} versions do not match their content hash "
                   f"(document, version): {list(summary.damaged[:10])}", err=True)
        sys.exit(1)


@main.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm that the store's contents are to be replaced by the backup's.")
def restore_command(file: Path, yes: bool) -> None:
    """Replace the contents of the SQLite store with backup FILE, after checking it.

    For PostgreSQL, use pg_restore.
    """
    from drafting.config import load_settings
    from drafting.store import backup

    database_url = load_settings()["DATABASE_URL"]
    try:
        target = backup.sqlite_file(database_url)
        if not yes:
            click.echo(f"error: restore replaces every document, version, user and token in {target} with those "
                       f"of {file}; pass --yes to go ahead", err=True)
            sys.exit(2)
        summary = backup.restore(database_url, file)
    except DraftingError as error:
        _fail(error)
    click.echo(f"restored {summary.documents} documents and {summary.versions} versions "
               f"(revision {summary.revision}) into {summary.path}")
    if summary.revision != backup.code_revision():
        with _database():
            click.echo(f"migrated the store from revision {summary.revision} to {backup.code_revision()}")


if __name__ == "__main__":
    main()
