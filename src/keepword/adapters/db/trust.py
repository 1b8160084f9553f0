"""Each customer's trust index in the database: one row a customer, the fold's state as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import numpy as np
from sqlalchemy import (
    BigInteger,
    Integer,
    Select,
    String,
    Table,
    Text,
    bindparam,
    extract,
    func,
    insert,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from keepword.adapters.db.models import (
    CustomerRow,
    CustomerTrustRow,
    TrustEventRow,
    TrustSnapshotRow,
)
from keepword.adapters.db.repositories import RowIds
from keepword.domain.events import TrustEvent
from keepword.domain.trust import Contribution, TrustState, contribution_of, explaining
from keepword.services.trust_rebuild import EventColumns, UtcInstants


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# The stored state's format: 2 keeps each contribution as a row [kind, at, points,
# fades_as, source_id, details] with only the details the explanation reads. Rows of
# format 1 (no "v"; contributions as objects with every detail) still read.
STATE_FORMAT = 2


def state_to_json(state: TrustState) -> dict[str, Any]:
    """A fold state as plain JSON (every instant with its offset). It is rewritten with
    every event, so it holds only what reading and folding on need: the sums, the recent
    breaches and peaks, and the contributions kept for the explanation with only the
    details their words and team come from (`explaining`)."""
    return {
        "v": STATE_FORMAT,
        "rules": state.rules,
        "as_of": _iso(state.as_of),
        "damage": state.damage,
        "credit": state.credit,
        "recoverable": state.recoverable,
        "recent_breaches": [t.isoformat() for t in state.recent_breaches],
        "last_incident": state.last_incident,
        "last_breach": _iso(state.last_breach),
        "recent_index": [[t.isoformat(), i] for t, i in state.recent_index],
        "churn_signal_after_breach": _iso(state.churn_signal_after_breach),
        "events": state.events,
        "last": [x.isoformat() if isinstance(x, datetime) else x for x in state.last]
        if state.last
        else None,
        "contributions": [
            [c.kind, c.at.isoformat(), c.points, c.fades_as, c.source_id, explaining(c.details)]
            for c in state.contributions
        ],
    }


def _contribution(c: list[Any] | dict[str, Any]) -> Contribution:
    if isinstance(c, dict):  # format 1
        kind, at, points, fades_as, source_id = (
            c["kind"],
            c["at"],
            c["points"],
            c["fades_as"],
            c["source_id"],
        )
        details = explaining(c.get("details", {}))
    else:
        kind, at, points, fades_as, source_id, details = c
    return contribution_of(
        kind, datetime.fromisoformat(at), float(points), fades_as, source_id, details
    )


def state_from_json(data: dict[str, Any]) -> TrustState:
    """The fold state `state_to_json` wrote (of this format or the one before)."""
    return TrustState(
        as_of=_instant(data.get("as_of")),
        damage=float(data.get("damage", 0.0)),
        credit=float(data.get("credit", 0.0)),
        recoverable=float(data.get("recoverable", 0.0)),
        recent_breaches=tuple(datetime.fromisoformat(t) for t in data.get("recent_breaches", [])),
        # Absent from states stored before incidents: the next breach is a new incident.
        last_incident=data.get("last_incident"),
        last_breach=_instant(data.get("last_breach")),
        recent_index=tuple(
            (datetime.fromisoformat(t), float(i)) for t, i in data.get("recent_index", [])
        ),
        churn_signal_after_breach=_instant(data.get("churn_signal_after_breach")),
        events=int(data.get("events", 0)),
        last=_last(data.get("last")),
        contributions=tuple(_contribution(c) for c in data.get("contributions", [])),
        # A state stored before the rules were versioned was folded under the first ones.
        rules=int(data.get("rules", 1)),
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


def _stored_event(fields: dict[str, Any]) -> TrustEvent:
    """A TrustEvent of a row of the log, without its checks again: every row was checked
    when it was appended (the log is append-only), and checking the millions of events
    of a rebuild costs more than folding them."""
    event = object.__new__(TrustEvent)
    event.__dict__.update(fields)
    return event


# The statements of each event's write and each reading, built once (building one costs
# about what running it does).
_TRUST = cast(Table, CustomerTrustRow.__table__)
# The customers' table, not the mapped class: a statement of mapped attributes takes the
# ORM's way through the session, which costs this lookup a third more.
_CUSTOMERS = cast(Table, CustomerRow.__table__)
_STATE_OF = (
    select(_CUSTOMERS.c.id, _TRUST.c.id, _TRUST.c.state, _TRUST.c.at_risk)
    .outerjoin(_TRUST, _TRUST.c.customer_id == _CUSTOMERS.c.id)
    .where(_CUSTOMERS.c.external_id == bindparam("customer"))
)
_UPDATE = update(_TRUST).where(_TRUST.c.id == bindparam("row"))
_INSERT = insert(_TRUST)


class _Decoded:
    """A row's instants and details as the column types would give them, from what the
    driver gives: on SQLite an instant is text in UTC (`UtcDateTime`), read with
    `fromisoformat` and remembered (the events of one turn share their instant); details
    are JSON text, or already decoded by the driver (PostgreSQL)."""

    def __init__(self) -> None:
        self._instants: dict[Any, datetime] = {}

    def instant(self, value: Any) -> datetime:
        found = self._instants.get(value)
        if found is None:
            if isinstance(value, datetime):
                found = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
            else:
                found = datetime.fromisoformat(value).replace(tzinfo=UTC)
            if len(self._instants) > 100_000:  # bounded: only neighbours share instants
                self._instants.clear()
            self._instants[value] = found
        return found

    @staticmethod
    def details(value: Any) -> dict[str, Any]:
        if value is None:
            return {}
        found: dict[str, Any] = json.loads(value) if isinstance(value, str | bytes) else value
        return found or {}


def _microseconds(column: Any, dialect: str) -> Any:
    """An instant column as whole microseconds since 1970 UTC, worked out by the database
    (the rebuild reads millions; converting each in Python costs more than folding it).
    SQLite holds UTC text of SQLAlchemy's fixed format ("2026-12-08 10:04:00.000120")."""
    if dialect == "sqlite":
        seconds = sql_cast(func.strftime("%s", column), Integer)
        return seconds * 1_000_000 + sql_cast(func.substr(column, 21, 6), Integer)
    return sql_cast(extract("epoch", column) * 1_000_000, BigInteger)


# After the instants, fold order (`domain.trust.order_of`) compares these as Python
# compares strings: by code point, which is the byte order of their UTF-8.
_STRINGS_OF_FOLD_ORDER = (TrustEventRow.source_type, TrustEventRow.source_id, TrustEventRow.kind)


def _binary(column: Any, dialect: str) -> Any:
    """`column` ordered by its bytes: SQLite's default; PostgreSQL's "C" collation (its
    default follows the locale's rules)."""
    return column if dialect == "sqlite" else column.collate("C")


def _event_columns(dialect: str) -> Select[Any]:
    """Each event's row as the rebuild reads it (`TrustRepository.event_columns`): its
    instants as numbers, and not its details: the fold reads those of a few events only,
    which are fetched by their ids (`_DETAILS_OF`); read with every row, they were half
    of what the database gave."""
    return select(
        TrustEventRow.customer_id,
        TrustEventRow.id,
        _microseconds(TrustEventRow.occurred_at, dialect),
        TrustEventRow.kind,
        TrustEventRow.source_type,
        TrustEventRow.source_id,
        _microseconds(TrustEventRow.recorded_at, dialect),
    ).order_by(
        TrustEventRow.customer_id,
        TrustEventRow.occurred_at,
        TrustEventRow.recorded_at,
        *(_binary(column, dialect) for column in _STRINGS_OF_FOLD_ORDER),
        TrustEventRow.id,
    )


# Events' details by their ids, as text on every engine (decoded only where the fold
# reads them).
_DETAILS_OF = select(TrustEventRow.id, sql_cast(TrustEventRow.details, Text))
_LITERAL = {"literal_binds": True}  # row ids, numbers
_IDS_AT_ONCE = 500


def _columns(
    rows: Sequence[Any], names: dict[int, str], fetch: Callable[[Sequence[int]], Sequence[Any]]
) -> EventColumns:
    """The columns of rows of `_event_columns`, as the driver gives them; `fetch` gives
    details by event ids."""
    owners, ids, occurred, kinds, types, sources, recorded = zip(*rows, strict=True)
    count = len(rows)
    owner = np.fromiter(owners, np.int64, count)
    starts = np.concatenate(([0], np.flatnonzero(owner[1:] != owner[:-1]) + 1))
    occurred_at = UtcInstants(np.fromiter(occurred, np.int64, count))
    recorded_at = UtcInstants(np.fromiter(recorded, np.int64, count))
    return EventColumns(
        customer_ids=[names[i] for i in owner[starts].tolist()],
        lengths=np.diff(np.append(starts, count)),
        occurred_at=occurred_at,
        recorded_at=recorded_at,
        occurred=occurred_at.timestamps(),
        recorded=recorded_at.timestamps(),
        kinds=kinds,
        source_types=types,
        source_ids=sources,
        details=[None] * count,
        decode=_Decoded.details,
        appended=np.fromiter(ids, np.int64, count),
        in_fold_order=True,
        fetch=fetch,
    )


def _stored_row(state: TrustState, index: float, at_risk: bool, now: datetime) -> dict[str, Any]:
    """The values of a customer's `customer_trust` row for this state."""
    return {
        "state": state_to_json(state),
        "index_value": index,
        "at_risk": at_risk,
        "as_of": state.as_of,
        "updated_at": now,
    }


class TrustRepository:
    """Each customer's folded trust, and the organisation's daily snapshots."""

    def __init__(self, session: Session, ids: RowIds) -> None:
        self.session = session
        self.ids = ids
        # customer id -> (customer row id, customer_trust row id or None), as read in this
        # unit of work: a `save` after a `get` (each event's write) queries nothing more.
        self._rows: dict[str, tuple[int, int | None]] = {}

    def get(self, customer_id: str) -> tuple[TrustState, bool] | None:
        """The customer's stored state and whether they were at risk at their last event:
        one row, found by the customer's id; None for a customer with no index yet (or an
        unknown one)."""
        found = self.session.execute(_STATE_OF, {"customer": customer_id}).first()
        if found is None:
            return None
        row_id, trust_id, state, at_risk = found
        self._rows[customer_id] = (row_id, trust_id)
        return None if trust_id is None else (state_from_json(state), bool(at_risk))

    def save(
        self, customer_id: str, state: TrustState, index: float, at_risk: bool, now: datetime
    ) -> None:
        """Store the customer's state: one UPDATE (or INSERT, the first time)."""
        known = self._rows.get(customer_id)
        if known is None:
            row_id = self.ids.require(CustomerRow, customer_id)
            trust_id = self.session.scalar(
                select(CustomerTrustRow.id).where(CustomerTrustRow.customer_id == row_id)
            )
        else:
            row_id, trust_id = known
        values = _stored_row(state, index, at_risk, now)
        # Core statements on the session's connection (its transaction): no ORM object of
        # the row is loaded, tracked or flushed. None is held anywhere (this repository is
        # the table's only reader, and it reads plain rows), so none can go stale.
        connection = self.session.connection()
        if trust_id is None:
            inserted = connection.execute(_INSERT, {"customer_id": row_id, **values})
            key = inserted.inserted_primary_key
            assert key is not None  # a single row inserted
            trust_id = int(key[0])
        else:
            connection.execute(_UPDATE, {"row": trust_id, **values})
        self._rows[customer_id] = (row_id, trust_id)

    def save_all(
        self, states: Sequence[tuple[str, TrustState, float, bool]], now: datetime
    ) -> None:
        """Store many customers' states (customer, state, index, at risk), as `save` stores
        each: one statement for those with a stored state, one for the others."""
        unknown = [customer for customer, *_ in states if customer not in self._rows]
        for first in range(0, len(unknown), 500):  # within every engine's parameter limit
            found = self.session.execute(
                select(CustomerRow.external_id, CustomerRow.id, _TRUST.c.id)
                .outerjoin(_TRUST, _TRUST.c.customer_id == CustomerRow.id)
                .where(CustomerRow.external_id.in_(unknown[first : first + 500]))
            )
            for customer, row_id, trust_id in found:
                self._rows[customer] = (row_id, trust_id)
        updates, inserts = [], []
        for customer, state, index, at_risk in states:
            known = self._rows.get(customer)
            if known is None:
                # Services check references first; reaching this is a bug, not bad input.
                raise LookupError(f"customers '{customer}' vanished mid-transaction")
            row_id, trust_id = known
            values = _stored_row(state, index, at_risk, now)
            if trust_id is None:
                inserts.append({"customer_id": row_id, **values})
                del self._rows[customer]  # a later `save` finds the new row's id
            else:
                updates.append({"row": trust_id, **values})
        connection = self.session.connection()
        if updates:
            connection.execute(_UPDATE, updates)
        if inserts:
            connection.execute(_INSERT, inserts)

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
            select(
                CustomerRow.external_id, CustomerRow.id, CustomerTrustRow.id, CustomerTrustRow.state
            )
            .join(CustomerRow, CustomerTrustRow.customer_id == CustomerRow.id)
            .order_by(CustomerTrustRow.id)
            .execution_options(yield_per=2000)
        )
        for customer, row_id, trust_id, state in self.session.execute(query):
            self._rows[customer] = (row_id, trust_id)
            yield customer, state_from_json(state)

    def stored_sums(self) -> Iterator[tuple[str, TrustState]]:
        """Every customer's stored state with only what its index is worked out from (its
        instant, damage and credit; `TrustState.index`), read out of the JSON by the
        database: what a rebuild compares, without decoding every state whole."""
        state = CustomerTrustRow.state
        query = (
            select(
                CustomerRow.external_id,
                CustomerRow.id,
                CustomerTrustRow.id,
                state["as_of"].as_string(),
                state["damage"].as_float(),
                state["credit"].as_float(),
            )
            .join(CustomerRow, CustomerTrustRow.customer_id == CustomerRow.id)
            .order_by(CustomerTrustRow.id)
            .execution_options(yield_per=10_000)
        )
        for customer, row_id, trust_id, as_of, damage, credit in self.session.execute(query):
            self._rows[customer] = (row_id, trust_id)
            yield customer, TrustState(_instant(as_of), damage or 0.0, credit or 0.0)

    def folded_under_other_rules(self, rules: int) -> int:
        """Stored states whose `"rules"` is not `rules` or is missing, counted in SQL."""
        folded_under = CustomerTrustRow.state["rules"].as_integer()
        query = select(func.count()).where(or_(folded_under.is_(None), folded_under != rules))
        return int(self.session.scalar(query.select_from(CustomerTrustRow)) or 0)

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

    def event_columns(self, customers: int) -> Iterator[EventColumns]:
        """Every customer's events as columns (for a rebuild), `customers` customers (by
        row id) at a time, those with no event left out: each customer's in fold order
        (`order_of`), sorted by the database, which spares the fold its own (the index on
        (customer, occurred) leaves it only the events of one instant to sort). Rows are
        read from the driver's cursor as plain tuples, and nothing is made of them but the
        columns: instants come as microseconds the database works out, made datetimes
        only where the fold reads them (`UtcInstants`); details are kept as the JSON text
        they are stored as and decoded only where the fold reads them."""
        names = dict(self.session.execute(select(CustomerRow.id, CustomerRow.external_id)).all())
        connection = self.session.connection()
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        every = _event_columns(connection.dialect.name)
        try:
            ordered = sorted(names)
            for first in range(0, len(ordered), customers):
                low, high = ordered[first], ordered[min(first + customers, len(ordered)) - 1]
                query = every.where(TrustEventRow.customer_id.between(low, high))
                sql = query.compile(dialect=connection.dialect, compile_kwargs=_LITERAL)
                cursor.execute(str(sql))
                rows = cursor.fetchall()
                if rows:
                    yield _columns(rows, names, self._details_of)
        finally:
            cursor.close()

    def _details_of(self, events: Sequence[int]) -> list[Any]:
        """The stored details (JSON text) of the events of these row ids, in their order,
        read in the unit of work that read the columns."""
        if not self.session.in_transaction():
            # Closed, the session would open a transaction of its own, never to end.
            raise RuntimeError("fold the columns of event_columns within its unit of work")
        connection = self.session.connection()
        found: dict[int, Any] = {}
        for first in range(0, len(events), _IDS_AT_ONCE):
            chosen = _DETAILS_OF.where(TrustEventRow.id.in_(events[first : first + _IDS_AT_ONCE]))
            sql = chosen.compile(dialect=connection.dialect, compile_kwargs=_LITERAL)
            found.update(connection.exec_driver_sql(str(sql)).all())
        return [found[event] for event in events]

    def events_by_customer(self) -> Iterator[tuple[str, list[TrustEvent]]]:
        """Every customer's events as TrustEvents, one customer at a time, in the order
        appended (what `event_columns` gives as columns, for a rebuild), read in one pass
        of plain rows: making each row an ORM object, or converting its values column type
        by column type, costs several times what folding it does. Instants and details are
        read as the driver gives them and converted here (`_Decoded`)."""
        raw = [
            type_coerce(column, String)
            for column in (
                TrustEventRow.occurred_at,
                TrustEventRow.details,
                TrustEventRow.recorded_at,
            )
        ]
        query = (
            select(
                CustomerRow.external_id,
                raw[0],
                TrustEventRow.kind,
                TrustEventRow.source_type,
                TrustEventRow.source_id,
                raw[1],
                raw[2],
            )
            .join(CustomerRow, TrustEventRow.customer_id == CustomerRow.id)
            .order_by(TrustEventRow.customer_id, TrustEventRow.id)
            .execution_options(yield_per=20_000)
        )
        decoded = _Decoded()
        instant, details_of = decoded.instant, decoded.details
        current: str | None = None
        batch: list[TrustEvent] = []
        for (
            customer,
            occurred,
            kind,
            source_type,
            source_id,
            details,
            recorded,
        ) in self.session.connection().execute(query):
            if customer != current:
                if current is not None:
                    yield current, batch
                current, batch = customer, []
            batch.append(
                _stored_event(
                    {
                        "customer_id": customer,
                        "occurred_at": instant(occurred),
                        "kind": kind,
                        "source_type": source_type,
                        "source_id": source_id,
                        "details": details_of(details),
                        "recorded_at": instant(recorded) if recorded is not None else None,
                    }
                )
            )
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
