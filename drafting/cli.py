"""The `drafting` command: validate, export, accounts, sample data, database, serve."""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from drafting import akn, services
from drafting.errors import DraftingError


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


@main.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.option("--user", "name", required=True, help="User name; created if it does not exist.")
@click.option("--role", type=click.Choice(services.ROLES), default="viewer", show_default=True)
@click.option("--label", default="", help="What the token is for.")
def token_create(name: str, role: str, label: str) -> None:
    """Create an API token; the token is the last line printed."""
    with _database() as database:
        principal, secret = services.create_token(database, name, role, label)
    click.echo(f"token for {principal.name} ({principal.role}); it is shown only once:")
    click.echo(secret)


@main.group()
def user() -> None:
    """User accounts."""


@user.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(services.ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read a password for browser sign-in from standard input.")
def user_create(name: str, role: str, password_stdin: bool) -> None:
    """Create user NAME with ROLE."""
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


@main.command()
def seed() -> None:
    """Load the sample documents (a statewide bill and four ordinances) that are not stored yet."""
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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2 * (os.cpu_count() or 1), show_default=True, type=int)
@click.option("--dev", is_flag=True, help="Use Flask's development server with reloading instead of gunicorn.")
@click.option("--demo", is_flag=True, help="Load the samples and print a demo token before starting.")
def serve(host: str, port: int, workers: int, dev: bool, demo: bool) -> None:
    """Start the service (gunicorn, or the Flask server with --dev)."""
    with _database() as database:
        if demo:
            services.seed(database)
            _, secret = services.create_token(database, "demo", "drafter", "printed by drafting serve --demo")
            click.echo(f"Service: http://{host}:{port}/")
            click.echo(f"Try:     curl -H 'Authorization: Bearer {secret}' http://{host}:{port}/api/documents")
            click.echo(f"Demo token (drafter): {secret}")
    if dev:
        from drafting import create_app

        create_app().run(host=host, port=port, debug=True)
        return
    args = [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--access-logfile", "-", "--no-control-socket", "drafting:create_app()"]
    os.execv(sys.executable, args)  # noqa: S606 - replace this process with gunicorn


@main.command("frbr")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def frbr(file: Path) -> None:
    """Print the FRBR identity a document declares."""
    try:
        ident = akn.read_identification(akn.parse_akn(file.read_bytes()).root)
    except DraftingError as error:
        _fail(error)
    click.echo(json.dumps(ident.__dict__, indent=2))


if __name__ == "__main__":
    main()
