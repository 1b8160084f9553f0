"""What every command shares: settings, the wired Keepword, consoles and error reporting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.text import Text
from sqlalchemy.exc import OperationalError

from keepword.bootstrap import Keepword, bootstrap
from keepword.domain.errors import DomainError
from keepword.settings import Settings

# No markup: ids, names and reasons come from users and files, and "[/]" in one must print as is.
# Soft wrap: a message is never broken into lines by us (the terminal wraps it), so a path or
# an id in it can be copied whole, and logs and scripts read it on one line.
out = Console(markup=False, highlight=False, soft_wrap=True)
err = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)


def report_error(message: str, label: str = "error") -> None:
    """Print `label: message` on stderr, the label in red and the message exactly as given."""
    err.print(Text.assemble((f"{label}: ", "bold red"), message))


def load_settings() -> Settings:
    """Settings from the environment; a bad value stops the command, naming the variable."""
    try:
        return Settings()
    except ValidationError as error:
        for item in error.errors(include_url=False):
            name = "KEEPWORD_" + "_".join(str(p) for p in item["loc"]).upper()
            report_error(f"{name}: {item['msg']}")
        raise typer.Exit(2) from error


@contextmanager
def keepword(*, need_schema: bool = True) -> Iterator[Keepword]:
    """The wired Keepword for one command; domain errors end it with their message, exit 1."""
    kw = bootstrap(load_settings())
    try:
        if need_schema and not kw.schema_is_current():
            report_error("the database schema is not current; run `keepword db upgrade` first")
            raise typer.Exit(2)
        yield kw
    except DomainError as error:
        report_error(str(error))
        raise typer.Exit(1) from error
    except OperationalError as error:
        url = kw.engine.url.render_as_string(hide_password=True)
        report_error(f"cannot use the database at {url}: {error.orig}")
        err.print("Check KEEPWORD_DATABASE_URL and that the server is running.")
        raise typer.Exit(2) from error
    finally:
        kw.close()
