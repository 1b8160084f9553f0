"""Every entity through the SQL repositories and back, on the test's own database."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import event, func, select

from keepword.adapters.db.models import TurnRow
from keepword.bootstrap import Keepword
from keepword.domain.access import ApiToken, Role, User
from keepword.domain.agents import Agent
from keepword.domain.cases import Case, CaseStatus, RootCause
from keepword.domain.conversations import Channel, Conversation, Speaker, Turn
from keepword.domain.customers import Account, AccountStatus, Customer
from keepword.domain.errors import InvalidValue
from keepword.domain.organisation import Organisation
from keepword.services.ports import ListFilter, PageRequest

PLUS_TWO = timezone(timedelta(hours=2))
# 14:30+02:00 is 12:30 UTC.
CREATED = datetime(2026, 11, 23, 14, 30, 15, 123456, tzinfo=PLUS_TWO)
UPDATED = datetime(2026, 11, 24, 9, 0, tzinfo=PLUS_TWO)
STARTED = datetime(2026, 9, 2, 11, 14, tzinfo=PLUS_TWO)
EVERYTHING = ListFilter()
BIG_PAGE = PageRequest(limit=500)


def _stamp(entity: Any) -> Any:
    entity.created_at, entity.updated_at = CREATED, UPDATED
    return entity


def _save(kw: Keepword, *entities: Any) -> None:
    """Save each entity through the repository of its kind, in one committed unit of work."""
    with kw.uow() as uow:
        for entity in entities:
            repository = {
                Customer: uow.customers,
                Account: uow.accounts,
                Agent: uow.agents,
                Case: uow.cases,
                Conversation: uow.conversations,
            }[type(entity)]
            repository.save(entity)
        uow.commit()


def _customer(external_id: str = "cust-1", name: str | None = "Ada Example") -> Customer:
    return _stamp(Customer(external_id, name, "GB", "Europe/London"))


def _agent(external_id: str = "a-7", team: str | None = "provisioning") -> Agent:
    return _stamp(Agent(external_id, "Sam Agent", team))


def _case(external_id: str = "case-1", customer_id: str = "cust-1", **fields: Any) -> Case:
    return _stamp(Case(external_id, customer_id, opened_at=STARTED, **fields))


def _conversation(
    external_id: str = "conv-1",
    *,
    customer_id: str | None = "cust-1",
    case_id: str | None = None,
    started_at: datetime = STARTED,
    turns: list[Turn] | None = None,
    extra: dict[str, Any] | None = None,
) -> Conversation:
    return _stamp(
        Conversation(
            external_id=external_id,
            started_at=started_at,
            turns=turns
            or [
                Turn(Speaker.CUSTOMER, "My line is still not active.", started_at),
                Turn(
                    Speaker.AGENT,
                    "It will be active within 3 business days.",
                    started_at + timedelta(minutes=1),
                    "a-7",
                    "provisioning",
                ),
            ],
            channel=Channel.CHAT,
            customer_id=customer_id,
            case_id=case_id,
            extra=extra or {},
        )
    )


def _assert_utc(*instants: datetime | None) -> None:
    for instant in instants:
        assert instant is not None
        assert instant.utcoffset() == timedelta(0)


def _turn_rows(kw: Keepword) -> int:
    with kw.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(TurnRow)) or 0)


# --- round trips ----------------------------------------------------------------------------


def test_a_customer_comes_back_as_it_was_saved(kw: Keepword) -> None:
    _save(kw, _customer())

    with kw.uow() as uow:
        got = uow.customers.get("cust-1")

    assert got == _customer()


def test_instants_come_back_aware_in_utc_and_equal_to_what_went_in(kw: Keepword) -> None:
    _save(kw, _customer())

    with kw.uow() as uow:
        got = uow.customers.get("cust-1")

    assert got is not None
    _assert_utc(got.created_at, got.updated_at)
    assert got.created_at == CREATED
    assert got.created_at == datetime(2026, 11, 23, 12, 30, 15, 123456, tzinfo=UTC)


def test_instants_come_back_in_utc_whatever_the_database_session_time_zone(
    kw: Keepword,
) -> None:
    if kw.engine.dialect.name == "postgresql":
        # PostgreSQL hands timestamptz back in the session's zone: make it anything but UTC.
        kw.engine.dispose()
        event.listen(kw.engine, "connect", _kolkata_session)
    _save(kw, _customer())

    with kw.uow() as uow:
        got = uow.customers.get("cust-1")

    assert got is not None
    assert got.created_at is not None
    assert got.created_at.tzinfo == UTC
    assert got.created_at == CREATED


def _kolkata_session(dbapi_connection: Any, _record: Any) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'Asia/Kolkata'")
    dbapi_connection.commit()


def test_an_unknown_id_gives_none(kw: Keepword) -> None:
    with kw.uow() as uow:
        assert uow.customers.get("nobody") is None
        assert uow.accounts.get("nobody") is None
        assert uow.agents.get("nobody") is None
        assert uow.cases.get("nobody") is None
        assert uow.conversations.get("nobody") is None


def test_saving_a_customer_again_updates_it_in_place(kw: Keepword) -> None:
    _save(kw, _customer())
    changed = _customer(name="Ada Lovelace")
    changed.country, changed.timezone = "IT", None

    _save(kw, changed)

    with kw.uow() as uow:
        page = uow.customers.list(EVERYTHING, BIG_PAGE)
    assert page.items == [changed]


def test_an_account_comes_back_as_it_was_saved(kw: Keepword) -> None:
    account = _stamp(
        Account("acc-1", "cust-1", "broadband", AccountStatus.SUSPENDED, -425_000_000_000, "GBP")
    )
    _save(kw, _customer(), account)

    with kw.uow() as uow:
        got = uow.accounts.get("acc-1")

    assert got == account
    assert got is not None
    _assert_utc(got.created_at, got.updated_at)


def test_an_agent_comes_back_as_it_was_saved(kw: Keepword) -> None:
    agent = _agent()
    agent.active = False
    _save(kw, agent)

    with kw.uow() as uow:
        got = uow.agents.get("a-7")

    assert got == agent


def test_a_case_comes_back_with_its_references_and_instants(kw: Keepword) -> None:
    account = _stamp(Account("acc-1", "cust-1", "mobile"))
    case = _case(
        account_id="acc-1",
        owner_agent_id="a-7",
        team="provisioning",
        subject="Line not active",
        status=CaseStatus.RESOLVED,
        root_cause=RootCause.PROVIDER_FAULT,
        closed_at=STARTED + timedelta(days=2, hours=3),
    )
    _save(kw, _customer(), account, _agent(), case)

    with kw.uow() as uow:
        got = uow.cases.get("case-1")

    assert got == case
    assert got is not None
    _assert_utc(got.opened_at, got.closed_at, got.created_at, got.updated_at)


def test_a_conversation_comes_back_with_its_turns_in_order(kw: Keepword) -> None:
    conversation = _conversation(case_id="case-1")
    _save(kw, _customer(), _agent(), _case(), conversation)

    with kw.uow() as uow:
        got = uow.conversations.get("conv-1")

    assert got == conversation
    assert got is not None
    _assert_utc(got.started_at, *(turn.at for turn in got.turns))
    assert got.turns[1].at == datetime(2026, 9, 2, 9, 15, tzinfo=UTC)


def test_an_anonymous_conversation_comes_back_without_customer(kw: Keepword) -> None:
    turns = [Turn(Speaker.SYSTEM, "Chat opened", STARTED)]
    conversation = _conversation(customer_id=None, turns=turns)
    _save(kw, conversation)

    with kw.uow() as uow:
        got = uow.conversations.get("conv-1")

    assert got == conversation


def test_conversation_extra_fields_survive_a_round_trip(kw: Keepword) -> None:
    extra = {
        "gold": {"turns": {"1": ["apologizes"]}, "promises": [{"turn": 1, "kind": "activation"}]},
        "source": "zendesk",
        "priority": 3,
        "ratio": 0.25,
        "flags": [True, False, None],
        "note": "ünïcødé ✓ 客户",
    }
    _save(kw, _customer(), _agent(), _conversation(extra=extra))

    with kw.uow() as uow:
        got = uow.conversations.get("conv-1")

    assert got is not None
    assert got.extra == extra


def test_saving_a_conversation_again_replaces_its_turns(kw: Keepword) -> None:
    _save(kw, _customer(), _agent())
    three = [Turn(Speaker.CUSTOMER, f"turn {n}", STARTED + timedelta(seconds=n)) for n in range(3)]
    _save(kw, _conversation(turns=three))
    assert _turn_rows(kw) == 3
    one = [Turn(Speaker.AGENT, "Only this now", STARTED, "a-7")]

    _save(kw, _conversation(turns=one))

    assert _turn_rows(kw) == 1
    with kw.uow() as uow:
        got = uow.conversations.get("conv-1")
    assert got is not None
    assert got.turns == one


def test_saving_a_conversation_again_keeps_a_single_conversation(kw: Keepword) -> None:
    _save(kw, _customer(), _agent(), _conversation())

    _save(kw, _conversation())

    with kw.uow() as uow:
        assert len(uow.conversations.list(EVERYTHING, BIG_PAGE).items) == 1


def test_a_token_comes_back_by_id_and_by_hash_and_updates(kw: Keepword) -> None:
    token = ApiToken("abcd1234", "zendesk-sync", Role.INTEGRATION, CREATED)
    with kw.uow() as uow:
        uow.tokens.add(token, "f" * 64)
        uow.commit()
    token.last_used_at, token.revoked_at = UPDATED, UPDATED + timedelta(minutes=1)

    with kw.uow() as uow:
        uow.tokens.save(token)
        uow.commit()

    with kw.uow() as uow:
        by_id = uow.tokens.get("abcd1234")
        by_hash = uow.tokens.find_by_hash("f" * 64)
        unknown = uow.tokens.find_by_hash("0" * 64)
        every = uow.tokens.all()
    assert by_id == by_hash == token
    assert list(every) == [token]
    assert unknown is None
    assert by_id is not None
    _assert_utc(by_id.created_at, by_id.last_used_at, by_id.revoked_at)


def test_users_come_back_by_name_and_are_listed_by_name(kw: Keepword) -> None:
    zoe = User("zoe", Role.AGENT, "hash-z", CREATED)
    ada = User("ada", Role.LEAD, "hash-a", CREATED, active=False)
    with kw.uow() as uow:
        uow.users.save(zoe)
        uow.users.save(ada)
        uow.commit()

    with kw.uow() as uow:
        got, every = uow.users.get("ada"), uow.users.all()

    assert got == ada
    assert list(every) == [ada, zoe]


def test_the_organisation_is_the_default_until_saved_then_what_was_saved(kw: Keepword) -> None:
    with kw.uow() as uow:
        assert uow.organisation.get() == Organisation()
    organisation = Organisation("Acme Telecom", "Europe/Rome", "IT", time(17, 30))

    with kw.uow() as uow:
        uow.organisation.save(organisation)
        uow.commit()

    with kw.uow() as uow:
        assert uow.organisation.get() == organisation


def test_nothing_is_kept_without_a_commit(kw: Keepword) -> None:
    with kw.uow() as uow:
        uow.customers.save(_customer())

    with kw.uow() as uow:
        assert uow.customers.get("cust-1") is None


def test_leaving_a_unit_of_work_rolls_back_and_gives_its_connection_back(kw: Keepword) -> None:
    rollbacks: list[object] = []
    event.listen(kw.engine, "rollback", rollbacks.append)

    with kw.uow() as uow:
        uow.customers.save(_customer())

    assert rollbacks
    assert kw.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_a_rollback_inside_a_unit_of_work_forgets_what_was_saved(kw: Keepword) -> None:
    # Repositories cache what they read per transaction; a rollback must forget it too.
    with kw.uow() as uow:
        uow.customers.save(_customer())
        uow.rollback()

        assert uow.customers.get("cust-1") is None
        assert uow.customers.created_at_of("cust-1") is None


# --- lists, pages and filters ---------------------------------------------------------------


def test_customers_are_listed_page_by_page_oldest_first(kw: Keepword) -> None:
    _save(kw, *(_customer(f"cust-{n}") for n in range(1, 6)))
    pages: list[list[str]] = []
    cursor: str | None = None

    with kw.uow() as uow:
        while True:
            page = uow.customers.list(EVERYTHING, PageRequest(limit=2, cursor=cursor))
            pages.append([customer.external_id for customer in page.items])
            cursor = page.next_cursor
            if cursor is None:
                break

    assert pages == [["cust-1", "cust-2"], ["cust-3", "cust-4"], ["cust-5"]]


def test_a_page_that_ends_the_list_exactly_has_no_next_cursor(kw: Keepword) -> None:
    _save(kw, *(_customer(f"cust-{n}") for n in range(1, 3)))

    with kw.uow() as uow:
        page = uow.customers.list(EVERYTHING, PageRequest(limit=2))

    assert len(page.items) == 2
    assert page.next_cursor is None


def test_conversations_are_listed_page_by_page_oldest_first(kw: Keepword) -> None:
    # The look-ahead row that tells a next page exists has no turns loaded.
    _save(kw, _customer(), _agent(), *(_conversation(f"conv-{n}") for n in range(1, 6)))
    pages: list[list[str]] = []
    cursor: str | None = None

    with kw.uow() as uow:
        while True:
            page = uow.conversations.list(EVERYTHING, PageRequest(limit=2, cursor=cursor))
            pages.append([conversation.external_id for conversation in page.items])
            assert all(conversation.turns for conversation in page.items)
            cursor = page.next_cursor
            if cursor is None:
                break

    assert pages == [["conv-1", "conv-2"], ["conv-3", "conv-4"], ["conv-5"]]


@pytest.mark.parametrize("limit", [0, -1, 501])
def test_a_page_size_out_of_range_is_refused(kw: Keepword, limit: int) -> None:
    with kw.uow() as uow, pytest.raises(InvalidValue) as refused:
        uow.customers.list(EVERYTHING, PageRequest(limit=limit))

    assert refused.value.field == "limit"


@pytest.mark.parametrize("cursor", ["abc", "-1", "1.5", ""])
def test_a_cursor_this_list_did_not_give_out_is_refused(kw: Keepword, cursor: str) -> None:
    with kw.uow() as uow, pytest.raises(InvalidValue) as refused:
        uow.conversations.list(EVERYTHING, PageRequest(cursor=cursor))

    assert refused.value.field == "cursor"


def _conversation_ids(kw: Keepword, where: ListFilter) -> list[str]:
    with kw.uow() as uow:
        return [c.external_id for c in uow.conversations.list(where, BIG_PAGE).items]


@pytest.fixture
def three_conversations(kw: Keepword) -> None:
    """conv-a (cust-1, case-1, 09:14Z), conv-b (cust-2, 10:14Z), conv-c (cust-1, 11:14Z)."""
    _save(
        kw,
        _customer("cust-1"),
        _customer("cust-2"),
        _agent(),
        _case("case-1", "cust-1"),
        _conversation("conv-a", customer_id="cust-1", case_id="case-1"),
        _conversation("conv-b", customer_id="cust-2", started_at=STARTED + timedelta(hours=1)),
        _conversation("conv-c", customer_id="cust-1", started_at=STARTED + timedelta(hours=2)),
    )


@pytest.mark.usefixtures("three_conversations")
@pytest.mark.parametrize(
    ("where", "expected"),
    [
        pytest.param(ListFilter(), ["conv-a", "conv-b", "conv-c"], id="no filter"),
        pytest.param(ListFilter(customer_id="cust-1"), ["conv-a", "conv-c"], id="customer"),
        pytest.param(ListFilter(customer_id="cust-9"), [], id="unknown customer"),
        pytest.param(ListFilter(case_id="case-1"), ["conv-a"], id="case"),
        pytest.param(
            ListFilter(since=datetime(2026, 9, 2, 10, 14, tzinfo=UTC)),
            ["conv-b", "conv-c"],
            id="since is inclusive",
        ),
        pytest.param(
            ListFilter(until=datetime(2026, 9, 2, 12, 14, tzinfo=PLUS_TWO)),
            ["conv-a"],
            id="until is exclusive, in another offset",
        ),
        pytest.param(
            ListFilter(
                since=datetime(2026, 9, 2, 5, 14, tzinfo=timezone(timedelta(hours=-5))),
                until=datetime(2026, 9, 2, 11, 14, tzinfo=UTC),
            ),
            ["conv-b"],
            id="since and until",
        ),
        pytest.param(
            ListFilter(customer_id="cust-1", since=datetime(2026, 9, 2, 10, 0, tzinfo=UTC)),
            ["conv-c"],
            id="customer and since",
        ),
    ],
)
def test_conversations_are_filtered(kw: Keepword, where: ListFilter, expected: list[str]) -> None:
    assert _conversation_ids(kw, where) == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        pytest.param("lovelace", ["cust-2"], id="name, any case"),
        pytest.param("CUST-3", ["cust-3"], id="id, any case"),
        pytest.param("cust", ["cust-1", "cust-2", "cust-3"], id="several"),
        pytest.param("nobody", [], id="no match"),
    ],
)
def test_customers_are_searched_by_id_and_name(
    kw: Keepword, search: str, expected: list[str]
) -> None:
    _save(
        kw,
        _customer("cust-1", "Ada Example"),
        _customer("cust-2", "Ada Lovelace"),
        _customer("cust-3", None),
    )

    with kw.uow() as uow:
        page = uow.customers.list(ListFilter(search=search), BIG_PAGE)

    assert [customer.external_id for customer in page.items] == expected


def test_cases_are_filtered_by_customer_status_and_opening(kw: Keepword) -> None:
    _save(
        kw,
        _customer("cust-1"),
        _customer("cust-2"),
        _case("case-1", "cust-1"),
        _case("case-2", "cust-1", status=CaseStatus.PENDING),
        _case("case-3", "cust-2"),
    )
    where = ListFilter(customer_id="cust-1", status="open", since=STARTED, until=UPDATED)

    with kw.uow() as uow:
        page = uow.cases.list(where, BIG_PAGE)

    assert [case.external_id for case in page.items] == ["case-1"]


def test_agents_are_filtered_by_team(kw: Keepword) -> None:
    _save(kw, _agent("a-1", "billing"), _agent("a-2", "provisioning"), _agent("a-3", "billing"))

    with kw.uow() as uow:
        page = uow.agents.list(ListFilter(team="billing"), BIG_PAGE)

    assert [agent.external_id for agent in page.items] == ["a-1", "a-3"]
