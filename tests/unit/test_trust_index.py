"""The trust index's properties (issue: slow to build, fast to destroy), each one a test."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from keepword.domain.errors import InvalidValue
from keepword.domain.events import TrustEvent
from keepword.domain.trust import (
    DEFAULT_WEIGHTS,
    RETRACTED,
    TrustModel,
    apply,
    fold,
    incident_of,
    order_of,
    read,
    trust_model_of,
)

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
MODEL = TrustModel()
ROUTINE = ["owns", "apologizes", "informs_proactively", "confirms_resolution", "empathizes"]
SEVERE = ["promise_broken", "blames_customer", "shifts_cost", "cancellation_obstructed"]


def event(kind: str, days: float = 0, source: str | None = None, **details: object) -> TrustEvent:
    at = T0 + timedelta(days=days)
    return TrustEvent("cust-1", at, kind, "test", source or f"{kind}@{days}", dict(details), at)


def index(
    events: list[TrustEvent], at_days: float | None = None, model: TrustModel = MODEL
) -> float:
    state = fold(events, model)
    when = T0 + timedelta(days=at_days) if at_days is not None else None
    return state.index(when, model)


def test_a_new_customer_starts_at_the_neutral_prior() -> None:
    assert index([]) == 70.0
    assert index([], model=TrustModel(prior=55)) == 55.0


@pytest.mark.parametrize("breach", SEVERE)
@pytest.mark.parametrize("positive", ROUTINE)
def test_one_severe_breach_lowers_the_index_more_than_ten_routine_positives_raise_it(
    breach: str, positive: str
) -> None:
    raised = index([event(positive, d / 10) for d in range(10)]) - 70
    lowered = 70 - index([event(breach)])

    assert lowered > raised > 0


def test_each_positive_adds_less_than_the_one_before() -> None:
    gains = []
    events: list[TrustEvent] = []
    for number in range(8):
        before = index(events)
        events.append(event("owns", 0, source=f"owns-{number}"))
        gains.append(index(events) - before)

    assert all(later < earlier for earlier, later in itertools.pairwise(gains))


def test_a_second_broken_promise_within_a_month_hurts_more_than_the_first() -> None:
    first = 70 - index([event("promise_broken", 0)])
    both = 70 - index([event("promise_broken", 0), event("promise_broken", 10)], at_days=10)
    first_then = 70 - index([event("promise_broken", 0)], at_days=10)

    assert both - first_then > first


def test_the_breaches_of_one_conversation_compound_on_earlier_incidents_not_on_each_other() -> None:
    # One conversation: the agent argues with a cancellation, sends the customer elsewhere,
    # and the conversation ends with nobody owning it: one incident of three breaches.
    one = [
        event("obstructs_cancellation", 0.001, "c1:1:o", conversation="c1"),
        event("deflects", 0.002, "c1:2:d", conversation="c1"),
        event("left_unowned", 0.003, "c1:left_unowned", conversation="c1"),
    ]
    alone = 70 - index(one)
    # The same three a week after another conversation's blame: each compounds once.
    blamed = [event("blames_customer", -7, "c0:1:b", conversation="c0")]
    after_blame = index(blamed, at_days=0.003) - index([*blamed, *one], at_days=0.003)

    assert alone == pytest.approx(8 + 6 + 6, abs=0.01)
    assert after_blame == pytest.approx(1.5 * (8 + 6 + 6), abs=0.05)


@pytest.mark.parametrize(
    ("source_type", "details", "incident"),
    [
        ("turn_label", {"conversation": "conv-7", "turn": 2}, "conv-7"),
        ("finding", {"conversation": "conv-7", "turns": [1, 2]}, "conv-7"),
        ("promise", {"promise": "p-3", "text": "within 3 days"}, "p-3"),
        ("api", {}, "api:src-1"),
    ],
)
def test_an_event_belongs_to_the_incident_of_its_conversation_or_promise(
    source_type: str, details: dict[str, object], incident: str
) -> None:
    at = T0
    found = TrustEvent("cust-1", at, "deflects", source_type, "src-1", details, at)

    assert incident_of(found) == incident


def test_a_second_breach_months_later_costs_no_more_than_the_first() -> None:
    alone = 70 - index([event("promise_broken", 0)])
    later = index([event("promise_broken", 0)], at_days=200) - index(
        [event("promise_broken", 0), event("promise_broken", 200)], at_days=200
    )

    assert later == pytest.approx(alone, abs=0.01)


@pytest.mark.parametrize("breach", ["shifts_cost", "blames_customer", "deflects", "rude"])
def test_a_breach_said_again_in_its_conversation_is_one_incident(breach: str) -> None:
    once = 70 - index([event(breach, 0, source="c1:1")])
    again = [
        event(breach, 0, source="c1:1"),
        *(event(breach, n / 1000, source=f"c1:{n}", repeat_of="c1:1") for n in (2, 3, 4)),
    ]
    elsewhere = [event(breach, 0, source="c1:1"), event(breach, 1, source="c2:1")]

    said_again = 70 - index(again)
    # Each repeat weighs a quarter of the breach and compounds nothing...
    assert said_again == pytest.approx(once * (1 + 3 * MODEL.repeat_share), abs=0.02)
    # ...so three repeats cost less than the same breach again in another conversation.
    assert said_again < 70 - index(elsewhere, at_days=1)


def test_a_repeat_does_not_make_the_next_incident_compound_more() -> None:
    first, later = event("promise_broken", 0, source="p1"), event("promise_broken", 5, source="p2")
    repeat = event("rude", 0.01, source="c1:3", repeat_of="c1:2")
    rude = event("rude", 0, source="c1:2")

    with_repeat = fold([first, rude, repeat, later], MODEL)
    without = fold([first, rude, later], MODEL)

    assert len(with_repeat.recent_breaches) == len(without.recent_breaches) == 3


def test_the_explanation_says_a_breach_was_said_again() -> None:
    events = [
        event("shifts_cost", 0, source="c1:1", evidence="Call-out fees apply"),
        event("shifts_cost", 0.001, source="c1:2", evidence="The fee stands", repeat_of="c1:1"),
    ]

    lines = read(fold(events, MODEL), T0 + timedelta(days=1), MODEL).explanation

    texts = {line.text for line in lines}
    assert "Charged for the provider's fault: 'Call-out fees apply'" in texts
    assert any("again, in the same conversation" in text and "fee stands" in text for text in texts)


def test_renegotiating_before_the_due_costs_far_less_than_breaking() -> None:
    renegotiated = 70 - index([event("promise_renegotiated")])
    broken = 70 - index([event("promise_broken")])

    assert 0 < renegotiated * 4 < broken


def test_taking_ownership_apologising_and_keeping_a_promise_win_back_part_of_the_loss() -> None:
    breach = [event("promise_broken", 0)]
    repaired = [*breach, event("owns", 1), event("apologizes", 1), event("promise_kept", 2)]

    after_breach = index(breach, at_days=2)
    after_repair = index(repaired, at_days=2)

    assert after_breach < after_repair < index([], at_days=2)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([*SEVERE, "deflects", "rude", "customer_chased"]),
    st.lists(st.sampled_from([*ROUTINE, "promise_kept"]), min_size=1, max_size=60),
)
# Once the breach's recoverable part was all won back, each further courtesy used to add
# goodwill: 35 times "owns" on the day of a blame lifted the index to 70.33.
@example("blames_customer", ["owns"] * 35)
def test_no_amount_of_repair_wins_back_more_than_was_lost(breach: str, repairs: list[str]) -> None:
    events = [event(breach, 0)] + [
        event(kind, 0.01 * (i + 1), source=f"r{i}") for i, kind in enumerate(repairs)
    ]

    state = fold(events, MODEL)

    assert state.damage > 0
    assert index(events, at_days=1) < 70


def test_goodwill_grows_again_once_a_month_has_passed_without_a_breach() -> None:
    breach = [event("blames_customer", 0)] + [event("owns", 0.01 * i, f"r{i}") for i in range(40)]
    within = index([*breach, event("promise_kept", 29, "late")], at_days=29)
    just_before = index(breach, at_days=29)
    after = index([*breach, event("promise_kept", 31, "late")], at_days=31)
    just_before_after = index(breach, at_days=31)

    assert within == just_before  # nothing left to repair, and too soon for goodwill
    assert after > just_before_after


def test_a_breach_fades_slowly_and_a_positive_fades_faster() -> None:
    breach_now = 70 - index([event("promise_broken")], at_days=0)
    breach_later = 70 - index([event("promise_broken")], at_days=180)
    positive_now = index([event("promise_kept")], at_days=0) - 70
    positive_later = index([event("promise_kept")], at_days=180) - 70

    assert breach_later == pytest.approx(breach_now / 2, abs=0.02)
    assert positive_later / positive_now < breach_later / breach_now


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(sorted(DEFAULT_WEIGHTS)), st.floats(0, 400)),
        min_size=0,
        max_size=40,
    )
)
def test_folding_from_scratch_equals_folding_one_event_at_a_time(
    raw: list[tuple[str, float]],
) -> None:
    events = sorted(
        (event(kind, days, source=f"{kind}-{n}") for n, (kind, days) in enumerate(raw)),
        key=order_of,
    )
    incremental = fold([], MODEL)
    for item in events:
        incremental = apply(incremental, item, MODEL)

    scratch = fold(events, MODEL)

    assert incremental.index(T0 + timedelta(days=500), MODEL) == scratch.index(
        T0 + timedelta(days=500), MODEL
    )


def test_the_same_events_in_another_order_give_the_same_index() -> None:
    events = [event("promise_broken", 1), event("owns", 1), event("rude", 0), event("owns", 3)]

    assert index(events) == index(list(reversed(events)))


def test_a_retracted_label_counts_as_if_it_had_never_been_found() -> None:
    found = event("blames_customer", 1, source="c-1:3:blames_customer")
    withdrawn = TrustEvent(
        "cust-1",
        found.occurred_at,
        RETRACTED,
        "test",
        found.source_id,
        {"retracts": "blames_customer"},
        found.occurred_at + timedelta(days=1),
    )

    assert index([found, withdrawn]) == index([])


def test_a_customer_is_at_risk_under_the_threshold_with_the_reason() -> None:
    events = [event("promise_broken", 0), event("blames_customer", 1), event("rude", 2)]

    reading = read(fold(events, MODEL), T0 + timedelta(days=3), MODEL)

    assert reading.index < 40
    assert reading.at_risk
    assert any("under 40" in reason for reason in reading.reasons)


def test_a_threat_to_leave_after_a_breach_puts_a_customer_at_risk() -> None:
    events = [event("deflects", 0), event("threatens_churn", 2)]

    reading = read(fold(events, MODEL), T0 + timedelta(days=3), MODEL)

    assert reading.index > 40
    assert reading.at_risk
    assert reading.reasons == ("asked to leave or threatened to, after a breach",)


def test_a_threat_to_leave_with_no_breach_before_it_is_only_a_signal() -> None:
    reading = read(fold([event("threatens_churn", 0)], MODEL), T0 + timedelta(days=1), MODEL)

    assert not reading.at_risk


def test_the_explanation_names_the_broken_promise_and_how_late_it_is() -> None:
    due = (T0 - timedelta(days=7)).isoformat()
    broken = event("promise_broken", 0, text="activation within 3 days", due=due)

    reading = read(fold([broken, event("owns", 1)], MODEL), T0, MODEL)

    first = reading.explanation[0]
    assert first.text == "Promise 'activation within 3 days' broken, 7 days late"
    assert first.contribution == -18.0


def test_an_unknown_kind_of_event_moves_nothing() -> None:
    assert index([event("something_new")]) == 70.0


def test_weights_can_be_changed_by_setting_and_a_bad_setting_is_refused() -> None:
    model = trust_model_of({"prior": 60, "weights": {"rude": {"points": 20}}})

    assert index([event("rude")], model=model) == 40.0
    with pytest.raises(InvalidValue, match=r"trust\.halflife"):
        trust_model_of({"halflife": 3})
