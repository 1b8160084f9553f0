"""The trust index: how fast it is rebuilt, what it adds to an event's write, how fast it reads.

    python bench/trust_index.py [--customers 100000] [--events 100] [--scalar-customers 10000]
        [--db-customers 2000] [--write-customers 1000] [--writes 2000] [--reads 3000]

Rebuild. --customers customers with --events trust events each are generated, a chunk
at a time: a year of conversations of a few events each (kinds drawn from
DEFAULT_WEIGHTS, a share for each effect; the details the audit and the promise ledger
write; the events of one turn at one instant; some labels retracted by a later audit),
appended in the order imports append them. Each chunk is made the columns
`rebuild_trust` reads from the database (`TrustRepository.event_columns`: each
customer's events in fold order, as the database sorts them, with the order appended;
not timed, as reading them is not) and folded by `services.trust_rebuild.fold_columns`, the fold of
`rebuild_trust` (columns in, TrustStates out; it pauses the cyclic garbage collector
while it runs). The same chunk is folded by `fold_many` too (TrustEvents in, in the
order appended), whose states must be the same. Its numpy steps alone, and the anchor,
`domain.trust.fold` one customer after another (the collector on, as `rebuild_trust`
ran it before), are timed on the first --scalar-customers, whose states must be the
batch's. Only the folds are timed, in this one process: events/s is per core. Then
`rebuild_trust` end to end (read every event and stored state, fold, compare, write
every state) on SQLite, on a smaller slice: the first --db-customers.

Write. --writes events, each after its customer's latest, for random customers among
--write-customers with --events events of history: `services.events.record_trust_event`
(which folds the event into the stored index) against the same transaction without the
index (the customer checked, the event appended with `uow.trust_events.append`,
committed), alternately, on two copies of one SQLite database. The added time is the
difference of the means, and of the 99th percentiles.

Read. The app served by uvicorn in a process of its own (as `keepword serve` serves
it), on a free local port, over the rebuilt database: GET
/api/v1/customers/{id}/trust with an agent's token for
--reads random customers, one after another on one connection; the anchor is GET
/api/v1/customers/{id} of the same customer, right after (the same token and route
machinery, without the index).

Before each database part, what the benchmark itself holds is left out of the
collector's walks (gc.freeze). Memory is the peak resident set size the OS reports.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sqlalchemy import insert, select

from keepword.adapters.db.engine import make_engine
from keepword.adapters.db.migrate import upgrade
from keepword.adapters.db.models import CustomerRow, CustomerTrustRow, TrustEventRow
from keepword.adapters.db.trust import state_to_json
from keepword.bootstrap import Keepword, bootstrap
from keepword.domain.access import Role
from keepword.domain.errors import Conflict
from keepword.domain.events import TrustEvent
from keepword.domain.trust import (
    DEFAULT_WEIGHTS,
    RETRACTED,
    Effect,
    TrustModel,
    fold,
    order_of,
    read,
)
from keepword.services.access import create_token
from keepword.services.events import record_trust_event
from keepword.services.ports import UnitOfWork
from keepword.services.trust import rebuild_trust
from keepword.services.trust_rebuild import (
    ALONE_AFTER,
    BATCH,
    EventColumns,
    _steps_of,
    _together,
    columns_of,
    fold_columns,
    fold_many,
)
from keepword.settings import Settings

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
YEAR = 365 * 86_400.0
CHUNK = BATCH  # customers generated and folded at a time, as rebuild_trust folds them

# Of every 100 events: what each effect's share is (customers with 100 events a year have
# many conversations; most of what they hear is routine).
SHARES = {Effect.NEUTRAL: 33, Effect.POSITIVE: 55, Effect.SIGNAL: 8, Effect.BREACH: 4}
EFFECT_SLOTS = [effect for effect, share in SHARES.items() for _ in range(share)]
BY_EFFECT = {e: [k for k, w in DEFAULT_WEIGHTS.items() if w.effect is e] for e in Effect}
FINDINGS = {"cancellation_obstructed", "fault_dismissed", "customer_chased", "left_unowned"}
OUTCOMES = ["promise_kept", "promise_broken", "promise_renegotiated", "promise_at_risk"]
TEAMS = ["billing", "support", "field-service", "retention"]
PROMISE_KINDS = ["callback", "activation", "repair", "delivery", "refund"]
EVIDENCE = {
    "owns": "I'll take care of this myself and call you back",
    "apologizes": "I'm really sorry about the wait",
    "empathizes": "I understand how frustrating this must be",
    "rude": "that's not something I can help you with, obviously",
    "deflects": "you'll need to call the billing department for that",
    "frustrated": "this is the third time I'm calling about this",
    "threatens_churn": "I'm going to switch providers if this isn't fixed",
}
RETRACTED_SHARE = 0.005  # of turn labels, withdrawn by a later audit


def _event(**fields: Any) -> TrustEvent:
    """A TrustEvent without its checks: the generator makes valid ones (and `generate`
    checks the first customer of each chunk with the real constructor)."""
    event = object.__new__(TrustEvent)
    event.__dict__.update(fields)
    return event


def customer_events(seed: int, number: int, count: int) -> list[TrustEvent]:
    """The `count` events of customer `number`, in the order an import appends them."""
    rng = random.Random(seed * 1_000_003 + number)
    draw = rng.random  # the fastest draw there is; the generator is a third of the run
    customer = f"cust-{number:06d}"
    start = NOW.timestamp() - YEAR
    instants: dict[float, datetime] = {}

    def instant(at: float) -> datetime:
        found = instants.get(at)
        if found is None:
            found = instants[at] = datetime.fromtimestamp(at, UTC)
        return found

    rows: list[tuple[float, float, str, str, str, dict[str, Any]]] = []
    promises: list[tuple[str, float, str, str]] = []
    begins = sorted(round(start + draw() * YEAR) for _ in range(count // 3 + 8))
    for conversation, begun in enumerate(begins):
        if len(rows) >= count + count // 10:
            break
        name = f"{customer}-conv-{conversation}"
        turns = 4 + int(draw() * 11)
        ended = begun + 90 * (turns - 1)
        recorded = ended + 60 * (5 + int(draw() * 115))  # imported after it ended
        agent, team = f"agent-{int(draw() * 60):02d}", TEAMS[int(draw() * len(TEAMS))]
        for _ in range(1 + int(draw() * 7)):
            kinds = BY_EFFECT[EFFECT_SLOTS[int(draw() * len(EFFECT_SLOTS))]]
            kind = kinds[int(draw() * len(kinds))]
            turn = int(draw() * turns)
            at = begun + 90 * turn
            if kind in OUTCOMES and promises:  # shown in this conversation: kept, broken...
                promise, made, text, due = promises[int(draw() * len(promises))]
                when = max(made + 3_600.0, at)
                details: dict[str, Any] = {
                    "promise": promise,
                    "text": text,
                    "due": due,
                    "owner": {"team": team},
                }
                rows.append((when, max(when, recorded), kind, "promise", promise, details))
            elif kind.startswith("promise_"):  # promise_made, or an outcome with no promise yet
                promise = f"{name}-p{turn}"
                text = "we'll have the line activated within 3 days"
                due = instant(at + 3 * 86_400.0).isoformat()
                promises.append((promise, at, text, due))
                details = {
                    "promise": promise,
                    "kind": PROMISE_KINDS[int(draw() * len(PROMISE_KINDS))],
                    "text": text,
                    "due": due,
                    "made_by": {"agent_id": agent, "team": team},
                    "owner": {"agent_id": agent, "team": team},
                }
                rows.append((at, recorded, "promise_made", "promise", promise, details))
            elif kind in FINDINGS:
                details = {
                    "conversation": name,
                    "turns": sorted({turn, turns - 1}),
                }
                rows.append((ended, recorded, kind, "finding", f"{name}:{kind}", details))
            else:
                source = f"{name}:{turn}:{kind}"
                details = {
                    "conversation": name,
                    "turn": turn,
                    "score": round(0.5 + draw() / 2, 4),
                    "evidence": EVIDENCE.get(kind, kind.replace("_", " ")),
                    "agent": agent,
                    "team": team,
                }
                rows.append((at, recorded, kind, "turn_label", source, details))
                if draw() < RETRACTED_SHARE:
                    again = recorded + 86_400.0 * (1 + int(draw() * 30))
                    withdrawn = {"retracts": kind, "model": "bench-2"}
                    rows.append((at, again, RETRACTED, "turn_label", source, withdrawn))
    # Appended as they were recorded; each audit's events in fold order.
    rows.sort(key=lambda r: (r[1], r[0], r[3], r[4], r[2]))
    return [
        _event(
            customer_id=customer,
            occurred_at=instant(occurred),
            kind=kind,
            source_type=source_type,
            source_id=source_id,
            details=details,
            recorded_at=instant(recorded),
        )
        for occurred, recorded, kind, source_type, source_id, details in rows[:count]
    ]


def generate(seed: int, first: int, count: int, events: int) -> list[list[TrustEvent]]:
    """Customers `first` to `first + count`: the same events for the same seed, always."""
    # The generator makes no reference cycles: the collector would only slow it down.
    gc.disable()
    try:
        customers = [customer_events(seed, n, events) for n in range(first, first + count)]
    finally:
        gc.enable()
    for event in customers[0]:
        TrustEvent(**event.__dict__)  # the checks the generator skipped
    return customers


def note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def quiet_heap() -> None:
    """Collect, then leave what is alive out of later collections: the timed code should not
    pay for walking the objects of the benchmark's own earlier parts."""
    gc.collect()
    gc.freeze()


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


@dataclass
class Rebuild:
    events: int = 0
    columns_s: float = 0.0
    batch_s: float = 0.0
    steps_s: float = 0.0
    steps_events: int = 0
    scalar_events: int = 0
    scalar_s: float = 0.0
    scalar_equal: bool = True
    peak_mib: float = 0.0


def as_the_database_gives(customers: Sequence[Sequence[TrustEvent]]) -> EventColumns:
    """The customers' events as `TrustRepository.event_columns` gives them: each customer's
    in fold order (the database sorts them), with the order appended."""
    ordered, appended, offset = [], [], 0
    for events in customers:
        order = sorted(range(len(events)), key=lambda i: order_of(events[i]))
        ordered.append([events[i] for i in order])
        appended.append(np.array(order, np.int64) + offset)
        offset += len(events)
    columns = columns_of(ordered)
    return replace(columns, appended=np.concatenate(appended), in_fold_order=True)


def rebuild_in_memory(args: argparse.Namespace, model: TrustModel) -> Rebuild:
    found = Rebuild()
    for first in range(0, args.customers, CHUNK):
        customers = generate(args.seed, first, min(CHUNK, args.customers - first), args.events)
        found.events += sum(map(len, customers))
        columns = as_the_database_gives(customers)
        started = time.perf_counter()
        states = fold_columns(columns, model)
        found.columns_s += time.perf_counter() - started
        started = time.perf_counter()
        found.scalar_equal &= fold_many(customers, model) == states
        found.batch_s += time.perf_counter() - started
        if first < args.scalar_customers:
            found.steps_s += numpy_steps(columns, model)
            found.steps_events += sum(map(len, customers))
            alone = customers[: args.scalar_customers - first]
            started = time.perf_counter()
            scalar = [fold(events, model) for events in alone]
            found.scalar_s += time.perf_counter() - started
            found.scalar_events += sum(map(len, alone))
            found.scalar_equal &= scalar == states[: len(alone)]
        del customers, columns, states
    found.peak_mib = peak_mib()
    return found


def numpy_steps(columns: EventColumns, model: TrustModel) -> float:
    """Seconds the numpy steps of the fold take alone (a look inside trust_rebuild: the
    events put in fold order and the states built are left out)."""
    _, steps = _steps_of(columns, model, _together(columns.lengths, ALONE_AFTER))
    was_enabled = gc.isenabled()
    gc.disable()
    started = time.perf_counter()
    steps.run()
    elapsed = time.perf_counter() - started
    if was_enabled:
        gc.enable()
    return elapsed


def database(directory: Path, name: str) -> tuple[str, Keepword]:
    url = f"sqlite:///{directory / name}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(
        database_url=url,
        data_dir=directory / "var",
        secret_key=secrets.token_urlsafe(32),
        _env_file=None,
    )
    return url, bootstrap(settings)


def fill(kw: Keepword, customers: list[list[TrustEvent]], model: TrustModel) -> float:
    """Store customers, their events and their folded states, in bulk (not timed); the
    mean size of a stored state, in bytes of JSON."""
    names = [events[0].customer_id for events in customers]
    with kw.engine.begin() as connection:
        connection.execute(
            insert(CustomerRow),
            [{"external_id": n, "created_at": NOW, "updated_at": NOW} for n in names],
        )
        ids = dict(connection.execute(select(CustomerRow.external_id, CustomerRow.id)).all())
        for events in customers:
            connection.execute(
                insert(TrustEventRow),
                [
                    {
                        "customer_id": ids[e.customer_id],
                        "occurred_at": e.occurred_at,
                        "kind": e.kind,
                        "source_type": e.source_type,
                        "source_id": e.source_id,
                        "details": e.details,
                        "recorded_at": e.recorded_at,
                    }
                    for e in events
                ],
            )
        rows = []
        for name, state in zip(names, fold_many(customers, model), strict=True):
            # The state as it is stored; its size is what each event's write rewrites.
            stored = state_to_json(state)
            reading = read(state, state.as_of or NOW, model, top=0)
            rows.append(
                {
                    "customer_id": ids[name],
                    "index_value": reading.index,
                    "at_risk": reading.at_risk,
                    "as_of": state.as_of,
                    "state": stored,
                    "updated_at": NOW,
                }
            )
        connection.execute(insert(CustomerTrustRow), rows)
    return statistics.fmean(len(json.dumps(row["state"])) for row in rows)


@dataclass
class EndToEnd:
    customers: int
    events: int
    seconds: float
    changed: int
    peak_mib: float
    state_bytes: float


def rebuild_on_sqlite(kw: Keepword, args: argparse.Namespace, model: TrustModel) -> EndToEnd:
    sizes = []
    for first in range(0, args.db_customers, CHUNK):
        count = min(CHUNK, args.db_customers - first)
        sizes.append(fill(kw, generate(args.seed, first, count, args.events), model))
    quiet_heap()
    started = time.perf_counter()
    report = rebuild_trust(kw.uow, NOW)
    seconds = time.perf_counter() - started
    return EndToEnd(
        report.customers,
        report.events,
        seconds,
        report.changed,
        peak_mib(),
        statistics.fmean(sizes),
    )


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Writes:
    plain: list[float]
    indexed: list[float]


def plain_append(uow: UnitOfWork, event: TrustEvent, now: datetime) -> None:
    """record_trust_event without the index: the same checks, the same append."""
    with uow:
        if uow.customers.get(event.customer_id) is None:
            raise Conflict(f"customer '{event.customer_id}' does not exist", field="customer_id")
        uow.trust_events.append(replace(event, recorded_at=now))
        uow.commit()


def write_cost(directory: Path, args: argparse.Namespace, model: TrustModel) -> Writes:
    _, kw = database(directory, "writes.sqlite3")
    history = generate(args.seed + 1, 0, args.write_customers, args.events)
    fill(kw, history, model)
    kw.close()
    shutil.copyfile(directory / "writes.sqlite3", directory / "writes-plain.sqlite3")
    _, plain = database(directory, "writes-plain.sqlite3")
    _, indexed = database(directory, "writes.sqlite3")
    rng = random.Random(args.seed)
    latest = {events[0].customer_id: events[-1].occurred_at for events in history}
    del history
    quiet_heap()
    kinds = [k for k in DEFAULT_WEIGHTS if not k.startswith("promise_")]
    found = Writes([], [])
    for number in range(args.writes):
        customer = rng.choice(list(latest))
        at = max(latest[customer], NOW) + timedelta(minutes=number + 1)
        latest[customer] = at
        kind = rng.choice(kinds)
        event = TrustEvent(
            customer,
            at,
            kind,
            "turn_label",
            f"{customer}-bench-{number}:3:{kind}",
            {
                "conversation": f"{customer}-bench-{number}",
                "turn": 3,
                "score": 0.91,
                "evidence": EVIDENCE.get(kind, kind),
                "agent": "agent-07",
                "team": "support",
            },
        )
        now = at + timedelta(minutes=1)
        started = time.perf_counter()
        plain_append(plain.uow(), event, now)
        found.plain.append(time.perf_counter() - started)
        started = time.perf_counter()
        record_trust_event(indexed.uow(), event, now)
        found.indexed.append(time.perf_counter() - started)
    plain.close()
    indexed.close()
    return found


# What `keepword serve` runs, less the CLI (which loads every command) and the clock.
SERVE = """
import sys, uvicorn
from keepword.settings import Settings
from keepword.web.app import create_app
uvicorn.run(create_app(Settings()), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def served(kw: Keepword) -> Iterator[str]:
    """The app over the benchmark's database, served by uvicorn in a process of its own as
    `keepword serve` serves it (without the clock beside it): the client's time is not the
    server's, nor its GIL. On a free local port, for the length of the block; it is waited
    for until it answers."""
    settings = kw.settings
    assert settings.database_url is not None
    assert settings.secret_key is not None
    port = _free_port()
    env = {
        **os.environ,
        "KEEPWORD_DATABASE_URL": settings.database_url,
        "KEEPWORD_DATA_DIR": str(settings.data_dir),
        "KEEPWORD_SECRET_KEY": settings.secret_key.get_secret_value(),
        "KEEPWORD_SERVE_RUNS_WORKER": "false",
    }
    command = [sys.executable, "-c", SERVE, str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("keepword serve did not start")
            try:
                httpx.get(f"{base}/api/v1/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def read_latency(kw: Keepword, args: argparse.Namespace) -> tuple[list[float], list[float]]:
    """Seconds of each GET of a customer's trust, and of the customer alone (the anchor:
    the same token, route machinery and customer lookup, without the index), alternately."""
    token = create_token(kw.uow(), "bench-agent", Role.AGENT, NOW).secret
    quiet_heap()
    rng = random.Random(args.seed)
    names = [f"cust-{rng.randrange(args.db_customers):06d}" for _ in range(args.reads)]
    trust: list[float] = []
    alone: list[float] = []
    with (
        served(kw) as base,
        httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30
        ) as client,
    ):
        for name in names[:20]:  # warm up: the connection, the first queries
            client.get(f"/api/v1/customers/{name}/trust").raise_for_status()
        for name in names:
            for path, seconds in (
                (f"/customers/{name}/trust", trust),
                (f"/customers/{name}", alone),
            ):
                started = time.perf_counter()
                response = client.get(f"/api/v1{path}")
                seconds.append(time.perf_counter() - started)
                response.raise_for_status()
    return trust, alone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=100, help="events per customer")
    parser.add_argument("--scalar-customers", type=int, default=10_000)
    parser.add_argument("--db-customers", type=int, default=2_000)
    parser.add_argument("--write-customers", type=int, default=1_000)
    parser.add_argument("--writes", type=int, default=2_000)
    parser.add_argument("--reads", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.scalar_customers = min(args.scalar_customers, args.customers)
    args.db_customers = min(args.db_customers, args.customers)
    model = TrustModel()
    cores = os.cpu_count() or 1
    print(
        f"{args.customers:,} customers x {args.events} events, one process, {cores} cores\n",
        flush=True,
    )

    note(f"folding {args.customers:,} customers...")
    memory = rebuild_in_memory(args, model)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        _, kw = database(directory, "rebuild.sqlite3")
        note(f"rebuild_trust on SQLite, {args.db_customers:,} customers...")
        end_to_end = rebuild_on_sqlite(kw, args, model)
        note(f"{args.reads:,} reads...")
        reads, customer_reads = read_latency(kw, args)
        kw.close()
        note(f"{args.writes:,} writes, twice...")
        writes = write_cost(directory, args, model)

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.2f}"

    def rate(events: int, seconds: float) -> str:
        return f"{events / seconds:,.0f}" if seconds else "not run"

    def spread(seconds: list[float]) -> str:
        return f"{ms(percentile(seconds, 0.5))} / {ms(percentile(seconds, 0.99))}"

    columns = memory.events / memory.columns_s
    batch = memory.events / memory.batch_s
    on_sqlite = end_to_end.events / end_to_end.seconds
    added_mean = statistics.fmean(writes.indexed) - statistics.fmean(writes.plain)
    added_p99 = percentile(writes.indexed, 0.99) - percentile(writes.plain, 0.99)
    read_p99 = percentile(reads, 0.99)
    rows: list[tuple[str, str, str, bool | None]] = [
        (
            "rebuild: fold_columns, events/s per core",
            ">= 1,000,000",
            f"{columns:,.0f}",
            columns >= 1e6,
        ),
        ("  fold_many (TrustEvents in)", "", f"{batch:,.0f}", None),
        (
            f"  its numpy steps alone ({memory.steps_events:,} events)",
            "",
            rate(memory.steps_events, memory.steps_s),
            None,
        ),
        (
            f"  anchor: domain.trust.fold ({memory.scalar_events:,} events)",
            "",
            rate(memory.scalar_events, memory.scalar_s),
            None,
        ),
        (
            f"rebuild_trust on SQLite ({end_to_end.events:,} events)",
            ">= 1,000,000",
            f"{on_sqlite:,.0f}",
            on_sqlite >= 1e6,
        ),
        ("write: added per event, mean, ms", "< 1", ms(added_mean), added_mean < 0.001),
        ("write: added per event, p99, ms", "< 1", ms(added_p99), added_p99 < 0.001),
        ("  record_trust_event, p50 / p99, ms", "", spread(writes.indexed), None),
        ("  anchor: the append alone, p50 / p99, ms", "", spread(writes.plain), None),
        ("read: GET .../trust, p50, ms", "", ms(percentile(reads, 0.5)), None),
        ("read: GET .../trust, p99, ms", "< 5", ms(read_p99), read_p99 < 0.005),
        ("  anchor: GET the customer, p50 / p99, ms", "", spread(customer_reads), None),
    ]
    print(f"{'':<48}{'goal':>14}{'measured':>16}  met")
    for label, goal, measured, met in rows:
        verdict = "" if met is None else ("yes" if met else "no")
        print(f"{label:<48}{goal:>14}{measured:>16}  {verdict}")
    print(
        f"\nfold: {memory.events:,} events, {args.events} a customer; the states equal "
        f"domain.trust.fold's for the first {args.scalar_customers:,} customers: "
        f"{'yes' if memory.scalar_equal else 'NO'}. Peak {memory.peak_mib:,.0f} MiB "
        f"({CHUNK:,} customers' events alive at a time)."
    )
    print(
        f"rebuild_trust: {end_to_end.customers:,} customers in {end_to_end.seconds:.1f} s, "
        f"{end_to_end.changed} stored indices differed. Peak so far {end_to_end.peak_mib:,.0f} MiB."
    )
    print(
        f"writes: {args.writes:,} for customers among {args.write_customers:,} with "
        f"{args.events} events each, whose stored state is {end_to_end.state_bytes:,.0f} bytes "
        f"of JSON on average; reads: {len(reads):,} of {args.db_customers:,} customers."
    )
    if not memory.scalar_equal or end_to_end.changed:
        sys.exit("the batch fold and domain.trust.fold disagree")


if __name__ == "__main__":
    main()
