"""Each customer's trust index in the database: one row a customer, the fold's state as JSON."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepword.adapters.db.models import (
    CustomerRow,
    CustomerTrustRow,
    TrustEventRow,
    TrustSnapshotRow,
)
from keepword.adapters.db.repositories import RowIds
from keepword.domain.events import TrustEvent
from keepword.domain.trust import Contribution, TrustState


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def state_to_json(state: TrustState) -> dict[str, Any]:
    """A fold state as plain JSON (every instant with its offset)."""
    return {
        "as_of": _iso(state.as_of),
        "damage": state.damage,
        "credit": state.credit,
        "recoverable": state.recoverable,
        "recent_breaches": [t.isoformat() for t in state.recent_breaches],
        "last_breach": _iso(state.last_breach),
        "recent_index": [[t.isoformat(), i] for t, i in state.recent_index],
        "churn_signal_after_breach": _iso(state.churn_signal_after_breach),
        "events": state.events,
        "last": [x.isoformat() if isinstance(x, datetime) else x for x in state.last]
        if state.last
        else None,
        "contributions": [
            {
                "kind": c.kind,
                "at": c.at.isoformat(),
                "points": c.points,
                "fades_as": c.fades_as,
                "source_id": c.source_id,
                "details": dict(c.details),
            }
            for c in state.contributions
        ],
    }


def state_from_json(data: dict[str, Any]) -> TrustState:
    """The fold state `state_to_json` wrote."""
    return TrustState(
        as_of=_instant(data.get("as_of")),
        damage=float(data.get("damage", 0.0)),
        credit=float(data.get("credit", 0.0)),
        recoverable=float(data.get("recoverable", 0.0)),
        recent_breaches=tuple(datetime.fromisoformat(t) for t in data.get("recent_breaches", [])),
        last_breach=_instant(data.get("last_breach")),
        recent_index=tuple(
            (datetime.fromisoformat(t), float(i)) for t, i in data.get("recent_index", [])
        ),
        churn_signal_after_breach=_instant(data.get("churn_signal_after_breach")),
        events=int(data.get("events", 0)),
        last=_last(data.get("last")),
        contributions=tuple(
            Contribution(
                c["kind"],
                datetime.fromisoformat(c["at"]),
                float(c["points"]),
                c["fades_as"],
                c["source_id"],
                dict(c.get("details", {})),
            )
            for c in data.get("contributions", [])
        ),
    )


def _last(value: list[str] | None) -> tuple[datetime, datetime, str, str, str] | None:
    if not value:
        return None
    occurred, recorded, source_type, source_id, kind = value
    return (
        datetime.fromisoformat(occurred),
        datetime.fromisoformat(recorded),
        source_type,
        source_id,
        kind,
    )


def _event(row: TrustEventRow, customer_id: str) -> TrustEvent:
    return TrustEvent(
        customer_id,
        row.occurred_at,
        row.kind,
        row.source_type,
        row.source_id,
        dict(row.details or {}),
        row.recorded_at,
    )


class TrustRepository:
    """Each customer's folded trust, and the organisation's daily snapshots."""

    def __init__(self, session: Session, ids: RowIds) -> None:
        self.session = session
        self.ids = ids

    def get(self, customer_id: str) -> tuple[TrustState, bool] | None:
        """The customer's stored state and whether they were at risk at their last event."""
        row_id = self.ids.find(CustomerRow, customer_id)
        if row_id is None:
            return None
        row = self.session.scalar(
            select(CustomerTrustRow).where(CustomerTrustRow.customer_id == row_id)
        )
        return None if row is None else (state_from_json(row.state), row.at_risk)

    def save(
        self, customer_id: str, state: TrustState, index: float, at_risk: bool, now: datetime
    ) -> None:
        row_id = self.ids.require(CustomerRow, customer_id)
        row = self.session.scalar(
            select(CustomerTrustRow).where(CustomerTrustRow.customer_id == row_id)
        )
        if row is None:
            row = CustomerTrustRow(customer_id=row_id)
            self.session.add(row)
        row.state = state_to_json(state)
        row.index_value = index
        row.at_risk = at_risk
        row.as_of = state.as_of
        row.updated_at = now
        self.session.flush()

    def flagged(self, limit: int) -> Sequence[tuple[str, TrustState]]:
        """Customers at risk at their last event, lowest index first."""
        rows = self.session.execute(
            select(CustomerRow.external_id, CustomerTrustRow.state)
            .join(CustomerRow, CustomerTrustRow.customer_id == CustomerRow.id)
            .where(CustomerTrustRow.at_risk.is_(True))
            .order_by(CustomerTrustRow.index_value, CustomerRow.external_id)
            .limit(limit)
        ).all()
        return [(customer, state_from_json(state)) for customer, state in rows]

    def all_states(self) -> Iterator[tuple[str, TrustState]]:
        """Every customer's stored state, in batches."""
        query = (
            select(CustomerRow.external_id, CustomerTrustRow.state)
            .join(CustomerRow, CustomerTrustRow.customer_id == CustomerRow.id)
            .order_by(CustomerTrustRow.id)
            .execution_options(yield_per=2000)
        )
        for customer, state in self.session.execute(query):
            yield customer, state_from_json(state)

    def customers_with_events(self) -> Sequence[str]:
        """Every customer who has at least one trust event."""
        query = (
            select(CustomerRow.external_id)
            .join(TrustEventRow, TrustEventRow.customer_id == CustomerRow.id)
            .distinct()
            .order_by(CustomerRow.external_id)
        )
        return list(self.session.scalars(query))

    def events_of(self, customer_id: str) -> Sequence[TrustEvent]:
        """Every trust event of one customer, in the order they were recorded."""
        row_id = self.ids.find(CustomerRow, customer_id)
        if row_id is None:
            return []
        rows = self.session.scalars(
            select(TrustEventRow)
            .where(TrustEventRow.customer_id == row_id)
            .order_by(TrustEventRow.id)
        )
        return [_event(r, customer_id) for r in rows]

    def events_by_customer(self) -> Iterator[tuple[str, list[TrustEvent]]]:
        """Every customer's events, one customer at a time (for a rebuild), read in one pass."""
        query = (
            select(TrustEventRow, CustomerRow.external_id)
            .join(CustomerRow, TrustEventRow.customer_id == CustomerRow.id)
            .order_by(TrustEventRow.customer_id, TrustEventRow.id)
            .execution_options(yield_per=5000)
        )
        current: str | None = None
        batch: list[TrustEvent] = []
        for r, customer in self.session.execute(query):
            if customer != current:
                if current is not None:
                    yield current, batch
                current, batch = customer, []
            batch.append(_event(r, customer))
        if current is not None:
            yield current, batch

    def snapshot(
        self, day: str, customers: int, mean: float, at_risk: int, histogram: list[int]
    ) -> bool:
        """Keep the organisation's trust of `day`; False when that day was kept already."""
        exists = self.session.scalar(select(TrustSnapshotRow.id).where(TrustSnapshotRow.day == day))
        if exists is not None:
            return False
        self.session.add(
            TrustSnapshotRow(
                day=day, customers=customers, mean_index=mean, at_risk=at_risk, histogram=histogram
            )
        )
        self.session.flush()
        return True

    def snapshots(self, since: str) -> Sequence[tuple[str, int, float, int, list[int]]]:
        """The daily snapshots from `since` (YYYY-MM-DD) on, oldest first."""
        rows = self.session.scalars(
            select(TrustSnapshotRow)
            .where(TrustSnapshotRow.day >= since)
            .order_by(TrustSnapshotRow.day)
        )
        return [(r.day, r.customers, r.mean_index, r.at_risk, list(r.histogram)) for r in rows]
