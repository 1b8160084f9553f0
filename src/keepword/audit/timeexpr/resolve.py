"""When a promise falls due: the table of shared/design/promises.md, applied to one clause.

`resolve_due(text, said_at, calendar)` finds the time expressions of the text,
joins the ones that belong together ("Friday" + "at 3pm", "on Monday" + "within
7 days of pickup"), turns each into the last instant at which the promise still
counts as kept, and picks the one that sets the promise's deadline:

1. expressions that are only background are never the deadline: a past event,
   a holiday or closure, a day used as an adjective, a length ("for 3 days"), a
   repetition or a state ("cancelled from today"), and a bare clock number no day
   explains ("8-12" alone);
2. a day or time that has already passed is no due;
3. of the rest, one said as a deadline ("by", "before", "until", "within", "in N",
   business days) beats one that is not, and then the first in the text wins;
   weaker readings (the subject of "is": "Monday is the earliest"; the possessive
   of a near day: "tonight's run") come after definite ones, and vague ones
   ("shortly") last.

The first expression stands for the main clause: agents put the promised action
before its explanation ("I'll call you on Monday to confirm the refund"). The
rules beyond promises.md, with examples, are in docs/promise-time.md.

Everything is computed in the calendar's zone: hour-scale durations add elapsed
time (so "in 2 hours" is two real hours across a daylight-saving change); every
day-scale rule works on calendar dates and ends at 23:59:59 local time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from operator import itemgetter
from typing import Final, Literal
from zoneinfo import ZoneInfo

from keepword.audit.timeexpr.calendar import BusinessCalendar
from keepword.audit.timeexpr.expressions import (
    Clock,
    DayName,
    Expression,
    Part,
    find_expressions,
)

Granularity = Literal["minute", "day"]

# What "this morning", "this afternoon" and "this evening" mean (promises.md).
PART_OF_DAY_ENDS: dict[Part, time] = {
    "morning": time(12, 0),
    "afternoon": time(17, 0),
    "evening": time(21, 0),
}
# A year-less date at most this far back is a past event ("the cancellation on 12 March
# went through", said on 16 May), not next year's.
_RECENT_PAST: Final = timedelta(days=90)
# Countries that write the month first in "12/03".
MONTH_FIRST_COUNTRIES: Final = frozenset({"US", "CA", "PH"})
_BACKGROUND: Final = frozenset({"past", "holiday", "attributive", "repeat", "length", "negated"})
_ONE_DAY, _TWO_DAYS = timedelta(days=1), timedelta(days=2)
# Who does something in an event told as a clause: "of us receiving it", "after we get it".
_SUBJECTS: Final = frozenset("we you they he she i it us them".split())
_DEMOTED: Final = frozenset({"subject", "possessive"})


@dataclass(frozen=True, slots=True, init=False)
class Due:
    """When one promise falls due.

    `at` is the last instant at which the promise still counts as kept, aware and in the
    calendar's zone, or None when the words give no time ("shortly"). `granularity` is
    "minute" for clock times and hour-scale durations, "day" for days, None with no `at`.
    `span` is where in the text the words that gave it lie; `rule` names the row of the
    table (promises.md, or docs/promise-time.md) that decided it.
    """

    at: datetime | None
    granularity: Granularity | None
    span: tuple[int, int]
    rule: str

    def __init__(
        self, at: datetime | None, granularity: Granularity | None, span: tuple[int, int], rule: str
    ) -> None:
        # As the frozen dataclass's own, with `object.__setattr__` looked up once: every
        # candidate of every clause is a Due.
        _set(self, "at", at)
        _set(self, "granularity", granularity)
        _set(self, "span", span)
        _set(self, "rule", rule)


_set = object.__setattr__


def resolve_due(
    text: str, said_at: datetime, calendar: BusinessCalendar, *, context: str = ""
) -> Due | None:
    """The due of the promise made in `text` (one clause or sentence), said at `said_at`,
    read in `calendar`'s zone and business days.

    `context` is the turn's text before the clause. When the clause counts from an event
    it does not date itself ("within 10 business days of that visit", "2 days before your
    connection date", "the day after"), it counts from the last day the context names
    ("The visit is set for Friday the 12th."), read from the same turn time. The context
    is read only then; with no dated day in it, the clause reads as without it.

    Returns None when the text holds no time expression for the promise (none at all, or
    only past events and other background), and a Due with `at=None` when it holds only
    vague ones ("shortly", "asap", "a few days").
    """
    zone = said_at.tzinfo
    # A ZoneInfo or a fixed offset always gives an offset: asked only of other zones.
    if zone is None or (type(zone) not in _ALWAYS_AWARE and said_at.utcoffset() is None):
        raise ValueError("said_at must be timezone-aware")
    found = find_expressions(text)  # itself returns at once when no word could start one
    if not found:
        return None
    return _Reading(text, said_at, calendar, context).due(found)


_ORDER: Final = itemgetter(0, 1, 2)
_ALWAYS_AWARE: Final = (ZoneInfo, timezone)
_ANCHORED: Final = frozenset({"after_anchor", "before_anchor"})


# Between a day and a clock time that belong together: "Friday at 3pm", "tomorrow, 8-10am".
_DAY_CLOCK_GAP: Final = frozenset(
    {"", ",", "at", "@", "on", "for", ", at", ", from", "from", "around"}
)
# Between two days that form a range: "Monday or Tuesday", "between Monday and Wednesday".
_DAY_RANGE_GAP: Final = frozenset(
    {"or", "to", "through", "thru", "until", "till", "-", "\u2013", "and"}
)


class _Reading:
    """One text read at one instant in one calendar."""

    def __init__(
        self, text: str, said_at: datetime, calendar: BusinessCalendar, context: str = ""
    ) -> None:
        self.text = text
        self.calendar = calendar
        self.said_at = said_at
        zone = calendar.zone
        # Callers mostly pass a time already in the calendar's zone: no conversion then.
        self.now = said_at if said_at.tzinfo is zone else said_at.astimezone(zone)
        self.today = self.now.date()
        self.month_first = calendar.country in MONTH_FIRST_COUNTRIES
        self.context = context
        self._context_day: date | None = None
        self._context_read = False

    def context_day(self) -> date | None:
        """The last day the turn's text before the clause names, read once and only when a
        clause counts from an event it does not date ("of that visit", "the day after")."""
        if not self._context_read:
            self._context_read = True
            if self.context:
                self._context_day = self._last_day_named(find_expressions(self.context))
        return self._context_day

    def _last_day_named(self, found: list[Expression]) -> date | None:
        """The date of the last day-like expression of `found`, past ones included, as the
        anchors of a clause are read; a relative day ("the next day") counts from the one
        before it."""
        last: date | None = None
        for expression in found:
            if expression.context == "holiday":
                continue
            if expression.kind == "relative_day":
                if last is not None:
                    last += timedelta(days=expression.offset)
                elif expression.from_today or expression.offset == 1:
                    last = self.today + timedelta(days=expression.offset)
            elif expression.kind in ("day", "part", "period") and expression.day is not None:
                last = self.date_of(expression.day, allow_past=True) or last
        return last

    # --- choosing -----------------------------------------------------------------

    def due(self, found: list[Expression]) -> Due | None:
        """The due the expressions give, by the rules of the module docstring."""
        if len(found) == 1:
            # Most clauses hold one expression: no pair to join, no order to choose, and no
            # day of the clause for it to count from (a relative one is no day itself).
            expression = found[0]
            due = self._single(0, expression, {})[0]
            return due if due is not None and expression.context not in _BACKGROUND else None
        # Only a relative expression counts from a day; most clauses hold none, and then
        # no day needs reading as an anchor and none is consumed.
        relative = False
        for expression in found:
            duration = expression.duration
            if expression.kind == "relative_day" or (
                duration is not None and duration.relation in _ANCHORED
            ):
                relative = True
                break
        anchors = self._anchors(found) if relative else {}
        # (rank, not said as a deadline, position, due): rank 0 a definite time, 1 a
        # demoted one, 2 a vague one; a deadline is "by", "before", "until", "within", a
        # duration.
        candidates: list[tuple[int, bool, int, Due]] = []
        consumed: set[int] = set()  # days that a kept relative expression counted from
        owner: dict[int, int] = {}  # index of an expression -> index of its candidate
        count, index = len(found), 0
        while index < count:
            expression = found[index]
            step, due, anchor = 1, None, None
            context: str = expression.context
            if index + 1 < count:
                joined = self._joined(index, found, anchors)
                if joined is not None:
                    step = 2
                    due, context, anchor = joined
            if step == 1:
                due, anchor = self._single(index, expression, anchors)
            if due is not None and context not in _BACKGROUND:
                rank = 2 if due.at is None else (1 if context in _DEMOTED else 0)
                deadline = _sets_deadline(expression) or (
                    step == 2 and _sets_deadline(found[index + 1])
                )
                if relative:
                    for covered in range(index, index + step):
                        owner[covered] = len(candidates)
                    if anchor is not None:
                        consumed.add(anchor)
                candidates.append((rank, not deadline, expression.span[0], due))
            index += step
        # A day that a relative expression counted from is its context, not a deadline of
        # its own ("it airs on 11/3 and will be up the next day": the next day).
        if consumed:
            dropped = {owner[i] for i in consumed if i in owner}
            candidates = [c for i, c in enumerate(candidates) if i not in dropped]
        if len(candidates) <= 1:
            return candidates[0][3] if candidates else None
        # The best rank, then said as a deadline, then the first in the text.
        return min(candidates, key=_ORDER)[3]

    def _anchors(self, found: list[Expression]) -> dict[int, date]:
        """The date of every day-like expression, past ones included: relative expressions
        ("the next day", "within 7 days of pickup") count from them."""
        anchors: dict[int, date] = {}
        for index, expression in enumerate(found):
            if expression.context == "holiday":
                continue
            if expression.kind in ("day", "part") and expression.day is not None:
                day = self.date_of(expression.day, allow_past=True)
                if day is not None:
                    anchors[index] = day
        return anchors

    @staticmethod
    def _anchor_for(
        index: int, anchors: dict[int, date], *, before_only: bool = False
    ) -> int | None:
        """Which day a relative expression hangs on: the nearest day named before it, else
        the nearest after it ("within 5 days of purchase: your order of 20 November")."""
        before = [i for i in anchors if i < index]
        if before:
            return max(before)
        if before_only:
            return None
        after = [i for i in anchors if i > index]
        return min(after) if after else None

    def _joined(
        self, index: int, found: list[Expression], anchors: dict[int, date]
    ) -> tuple[Due | None, str, int | None] | None:
        """Two neighbouring expressions that say one thing: a day and a clock time (either
        order), a day and a part of day ("Tuesday in the morning"), or two days of a range;
        None when they do not belong together. Also the day a relative day among them
        counted from."""
        first, second = found[index], found[index + 1]
        if (
            first.kind != "clock"
            and second.kind != "clock"
            and not (first.kind == "day" and second.kind in ("part", "day"))
        ):
            return None  # no clock time, no day with its part of day, no range of days
        gap = " ".join(self.text[first.span[1] : second.span[0]].split()).lower()
        context = first.context if first.context != "plain" else second.context
        if context == "past" and (_sets_deadline(first) or _sets_deadline(second)):
            context = "plain"  # "crews expect to have it spliced by 6pm today"
        if gap in _DAY_CLOCK_GAP:
            pair = None
            if _is_day(first) and second.kind == "clock":
                pair = (first, second, index)
            elif first.kind == "clock" and _is_day(second):
                pair = (second, first, index + 1)
            elif first.kind == "day" and second.kind == "part" and second.day is None:
                day = self._day_of_expression(first, None)
                due = self._part_on(second, day) if day is not None else None
                return _spanning(due, first, second), context, None
            if pair is not None:
                day_expression, clock, day_index = pair
                anchor, base = None, None
                if day_expression.kind == "relative_day":
                    anchor = self._anchor_for(day_index, anchors)
                    named = anchors[anchor] if anchor is not None else None
                    base = named or self._day_before(day_expression)
                day = self._day_of_expression(day_expression, base)
                if day is None:
                    return None, context, None
                return self._day_with_clock(day_expression, day, clock), context, anchor
        # "Monday or Tuesday", "between Monday and Wednesday", "26 June to 28 June": the later.
        joiner = gap or second.lead.split(" ")[0]
        if (
            joiner in _DAY_RANGE_GAP
            and first.kind == "day"
            and second.kind == "day"
            and (joiner != "and" or first.lead.endswith("between"))
        ):
            if first.context == "repeat" and "from" in first.lead.split():
                context = second.context  # "from next Monday to Friday": a range, not a state
            start, end = self._day(first), self._day(second)
            if start is None or start.at is None or end is None or end.at is None:
                return None
            at = end.at
            if second.day is not None and second.day.kind == "weekday":
                while at < start.at:  # "from next Monday to Friday": that week's Friday
                    at = self.calendar.end_of_day(at.date() + timedelta(days=7))
            latest = max(start.at, at)
            rule = end.rule if latest == at else start.rule
            return Due(latest, "day", (first.span[0], second.span[1]), rule), context, None
        return None

    def _day_of_expression(self, expression: Expression, anchor: date | None) -> date | None:
        """The date a day-like expression names ("Friday", "tomorrow morning", "that day",
        "in the morning": the next morning still to come)."""
        if expression.kind == "relative_day":
            due = self._relative(expression, anchor)
            return due.at.date() if due is not None and due.at is not None else None
        if expression.kind == "part" and expression.day is None and expression.part is not None:
            ends = PART_OF_DAY_ENDS.get(expression.part, time(23, 59, 59))
            return self.today if self.now.time() < ends else self.today + timedelta(days=1)
        if expression.day is None:
            return None
        return self.date_of(expression.day)

    def _single(
        self, index: int, expression: Expression, anchors: dict[int, date]
    ) -> tuple[Due | None, int | None]:
        """The due one expression gives alone, and the day it counted from, if any."""
        kind = expression.kind
        if kind == "vague":
            return Due(None, None, expression.span, "vague"), None
        if kind == "clock":
            return (None if expression.weak else self._clock(expression)), None
        if kind == "day":
            return self._day(expression), None
        if kind == "part":
            return self._part(expression), None
        if kind == "period":
            return self._period(expression), None
        anchor: int | None = None
        day: date | None = None
        if kind == "duration":
            duration = expression.duration
            relation = duration.relation if duration is not None else None
            if relation == "before_anchor" and not self.context:
                return None, None  # without the turn's context, read as before: a gap
            if relation in ("after_anchor", "before_anchor"):
                anchor = self._anchor_for(index, anchors)
                day = anchors[anchor] if anchor is not None else self._day_before(expression)
            return self._duration(expression, day), anchor
        anchor = self._anchor_for(index, anchors, before_only=expression.from_today)
        day = anchors[anchor] if anchor is not None else self._day_before(expression)
        return self._relative(expression, day), anchor

    def _day_before(self, expression: Expression) -> date | None:
        """The day of the turn's context a relative expression with no day in its clause
        counts from; none when it counts from an event told as a clause ("within 14 days
        of us receiving it", "the day after we get it"), which no day named before dates."""
        if not self.context:
            return None
        start, end = expression.span
        rest = self.text[end : end + 24].lower().split()
        if expression.kind == "duration":
            words = self.text[start:end].lower().split()
            subject = words[-1] if words else ""
        else:
            subject, rest = (rest[0], rest[1:]) if rest else ("", [])
        if subject in _SUBJECTS and rest and rest[0][:1].isalpha():
            return None
        return self.context_day()

    # --- days -----------------------------------------------------------------------

    def date_of(self, day: DayName, *, allow_past: bool = False) -> date | None:
        """The date a day name means said today; None when it names none (or, unless
        `allow_past`, only a past one)."""
        result = self._date_of(day, allow_past=allow_past)
        if result is None or (result < self.today and not allow_past):
            return None
        return result

    def _date_of(self, day: DayName, *, allow_past: bool = False) -> date | None:
        today = self.today
        kind = day.kind
        if kind in ("today", "tonight"):
            return today
        if kind == "tomorrow":
            return today + _ONE_DAY
        if kind == "day_after_tomorrow":
            return today + _TWO_DAYS
        if kind == "yesterday":
            return today - _ONE_DAY
        if kind == "weekday" and day.weekday is not None:
            return self._weekday(day.weekday, day.modifier)
        if kind == "date" and day.month is not None and day.day is not None:
            return self._calendar_date(day.year, day.month, day.day)
        if kind == "numeric_date" and day.numbers is not None:
            first, second = day.numbers
            orders = [(first, second), (second, first)]
            if not self.month_first:
                orders.reverse()
            for month, number in orders:
                if 1 <= month <= 12:
                    found = self._calendar_date(day.year, month, number)
                    if found is not None:
                        return found
            return None
        if kind == "day_of_month" and day.day is not None:
            if day.weekday is not None and day.month_offset is None:
                return self._day_of_month_on(day.day, day.weekday, allow_past=allow_past)
            return self._day_of_month(day.day, day.month_offset, allow_past=allow_past)
        return None

    def _weekday(self, weekday: int, modifier: str | None) -> date:
        today = self.today
        if modifier is None:
            # A weekday alone: the next such day after today (a week on when it is today).
            return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
        this_monday = today - timedelta(days=today.weekday())
        next_monday = this_monday + timedelta(days=7)
        if modifier in ("next", "next_week"):
            # "next Friday": Friday of next week (weeks start on Monday), as promises.md says.
            return next_monday + timedelta(days=weekday)
        if modifier == "this_week":
            return this_monday + timedelta(days=weekday)
        if modifier == "this" and weekday >= today.weekday():
            # "this Friday" said on a Wednesday: this week's; "this Monday": the coming one.
            return this_monday + timedelta(days=weekday)
        if modifier == "last":
            back = (today.weekday() - weekday) % 7 or 7
            return today - timedelta(days=back)
        # A weekday alone: the next such day after today (a week on when it is today).
        ahead = (weekday - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)

    def _calendar_date(self, year: int | None, month: int, day: int) -> date | None:
        if year is not None:
            try:
                return date(year, month, day)
            except ValueError:
                return None
        options = []
        for candidate_year in (self.today.year - 1, self.today.year, self.today.year + 1):
            try:
                options.append(date(candidate_year, month, day))
            except ValueError:
                continue
        future = [d for d in options if d >= self.today]
        past = [d for d in options if d < self.today]
        # "on 2 December" said on 9 January is a past event; "on 29 May" said in November
        # is next May.
        if past and self.today - past[-1] <= _RECENT_PAST:
            return past[-1]
        return future[0] if future else None

    def _day_of_month_on(self, number: int, weekday: int, *, allow_past: bool) -> date | None:
        """ "Monday the 21st": the next 21st that is a Monday (within a year); the plain
        next 21st when none is. As an anchor, this month's comes first, passed or not, then
        last month's: "it left us on Monday the 10th", said on the 12th, is two days ago."""
        year, month = self.today.year, self.today.month
        offsets = (0, -1, *range(1, 13)) if allow_past else range(13)
        for offset in offsets:
            y, m = _add_months(year, month, offset)
            try:
                candidate = date(y, m, number)
            except ValueError:
                continue
            if candidate.weekday() == weekday and (candidate >= self.today or allow_past):
                return candidate
        return self._day_of_month(number, None, allow_past=allow_past)

    def _day_of_month(
        self, number: int, month_offset: int | None, *, allow_past: bool = False
    ) -> date | None:
        """ "the 5th": this month's when it is still to come (today included), else next
        month's; "the 15th of next month": next month's. As an anchor ("it left us on
        Monday the 11th; allow 5 working days from then") a recent past one counts."""
        year, month = self.today.year, self.today.month
        if allow_past and month_offset is None:
            try:
                this_month: date | None = date(year, month, number)
            except ValueError:
                this_month = None
            if this_month is not None and this_month <= self.today:
                return this_month
        offsets = [month_offset] if month_offset is not None else [0, 1, 2]
        for offset in offsets:
            y, m = _add_months(year, month, offset)
            try:
                candidate = date(y, m, number)
            except ValueError:
                continue
            if candidate >= self.today or month_offset is not None:
                return candidate
        return None

    def _day(self, expression: Expression) -> Due | None:
        """A day alone: 23:59:59 of it ("before Friday": of the day before)."""
        day = expression.day
        if day is None:
            return None
        found = self.date_of(day)
        if found is None:
            return None
        rule = _day_rule(day)
        if expression.week_of:
            monday = found - timedelta(days=found.weekday())
            found, rule = self.calendar.last_business_day_of_week(monday), "this_week"
        if expression.marker == "before" and day.kind in ("weekday", "date", "numeric_date"):
            found -= timedelta(days=1)
            rule = "before_day"
        if found < self.today:
            return None
        if day.kind == "today" and not _sets_deadline(expression) and expression.past_tense:
            return None  # "I've closed your account today": done, not promised
        return Due(self.calendar.end_of_day(found), "day", expression.span, rule)

    # --- clock times ----------------------------------------------------------------

    def _day_with_clock(
        self, day_expression: Expression, day: date, clock: Expression
    ) -> Due | None:
        """A day and a clock time said together: "Friday at 3pm", "tomorrow 8-10am"."""
        part = day_expression.part or clock.clock_part
        if day_expression.day is not None and day_expression.day.kind == "tonight":
            part = part or "evening"
        start = min(day_expression.span[0], clock.span[0])
        end = max(day_expression.span[1], clock.span[1])
        due = self._clock_on(clock, day, part, (start, end))
        ambiguous = (
            clock.clock is not None and clock.clock.meridiem is None and not clock.clock.exact
        )
        passed = due is not None and due.at is not None and due.at <= self.now
        if passed and ambiguous and not part:
            # "five to seven today" said at 16:12: the evening reading.
            due = self._clock_on(clock, day, "evening", (start, end))
        if due is not None and due.at is not None and due.at <= self.now:
            return None  # "today at 3pm" said at 16:00 tells of the past
        return due

    def _clock(self, expression: Expression) -> Due | None:
        """A clock time with no day: today's, or tomorrow's once today's has passed."""
        clock = expression.clock
        if clock is None:
            return None
        if expression.marker == "after" and not clock.midnight:
            # "after 4pm": some time after it, so the day is the promise.
            return Due(self.calendar.end_of_day(self.today), "day", expression.span, "after_clock")
        past_tense = expression.past_tense
        if _is_ambiguous(expression):
            # "at 10", "by 8:50": the next time the clock shows it in waking hours.
            for offset in (0, 1):
                day = self.today + timedelta(days=offset)
                for hour in _waking_readings(clock.hour):
                    at = self.calendar.at(day, time(hour, clock.minute))
                    if at > self.now:
                        if offset and past_tense:
                            return None
                        return Due(at, "minute", expression.span, "clock_time")
        due = self._clock_on(expression, self.today, expression.clock_part, expression.span)
        if due is None or due.at is None or due.at > self.now:
            return due
        if expression.clock_today or past_tense:
            # "this evening" at 22:00, or "I've ended the ride at 6:12pm": a past event.
            return None
        # "until 8 PM" said at 22:58 means tomorrow's 8 PM.
        tomorrow = self.today + timedelta(days=1)
        return self._clock_on(expression, tomorrow, expression.clock_part, expression.span)

    def _clock_on(
        self, expression: Expression, day: date, part: Part | None, span: tuple[int, int]
    ) -> Due | None:
        """A clock time on a given day; a range's upper bound ("10pm to 2am": 02:00 the next
        day), "midnight" as the end of the day, "after 4pm" as the day itself."""
        clock = expression.clock
        if clock is None:
            return None
        if clock.midnight:
            return Due(self.calendar.end_of_day(day), "day", span, "midnight")
        if expression.marker == "after":
            return Due(self.calendar.end_of_day(day), "day", span, "after_clock")
        end = _clock_time(clock, part)
        end_day = day
        if expression.clock_from is not None:
            start = _range_start(expression.clock_from, end, part)
            if (end.hour, end.minute) <= (start.hour, start.minute):
                end_day = day + timedelta(days=1)
        if expression.zone is not None:
            # "by 6pm CT": that wall time in the zone named, on the customer's day.
            there = BusinessCalendar(ZoneInfo(expression.zone), None).at(end_day, end)
            return Due(there.astimezone(self.calendar.zone), "minute", span, "clock_time")
        return Due(self.calendar.at(end_day, end), "minute", span, "clock_time")

    # --- parts of days, periods ------------------------------------------------------

    def _part(self, expression: Expression) -> Due | None:
        """ "this morning" 12:00, "tomorrow afternoon" 17:00, "Friday evening" 21:00,
        "Thursday night" 23:59:59 (as "tonight"), "in the morning" the next one to come."""
        day = self._day_of_expression(expression, None)
        return self._part_on(expression, day) if day is not None else None

    def _part_on(self, expression: Expression, day: date) -> Due | None:
        part = expression.part
        if part is None:
            return None
        if part == "night":
            return Due(self.calendar.end_of_day(day), "day", expression.span, "today")
        at = self.calendar.at(day, PART_OF_DAY_ENDS[part])
        if at <= self.now:
            return None  # "this morning" said at 16:00 tells of the past
        return Due(at, "minute", expression.span, "part_of_day")

    def _period(self, expression: Expression) -> Due | None:
        calendar, today, span = self.calendar, self.today, expression.span
        period = expression.period
        day: date | None
        if period == "close_of_business":
            return self._close_of_business(expression)
        if period == "end_of_day":
            day = self.date_of(expression.day) if expression.day is not None else today
            if day is None:
                return None
            return Due(calendar.end_of_day(day), "day", span, "today" if day == today else "day")
        next_monday = today + timedelta(days=7 - today.weekday())
        rule: str = period or "period"
        if period == "this_week" or (period == "weekend" and expression.marker == "before"):
            day, rule = calendar.last_business_day_of_week(today), "this_week"
        elif period == "next_week":
            day = calendar.last_business_day_of_week(next_monday)
        elif period == "early_next_week":
            day = calendar.add_business_days(next_monday - timedelta(days=1), 2)
        elif period == "weekend":
            day = today + timedelta(days=6 - today.weekday())
        elif period == "next_weekend":
            day = next_monday + timedelta(days=6)
        elif period == "this_month":
            day, rule = _month_end(today.year, today.month), "end_of_month"
        elif period == "next_month":
            day = _month_end(*_add_months(today.year, today.month, 1))
        elif period == "this_year":
            day, rule = date(today.year, 12, 31), "end_of_year"
        elif period == "next_year":
            day, rule = date(today.year + 1, 12, 31), "end_of_year"
        elif period == "next_business_day":
            day, rule = calendar.add_business_days(today, 1), "business_days"
        elif period == "month" and expression.month is not None:
            day = self._month(expression.month, expression.year, expression.marker == "before")
            rule = "month"
        else:
            return None
        if day is None or day < today:
            return None
        return Due(calendar.end_of_day(day), "day", span, rule)

    def _month(self, month: int, year: int | None, before: bool) -> date | None:
        """ "in March", "by March": the last day of the next March (this one while it lasts);
        "before March": the last day of February."""
        if year is None:
            year = self.today.year if month >= self.today.month else self.today.year + 1
        if before:
            year, month = _add_months(year, month, -1)
        return _month_end(year, month)

    def _close_of_business(self, expression: Expression) -> Due | None:
        """The organisation's business day end: today's, or, said after it or on a day off
        with no day named, the next business day's."""
        calendar, end = self.calendar, self.calendar.business_day_end
        if expression.day is not None:
            day = self.date_of(expression.day)
            if day is None:
                return None
        else:
            day = self.today
            if not calendar.is_business_day(day):
                day = calendar.next_business_day(day)
            elif self.now.time() >= end:
                day = calendar.add_business_days(day, 1)
        return Due(calendar.at(day, end), "minute", expression.span, "close_of_business")

    # --- durations, relative days -----------------------------------------------------

    def _duration(self, expression: Expression, anchor: date | None) -> Due | None:
        """ "in 3 hours" (elapsed time), "within 5 days" (calendar dates), "5-7 business
        days" (the customer's business days), "7 days after that" (from the day named)."""
        duration = expression.duration
        if duration is None:
            return None
        amount, unit, span = duration.high, duration.unit, expression.span
        if duration.relation == "after_anchor" and anchor is None and duration.later:
            duration = duration._replace(relation="from_turn")  # "30 minutes later": from now
        if duration.relation == "before_anchor":
            return self._before(expression, anchor)
        if duration.relation == "after_event" or (
            duration.relation == "after_anchor" and anchor is None
        ):
            # "within 5 days of your return reaching us": from an event nobody dated.
            return Due(None, None, span, "after_event")
        if unit in ("second", "minute", "hour"):
            # Elapsed time: added in UTC, so a daylight-saving change neither adds nor
            # removes an hour.
            seconds = amount * {"second": 1, "minute": 60, "hour": 3600}[unit]
            at = (self.said_at.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(
                self.calendar.zone
            )
            return Due(at, "minute", span, "hours")
        base = self.today
        if duration.relation == "from_tomorrow":
            base = self.today + timedelta(days=1)
        elif duration.relation == "after_anchor" and anchor is not None:
            base = anchor
        whole = math.ceil(amount)
        if unit == "day" and duration.business:
            day, rule = self.calendar.add_business_days(base, whole), "business_days"
        elif unit == "day":
            day, rule = base + timedelta(days=whole), "days"
        elif unit == "week":
            day, rule = base + timedelta(days=math.ceil(7 * amount)), "weeks"
        elif unit == "month":
            day, rule = _add_months_to_date(base, whole), "months"
        else:
            day, rule = _add_months_to_date(base, 12 * whole), "years"
        if duration.relation == "after_anchor":
            rule = "relative_day"
        if day < self.today:
            return None
        return Due(self.calendar.end_of_day(day), "day", span, rule)

    def _before(self, expression: Expression, anchor: date | None) -> Due | None:
        """ "2 days before your connection date": counted back from the day that dates the
        event, by the range's lower bound ("2-3 days before" is kept until 2 days before);
        an hour-scale gap ("30 minutes before the visit") is that day itself, the anchor
        being only a date."""
        duration = expression.duration
        if duration is None or anchor is None:
            return None
        whole = math.ceil(duration.low)
        if duration.unit in ("second", "minute", "hour"):
            day = anchor
        elif duration.unit == "day" and duration.business:
            day = self.calendar.subtract_business_days(anchor, whole)
        elif duration.unit == "day":
            day = anchor - timedelta(days=whole)
        elif duration.unit == "week":
            day = anchor - timedelta(days=math.ceil(7 * duration.low))
        else:
            months = whole if duration.unit == "month" else 12 * whole
            day = _add_months_to_date(anchor, -months)
        if day < self.today:
            return None
        return Due(self.calendar.end_of_day(day), "day", expression.span, "relative_day")

    def _relative(self, expression: Expression, anchor: date | None) -> Due | None:
        """ "the next day", "that day", "the day before", counted from the day named before
        them (or, with none before, after them); with no day named, no due: "the new one
        ships the same day" counts from an event, not from a day."""
        if anchor is None:
            if not expression.from_today and expression.offset != 1:
                return None  # "the same day", "the day before": of an event nobody dated
            anchor = self.today
        day = anchor + timedelta(days=expression.offset)
        if day < self.today:
            return None
        return Due(self.calendar.end_of_day(day), "day", expression.span, "relative_day")


def _sets_deadline(expression: Expression) -> bool:
    """Whether the words say a deadline ("by Friday", "within 3 days", "until 8 PM"), not
    just a time ("on Friday", "today") or how long a job takes ("it takes 3 hours")."""
    if expression.kind == "duration" and expression.duration is not None:
        return expression.marker in ("in", "within") or expression.duration.business
    return expression.marker in ("by", "before", "until", "within")


def _is_ambiguous(expression: Expression) -> bool:
    """A clock time alone with no am/pm, no part of day and no 24-hour writing: "at 10"."""
    clock = expression.clock
    return (
        clock is not None
        and expression.clock_from is None
        and expression.clock_part is None
        and clock.meridiem is None
        and not clock.exact
        and not clock.midnight
        and 1 <= clock.hour <= 12
    )


def _waking_readings(hour: int) -> list[int]:
    """The readings of an hour with no am/pm that fall in waking hours (07:00 to 21:59)."""
    return [h for h in (hour % 12, hour % 12 + 12) if 7 <= h <= 21]


def _is_day(expression: Expression) -> bool:
    """A day a clock time can belong to ("Friday", "tomorrow morning", "that day", "in the
    morning")."""
    if expression.kind in ("relative_day", "part"):
        return True
    return expression.kind == "day" and expression.day is not None


def _spanning(due: Due | None, first: Expression, second: Expression) -> Due | None:
    if due is None:
        return None
    return Due(due.at, due.granularity, (first.span[0], second.span[1]), due.rule)


def _day_rule(day: DayName) -> str:
    if day.kind in ("today", "tonight"):
        return "today"
    if day.kind == "weekday":
        if day.modifier in ("next", "next_week"):
            return "next_weekday"
        if day.modifier in ("this", "coming", "this_week"):
            return "this_weekday"
        return "weekday"
    return "day"


def _clock_time(clock: Clock, part: Part | None) -> time:
    """The wall time of a clock reading. With no am/pm, the part of day decides; with none,
    business hours do: 1 to 6 are afternoon hours, 7 to 11 morning ones, 12 is noon."""
    hour = clock.hour
    if clock.meridiem == "pm" and hour != 12:
        hour += 12
    elif clock.meridiem == "am" and hour == 12:
        hour = 0
    elif clock.meridiem is None and 1 <= hour <= 12 and not clock.exact:
        if part in ("afternoon", "evening", "night"):
            hour = hour + 12 if hour < 12 else 12
        elif part != "morning" and 1 <= hour <= 6:
            hour += 12
    return time(hour, clock.minute)


def _range_start(start: Clock, end: time, part: Part | None) -> time:
    """A range's lower bound, with its am/pm taken from the upper one when unwritten:
    "between 2 and 4pm" starts at 14:00, "10-1pm" at 10:00, "10pm to 2am" at 22:00."""
    if start.meridiem is not None or start.exact or start.midnight:
        return _clock_time(start, part)
    hours = [start.hour % 12, start.hour % 12 + 12] if start.hour <= 12 else [start.hour]
    fitting = [h for h in hours if (h, start.minute) <= (end.hour, end.minute)]
    hour = max(fitting) if fitting else max(hours)
    if part == "morning" and start.hour < 12:
        hour = start.hour
    return time(hour, start.minute)


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + months
    return total // 12, total % 12 + 1


def _month_end(year: int, month: int) -> date:
    next_year, next_month = _add_months(year, month, 1)
    return date(next_year, next_month, 1) - timedelta(days=1)


def _add_months_to_date(day: date, months: int) -> date:
    """The same day of the month `months` later, or that month's last day when it is
    shorter (31 January + 1 month = 28 or 29 February)."""
    year, month = _add_months(day.year, day.month, months)
    return min(date(year, month, 1) + timedelta(days=day.day - 1), _month_end(year, month))
