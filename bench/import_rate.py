"""Conversations imported per second, on SQLite and PostgreSQL, through `keepword import`'s code.

Each conversation is parsed, stored and audited (labels, findings and trust
events written in the same transaction), as `keepword import` does.

    python bench/import_rate.py [--rounds N] [--pg URL]

Each round imports the 61 demo conversations under new ids (so every round
creates), into a fresh database that already holds the demo customers, cases
and agents; then the same lines are imported again (every line updates). The
PostgreSQL run needs a server: --pg, else KEEPWORD_TEST_PG_URL, else the local
default; it is skipped with a note when none answers.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import tempfile
import time
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from keepword.adapters.db.engine import make_engine
from keepword.adapters.db.migrate import upgrade
from keepword.adapters.helpdesk.records import parse_conversation_lines
from keepword.bootstrap import bootstrap
from keepword.demo.loader import load_demo
from keepword.services.conversations import import_conversations
from keepword.settings import Settings

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def demo_lines(rounds: int) -> list[str]:
    text = resources.files("keepword.demo").joinpath("conversations.jsonl").read_text("utf-8")
    originals = [json.loads(line) for line in text.splitlines() if line.strip()]
    lines = []
    for round_ in range(rounds):
        for record in originals:
            lines.append(json.dumps({**record, "id": f"{record['id']}-r{round_}"}))
    return lines


def measure(url: str, lines: list[str]) -> tuple[float, float]:
    """Conversations per second when creating, and when re-importing (updating)."""
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    kw = bootstrap(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
    load_demo(kw.uow, kw.hasher, NOW)
    rates = []
    for _ in range(2):
        started = time.perf_counter()
        report = import_conversations(
            kw.uow, parse_conversation_lines(lines), NOW, auditor=kw.auditor
        )
        elapsed = time.perf_counter() - started
        assert not report.rejected, report.rejected[:3]
        rates.append(len(lines) / elapsed)
    kw.close()
    return rates[0], rates[1]


def postgres_database(server_url: str) -> tuple[str, str] | None:
    import psycopg
    from psycopg import sql

    try:
        with psycopg.connect(server_url, autocommit=True, connect_timeout=3) as connection:
            name = f"keepword_bench_{secrets.token_hex(3)}"
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError:
        return None
    base = server_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return name, f"{base}/{name}"


def drop(server_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--pg", default=os.environ.get("KEEPWORD_TEST_PG_URL") or DEFAULT_PG)
    args = parser.parse_args()
    lines = demo_lines(args.rounds)
    print(f"{len(lines)} conversations ({args.rounds} rounds of the demo's 61), one process\n")
    print(f"{'database':<12}{'create conv/s':>16}{'re-import conv/s':>20}")
    with tempfile.TemporaryDirectory() as tmp:
        created, updated = measure(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", lines)
        print(f"{'SQLite':<12}{created:>16,.0f}{updated:>20,.0f}")
    database = postgres_database(args.pg)
    if database is None:
        print(f"{'PostgreSQL':<12}  skipped: no server answers at {args.pg}")
        return
    name, url = database
    try:
        created, updated = measure(url, lines)
        print(f"{'PostgreSQL':<12}{created:>16,.0f}{updated:>20,.0f}")
    finally:
        drop(args.pg, name)


if __name__ == "__main__":
    main()
