"""`keepword user`: dashboard logins."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from keepword import clock
from keepword.cli.common import keepword, out
from keepword.domain.access import Role
from keepword.services.access import create_user, list_users, set_password, set_user_active

app = typer.Typer(help="Create and manage dashboard users.", no_args_is_help=True)

Password = Annotated[
    str,
    typer.Option(
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="At least 10 characters; asked for when not given.",
    ),
]


@app.command()
def create(
    username: Annotated[str, typer.Argument(help="Login name: letters, digits, . _ @ -")],
    role: Annotated[Role, typer.Option(help="admin, lead, agent or integration.")] = Role.AGENT,
    password: Password = "",
) -> None:
    """Create a dashboard user; the password is stored as an argon2 hash."""
    with keepword() as kw:
        user = create_user(kw.uow(), kw.hasher, username, password, role, clock.now())
    out.print(f"User '{user.username}' ({user.role}) created.")


@app.command("list")
def list_() -> None:
    """List dashboard users."""
    with keepword() as kw:
        users = list_users(kw.uow())
    table = Table("username", "role", "active", "created")
    for u in users:
        table.add_row(u.username, u.role, "yes" if u.active else "no", f"{u.created_at:%Y-%m-%d}")
    out.print(table if users else "No users yet; `keepword user create NAME` makes one.")


@app.command()
def password(username: str, password: Password = "") -> None:
    """Set a new password for a user."""
    with keepword() as kw:
        set_password(kw.uow(), kw.hasher, username, password)
    out.print(f"Password of '{username}' changed.")


@app.command()
def disable(username: str) -> None:
    """Stop a user from logging in (their open sessions end at the next request)."""
    with keepword() as kw:
        set_user_active(kw.uow(), username, active=False)
    out.print(f"User '{username}' can no longer log in.")


@app.command()
def enable(username: str) -> None:
    """Let a disabled user log in again."""
    with keepword() as kw:
        set_user_active(kw.uow(), username, active=True)
    out.print(f"User '{username}' can log in again.")
