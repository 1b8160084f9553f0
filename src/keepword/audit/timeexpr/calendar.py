"""Business days, public holidays and local instants in one customer's time zone.

A promise falls due in the customer's zone, on the customer's business days.
`BusinessCalendar` answers the few questions the resolver asks of a calendar:
is this a business day, which is the Nth business day after that one, which is
the last one of the week, and which instant is 23:59:59 (or 10:00) on a date.
Public holidays come from the `holidays` package and are looked up once per
(country, year): every promise of every turn asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo

import holidays

END_OF_DAY: Final = time(23, 59, 59)
# Far more than any real run of holidays; a guard against a calendar with no business days.
_MAX_SKIP: Final = 366


@lru_cache(maxsize=4096)
def _holiday_dates(country: str, year: int) -> frozenset[date]:
    """The public holidays of `country` in `year` (observed days included), looked up once."""
    return frozenset(holidays.country_holidays(country, years=year).keys())


@lru_cache(maxsize=8192)
def _end_of_day(zone: ZoneInfo, day: date) -> datetime:
    """23:59:59 on `day` in `zone`; asked for again and again, so remembered."""
    return BusinessCalendar(zone, None).at(day, END_OF_DAY)


@lru_cache(maxsize=1)
def _supported_countries() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """One customer's calendar: their time zone, their country's public holidays and the
    hour at which the organisation's business day ends (what "close of business" means).

    `country` is an ISO 3166 alpha-2 code; None means no public holidays, only weekends.
    A code the `holidays` package does not know is refused here, when the calendar is made,
    rather than on the first promise that needs it.
    """

    zone: ZoneInfo
    country: str | None
    business_day_end: time = time(17, 0)

    def __post_init__(self) -> None:
        if self.country is not None:
            code = self.country.strip().upper()
            if code not in _supported_countries():
                raise ValueError(f"no public holidays are known for country {self.country!r}")
            object.__setattr__(self, "country", code)
        if self.business_day_end.tzinfo is not None:
            raise ValueError("business_day_end is a wall-clock time: give it no time zone")

    def __reduce__(self) -> tuple[type[BusinessCalendar], tuple[ZoneInfo, str | None, time]]:
        # `keepword audit --workers` sends calendars to its processes. Made again from its
        # fields, a calendar needs no frozen-field assignment, which the class mypyc
        # compiles (setup.py) does not allow as the dataclass's own pickling does.
        return (BusinessCalendar, (self.zone, self.country, self.business_day_end))

    def is_holiday(self, day: date) -> bool:
        """Whether `day` is a public holiday of the calendar's country (never without one)."""
        return self.country is not None and day in _holiday_dates(self.country, day.year)

    def is_business_day(self, day: date) -> bool:
        """Monday to Friday and not a public holiday of the calendar's country."""
        return day.weekday() < 5 and not self.is_holiday(day)

    def add_business_days(self, day: date, n: int) -> date:
        """The Nth business day after `day` (`day` itself never counts, business day or not);
        n = 0 gives `day` back. n must not be negative."""
        return self._count_business_days(day, n, timedelta(days=1))

    def subtract_business_days(self, day: date, n: int) -> date:
        """The Nth business day before `day` (`day` itself never counts): "2 working days
        before your connection date". n = 0 gives `day` back. n must not be negative."""
        return self._count_business_days(day, n, timedelta(days=-1))

    def _count_business_days(self, day: date, n: int, step: timedelta) -> date:
        if n < 0:
            raise ValueError(f"cannot count {n} business days")
        current, counted, skipped = day, 0, 0
        # The holidays of the year being walked through, fetched again only when it changes.
        year, days_off = -1, frozenset[date]()
        while counted < n:
            current += step
            if self.country is not None and current.year != year:
                year, days_off = current.year, _holiday_dates(self.country, current.year)
            if current.weekday() < 5 and current not in days_off:
                counted += 1
                skipped = 0
            else:
                skipped += 1
                if skipped > _MAX_SKIP:
                    raise ValueError(f"no business day within a year of {current}")
        return current

    def next_business_day(self, day: date) -> date:
        """`day` itself when it is a business day, else the first business day after it."""
        return day if self.is_business_day(day) else self.add_business_days(day, 1)

    def last_business_day_of_week(self, day: date) -> date:
        """The last business day of the week (Monday to Sunday) that holds `day`, counting
        only `day` and the days after it.

        When no business day is left that week (asked on a Saturday, or on a Friday that is
        a holiday, for a Friday-ending week) the answer is that week's Sunday: told "this
        week", a customer waits until the week is over, and no longer.
        """
        sunday = day + timedelta(days=6 - day.weekday())
        current = sunday
        while current >= day:
            if self.is_business_day(current):
                return current
            current -= timedelta(days=1)
        return sunday

    def end_of_day(self, day: date) -> datetime:
        """23:59:59 on `day` in the calendar's zone: the last instant of a day-scale promise."""
        return _end_of_day(self.zone, day)

    def at(self, day: date, clock: time) -> datetime:
        """The aware instant at which the calendar's zone reads `clock` on `day`.

        Where a daylight-saving change makes that reading ambiguous or impossible:
        - a time the clocks pass twice (a fold: 01:30 on 2025-11-02 in New York) is its
          first occurrence, the moment the customer's clock first shows it;
        - a time the clocks skip (a gap: 01:30 on 2025-03-30 in London) is the moment the
          clocks jump (02:00 BST there), the first instant the clock shows a later time,
          so "by 01:30" is not stretched by the hour that never happened.
        """
        wall = datetime.combine(day, clock.replace(tzinfo=None))
        first = wall.replace(tzinfo=self.zone, fold=0)
        offset, offset_later = first.utcoffset(), wall.replace(tzinfo=self.zone, fold=1).utcoffset()
        # The two readings of a wall time differ only at a change: where the clocks go
        # back (a fold) the first reading has the larger offset; where they jump forward
        # (a gap) the smaller one, and the wall time never shows.
        if offset is None or offset_later is None or offset >= offset_later:
            return first
        return self._jump_after(wall)

    def _jump_after(self, wall: datetime) -> datetime:
        """The instant the clocks jump over `wall`, a wall time inside a daylight-saving gap."""
        # In a gap, fold=0 reads the wall time with the offset in force before the jump (an
        # instant after it) and fold=1 with the offset after it (an instant before it).
        low = wall.replace(tzinfo=self.zone, fold=1).astimezone(UTC)
        high = wall.replace(tzinfo=self.zone, fold=0).astimezone(UTC)
        if low > high:
            low, high = high, low
        offset_before = low.astimezone(self.zone).utcoffset()
        # Transitions fall on whole seconds: bisect to the first second with the new offset.
        while high - low > timedelta(seconds=1):
            middle = low + (high - low) / 2
            middle = middle.replace(microsecond=0)
            if middle <= low:
                break
            if middle.astimezone(self.zone).utcoffset() == offset_before:
                low = middle
            else:
                high = middle
        return high.astimezone(self.zone)
