"""The `keepword` command: one Typer app with a sub-command per job."""

from __future__ import annotations

import typer

from keepword import __version__
from keepword.cli import audit, db, imports, organisation, tokens, trust, users
from keepword.cli.demo import demo
from keepword.cli.serve import serve, worker

app = typer.Typer(
    name="keepword",
    help="Keepword keeps a company's word to its customers. "
    "Configure with KEEPWORD_* environment variables (see the README).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(imports.app, name="import")
app.add_typer(tokens.app, name="token")
app.add_typer(users.app, name="user")
app.add_typer(organisation.app, name="org")
app.add_typer(trust.app, name="trust")
app.command()(serve)
app.command()(worker)
app.command()(demo)
app.command()(audit.audit)
app.command("eval")(audit.eval_)
app.command()(audit.train)
app.command()(audit.reaudit)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"keepword {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Keepword: conversation audit, promise ledger and trust index."""


def run() -> None:
    """Entry point of the `keepword` console script."""
    app()
