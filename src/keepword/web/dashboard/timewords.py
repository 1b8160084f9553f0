"""Spans of time as a person glancing at a list reads them: 'in 5 h', '2 days late'."""

from __future__ import annotations

from datetime import datetime, timedelta

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def span(length: timedelta) -> str:
    """A length rounded down to its largest sensible unit: '20 min', '5 h', '3 days'.

    Hours up to two days, because "in 30 h" says more than "in 1 day" to someone who
    has to call back before the end of the shift.
    """
    length = abs(length)
    if length < HOUR:
        return f"{max(1, length // MINUTE)} min"
    if length < 2 * DAY:
        return f"{length // HOUR} h"
    return f"{length // DAY} days"


def relative(at: datetime | None, now: datetime) -> str:
    """How far `at` is from `now`: 'in 5 h' ahead of it, '2 days late' past it; '' for None."""
    if at is None:
        return ""
    if at >= now:
        return "in under a minute" if at - now < MINUTE else f"in {span(at - now)}"
    return f"{span(now - at)} late"


def ago(at: datetime | None, now: datetime) -> str:
    """How long before `now` `at` was: '3 days ago'; '' for None."""
    if at is None:
        return ""
    if now - at < MINUTE:
        return "just now"
    return f"{span(now - at)} ago"
