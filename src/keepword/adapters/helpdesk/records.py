"""Keepword's JSON records (shared/formats/conversations.md and the entity records), parsed.

One set of pydantic models serves the REST API, `keepword import` and the demo
loader, so a record is accepted or refused the same way everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from keepword.domain.agents import Agent
from keepword.domain.cases import Case, CaseStatus, RootCause
from keepword.domain.conversations import Channel, Conversation, Speaker, Turn
from keepword.domain.customers import Account, AccountStatus, Customer
from keepword.domain.errors import DomainError, InvalidValue
from keepword.domain.organisation import Organisation, parse_business_day_end
from keepword.domain.values import check_country, check_external_id, check_timezone
from keepword.services.conversations import IncomingConversation, ParsedLine, RejectedLine

Id = Annotated[str, Field(min_length=1, max_length=128, examples=["cust-77"])]
OptionalId = Annotated[str | None, Field(default=None, min_length=1, max_length=128)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CustomerRecord(_Record):
    """A customer; `id` is the CRM's own id."""

    id: OptionalId = None
    name: str | None = Field(default=None, max_length=200)
    country: str | None = Field(default=None, description="ISO 3166 alpha-2, e.g. GB")
    timezone: str | None = Field(default=None, description="IANA name, e.g. Europe/London")

    def to_domain(self, external_id: str) -> Customer:
        return Customer(external_id, self.name, self.country, self.timezone)


# Far beyond any real balance, and well inside the 64-bit column of minor units.
BALANCE_MAX = Decimal("1000000000000.00")


class AccountRecord(_Record):
    """A billable service of a customer. `balance` is a decimal string; negative means owed."""

    id: OptionalId = None
    customer_id: Id
    kind: str = Field(min_length=1, max_length=40, examples=["broadband"])
    status: AccountStatus = AccountStatus.ACTIVE
    balance: str = Field(default="0.00", examples=["-42.50"])
    currency: str = Field(default="EUR", min_length=3, max_length=3)

    @field_validator("balance")
    @classmethod
    def _two_decimals(cls, value: str) -> str:
        try:
            amount = Decimal(value)
        except InvalidOperation as error:
            raise ValueError(f"'{value}' is not a decimal amount such as -42.50") from error
        if not amount.is_finite() or abs(amount) > BALANCE_MAX:
            raise ValueError(f"'{value}' is not an amount between -{BALANCE_MAX} and {BALANCE_MAX}")
        if amount != amount.quantize(Decimal("0.01")):
            raise ValueError(f"'{value}' needs at most 2 decimal places")
        return value

    def to_domain(self, external_id: str) -> Account:
        minor = int(Decimal(self.balance) * 100)
        return Account(
            external_id, self.customer_id, self.kind, self.status, minor, self.currency.upper()
        )


def format_balance(balance_minor: int) -> str:
    """Minor units as the decimal string the records use: -4250 -> '-42.50'."""
    return str((Decimal(balance_minor) / 100).quantize(Decimal("0.01")))


class AgentRecord(_Record):
    """Someone who answers customers."""

    id: OptionalId = None
    name: str | None = Field(default=None, max_length=200)
    team: str | None = Field(default=None, max_length=64)
    active: bool = True

    def to_domain(self, external_id: str) -> Agent:
        return Agent(external_id, self.name, self.team, self.active)


class CaseRecord(_Record):
    """A customer's problem, from opening to confirmed resolution."""

    id: OptionalId = None
    customer_id: Id
    account_id: OptionalId = None
    owner_agent_id: OptionalId = None
    team: str | None = Field(default=None, max_length=64)
    subject: str | None = Field(default=None, max_length=200)
    status: CaseStatus = CaseStatus.OPEN
    root_cause: RootCause = RootCause.UNKNOWN
    opened_at: AwareDatetime
    closed_at: AwareDatetime | None = None

    def to_domain(self, external_id: str) -> Case:
        return Case(
            external_id=external_id,
            customer_id=self.customer_id,
            opened_at=self.opened_at,
            account_id=self.account_id,
            owner_agent_id=self.owner_agent_id,
            team=self.team,
            subject=self.subject,
            status=self.status,
            root_cause=self.root_cause,
            closed_at=self.closed_at,
        )


class OrganisationRecord(_Record):
    """The organisation's defaults: used for customers who have no time zone or country."""

    name: str = Field(min_length=1, max_length=200, examples=["Northwind Telecom"])
    timezone: str = Field(examples=["Europe/London"], description="IANA time zone name")
    country: str | None = Field(default=None, description="ISO 3166 alpha-2, e.g. GB")
    business_day_end: str = Field(
        default="17:00", description="HH:MM, 24-hour clock: what 'close of business' means"
    )
    at_risk_fraction: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="an open promise is at risk within this share of its span before its due",
    )
    at_risk_minimum_minutes: int = Field(
        default=60, ge=0, le=100_000, description="...but at least this many minutes before it"
    )
    no_due_alert_hours: int = Field(
        default=48, ge=1, le=10_000, description="a promise with no due is flagged after this"
    )
    trust: dict[str, Any] = Field(
        default_factory=dict,
        description="changes to the trust index's defaults (docs/trust-index.md), e.g. "
        '{"prior": 65, "weights": {"rude": {"points": 12}}}',
    )

    def to_domain(self) -> Organisation:
        return Organisation(
            self.name,
            self.timezone,
            self.country,
            parse_business_day_end(self.business_day_end),
            self.at_risk_fraction,
            timedelta(minutes=self.at_risk_minimum_minutes),
            timedelta(hours=self.no_due_alert_hours),
            dict(self.trust),
        )

    @classmethod
    def of(cls, organisation: Organisation) -> OrganisationRecord:
        return cls(
            name=organisation.name,
            timezone=organisation.timezone,
            country=organisation.country,
            business_day_end=organisation.business_day_end.strftime("%H:%M"),
            at_risk_fraction=organisation.at_risk_fraction,
            at_risk_minimum_minutes=int(organisation.at_risk_minimum.total_seconds() // 60),
            no_due_alert_hours=int(organisation.no_due_alert.total_seconds() // 3600),
            trust=dict(organisation.trust_settings),
        )


class TurnRecord(BaseModel):
    """One utterance of a conversation."""

    model_config = ConfigDict(extra="allow")

    speaker: Speaker
    text: str
    at: AwareDatetime | None = Field(default=None, description="absent means started_at")
    agent_id: OptionalId = None
    team: str | None = Field(default=None, max_length=64)


class ConversationCustomer(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: OptionalId = None
    country: str | None = None
    timezone: str | None = None


class ConversationRecord(BaseModel):
    """A conversation in the format of shared/formats/conversations.md; unknown fields are kept."""

    model_config = ConfigDict(extra="allow")

    id: Id
    channel: Channel = Channel.OTHER
    started_at: AwareDatetime
    customer: ConversationCustomer | None = None
    case_id: OptionalId = None
    turns: list[TurnRecord] = Field(min_length=1)

    def to_incoming(self) -> IncomingConversation:
        """The domain's view of this record; raises InvalidValue naming the field."""
        customer = self.customer or ConversationCustomer()
        extra = dict(self.model_extra or {})
        if customer.model_extra:
            # "customer" cannot be an unknown top-level field, so its own unknowns live there.
            extra["customer"] = dict(customer.model_extra)
        if customer.id is not None:
            check_external_id("customer.id", customer.id)
        if self.case_id is not None:
            check_external_id("case_id", self.case_id)
        conversation = Conversation(
            external_id=self.id,
            started_at=self.started_at,
            turns=[
                Turn(
                    t.speaker,
                    t.text,
                    t.at or self.started_at,
                    t.agent_id,
                    t.team,
                    dict(t.model_extra or {}),
                )
                for t in self.turns
            ],
            channel=self.channel,
            customer_id=customer.id,
            case_id=self.case_id,
            extra=extra,
        )
        return IncomingConversation(
            conversation,
            check_country("customer.country", customer.country),
            check_timezone("customer.timezone", customer.timezone),
        )


def conversation_to_record(
    conversation: Conversation, country: str | None = None, timezone: str | None = None
) -> dict[str, Any]:
    """A stored conversation as a line of the conversation format."""
    record: dict[str, Any] = dict(conversation.extra)
    record.update(
        {
            "id": conversation.external_id,
            "channel": conversation.channel.value,
            "started_at": conversation.started_at.isoformat(),
        }
    )
    customer_extra = record.pop("customer", {})
    if conversation.customer_id is not None:
        customer: dict[str, Any] = {**customer_extra, "id": conversation.customer_id}
        if country:
            customer["country"] = country
        if timezone:
            customer["timezone"] = timezone
        record["customer"] = customer
    if conversation.case_id is not None:
        record["case_id"] = conversation.case_id
    record["turns"] = [_turn_record(turn) for turn in conversation.turns]
    return record


def _turn_record(turn: Turn) -> dict[str, Any]:
    record: dict[str, Any] = {
        **turn.extra,
        "speaker": turn.speaker.value,
        "text": turn.text,
        "at": turn.at.isoformat(),
    }
    if turn.agent_id is not None:
        record["agent_id"] = turn.agent_id
    if turn.team is not None:
        record["team"] = turn.team
    return record


def split_lines(text: str) -> list[str]:
    """The lines of a JSON Lines text.

    Only \\n ends a line: str.splitlines() would also split at U+2028 and U+0085,
    which JSON allows inside strings. A byte-order mark and \\r before \\n are dropped.
    """
    return [line.removesuffix("\r") for line in text.removeprefix("\ufeff").split("\n")]


def describe_validation_error(error: ValidationError) -> list[tuple[str, str]]:
    """Each problem pydantic found, as (dotted field path, reason)."""
    problems = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "(the record)"
        problems.append((where, item["msg"]))
    return problems


def parse_conversation(data: Any) -> IncomingConversation:
    """Parse one decoded JSON value as a conversation; raises InvalidValue naming the field."""
    if not isinstance(data, dict):
        raise InvalidValue("(the line)", "a conversation is a JSON object")
    try:
        record = ConversationRecord.model_validate(data)
    except ValidationError as error:
        field, reason = describe_validation_error(error)[0]
        raise InvalidValue(field, reason) from error
    return record.to_incoming()


def parse_conversation_lines(lines: Iterable[str]) -> Iterator[ParsedLine]:
    """Each non-blank line of JSON Lines, numbered from 1, parsed or refused with a reason."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, RejectedLine(number, f"not JSON: {error.msg} at column {error.colno}")
            continue
        except RecursionError:
            yield number, RejectedLine(number, "not JSON this reader accepts: nested too deeply")
            continue
        try:
            yield number, parse_conversation(data)
        except DomainError as error:
            conversation_id = data.get("id") if isinstance(data, dict) else None
            yield (
                number,
                RejectedLine(
                    number,
                    str(error),
                    conversation_id if isinstance(conversation_id, str) else None,
                ),
            )
