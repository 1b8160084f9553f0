"""Check labelled conversation files: format, labels, speakers and promise fields.

    python scripts/check_labelled.py FILE.jsonl [FILE.jsonl ...]

Prints each problem with its file and line and exits 1 if there is any; else
prints the label counts. Uses the taxonomy of shared/design/taxonomy.md.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

from keepword.audit.labels import AGENT_BREAKING, AGENT_BUILDING, CUSTOMER_SIGNALS

AGENT = set(AGENT_BREAKING + AGENT_BUILDING)
CUSTOMER = set(CUSTOMER_SIGNALS)
KINDS = {"callback", "activation", "repair", "delivery", "refund", "update", "other"}


def check_line(row: dict, where: str, problems: list[str], counts: Counter[str]) -> None:
    turns = row.get("turns")
    if not isinstance(turns, list) or not turns:
        problems.append(f"{where}: no turns")
        return
    gold = row.get("gold")
    if not isinstance(gold, dict):
        problems.append(f"{where}: no gold object")
        return
    for key, labels in gold.get("turns", {}).items():
        if not key.isdigit() or int(key) >= len(turns):
            problems.append(f"{where}: gold.turns key {key!r} is not a turn index")
            continue
        speaker = turns[int(key)]["speaker"]
        allowed = AGENT if speaker == "agent" else CUSTOMER if speaker == "customer" else set()
        if not labels:
            problems.append(f"{where}: turn {key} has an empty label list; leave it out")
        for label in labels:
            if label not in allowed:
                problems.append(f"{where}: turn {key} ({speaker}) cannot carry {label!r}")
            counts[label] += 1
        if len(set(labels)) != len(labels):
            problems.append(f"{where}: turn {key} repeats a label")
    seen = set()
    for promise in gold.get("promises", []):
        turn = promise.get("turn")
        if not isinstance(turn, int) or not 0 <= turn < len(turns):
            problems.append(f"{where}: promise turn {turn!r} is not a turn index")
            continue
        if turns[turn]["speaker"] == "customer":
            problems.append(f"{where}: promise on customer turn {turn}")
        if promise.get("kind") not in KINDS:
            problems.append(f"{where}: promise kind {promise.get('kind')!r} unknown")
        if (turn, promise.get("kind")) in seen:
            problems.append(f"{where}: two promises of kind {promise.get('kind')} on turn {turn}")
        seen.add((turn, promise.get("kind")))
        due, granularity = promise.get("due"), promise.get("granularity")
        if due is None:
            if granularity is not None:
                problems.append(f"{where}: promise on turn {turn}: granularity without due")
        else:
            try:
                instant = datetime.fromisoformat(due)
            except (TypeError, ValueError):
                problems.append(f"{where}: promise on turn {turn}: due {due!r} is not ISO 8601")
                continue
            if instant.tzinfo is None:
                problems.append(f"{where}: promise on turn {turn}: due has no UTC offset")
            if granularity not in {"minute", "day"}:
                problems.append(f"{where}: promise on turn {turn}: granularity {granularity!r}")
            made = datetime.fromisoformat(turns[turn].get("at") or row["started_at"])
            if instant.tzinfo is not None and instant < made:
                problems.append(f"{where}: promise on turn {turn}: due before the turn")
        counts["(promises)"] += 1


def main(paths: list[str]) -> int:
    problems: list[str] = []
    counts: Counter[str] = Counter()
    ids: set[str] = set()
    turns = 0
    for path in paths:
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").split("\n"), 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(f"{where}: not JSON: {error}")
                continue
            if row.get("id") in ids:
                problems.append(f"{where}: id {row.get('id')!r} appears twice")
            ids.add(row.get("id"))
            turns += len(row.get("turns", []))
            check_line(row, where, problems, counts)
    for problem in problems:
        print(problem)
    print(f"{len(ids)} conversations, {turns} turns")
    for label, count in sorted(counts.items()):
        print(f"  {label:24} {count}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
