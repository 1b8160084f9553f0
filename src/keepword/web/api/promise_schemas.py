"""Request and response bodies of the promise and webhook routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from keepword.domain.errors import InvalidValue
from keepword.domain.promises import Granularity, Party, Promise, kind_of
from keepword.domain.webhooks import EVENTS, Delivery, Webhook
from keepword.services.promises import NewPromise
from keepword.web.api.schemas import Instant

_KINDS = "callback, activation, repair, delivery, refund, update, other"


class PartyIn(BaseModel):
    """An agent (and team), a team, or a system."""

    model_config = ConfigDict(extra="forbid")

    agent_id: str | None = Field(default=None, max_length=128, examples=["a-7"])
    team: str | None = Field(default=None, max_length=64, examples=["sales"])
    system: str | None = Field(default=None, max_length=128, examples=["crm"])

    def to_domain(self) -> Party:
        return Party(self.agent_id, self.team, self.system)


def _granularity(value: str | None, due: datetime | None) -> Granularity | None:
    if due is None:
        if value is not None:
            raise InvalidValue("granularity", "a promise with no due has no granularity")
        return None
    if value is None:
        return Granularity.MINUTE
    try:
        return Granularity(value)
    except ValueError:
        raise InvalidValue("granularity", f"'{value}' is neither 'minute' nor 'day'") from None


class PromiseIn(BaseModel):
    """A promise another system made: a sales order's activation date, a field appointment."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=128, examples=["order-5521-activation"])
    kind: str = Field(description=_KINDS, examples=["activation"])
    text: str = Field(min_length=1, max_length=2000, examples=["Line active within 3 days"])
    due: AwareDatetime | None = Field(
        default=None,
        description="the last instant at which it still counts as kept, with a UTC offset; "
        "null when no time was given",
        examples=["2024-12-23T23:59:59+08:00"],
    )
    granularity: str | None = Field(
        default=None, description="minute (default with a due) or day", examples=["day"]
    )
    made_at: AwareDatetime | None = Field(default=None, description="default: now")
    customer_id: str | None = Field(default=None, max_length=128)
    case_id: str | None = Field(default=None, max_length=128)
    made_by: PartyIn = Field(description="who made it (an agent, a team or a system)")
    owner: PartyIn | None = Field(default=None, description="who must keep it (default: maker)")

    @model_validator(mode="before")
    @classmethod
    def _due_needs_an_offset(cls, data: Any) -> Any:
        # pydantic would say "timezone info is required"; say what to send instead.
        if isinstance(data, dict) and isinstance(data.get("due"), str):
            try:
                parsed = datetime.fromisoformat(data["due"].replace("Z", "+00:00"))
            except ValueError:
                return data
            if parsed.tzinfo is None:
                raise InvalidValue(
                    "due", "needs a UTC offset, e.g. 2024-12-23T23:59:59+08:00 (the customer's)"
                )
        return data

    def to_new(self) -> NewPromise:
        return NewPromise(
            external_id=self.id,
            kind=kind_of(self.kind),
            text=self.text,
            due=self.due,
            granularity=_granularity(self.granularity, self.due),
            maker=self.made_by.to_domain(),
            owner=self.owner.to_domain() if self.owner else None,
            made_at=self.made_at,
            customer_id=self.customer_id,
            case_id=self.case_id,
        )


class KeepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    evidence: str | None = Field(
        default=None,
        max_length=2000,
        description="what shows it was kept: a note, a ticket or order id",
        examples=["order 5521 activated, ref ACT-889"],
    )


class RenegotiateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    due: AwareDatetime = Field(description="the new due, with a UTC offset")
    granularity: str | None = Field(default=None, description="minute (default) or day")
    told_customer: str = Field(
        min_length=1,
        max_length=2000,
        description="how and what the customer was told",
        examples=["Called the customer: the engineer comes Friday instead"],
    )

    def granularity_value(self) -> Granularity:
        found = _granularity(self.granularity, self.due)
        assert found is not None
        return found


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, examples=["The customer withdrew the order"])


class HandOverIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner: PartyIn = Field(description="the agent, team or system that takes the promise over")
    note: str | None = Field(default=None, max_length=2000)


class ChangeOut(BaseModel):
    at: Instant
    what: str
    details: dict[str, Any]


class PromiseOut(BaseModel):
    id: str
    kind: str
    text: str
    status: str
    state_now: str = Field(description="the status, or 'at_risk' / 'overdue' for an open promise")
    source: str
    made_at: Instant
    due: datetime | None = Field(description="with the offset it was said in")
    granularity: str | None
    customer_id: str | None
    case_id: str | None
    conversation_id: str | None
    turn: int | None
    made_by: dict[str, str]
    owner: dict[str, str]
    at_risk_at: Instant | None
    flagged_at_risk_at: Instant | None
    closed_at: Instant | None
    evidence: str | None
    renegotiated_from: str | None
    renegotiated_to: str | None
    draft_message: str | None
    history: list[ChangeOut]

    @classmethod
    def of(cls, p: Promise, now: datetime) -> PromiseOut:
        return cls(
            id=p.external_id,
            kind=p.kind.value,
            text=p.text,
            status=p.status.value,
            state_now=p.status_at(now),
            source=p.source.value,
            made_at=p.made_at,
            due=p.due,
            granularity=p.granularity.value if p.granularity else None,
            customer_id=p.customer_id,
            case_id=p.case_id,
            conversation_id=p.conversation_id,
            turn=p.turn,
            made_by=p.maker.to_dict(),
            owner=p.owner.to_dict(),
            at_risk_at=p.at_risk_at,
            flagged_at_risk_at=p.flagged_at_risk_at,
            closed_at=p.closed_at,
            evidence=p.evidence,
            renegotiated_from=p.renegotiated_from,
            renegotiated_to=p.renegotiated_to,
            draft_message=p.draft_message,
            history=[ChangeOut(at=c.at, what=c.what, details=c.details) for c in p.history],
        )


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=128, examples=["ops-alerts"])
    url: str = Field(max_length=2000, examples=["https://hooks.example.com/keepword"])
    events: list[str] = Field(min_length=1, description=", ".join(EVENTS))
    secret: str | None = Field(
        default=None,
        min_length=16,
        max_length=128,
        description="signs every request (HMAC-SHA256); generated when left out, shown once",
    )


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[str]
    active: bool
    created_at: Instant
    secret: str | None = Field(default=None, description="only in the answer that created it")

    @classmethod
    def of(cls, w: Webhook, *, with_secret: bool = False) -> WebhookOut:
        return cls(
            id=w.external_id,
            url=w.url,
            events=w.events,
            active=w.active,
            created_at=w.created_at,
            secret=w.secret if with_secret else None,
        )


class DeliveryOut(BaseModel):
    event_id: str
    event: str
    status: str
    attempts: int
    created_at: Instant
    next_attempt_at: Instant | None
    delivered_at: Instant | None
    last_status_code: int | None
    last_error: str | None
    payload: dict[str, Any]

    @classmethod
    def of(cls, d: Delivery) -> DeliveryOut:
        return cls(
            event_id=d.event_id,
            event=d.event,
            status=d.status.value,
            attempts=d.attempts,
            created_at=d.created_at,
            next_attempt_at=d.next_attempt_at,
            delivered_at=d.delivered_at,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            payload=d.payload,
        )
