"""The one source of "now".

Services and the domain take `now` as an argument; only the edges (CLI,
web, the job loop) call :func:`now`, once per operation.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """Return the current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)
