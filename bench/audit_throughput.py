"""Turns per second of the full default audit, beside VADER alone on the same turns.

    python bench/audit_throughput.py [--gold data/dev.jsonl] [--turns 200000] [--workers 2]

The dev set is repeated until it holds at least --turns turns. The audit runs
once in this process and once over a pool of --workers processes; VADER
(vaderSentiment's polarity_scores on every turn) runs once in this process as
the reference cost, taking turns with the single-process audit a chunk of 500
conversations at a time, so that the machine's slow spells fall on both alike.
Peak memory is the resident set size reported by the OS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from pathlib import Path

from keepword.adapters.helpdesk.records import parse_conversation_lines, split_lines
from keepword.audit.auditor import default_auditor
from keepword.compiled import build
from keepword.domain.conversations import Conversation
from keepword.services.conversations import RejectedLine

CHUNK = 500


def conversations(gold: Path, min_turns: int) -> list[Conversation]:
    base = [
        parsed.conversation
        for _, parsed in parse_conversation_lines(split_lines(gold.read_text(encoding="utf-8")))
        if not isinstance(parsed, RejectedLine)
    ]
    per_copy = sum(len(c.turns) for c in base)
    copies = -(-min_turns // per_copy)
    return base * copies


def chunks(items: list[Conversation]) -> Iterator[list[Conversation]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def _audit_chunk(chunk: list[Conversation]) -> int:
    results = default_auditor().audit_many(chunk)
    return sum(len(r.labels) for r in results)


def peak_mib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=Path("data/dev.jsonl"))
    parser.add_argument("--turns", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not args.gold.exists():
        sys.exit(f"{args.gold}: no such file; run from the repository root")

    items = conversations(args.gold, args.turns)
    turns = sum(len(c.turns) for c in items)
    auditor = default_auditor()
    auditor.audit_many(items[:50])  # load the model and compile the patterns first
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyser = SentimentIntensityAnalyzer()
    memory_before = peak_mib()

    # The audit and VADER take turns, a chunk each, so that a slow spell of a shared
    # machine falls on both alike and their ratio holds (one after the other, the ratio
    # moved from 2.3x to 2.7x between two runs of the same code).
    clock = time.perf_counter
    audit_seconds = vader_seconds = 0.0
    for chunk in chunks(items):
        started = clock()
        auditor.audit_many(chunk)
        audit_seconds += clock() - started
        texts = [t.text for c in chunk for t in c.turns]
        started = clock()
        for text in texts:
            analyser.polarity_scores(text)
        vader_seconds += clock() - started
    single, vader = turns / audit_seconds, turns / vader_seconds
    memory_single = peak_mib()

    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        for _ in pool.map(_audit_chunk, chunks(items)):
            pass
    pooled = turns / (time.perf_counter() - started)
    memory_workers = peak_mib(resource.RUSAGE_CHILDREN)

    cores = os.cpu_count() or 1
    print(
        f"{turns:,} turns ({len(items):,} conversations: {args.gold} repeated), "
        f"model {auditor.model_version}, {cores} cores; the audit {build()}\n"
    )
    print(f"{'run':<34}{'turns/s':>12}{'turns/s per core':>18}{'peak MiB':>10}")
    print(f"{'audit, 1 process':<34}{single:>12,.0f}{single:>18,.0f}{memory_single:>10,.0f}")
    label = f"audit, {args.workers} worker processes"
    per_core = pooled / min(args.workers, cores)
    print(f"{label:<34}{pooled:>12,.0f}{per_core:>18,.0f}{memory_workers:>10,.0f}")
    print(f"{'VADER alone, 1 process':<34}{vader:>12,.0f}{vader:>18,.0f}{'':>10}")
    print(
        f"\naudit cost / VADER cost: {vader / single:.2f}x "
        f"(memory before the timed runs: {memory_before:,.0f} MiB)"
    )
    json.dump(
        {
            "turns": turns,
            "single": single,
            "pooled": pooled,
            "vader": vader,
            "peak_mib": memory_single,
            "workers_peak_mib": memory_workers,
        },
        sys.stderr,
    )
    print(file=sys.stderr)


if __name__ == "__main__":
    main()
