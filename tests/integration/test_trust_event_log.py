"""The trust event log: events are appended and listed, and the database refuses any edit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from keepword.adapters.db.models import TrustEventRow
from keepword.bootstrap import Keepword
from keepword.domain.customers import Customer
from keepword.domain.errors import Conflict
from keepword.domain.events import TrustEvent
from keepword.services.customers import upsert_customer
from keepword.services.events import record_trust_event
from keepword.services.ports import ListFilter, PageRequest
from keepword.services.queries import list_trust_events

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PLUS_TWO = timezone(timedelta(hours=2))
OCCURRED = datetime(2026, 9, 2, 11, 14, tzinfo=PLUS_TWO)  # 09:14 UTC
EVERYTHING = ListFilter()
BIG_PAGE = PageRequest(limit=500)


def _event(
    customer_id: str = "cust-1", occurred_at: datetime = OCCURRED, kind: str = "promise_made"
) -> TrustEvent:
    return TrustEvent(
        customer_id=customer_id,
        occurred_at=occurred_at,
        kind=kind,
        source_type="conversation",
        source_id="conv-1",
        details={"turn": 1, "due": "2026-09-05", "text": "within 3 business days ✓"},
    )


@pytest.fixture
def customers(kw: Keepword) -> None:
    for external_id in ("cust-1", "cust-2"):
        upsert_customer(kw.uow(), Customer(external_id), NOW)


def _events(kw: Keepword, where: ListFilter = EVERYTHING) -> list[TrustEvent]:
    return list(list_trust_events(kw.uow(), where, BIG_PAGE).items)


def _row_count(kw: Keepword) -> int:
    with kw.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(TrustEventRow)) or 0)


@pytest.mark.usefixtures("customers")
def test_an_appended_event_is_listed_with_when_it_was_recorded(kw: Keepword) -> None:
    recorded = record_trust_event(kw.uow(), _event(), NOW)

    events = _events(kw)

    assert events == [recorded]
    assert events[0].recorded_at == NOW
    assert events[0].details == _event().details


@pytest.mark.usefixtures("customers")
def test_event_instants_come_back_aware_in_utc(kw: Keepword) -> None:
    record_trust_event(kw.uow(), _event(), NOW)

    [event] = _events(kw)

    assert event.occurred_at == OCCURRED
    assert event.occurred_at.utcoffset() == timedelta(0)
    assert event.recorded_at is not None
    assert event.recorded_at.utcoffset() == timedelta(0)


@pytest.mark.usefixtures("customers")
def test_events_are_listed_in_the_order_they_were_recorded(kw: Keepword) -> None:
    # Recorded out of order of occurrence: the log keeps the order of recording.
    for kind, hours in (("promise_made", 5), ("promise_kept", 1), ("apology", 3)):
        record_trust_event(
            kw.uow(), _event(occurred_at=OCCURRED + timedelta(hours=hours), kind=kind), NOW
        )

    assert [event.kind for event in _events(kw)] == ["promise_made", "promise_kept", "apology"]


@pytest.mark.usefixtures("customers")
def test_the_same_event_appended_twice_is_two_entries(kw: Keepword) -> None:
    record_trust_event(kw.uow(), _event(), NOW)
    record_trust_event(kw.uow(), _event(), NOW)

    assert len(_events(kw)) == 2


@pytest.mark.usefixtures("customers")
def test_events_are_filtered_by_customer_and_occurrence(kw: Keepword) -> None:
    record_trust_event(kw.uow(), _event("cust-1", OCCURRED, "first"), NOW)
    record_trust_event(kw.uow(), _event("cust-2", OCCURRED + timedelta(hours=1), "other"), NOW)
    record_trust_event(kw.uow(), _event("cust-1", OCCURRED + timedelta(hours=2), "third"), NOW)
    where = ListFilter(customer_id="cust-1", since=datetime(2026, 9, 2, 9, 15, tzinfo=UTC))

    assert [event.kind for event in _events(kw, where)] == ["third"]


@pytest.mark.usefixtures("customers")
def test_events_are_listed_page_by_page(kw: Keepword) -> None:
    for n in range(5):
        record_trust_event(kw.uow(), _event(kind=f"kind_{n}"), NOW)

    first = list_trust_events(kw.uow(), EVERYTHING, PageRequest(limit=3))
    second = list_trust_events(kw.uow(), EVERYTHING, PageRequest(limit=3, cursor=first.next_cursor))

    assert [e.kind for e in first.items] == ["kind_0", "kind_1", "kind_2"]
    assert [e.kind for e in second.items] == ["kind_3", "kind_4"]
    assert second.next_cursor is None


@pytest.mark.usefixtures("customers")
@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE trust_events SET kind = 'edited'", id="update"),
        pytest.param("UPDATE trust_events SET details = '{}' WHERE id > 0", id="update details"),
        pytest.param("DELETE FROM trust_events", id="delete"),
        pytest.param("DELETE FROM trust_events WHERE kind = 'promise_made'", id="delete where"),
    ],
)
def test_the_database_refuses_to_change_a_recorded_event(kw: Keepword, statement: str) -> None:
    record_trust_event(kw.uow(), _event(), NOW)

    with pytest.raises(DBAPIError, match="append-only"), kw.engine.begin() as connection:
        connection.execute(text(statement))

    assert _events(kw)[0].kind == "promise_made"
    assert _row_count(kw) == 1


def test_recording_an_event_for_an_unknown_customer_is_a_conflict(kw: Keepword) -> None:
    with pytest.raises(Conflict) as refused:
        record_trust_event(kw.uow(), _event("cust-404"), NOW)

    assert refused.value.field == "customer_id"
    assert "cust-404" in str(refused.value)
    assert _row_count(kw) == 0
