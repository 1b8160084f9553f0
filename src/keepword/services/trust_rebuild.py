"""Many customers' trust events folded at once, in numpy: the fold of `rebuild_trust`.

`fold_columns` (events as columns, as the rebuild reads them from the database:
`EventColumns`) and `fold_many` (TrustEvents, made columns) give for each customer
exactly the state `domain.trust.fold` gives: the same floats to the last bit, the same
contributions kept, the same peaks. They take the same steps with the same
floating-point operations in the same order, only for every customer at once: step k
folds the k-th event of each customer who has one (customers sorted longest first, so
the customers of step k are the first ones). What cannot be done that way stays in
Python: comparing the source ids of events of one instant where they are not in fold
order already, and building the states. tests/unit/test_trust_fold_speed.py and
tests/integration/test_trust_rebuild_batch.py check the equality on random event
lists, on a corpus and on the database's columns.

Two things the scalar fold does with the standard library are done here with numpy only
where numpy gives the same bits:

- `round(x, 2)` is rint(x * 100) / 100 except where x * 100 lies too near a half to tell
  (then Python's `round` decides);
- `math.exp` is numpy's exp where it matches the C library's on a probe (numpy calls the
  C library unless it has a vector exp of its own, as with AVX-512); else `math.exp`,
  element by element, only where a step needs it (where time passed on what is not 0,
  where the credit changed); `math.log` (the strength contributions are kept by)
  likewise, once a value.
"""

from __future__ import annotations

import gc
import math
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from itertools import chain
from operator import attrgetter
from typing import Any, overload

import numpy as np
from numpy.typing import NDArray

from keepword.domain.events import TrustEvent
from keepword.domain.trust import (
    CHURN_SIGNALS,
    EXPLAINED_MAX,
    REPEAT_OF,
    RETRACTED,
    Effect,
    TrustModel,
    TrustState,
    contribution_of,
    fold,
    incident_in,
)

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Flags = NDArray[np.bool_]

_OCCURRED, _RECORDED, _TZINFO = (
    attrgetter("occurred_at"),
    attrgetter("recorded_at"),
    attrgetter("tzinfo"),
)
_KIND, _DETAILS = attrgetter("kind"), attrgetter("details")
_SOURCE_TYPE, _SOURCE_ID = attrgetter("source_type"), attrgetter("source_id")
BATCH = 4096  # customers folded together: bounds the working arrays (a few MB a batch)
# A customer with many more events than the others of a batch would make numpy take steps
# for them alone, each costing about what a step for thousands does; such a customer is
# folded by `domain.trust.fold` (see `fold_many`).
ALONE_AFTER = 16

# What an event of a kind does (as domain.trust's _Fold has it).
_DAMAGES, _BUILDS, _SIGNALS, _NOTHING = 0, 1, 2, 3


def _as_given(details: Any) -> Mapping[str, Any]:
    """Details that are a mapping already (a TrustEvent's)."""
    found: Mapping[str, Any] = details
    return found


@dataclass(frozen=True)
class EventColumns:
    """Customers' trust events as columns: one element per event, customer after customer
    (`lengths[c]` events for `customer_ids[c]`), each customer's in the order appended
    unless `appended` says otherwise (or `in_fold_order`). What a rebuild reads from the
    database, without making a TrustEvent of each row.

    Instants are aware, in UTC or at a fixed offset (two datetimes of one zoneinfo zone
    compare by their wall clocks, not by the instants numpy sorts); `occurred` and
    `recorded` are their `datetime.timestamp`, `recorded` the occurred instant's where
    none was recorded (as `order_of` has it). `details` are as stored: `decode` makes
    the mapping of one, and is called only for the events whose details the fold reads
    (breaches, retractions, the contributions kept). Where the order given is not the
    order appended, `appended` says which event came later: of two retractions of one
    label, the one appended last decides (as in `counted`)."""

    customer_ids: Sequence[str]
    lengths: Ints
    occurred_at: Sequence[datetime]
    recorded_at: Sequence[datetime | None]
    occurred: Floats
    recorded: Floats
    kinds: Sequence[str]
    source_types: Sequence[str]
    source_ids: Sequence[str]
    details: Sequence[Any]
    decode: Callable[[Any], Mapping[str, Any]] = _as_given
    appended: Ints | None = None  # a greater number: appended later
    # Each customer's events in fold order already (the database sorted them).
    in_fold_order: bool = False
    # Where `details` holds None (not read yet: the fold reads few), the stored details of
    # the events of these `appended` numbers, in their order.
    fetch: Callable[[Sequence[int]], Sequence[Any]] | None = None

    def details_at(self, positions: Sequence[int]) -> list[Mapping[str, Any]]:
        """The details of the events at `positions`, decoded (fetched first where not read)."""
        found = list(map(self.details.__getitem__, positions))
        if self.fetch is not None and self.appended is not None and None in found:
            missing = [k for k, value in enumerate(found) if value is None]
            appended = self.appended
            fetched = self.fetch([int(appended[positions[k]]) for k in missing])
            for k, value in zip(missing, fetched, strict=True):
                found[k] = value
        return found if self.decode is _as_given else list(map(self.decode, found))

    def events_of(self, start: int, end: int) -> list[TrustEvent]:
        """The events from `start` to `end` (of one customer) as TrustEvents, as appended."""
        where: list[int] = list(range(start, end))
        if self.appended is not None:
            where = (start + np.argsort(self.appended[start:end], kind="stable")).tolist()
        return [
            TrustEvent(
                self.customer_ids[self._customer_at(start)],
                self.occurred_at[i],
                self.kinds[i],
                self.source_types[i],
                self.source_ids[i],
                dict(details),
                self.recorded_at[i],
            )
            for i, details in zip(where, self.details_at(where), strict=True)
        ]

    def _customer_at(self, event: int) -> int:
        return int(np.searchsorted(np.cumsum(self.lengths), event, side="right"))

    def of_customers(self, first: int, end: int) -> EventColumns:
        """The columns of customers `first` to `end`."""
        starts = np.concatenate(([0], np.cumsum(self.lengths)))
        s, e = int(starts[first]), int(starts[end])
        return EventColumns(
            self.customer_ids[first:end],
            self.lengths[first:end],
            self.occurred_at[s:e],
            self.recorded_at[s:e],
            self.occurred[s:e],
            self.recorded[s:e],
            self.kinds[s:e],
            self.source_types[s:e],
            self.source_ids[s:e],
            self.details[s:e],
            self.decode,
            self.appended[s:e] if self.appended is not None else None,
            self.in_fold_order,
            self.fetch,
        )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class UtcInstants(Sequence[datetime]):
    """Instants given as whole microseconds since 1970 UTC (a column of them), each made a
    datetime in UTC only when it is read: a rebuild reads few of them as datetimes."""

    def __init__(self, microseconds: Ints) -> None:
        self.microseconds = microseconds

    def __len__(self) -> int:
        return len(self.microseconds)

    @overload
    def __getitem__(self, index: int) -> datetime: ...

    @overload
    def __getitem__(self, index: slice) -> UtcInstants: ...

    def __getitem__(self, index: int | slice) -> datetime | UtcInstants:
        if isinstance(index, slice):
            return UtcInstants(self.microseconds[index])
        return _EPOCH + timedelta(microseconds=int(self.microseconds[index]))

    def timestamps(self) -> Floats:
        """Each instant's `datetime.timestamp()`, to the bit."""
        micros = self.microseconds
        # timestamp() divides whole microseconds by 10 ** 6 exactly rounded; so does numpy,
        # where the microseconds are exact as floats (within 285 years of 1970).
        found: Floats = micros / 1e6
        far = np.flatnonzero(np.abs(micros) >= 2**53)
        if far.size:
            found[far] = [us / 10**6 for us in micros[far].tolist()]
        return found


def columns_of(customers: Sequence[Sequence[TrustEvent]]) -> EventColumns:
    """The events of `customers` as columns (their instants in UTC or at fixed offsets)."""
    flat = list(chain.from_iterable(customers))
    occurred_at = list(map(_OCCURRED, flat))
    recorded_at = list(map(_RECORDED, flat))
    occurred = np.fromiter(map(datetime.timestamp, occurred_at), np.float64, len(flat))
    recorded = occurred.copy()
    late = [i for i, at in enumerate(recorded_at) if at is not None]
    if late:
        recorded[late] = [recorded_at[i].timestamp() for i in late]
    return EventColumns(
        customer_ids=[events[0].customer_id if events else "" for events in customers],
        lengths=np.fromiter(map(len, customers), np.int64, len(customers)),
        occurred_at=occurred_at,
        recorded_at=recorded_at,
        occurred=occurred,
        recorded=recorded,
        kinds=list(map(_KIND, flat)),
        source_types=list(map(_SOURCE_TYPE, flat)),
        source_ids=list(map(_SOURCE_ID, flat)),
        details=list(map(_DETAILS, flat)),
    )


def fold_many(
    customers: Sequence[Sequence[TrustEvent]],
    model: TrustModel,
    *,
    alone_after: int = ALONE_AFTER,
) -> list[TrustState]:
    """Each customer's events folded from scratch: `[fold(events, model) for events in
    customers]`, the same states, many times faster for many customers.

    A customer with more than twice the events of the `alone_after`-th longest of their
    batch is folded by `domain.trust.fold` (1: none is; a batch of fewer: all are), and so
    is one with an instant in a zone of zoneinfo's."""
    states: list[TrustState] = []
    with _collector_paused():
        for start in range(0, len(customers), BATCH):
            batch = customers[start : start + BATCH]
            zoned = _zoned(batch)
            if zoned:
                batch = [[] if c in zoned else events for c, events in enumerate(batch)]
            found = _fold_batch(columns_of(batch), model, alone_after)
            for c in zoned:
                found[c] = fold(customers[start + c], model)
            states.extend(found)
    return states


def fold_columns(
    columns: EventColumns, model: TrustModel, *, alone_after: int = ALONE_AFTER
) -> list[TrustState]:
    """Each customer's state folded from scratch from their events' columns: what
    `fold_many` gives for the same events (`alone_after` as there)."""
    states: list[TrustState] = []
    count = len(columns.lengths)
    with _collector_paused():
        for start in range(0, count, BATCH):
            batch = columns if count <= BATCH else columns.of_customers(start, start + BATCH)
            states.extend(_fold_batch(batch, model, alone_after))
    return states


def _zoned(customers: Sequence[Sequence[TrustEvent]]) -> set[int]:
    """The customers with an instant in a zone that is no fixed offset."""
    instants = chain(
        map(_OCCURRED, chain.from_iterable(customers)),
        filter(None, map(_RECORDED, chain.from_iterable(customers))),
    )
    if all(isinstance(zone, timezone) for zone in set(map(_TZINFO, instants))):
        return set()
    return {
        c
        for c, events in enumerate(customers)
        if any(
            not isinstance(at.tzinfo, timezone)
            for e in events
            for at in (e.occurred_at, e.recorded_at)
            if at is not None
        )
    }


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused: the fold makes no reference cycles, and the
    collector would only walk the millions of objects a rebuild holds again and again
    (it takes half the time of a batch otherwise). Reference counting frees the rest."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What the fold made counts as young: enabled again, the collector's next pass
        # would walk all of it (a tenth of the fold's time), only to find no cycle. Frozen
        # and thawed, it joins the oldest generation unwalked; a later full collection
        # still walks it, as it walks everything long-lived.
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def _fold_batch(columns: EventColumns, model: TrustModel, alone_after: int) -> list[TrustState]:
    lengths = columns.lengths
    ends = np.cumsum(lengths)
    starts = ends - lengths
    together = _together(lengths, alone_after)
    states = [TrustState()] * len(lengths)  # what a customer with no event that counts has
    for c in np.flatnonzero(~together & (lengths > 0)).tolist():
        states[c] = fold(columns.events_of(int(starts[c]), int(ends[c])), model)
    if together.any():
        chosen, steps = _steps_of(columns, model, together)
        if chosen.size:  # none, where every event of every customer was withdrawn
            for c, state in zip(chosen.tolist(), steps.run().states(), strict=True):
                states[c] = state
    return states


def _steps_of(columns: EventColumns, model: TrustModel, together: Flags) -> tuple[Ints, _Steps]:
    """The steps that fold the `together` customers with an event that counts, and which
    customers they are, in the order the steps have them."""
    kinds = _KindCodes(columns.kinds)
    rows, counting = _in_fold_order(columns, kinds, together)
    chosen = np.flatnonzero(counting > 0)
    # Longest first, so that the customers of each step are the first ones.
    chosen = chosen[np.argsort(-counting[chosen], kind="stable")]
    firsts = np.cumsum(counting) - counting
    return chosen, _Steps(model, columns, kinds, rows, firsts[chosen], counting[chosen])


class _KindCodes:
    """Each event's kind as a number: the kinds of a batch in sorted order, so that codes
    compare as the kinds do."""

    def __init__(self, kinds: Sequence[str]) -> None:
        self.names = sorted(set(kinds))
        self.code = {kind: i for i, kind in enumerate(self.names)}
        self.of_event: Ints = np.fromiter(map(self.code.__getitem__, kinds), np.int64, len(kinds))


def _together(lengths: Ints, alone_after: int) -> Flags:
    """Which customers to fold in numpy: all with events, but those with more than twice
    the events of the `alone_after`-th longest (numpy would take steps for them alone,
    each costing about what a step for thousands does)."""
    with_events = lengths > 0
    if np.count_nonzero(with_events) < alone_after:
        return np.zeros(lengths.shape, np.bool_)
    cutoff = int(np.sort(lengths)[-alone_after])
    together: Flags = with_events & (lengths <= 2 * cutoff)
    return together


def _in_fold_order(columns: EventColumns, kinds: _KindCodes, together: Flags) -> tuple[Ints, Ints]:
    """Of the `together` customers, the events that count (`domain.trust.effective`), in
    fold order, customer after customer, as positions in the columns; and how many of each
    customer's events count (0 for the others).

    Events are sorted by instant in numpy; only events of one instant are compared in
    Python, by the rest of `order_of`, unless the columns are in fold order already."""
    lengths = columns.lengths
    customer = np.repeat(np.arange(len(lengths)), lengths)
    counts = together[customer]
    if RETRACTED in kinds.code:
        counts &= ~_withdrawn(columns, kinds, customer)
    rows = np.flatnonzero(counts)
    owner = customer[rows]
    occurred = columns.occurred[rows]
    later = owner[1:] == owner[:-1]  # each event but the first: of the same customer?
    rising = (occurred[1:] >= occurred[:-1]) | ~later
    if columns.in_fold_order:
        # Given in fold order: its instants are checked, its source types, ids and kinds
        # (the database's binary order of them is Python's) taken as given.
        recorded = columns.recorded[rows]
        step = (occurred[1:] > occurred[:-1]) | (recorded[1:] >= recorded[:-1]) | ~later
        if rising.all() and step.all():
            return rows, np.bincount(owner, minlength=len(lengths))
    # Events read in order of instant need no sort (the database gives them so).
    if not rising.all():
        # The sort is stable: of events of one instant, the first given comes first.
        order = _stable_order(occurred, owner)
        rows, owner, occurred = rows[order], owner[order], occurred[order]
    same = np.zeros(rows.size, np.bool_)
    same[1:] = (occurred[1:] == occurred[:-1]) & (owner[1:] == owner[:-1])
    ties = np.flatnonzero(same)
    if ties.size:
        _sort_ties(columns, kinds, rows, ties)
    return rows, np.bincount(owner, minlength=len(lengths))


def _stable_order(values: Floats, groups: Ints) -> Ints:
    """`np.lexsort((values, groups))`: by group, then value, stable. Groups are few (the
    customers of a batch, or two ways of fading each): as 16-bit numbers they are sorted
    by radix, a third faster than lexsort."""
    by_value = np.argsort(values, kind="stable")
    small = groups.astype(np.int16) if len(groups) and groups.max() < 2**15 else groups
    order: Ints = by_value[np.argsort(small[by_value], kind="stable")]
    return order


def _withdrawn(columns: EventColumns, kinds: _KindCodes, customer: Ints) -> Flags:
    """The events `domain.trust.counted` sets aside: each retraction, and each label or
    finding a retraction of its customer withdraws (same source, the retracted kind) that
    comes no later than it in fold order. Of two retractions of one label, the one
    appended last decides, as in `counted`."""
    types, ids = columns.source_types, columns.source_ids
    set_aside: Flags = kinds.of_event == kinds.code[RETRACTED]
    retractions = np.flatnonzero(set_aside)
    withdrawals: dict[tuple[int, str, str, str], int] = {}
    appended = columns.appended
    if appended is not None:  # the last appended of two withdrawals of one label decides
        retractions = retractions[np.argsort(appended[retractions], kind="stable")]
    listed = retractions.tolist()
    for i, details in zip(listed, columns.details_at(listed), strict=True):
        retracts = str(details.get("retracts", ""))
        withdrawals[(int(customer[i]), types[i], ids[i], retracts)] = i
    # Only the events of a retracted kind, of a customer with a retraction, are looked at.
    withdrawn_kinds = [kinds.code[k] for _, _, _, k in withdrawals if k in kinds.code]
    retracting = np.zeros(len(columns.lengths), np.bool_)
    retracting[customer[retractions]] = True
    candidates = np.isin(kinds.of_event, withdrawn_kinds) & retracting[customer]
    for i in np.flatnonzero(candidates).tolist():
        withdrawal = withdrawals.get((int(customer[i]), types[i], ids[i], columns.kinds[i]))
        if withdrawal is not None and _position(columns, withdrawal) >= _position(columns, i):
            set_aside[i] = True
    return set_aside


def _position(columns: EventColumns, i: int) -> tuple[float, float, str, str, str]:
    """Where event i stands in fold order (`order_of`, with instants as timestamps)."""
    return (
        float(columns.occurred[i]),
        float(columns.recorded[i]),
        columns.source_types[i],
        columns.source_ids[i],
        columns.kinds[i],
    )


def _sort_ties(columns: EventColumns, kinds: _KindCodes, rows: Ints, ties: Ints) -> None:
    """Sort in fold order each run of events of one instant in `rows` (`ties`: each event
    of a run but its first), by the rest of `order_of`. Most runs are in order already
    (the events of one audit, appended as it found them): each event is compared with the
    one before it, in numpy but for the source ids, and only the runs out of order are
    sorted, in one sort of them all, each event keyed by its run first."""
    starts = np.ones(ties.size, np.bool_)
    starts[1:] = ties[1:] != ties[:-1] + 1
    run = np.cumsum(starts) - 1  # of each tie, its run
    before, after = rows[ties - 1], rows[ties]
    recorded = columns.recorded
    types = {kind: i for i, kind in enumerate(sorted(set(columns.source_types)))}
    type_of = np.fromiter(map(types.__getitem__, columns.source_types), np.int64)
    ids = columns.source_ids
    id_before = list(map(ids.__getitem__, before.tolist()))
    id_after = list(map(ids.__getitem__, after.tolist()))
    id_lower = np.fromiter(map(operator.lt, id_before, id_after), np.bool_, ties.size)
    id_same = np.fromiter(map(operator.eq, id_before, id_after), np.bool_, ties.size)
    kind_of = kinds.of_event
    in_order = _lexically_before(
        (recorded[before], recorded[after]),
        (type_of[before], type_of[after]),
        (id_lower, id_same),
        (kind_of[before], kind_of[after]),
    )
    if in_order.all():
        return
    out_of_order = np.unique(run[~in_order])
    firsts = (ties[starts] - 1)[out_of_order]
    chosen = np.isin(run, out_of_order)
    # Every event of every run out of order: each run's first, then the events tied with it.
    members = np.sort(np.concatenate((firsts, ties[chosen])))
    key = np.cumsum(np.isin(members, firsts))
    where = rows[members]
    tied = where.tolist()
    keys = list(
        zip(
            key.tolist(),
            recorded[where].tolist(),
            map(columns.source_types.__getitem__, tied),
            map(ids.__getitem__, tied),
            map(columns.kinds.__getitem__, tied),
            tied,
            strict=True,
        )
    )
    keys.sort()
    rows[members] = [k[-1] for k in keys]


def _lexically_before(
    recorded: tuple[Floats, Floats],
    source_type: tuple[Ints, Ints],
    source_id: tuple[Flags, Flags],
    kind: tuple[Ints, Ints],
) -> Flags:
    """Of pairs of events of one instant, whether the first comes no later in fold order
    than the second, by (recorded, source type, source id, kind): each given as the two
    sides' values, but the source id as (first lower, both equal)."""
    id_lower, id_same = source_id
    by_kind = kind[0] <= kind[1]
    by_id = id_lower | (id_same & by_kind)
    by_type = (source_type[0] < source_type[1]) | ((source_type[0] == source_type[1]) & by_id)
    found: Flags = (recorded[0] < recorded[1]) | ((recorded[0] == recorded[1]) & by_type)
    return found


@cache
def _numpy_log_is_libm() -> bool:
    """True when numpy's log gives math.log's bits on a probe of the strengths the fold
    ranks (hundredths of a point to thousands of points)."""
    probe = np.concatenate((np.geomspace(1e-3, 1e6, 20_000), np.arange(1, 20_001) / 100.0))
    exact = np.array([math.log(x) for x in probe.tolist()], np.float64)
    return bool(np.array_equal(np.log(probe), exact))


def _log(values: Floats) -> Floats:
    """math.log of each value, -inf for 0 (as `domain.trust.lasting_strength` has it)."""
    if _numpy_log_is_libm():
        found: Floats = np.log(values)
        return found
    return np.array([math.log(x) if x else -math.inf for x in values.tolist()], np.float64)


def _log_hundredths(values: Floats) -> Floats:
    """`_log` of values that are each a whole number of hundredths as `round(x, 2)` gives
    them (k / 100), as numbers of few distinct values: each one's log is taken once."""
    hundredths = np.rint(values * 100.0).astype(np.int64)
    tabled = hundredths.size > 0 and hundredths.max() <= 1_000_000  # else too wide
    if not (tabled and np.array_equal(hundredths / 100.0, values)):
        distinct, each = np.unique(values, return_inverse=True)
        with np.errstate(divide="ignore"):
            return _log(distinct)[each.reshape(-1)]
    table = np.zeros(int(hundredths.max()) + 1)
    present = np.flatnonzero(np.bincount(hundredths))
    with np.errstate(divide="ignore"):
        table[present] = _log(present / 100.0)
    found: Floats = table[hundredths]
    return found


@cache
def _numpy_exp_is_libm() -> bool:
    """True when numpy's exp gives math.exp's bits on a probe of the arguments the fold
    takes exponentials of (fades over seconds to years, credit over its cap)."""
    probe = np.concatenate(
        (-np.geomspace(1e-9, 745.0, 20_000), np.linspace(-50.0, 50.0, 20_001), [-0.0, 0.0])
    )
    exact = np.array([math.exp(x) for x in probe.tolist()], np.float64)
    return bool(np.array_equal(np.exp(probe), exact))


def _exp(values: Floats) -> Floats:
    if _numpy_exp_is_libm():
        return np.exp(values)
    return np.fromiter(map(math.exp, values.tolist()), np.float64, values.size)


def _round2(values: Floats) -> Floats:
    """`round(x, 2)` of each value, to the bit (the values are under a million)."""
    hundredfold = values * 100.0
    rounded: Floats = np.rint(hundredfold) / 100.0
    # Python rounds x * 100 exactly; the product is off by at most half a unit in the last
    # place, which decides only where it lies that near a half.
    near = np.abs(hundredfold - np.floor(hundredfold) - 0.5) < 1e-6
    if near.any():
        where = np.flatnonzero(near)
        rounded[where] = [round(x, 2) for x in values[where].tolist()]
    return rounded


@dataclass(frozen=True)
class _Kinds:
    """What each kind of a batch does, by kind code."""

    does: Ints
    points: Floats
    recovery: Floats
    churns: Flags
    neutral: Flags

    @classmethod
    def of(cls, kinds: Sequence[str], model: TrustModel) -> _Kinds:
        rows = []
        for kind in kinds:
            weight = model.weights.get(kind) or model.weight_of(kind)
            if weight.effect is Effect.BREACH and weight.points > 0:
                does = _DAMAGES
            elif weight.effect is Effect.POSITIVE:
                does = _BUILDS
            elif weight.effect is Effect.SIGNAL:
                does = _SIGNALS
            else:
                does = _NOTHING
            rows.append(
                (
                    does,
                    weight.points,
                    weight.recovery,
                    kind in CHURN_SIGNALS,
                    weight.effect is Effect.NEUTRAL,
                )
            )
        does_, points, recovery, churns, neutral = zip(*rows, strict=True) if rows else ([],) * 5
        return cls(
            np.array(does_, np.int64),
            np.array(points, np.float64),
            np.array(recovery, np.float64),
            np.array(churns, np.bool_),
            np.array(neutral, np.bool_),
        )


class _Steps:
    """The fold's working state of every customer of a batch, one array element each, and
    what each step did to it.

    Events are laid out step after step: step k holds the k-th event of each customer who
    has one, customers in the same order at every step (longest first), so the customers
    of a step are the first ones."""

    def __init__(
        self,
        model: TrustModel,
        columns: EventColumns,
        kind_codes: _KindCodes,
        rows: Ints,
        starts: Ints,
        lengths: Ints,
    ) -> None:
        self.model = model
        self.columns = columns
        count, total = len(lengths), int(lengths.sum())
        self.lengths = lengths
        self.ends = np.cumsum(lengths)
        firsts = self.ends - lengths
        # The batch's events (customers longest first), customer after customer, as
        # positions in the columns.
        self.rows = rows = rows[np.repeat(starts - firsts, lengths) + np.arange(total)]
        self.stamps = columns.occurred[rows]
        # active[k]: how many customers have a k-th event; at[k]: where step k starts.
        self.active = np.bincount(lengths)[::-1].cumsum()[::-1][1:]
        self.at = np.concatenate(([0], np.cumsum(self.active)[:-1]))
        customer = np.repeat(np.arange(count), lengths)
        self.customer = customer
        # position[i]: where event i lies step after step; layout: the inverse.
        self.position = self.at[np.arange(total) - firsts[customer]] + customer
        self.layout = np.empty(total, np.int64)
        self.layout[self.position] = np.arange(total)
        kinds = _Kinds.of(kind_codes.names, model)
        codes = kind_codes.of_event[rows]
        self.when = self.stamps[self.layout]
        by_step = codes[self.layout]
        self.does = kinds.does[by_step]
        self.points = kinds.points[by_step]
        self.recovery = kinds.recovery[by_step]
        self.churns = kinds.churns[by_step]
        self.neutral = kinds.neutral[by_step]
        # A breach said again in its conversation (domain.trust.REPEAT_OF), and its
        # incident (domain.trust.incident_in): only breaches' details are read.
        is_breach = kinds.does[codes] == _DAMAGES
        damaging = np.flatnonzero(is_breach)
        types, ids = columns.source_types, columns.source_ids
        repeated, incidents = [], []
        breaching = rows[damaging].tolist()
        for i, found in zip(breaching, columns.details_at(breaching), strict=True):
            repeated.append(REPEAT_OF in found)
            incidents.append(incident_in(found, types[i], ids[i]))
        repeats = np.zeros(total, np.bool_)
        repeats[damaging] = repeated
        self.repeat = repeats[self.layout]
        # Each breach's incident, by code; -1: none yet.
        numbered = {name: k for k, name in enumerate(dict.fromkeys(incidents))}
        self.incident_names = list(numbered)
        incident = np.full(total, -1, np.int64)
        incident[damaging] = [numbered[name] for name in incidents]
        self.incident = incident[self.layout]
        self.last_incident = np.full(count, -1, np.int64)
        self.as_of = np.zeros(count)
        self.damage = np.zeros(count)
        self.credit = np.zeros(count)
        self.recoverable = np.zeros(count)
        self.last_breach = np.full(count, -np.inf)  # -inf: no breach yet
        self.churn = np.full(count, -1, np.int64)  # where the churn signal is, step after step
        # Each customer's breaches in a row of their own: the recent ones are head..tail.
        breaches = np.bincount(customer[is_breach], minlength=count)
        self.breach_at = np.zeros(int(breaches.sum()))
        self.tail = np.cumsum(breaches) - breaches
        self.head = self.tail.copy()
        self.after = np.empty(total)
        self.moved = np.empty(total)
        self.fades_as_breach = np.zeros(total, np.bool_)

    def run(self) -> _Steps:
        """Fold every step in: what `_Fold._add` does to one customer, to all at once."""
        model = self.model
        breach_rate = math.log(2) / model.breach_half_life.total_seconds()
        positive_rate = math.log(2) / model.positive_half_life.total_seconds()
        churn_after = model.churn_after_breach.total_seconds()
        goodwill_after = model.goodwill_after_breach.total_seconds()
        prior, cap = model.prior, model.credit_cap
        damage, credit, recoverable = self.damage, self.credit, self.recoverable
        saturations = np.ones(len(damage))  # exp(-0.0 / cap): no credit yet

        def index(m: int, saturation: Floats) -> Floats:
            value = prior + cap * (1.0 - saturation) - damage[:m]
            # fmax and fmin take a NaN as Python's max(0.0, x) and min(100.0, x) do.
            return _round2(np.fmin(100.0, np.fmax(0.0, value)))

        for k, (first, m) in enumerate(zip(self.at.tolist(), self.active.tolist(), strict=True)):
            here = slice(first, first + m)
            when = self.when[here]
            if k:
                # Only where time passed (an event at the last one's instant fades nothing,
                # as the scalar fold skips it), and only what is not 0 (which stays 0). The
                # exponentials are most of a step's cost where numpy's are not the C
                # library's.
                passed = np.flatnonzero(when != self.as_of[:m])
                hurt = passed[(damage[passed] != 0.0) | (recoverable[passed] != 0.0)]
                fade = _exp(-(when[hurt] - self.as_of[hurt]) * breach_rate)
                damage[hurt] *= fade
                recoverable[hurt] *= fade
                earned = passed[credit[passed] != 0.0]
                credit[earned] *= _exp(-(when[earned] - self.as_of[earned]) * positive_rate)
                # The credit's saturation (exp(-credit / cap), which the scalar fold works
                # out at every reading) changes only where the credit did.
                saturations[earned] = _exp(-credit[earned] / cap)
            self.as_of[:m] = when
            saturation = saturations[:m]
            before = index(m, saturation)
            does, points = self.does[here], self.points[here]
            fades_as_breach = (does == _DAMAGES) | (does == _SIGNALS)
            breaches = np.flatnonzero(does == _DAMAGES)
            if breaches.size:
                repeat = self.repeat[here][breaches]
                incident = self.incident[here][breaches]
                self._breach(breaches, when[breaches], points[breaches], repeat, incident)
            builds = np.flatnonzero(does == _BUILDS)
            if builds.size:
                recovery = self.recovery[here][builds]
                repairs = (recoverable[builds] > 0.01) & (recovery > 0)
                repaired = builds[repairs]
                won = recoverable[repaired] * recovery[repairs]
                damage[repaired] -= won
                recoverable[repaired] -= won
                fades_as_breach[repaired] = True
                # No goodwill within goodwill_after_breach of a breach (-inf: none yet).
                gains = builds[~repairs]
                gains = gains[when[gains] - self.last_breach[gains] > goodwill_after]
                credit[gains] += points[gains]
                saturation[gains] = _exp(-credit[gains] / cap)
            signals = np.flatnonzero(does == _SIGNALS)
            if signals.size:
                damage[signals] += points[signals]
                churns = self.churns[here][signals]
                since = when[signals] - self.last_breach[signals]  # inf with no breach
                churned = signals[churns & (since <= churn_after)]
                self.churn[churned] = first + churned
            after = index(m, saturation)
            self.after[here] = after
            self.moved[here] = _round2(after - before)
            self.fades_as_breach[here] = fades_as_breach
        return self

    def _breach(self, who: Ints, at: Floats, points: Floats, repeat: Flags, incident: Ints) -> None:
        model = self.model
        window = model.compound_window.total_seconds()
        head, tail = self.head[who], self.tail[who]
        while True:  # drop the breaches that left the compound window, oldest first
            left = np.flatnonzero(head < tail)
            left = left[at[left] - self.breach_at[head[left]] > window]
            if not left.size:
                break
            head[left] += 1
        # A repeat weighs its share and compounds nothing, nor is it a breach to compound on.
        # A breach of the incident of the last one compounds only on those before it.
        same = (tail > head) & (self.last_incident[who] == incident)
        lost = np.where(
            repeat,
            points * model.repeat_share,
            points * (1.0 + model.compound_step * (tail - head - same)),
        )
        self.damage[who] += lost
        self.recoverable[who] += lost * model.recoverable_share
        new = ~repeat & ~same
        self.breach_at[tail[new]] = at[new]
        self.last_incident[who[new]] = incident[new]
        self.head[who] = head
        self.tail[who] = tail + new
        self.last_breach[who] = at

    def states(self) -> list[TrustState]:
        """Each customer's state, as `_Fold.state` reads it out."""
        count = len(self.lengths)
        columns, ends = self.columns, self.ends
        occurred_at, recorded_at = columns.occurred_at, columns.recorded_at
        kinds, types, ids = columns.kinds, columns.source_types, columns.source_ids
        # From here on, events customer after customer.
        after = self.after[self.position]
        moved = self.moved[self.position]
        fades_as_breach = self.fades_as_breach[self.position]
        contributes = (moved != 0.0) | ~self.neutral[self.position]
        last_stamp = self.stamps[ends - 1]
        as_of = [datetime.fromtimestamp(t, UTC) for t in last_stamp.tolist()]
        kept = self._strongest(contributes, moved, fades_as_breach)
        peaks = self._peaks(after, last_stamp)
        # Where each customer's kept contributions and peaks end.
        kept_ends = np.searchsorted(self.customer[kept], np.arange(count), side="right").tolist()
        peak_ends = np.searchsorted(self.customer[peaks], np.arange(count), side="right").tolist()
        explained = self.rows[kept].tolist()
        contributions = [
            contribution_of(
                kinds[i],
                occurred_at[i],
                points,
                "breach" if breach else "positive",
                ids[i],
                details,
            )
            for i, points, breach, details in zip(
                explained,
                moved[kept].tolist(),
                fades_as_breach[kept].tolist(),
                columns.details_at(explained),
                strict=True,
            )
        ]
        peak_at = [datetime.fromtimestamp(t, UTC) for t in self.stamps[peaks].tolist()]
        recent_index = list(zip(peak_at, after[peaks].tolist(), strict=True))
        # Only the breaches still in each customer's window (head..tail) are read out: the
        # others, and the slots of breaches that were no new incident, are not instants.
        spans = self.tail - self.head
        window_starts = np.cumsum(spans) - spans  # each customer's first in the read-out list
        in_window = np.repeat(self.head - window_starts, spans) + np.arange(spans.sum())
        breach_at = [datetime.fromtimestamp(t, UTC) for t in self.breach_at[in_window].tolist()]
        breach_from, breach_count = window_starts.tolist(), spans.tolist()
        churned = self.layout[self.churn[self.churn >= 0]]
        churn_of = dict(
            zip(self.customer[churned].tolist(), self.rows[churned].tolist(), strict=True)
        )
        names = self.incident_names
        last_incident = [names[k] if k >= 0 else None for k in self.last_incident.tolist()]
        last_breach = self.last_breach.tolist()
        damage, credit = self.damage.tolist(), self.credit.tolist()
        recoverable, lengths = self.recoverable.tolist(), self.lengths.tolist()
        lasts = self.rows[ends - 1].tolist()
        states = []
        kept_from = peak_from = 0
        for c, i in enumerate(lasts):
            churn = churn_of.get(c)
            states.append(
                TrustState(
                    as_of=as_of[c],
                    damage=damage[c],
                    credit=credit[c],
                    recoverable=recoverable[c],
                    recent_breaches=tuple(
                        breach_at[breach_from[c] : breach_from[c] + breach_count[c]]
                    ),
                    last_incident=last_incident[c],
                    last_breach=datetime.fromtimestamp(last_breach[c], UTC)
                    if last_breach[c] != -math.inf
                    else None,
                    recent_index=tuple(recent_index[peak_from : peak_ends[c]]),
                    churn_signal_after_breach=occurred_at[churn] if churn is not None else None,
                    contributions=tuple(contributions[kept_from : kept_ends[c]]),
                    events=lengths[c],
                    # order_of of the last event
                    last=(
                        occurred_at[i],
                        recorded_at[i] or occurred_at[i],
                        types[i],
                        ids[i],
                        kinds[i],
                    ),
                )
            )
            kept_from, peak_from = kept_ends[c], peak_ends[c]
        return states

    def _peaks(self, after: Floats, as_of: Floats) -> Ints:
        """The events of each customer's recent_index, as the scalar fold's falling
        sequence ends up: those within the fall window of the last event and above every
        later index, and the last event. Customer after customer, in event order."""
        window = self.model.at_risk_fall_window.total_seconds()
        count = len(self.lengths)
        customer = self.customer
        # Indices are hundredths from 0 to 10,000. Lift each customer's above those of the
        # customers after them, so that one running maximum from the end serves them all.
        lift = (count - 1 - customer) * 20_001
        hundredths = np.rint(after * 100.0).astype(np.int64) + lift
        later_max = np.maximum.accumulate(hundredths[::-1])[::-1]
        above = np.ones(len(after), np.bool_)
        above[:-1] = hundredths[:-1] > later_max[1:]
        last = np.zeros(len(after), np.bool_)
        last[self.ends - 1] = True
        recent = as_of[customer] - self.stamps <= window
        return np.flatnonzero(last | (above & recent))

    def _strongest(self, contributes: Flags, moved: Floats, fades_as_breach: Flags) -> Ints:
        """The contributions each customer keeps: of each way of fading, all, or where there
        are more than EXPLAINED_MAX, those of the greatest lasting strength (of equals, the
        earlier), as `domain.trust._strongest` chooses them. Customer after customer, in
        event order."""
        model = self.model
        found = np.flatnonzero(contributes)
        breach = fades_as_breach[found]
        group = self.customer[found] * 2 + breach  # (customer, way of fading)
        many = np.bincount(group, minlength=2 * len(self.lengths))[group] > EXPLAINED_MAX
        if not many.any():
            return found
        ranked, group = found[many], group[many]
        rate = np.where(
            breach[many],
            math.log(2) / model.breach_half_life.total_seconds(),
            math.log(2) / model.positive_half_life.total_seconds(),
        )
        # lasting_strength's operations, in its order: log |points| + rate * at.
        strength = _log_hundredths(np.abs(moved[ranked])) + rate * self.stamps[ranked]
        # Stable: of equal strength, the earlier event (ranked rises) comes first.
        order = _stable_order(-strength, group)
        grouped = group[order]
        rank = np.arange(ranked.size) - np.searchsorted(grouped, grouped, side="left")
        kept = np.concatenate((found[~many], ranked[order[rank < EXPLAINED_MAX]]))
        kept.sort()
        return kept
