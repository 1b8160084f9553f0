"""The organisation's own settings: the defaults a customer without their own falls back to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from keepword.domain.errors import InvalidValue
from keepword.domain.values import check_country, check_timezone

_HOUR_MINUTE = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


@dataclass
class Organisation:
    """Name, default time zone and country, and when a business day ends."""

    name: str = "My company"
    timezone: str = "UTC"
    country: str | None = None
    business_day_end: time = time(18, 0)

    def __post_init__(self) -> None:
        check_timezone("timezone", self.timezone)
        self.country = check_country("country", self.country)


def parse_business_day_end(value: str) -> time:
    """Read 'HH:MM' (24-hour clock) as the time a business day ends."""
    match = _HOUR_MINUTE.fullmatch(value.strip())
    if not match:
        raise InvalidValue(
            "business_day_end", f"'{value}' is not a time of day as HH:MM, e.g. 18:00"
        )
    return time(int(match.group(1)), int(match.group(2)))
