"""Two annotations of the same conversations and a third annotator's decisions, into gold.

    python scripts/adjudicate.py disputes CONVERSATIONS FIRST SECOND OUT
    python scripts/adjudicate.py apply CONVERSATIONS FIRST SECOND DECISIONS OUT
    python scripts/adjudicate.py agreement CONVERSATIONS FIRST SECOND

CONVERSATIONS is a conversation file (shared/formats/conversations.md; any `gold` in it
is ignored, and only the conversations the annotations cover are read, so data/dev.jsonl
will do). FIRST and SECOND are the two annotations of its conversations, labelled
files or gold-only lines (`{"id": ..., "gold": {...}}`). A turn is disputed when its
labels or its promises differ: `disputes` writes them, with each conversation, for the
third annotator. DECISIONS holds one line a disputed turn: `{"id", "turn", "labels",
"promises", "why"}`. `apply` keeps every agreed turn as both annotators had it, takes
every disputed turn from the decisions, and writes the conversations with the resulting
gold; it refuses a dispute left undecided or a decision nobody needed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from keepword.audit.labels import LABELS


def read(path: str) -> dict[str, dict[str, Any]]:
    rows = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                sys.exit(f"{path}:{number}: not JSON: {error}")
            rows[str(row["id"])] = row
    return rows


def _promises(gold: dict[str, Any], turn: int) -> list[dict[str, Any]]:
    found = [
        {"kind": p["kind"], "due": p.get("due"), "granularity": p.get("granularity")}
        for p in gold.get("promises", [])
        if int(p["turn"]) == turn
    ]
    return sorted(found, key=lambda p: (p["kind"], p["due"] or ""))


Rows = dict[str, dict[str, Any]]


def disputes(conversations: Rows, first: Rows, second: Rows) -> list[dict[str, Any]]:
    """Per conversation, the turns whose labels or promises the two annotations differ on."""
    for name, rows in (("first", first), ("second", second)):
        if set(rows) != set(conversations):
            sys.exit(f"the {name} annotation does not cover exactly the conversations given")
    found = []
    for cid, conversation in conversations.items():
        one, two = first[cid], second[cid]
        turns = []
        for turn in range(len(conversation["turns"])):
            a = sorted(one["gold"].get("turns", {}).get(str(turn), []))
            b = sorted(two["gold"].get("turns", {}).get(str(turn), []))
            pa, pb = _promises(one["gold"], turn), _promises(two["gold"], turn)
            if a != b or pa != pb:
                turns.append(
                    {
                        "turn": turn,
                        "annotator_1": {"labels": a, "promises": pa},
                        "annotator_2": {"labels": b, "promises": pb},
                    }
                )
        if turns:
            shown = {k: v for k, v in conversation.items() if k not in ("gold", "source")}
            found.append({"id": cid, "conversation": shown, "disputed_turns": turns})
    return found


def apply(
    conversations: Rows,
    first: Rows,
    second: Rows,
    decisions: dict[tuple[str, int], dict[str, Any]],
) -> list[dict[str, Any]]:
    """The conversations with the agreed labels and, where the annotators differed, the
    decisions."""
    open_disputes = {
        (d["id"], t["turn"])
        for d in disputes(conversations, first, second)
        for t in d["disputed_turns"]
    }
    missing = open_disputes - set(decisions)
    if missing:
        sys.exit(f"{len(missing)} disputed turns have no decision, e.g. {sorted(missing)[:3]}")
    stray = set(decisions) - open_disputes
    if stray:
        sys.exit(f"{len(stray)} decisions are for turns nobody disputed, e.g. {sorted(stray)[:3]}")
    rows = []
    for cid, conversation in conversations.items():
        one = first[cid]
        turns: dict[str, list[str]] = {}
        promises: list[dict[str, Any]] = []
        for turn in range(len(conversation["turns"])):
            decided = decisions.get((cid, turn))
            if decided is None:
                labels = sorted(one["gold"].get("turns", {}).get(str(turn), []))
                found = _promises(one["gold"], turn)
            else:
                labels = sorted(set(decided["labels"]))
                found = decided["promises"]
                unknown = set(labels) - set(LABELS)
                if unknown:
                    sys.exit(f"{cid} turn {turn}: unknown labels {sorted(unknown)}")
            if labels:
                turns[str(turn)] = labels
            promises += [{"turn": turn, **p} for p in found]
        row = dict(conversation)
        row["gold"] = {"turns": turns, "promises": promises}
        rows.append(row)
    return rows


def agreement(conversations: Rows, first: Rows, second: Rows) -> None:
    """Print, per label, the turns both, only the first and only the second annotator gave
    it, with positive specific agreement 2a / (2a + b + c)."""
    both = {label: [0, 0, 0] for label in LABELS}
    for cid, conversation in conversations.items():
        one, two = first[cid], second[cid]
        for turn in range(len(conversation["turns"])):
            a = set(one["gold"].get("turns", {}).get(str(turn), []))
            b = set(two["gold"].get("turns", {}).get(str(turn), []))
            for label in a | b:
                both[label][0 if label in a and label in b else 1 if label in a else 2] += 1
    print(f"{'label':24} {'both':>5} {'first':>6} {'second':>7} {'agreement':>10}")
    for label, (a, b, c) in both.items():
        if a + b + c:
            print(f"{label:24} {a:5} {b:6} {c:7} {2 * a / (2 * a + b + c):10.2f}")
    a, b, c = (sum(v[i] for v in both.values()) for i in range(3))
    print(f"{'all labels':24} {a:5} {b:6} {c:7} {2 * a / (2 * a + b + c):10.2f}")


def _write(rows: list[dict[str, Any]], path: str) -> None:
    with open(path, "w", encoding="utf-8") as sink:
        for row in rows:
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    needed = {"agreement": 5, "disputes": 6, "apply": 7}
    if len(sys.argv) < 2 or len(sys.argv) != needed.get(sys.argv[1]):
        sys.exit(__doc__)
    command = sys.argv[1]
    every, first, second = (read(path) for path in sys.argv[2:5])
    # The conversations file may hold more (data/dev.jsonl): take those annotated.
    conversations = {cid: row for cid, row in every.items() if cid in first}
    if command == "agreement":
        agreement(conversations, first, second)
    elif command == "disputes":
        _write(disputes(conversations, first, second), sys.argv[5])
    else:
        decided = {(str(row["id"]), int(row["turn"])): row for row in _lines(sys.argv[5])}
        _write(apply(conversations, first, second, decided), sys.argv[6])


def _lines(path: str) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for line in Path(path).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


if __name__ == "__main__":
    main()
