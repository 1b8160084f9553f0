"""The faster folds give the states the fold gave before: the lean `domain.trust.fold` and
the batch `services.trust_rebuild.fold_many`, against the former fold word for word
(tests/unit/former_trust_fold.py), on random event lists, random models and a corpus.

States are compared whole (every float to the bit, every contribution kept, the peaks,
the recent breaches), so the index, the explanation and being at risk are the same too."""

from __future__ import annotations

import gc
import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from keepword.domain.events import TrustEvent
from keepword.domain.trust import (
    DEFAULT_WEIGHTS,
    EXPLAINED_MAX,
    REPEAT_OF,
    RETRACTED,
    Effect,
    TrustModel,
    TrustState,
    apply,
    effective,
    fold,
    order_of,
    read,
    trust_model_of,
)
from keepword.services import trust_rebuild
from keepword.services.trust_rebuild import (
    UtcInstants,
    _round2,
    columns_of,
    fold_columns,
    fold_many,
)
from tests.unit import former_trust_fold as former

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
MODEL = TrustModel()
KINDS = [*DEFAULT_WEIGHTS, "escalated", RETRACTED]  # "escalated": a kind with no weight
SOURCES = ["turn_label", "finding", "promise"]
ZONES = [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
# Unit tests stay quick: few examples of small sizes (the bench folds the millions).
SLOW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _event(
    at: datetime,
    kind: str,
    source: str = "s",
    source_type: str = "turn_label",
    recorded: datetime | None = None,
    **details: Any,
) -> TrustEvent:
    return TrustEvent("cust-1", at, kind, source_type, source, dict(details), recorded)


@st.composite
def customer_events(draw: st.DrawFn, max_size: int = 60) -> list[TrustEvent]:
    """One customer's events as they may come: ties of one instant, events out of order,
    recorded late or not at all, retractions, kinds with no weight, time zones."""
    count = draw(st.integers(0, max_size))
    # Microseconds within 400 days, a few of them shared so that events tie.
    instants = draw(
        st.lists(st.integers(0, 400 * 86_400 * 10**6), min_size=1, max_size=max(1, count))
    )
    zone = draw(st.sampled_from(ZONES))
    events: list[TrustEvent] = []
    for _ in range(count):
        at = (T0 + timedelta(microseconds=draw(st.sampled_from(instants)))).astimezone(zone)
        kind = draw(st.sampled_from(KINDS))
        late = draw(st.none() | st.integers(-3_600, 30 * 86_400))
        recorded = at + timedelta(seconds=late) if late is not None else None
        details: dict[str, Any] = {"n": len(events)}
        if kind == RETRACTED:
            details["retracts"] = draw(st.sampled_from(KINDS))
        elif draw(st.booleans()):
            details[REPEAT_OF] = "conv-1:0:" + kind  # said again in its conversation
        if draw(st.booleans()):  # one incident, whatever kinds of breach it holds
            details["conversation"] = draw(st.sampled_from(["conv-1", "conv-2"]))
        events.append(
            _event(
                at,
                kind,
                draw(st.sampled_from(["a", "b", "c"])),
                draw(st.sampled_from(SOURCES)),
                recorded,
                **details,
            )
        )
    return events


def _seeded(seed: int, customers: int) -> list[list[TrustEvent]]:
    """Customers drawn as `customer_events` draws one, from a seed (hypothesis draws are
    too slow for many customers of many events; this way it only shrinks the seed)."""
    rng = random.Random(seed)
    found = []
    for _ in range(customers):
        instants = [rng.randrange(400 * 86_400 * 10**6) for _ in range(rng.randint(1, 150))]
        zone = rng.choice(ZONES)
        events = []
        for number in range(rng.choice([0, 1, 5, 20, 40, 70])):
            at = (T0 + timedelta(microseconds=rng.choice(instants))).astimezone(zone)
            kind = rng.choice(KINDS)
            late = rng.choice([None, rng.randint(-3_600, 30 * 86_400)])
            recorded = at + timedelta(seconds=late) if late is not None else None
            details: dict[str, Any] = {"n": number}
            if kind == RETRACTED:
                details["retracts"] = rng.choice(KINDS)
            elif rng.random() < 0.3:
                details[REPEAT_OF] = f"conv-{number // 5}:0:{kind}"
            if rng.random() < 0.6:
                details["conversation"] = f"conv-{number // rng.choice([3, 8])}"
            source = rng.choice(["a", "b", "c", f"s{number}"])
            events.append(_event(at, kind, source, rng.choice(SOURCES), recorded, **details))
        found.append(events)
    return found


many_customers = st.builds(_seeded, st.integers(0, 2**32), st.integers(1, 16))


@st.composite
def models(draw: st.DrawFn) -> TrustModel:
    """The default model, or one with other numbers and weights (breaches of no points,
    signals that lift, positives that recover all, windows of nothing)."""
    if draw(st.booleans()):
        return MODEL
    days = st.floats(0.01, 400, allow_nan=False)
    overrides = draw(
        st.dictionaries(
            st.sampled_from(list(DEFAULT_WEIGHTS)),
            st.fixed_dictionaries(
                {
                    "effect": st.sampled_from([e.value for e in Effect]),
                    "points": st.floats(-20, 30),
                    "recovery": st.floats(0, 1),
                }
            ),
            max_size=6,
        )
    )
    return trust_model_of(
        {
            "prior": draw(st.floats(0, 100)),
            "credit_cap": draw(st.floats(0.5, 60)),
            "compound_step": draw(st.floats(0, 2)),
            "recoverable_share": draw(st.floats(0, 1)),
            "repeat_share": draw(st.floats(0, 1)),
            "at_risk_fall": draw(st.floats(0, 40)),
            "breach_half_life_days": draw(days),
            "positive_half_life_days": draw(days),
            "compound_window_days": draw(st.floats(-2, 120)),
            "at_risk_fall_window_days": draw(st.floats(-2, 120)),
            "churn_after_breach_days": draw(st.floats(-2, 200)),
            "goodwill_after_breach_days": draw(st.floats(-2, 60)),
            "weights": overrides,
        }
    )


@SLOW
@given(customer_events(), models())
def test_the_lean_fold_gives_the_state_the_former_fold_gave(
    events: list[TrustEvent], model: TrustModel
) -> None:
    assert fold(events, model) == former.fold(events, model)


@SLOW
@given(many_customers, models())
def test_the_lean_fold_gives_busy_customers_the_states_the_former_fold_gave(
    customers: list[list[TrustEvent]], model: TrustModel
) -> None:
    assert [fold(e, model) for e in customers] == [former.fold(e, model) for e in customers]


@SLOW
@given(customer_events(max_size=40), models())
def test_applying_events_one_by_one_gives_the_states_the_former_apply_gave(
    events: list[TrustEvent], model: TrustModel
) -> None:
    state = former_state = TrustState()
    for event in effective(events):
        state = apply(state, event, model)
        former_state = former.apply(former_state, event, model)

        assert state == former_state


@SLOW
@given(customer_events(max_size=80), models())
def test_applying_events_one_by_one_gives_the_state_of_a_fold_from_scratch(
    events: list[TrustEvent], model: TrustModel
) -> None:
    # The whole state, explanation included: what a state keeps does not depend on whether
    # the weaker contributions were dropped at every event or once at the end.
    state = TrustState()
    for event in effective(events):
        state = apply(state, event, model)

    assert state == fold(events, model)


@pytest.mark.parametrize("count", [EXPLAINED_MAX + 1, 3 * EXPLAINED_MAX, 200])
def test_the_kept_contributions_explain_every_later_instant_as_all_of_them_would(
    count: int,
) -> None:
    # Breaches and positives interleaved, so that positives, stronger at first, fade below
    # older breaches: the top lines of a reading months later are still among those kept.
    kinds = ["promise_kept", "owns", "rude", "apologizes", "deflects", "informs_proactively"]
    events = [
        _event(T0 + timedelta(hours=13 * i), kinds[i % len(kinds)], f"s{i}") for i in range(count)
    ]
    every = former.fold_keeping_all(events, MODEL)
    kept = fold(events, MODEL)

    assert len(kept.contributions) <= 2 * EXPLAINED_MAX
    for days in (0, 30, 90, 365, 1_000):
        at = T0 + timedelta(hours=13 * count, days=days)
        assert read(kept, at, MODEL, EXPLAINED_MAX) == read(every, at, MODEL, EXPLAINED_MAX)


@SLOW
@given(st.lists(customer_events(max_size=40), min_size=1, max_size=4), models())
def test_the_batch_fold_gives_each_customer_the_state_of_the_fold(
    customers: list[list[TrustEvent]], model: TrustModel
) -> None:
    expected = [former.fold(events, model) for events in customers]

    assert fold_many(customers, model, alone_after=1) == expected  # every customer in numpy
    assert fold_many(customers, model) == expected  # few customers: one by one


@SLOW
@given(many_customers, models(), st.sampled_from([1, 4, 16]))
@example(_seeded(12, 1), TrustModel(), 1)  # its one customer's events all withdrawn
def test_the_batch_fold_gives_busy_customers_the_states_of_the_fold(
    customers: list[list[TrustEvent]], model: TrustModel, alone_after: int
) -> None:
    found = fold_many(customers, model, alone_after=alone_after)

    assert found == [fold(events, model) for events in customers]


@settings(SLOW, max_examples=10)
@given(many_customers)
def test_the_batch_fold_is_the_same_where_numpy_exp_is_not_the_c_librarys(
    customers: list[list[TrustEvent]],
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(trust_rebuild, "_numpy_exp_is_libm", lambda: False)
        patch.setattr(trust_rebuild, "_numpy_log_is_libm", lambda: False)
        found = fold_many(customers, MODEL, alone_after=1)

    assert found == [fold(events, MODEL) for events in customers]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=50))
@example([0.125, 2.675, 1.005, -0.005, 0.0, -0.0, 99.995, 24.395, -99.305, 62.465])
def test_the_batch_rounds_as_python_rounds(values: list[float]) -> None:
    rounded = _round2(np.array(values, np.float64)).tolist()

    assert rounded == [round(x, 2) for x in values]
    assert [np.signbit(x) for x in rounded] == [np.signbit(round(x, 2)) for x in values]


def _long_history(start: datetime, count: int, every: timedelta) -> list[TrustEvent]:
    kinds = ["promise_broken", "owns", "apologizes", "frustrated", "threatens_churn", "rude"]
    return [
        _event(start + every * i, kinds[i % len(kinds)], f"s{i}", recorded=start + every * i)
        for i in range(count)
    ]


@pytest.mark.parametrize(
    ("start", "every"),
    [
        (datetime(1850, 1, 1, tzinfo=UTC), timedelta(days=2_000)),  # centuries apart
        (datetime(2150, 6, 1, tzinfo=UTC), timedelta(hours=7)),  # beyond 2 ** 32 seconds
        (datetime(1969, 12, 31, 23, tzinfo=UTC), timedelta(seconds=1.5)),  # either side of 0
    ],
)
def test_the_batch_fold_ranks_contributions_as_the_fold_does_far_from_1970(
    start: datetime, every: timedelta
) -> None:
    customers = [_long_history(start, 60 + n, every) for n in range(3)]

    found = fold_many(customers, MODEL, alone_after=1)

    for state in found:  # more than EXPLAINED_MAX of a way of fading: some were dropped
        ways = [c.fades_as for c in state.contributions]
        assert max(ways.count("breach"), ways.count("positive")) == EXPLAINED_MAX
    assert found == [former.fold(events, MODEL) for events in customers]


NEW_YORK = ZoneInfo("America/New_York")


def _new_york(month: int, day: int, hour: int, minute: int, fold: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=NEW_YORK, fold=fold)


def test_the_folds_take_one_zoneinfo_zones_datetimes_in_the_order_the_former_fold_did() -> None:
    # The clocks go back at 02:00 EDT on 2 November 2025: 01:10 EST is 06:10 UTC, 20
    # minutes after 01:50 EDT, yet it sorts first, by the wall clock. A month later, at
    # 06:00 UTC, the 01:50 EDT breach has left the windows and the 01:10 EST one has not.
    walls = [(11, 2, 0, 30, 0), (11, 2, 1, 10, 1), (11, 2, 1, 50, 0), (11, 2, 1, 40, 1)]
    kinds = ["promise_broken", "owns", "rude", "frustrated", "apologizes", "promise_kept"]
    back_and_forth = [
        [
            _event(_new_york(*wall), kinds[(n + i) % len(kinds)], f"s{i}")
            for i, wall in enumerate(walls)
        ]
        for n in range(20)
    ]
    windows = [
        [
            _event(_new_york(11, 2, 1, 10, fold=1), "promise_broken", "b"),
            _event(_new_york(11, 2, 1, 50), kind, "a"),
            _event(_new_york(12, 2, 1, 0), "blames_customer", "c"),
            _event(_new_york(12, 2, 1, 5), "frustrated", "d"),
        ]
        for kind in ["rude", "deflects", "shifts_cost"] * 6
    ]
    customers = back_and_forth + windows

    found = fold_many(customers, MODEL, alone_after=1)

    expected = [former.fold(events, MODEL) for events in customers]
    assert [fold(events, MODEL) for events in customers] == expected
    assert found == expected


def _corpus(seed: int, customers: int, busiest: int = 1_000) -> list[list[TrustEvent]]:
    """Customers as a help desk has them: most with tens of events in conversations of a
    few, each audit's events at one or two instants; some retracted; some appended late;
    a few with no events, or with hundreds, or one with `busiest`."""
    rng = random.Random(seed)
    kinds = [k for k in DEFAULT_WEIGHTS if not k.startswith("promise_")]
    found = []
    for number in range(customers):
        count = rng.choice([0, 1, 3, 20, 60, 100, 100, 140, 400]) if number else busiest
        at = T0 + timedelta(days=rng.random() * 30)
        events: list[TrustEvent] = []
        while len(events) < count:
            at += timedelta(hours=rng.expovariate(1 / 60))
            recorded = at + timedelta(minutes=rng.randint(1, 90))
            for turn in range(rng.randint(1, 6)):
                kind = rng.choice(kinds)
                when = at + timedelta(minutes=2 * (turn // 2))
                source = f"c{number}-{len(events)}:{turn}:{kind}"
                events.append(_event(when, kind, source, recorded=recorded, turn=turn))
                if rng.random() < 0.01:  # a later audit no longer finds it
                    again = recorded + timedelta(days=2)
                    withdrawn = _event(when, RETRACTED, source, recorded=again, retracts=kind)
                    events.append(withdrawn)
            if rng.random() < 0.05:  # a promise kept, recorded before the last audit's events
                events.append(_event(at - timedelta(hours=3), "promise_kept", f"p{len(events)}"))
        found.append(sorted(events[:count], key=lambda e: e.recorded_at or e.occurred_at))
    return found


def test_the_batch_fold_gives_a_corpus_of_customers_the_states_of_the_fold() -> None:
    customers = _corpus(seed=11, customers=150)

    found = fold_many(customers, MODEL)

    assert found == [fold(events, MODEL) for events in customers]
    assert found[:30] == [former.fold(events, MODEL) for events in customers[:30]]
    readings = [read(state, T0 + timedelta(days=400), MODEL) for state in found]
    assert {r.at_risk for r in readings} == {True, False}  # the corpus has both


def test_a_customer_whose_events_are_all_retracted_stands_at_the_prior() -> None:
    kept = _event(T0, "rude", "s1")
    withdrawn = _event(T0, RETRACTED, "s1", recorded=T0 + timedelta(days=1), retracts="rude")
    customers: Sequence[list[TrustEvent]] = [[kept, withdrawn], [], [kept]] * 10

    found = fold_many(customers, MODEL, alone_after=1)

    assert found == [fold(events, MODEL) for events in customers]
    assert found[0] == TrustState()


@pytest.mark.parametrize("enabled", [True, False])
def test_the_fold_leaves_the_collector_as_it_found_it_and_its_states_out_of_the_young(
    enabled: bool,
) -> None:
    customers = [
        [_event(T0 + timedelta(hours=h), kind) for h, kind in enumerate(["owns", "apologizes"])]
        for _ in range(20)
    ]
    was_enabled = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        states = fold_many(customers, MODEL, alone_after=1)
        assert gc.isenabled() is enabled
        young = {id(obj) for obj in gc.get_objects(generation=0)}
        assert not any(id(state) in young for state in states)
    finally:
        (gc.enable if was_enabled else gc.disable)()
    assert states == [fold(events, MODEL) for events in customers]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.datetimes(  # hypothesis takes naive bounds, then gives the instants their zone
            min_value=datetime(1, 1, 2),  # noqa: DTZ001
            max_value=datetime(9999, 12, 30),  # noqa: DTZ001
            timezones=st.just(UTC),
        ),
        min_size=1,
        max_size=20,
    )
)
@example(
    [datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC), datetime(2255, 6, 6, tzinfo=UTC)]
)
def test_instants_given_as_microseconds_read_as_the_datetimes_they_were(
    instants: list[datetime],
) -> None:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    micros = np.array([(at - epoch) // timedelta(microseconds=1) for at in instants], np.int64)

    found = UtcInstants(micros)

    assert list(found) == instants
    assert list(found[1:]) == instants[1:]
    # The fold sorts and fades by these: they must be timestamp()'s to the bit.
    assert found.timestamps().tolist() == [at.timestamp() for at in instants]


def _in_fold_order(customers: list[list[TrustEvent]]) -> trust_rebuild.EventColumns:
    """The customers' columns as the database gives them: each customer's events sorted in
    fold order, with the order they were appended in."""
    ordered, appended = [], []
    for events in customers:
        order = sorted(range(len(events)), key=lambda i: order_of(events[i]))
        ordered.append([events[i] for i in order])
        appended.extend(len(appended) + np.array(order, np.int64))
    columns = columns_of(ordered)
    return replace(columns, appended=np.array(appended, np.int64), in_fold_order=True)


@SLOW
@given(many_customers, st.sampled_from([1, 4, 16]))
def test_columns_in_fold_order_fold_as_the_events_do(
    customers: list[list[TrustEvent]], alone_after: int
) -> None:
    # Instants of one zone each: the database gives every instant in UTC.
    customers = [
        [replace(e, occurred_at=e.occurred_at.astimezone(UTC)) for e in c] for c in customers
    ]

    found = fold_columns(_in_fold_order(customers), MODEL, alone_after=alone_after)

    assert found == [fold(events, MODEL) for events in customers]


def test_columns_said_in_fold_order_whose_instants_are_not_are_sorted() -> None:
    events = [
        _event(T0 + timedelta(hours=h), kind, f"s{h}")
        for h, kind in [(5, "rude"), (1, "owns"), (3, "promise_broken"), (1, "apologizes")]
    ]
    columns = replace(columns_of([events]), in_fold_order=True)

    assert fold_columns(columns, MODEL, alone_after=1) == [fold(events, MODEL)]
