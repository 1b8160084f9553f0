"""The calendar a conversation's promises fall due in, from what is known of its customer."""

from __future__ import annotations

from datetime import time
from functools import lru_cache
from zoneinfo import ZoneInfo

from keepword.audit.timeexpr import BusinessCalendar


@lru_cache(maxsize=1024)
def customer_calendar(
    timezone: str | None,
    country: str | None,
    *,
    default_timezone: str = "UTC",
    default_country: str | None = None,
    business_day_end: time = time(17, 0),
) -> BusinessCalendar:
    """The customer's time zone and country, else the defaults (the organisation's); a
    country whose public holidays are not known counts weekends only, rather than failing
    the audit of every conversation it appears in."""
    zone = ZoneInfo(timezone or default_timezone)
    try:
        return BusinessCalendar(zone, country or default_country, business_day_end)
    except ValueError:
        return BusinessCalendar(zone, None, business_day_end)
