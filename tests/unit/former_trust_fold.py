"""The trust fold as it was before it was made faster (keepword.domain.trust at commit
66d3c0a), kept word for word as the oracle of tests/unit/test_trust_fold_speed.py: the
fold of today and the batch fold must give the states this one gives.

One change since: which contributions a state keeps. The former fold kept the 50
strongest as of its last event, which made a state depend on how it was reached (an
event-by-event apply dropped contributions a fold from scratch kept); now a state keeps
the EXPLAINED_MAX strongest of each way of fading, by a strength that does not change
with time (`_strongest` below, written out plainly, as the oracle of the rule). And rules
since: a breach said again in its conversation (details `repeat_of`) weighs the model's
repeat_share of its points and compounds nothing; a positive that finds nothing to repair
within goodwill_after_breach of a breach adds no credit; and breaches compound on earlier
incidents only, one conversation (or one promise) being one incident."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from keepword.domain.events import TrustEvent
from keepword.domain.trust import (
    EXPLAINED_MAX,
    RETRACTED,
    Contribution,
    Effect,
    TrustModel,
    TrustState,
    incident_of,
    order_of,
)


def effective(events: Iterable[TrustEvent]) -> list[TrustEvent]:
    """The events that count, in fold order: a retracted label or finding (the audit no
    longer finds it) counts as if it had never been, and the retraction itself neither."""
    listed = list(events)
    retracted = {
        (e.source_type, e.source_id, str(e.details.get("retracts", ""))): e
        for e in listed
        if e.kind == RETRACTED
    }
    kept = []
    for event in listed:
        if event.kind == RETRACTED:
            continue
        withdrawal = retracted.get((event.source_type, event.source_id, event.kind))
        if withdrawal is not None and order_of(withdrawal) >= order_of(event):
            continue
        kept.append(event)
    return sorted(kept, key=order_of)


class _Fold:
    """The fold's working state in plain floats (seconds since the epoch for instants): one
    step costs about a microsecond, so a rebuild of millions of events takes seconds."""

    __slots__ = (
        "_breach_rate",
        "_positive_rate",
        "_weights",
        "as_of",
        "churn",
        "contributions",
        "credit",
        "damage",
        "events",
        "last",
        "last_breach",
        "last_incident",
        "model",
        "peaks",
        "recent",
        "recoverable",
    )

    def __init__(self, model: TrustModel, state: TrustState | None = None) -> None:
        self.model = model
        self._weights = dict(model.weights.items())
        # Fading as 2 ** (-elapsed / half-life) = exp(-elapsed * rate).
        self._breach_rate = math.log(2) / model.breach_half_life.total_seconds()
        self._positive_rate = math.log(2) / model.positive_half_life.total_seconds()
        start = state or TrustState()
        self.as_of = start.as_of.timestamp() if start.as_of else None
        self.damage, self.credit, self.recoverable = start.damage, start.credit, start.recoverable
        self.recent = [t.timestamp() for t in start.recent_breaches]
        self.last_incident = start.last_incident
        self.last_breach = start.last_breach.timestamp() if start.last_breach else None
        self.peaks = [(t.timestamp(), i) for t, i in start.recent_index]
        self.churn = start.churn_signal_after_breach
        self.contributions = list(start.contributions)
        self.events = start.events
        self.last = start.last

    def index(self) -> float:
        cap = self.model.credit_cap
        value = self.model.prior + cap * (1.0 - math.exp(-self.credit / cap)) - self.damage
        return round(min(100.0, max(0.0, value)), 2)

    def step(self, event: TrustEvent) -> None:
        model = self.model
        when_dt = event.occurred_at
        when = when_dt.timestamp()
        key = order_of(event)
        if self.last is not None and key < self.last:
            raise ValueError("events fold in order; fold them all again to add an earlier one")
        self.last = key
        if self.as_of is not None:
            elapsed = when - self.as_of
            if elapsed:
                fade = math.exp(-elapsed * self._breach_rate)
                self.damage *= fade
                self.recoverable *= fade
                self.credit *= math.exp(-elapsed * self._positive_rate)
        self.as_of = when
        weight = self._weights.get(event.kind) or model.weight_of(event.kind)
        before = self.index()
        fades_as = "positive"
        effect = weight.effect
        if effect is Effect.BREACH and weight.points > 0:
            window = model.compound_window.total_seconds()
            self.recent = [t for t in self.recent if when - t <= window]
            repeat = "repeat_of" in event.details
            incident = incident_of(event)
            same = bool(self.recent) and incident == self.last_incident
            if repeat:
                lost = weight.points * model.repeat_share
            else:
                earlier = len(self.recent) - (1 if same else 0)
                lost = weight.points * (1.0 + model.compound_step * earlier)
            self.damage += lost
            self.recoverable += lost * model.recoverable_share
            if not repeat and not same:
                self.recent.append(when)
                self.last_incident = incident
            self.last_breach = when
            fades_as = "breach"
        elif effect is Effect.POSITIVE:
            if self.recoverable > 0.01 and weight.recovery > 0:
                # After a breach, taking it on repairs part of the damage, not goodwill.
                won = self.recoverable * weight.recovery
                self.damage -= won
                self.recoverable -= won
                fades_as = "breach"
            elif (
                self.last_breach is None
                or when - self.last_breach > model.goodwill_after_breach.total_seconds()
            ):
                self.credit += weight.points
        elif effect is Effect.SIGNAL:
            self.damage += weight.points
            fades_as = "breach"
            if (
                event.kind in CHURN_SIGNALS
                and self.last_breach is not None
                and when - self.last_breach <= model.churn_after_breach.total_seconds()
            ):
                self.churn = when_dt
        self.events += 1
        after = self.index()
        moved = round(after - before, 2)
        if moved != 0.0 or effect is not Effect.NEUTRAL:
            self.contributions.append(
                Contribution(event.kind, when_dt, moved, fades_as, event.source_id, event.details)
            )
        # The highest index of the last at_risk_fall_window, kept as a falling sequence:
        # its first entry is always the peak a fall is measured from.
        window = model.at_risk_fall_window.total_seconds()
        peaks = [(t, i) for t, i in self.peaks if when - t <= window]
        while peaks and peaks[-1][1] <= after:
            peaks.pop()
        peaks.append((when, after))
        self.peaks = peaks

    def state(self) -> TrustState:
        as_of = datetime.fromtimestamp(self.as_of, UTC) if self.as_of is not None else None
        contributions = self.contributions
        if len(contributions) > EXPLAINED_MAX:
            contributions = list(_strongest(contributions, self.model))
        return TrustState(
            as_of=as_of,
            damage=self.damage,
            credit=self.credit,
            recoverable=self.recoverable,
            recent_breaches=tuple(datetime.fromtimestamp(t, UTC) for t in self.recent),
            last_incident=self.last_incident,
            last_breach=datetime.fromtimestamp(self.last_breach, UTC)
            if self.last_breach is not None
            else None,
            recent_index=tuple((datetime.fromtimestamp(t, UTC), i) for t, i in self.peaks),
            churn_signal_after_breach=self.churn,
            contributions=tuple(contributions),
            events=self.events,
            last=self.last,
        )


CHURN_SIGNALS = frozenset({"threatens_churn", "wants_to_cancel"})


def apply(state: TrustState, event: TrustEvent, model: TrustModel) -> TrustState:
    """Fold one more event into `state`; it must come after every event folded so far
    (`state.folds_after(event)`), else only a fold of them all from scratch is right."""
    working = _Fold(model, state)
    working.step(event)
    return working.state()


def _strongest(
    contributions: Sequence[Contribution], model: TrustModel
) -> tuple[Contribution, ...]:
    """Of each way of fading, the EXPLAINED_MAX contributions of the greatest
    log |points| + ln 2 * seconds since the epoch / half-life (of equals, the earlier)."""
    keep: set[int] = set()
    for fades_as, half_life in (
        ("breach", model.breach_half_life),
        ("positive", model.positive_half_life),
    ):
        rate = math.log(2) / half_life.total_seconds()
        alike = [i for i, c in enumerate(contributions) if c.fades_as == fades_as]

        def strength(i: int, rate: float = rate) -> float:
            c = contributions[i]
            return math.log(abs(c.points)) + rate * c.at.timestamp() if c.points else -math.inf

        ranked = sorted(alike, key=lambda i: (-strength(i), i))
        keep.update(ranked[:EXPLAINED_MAX])
    return tuple(c for i, c in enumerate(contributions) if i in keep)


def fold(events: Iterable[TrustEvent], model: TrustModel) -> TrustState:
    """Every event of one customer, folded from scratch in time order."""
    working = _Fold(model)
    for event in effective(events):
        working.step(event)
    return working.state()


def fold_keeping_all(events: Iterable[TrustEvent], model: TrustModel) -> TrustState:
    """`fold`, with every contribution kept (what an explanation drawn from all the events
    would be drawn from)."""
    working = _Fold(model)
    for event in effective(events):
        working.step(event)
    state = working.state()
    return TrustState(**{**vars(state), "contributions": tuple(working.contributions)})
