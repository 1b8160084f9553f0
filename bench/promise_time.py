"""Due accuracy and speed of our promise-time resolver, beside dateparser and ctparse.

    python bench/promise_time.py [--gold data/dev.jsonl]

Takes every turn of the labelled file that holds a gold promise and resolves its
text, relative to the turn's `at` (else the conversation's start), in the
customer's zone (`customer.timezone`, else UTC) and country, three ways:

- ours: `resolve_due` on each sentence of the turn, with the turn's text before it as
  its context, the first Due found; sentences are split off only as far as needed;
- dateparser: `search_dates(text, languages=['en'], settings={'RELATIVE_BASE': the
  turn's local time, naive, 'PREFER_DATES_FROM': 'future', 'RETURN_AS_TIMEZONE_AWARE':
  False})`, the first date found;
- ctparse: `ctparse(text, ts=the turn's local time, naive)`, its resolution (an
  interval's end, promises.md's upper bound, else its start).

The libraries get the same inputs: the turn's whole text and its local time. A
library's date with no time of day counts as 23:59:59 of that date, in the
customer's zone; nothing found counts as no due. A turn's due is right when it
matches any gold promise of the turn by the rule of ../shared/eval/score.py's
`due_right` (both null; within a minute for `minute`; the same date for `day`).

Time is per turn, the whole text, measured around each resolver's call alone. Each
resolver first makes one untimed pass over all the turns (its accuracy is taken there),
so that what any of them does once (imports, lazy regex compiles, language data,
holiday tables, caches) is not timed. Then come `PASSES` timed rounds; in each, every
resolver makes one pass over all the turns, one resolver after the other, so that a
spell of load from other work on a shared machine falls on all of them alike. A turn's
time is its best of its passes, the least disturbed; mean and p95 are over the turns.
A resolver's results must not depend on the pass: ours keeps no cache keyed by a text.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import math
import re
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from keepword.audit.timeexpr import BusinessCalendar, resolve_due
from keepword.compiled import build

REFERENCE_SCORER = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "score.py"
# Sentences: after ".", "!" or "?" (and a closing quote or bracket) before a capital, a
# digit, a handle or an opening quote; and at line breaks. The pattern starts with the one
# character class of stops and line breaks, so that the search skips to the next at once;
# a stop is matched, not looked behind for, and stays with its sentence (`sentences`).
SENTENCE_END = re.compile(
    r"[.!?\n](?:(?<=[.!?])(?P<gap>[\"')\]]*\s+)(?=[A-Z0-9@\"'(\[])|(?<=\n)\n*)"
)
# Whether a library's matched words named a time of day (else its date means the day).
TIME_OF_DAY = re.compile(
    r"\d\s*(?:a\.?m\b|p\.?m\b)|\d:\d\d|\bnoon\b|\bmidday\b|\bmidnight\b|o'?clock", re.IGNORECASE
)
END_OF_DAY = (23, 59, 59)
PASSES = 3  # timed passes after the warm-up; a turn's time is its best of them


@dataclass(frozen=True)
class Turn:
    text: str
    at: datetime  # aware, in the customer's zone
    calendar: BusinessCalendar
    gold: list[dict[str, Any]]


class Prediction(NamedTuple):
    # A tuple, not a frozen dataclass: made once per turn inside each resolver's timed
    # call, where the harness should cost as little as it can.
    due: datetime | None
    granularity: str | None


def local_due_right() -> Callable[[dict[str, Any], dict[str, Any]], bool]:
    """score.py's `due_right`, loaded from ../shared when it is there, else the same rule."""
    if REFERENCE_SCORER.is_file():
        spec = importlib.util.spec_from_file_location("reference_score", REFERENCE_SCORER)
        if spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            rule: Callable[[dict[str, Any], dict[str, Any]], bool] = module.due_right
            return rule

    def due_right(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
        g = datetime.fromisoformat(gold["due"]) if gold.get("due") else None
        p = datetime.fromisoformat(pred["due"]) if pred.get("due") else None
        if g is None or p is None:
            return g is None and p is None
        if gold.get("granularity") == "day":
            return p.astimezone(g.tzinfo).date() == g.date()
        return abs(p - g) <= timedelta(seconds=60)

    return due_right


def calendar_for(customer: dict[str, Any]) -> BusinessCalendar:
    zone = ZoneInfo(customer.get("timezone") or "UTC")
    try:
        return BusinessCalendar(zone, customer.get("country"))
    except ValueError:
        return BusinessCalendar(zone, None)  # a country the holidays package does not know


def turns(path: Path) -> Iterator[Turn]:
    """Every turn of the file that holds at least one gold promise."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            promises = row.get("gold", {}).get("promises", [])
            by_turn: dict[int, list[dict[str, Any]]] = {}
            for promise in promises:
                by_turn.setdefault(int(promise["turn"]), []).append(promise)
            calendar = calendar_for(row.get("customer") or {})
            for index, gold in sorted(by_turn.items()):
                turn = row["turns"][index]
                said = datetime.fromisoformat(turn.get("at") or row["started_at"])
                yield Turn(turn["text"], said.astimezone(calendar.zone), calendar, gold)


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """The sentences of `text` with where each starts, split off one at a time."""
    start = 0
    for end in SENTENCE_END.finditer(text):
        stop = end.start("gap") if end.group("gap") is not None else end.start()
        yield start, text[start:stop]
        start = end.end()
    yield start, text[start:]


def ours(turn: Turn) -> Prediction:
    text = turn.text
    for start, sentence in sentences(text):
        found = resolve_due(sentence, turn.at, turn.calendar, context=text[:start])
        if found is not None:
            return Prediction(found.at, found.granularity)
    return Prediction(None, None)


def _day_or_instant(when: datetime, has_time: bool, turn: Turn) -> Prediction:
    if not has_time:
        when = when.replace(hour=END_OF_DAY[0], minute=END_OF_DAY[1], second=END_OF_DAY[2])
    return Prediction(turn.calendar.at(when.date(), when.time()), "minute" if has_time else "day")


def with_dateparser() -> Callable[[Turn], Prediction]:
    from dateparser.search import search_dates  # type: ignore[import-untyped]

    def resolve(turn: Turn) -> Prediction:
        settings = {
            "RELATIVE_BASE": turn.at.replace(tzinfo=None),
            "PREFER_DATES_FROM": "future",
            "RETURN_AS_TIMEZONE_AWARE": False,
        }
        found = search_dates(turn.text, languages=["en"], settings=settings)
        if not found:
            return Prediction(None, None)
        words, when = found[0]
        return _day_or_instant(when, bool(TIME_OF_DAY.search(words)), turn)

    return resolve


def with_ctparse() -> Callable[[Turn], Prediction]:
    from ctparse import ctparse  # type: ignore[attr-defined]
    from ctparse.types import Interval, Time

    def resolve(turn: Turn) -> Prediction:
        found = ctparse(turn.text, ts=turn.at.replace(tzinfo=None))
        resolution = found.resolution if found is not None else None
        if isinstance(resolution, Interval):
            end = resolution.end
            resolution = end if end is not None and end.year is not None else resolution.start
        if not isinstance(resolution, Time):
            return Prediction(None, None)
        year, month, day = resolution.year, resolution.month, resolution.day
        if year is None or month is None or day is None:
            return Prediction(None, None)
        has_time = resolution.hour is not None
        hour, minute = resolution.hour or 0, resolution.minute or 0
        # A wall time in the customer's zone, placed there by _day_or_instant.
        when = datetime(year, month, day, hour, minute)  # noqa: DTZ001
        return _day_or_instant(when, has_time, turn)

    return resolve


def due_accuracy(
    resolver: Callable[[Turn], Prediction],
    cases: list[Turn],
    due_right: Callable[[dict[str, Any], dict[str, Any]], bool],
) -> float:
    """The share of turns whose due is right; also the resolver's untimed warm-up pass."""
    right = 0
    for turn in cases:
        prediction = resolver(turn)
        pred = {
            "due": prediction.due.isoformat() if prediction.due is not None else None,
            "granularity": prediction.granularity,
        }
        right += any(due_right(gold, pred) for gold in turn.gold)
    return right / len(cases)


def timed_pass(
    resolver: Callable[[Turn], Prediction], cases: list[Turn], best: list[float]
) -> None:
    """One timed pass: each turn's time, kept in `best` where it beats the one there."""
    clock = time.perf_counter
    for k, turn in enumerate(cases):
        start = clock()
        resolver(turn)
        spent = clock() - start
        if spent < best[k]:
            best[k] = spent


def mean_and_p95(best: list[float]) -> tuple[float, float]:
    """Mean and p95 of the turns' best times, in microseconds."""
    spent = sorted(best)
    p95 = spent[min(len(spent) - 1, int(0.95 * len(spent)))]
    return statistics.fmean(spent) * 1e6, p95 * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=Path("data/dev.jsonl"))
    args = parser.parse_args()
    cases = list(turns(args.gold))
    with_dues = sum(any(g.get("due") for g in turn.gold) for turn in cases)
    if not cases or not with_dues:
        sys.exit(f"{args.gold}: no turn holds a gold promise with a due; nothing to compare")
    due_right = local_due_right()
    warnings.filterwarnings("ignore")  # dateparser's deprecation noise, not ours
    logging.getLogger("ctparse").setLevel(logging.CRITICAL)  # "Failed to produce result" per text
    resolvers: list[tuple[str, Callable[[Turn], Prediction]]] = [
        ("ours (keepword.audit.timeexpr)", ours),
        ("dateparser search_dates", with_dateparser()),
        ("ctparse", with_ctparse()),
    ]
    accuracies = [due_accuracy(resolver, cases, due_right) for _, resolver in resolvers]
    best = [[math.inf] * len(cases) for _ in resolvers]
    for _ in range(PASSES):
        for (_, resolver), times in zip(resolvers, best, strict=True):
            timed_pass(resolver, cases, times)
    rows = [
        (name, right, *mean_and_p95(times))
        for (name, _), right, times in zip(resolvers, accuracies, best, strict=True)
    ]
    print(
        f"{args.gold}: {len(cases)} turns with gold promises ({with_dues} with a due); "
        f"the three resolvers get the same text, turn time and zone; the audit {build()}"
    )
    print(f"| {'resolver':32} | due accuracy | mean per turn | p95 per turn |")
    print(f"|{'-' * 34}|--------------|---------------|--------------|")
    for name, accuracy, mean, p95 in rows:
        print(f"| {name:32} | {accuracy:12.3f} | {mean:10.0f} us | {p95:9.0f} us |")
    ours_accuracy, ours_mean = rows[0][1], rows[0][2]
    speedup = rows[1][2] / ours_mean
    ahead = all(ours_accuracy > row[1] for row in rows[1:])
    print(
        f"\nours: {speedup:.1f}x faster per turn than dateparser (goal: at least 50x: "
        f"{'met' if speedup >= 50 else 'not met'}); due accuracy {ours_accuracy:.3f} "
        f"(goal: at least 0.95 and ahead of every library: "
        f"{'met' if ours_accuracy >= 0.95 and ahead else 'not met'})"
    )


if __name__ == "__main__":
    main()
