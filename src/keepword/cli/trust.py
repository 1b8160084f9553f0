"""`keepword trust`: a customer's index and why, who is at risk, and rebuilding the index."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from keepword import clock
from keepword.cli.common import err, keepword, out
from keepword.services import trust
from keepword.services.trust import CustomerTrust

app = typer.Typer(help="The trust index: per customer, explained; who is at risk.")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _as_json(found: CustomerTrust) -> dict[str, Any]:
    reading = found.reading
    return {
        "customer": found.customer_id,
        "index": reading.index,
        "at_risk": reading.at_risk,
        "explanation": [
            {
                "kind": e.kind,
                "at": e.at.isoformat(),
                "contribution": e.contribution,
                "text": e.text,
            }
            for e in reading.explanation
        ],
    }


@app.command()
def show(
    customer_id: Annotated[str, typer.Argument(help="The customer's external id.")],
    as_json: JsonOption = False,
) -> None:
    """A customer's trust index now, whether at risk and why, and what moved it most."""
    with keepword() as kw:
        found = trust.trust_of(kw.uow(), customer_id, clock.now())
    if as_json:
        print(json.dumps(_as_json(found)))
        return
    reading = found.reading
    flag = "  AT RISK: " + "; ".join(reading.reasons) if reading.at_risk else ""
    out.print(f"{customer_id}: trust {reading.index:g}/100{flag}")
    table = Table("when", "what happened", "points")
    for line in reading.explanation:
        table.add_row(f"{line.at:%Y-%m-%d}", line.text, f"{line.contribution:+.1f}")
    if reading.explanation:
        out.print(table)
    else:
        out.print("No trust events yet: the index is the starting value.")


@app.command("at-risk")
def at_risk(as_json: JsonOption = False) -> None:
    """Customers at risk now, lowest index first."""
    with keepword() as kw:
        found = trust.at_risk(kw.uow(), clock.now())
    if as_json:
        print(json.dumps([_as_json(f) for f in found]))
        return
    if not found:
        out.print("No customer is at risk.")
        return
    table = Table("customer", "index", "why", "what moved it most")
    for item in found:
        top = item.reading.explanation[0].text if item.reading.explanation else ""
        table.add_row(
            item.customer_id, f"{item.reading.index:g}", "; ".join(item.reading.reasons), top
        )
    out.print(table)


@app.command()
def rebuild() -> None:
    """Fold every customer's trust events again from scratch and store the result; says how
    many stored indices were not what the events give (there should be none)."""
    with (
        keepword() as kw,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task("Rebuilding", total=None)
        report = trust.rebuild_trust(
            kw.uow, clock.now(), on_customer=lambda n: progress.advance(task, n)
        )
    out.print(
        f"Rebuilt the trust index of {report.customers} customers from {report.events} events; "
        f"{report.changed} stored indices differed."
    )
