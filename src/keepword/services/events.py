"""Use cases that write to the trust event log."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from keepword.domain.errors import Conflict
from keepword.domain.events import TrustEvent
from keepword.services.ports import UnitOfWork
from keepword.services.trust import note_event


def record_trust_event(uow: UnitOfWork, event: TrustEvent, now: datetime) -> TrustEvent:
    """Append one event for a known customer, stamped with when it was recorded."""
    with uow:
        if uow.customers.get(event.customer_id) is None:
            raise Conflict(
                f"customer '{event.customer_id}' does not exist; create the customer first",
                field="customer_id",
            )
        recorded = replace(event, recorded_at=now)
        note_event(uow, recorded)
        uow.commit()
    return recorded
