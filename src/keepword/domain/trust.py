"""The trust index: a customer's trust events folded, in time order, into a number from 0 to 100.

Trust is slow to build and fast to destroy (docs/trust-index.md says why each rule is
so). The fold keeps a small state that any instant can be read from:

- `damage`: the points breaches took, fading with a long half-life (180 days);
- `credit`: the weight of routine positive events, fading faster (45 days) and worth
  ever less the more there is (it saturates at `credit_cap` points);
- `recoverable`: the part of recent damage that ownership, apologies and kept
  promises may still win back: never more than was lost;
- the times of recent incidents with a breach (one conversation, or one promise, is
  one incident), so a breach within a month of another incident costs more.

index(t) = prior + credit_cap * (1 - exp(-credit(t) / credit_cap)) - damage(t), within 0-100.

The same events always give the same index, and folding one more event into a
state equals folding all of them from scratch (both are tests). Pure: time comes
in as an argument.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Any

from keepword.domain.errors import InvalidValue
from keepword.domain.events import TrustEvent

RETRACTED = "retracted"
# In an event's details: the source id of the first event of the same kind in the same
# conversation, when this one says it again (the audit marks them; see `repeat_share`).
REPEAT_OF = "repeat_of"
# The version of the fold's rules, kept with every state: a state folded under other rules
# (before goodwill waited a month after a breach, 2; before one conversation was one
# incident, 3) is folded again from scratch at its customer's next event, and
# `keepword trust rebuild` refolds every customer at once.
FOLD_RULES = 3
# The strongest contributions a state keeps of each way of fading (breach, positive): the
# explanation of any later instant is drawn from them (see `_strongest`), so a reading's
# `top` is exact up to this many lines.
EXPLAINED_MAX = 10


class Effect(StrEnum):
    BREACH = "breach"  # takes trust, fades slowly, may compound
    POSITIVE = "positive"  # builds trust, fades faster, saturates, or repairs a breach
    SIGNAL = "signal"  # the customer's own words: moves little, matters for being at risk
    NEUTRAL = "neutral"  # recorded, explained, moves nothing


@dataclass(frozen=True)
class EventWeight:
    """What one kind of event does: its effect, its points, and for a positive event the
    share of a breach's recoverable damage it wins back when it comes after one."""

    effect: Effect
    points: float
    recovery: float = 0.0
    words: str = ""  # how the explanation names it


def _w(effect: Effect, points: float, words: str, recovery: float = 0.0) -> EventWeight:
    return EventWeight(effect, points, recovery, words)


B, P, S, N = Effect.BREACH, Effect.POSITIVE, Effect.SIGNAL, Effect.NEUTRAL

# The documented defaults (docs/trust-index.md gives the reason for each).
DEFAULT_WEIGHTS: dict[str, EventWeight] = {
    # Severe breaches: the failures customers do not forgive.
    "promise_broken": _w(B, 18, "Promise broken"),
    "blames_customer": _w(B, 15, "Customer blamed"),
    "shifts_cost": _w(B, 15, "Charged for the provider's fault"),
    "charged_for_provider_fault": _w(B, 18, "Charged for the provider's fault"),
    "obstructs_cancellation": _w(B, 8, "Cancellation argued with"),
    "cancellation_obstructed": _w(B, 15, "Cancellation obstructed"),
    "fault_dismissed": _w(B, 12, "Reported fault dismissed"),
    # Lesser breaches.
    "rude": _w(B, 10, "Agent rude"),
    "dismisses_report": _w(B, 8, "Report dismissed"),
    "deflects": _w(B, 6, "Sent elsewhere"),
    "left_unowned": _w(B, 6, "Left with nobody owning it"),
    "customer_chased": _w(B, 5, "Customer had to chase"),
    "inconveniences": _w(B, 4, "Customer made to do the provider's work"),
    "promise_renegotiated": _w(B, 3, "Promise renegotiated before its due"),
    # What builds trust, and repairs it after a breach.
    "promise_kept": _w(P, 3.0, "Promise kept", recovery=0.3),
    "owns": _w(P, 2.0, "Agent took ownership", recovery=0.2),
    "confirms_resolution": _w(P, 1.5, "Checked it was solved", recovery=0.15),
    "informs_proactively": _w(P, 1.5, "Told before being asked", recovery=0.1),
    "apologizes": _w(P, 1.0, "Apologised", recovery=0.1),
    "empathizes": _w(P, 1.0, "Acknowledged how it felt", recovery=0.1),
    # The customer's own signals.
    "threatens_churn": _w(S, 4, "Customer threatened to leave"),
    "frustrated": _w(S, 2, "Customer frustrated"),
    "wants_to_cancel": _w(S, 0, "Customer asked to cancel"),
    "chases": _w(S, 0, "Customer chased"),
    "reports_fault": _w(S, 0, "Customer reported a fault"),
    # Recorded, explained, but not trust in themselves.
    "promise_made": _w(N, 0, "Promise made"),
    "promise_at_risk": _w(N, 0, "Promise at risk"),
}


@dataclass(frozen=True)
class TrustModel:
    """The parameters of the fold and of being at risk; defaults in docs/trust-index.md."""

    prior: float = 70.0
    credit_cap: float = 20.0
    breach_half_life: timedelta = timedelta(days=180)
    positive_half_life: timedelta = timedelta(days=45)
    compound_window: timedelta = timedelta(days=30)
    compound_step: float = 0.5  # each earlier incident in the window adds half the weight again
    recoverable_share: float = 0.5  # at most half a breach's damage can be won back
    # For this long after a breach, a positive event that finds nothing left to repair
    # builds no goodwill either: else enough routine courtesy on the day of a blame would
    # win back more than the blame took (a positive after it is repair, and repair is
    # bounded by `recoverable_share`).
    goodwill_after_breach: timedelta = timedelta(days=30)
    # The same breach again in the same conversation (an agent repeating the fee he should
    # not charge) weighs this share of its points and compounds nothing: one incident.
    repeat_share: float = 0.25
    at_risk_below: float = 40.0
    at_risk_fall: float = 15.0
    at_risk_fall_window: timedelta = timedelta(days=30)
    churn_after_breach: timedelta = timedelta(days=90)
    weights: Mapping[str, EventWeight] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def __post_init__(self) -> None:
        if not 0 <= self.prior <= 100:
            raise InvalidValue("prior", "the starting index is between 0 and 100")
        for name in ("breach_half_life", "positive_half_life"):
            if getattr(self, name) <= timedelta(0):
                raise InvalidValue(name, "a half-life is a positive duration")
        for name in ("recoverable_share", "repeat_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise InvalidValue(name, "a share between 0 and 1")
        if self.credit_cap <= 0:
            raise InvalidValue("credit_cap", "a positive number of points")

    def weight_of(self, kind: str) -> EventWeight:
        """What an event of `kind` does; an unknown kind is neutral (new kinds never break
        the fold, they only wait for a weight)."""
        return self.weights.get(kind, EventWeight(Effect.NEUTRAL, 0.0, 0.0, kind))

    def with_weights(self, overrides: Mapping[str, Mapping[str, Any]]) -> TrustModel:
        """This model with some kinds' weights replaced ({"rude": {"points": 12}})."""
        weights = dict(self.weights)
        for kind, change in overrides.items():
            base = weights.get(kind, EventWeight(Effect.NEUTRAL, 0.0, 0.0, kind))
            try:
                weights[kind] = replace(
                    base,
                    effect=Effect(change.get("effect", base.effect)),
                    points=float(change.get("points", base.points)),
                    recovery=float(change.get("recovery", base.recovery)),
                    words=str(change.get("words", base.words)),
                )
            except (ValueError, TypeError) as error:
                raise InvalidValue(f"weights.{kind}", str(error)) from None
        return replace(self, weights=weights)


_DAYS = {
    "breach_half_life_days": "breach_half_life",
    "positive_half_life_days": "positive_half_life",
    "compound_window_days": "compound_window",
    "goodwill_after_breach_days": "goodwill_after_breach",
    "at_risk_fall_window_days": "at_risk_fall_window",
    "churn_after_breach_days": "churn_after_breach",
}
_NUMBERS = (
    "prior",
    "credit_cap",
    "compound_step",
    "recoverable_share",
    "repeat_share",
    "at_risk_below",
    "at_risk_fall",
)


def trust_model_of(settings: Mapping[str, Any]) -> TrustModel:
    """The default model changed by `settings` (numbers by name, durations in days as
    `<name>_days`, and `weights` by event kind); InvalidValue names an unknown or bad key."""
    changes: dict[str, Any] = {}
    for key, value in settings.items():
        if key == "weights":
            continue
        try:
            if key in _DAYS:
                changes[_DAYS[key]] = timedelta(days=float(value))
            elif key in _NUMBERS:
                changes[key] = float(value)
            else:
                known = ", ".join([*_NUMBERS, *_DAYS, "weights"])
                raise InvalidValue(f"trust.{key}", f"not a setting of the trust index; use {known}")
        except (TypeError, ValueError):
            raise InvalidValue(f"trust.{key}", f"{value!r} is not a number") from None
    model = replace(TrustModel(), **changes)
    weights = settings.get("weights", {})
    if not isinstance(weights, Mapping):
        raise InvalidValue("trust.weights", "map event kinds to their settings")
    return model.with_weights(weights)


def _decay(value: float, elapsed: timedelta, half_life: timedelta) -> float:
    if elapsed <= timedelta(0) or value == 0.0:
        return value
    return value * math.exp(-math.log(2) * (elapsed / half_life))


@dataclass(frozen=True)
class Contribution:
    """What one event did to the index when it happened, and how that fades."""

    kind: str
    at: datetime
    points: float  # signed, at the time of the event
    fades_as: str  # "breach" or "positive": which half-life applies
    source_id: str
    details: Mapping[str, Any]

    def now(self, at: datetime, model: TrustModel) -> float:
        """The points as they count at `at`."""
        return _faded(self.points, self.at, self.fades_as, at, model)


_new, _set = object.__new__, object.__setattr__


def contribution_of(
    kind: str,
    at: datetime,
    points: float,
    fades_as: str,
    source_id: str,
    details: Mapping[str, Any],
) -> Contribution:
    """The Contribution `Contribution(kind, at, ...)` makes, equal to it, made in half the
    time: without the frozen dataclass's one `__setattr__` a field (a rebuild reads out
    hundreds of thousands of them, and every reading of a stored state some)."""
    made = _new(Contribution)
    fields = {"kind": kind, "at": at, "points": points, "fades_as": fades_as}
    fields["source_id"], fields["details"] = source_id, details
    _set(made, "__dict__", fields)
    return made


def _faded(points: float, at: datetime, fades_as: str, when: datetime, model: TrustModel) -> float:
    """`points` of a contribution made at `at` as they count at `when`."""
    half_life = model.breach_half_life if fades_as == "breach" else model.positive_half_life
    return _decay(points, when - at, half_life)


@dataclass(frozen=True)
class TrustState:
    """Everything the fold needs to go on, and to read the index at any later instant."""

    as_of: datetime | None = None
    damage: float = 0.0
    credit: float = 0.0
    recoverable: float = 0.0
    recent_breaches: tuple[datetime, ...] = ()
    # The incident (`incident_of`) of the last of `recent_breaches`: another breach of it
    # compounds only on the incidents before it, not on itself.
    last_incident: str | None = None
    last_breach: datetime | None = None
    # (instant, index) after each event of the last at_risk_fall_window, for "fell by N".
    recent_index: tuple[tuple[datetime, float], ...] = ()
    churn_signal_after_breach: datetime | None = None
    contributions: tuple[Contribution, ...] = ()
    events: int = 0
    # Where the last folded event stands in fold order: an event that sorts before it
    # cannot be folded on top, only with all the others again.
    last: tuple[datetime, datetime, str, str, str] | None = None
    rules: int = FOLD_RULES  # the rules it was folded under

    def folds_after(self, event: TrustEvent) -> bool:
        """True when `event` comes after every event folded so far and the state was folded
        under today's rules (FOLD_RULES), so `apply` may add it."""
        return self.rules == FOLD_RULES and (self.last is None or order_of(event) >= self.last)

    def at(self, when: datetime, model: TrustModel) -> TrustState:
        """This state with its sums faded to `when` (never before `as_of`)."""
        if self.as_of is None or when <= self.as_of:
            return self
        elapsed = when - self.as_of
        return replace(
            self,
            as_of=when,
            damage=_decay(self.damage, elapsed, model.breach_half_life),
            recoverable=_decay(self.recoverable, elapsed, model.breach_half_life),
            credit=_decay(self.credit, elapsed, model.positive_half_life),
        )

    def index(self, when: datetime | None, model: TrustModel) -> float:
        """The index at `when` (default: as of the last event), 0-100, to two places."""
        state = self.at(when, model) if when is not None else self
        gain = model.credit_cap * (1.0 - math.exp(-state.credit / model.credit_cap))
        return round(min(100.0, max(0.0, model.prior + gain - state.damage)), 2)


def order_of(event: TrustEvent) -> tuple[datetime, datetime, str, str, str]:
    """Where an event stands in fold order: when it happened, then (for ties) when it was
    recorded and where it came from, so the same events always fold the same way."""
    recorded = event.recorded_at or event.occurred_at
    return (event.occurred_at, recorded, event.source_type, event.source_id, event.kind)


def incident_of(event: TrustEvent) -> str:
    """The incident an event belongs to, for compounding: the conversation of a turn's label
    or of a finding (one conversation is one incident, whatever kinds of breach it holds),
    the promise of a promise's event, else the event's own source."""
    return incident_in(event.details, event.source_type, event.source_id)


def incident_in(details: Mapping[str, Any], source_type: str, source_id: str) -> str:
    """`incident_of` an event of these details and this source."""
    found = details.get("conversation") or details.get("promise")
    return found if isinstance(found, str) else f"{source_type}:{source_id}"


def effective(events: Iterable[TrustEvent]) -> list[TrustEvent]:
    """The events that count, in fold order: a retracted label or finding (the audit no
    longer finds it) counts as if it had never been, and the retraction itself neither."""
    return sorted(counted(events), key=order_of)


def counted(events: Iterable[TrustEvent]) -> list[TrustEvent]:
    """The events that count (`effective`), in the order given."""
    listed = list(events)
    retracted = {
        (e.source_type, e.source_id, str(e.details.get("retracts", ""))): e
        for e in listed
        if e.kind == RETRACTED
    }
    if not retracted:
        return listed
    kept = []
    for event in listed:
        if event.kind == RETRACTED:
            continue
        withdrawal = retracted.get((event.source_type, event.source_id, event.kind))
        if withdrawal is not None and order_of(withdrawal) >= order_of(event):
            continue
        kept.append(event)
    return kept


# What an event of a kind does in the fold (`_Fold._kind`): takes points (a breach), builds
# trust or repairs it (a positive), is the customer's own signal, or moves nothing.
_DAMAGES, _BUILDS, _SIGNALS, _NOTHING = 0, 1, 2, 3
# A contribution not yet made a `Contribution`: (kind, at, points, fades_as, source_id,
# details), the fields in order; most of them are dropped before they are ever read.
_Added = tuple[str, datetime, float, str, str, Mapping[str, Any]]


class _Fold:
    """The fold's working state in plain floats (seconds since the epoch for instants).

    A step builds nothing but the tuple of the event's contribution; only the strongest
    contributions a state keeps become `Contribution`s, when the state is read out."""

    __slots__ = (
        "_breach_rate",
        "_churn_after",
        "_compound_window",
        "_fall_window",
        "_goodwill_after",
        "_kinds",
        "_positive_rate",
        "_rising",
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
        self._kinds: dict[str, tuple[int, float, float, bool, bool]] = {}
        # Fading as 2 ** (-elapsed / half-life) = exp(-elapsed * rate).
        self._breach_rate = math.log(2) / model.breach_half_life.total_seconds()
        self._positive_rate = math.log(2) / model.positive_half_life.total_seconds()
        self._compound_window = model.compound_window.total_seconds()
        self._fall_window = model.at_risk_fall_window.total_seconds()
        self._churn_after = model.churn_after_breach.total_seconds()
        self._goodwill_after = model.goodwill_after_breach.total_seconds()
        start = state or TrustState()
        self.as_of = start.as_of.timestamp() if start.as_of else None
        self.damage, self.credit, self.recoverable = start.damage, start.credit, start.recoverable
        self.recent = [t.timestamp() for t in start.recent_breaches]
        self.last_incident = start.last_incident
        self.last_breach = start.last_breach.timestamp() if start.last_breach else None
        self.peaks = [(t.timestamp(), i) for t, i in start.recent_index]
        self._rising = all(a[0] <= b[0] for a, b in pairwise(self.peaks))
        self.churn = start.churn_signal_after_breach
        self.contributions: list[Contribution | _Added] = list(start.contributions)
        self.events = start.events
        self.last = start.last

    def _kind(self, kind: str) -> tuple[int, float, float, bool, bool]:
        """What an event of `kind` does: (_DAMAGES etc., points, recovery, whether it is a
        churn signal, whether its effect is neutral); worked out once a kind."""
        weight = self.model.weights.get(kind) or self.model.weight_of(kind)
        effect = weight.effect
        if effect is Effect.BREACH and weight.points > 0:
            does = _DAMAGES
        elif effect is Effect.POSITIVE:
            does = _BUILDS
        elif effect is Effect.SIGNAL:
            does = _SIGNALS
        else:
            does = _NOTHING  # a neutral event, or a "breach" of no points
        neutral = effect is Effect.NEUTRAL
        found = (does, weight.points, weight.recovery, kind in CHURN_SIGNALS, neutral)
        self._kinds[kind] = found
        return found

    def index(self) -> float:
        cap = self.model.credit_cap
        value = self.model.prior + cap * (1.0 - math.exp(-self.credit / cap)) - self.damage
        return round(min(100.0, max(0.0, value)), 2)

    def step(self, event: TrustEvent) -> None:
        key = order_of(event)
        if self.last is not None and key < self.last:
            raise ValueError("events fold in order; fold them all again to add an earlier one")
        self.last = key
        self._add(event)

    def _add(self, event: TrustEvent) -> None:
        """Fold `event` in; it comes after every event folded so far (`step` checks)."""
        model = self.model
        when_dt = event.occurred_at
        when = when_dt.timestamp()
        damage, credit, recoverable, as_of = self.damage, self.credit, self.recoverable, self.as_of
        if as_of is not None:
            elapsed = when - as_of
            if elapsed:
                fade = math.exp(-elapsed * self._breach_rate)
                damage *= fade
                recoverable *= fade
                credit *= math.exp(-elapsed * self._positive_rate)
            if when < as_of:
                # Fold order is the datetimes' order, and two of one zoneinfo zone compare by
                # their wall clocks: across a change of the clocks, an instant may come back.
                self._rising = False
        self.as_of = when
        kind = event.kind
        does, points, recovery, churns, neutral = self._kinds.get(kind) or self._kind(kind)
        prior, cap = model.prior, model.credit_cap
        # The index before and after, as `index` has it; the credit's exp is redone only
        # when the event changes the credit.
        saturation = math.exp(-credit / cap)
        before = round(min(100.0, max(0.0, prior + cap * (1.0 - saturation) - damage)), 2)
        fades_as = "positive"
        if does == _DAMAGES:
            window = self._compound_window
            recent = [t for t in self.recent if when - t <= window]
            if REPEAT_OF in event.details:
                lost = points * model.repeat_share  # one incident, said again
            else:
                # Each earlier incident of the window adds a step; a breach of the incident
                # the last one belongs to compounds only on those before it.
                incident = incident_of(event)
                same = bool(recent) and incident == self.last_incident
                lost = points * (1.0 + model.compound_step * (len(recent) - same))
                if not same:
                    recent.append(when)
                    self.last_incident = incident
            damage += lost
            recoverable += lost * model.recoverable_share
            self.recent = recent
            self.last_breach = when
            fades_as = "breach"
        elif does == _BUILDS:
            if recoverable > 0.01 and recovery > 0:
                # After a breach, taking it on repairs part of the damage, not goodwill.
                won = recoverable * recovery
                damage -= won
                recoverable -= won
                fades_as = "breach"
            elif self.last_breach is None or when - self.last_breach > self._goodwill_after:
                credit += points
                saturation = math.exp(-credit / cap)
        elif does == _SIGNALS:
            damage += points
            fades_as = "breach"
            last_breach = self.last_breach
            if churns and last_breach is not None and when - last_breach <= self._churn_after:
                self.churn = when_dt
        self.damage, self.credit, self.recoverable = damage, credit, recoverable
        self.events += 1
        after = round(min(100.0, max(0.0, prior + cap * (1.0 - saturation) - damage)), 2)
        moved = round(after - before, 2)
        if moved != 0.0 or not neutral:
            self.contributions.append(
                (kind, when_dt, moved, fades_as, event.source_id, event.details)
            )
        # The highest index of the last at_risk_fall_window, kept as a falling sequence:
        # its first entry is always the peak a fall is measured from. While instants rise,
        # the entries out of the window are the first ones.
        peaks = self.peaks
        window = self._fall_window
        if self._rising:
            gone = 0
            while gone < len(peaks) and when - peaks[gone][0] > window:
                gone += 1
            if gone:
                del peaks[:gone]
        else:
            peaks[:] = [(t, i) for t, i in peaks if when - t <= window]
        while peaks and peaks[-1][1] <= after:
            peaks.pop()
        peaks.append((when, after))

    def state(self) -> TrustState:
        as_of = datetime.fromtimestamp(self.as_of, UTC) if self.as_of is not None else None
        contributions: Sequence[Contribution | _Added] = self.contributions
        if len(contributions) > EXPLAINED_MAX:
            contributions = _strongest(contributions, self.model)
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
            contributions=tuple(
                c if isinstance(c, Contribution) else contribution_of(*c) for c in contributions
            ),
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


def lasting_strength(points: float, at: float, rate: float) -> float:
    """The log of a contribution's strength as it will count at any one instant, up to a
    term that instant adds to all of one fading rate alike: log |points| + rate * at, `at`
    in seconds since the epoch, `rate` ln 2 / half-life in seconds. Contributions of one
    way of fading keep their order for ever; -inf for one of no points."""
    return math.log(abs(points)) + rate * at if points else -math.inf


def _strongest(
    contributions: Sequence[Contribution | _Added], model: TrustModel
) -> tuple[Contribution | _Added, ...]:
    """The EXPLAINED_MAX strongest contributions of each way of fading, in fold order.

    Two contributions that fade alike keep their order as time goes on, so the strongest
    lines of any later reading are among these: the explanation is exact without the
    state keeping every event. The choice depends only on the contributions (of equals,
    the earlier stays), never on when it is made, so dropping the weaker ones at every
    event (`apply`) keeps what dropping them once at the end (`fold`) keeps."""
    rates = {
        "breach": math.log(2) / model.breach_half_life.total_seconds(),
        "positive": math.log(2) / model.positive_half_life.total_seconds(),
    }
    ranked: dict[str, list[tuple[float, int]]] = {"breach": [], "positive": []}
    for position, c in enumerate(contributions):
        if isinstance(c, Contribution):
            points, at, fades_as = c.points, c.at, c.fades_as
        else:
            points, at, fades_as = c[2], c[1], c[3]
        strength = lasting_strength(points, at.timestamp(), rates[fades_as])
        ranked[fades_as].append((-strength, position))
    if all(len(found) <= EXPLAINED_MAX for found in ranked.values()):
        return tuple(contributions)
    keep: set[int] = set()
    for found in ranked.values():
        found.sort()
        keep.update(position for _, position in found[:EXPLAINED_MAX])
    return tuple(c for position, c in enumerate(contributions) if position in keep)


def history(events: Iterable[TrustEvent], model: TrustModel) -> list[tuple[TrustEvent, float]]:
    """Each event that counts, in fold order, with the index just after it."""
    working = _Fold(model)
    found = []
    for event in effective(events):
        working._add(event)  # in fold order already
        found.append((event, working.index()))
    return found


def team_of(details: Mapping[str, Any]) -> str | None:
    """The team an event's details name: the turn's team, else the owner's or maker's."""
    for key in ("team", "owner", "made_by"):
        value = details.get(key)
        if isinstance(value, str) and key == "team":
            return value
        if isinstance(value, Mapping) and isinstance(value.get("team"), str):
            return str(value["team"])
    return None


def explaining(details: Mapping[str, Any]) -> dict[str, Any]:
    """Of an event's details, those its explanation and its team are read from (`read`'s
    words: `text`, `evidence`, a promise's `due`; `team_of`: `team`, and the team of the
    `owner` or the `made_by`; whether it repeats an earlier breach, not which): what a
    stored contribution needs to keep of them."""
    kept = {key: details[key] for key in ("text", "evidence", "due", "team") if key in details}
    if details.get(REPEAT_OF):
        kept[REPEAT_OF] = True
    for key in ("owner", "made_by"):
        value = details.get(key)
        if isinstance(value, Mapping) and isinstance(value.get("team"), str):
            kept[key] = {"team": value["team"]}
    return kept


def fold(events: Iterable[TrustEvent], model: TrustModel) -> TrustState:
    """Every event of one customer, folded from scratch in time order."""
    working = _Fold(model)
    ordered = effective(events)
    for event in ordered:
        working._add(event)  # in fold order already: no need to check each against the last
    if ordered:
        working.last = order_of(ordered[-1])
    return working.state()


@dataclass(frozen=True)
class Explained:
    """One line of a customer's explanation: what happened and what it does now."""

    kind: str
    at: datetime
    contribution: float
    text: str
    source_id: str


@dataclass(frozen=True)
class TrustReading:
    """A customer's index at an instant, whether they are at risk and why, and the events
    that moved it most."""

    index: float
    at_risk: bool
    reasons: tuple[str, ...]
    explanation: tuple[Explained, ...]
    events: int


def _plain(contribution: Contribution, now: datetime, model: TrustModel) -> str:
    """The event in words: "Promise 'activation within 3 days' broken, 7 days late"."""
    weight = model.weight_of(contribution.kind)
    words = weight.words or contribution.kind.replace("_", " ").capitalize()
    details = contribution.details
    text = details.get("text") or details.get("evidence")
    if contribution.kind.startswith("promise_") and text:
        what = contribution.kind.removeprefix("promise_").replace("_", " ")
        line = f"Promise '{_short(text)}' {what}"
        if contribution.kind == "promise_broken" and details.get("due"):
            days = max((now - datetime.fromisoformat(str(details["due"]))).days, 0)
            if days:
                line += f", {days} day{'s' if days != 1 else ''} late"
        return line
    if contribution.fades_as == "breach" and weight.effect is Effect.POSITIVE:
        words += " after a breach"
    elif weight.effect is Effect.BREACH and details.get(REPEAT_OF):
        words += " again, in the same conversation"
    return f"{words}: '{_short(text)}'" if text else words


def _short(text: object) -> str:
    value = str(text).strip()
    return value if len(value) <= 80 else value[:77] + "..."


def read(state: TrustState, now: datetime, model: TrustModel, top: int = 10) -> TrustReading:
    """The index at `now`, at-risk or not (with the reasons), and the `top` events that
    move it most, strongest first, each with its points as they count at `now`."""
    index = state.index(now, model)
    reasons = []
    if state.events and index < model.at_risk_below:
        reasons.append(f"index {index:g} is under {model.at_risk_below:g}")
    recent = [i for t, i in state.recent_index if now - t <= model.at_risk_fall_window]
    if recent and max(recent) - index > model.at_risk_fall:
        reasons.append(
            f"fell {max(recent) - index:.0f} points in {model.at_risk_fall_window.days} days"
        )
    if (
        state.churn_signal_after_breach is not None
        and now - state.churn_signal_after_breach <= model.churn_after_breach
    ):
        reasons.append("asked to leave or threatened to, after a breach")
    explanation: tuple[Explained, ...] = ()
    if top:
        # Each contribution's points now, worked out once: the ranking and the lines use them.
        faded = [(c, c.now(now, model)) for c in state.contributions]
        ranked = sorted(faded, key=lambda found: (-abs(found[1]), found[0].at))
        explanation = tuple(
            Explained(c.kind, c.at, round(points, 1), _plain(c, now, model), c.source_id)
            for c, points in ranked[:top]
            if round(points, 1) != 0.0
        )
    return TrustReading(index, bool(reasons), tuple(reasons), explanation, state.events)
