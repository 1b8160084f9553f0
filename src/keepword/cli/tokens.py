"""`keepword token`: API bearer tokens."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from keepword import clock
from keepword.cli.common import keepword, out
from keepword.domain.access import Role
from keepword.services.access import create_token, list_tokens, revoke_token

app = typer.Typer(help="Create, list and revoke API tokens.", no_args_is_help=True)


@app.command()
def create(
    name: Annotated[str, typer.Option(help="What the token is for, e.g. zendesk-sync.")],
    role: Annotated[
        Role,
        typer.Option(
            help="admin: everything; integration: read and write data; lead, agent: read."
        ),
    ],
) -> None:
    """Issue a token and print it once: it is stored only as a hash."""
    with keepword() as kw:
        issued = create_token(kw.uow(), name, role, clock.now())
    out.print(f"Token {issued.token.token_id} ({issued.token.role}) for '{issued.token.name}':")
    # Plain print: Rich could wrap the secret across lines.
    print(issued.secret)
    out.print("Keep it safe: it is not shown again. Use it as 'Authorization: Bearer <token>'.")


@app.command("list")
def list_() -> None:
    """List tokens (never their secrets)."""
    with keepword() as kw:
        tokens = list_tokens(kw.uow())
    table = Table("id", "name", "role", "created", "last used", "revoked")
    for t in tokens:
        table.add_row(
            t.token_id,
            t.name,
            t.role,
            f"{t.created_at:%Y-%m-%d %H:%M}",
            f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never",
            f"{t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "",
        )
    out.print(table if tokens else "No tokens yet; `keepword token create --help` says how.")


@app.command()
def revoke(
    token_id: Annotated[str, typer.Argument(help="The id `keepword token list` shows.")],
) -> None:
    """Revoke a token at once; requests with it are refused from now on."""
    with keepword() as kw:
        token = revoke_token(kw.uow(), token_id, clock.now())
    out.print(f"Token {token.token_id} ('{token.name}') is revoked.")
