"""Storing and importing conversations, against the in-memory unit of work."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keepword.domain.cases import Case
from keepword.domain.conversations import Speaker, Turn
from keepword.domain.customers import Customer
from keepword.domain.errors import Conflict
from keepword.services.conversations import (
    BatchRefused,
    IncomingConversation,
    ParsedLine,
    RejectedLine,
    import_conversations,
    store_conversation,
    store_conversations,
)
from tests.factories import STARTED, make_conversation
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=3)


def _incoming(
    external_id: str = "conv-1",
    *,
    customer_id: str | None = "cust-1",
    case_id: str | None = None,
    agent_id: str | None = "a-7",
    country: str | None = "GB",
    timezone: str | None = "Europe/London",
) -> IncomingConversation:
    conversation = make_conversation(
        external_id, customer_id=customer_id, case_id=case_id, agent_id=agent_id
    )
    return IncomingConversation(conversation, country, timezone)


def _seed_customer(uow: FakeUnitOfWork, customer: Customer) -> None:
    customer.created_at = customer.updated_at = NOW - timedelta(days=30)
    uow.customers.committed[customer.external_id] = customer


def _seed_case(uow: FakeUnitOfWork, case_id: str, customer_id: str) -> None:
    _seed_customer(uow, Customer(customer_id))
    case = Case(case_id, customer_id, opened_at=STARTED - timedelta(days=1))
    case.created_at = case.updated_at = NOW - timedelta(days=1)
    uow.cases.committed[case_id] = case


def _committed(uow: FakeUnitOfWork) -> dict[str, Any]:
    """A deep copy of everything the fake holds as committed."""
    return copy.deepcopy(
        {
            "customers": uow.customers.committed,
            "accounts": uow.accounts.committed,
            "agents": uow.agents.committed,
            "cases": uow.cases.committed,
            "conversations": uow.conversations.committed,
            "trust_events": uow.trust_events.committed,
        }
    )


# --- store_conversation ---------------------------------------------------------------------


def test_storing_a_new_conversation_commits_it_once_and_says_it_was_created() -> None:
    uow = FakeUnitOfWork()

    result = store_conversation(uow, _incoming(), NOW)

    assert result.created is True
    assert uow.commits == 1
    stored = uow.conversations.committed["conv-1"]
    assert stored.created_at == stored.updated_at == NOW
    assert [turn.text for turn in stored.turns] == [turn.text for turn in result.entity.turns]


def test_an_unknown_customer_is_created_with_the_conversations_country_and_timezone() -> None:
    uow = FakeUnitOfWork()

    store_conversation(uow, _incoming(country="IT", timezone="Europe/Rome"), NOW)

    customer = uow.customers.committed["cust-1"]
    assert (customer.country, customer.timezone) == ("IT", "Europe/Rome")
    assert customer.created_at == customer.updated_at == NOW


def test_an_unknown_agent_is_created_with_the_team_they_spoke_for() -> None:
    uow = FakeUnitOfWork()

    store_conversation(uow, _incoming(agent_id="a-9"), NOW)

    agent = uow.agents.committed["a-9"]
    assert agent.team == "support"
    assert agent.created_at == NOW


def test_an_unknown_agent_gets_the_team_of_their_last_turn_that_named_one() -> None:
    uow = FakeUnitOfWork()
    turns = [
        Turn(Speaker.AGENT, "Hello", STARTED, "a-1", "billing"),
        Turn(Speaker.AGENT, "Passing you on", STARTED, "a-1", "retention"),
        Turn(Speaker.AGENT, "Bye", STARTED, "a-1"),
    ]
    conversation = make_conversation(turns=turns)

    store_conversation(uow, IncomingConversation(conversation), NOW)

    assert uow.agents.committed["a-1"].team == "retention"


def test_a_known_agent_keeps_their_stored_team() -> None:
    uow = FakeUnitOfWork()
    store_conversation(uow, _incoming("conv-1"), NOW)
    uow.agents.committed["a-7"].team = "provisioning"

    store_conversation(uow, _incoming("conv-2"), LATER)

    assert uow.agents.committed["a-7"].team == "provisioning"


def test_an_unknown_case_is_opened_for_the_conversations_customer_when_it_started() -> None:
    uow = FakeUnitOfWork()

    store_conversation(uow, _incoming(case_id="case-1"), NOW)

    case = uow.cases.committed["case-1"]
    assert case.customer_id == "cust-1"
    assert case.opened_at == STARTED
    assert case.team == "support"
    assert case.created_at == NOW


@pytest.mark.parametrize(
    ("known", "sent", "expected"),
    [
        pytest.param((None, None), ("GB", "Europe/London"), ("GB", "Europe/London"), id="fills"),
        pytest.param(
            ("IT", "Europe/Rome"), ("GB", "Europe/London"), ("IT", "Europe/Rome"), id="keeps"
        ),
        pytest.param(("IT", None), ("GB", "Europe/London"), ("IT", "Europe/London"), id="tz only"),
        pytest.param(
            (None, "Europe/Rome"), ("GB", "Europe/London"), ("GB", "Europe/Rome"), id="cc"
        ),
        pytest.param(("IT", "Europe/Rome"), (None, None), ("IT", "Europe/Rome"), id="sent none"),
    ],
)
def test_a_known_customers_country_and_timezone_are_filled_but_never_overwritten(
    known: tuple[str | None, str | None],
    sent: tuple[str | None, str | None],
    expected: tuple[str | None, str | None],
) -> None:
    uow = FakeUnitOfWork()
    _seed_customer(uow, Customer("cust-1", "Ada", country=known[0], timezone=known[1]))

    store_conversation(uow, _incoming(country=sent[0], timezone=sent[1]), NOW)

    customer = uow.customers.committed["cust-1"]
    assert (customer.country, customer.timezone) == expected
    assert customer.name == "Ada"


def test_a_known_customer_with_nothing_to_fill_is_not_rewritten() -> None:
    uow = FakeUnitOfWork()
    _seed_customer(uow, Customer("cust-1", country="IT", timezone="Europe/Rome"))

    store_conversation(uow, _incoming(), NOW)

    assert uow.customers.committed["cust-1"].updated_at == NOW - timedelta(days=30)


def test_a_case_of_another_customer_is_refused_with_a_conflict_and_nothing_is_written() -> None:
    uow = FakeUnitOfWork()
    _seed_case(uow, "case-1", customer_id="cust-2")
    before = _committed(uow)

    with pytest.raises(Conflict) as refused:
        store_conversation(uow, _incoming(customer_id="cust-1", case_id="case-1"), NOW)

    assert refused.value.field == "case_id"
    assert "cust-2" in str(refused.value)
    assert _committed(uow) == before
    assert uow.commits == 0


def test_a_conversation_without_customer_inherits_the_cases_customer() -> None:
    uow = FakeUnitOfWork()
    _seed_case(uow, "case-1", customer_id="cust-2")

    result = store_conversation(uow, _incoming(customer_id=None, case_id="case-1"), NOW)

    assert result.entity.customer_id == "cust-2"
    assert uow.conversations.committed["conv-1"].customer_id == "cust-2"


def test_an_unknown_case_without_a_customer_to_open_it_for_is_a_conflict() -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(Conflict) as refused:
        store_conversation(uow, _incoming(customer_id=None, case_id="case-404"), NOW)

    assert refused.value.field == "case_id"
    assert "case-404" in str(refused.value)
    assert _committed(uow) == _committed(FakeUnitOfWork())


def test_an_anonymous_conversation_without_a_case_creates_no_customer() -> None:
    uow = FakeUnitOfWork()

    store_conversation(uow, _incoming(customer_id=None), NOW)

    assert uow.customers.committed == {}
    assert "conv-1" in uow.conversations.committed


def test_storing_the_same_id_again_updates_and_keeps_created_at() -> None:
    uow = FakeUnitOfWork()
    store_conversation(uow, _incoming(), NOW)

    result = store_conversation(uow, _incoming(), LATER)

    assert result.created is False
    stored = uow.conversations.committed["conv-1"]
    assert stored.created_at == NOW
    assert stored.updated_at == LATER
    assert len(uow.conversations.committed) == 1


# --- import_conversations -------------------------------------------------------------------


def _factory(uow: FakeUnitOfWork) -> Any:
    return lambda: uow


def _lines(*items: IncomingConversation | RejectedLine) -> list[ParsedLine]:
    return list(enumerate(items, start=1))


def test_an_import_counts_created_and_updated_conversations() -> None:
    uow = FakeUnitOfWork()
    import_conversations(_factory(uow), _lines(_incoming("c-1"), _incoming("c-2")), NOW)

    report = import_conversations(
        _factory(uow),
        _lines(_incoming("c-1"), _incoming("c-2"), _incoming("c-3")),
        LATER,
    )

    assert (report.created, report.updated, report.stored) == (1, 2, 3)
    assert report.rejected == []
    assert sorted(uow.conversations.committed) == ["c-1", "c-2", "c-3"]


def test_an_import_reports_parse_and_store_refusals_in_line_order() -> None:
    uow = FakeUnitOfWork()
    lines = _lines(
        _incoming("c-1", customer_id=None, case_id="case-404"),  # refused when stored
        RejectedLine(2, "not JSON: Expecting value at column 1"),
        _incoming("c-3"),
        RejectedLine(4, "started_at: Input should have timezone info", "c-4"),
    )

    report = import_conversations(_factory(uow), lines, NOW, batch_size=10)

    assert [rejected.line for rejected in report.rejected] == [1, 2, 4]
    assert report.rejected[1] == lines[1][1]
    assert report.rejected[2] == lines[3][1]
    assert report.rejected[0].conversation_id == "c-1"
    assert "case-404" in report.rejected[0].reason


def test_an_import_keeps_going_past_a_conflict_and_commits_the_rest_of_its_batch() -> None:
    uow = FakeUnitOfWork()
    _seed_case(uow, "case-1", customer_id="cust-2")
    lines = _lines(
        _incoming("c-1"),
        _incoming("c-2", customer_id="cust-3", case_id="case-1", agent_id="a-99"),
        _incoming("c-3"),
    )

    report = import_conversations(_factory(uow), lines, NOW, batch_size=10)

    assert (report.created, report.updated) == (2, 0)
    assert [(r.line, r.conversation_id) for r in report.rejected] == [(2, "c-2")]
    assert sorted(uow.conversations.committed) == ["c-1", "c-3"]


def test_a_conversation_refused_inside_a_batch_leaves_nothing_of_itself_behind() -> None:
    uow = FakeUnitOfWork()
    _seed_case(uow, "case-1", customer_id="cust-2")
    lines = _lines(
        _incoming("c-1"),
        _incoming("c-2", customer_id="cust-3", case_id="case-1", agent_id="a-99"),
    )

    import_conversations(_factory(uow), lines, NOW, batch_size=10)

    assert "cust-3" not in uow.customers.committed
    assert "a-99" not in uow.agents.committed


@pytest.mark.parametrize("batch_size", [1, 2, 3, 200])
def test_on_line_totals_add_up_to_the_number_of_lines(batch_size: int) -> None:
    uow = FakeUnitOfWork()
    lines = _lines(
        _incoming("c-1"),
        RejectedLine(2, "not JSON"),
        _incoming("c-3", customer_id=None, case_id="case-404"),
        _incoming("c-4"),
        _incoming("c-5"),
        RejectedLine(6, "not JSON"),
        _incoming("c-7"),
    )
    calls: list[int] = []

    import_conversations(_factory(uow), lines, NOW, batch_size=batch_size, on_line=calls.append)

    assert sum(calls) == len(lines)
    assert all(count > 0 for count in calls)


def test_an_import_commits_once_per_batch() -> None:
    uow = FakeUnitOfWork()
    lines = _lines(*(_incoming(f"c-{n}") for n in range(5)))

    import_conversations(_factory(uow), lines, NOW, batch_size=2)

    assert uow.commits == 3


def test_an_import_of_nothing_reports_nothing() -> None:
    report = import_conversations(_factory(FakeUnitOfWork()), [], NOW)

    assert (report.created, report.updated, report.rejected) == (0, 0, [])


# --- store_conversations --------------------------------------------------------------------


def test_store_conversations_stores_every_conversation_of_a_good_batch() -> None:
    uow = FakeUnitOfWork()

    results = store_conversations(uow, [(1, _incoming("c-1")), (2, _incoming("c-2"))], NOW)

    assert [(r.entity.external_id, r.created) for r in results] == [("c-1", True), ("c-2", True)]
    assert sorted(uow.conversations.committed) == ["c-1", "c-2"]


def test_store_conversations_refuses_the_whole_batch_naming_the_line() -> None:
    uow = FakeUnitOfWork()
    batch = [
        (1, _incoming("c-1")),
        (2, _incoming("c-2", agent_id="a-8")),
        (7, _incoming("c-7", customer_id=None, case_id="case-404")),
    ]

    with pytest.raises(BatchRefused) as refused:
        store_conversations(uow, batch, NOW)

    assert refused.value.line == 7
    assert refused.value.conversation_id == "c-7"
    assert isinstance(refused.value.error, Conflict)
    assert str(refused.value).startswith("line 7 (conversation 'c-7'): ")
    assert _committed(uow) == _committed(FakeUnitOfWork())
