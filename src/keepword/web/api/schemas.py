"""Response bodies of the API. Request bodies are the records of adapters.helpdesk.records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Response
from pydantic import AfterValidator, BaseModel, Field

from keepword.adapters.helpdesk.records import format_balance
from keepword.domain.access import ApiToken, Role
from keepword.domain.agents import Agent
from keepword.domain.cases import Case
from keepword.domain.customers import Account, Customer
from keepword.domain.events import TrustEvent

ItemT = TypeVar("ItemT")


def _in_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


# Every instant the API returns is in UTC, whatever offset it was sent with.
Instant = Annotated[datetime, AfterValidator(_in_utc)]


def sent_as_json(body: BaseModel) -> Response:
    """`body` as the response FastAPI makes of a route's `response_model` of the same type:
    its JSON, 200, application/json.

    For sync routes that built `body` themselves, so it was checked as it was made: FastAPI
    would check it again in a trip of its own through the thread pool, and on a small read
    that trip costs more than the query."""
    return Response(body.model_dump_json(by_alias=True), media_type="application/json")


class PageOut(BaseModel, Generic[ItemT]):
    """One page of a list; pass `next_cursor` as `cursor` to get the next (null: no more)."""

    items: list[ItemT]
    next_cursor: str | None = None


class CustomerOut(BaseModel):
    id: str
    name: str | None
    country: str | None
    timezone: str | None
    created_at: Instant | None
    updated_at: Instant | None

    @classmethod
    def of(cls, c: Customer) -> CustomerOut:
        return cls(
            id=c.external_id,
            name=c.name,
            country=c.country,
            timezone=c.timezone,
            created_at=c.created_at,
            updated_at=c.updated_at,
        )


class AccountOut(BaseModel):
    id: str
    customer_id: str
    kind: str
    status: str
    balance: str = Field(examples=["-42.50"])
    currency: str
    created_at: Instant | None
    updated_at: Instant | None

    @classmethod
    def of(cls, a: Account) -> AccountOut:
        return cls(
            id=a.external_id,
            customer_id=a.customer_id,
            kind=a.kind,
            status=a.status.value,
            balance=format_balance(a.balance_minor),
            currency=a.currency,
            created_at=a.created_at,
            updated_at=a.updated_at,
        )


class AgentOut(BaseModel):
    id: str
    name: str | None
    team: str | None
    active: bool
    created_at: Instant | None
    updated_at: Instant | None

    @classmethod
    def of(cls, a: Agent) -> AgentOut:
        return cls(
            id=a.external_id,
            name=a.name,
            team=a.team,
            active=a.active,
            created_at=a.created_at,
            updated_at=a.updated_at,
        )


class CaseOut(BaseModel):
    id: str
    customer_id: str
    account_id: str | None
    owner_agent_id: str | None
    team: str | None
    subject: str | None
    status: str
    root_cause: str
    opened_at: Instant
    closed_at: Instant | None
    created_at: Instant | None
    updated_at: Instant | None

    @classmethod
    def of(cls, c: Case) -> CaseOut:
        return cls(
            id=c.external_id,
            customer_id=c.customer_id,
            account_id=c.account_id,
            owner_agent_id=c.owner_agent_id,
            team=c.team,
            subject=c.subject,
            status=c.status.value,
            root_cause=c.root_cause.value,
            opened_at=c.opened_at,
            closed_at=c.closed_at,
            created_at=c.created_at,
            updated_at=c.updated_at,
        )


class TrustEventOut(BaseModel):
    customer_id: str
    occurred_at: Instant
    kind: str
    source_type: str
    source_id: str
    details: dict[str, Any]
    recorded_at: Instant | None

    @classmethod
    def of(cls, e: TrustEvent) -> TrustEventOut:
        return cls(
            customer_id=e.customer_id,
            occurred_at=e.occurred_at,
            kind=e.kind,
            source_type=e.source_type,
            source_id=e.source_id,
            details=e.details,
            recorded_at=e.recorded_at,
        )


class StoredOut(BaseModel):
    """What a write did to one conversation."""

    id: str
    created: bool


class BulkOut(BaseModel):
    created: int
    updated: int
    conversations: list[StoredOut]


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=64, examples=["zendesk-sync"])
    role: Role


class TokenOut(BaseModel):
    id: str
    name: str
    role: Role
    created_at: Instant
    last_used_at: Instant | None
    revoked_at: Instant | None

    @classmethod
    def of(cls, t: ApiToken) -> TokenOut:
        return cls(
            id=t.token_id,
            name=t.name,
            role=t.role,
            created_at=t.created_at,
            last_used_at=t.last_used_at,
            revoked_at=t.revoked_at,
        )


class IssuedTokenOut(TokenOut):
    token: str = Field(description="The secret; shown this once and never again.")
