"""The promise ledger on a real database: promises from audits and from other systems, the
clock that flags and breaks them exactly once, and the trust events and webhooks they cause."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from keepword.audit.auditor import default_auditor
from keepword.bootstrap import Keepword
from keepword.domain.conversations import Conversation, Speaker, Turn
from keepword.domain.customers import Customer
from keepword.domain.errors import Conflict, InvalidValue
from keepword.domain.events import TrustEvent
from keepword.domain.promises import (
    Granularity,
    Party,
    PromiseConflict,
    PromiseKind,
    PromiseStatus,
)
from keepword.services import promises
from keepword.services.conversations import IncomingConversation, store_conversation
from keepword.services.due import sweep_due
from keepword.services.ports import ListFilter, PageRequest, PromiseFilter
from keepword.services.queries import list_trust_events
from keepword.services.webhooks import add_webhook

MANILA = ZoneInfo("Asia/Manila")
SAID = datetime(2024, 12, 20, 16, 0, tzinfo=MANILA)  # a Friday afternoon
C, A = Speaker.CUSTOMER, Speaker.AGENT


def _conversation(
    id: str, *turns: tuple[Speaker, str, datetime], customer: str = "cust-ph"
) -> IncomingConversation:
    return IncomingConversation(
        Conversation(
            external_id=id,
            started_at=turns[0][2],
            turns=[
                Turn(s, text, at, "a-7" if s is A else None, "sales" if s is A else None)
                for s, text, at in turns
            ],
            customer_id=customer,
        ),
        customer_country="PH",
        customer_timezone="Asia/Manila",
    )


def _store(kw: Keepword, incoming: IncomingConversation, now: datetime) -> None:
    store_conversation(kw.uow(), incoming, now, default_auditor())


def _events(kw: Keepword, customer: str = "cust-ph") -> list[TrustEvent]:
    page = list_trust_events(kw.uow(), ListFilter(customer_id=customer), PageRequest(limit=500))
    return list(page.items)


def _activation(kw: Keepword) -> None:
    _store(
        kw,
        _conversation(
            "chat-1",
            (C, "When will my DSL be connected?", SAID - timedelta(minutes=2)),
            (A, "The DSL and phone line will be activated in 3 days.", SAID),
        ),
        SAID,
    )


def _only_promise(kw: Keepword) -> str:
    found = promises.promises_of(kw.uow(), PromiseFilter(customer_id="cust-ph"))
    assert len(found) == 1, [p.external_id for p in found]
    return found[0].external_id


def test_a_promise_an_agent_makes_is_recorded_with_its_due_in_the_customers_zone(
    kw: Keepword,
) -> None:
    _activation(kw)

    promise = promises.get_promise(kw.uow(), _only_promise(kw))

    assert promise.kind is PromiseKind.ACTIVATION
    assert promise.due == datetime(2024, 12, 23, 23, 59, 59, tzinfo=MANILA)
    assert promise.granularity is Granularity.DAY
    assert promise.maker == promise.owner == Party("a-7", "sales")
    assert [e.kind for e in _events(kw) if e.source_type == "promise"] == ["promise_made"]


def test_auditing_a_conversation_again_never_duplicates_its_promises(kw: Keepword) -> None:
    _activation(kw)
    _activation(kw)

    _only_promise(kw)
    made = [e for e in _events(kw) if e.kind == "promise_made"]
    assert len(made) == 1


def test_the_same_promise_said_again_later_in_the_conversation_is_one_promise(
    kw: Keepword,
) -> None:
    _store(
        kw,
        _conversation(
            "chat-2",
            (A, "Your line will be activated in 3 days.", SAID),
            (C, "OK, so by Monday?", SAID + timedelta(minutes=1)),
            (A, "Yes, it will be activated in 3 days, by Monday.", SAID + timedelta(minutes=2)),
        ),
        SAID,
    )

    promise = promises.get_promise(kw.uow(), _only_promise(kw))

    assert [c.what for c in promise.history] == ["made", "restated"]


def test_auditing_again_records_a_restatement_once(kw: Keepword) -> None:
    conversation = _conversation(
        "chat-3",
        (A, "Your line will be activated in 3 days.", SAID),
        (A, "To confirm: it will be activated in 3 days.", SAID + timedelta(minutes=2)),
    )
    _store(kw, conversation, SAID)
    _store(kw, conversation, SAID + timedelta(hours=1))

    promise = promises.get_promise(kw.uow(), _only_promise(kw))

    assert [c.what for c in promise.history] == ["made", "restated"]


def test_the_clock_flags_a_promise_at_risk_once_with_a_draft_for_the_customer(
    kw: Keepword,
) -> None:
    _activation(kw)
    at_risk = datetime(2024, 12, 23, 8, 0, tzinfo=MANILA)

    first = sweep_due(kw.uow, at_risk)
    second = sweep_due(kw.uow, at_risk + timedelta(minutes=5))

    assert len(first.flagged) == 1
    assert second.flagged == []
    promise = promises.get_promise(kw.uow(), first.flagged[0])
    assert promise.draft_message is not None
    assert "activated in 3 days" in promise.draft_message


def test_the_clock_breaks_an_overdue_promise_once_and_tells_the_trust_log(kw: Keepword) -> None:
    _activation(kw)
    after = datetime(2024, 12, 24, 0, 0, tzinfo=MANILA)

    assert sweep_due(kw.uow, after - timedelta(seconds=2)).broken == []
    report = sweep_due(kw.uow, after)
    again = sweep_due(kw.uow, after + timedelta(hours=1))

    assert len(report.broken) == 1
    assert again.broken == []
    broken = [e for e in _events(kw) if e.kind == "promise_broken"]
    assert len(broken) == 1
    assert broken[0].occurred_at == datetime(2024, 12, 23, 23, 59, 59, tzinfo=MANILA)


def test_several_workers_at_once_break_each_overdue_promise_exactly_once(kw: Keepword) -> None:
    customer = Customer("cust-many")
    customer.created_at = customer.updated_at = SAID
    with kw.uow() as uow:
        uow.customers.save(customer)
        uow.commit()
    for number in range(40):
        promises.create_promise(
            kw.uow(),
            promises.NewPromise(
                external_id=f"order-{number}",
                kind=PromiseKind.DELIVERY,
                text="Your parcel arrives by 6pm",
                due=SAID + timedelta(hours=2, minutes=number),
                granularity=Granularity.MINUTE,
                maker=Party(system="oms"),
                made_at=SAID,
                customer_id="cust-many",
            ),
            SAID,
        )
    now = SAID + timedelta(days=1)
    reports = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        barrier.wait()
        reports.append(sweep_due(kw.uow, now, batch=7))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    broken = [promise_id for report in reports for promise_id in report.broken]
    assert sorted(broken) == sorted(f"order-{n}" for n in range(40))
    events = [e for e in _events(kw, "cust-many") if e.kind == "promise_broken"]
    assert len(events) == 40


def test_keeping_a_broken_promise_is_refused_with_its_state(kw: Keepword) -> None:
    _activation(kw)
    promise_id = _only_promise(kw)
    sweep_due(kw.uow, datetime(2024, 12, 24, 0, 0, tzinfo=MANILA))

    with pytest.raises(PromiseConflict) as refused:
        promises.keep_promise(kw.uow(), promise_id, SAID + timedelta(days=5), "done at last")

    assert refused.value.status is PromiseStatus.BROKEN


def test_renegotiating_before_the_due_costs_a_renegotiation_not_a_break(kw: Keepword) -> None:
    _activation(kw)
    promise_id = _only_promise(kw)
    told = datetime(2024, 12, 23, 9, 0, tzinfo=MANILA)
    new_due = datetime(2024, 12, 27, 23, 59, 59, tzinfo=MANILA)

    successor = promises.renegotiate_promise(
        kw.uow(), promise_id, told, new_due, Granularity.DAY, "Called: the exchange is delayed"
    )
    report = sweep_due(kw.uow, datetime(2024, 12, 24, 1, 0, tzinfo=MANILA))

    assert report.broken == []
    assert successor.renegotiated_from == promise_id
    kinds = [e.kind for e in _events(kw) if e.source_type == "promise"]
    assert kinds == ["promise_made", "promise_renegotiated"]


def test_a_promise_handed_over_keeps_who_made_it_and_records_the_hand_over(
    kw: Keepword,
) -> None:
    _activation(kw)
    promise_id = _only_promise(kw)

    moved = promises.hand_over_promise(
        kw.uow(), promise_id, SAID + timedelta(hours=1), Party(team="operations"), "ops activates"
    )

    assert moved.maker == Party("a-7", "sales")
    assert moved.owner == Party(team="operations")
    stored = promises.get_promise(kw.uow(), promise_id)
    assert stored.history[-1].what == "handed_over"
    by_owner = promises.promises_of(kw.uow(), PromiseFilter(owner_team="operations"))
    assert [p.external_id for p in by_owner] == [promise_id]


def test_a_promise_from_another_system_sent_twice_is_stored_once(kw: Keepword) -> None:
    new = promises.NewPromise(
        external_id="so-5521",
        kind=PromiseKind.ACTIVATION,
        text="Line active by Monday",
        due=datetime(2024, 12, 23, 23, 59, 59, tzinfo=MANILA),
        granularity=Granularity.DAY,
        maker=Party(system="sales-orders", team="sales"),
        owner=Party(team="operations"),
        made_at=SAID,
    )

    _, created = promises.create_promise(kw.uow(), new, SAID)
    _, again = promises.create_promise(kw.uow(), new, SAID + timedelta(minutes=1))

    assert (created, again) == (True, False)
    other = promises.NewPromise(**{**new.__dict__, "text": "Line active by Tuesday"})
    with pytest.raises(Conflict, match="renegotiat"):
        promises.create_promise(kw.uow(), other, SAID)


def test_a_promise_for_an_unknown_customer_is_refused_naming_the_field(kw: Keepword) -> None:
    new = promises.NewPromise(
        external_id="so-1",
        kind=PromiseKind.CALLBACK,
        text="We'll call you back",
        due=None,
        granularity=None,
        maker=Party(team="sales"),
        customer_id="nobody",
    )

    with pytest.raises(Conflict) as refused:
        promises.create_promise(kw.uow(), new, SAID)

    assert refused.value.field == "customer_id"


def test_a_due_before_the_making_is_refused(kw: Keepword) -> None:
    new = promises.NewPromise(
        external_id="so-2",
        kind=PromiseKind.CALLBACK,
        text="We'll call you back",
        due=SAID - timedelta(hours=1),
        granularity=Granularity.MINUTE,
        maker=Party(team="sales"),
        made_at=SAID,
    )

    with pytest.raises(InvalidValue, match="before made_at"):
        promises.create_promise(kw.uow(), new, SAID)


def test_breaking_a_promise_queues_its_webhook_once(kw: Keepword) -> None:
    add_webhook(kw.uow(), "ops", "http://127.0.0.1:9/hook", ["promise.broken"], SAID, None)
    _activation(kw)
    sweep_due(kw.uow, datetime(2024, 12, 24, 0, 0, tzinfo=MANILA))
    sweep_due(kw.uow, datetime(2024, 12, 24, 1, 0, tzinfo=MANILA))

    with kw.uow() as uow:
        log = uow.webhooks.deliveries("ops", PageRequest(limit=50)).items

    assert [d.event for d in log] == ["promise.broken"]
    assert log[0].payload["promise"]["status"] == "broken"


def test_the_manila_story_from_promise_to_chase(kw: Keepword) -> None:
    """Friday 20 December 2024, 16:00 in Manila: "activated in 3 days". The owner is
    warned before the due, the promise breaks at 2024-12-24 00:00 Manila time, and the
    customer's "10 days and still not active" is linked to the broken promise."""
    _activation(kw)
    promise_id = _only_promise(kw)

    warned = sweep_due(kw.uow, datetime(2024, 12, 23, 12, 0, tzinfo=MANILA))
    assert warned.flagged == [promise_id]
    assert sweep_due(kw.uow, datetime(2024, 12, 23, 23, 59, 59, tzinfo=MANILA)).broken == []
    broke = sweep_due(kw.uow, datetime(2024, 12, 24, 0, 0, tzinfo=MANILA))
    assert broke.broken == [promise_id]

    chased_at = datetime(2024, 12, 30, 10, 0, tzinfo=MANILA)
    _store(
        kw,
        _conversation(
            "chat-9",
            (C, "It has been 10 days and it is still not active.", chased_at),
        ),
        chased_at,
    )

    chase = next(e for e in _events(kw) if e.kind == "customer_chased")
    assert chase.details["promise"] == promise_id
    assert chase.details["promise_status"] == "broken"
    kinds = [e.kind for e in _events(kw) if e.source_type == "promise"]
    assert kinds == ["promise_made", "promise_at_risk", "promise_broken"]


def test_a_customer_with_a_country_whose_holidays_are_unknown_is_still_audited(
    kw: Keepword,
) -> None:
    incoming = _conversation("chat-x", (A, "It will be activated within 2 business days.", SAID))
    incoming.customer_country = "AQ"  # Antarctica: a country code, with no public holidays known

    _store(kw, incoming, SAID)

    promise = promises.get_promise(kw.uow(), "chat-x:0:activation")
    assert promise.due is not None
    assert promise.due.astimezone(UTC).date().isoformat() == "2024-12-24"
