"""Create-or-update by the source's own id: the one shape every upsert use case shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from keepword.services.ports import Repository

T = TypeVar("T")


@dataclass(frozen=True)
class Upserted(Generic[T]):
    """The stored entity, and whether this call created it (else it updated it)."""

    entity: T
    created: bool


class Stamped(Protocol):
    external_id: str
    created_at: datetime | None
    updated_at: datetime | None


S = TypeVar("S", bound=Stamped)


def save_stamped(repository: Repository[S], entity: S, now: datetime) -> bool:
    """Save `entity`, keeping when it was first stored; True when this created it."""
    first_stored = repository.created_at_of(entity.external_id)
    entity.created_at = first_stored or now
    entity.updated_at = now
    repository.save(entity)
    return first_stored is None
