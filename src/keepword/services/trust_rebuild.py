"""Many customers' trust events folded at once, in numpy: the fold of `rebuild_trust`.

`fold_many` gives for each customer exactly the state `domain.trust.fold` gives: the
same floats to the last bit, the same contributions kept, the same peaks. It takes the
same steps with the same floating-point operations in the same order, only for every
customer at once: step k folds the k-th event of each customer who has one (customers
sorted longest first, so the customers of step k are the first ones). What cannot be
done that way stays in Python: putting events in fold order where they are not in it
already, and building the states. tests/unit/test_trust_fold_speed.py checks the
equality on random event lists and on a corpus.

Two things the scalar fold does with the standard library are done here with numpy only
where numpy gives the same bits:

- `round(x, 2)` is rint(x * 100) / 100 except where x * 100 lies too near a half to tell
  (then Python's `round` decides);
- `math.exp` is numpy's exp where it matches the C library's on a probe (numpy calls the
  C library unless it has a vector exp of its own, as with AVX-512); else `math.exp`,
  element by element, only where a step needs it (where time passed, where the credit
  changed); `math.log` (the strength contributions are kept by) likewise, once a value.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timezone
from functools import cache
from itertools import chain, islice
from operator import attrgetter
from typing import TypeVar

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
    counted,
    effective,
    fold,
    incident_of,
    order_of,
)

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Flags = NDArray[np.bool_]
T = TypeVar("T")

_OCCURRED, _KIND, _TZINFO = attrgetter("occurred_at"), attrgetter("kind"), attrgetter("tzinfo")
BATCH = 4096  # customers folded together: bounds the working arrays (a few MB a batch)
# A customer with many more events than the others of a batch would make numpy take steps
# for them alone, each costing about what a step for thousands does; such a customer is
# folded by `domain.trust.fold` (see `fold_many`).
ALONE_AFTER = 16

# What an event of a kind does (as domain.trust's _Fold has it).
_DAMAGES, _BUILDS, _SIGNALS, _NOTHING = 0, 1, 2, 3


def fold_many(
    customers: Sequence[Sequence[TrustEvent]],
    model: TrustModel,
    *,
    alone_after: int = ALONE_AFTER,
) -> list[TrustState]:
    """Each customer's events folded from scratch: `[fold(events, model) for events in
    customers]`, the same states, many times faster for many customers.

    A customer with more than twice the events of the `alone_after`-th longest of their
    batch is folded by `domain.trust.fold` (1: none is; a batch of fewer: all are)."""
    states: list[TrustState] = []
    with _collector_paused():
        for start in range(0, len(customers), BATCH):
            states.extend(_fold_batch(customers[start : start + BATCH], model, alone_after))
    return states


def chunks(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    """`items` in lists of `size` (the last one shorter)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


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


def _fold_batch(
    customers: Sequence[Sequence[TrustEvent]], model: TrustModel, alone_after: int
) -> list[TrustState]:
    events, lengths, stamps = _in_fold_order(customers)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    together = _together(lengths, alone_after)
    # The steps take instants to rise within a customer; where they do not (see
    # `_in_fold_order`), `domain.trust.fold` folds the customer.
    back = np.flatnonzero(stamps[1:] < stamps[:-1]) + 1
    together[np.searchsorted(ends, back[~np.isin(back, starts)], side="right")] = False
    states = [TrustState()] * len(customers)  # what a customer with no event that counts has
    for c in np.flatnonzero(~together & (lengths > 0)).tolist():
        states[c] = fold(events[starts[c] : ends[c]], model)
    chosen = np.flatnonzero(together)
    if chosen.size:
        # Longest first, so that the customers of each step are the first ones.
        chosen = chosen[np.argsort(-lengths[chosen], kind="stable")]
        steps = _Steps(model, events, stamps, starts[chosen], lengths[chosen])
        for c, state in zip(chosen.tolist(), steps.run().states(), strict=True):
            states[c] = state
    return states


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


def _in_fold_order(
    customers: Sequence[Sequence[TrustEvent]],
) -> tuple[list[TrustEvent], Ints, Floats]:
    """Every customer's events that count, in fold order (`domain.trust.effective`),
    customer after customer; how many each customer has; and every event's instant as
    `datetime.timestamp` gives it.

    Events are sorted by instant in numpy; only events of one instant are compared in
    Python, by the rest of `order_of`. A customer with a retraction loses the retracted
    events first (`counted`). One with an instant in a zone of its own (zoneinfo's) goes
    through `effective`: two
    datetimes of one such zone compare by their wall clocks, which a change of the clocks
    puts out of the order of their instants."""
    flat = list(chain.from_iterable(customers))
    # map() of C-level getters: a Python loop a step of which costs more than a numpy step.
    kinds = list(map(_KIND, flat))
    if RETRACTED in kinds:
        # A customer with a retraction: the events that count, in the order given (the
        # sort below puts them in fold order, as `effective` would).
        lengths = np.fromiter(map(len, customers), np.int64, len(customers))
        where = np.array([i for i, kind in enumerate(kinds) if kind == RETRACTED], np.int64)
        retracting = set(np.searchsorted(np.cumsum(lengths), where, side="right").tolist())
        customers = [
            counted(events) if c in retracting else events for c, events in enumerate(customers)
        ]
        flat = list(chain.from_iterable(customers))
    lengths = np.fromiter(map(len, customers), np.int64, len(customers))
    ends = np.cumsum(lengths)
    occurred = list(map(_OCCURRED, flat))
    stamps = np.fromiter(map(datetime.timestamp, occurred), np.float64, len(flat))
    again = np.zeros(len(customers), np.bool_)
    zones = set(map(_TZINFO, occurred))
    if not all(isinstance(zone, timezone) for zone in zones):
        where = np.array(
            [i for i, e in enumerate(flat) if not isinstance(e.occurred_at.tzinfo, timezone)],
            np.int64,
        )
        again[np.searchsorted(ends, where, side="right")] = True
    # Instants rise with the datetimes (ties aside), and the sort is stable, as `sorted` is.
    customer = np.repeat(np.arange(len(customers)), lengths)
    order = np.lexsort((stamps, customer))
    if not np.array_equal(order, np.arange(len(flat))):
        flat = [flat[i] for i in order.tolist()]
        stamps = stamps[order]
    same = np.zeros(len(flat), np.bool_)
    same[1:] = (stamps[1:] == stamps[:-1]) & (customer[1:] == customer[:-1])
    ties = np.flatnonzero(same & ~again[customer])
    if ties.size:
        _sort_ties(flat, ties)
    if not again.any():
        return flat, lengths, stamps
    events: list[TrustEvent] = []
    pieces = []
    for c, (s, e) in enumerate(zip((ends - lengths).tolist(), ends.tolist(), strict=True)):
        if again[c]:
            ordered = effective(customers[c])
            events.extend(ordered)
            lengths[c] = len(ordered)
            pieces.append(np.array([x.occurred_at.timestamp() for x in ordered], np.float64))
        else:
            events.extend(flat[s:e])
            pieces.append(stamps[s:e])
    return events, lengths, np.concatenate(pieces)


def _sort_ties(flat: list[TrustEvent], ties: Ints) -> None:
    """Sort in fold order each run of events of one instant (`ties`: each event of a run
    but its first)."""
    runs: list[list[int]] = []
    for at in ties.tolist():
        if runs and runs[-1][1] == at:
            runs[-1][1] = at + 1
        else:
            runs.append([at - 1, at + 1])
    for first, end in runs:
        flat[first:end] = sorted(flat[first:end], key=order_of)


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
        events: list[TrustEvent],
        stamps: Floats,
        starts: Ints,
        lengths: Ints,
    ) -> None:
        self.model = model
        count, total = len(lengths), int(lengths.sum())
        self.lengths = lengths
        self.ends = np.cumsum(lengths)
        firsts = self.ends - lengths
        # The batch's events (customers longest first), customer after customer.
        picked = np.repeat(starts - firsts, lengths) + np.arange(total)
        self.events = [events[i] for i in picked.tolist()]
        self.stamps = stamps[picked]
        # active[k]: how many customers have a k-th event; at[k]: where step k starts.
        self.active = np.bincount(lengths)[::-1].cumsum()[::-1][1:]
        self.at = np.concatenate(([0], np.cumsum(self.active)[:-1]))
        customer = np.repeat(np.arange(count), lengths)
        self.customer = customer
        # position[i]: where event i lies step after step; layout: the inverse.
        self.position = self.at[np.arange(total) - firsts[customer]] + customer
        self.layout = np.empty(total, np.int64)
        self.layout[self.position] = np.arange(total)
        names = list(map(_KIND, self.events))
        code = {kind: i for i, kind in enumerate(sorted(set(names)))}
        kinds = _Kinds.of(list(code), model)
        codes = np.fromiter(map(code.__getitem__, names), np.int64, total)
        self.when = self.stamps[self.layout]
        by_step = codes[self.layout]
        self.does = kinds.does[by_step]
        self.points = kinds.points[by_step]
        self.recovery = kinds.recovery[by_step]
        self.churns = kinds.churns[by_step]
        self.neutral = kinds.neutral[by_step]
        # A breach said again in its conversation (domain.trust.REPEAT_OF): one incident.
        # Only breaches are asked, the details of no other event are read.
        repeats = np.zeros(total, np.bool_)
        events = self.events
        is_breach = kinds.does[codes] == _DAMAGES
        damaging = np.flatnonzero(is_breach).tolist()
        repeats[damaging] = [REPEAT_OF in events[i].details for i in damaging]
        self.repeat = repeats[self.layout]
        # Each breach's incident (domain.trust.incident_of), by code; -1: none yet.
        incidents = [incident_of(events[i]) for i in damaging]
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

        def index(m: int, saturation: Floats) -> Floats:
            value = prior + cap * (1.0 - saturation) - damage[:m]
            # fmax and fmin take a NaN as Python's max(0.0, x) and min(100.0, x) do.
            return _round2(np.fmin(100.0, np.fmax(0.0, value)))

        for k, (first, m) in enumerate(zip(self.at.tolist(), self.active.tolist(), strict=True)):
            here = slice(first, first + m)
            when = self.when[here]
            if k:
                # Only where time passed: an event at the last one's instant fades nothing
                # (exp(-0.0) is 1.0), as the scalar fold skips it. The exponentials are
                # most of a step's cost where numpy's are not the C library's.
                passed = np.flatnonzero(when != self.as_of[:m])
                elapsed = when[passed] - self.as_of[passed]
                fade = _exp(-elapsed * breach_rate)
                damage[passed] *= fade
                recoverable[passed] *= fade
                credit[passed] *= _exp(-elapsed * positive_rate)
            self.as_of[:m] = when
            # As the scalar fold: the credit's saturation is worked out again after the
            # event only where the event changed the credit.
            saturation = _exp(-credit[:m] / cap)
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
        events, ends = self.events, self.ends
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
        contributions = [
            contribution_of(
                e.kind,
                e.occurred_at,
                points,
                "breach" if breach else "positive",
                e.source_id,
                e.details,
            )
            for e, points, breach in zip(
                [events[i] for i in kept.tolist()],
                moved[kept].tolist(),
                fades_as_breach[kept].tolist(),
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
        churn_of = dict(zip(self.customer[churned].tolist(), churned.tolist(), strict=True))
        names = self.incident_names
        last_incident = [names[k] if k >= 0 else None for k in self.last_incident.tolist()]
        last_breach = self.last_breach.tolist()
        damage, credit = self.damage.tolist(), self.credit.tolist()
        recoverable, lengths = self.recoverable.tolist(), self.lengths.tolist()
        states = []
        kept_from = peak_from = 0
        for c, end in enumerate(ends.tolist()):
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
                    churn_signal_after_breach=events[churn].occurred_at
                    if churn is not None
                    else None,
                    contributions=tuple(contributions[kept_from : kept_ends[c]]),
                    events=lengths[c],
                    last=order_of(events[end - 1]),
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
        # The points are hundredths, of few values: each value's log is taken once.
        values, each = np.unique(np.abs(moved[ranked]), return_inverse=True)
        with np.errstate(divide="ignore"):
            strength = _log(values)[each.reshape(-1)] + rate * self.stamps[ranked]
        order = np.lexsort((ranked, -strength, group))
        grouped = group[order]
        rank = np.arange(ranked.size) - np.searchsorted(grouped, grouped, side="left")
        kept = np.concatenate((found[~many], ranked[order[rank < EXPLAINED_MAX]]))
        kept.sort()
        return kept
