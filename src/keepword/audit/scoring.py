"""Scores an audit against labelled conversations by the rules of shared/eval/score.py.

Users have no ../shared, so the rules live here too; a test checks that both
give the same figures. Turn labels are counted per (conversation, turn,
label); promises per turn that holds at least one; a due is right when both
are null, within 60 seconds for `minute`, or on the same calendar date in the
gold due's UTC offset for `day`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Final

from keepword.audit.labels import AGENT_BREAKING, AGENT_BUILDING, CUSTOMER_SIGNALS, LABELS

GROUPS: Final = {
    "agent_breaking": AGENT_BREAKING,
    "agent_building": AGENT_BUILDING,
    "customer": CUSTOMER_SIGNALS,
    "all": LABELS,
}


def prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    """Precision, recall and F1 (rounded to 4 places) with the counts behind them."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "support": tp + fn,
    }


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def due_is_right(gold: Mapping[str, Any], found: Mapping[str, Any]) -> bool:
    """Whether a found promise's due matches the gold one under the scorer's rule."""
    g, p = _instant(gold.get("due")), _instant(found.get("due"))
    if g is None or p is None:
        return g is None and p is None
    if p.tzinfo is None:
        return False
    if gold.get("granularity") == "day":
        return p.astimezone(g.tzinfo).date() == g.date()
    return abs(p - g) <= timedelta(seconds=60)


def score(
    gold_rows: Mapping[str, Mapping[str, Any]], audit_rows: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """Scores of `audit_rows` against `gold_rows`, both keyed by conversation id.

    A gold conversation missing from the audit counts as nothing found.
    """
    counts = {label: [0, 0, 0] for label in LABELS}
    promise_turns = [0, 0, 0]
    due_hits = due_total = 0
    for conversation_id, row in gold_rows.items():
        gold = row.get("gold", {})
        found = audit_rows.get(conversation_id, {})
        gold_turns = {str(k): set(v) for k, v in gold.get("turns", {}).items()}
        found_turns = {str(k): {x["label"] for x in v} for k, v in found.get("turns", {}).items()}
        for turn in set(gold_turns) | set(found_turns):
            g, p = gold_turns.get(turn, set()), found_turns.get(turn, set())
            for label in LABELS:
                counts[label][0] += label in g and label in p
                counts[label][1] += label in p and label not in g
                counts[label][2] += label in g and label not in p
        gold_by_turn: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
        found_by_turn: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
        for promise in gold.get("promises", []):
            gold_by_turn[int(promise["turn"])].append(promise)
        for promise in found.get("promises", []):
            found_by_turn[int(promise["turn"])].append(promise)
        for promise_turn in set(gold_by_turn) | set(found_by_turn):
            g_list = gold_by_turn.get(promise_turn, [])
            p_list = found_by_turn.get(promise_turn, [])
            promise_turns[0] += bool(g_list and p_list)
            promise_turns[1] += bool(p_list and not g_list)
            promise_turns[2] += bool(g_list and not p_list)
            if g_list and p_list:
                for gold_promise in g_list:
                    due_total += 1
                    due_hits += any(due_is_right(gold_promise, pp) for pp in p_list)
    labels = {label: prf(*c) for label, c in counts.items()}

    def group(names: tuple[str, ...]) -> dict[str, Any]:
        present = [n for n in names if labels[n]["support"] > 0]
        micro = prf(*(sum(counts[n][i] for n in names) for i in range(3)))
        macro = round(sum(labels[n]["f1"] for n in present) / len(present), 4) if present else None
        return {"micro": micro, "macro_f1": macro, "labels_with_support": len(present)}

    return {
        "conversations": len(gold_rows),
        "labels": labels,
        "groups": {name: group(names) for name, names in GROUPS.items()},
        "promises": {
            "turns": prf(*promise_turns),
            "due_accuracy": round(due_hits / due_total, 4) if due_total else None,
            "due_checked": due_total,
        },
    }
