"""`keepword demo`: load the demo organisation."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress

from keepword import clock
from keepword.cli.common import keepword, out, report_error
from keepword.demo.loader import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    conversation_count,
    is_empty,
    load_demo,
)


def demo(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the database holds customers.")
    ] = False,
) -> None:
    """Load the demo organisation (customers, cases, conversations) and a demo login.

    Loading again updates the demo records and never duplicates them.
    """
    with keepword() as kw:
        if if_empty and not is_empty(kw.uow):
            out.print("The database already holds data; demo not loaded.")
            return
        with Progress(console=out, transient=True) as progress:
            task = progress.add_task("Loading demo conversations", total=conversation_count())
            report = load_demo(
                kw.uow,
                kw.hasher,
                clock.now(),
                on_line=lambda n: progress.advance(task, n),
                auditor=kw.auditor,
            )
        convs = report.conversations
        out.print(
            f"Demo loaded: {report.customers} customers, {report.accounts} accounts, "
            f"{report.agents} agents, {report.cases} cases, {convs.stored} conversations."
        )
        if convs.rejected:
            for rejected in convs.rejected:
                report_error(rejected.reason, label=f"demo line {rejected.line}")
            raise typer.Exit(1)
        verb = "created" if report.user_created else "exists"
        out.print(f"Demo login ({verb}): user {DEMO_USERNAME}, password {DEMO_PASSWORD}")
