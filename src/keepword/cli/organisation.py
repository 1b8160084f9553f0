"""`keepword org`: the organisation's own settings."""

from __future__ import annotations

from typing import Annotated

import typer

from keepword.cli.common import keepword, out
from keepword.domain.organisation import Organisation, parse_business_day_end
from keepword.services import queries
from keepword.services.organisation import configure_organisation

app = typer.Typer(
    help="Show or set the organisation's name, default time zone and country, and business day.",
    no_args_is_help=True,
)


def _show(organisation: Organisation) -> None:
    out.print(f"name:             {organisation.name}")
    out.print(f"time zone:        {organisation.timezone}")
    out.print(f"country:          {organisation.country or '(none)'}")
    out.print(f"business day end: {organisation.business_day_end:%H:%M}")


@app.command()
def show() -> None:
    """Print the organisation's settings."""
    with keepword() as kw:
        _show(queries.get_organisation(kw.uow()))


@app.command("set")
def set_(
    name: Annotated[str | None, typer.Option(help="The company's name.")] = None,
    timezone: Annotated[
        str | None, typer.Option(help="IANA zone for customers without one, e.g. Europe/Rome.")
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="ISO 3166 code for customers without one, e.g. IT.")
    ] = None,
    business_day_end: Annotated[
        str | None, typer.Option(help="When a business day ends, HH:MM, e.g. 18:00.")
    ] = None,
) -> None:
    """Change the settings given; the others keep their values."""
    with keepword() as kw:
        current = queries.get_organisation(kw.uow())
        updated = Organisation(
            name=name or current.name,
            timezone=timezone or current.timezone,
            country=country or current.country,
            business_day_end=parse_business_day_end(business_day_end)
            if business_day_end
            else current.business_day_end,
        )
        configure_organisation(kw.uow(), updated)
        _show(updated)
