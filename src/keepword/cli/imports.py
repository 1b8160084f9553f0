"""`keepword import`: bring data in from files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from keepword import clock
from keepword.adapters.helpdesk.records import parse_conversation_lines, split_lines
from keepword.cli.common import err, keepword, out, report_error
from keepword.services.conversations import import_conversations

app = typer.Typer(help="Import data from files.", no_args_is_help=True)


def read_lines(path: Path) -> list[str]:
    """The lines of a UTF-8 text file (stdin for -); an unreadable file ends the command."""
    if str(path) == "-":
        return split_lines(sys.stdin.read())
    try:
        return split_lines(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        report_error(f"{path}: no such file")
        raise typer.Exit(2) from error
    except UnicodeDecodeError as error:
        report_error(f"{path}: not UTF-8 text (byte {error.start})")
        raise typer.Exit(2) from error
    except OSError as error:
        report_error(f"{path}: {error.strerror}")
        raise typer.Exit(2) from error


@app.command()
def conversations(
    file: Annotated[
        Path, typer.Argument(help="JSON Lines file, one conversation a line; - reads stdin.")
    ],
    batch_size: Annotated[
        int, typer.Option(min=1, max=5000, help="Conversations per commit.")
    ] = 200,
) -> None:
    """Import conversations (shared/formats/conversations.md).

    Bad lines are reported with their number and reason; the others are still
    imported, and the exit status is 1. Importing the same file again updates
    what it stored and never duplicates.
    """
    lines = read_lines(file)
    with keepword() as kw:
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=err, transient=True) as progress:
            task = progress.add_task("Importing", total=sum(1 for line in lines if line.strip()))
            report = import_conversations(
                kw.uow,
                parse_conversation_lines(lines),
                clock.now(),
                auditor=kw.auditor,
                batch_size=batch_size,
                on_line=lambda n: progress.advance(task, n),
            )
    for rejected in report.rejected:
        which = f" ({rejected.conversation_id})" if rejected.conversation_id else ""
        report_error(rejected.reason, label=f"line {rejected.line}{which}")
    out.print(
        f"{report.created} created, {report.updated} updated, {len(report.rejected)} rejected."
    )
    if report.rejected:
        raise typer.Exit(1)
