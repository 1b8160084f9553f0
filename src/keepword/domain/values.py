"""Checks of the small values every entity shares: ids, country codes, time zones, instants."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from keepword.domain.errors import InvalidValue

EXTERNAL_ID_MAX = 128
# Printable, no whitespace or slash: ids travel in URL paths and CLI arguments.
_EXTERNAL_ID = re.compile(r"^[^\s/]{1,128}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def check_external_id(field: str, value: str) -> str:
    """Return `value` if it can serve as a source's id: 1-128 characters, no / or space."""
    if not _EXTERNAL_ID.match(value):
        raise InvalidValue(
            field,
            f"'{value[:40]}' is not a usable id: use 1-{EXTERNAL_ID_MAX} characters "
            "without spaces or '/'",
        )
    return value


def check_country(field: str, value: str | None) -> str | None:
    """Return an ISO 3166 alpha-2 code in upper case, or None; refuse anything else."""
    if value is None:
        return None
    code = value.strip().upper()
    if not _COUNTRY.match(code):
        raise InvalidValue(field, f"'{value}' is not an ISO 3166 alpha-2 country code such as GB")
    return code


def check_timezone(field: str, value: str | None) -> str | None:
    """Return an IANA time zone name that this system knows, or None."""
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidValue(
            field, f"'{value}' is not an IANA time zone name such as Europe/Rome"
        ) from error
    return value


def check_aware(field: str, value: datetime) -> datetime:
    """Return `value` if it carries a UTC offset; an instant without one is ambiguous."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(field, "needs a UTC offset, e.g. 2024-05-29T10:00:00+02:00")
    return value
