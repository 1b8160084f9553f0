"""`keepword audit`, `keepword eval`, `keepword train`: the conversation audit from files."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import time
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from keepword import clock
from keepword.adapters.helpdesk.records import parse_conversation_lines
from keepword.audit.auditor import Auditor, default_auditor
from keepword.audit.calendars import customer_calendar
from keepword.audit.labels import MODEL_LABELS
from keepword.audit.model import DEFAULT_MODEL, ModelError, load_model
from keepword.audit.scoring import score
from keepword.audit.timeexpr import BusinessCalendar
from keepword.cli.common import err, keepword, out, report_error
from keepword.cli.imports import read_lines
from keepword.domain.conversations import Conversation
from keepword.domain.errors import InvalidValue
from keepword.domain.organisation import parse_business_day_end
from keepword.domain.values import check_country, check_timezone
from keepword.services.audits import reaudit_outdated
from keepword.services.conversations import RejectedLine

CHUNK = 256
ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="A model file from `keepword train`; default the shipped one."),
]


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _auditor(model: Path | None) -> Auditor:
    try:
        return default_auditor(model)
    except (OSError, ModelError, ValueError) as error:
        report_error(f"cannot load the model {model}: {error}")
        raise typer.Exit(2) from error


Chunk = list[tuple[Conversation, BusinessCalendar]]


@dataclass(frozen=True)
class Defaults:
    """What the organisation would say of a customer the file says nothing about."""

    timezone: str = "UTC"
    country: str | None = None
    business_day_end: time = time(17, 0)


def _audit_chunk(args: tuple[Path | None, Chunk]) -> list[dict[str, Any]]:
    model, chunk = args
    results = default_auditor(model).audit_many([c for c, _ in chunk], [k for _, k in chunk])
    return [result.to_record() for result in results]


def _chunks(
    parsed: Iterator[tuple[int, Any]], rejected: list[RejectedLine], defaults: Defaults
) -> Iterator[Chunk]:
    """Conversations with their customers' calendars, in chunks of CHUNK, setting refused
    lines aside as they pass."""

    def conversations() -> Iterator[tuple[Conversation, BusinessCalendar]]:
        for _, item in parsed:
            if isinstance(item, RejectedLine):
                rejected.append(item)
                continue
            calendar = customer_calendar(
                item.customer_timezone,
                item.customer_country,
                default_timezone=defaults.timezone,
                default_country=defaults.country,
                business_day_end=defaults.business_day_end,
            )
            yield item.conversation, calendar

    stream = conversations()
    while chunk := list(islice(stream, CHUNK)):
        yield chunk


def audit_records(
    lines: Sequence[str],
    model: Path | None,
    workers: int,
    progress: Progress,
    defaults: Defaults = Defaults(),
) -> tuple[list[dict[str, Any]], list[RejectedLine]]:
    """Audit every conversation line, in input order; also return the refused lines."""
    rejected: list[RejectedLine] = []
    task = progress.add_task("Auditing", total=sum(1 for line in lines if line.strip()))
    records: list[dict[str, Any]] = []
    chunks = _chunks(parse_conversation_lines(lines), rejected, defaults)
    if workers <= 1:
        auditor = _auditor(model)
        for chunk in chunks:
            results = auditor.audit_many([c for c, _ in chunk], [k for _, k in chunk])
            records += [result.to_record() for result in results]
            progress.update(task, completed=len(records) + len(rejected))
        return records, rejected
    _auditor(model)  # fail here, once, rather than in every worker
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for done in pool.map(_audit_chunk, ((model, chunk) for chunk in chunks)):
            records += done
            progress.update(task, completed=len(records) + len(rejected))
    return records, rejected


def _report_rejected(rejected: list[RejectedLine]) -> None:
    for line in sorted(rejected, key=lambda r: r.line):
        which = f" ({line.conversation_id})" if line.conversation_id else ""
        report_error(line.reason, label=f"line {line.line}{which}")


TimezoneOption = Annotated[
    str,
    typer.Option(help="Time zone of customers the file gives none for (IANA name)."),
]
CountryOption = Annotated[
    str | None,
    typer.Option(help="Country (ISO alpha-2) of customers the file gives none for: its holidays."),
]
BusinessDayEndOption = Annotated[
    str, typer.Option(help="HH:MM when a business day ends ('close of business').")
]


def _defaults(timezone: str, country: str | None, business_day_end: str) -> Defaults:
    try:
        return Defaults(
            check_timezone("--timezone", timezone) or "UTC",
            check_country("--country", country),
            parse_business_day_end(business_day_end),
        )
    except InvalidValue as error:
        report_error(str(error))
        raise typer.Exit(2) from error


def audit(
    file: Annotated[Path, typer.Argument(help="Conversations, JSON Lines; - reads stdin.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where the audit goes (JSONL).")],
    workers: Annotated[int, typer.Option(min=1, max=64, help="Processes to audit with.")] = 1,
    model: ModelOption = None,
    timezone: TimezoneOption = "UTC",
    country: CountryOption = None,
    business_day_end: BusinessDayEndOption = "17:00",
) -> None:
    """Audit conversations: labels on turns with evidence, and findings (shared/formats/audit.md).

    One output line per conversation, in input order. Bad lines are reported and
    skipped; the exit status is then 1.
    """
    defaults = _defaults(timezone, country, business_day_end)
    lines = read_lines(file)
    with _progress() as progress:
        records, rejected = audit_records(lines, model, workers, progress, defaults)
    with output.open("w", encoding="utf-8") as sink:
        for record in records:
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
    _report_rejected(rejected)
    out.print(f"{len(records)} conversations audited into {output}, {len(rejected)} rejected.")
    if rejected:
        raise typer.Exit(1)


def eval_(
    gold: Annotated[Path, typer.Argument(help="Labelled conversations (with a gold object).")],
    model: ModelOption = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Processes to audit with.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    timezone: TimezoneOption = "UTC",
    country: CountryOption = None,
    business_day_end: BusinessDayEndOption = "17:00",
) -> None:
    """Audit a labelled file and score it by the rules of shared/eval/score.py."""
    defaults = _defaults(timezone, country, business_day_end)
    lines = read_lines(gold)
    gold_rows: dict[str, Any] = {}
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                report_error(f"not JSON: {error.msg}", label=f"{gold}:{number}")
                raise typer.Exit(2) from error
            if not isinstance(row, dict) or "id" not in row:
                report_error("a labelled conversation is an object with an id", f"{gold}:{number}")
                raise typer.Exit(2)
            gold_rows[str(row["id"])] = row
    with _progress() as progress:
        records, rejected = audit_records(lines, model, workers, progress, defaults)
    _report_rejected(rejected)
    result = score(gold_rows, {str(r["id"]): r for r in records})
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        _print_scores(result)


def _print_scores(result: dict[str, Any]) -> None:
    table = Table("label", "P", "R", "F1", "support")

    def row(name: str, m: dict[str, Any]) -> None:
        scores = (f"{m[key]:.3f}" for key in ("precision", "recall", "f1"))
        table.add_row(name, *scores, str(m["support"]))

    for label, m in result["labels"].items():
        if m["support"] or m["fp"]:
            row(label, m)
    for name, group in result["groups"].items():
        row(f"[{name}] micro", group["micro"])
    row("promise turns", result["promises"]["turns"])
    out.print(table)
    promises = result["promises"]
    out.print(
        f"due accuracy {promises['due_accuracy']} over {promises['due_checked']} matched promises"
    )


def _shipped_model_path() -> Path:
    return Path(str(resources.files("keepword.audit.models").joinpath(DEFAULT_MODEL)))


def train(
    data: Annotated[
        Path, typer.Option(help="Labelled training conversations (never the dev set).")
    ] = Path("data/train.jsonl"),
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Default: the model shipped in the package."),
    ] = None,
) -> None:
    """Rebuild the label model from labelled data; the same data always gives the same file."""
    try:
        from keepword.audit.training import train as fit
    except ImportError as error:  # scikit-learn is in the `train` extra only
        report_error("training needs scikit-learn: pip install 'keepword[train]'")
        raise typer.Exit(2) from error
    labelled = []
    rejected: list[RejectedLine] = []
    for _, parsed in parse_conversation_lines(read_lines(data)):
        if isinstance(parsed, RejectedLine):
            rejected.append(parsed)
            continue
        labelled.append((parsed.conversation, parsed.conversation.extra.get("gold", {})))
    if rejected:
        _report_rejected(rejected)
        raise typer.Exit(1)
    with _progress() as progress:
        task = progress.add_task("Training", total=len(MODEL_LABELS))
        model = fit(labelled, on_label=lambda _: progress.advance(task))
    target = output or _shipped_model_path()
    target.write_text(json.dumps(model.to_json(), sort_keys=True) + "\n", encoding="utf-8")
    reloaded = load_model(target)
    assert reloaded is not None
    out.print(
        f"Model {model.version}: {len(labelled)} conversations, "
        f"{len(model.weights)} features, written to {target}"
    )


def reaudit() -> None:
    """Audit again every stored conversation the current model has not audited yet.

    Run it after upgrading Keepword or training a new model; an interrupted run
    resumes where it stopped. Each conversation's earlier findings are replaced.
    """
    with keepword() as kw:
        auditor = kw.auditor
        with _progress() as progress:
            task = progress.add_task(f"Re-auditing with {auditor.model_version}", total=None)
            done = reaudit_outdated(
                kw.uow, auditor, clock.now(), on_batch=lambda n: progress.advance(task, n)
            )
    out.print(f"{done} conversations re-audited with model {auditor.model_version}.")
