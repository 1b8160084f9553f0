"""Use cases of the trust index: keep each customer's index with every event, read it,
rebuild it, list who is at risk, and what the organisation's trust looks like.

Every trust event goes through `note_event`, which appends it and folds it into the
customer's stored index in the same transaction: reading an index is one row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache

from keepword.domain.errors import NotFound
from keepword.domain.events import TrustEvent
from keepword.domain.trust import (
    FOLD_RULES,
    RETRACTED,
    Contribution,
    Effect,
    Explained,
    TrustModel,
    TrustReading,
    TrustState,
    apply,
    fold,
    history,
    order_of,
    read,
    team_of,
    trust_model_of,
)
from keepword.services.ports import UnitOfWork, UnitOfWorkFactory
from keepword.services.trust_rebuild import BATCH, fold_columns

AT_RISK_EVENT = "customer.at_risk"
SAVED_AT_ONCE = 1_000  # states a rebuild stores in one statement


def _model(uow: UnitOfWork) -> TrustModel:
    """The organisation's trust model, built once for each setting it has had: every event's
    write and every reading needs it, and building it (checking every setting) costs more
    than the rest of a reading."""
    settings = uow.organisation.trust_settings()
    return _model_of(json.dumps(settings, sort_keys=True, default=str))


@lru_cache(maxsize=16)
def _model_of(settings: str) -> TrustModel:
    return trust_model_of(json.loads(settings))


def note_event(uow: UnitOfWork, event: TrustEvent) -> None:
    """Append `event` to the trust log and fold it into its customer's index, in the open
    unit of work. An event older than the customer's latest, or a retraction, folds the
    customer's events again from scratch, so the stored index always equals a rebuild.
    Callers append a transaction's events in fold order (`order_of`) to spare refolds.
    A customer who becomes at risk is announced to the `customer.at_risk` webhooks.

    Inside `folding_once(uow)` the event is appended at once and folded when that block
    ends, with the customer's other events of the block."""
    uow.trust_events.append(event)
    batch = _batch.get()
    if batch is not None and batch.uow is uow:
        batch.events.setdefault(event.customer_id, []).append(event)
        return
    _fold_in(uow, event.customer_id, [event])


@dataclass
class _Batch:
    uow: UnitOfWork
    events: dict[str, list[TrustEvent]] = field(default_factory=dict)


_batch: ContextVar[_Batch | None] = ContextVar("keepword_trust_batch", default=None)


@contextmanager
def folding_once(uow: UnitOfWork) -> Iterator[None]:
    """Within the block, `note_event` on `uow` appends each event at once and folds each
    customer's events of the block into their index once, when the block ends (still in
    the same unit of work, before its commit). An import of many conversations refolds
    a customer once, not once for every event older than the one before; the stored
    index is the same. Whether a customer became at risk is judged once, at the end.
    If the block raises, nothing is folded: the unit of work is rolled back anyway."""
    batch = _Batch(uow)
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    for customer_id, events in batch.events.items():
        _fold_in(uow, customer_id, events)


def _fold_in(uow: UnitOfWork, customer_id: str, events: list[TrustEvent]) -> None:
    """Fold `events` (appended already) into the customer's stored index: one by one when
    they all come after it in fold order, else all the customer's events from scratch."""
    model = _model(uow)
    stored = uow.trust.get(customer_id)
    was_at_risk = stored[1] if stored else False
    state = stored[0] if stored else TrustState()
    ordered = sorted(events, key=order_of) if len(events) > 1 else events
    if any(e.kind == RETRACTED for e in ordered) or not state.folds_after(ordered[0]):
        state = fold(uow.trust.events_of(customer_id), model)
    else:
        for event in ordered:
            state = apply(state, event, model)
    last = ordered[-1]
    _save(uow, customer_id, state, model, was_at_risk, last.recorded_at or last.occurred_at)


def _save(
    uow: UnitOfWork,
    customer_id: str,
    state: TrustState,
    model: TrustModel,
    was_at_risk: bool,
    now: datetime,
) -> None:
    # At risk is judged as of the latest event: only an event makes a customer at risk.
    when = state.as_of or now
    reading = read(state, when, model, top=0)  # the explanation only goes with the webhook
    uow.trust.save(customer_id, state, reading.index, reading.at_risk, now)
    if reading.at_risk and not was_at_risk:
        reading = read(state, when, model)
        payload = {
            "event": AT_RISK_EVENT,
            "occurred_at": when.isoformat(),
            "customer": customer_id,
            "index": reading.index,
            "reasons": list(reading.reasons),
            "explanation": [_explained(e) for e in reading.explanation[:5]],
        }
        uow.webhooks.enqueue(
            AT_RISK_EVENT, payload, f"{customer_id}:at-risk:{when.isoformat()}", now
        )


def _explained(line: Explained) -> dict[str, object]:
    return {
        "kind": line.kind,
        "at": line.at.isoformat(),
        "contribution": line.contribution,
        "text": line.text,
    }


@dataclass(frozen=True)
class CustomerTrust:
    """A customer's trust as people read it."""

    customer_id: str
    reading: TrustReading


def trust_of(uow: UnitOfWork, customer_id: str, now: datetime, top: int = 10) -> CustomerTrust:
    """A customer's index at `now`, whether at risk and why, and the `top` events that move
    it most: one row read. A known customer with no event yet stands at the prior."""
    with uow:
        stored = uow.trust.get(customer_id)
        # No index: a customer with no event yet, or none of that id.
        if stored is None and uow.customers.get(customer_id) is None:
            raise NotFound("customer", customer_id)
        model = _model(uow)
    state = stored[0] if stored else TrustState()
    return CustomerTrust(customer_id, read(state, now, model, top))


def at_risk(uow: UnitOfWork, now: datetime, limit: int = 500) -> list[CustomerTrust]:
    """Customers at risk at `now`, lowest index first: flagged at their last event and
    still at risk now (a fall or a churn signal stops counting after its window)."""
    with uow:
        model = _model(uow)
        flagged = uow.trust.flagged(limit)
    found = [CustomerTrust(c, read(state, now, model)) for c, state in flagged]
    return sorted(
        (c for c in found if c.reading.at_risk), key=lambda c: (c.reading.index, c.customer_id)
    )


@dataclass(frozen=True)
class RebuildReport:
    """What a rebuild did."""

    customers: int
    events: int
    changed: int  # customers whose stored index differed from the rebuilt one


def rebuild_trust(
    uow_factory: UnitOfWorkFactory, now: datetime, on_customer: Callable[[int], None] | None = None
) -> RebuildReport:
    """Fold every customer's events again from scratch and store the result; counts the
    customers whose stored index was not what the events give (there should be none).
    Customers are folded many at a time, from their events' columns as the database
    gives them (`trust_rebuild.fold_columns`: the states of `domain.trust.fold`, in
    numpy); `on_customer` hears of each customer stored, in batches."""
    customers = events = changed = 0
    uow = uow_factory()
    with uow:
        model = _model(uow)
        stored = dict(uow.trust.stored_sums())  # what each stored index is worked out from
        done: list[tuple[str, TrustState, float, bool]] = []
        for columns in uow.trust.event_columns(BATCH):
            states = fold_columns(columns, model)
            for customer, state in zip(columns.customer_ids, states, strict=True):
                when = state.as_of or now
                reading = read(state, when, model, top=0)
                old = stored.get(customer)
                if old is None or old.index(when, model) != reading.index:
                    changed += 1
                done.append((customer, state, reading.index, reading.at_risk))
            customers += len(states)
            events += int(columns.lengths.sum())
        for first in range(0, len(done), SAVED_AT_ONCE):
            saved = done[first : first + SAVED_AT_ONCE]
            uow.trust.save_all(saved, now)
            if on_customer is not None:
                on_customer(len(saved))
        uow.commit()
    return RebuildReport(customers, events, changed)


def indices_under_former_rules(uow: UnitOfWork) -> int:
    """How many customers' stored indices were folded under other rules than today's
    (`FOLD_RULES`): each is folded again at its next event, `rebuild_trust` folds all."""
    with uow:
        return uow.trust.folded_under_other_rules(FOLD_RULES)


def index_history(uow: UnitOfWork, customer_id: str) -> list[tuple[TrustEvent, float]]:
    """The customer's events that count, each with the index just after it (the timeline)."""
    with uow:
        if uow.customers.get(customer_id) is None:
            raise NotFound("customer", customer_id)
        model = _model(uow)
        events = uow.trust.events_of(customer_id)
    return history(events, model)


@dataclass(frozen=True)
class OrganisationTrust:
    """How trust stands across the organisation at `now`."""

    customers: int
    mean_index: float | None
    histogram: list[int]  # customers per 10 points: 0-9, 10-19, ..., 90-100
    at_risk: int
    trend: Sequence[tuple[str, float, int]]  # (day, mean index, at risk) from the snapshots
    lost_by_team: Sequence[tuple[str, str, float]]  # (team, event kind, points lost)


def _histogram(indices: Sequence[float]) -> list[int]:
    bins = [0] * 10
    for value in indices:
        bins[min(int(value // 10), 9)] += 1
    return bins


def organisation_trust(uow: UnitOfWork, now: datetime, days: int = 90) -> OrganisationTrust:
    """The distribution of every customer's index at `now`, the trend of the last `days`
    days (from the clock's daily snapshots) and which breaches cost most trust, by team."""
    with uow:
        model = _model(uow)
        states = [state for _, state in uow.trust.all_states()]
        trend = uow.trust.snapshots((now - timedelta(days=days)).date().isoformat())
    readings = [read(state, now, model) for state in states]
    indices = [r.index for r in readings]
    lost: dict[tuple[str, str], float] = {}
    for state in states:
        for contribution in state.contributions:
            points = contribution.now(now, model)
            if points < 0:
                key = (team_of(contribution.details) or "no team", contribution.kind)
                lost[key] = lost.get(key, 0.0) + points
    return OrganisationTrust(
        customers=len(readings),
        mean_index=round(sum(indices) / len(indices), 1) if indices else None,
        histogram=_histogram(indices),
        at_risk=sum(1 for r in readings if r.at_risk),
        trend=[(day, mean, risky) for day, _, mean, risky, _ in trend],
        lost_by_team=sorted(
            ((team, kind, round(points, 1)) for (team, kind), points in lost.items()),
            key=lambda row: row[2],
        ),
    )


def snapshot_trust(uow: UnitOfWork, now: datetime) -> bool:
    """Keep today's organisation trust for the trend (once a day; False if kept already)."""
    summary = organisation_trust(uow, now, days=0)
    with uow:
        kept = uow.trust.snapshot(
            now.date().isoformat(),
            summary.customers,
            summary.mean_index or 0.0,
            summary.at_risk,
            summary.histogram,
        )
        uow.commit()
    return kept


@dataclass(frozen=True)
class TimelineEntry:
    """One event of a customer's trust timeline: what happened in plain words, what kind of
    event it is, the points it moved the index by then and counts for now, and the index
    just after it."""

    event: TrustEvent
    text: str
    effect: Effect
    repairs: bool  # a positive event that won back part of a breach's damage
    points_then: float
    points_now: float
    index_after: float


def trust_timeline(uow: UnitOfWork, customer_id: str, now: datetime) -> list[TimelineEntry]:
    """The customer's events that count, in time order with the index after each (as
    `index_history`), each in plain words with the points it moved the index by when it
    happened and the points it counts for at `now`."""
    counted = index_history(uow, customer_id)
    with uow:
        model = _model(uow)
    entries = []
    state = TrustState()
    for event, index_after in counted:
        # Folded with an empty explanation, the one contribution a step leaves is this
        # event's own; the explanation is never part of the sums, so the fold is the same.
        state = apply(replace(state, contributions=()), event, model)
        own = state.contributions[0] if state.contributions else None
        effect = model.weight_of(event.kind).effect
        entries.append(
            TimelineEntry(
                event=event,
                text=_in_words(event, own, model),
                effect=effect,
                repairs=effect is Effect.POSITIVE and own is not None and own.fades_as == "breach",
                points_then=own.points if own else 0.0,
                points_now=round(own.now(now, model), 1) if own else 0.0,
                index_after=index_after,
            )
        )
    return entries


def _in_words(event: TrustEvent, own: Contribution | None, model: TrustModel) -> str:
    # read() words the events it explains, and its words never depend on the points: a
    # probe worth one point gets events that move nothing (now or ever) the same words.
    probe = Contribution(
        event.kind,
        event.occurred_at,
        1.0,
        own.fades_as if own else "positive",
        event.source_id,
        event.details,
    )
    reading = read(TrustState(contributions=(probe,)), event.occurred_at, model, top=1)
    return reading.explanation[0].text


@dataclass(frozen=True)
class TrustDay:
    """The organisation's trust as the clock's snapshot kept it one day."""

    day: date
    customers: int
    mean_index: float | None  # None on a day when no customer had an index yet
    at_risk: int


def trust_trend(uow: UnitOfWork, now: datetime, days: int = 90) -> list[TrustDay]:
    """The daily snapshots of the last `days` days, oldest first, with how many customers
    each counted (the window of `organisation_trust`'s trend)."""
    with uow:
        kept = uow.trust.snapshots((now - timedelta(days=days)).date().isoformat())
    return [
        TrustDay(date.fromisoformat(day), customers, mean if customers else None, risky)
        for day, customers, mean, risky, _ in kept
    ]
