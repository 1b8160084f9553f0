"""Small result types the use cases return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Upserted(Generic[T]):
    """The stored entity, and whether this call created it (else it updated it)."""

    entity: T
    created: bool
