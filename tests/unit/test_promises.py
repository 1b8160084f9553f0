"""The life of a promise under a frozen clock (shared/design/promises.md)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keepword.domain.errors import Conflict, InvalidValue
from keepword.domain.promises import (
    Granularity,
    Party,
    Promise,
    PromiseConflict,
    PromiseKind,
    PromiseSource,
    PromiseStatus,
    RiskPolicy,
    kind_of,
)

MANILA = timezone(timedelta(hours=8))
SAID = datetime(2024, 12, 20, 16, 0, tzinfo=MANILA)
DUE = datetime(2024, 12, 23, 23, 59, 59, tzinfo=MANILA)
SALES = Party("a-7", "sales")
OPERATIONS = Party(team="operations")


def make_promise(
    due: datetime | None = DUE, granularity: Granularity | None = Granularity.DAY, **kw: object
) -> Promise:
    fields: dict[str, object] = {
        "external_id": "c-1:3:activation",
        "kind": PromiseKind.ACTIVATION,
        "text": "the DSL and phone line will be activated in 3 days",
        "made_at": SAID,
        "due": due,
        "granularity": granularity if due is not None else None,
        "maker": SALES,
        "owner": Party(),
        "source": PromiseSource.CONVERSATION,
        "customer_id": "cust-1",
        **kw,
    }
    return Promise(**fields)  # type: ignore[arg-type]


def test_whoever_made_a_promise_owns_it_until_it_is_handed_over() -> None:
    promise = make_promise()

    assert promise.owner == SALES

    promise.hand_over(SAID + timedelta(hours=1), OPERATIONS, "ops activates lines")

    assert promise.owner == OPERATIONS
    assert promise.maker == SALES
    assert promise.history[-1].what == "handed_over"
    assert promise.history[-1].details["from"] == {"agent_id": "a-7", "team": "sales"}


def test_a_promise_is_not_overdue_at_the_last_second_of_its_due_day() -> None:
    promise = make_promise()

    assert not promise.is_overdue(DUE)
    assert promise.is_overdue(DUE + timedelta(seconds=1))


def test_the_clock_breaks_an_overdue_promise_and_records_how_late() -> None:
    promise = make_promise()
    at = datetime(2024, 12, 24, 0, 0, tzinfo=MANILA)

    promise.break_(at)

    assert promise.status is PromiseStatus.BROKEN
    assert promise.closed_at == at
    assert promise.history[-1].details["late_by_seconds"] == 1


def test_a_promise_cannot_be_broken_before_its_due() -> None:
    with pytest.raises(Conflict, match="not overdue"):
        make_promise().break_(DUE - timedelta(hours=1))


def test_a_broken_promise_cannot_be_marked_kept_and_the_refusal_says_its_state() -> None:
    promise = make_promise()
    promise.break_(DUE + timedelta(minutes=5))

    with pytest.raises(PromiseConflict, match="is broken since") as refused:
        promise.keep(DUE + timedelta(days=2), "activated at last")

    assert refused.value.status is PromiseStatus.BROKEN


def test_keeping_a_promise_after_its_due_records_that_it_was_late() -> None:
    promise = make_promise()

    promise.keep(DUE + timedelta(minutes=10), "order activated")

    assert promise.status is PromiseStatus.KEPT
    assert promise.history[-1].details["late"] is True
    assert promise.lateness(DUE + timedelta(days=1)) == timedelta(minutes=10)


def test_renegotiating_before_the_due_replaces_the_promise_with_one_due_later() -> None:
    promise = make_promise()
    new_due = DUE + timedelta(days=2)

    successor = promise.renegotiate(
        DUE - timedelta(hours=5), "c-1:3:activation~2", new_due, Granularity.DAY, "called them"
    )

    assert promise.status is PromiseStatus.RENEGOTIATED
    assert promise.renegotiated_to == successor.external_id
    assert successor.is_open
    assert successor.due == new_due
    assert successor.renegotiated_from == promise.external_id
    assert successor.owner == promise.owner


def test_a_promise_past_its_due_cannot_be_renegotiated_only_broken() -> None:
    promise = make_promise()

    with pytest.raises(Conflict, match="renegotiated before its due"):
        promise.renegotiate(
            DUE + timedelta(hours=1), "x~2", DUE + timedelta(days=3), Granularity.DAY, "called"
        )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"due": SAID - timedelta(minutes=1)}, "due"),
        ({"due": datetime(2024, 12, 23, 23, 59)}, "due"),  # noqa: DTZ001 - the point of it
        ({"text": "   "}, "text"),
        ({"due": None, "granularity": None, "external_id": "has space"}, "id"),
    ],
    ids=["due-before-made", "due-without-offset", "no-text", "bad-id"],
)
def test_a_promise_that_breaks_a_rule_is_refused_naming_the_field(
    fields: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidValue) as refused:
        make_promise(**fields)  # type: ignore[arg-type]

    assert refused.value.field == field


def test_an_unknown_kind_is_refused_with_the_kinds_there_are() -> None:
    with pytest.raises(InvalidValue, match="callback, activation"):
        kind_of("teleport")


def test_the_manila_promise_comes_at_risk_a_fifth_of_its_span_before_its_due() -> None:
    promise = make_promise()

    promise.schedule_risk(RiskPolicy())

    # 80 hours promised: at risk 16 hours before the end of Monday the 23rd.
    assert promise.at_risk_at == datetime(2024, 12, 23, 7, 59, 59, tzinfo=MANILA)
    assert not promise.is_at_risk(promise.at_risk_at - timedelta(seconds=1))
    assert promise.is_at_risk(promise.at_risk_at)
    assert promise.status_at(DUE + timedelta(seconds=1)) == "overdue"


def test_a_short_promise_is_at_risk_at_least_an_hour_before_it_falls_due() -> None:
    promise = make_promise(due=SAID + timedelta(hours=2), granularity=Granularity.MINUTE)

    promise.schedule_risk(RiskPolicy())

    assert promise.at_risk_at == SAID + timedelta(hours=1)


def test_a_promise_with_no_due_is_never_broken_but_is_flagged_after_the_alert_time() -> None:
    promise = make_promise(due=None)

    promise.schedule_risk(RiskPolicy(no_due_after=timedelta(hours=48)))

    assert not promise.is_overdue(SAID + timedelta(days=365))
    assert promise.at_risk_at == SAID + timedelta(hours=48)


def test_flagging_at_risk_prepares_a_message_that_tells_the_customer_before_the_date() -> None:
    promise = make_promise()

    promise.flag_at_risk(DUE - timedelta(hours=10))

    assert promise.draft_message is not None
    assert "activated in 3 days" in promise.draft_message
    assert "by the end of Monday 23 December 2024" in promise.draft_message


@given(st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=400)))
def test_a_promise_comes_at_risk_before_its_due_and_not_before_it_was_made(
    span: timedelta,
) -> None:
    promise = make_promise(due=SAID + span, granularity=Granularity.MINUTE)

    promise.schedule_risk(RiskPolicy())

    assert promise.at_risk_at is not None
    assert promise.at_risk_at + timedelta(seconds=1) >= SAID
    assert promise.at_risk_at <= SAID + span


LATER = SAID + timedelta(hours=2)
CHANGES = {
    "keep": lambda p: p.keep(LATER),
    "cancel": lambda p: p.cancel(LATER, "again"),
    "hand_over": lambda p: p.hand_over(LATER, OPERATIONS),
}


@pytest.mark.parametrize("action", sorted(CHANGES))
def test_a_closed_promise_refuses_every_change(action: str) -> None:
    promise = make_promise()
    promise.cancel(SAID + timedelta(hours=1), "order withdrawn")

    with pytest.raises(PromiseConflict, match="is cancelled"):
        CHANGES[action](promise)
