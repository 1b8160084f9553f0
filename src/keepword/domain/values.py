"""Checks of the small values every entity shares: ids, country codes, time zones, instants."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from zoneinfo import available_timezones

from keepword.domain.errors import InvalidValue

EXTERNAL_ID_MAX = 128
# Printable, no whitespace or slash: ids travel in URL paths and CLI arguments.
_EXTERNAL_ID = re.compile(r"[^\s/]{1,128}")
_COUNTRY = re.compile(r"[A-Z]{2}")


@cache
def _known_timezones() -> frozenset[str]:
    # zoneinfo also opens files such as "localtime" or "posixrules", which are not zone names.
    return frozenset(available_timezones())


def check_external_id(field: str, value: str) -> str:
    """Return `value` if it can serve as a source's id: 1-128 characters, no / or space."""
    if not _EXTERNAL_ID.fullmatch(value) or not value.isprintable():
        raise InvalidValue(
            field,
            f"{value[:40]!r} is not a usable id: use 1-{EXTERNAL_ID_MAX} characters "
            "without spaces or '/'",
        )
    return value


def check_country(field: str, value: str | None) -> str | None:
    """Return an ISO 3166 alpha-2 code in upper case, or None; refuse anything else."""
    if value is None:
        return None
    code = value.strip()
    if not code.isascii() or not _COUNTRY.fullmatch(code.upper()):
        raise InvalidValue(field, f"'{value}' is not an ISO 3166 alpha-2 country code such as GB")
    return code.upper()


def check_timezone(field: str, value: str | None) -> str | None:
    """Return an IANA time zone name that this system knows, or None."""
    if value is None:
        return None
    if value not in _known_timezones():
        raise InvalidValue(field, f"'{value}' is not an IANA time zone name such as Europe/Rome")
    return value


def check_text(field: str, value: str, limit: int) -> str:
    """Return `value` if it has at most `limit` characters and no NUL, which no database stores."""
    if len(value) > limit:
        raise InvalidValue(field, f"at most {limit} characters")
    if "\x00" in value:
        raise InvalidValue(field, "contains a NUL character (\\u0000); remove it")
    return value


def check_aware(field: str, value: datetime) -> datetime:
    """Return `value` if it carries a UTC offset; an instant without one is ambiguous."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(field, "needs a UTC offset, e.g. 2024-05-29T10:00:00+02:00")
    return value
