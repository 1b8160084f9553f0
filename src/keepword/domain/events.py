"""Trust events: the append-only spine every trust-relevant fact is written to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from keepword.domain.errors import InvalidValue
from keepword.domain.values import check_aware, check_external_id

SOURCE_ID_MAX = 256


def check_source_id(value: str) -> str:
    """Return `value` if it can name where an event came from: 1-256 printable characters
    without spaces (room for a conversation id with a turn and a label after it)."""
    if not 0 < len(value) <= SOURCE_ID_MAX or not value.isprintable() or " " in value:
        raise InvalidValue(
            "source_id", f"use 1-{SOURCE_ID_MAX} printable characters without spaces"
        )
    return value


_KIND = re.compile(r"[a-z][a-z0-9_]{0,63}")


@dataclass(frozen=True)
class TrustEvent:
    """Something that moved a customer's trust, when it happened, and where it came from.

    Events are never changed or deleted; a correction is a new event.
    """

    customer_id: str
    occurred_at: datetime
    kind: str
    source_type: str
    source_id: str
    details: dict[str, Any] = field(default_factory=dict)
    recorded_at: datetime | None = None

    def __post_init__(self) -> None:
        check_external_id("customer_id", self.customer_id)
        check_aware("occurred_at", self.occurred_at)
        for name in ("kind", "source_type"):
            if not _KIND.fullmatch(getattr(self, name)):
                raise InvalidValue(name, "use lower_snake_case of at most 64 characters")
        check_source_id(self.source_id)
