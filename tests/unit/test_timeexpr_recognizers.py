"""The resolver against Microsoft Recognizers-Text's English date-time specs.

shared/data/raw/recognizers-datetime/DateTimeModel.json (see its SOURCE.md) holds
985 hand-written sentences, each with the time expressions the library finds and
how it resolves them relative to a reference time. They are not customer-service
dialogue and their semantics are a scheduling assistant's, not a promise ledger's,
so only part of them is in scope, and part of that differs from promises.md by
design.

In scope (compared):
- sentences with exactly one expression, a date, a date and time, a time of day,
  or a range or period (a promise is due at a range's upper bound and at a
  period's last day), including "within"/"in N" from now, "end of ..." and
  deadlines ("before 4pm", "by end of this month", "as late as tomorrow");
- sentences with no expression at all (the resolver must find none).

Out of scope (skipped, counted by reason):
- several expressions in one sentence (a clause gives one due; which one the
  library lists first says nothing about which one is the promise's);
- lengths ("for 3 hours", type duration): how long, not until when;
- sets ("every week"): repetitions, no deadline;
- lower bounds and vague marks ("after 2018", "since August", "around the 21st",
  "mid today"): they bound nothing a promise could be kept by;
- past references: every value the library gives lies before the reference day;
- unresolved values ("this summer").

A case passes when the resolver's due matches one of the library's values (a
date: the same day; a time: within a minute; a range: its end). It is a
difference by design when the two disagree exactly as promises.md says they
should: "by Friday" is the end of Friday where the library stops before it; "this
week" ends on the last business day, not on Sunday; "this afternoon" is 17:00 and
"this evening" 21:00; a weekday or clock time already passed is the next one; a
year-less date read as the nearest one, past, is no due; "now" is no due; "the
21st" alone is a day. Differences count as in scope and not as passes.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from keepword.audit.timeexpr import BusinessCalendar, Due, resolve_due
from keepword.audit.timeexpr.expressions import find_expressions

SPECS = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "data"
    / "raw"
    / "recognizers-datetime"
    / "DateTimeModel.json"
)
# Measured on the specs as they are (see the module docstring); the resolver must not
# fall below it. Raise it when the resolver gets better.
PASS_RATE_FLOOR = 0.65
UTC = ZoneInfo("UTC")
# Their English specs write dates month first ("5/3/18" is 3 May 2018).
CALENDAR = BusinessCalendar(UTC, "US")
_LOWER_BOUNDS = {"after", "since", "approx", "mid", "start", "ref_undef", "more", "less"}
_LOWER_BOUND_MODS = {"after-start", "after-mid", "after-approx", "since-end", "before-start"}
_HOLIDAYS = (
    "easter",
    "christmas",
    "xmas",
    "independence",
    "new year",
    "patrick",
    "eid",
    "thanksgiving",
    "halloween",
    "valentine",
    "workers",
    "labour day",
    "labor day",
    "memorial",
    "mother",
    "father",
    "martin luther",
    "columbus",
    "veteran",
    "diwali",
)
_GENERIC_PERIODS = {
    "the day",
    "the week",
    "the month",
    "the year",
    "the weekend",
    "the fortnight",
    "morning",
    "afternoon",
    "evening",
    "night",
    "in the daytime",
    "in the night-time",
}
_PRESENT = ("now", "at the moment", "at present", "at this time", "at the minute", "otd")
_LONG_SPAN = timedelta(days=35)


@dataclass(frozen=True)
class Value:
    """One reading the library gives: a point, or a range's end."""

    type: str
    point: datetime | None  # a date (at midnight) or a date and time
    clock: time | None  # a time of day with no date
    exclusive_day: bool  # a date range's end: the day after its last one


@dataclass(frozen=True)
class Verdict:
    outcome: str  # "pass", "design", "fail", or "skip"
    reason: str


def _parse_point(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _values(result: dict[str, Any]) -> list[Value]:
    values = []
    for value in result["Resolution"].get("values", []):
        kind = value.get("type", "")
        if kind in ("time", "timerange"):
            text = value.get("value") or value.get("end")
            if text and text != "not resolved":
                values.append(Value(kind, None, time.fromisoformat(text), False))
            continue
        text = value.get("value") if "value" in value else value.get("end")
        point = _parse_point(text) if text else None
        if point is not None:
            values.append(Value(kind, point, None, kind == "daterange" and "end" in value))
    return values


def _scope(case: dict[str, Any]) -> str | None:
    """Why a case is out of scope, or None when it is in."""
    results = case["Results"]
    if "Context" not in case:
        return "no reference time"
    if not results:
        return None
    if len(results) > 1:
        return "several expressions"
    result = results[0]
    kind = (result.get("TypeName") or result.get("Typename") or "").removeprefix("datetimeV2.")
    values = result["Resolution"].get("values", [])
    mods = {v.get("Mod") for v in values} - {None}
    if kind == "duration":
        return "a length (duration)"
    if kind == "set":
        return "a repetition (set)"
    if kind not in ("date", "datetime", "time", "daterange", "datetimerange", "timerange"):
        return f"type {kind}"
    if mods & (_LOWER_BOUNDS | _LOWER_BOUND_MODS):
        return "a lower bound or a vague mark"
    said = result["Text"].lower()
    if any(name in said for name in _HOLIDAYS):
        return "a named holiday"
    if said in _GENERIC_PERIODS:
        return "a period named without this or next"
    if kind == "daterange" and not mods and _longest_span(values) > _LONG_SPAN:
        return "a span of months or years"
    parsed = _values(result)
    if not parsed:
        return "unresolved"
    reference = datetime.fromisoformat(case["Context"]["ReferenceDateTime"][:19])
    points = [v.point for v in parsed if v.point is not None]
    if points and all(_last_day(v) < reference.date() for v in parsed if v.point):
        return "a past reference"
    return None


def _longest_span(values: list[dict[str, Any]]) -> timedelta:
    spans = [timedelta(0)]
    for value in values:
        start, end = _parse_point(value.get("start", "")), _parse_point(value.get("end", ""))
        if start is not None and end is not None:
            spans.append(end - start)
    return max(spans)


def _last_day(value: Value) -> date:
    assert value.point is not None
    day = value.point.date()
    return day - timedelta(days=1) if value.exclusive_day else day


def _matches(due: Due, value: Value) -> bool:
    if due.at is None:
        return False
    at = due.at.replace(tzinfo=None)
    if value.clock is not None:
        return (at.hour, at.minute) == (value.clock.hour, value.clock.minute)
    assert value.point is not None
    if value.type in ("date", "daterange"):
        return at.date() in (_last_day(value), value.point.date())
    return abs(at - value.point) <= timedelta(seconds=60)


def judge(case: dict[str, Any]) -> Verdict:
    """Compare the resolver with one spec case (see the module docstring)."""
    reason = _scope(case)
    if reason is not None:
        return Verdict("skip", reason)
    text = case["Input"]
    reference = datetime.fromisoformat(case["Context"]["ReferenceDateTime"][:19])
    due = resolve_due(text, reference.replace(tzinfo=UTC), CALENDAR)
    if not case["Results"]:
        if due is None or due.at is None:
            return Verdict("pass", "no time")
        if due.rule in ("day", "weekday") and "the " in text.lower():
            return Verdict("design", "'the 21st' alone is a day")
        return Verdict("fail", f"found {due.rule} where there is no time")
    values = _values(case["Results"][0])
    if due is not None and any(_matches(due, value) for value in values):
        return Verdict("pass", "same due")
    return _difference(text, reference, due, values)


def _difference(text: str, reference: datetime, due: Due | None, values: list[Value]) -> Verdict:
    """A disagreement that promises.md explains, or a failure."""
    lowered = text.lower()
    if due is None or due.at is None:
        if any(f" {word} " in f" {lowered.strip('?.!')} " for word in _PRESENT):
            return Verdict("design", "the present ('now') is no due")
        found_day = any(e.kind == "day" for e in find_expressions(text))
        if found_day and any(
            v.point is not None and v.point.date() < reference.date() for v in values
        ):
            return Verdict("design", "a year-less date read as the nearest, past: no due")
        return Verdict("fail", "no due found")
    at = due.at.replace(tzinfo=None)
    for value in values:
        if value.point is not None and value.exclusive_day and at.date() == value.point.date():
            return Verdict("design", "'by X' includes X")
        if value.point is not None and "week" in lowered and value.exclusive_day:
            last = _last_day(value)
            if at.date() == CALENDAR.last_business_day_of_week(last - timedelta(days=6)):
                return Verdict("design", "a week ends on its last business day")
        passed = value.point is not None and value.point.date() <= reference.date()
        if passed and value.point is not None and (at.date() - value.point.date()).days in (1, 7):
            return Verdict("design", "already passed: the next one")
        end_hour = value.point.hour if value.point is not None else None
        if value.clock is not None:
            end_hour = value.clock.hour
        same_day = value.point is None or value.point.date() == at.date()
        if due.rule == "part_of_day" and same_day and (end_hour, at.hour) in ((16, 17), (20, 21)):
            return Verdict("design", "afternoon ends at 17:00, evening at 21:00")
    return Verdict("fail", f"{due.rule} {at.isoformat()}")


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(SPECS.read_text(encoding="utf-8-sig"))
    return cases


@pytest.fixture(scope="module")
def cases() -> list[dict[str, Any]]:
    if not SPECS.is_file():
        pytest.skip(
            f"the Recognizers-Text specs {SPECS} are absent (only CI and developers have it)"
        )
    return load_cases()


def test_the_pass_rate_over_the_cases_in_scope_stays_above_its_floor(
    cases: list[dict[str, Any]],
) -> None:
    verdicts = [judge(case) for case in cases]
    outcomes = Counter(v.outcome for v in verdicts)
    in_scope = outcomes["pass"] + outcomes["design"] + outcomes["fail"]
    rate = outcomes["pass"] / in_scope
    skipped = Counter(v.reason for v in verdicts if v.outcome == "skip")
    print(
        f"\nRecognizers-Text English DateTimeModel: {len(cases)} cases, {in_scope} in scope: "
        f"{outcomes['pass']} pass, {outcomes['design']} differ by design, "
        f"{outcomes['fail']} fail; pass rate {rate:.3f} (floor {PASS_RATE_FLOOR})"
    )
    print("out of scope: " + ", ".join(f"{r} {n}" for r, n in skipped.most_common()))
    assert rate >= PASS_RATE_FLOOR


def test_no_case_makes_the_resolver_raise(cases: list[dict[str, Any]]) -> None:
    for case in cases:
        reference = case.get("Context", {}).get("ReferenceDateTime", "2016-11-07T00:00:00")
        resolve_due(
            case["Input"], datetime.fromisoformat(reference[:19]).replace(tzinfo=UTC), CALENDAR
        )
