"""`keepword db`: the database schema."""

from __future__ import annotations

from typing import Annotated

import typer

from keepword.cli.common import keepword, out
from keepword.services.trust import indices_under_former_rules

app = typer.Typer(help="Create and upgrade the database schema.", no_args_is_help=True)


@app.command()
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision; default the newest.")] = "head",
) -> None:
    """Bring the database to the newest schema (creates it on first run). Safe to repeat."""
    from keepword.adapters.db import migrate  # Alembic is slow to import; only db commands need it

    with keepword(need_schema=False) as kw:
        before = migrate.current_revision(kw.engine)
        migrate.upgrade(kw.engine, revision)
        after = migrate.current_revision(kw.engine)
        url = kw.engine.url.render_as_string(hide_password=True)
        if before == after:
            out.print(f"Database {url} is already at revision {after}.")
        else:
            out.print(f"Database {url} upgraded from {before or 'empty'} to revision {after}.")
        outdated = indices_under_former_rules(kw.uow())
        if outdated:
            out.print(
                f"{outdated:,} customers' trust indices were folded under the index's former "
                "rules; each is folded again at its next event. Run `keepword trust rebuild` "
                "to fold them all now."
            )


@app.command()
def current() -> None:
    """Show the database's schema revision and the newest this version knows."""
    from keepword.adapters.db import migrate

    with keepword(need_schema=False) as kw:
        out.print(f"database: {migrate.current_revision(kw.engine) or 'empty'}")
        out.print(f"newest:   {migrate.head_revision()}")


@app.command()
def revision(
    message: Annotated[str, typer.Option("--message", "-m", help="What the migration changes.")],
) -> None:
    """(Developers) write a migration from the difference between the models and the database."""
    from keepword.adapters.db import migrate

    with keepword(need_schema=True) as kw:
        migrate.make_revision(kw.engine, message)
