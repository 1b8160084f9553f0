"""The read side: what the API and the dashboard show, one call each."""

from __future__ import annotations

from typing import TypeVar

from keepword.audit.results import AuditResult
from keepword.domain.agents import Agent
from keepword.domain.cases import Case
from keepword.domain.conversations import Conversation
from keepword.domain.customers import Account, Customer
from keepword.domain.errors import NotFound
from keepword.domain.events import TrustEvent
from keepword.domain.organisation import Organisation
from keepword.services.ports import (
    ListFilter,
    Page,
    PageRequest,
    Repository,
    StoredLabel,
    UnitOfWork,
)

T = TypeVar("T")


def _get(repository: Repository[T], kind: str, external_id: str) -> T:
    found = repository.get(external_id)
    if found is None:
        raise NotFound(kind, external_id)
    return found


def get_customer(uow: UnitOfWork, external_id: str) -> Customer:
    """The customer with this id; NotFound otherwise."""
    with uow:
        return _get(uow.customers, "customer", external_id)


def get_account(uow: UnitOfWork, external_id: str) -> Account:
    """The account with this id; NotFound otherwise."""
    with uow:
        return _get(uow.accounts, "account", external_id)


def get_agent(uow: UnitOfWork, external_id: str) -> Agent:
    """The agent with this id; NotFound otherwise."""
    with uow:
        return _get(uow.agents, "agent", external_id)


def get_case(uow: UnitOfWork, external_id: str) -> Case:
    """The case with this id; NotFound otherwise."""
    with uow:
        return _get(uow.cases, "case", external_id)


def get_conversation(uow: UnitOfWork, external_id: str) -> Conversation:
    """The conversation with this id, with its turns; NotFound otherwise."""
    with uow:
        return _get(uow.conversations, "conversation", external_id)


def list_customers(uow: UnitOfWork, where: ListFilter, page: PageRequest) -> Page[Customer]:
    """Customers, filtered by a search over id and name."""
    with uow:
        return uow.customers.list(where, page)


def list_accounts(uow: UnitOfWork, where: ListFilter, page: PageRequest) -> Page[Account]:
    """Accounts, filtered by customer and status."""
    with uow:
        return uow.accounts.list(where, page)


def list_agents(uow: UnitOfWork, where: ListFilter, page: PageRequest) -> Page[Agent]:
    """Agents, filtered by team."""
    with uow:
        return uow.agents.list(where, page)


def list_cases(uow: UnitOfWork, where: ListFilter, page: PageRequest) -> Page[Case]:
    """Cases, filtered by customer, account, team, status and when they were opened."""
    with uow:
        return uow.cases.list(where, page)


def list_conversations(uow: UnitOfWork, where: ListFilter, page: PageRequest) -> Page[Conversation]:
    """Conversations, filtered by customer, case and when they started."""
    with uow:
        return uow.conversations.list(where, page)


def list_trust_events(uow: UnitOfWork, where: ListFilter, page: PageRequest) -> Page[TrustEvent]:
    """Trust events, filtered by customer and when they occurred."""
    with uow:
        return uow.trust_events.list(where, page)


def agent_names(uow: UnitOfWork, agent_ids: list[str]) -> dict[str, str]:
    """The display name of each known agent among `agent_ids` (agents without a name left out)."""
    names = {}
    with uow:
        for agent_id in dict.fromkeys(agent_ids):
            agent = uow.agents.get(agent_id)
            if agent is not None and agent.name:
                names[agent_id] = agent.name
    return names


def get_audit(uow: UnitOfWork, conversation_id: str) -> AuditResult:
    """The stored audit of a conversation; NotFound if the conversation or its audit is missing."""
    with uow:
        if uow.conversations.created_at_of(conversation_id) is None:
            raise NotFound("conversation", conversation_id)
        result = uow.audits.get(conversation_id)
    if result is None:
        raise NotFound("audit of conversation", conversation_id, "run `keepword reaudit`")
    return result


def list_found_labels(uow: UnitOfWork, where: ListFilter, page: PageRequest) -> Page[StoredLabel]:
    """Labels the audit found on stored turns, newest first; `where.extra` may hold
    `label` (comma-separated) and `agent_id`."""
    with uow:
        return uow.audits.labels(where, page)


def get_organisation(uow: UnitOfWork) -> Organisation:
    """The organisation's settings."""
    with uow:
        return uow.organisation.get()
