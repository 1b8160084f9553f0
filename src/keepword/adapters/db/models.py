"""The tables, as SQLAlchemy 2 typed models. Alembic migrations create them; nothing else does."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from keepword.adapters.db.types import UtcDateTime

# Stable constraint names, so migrations can refer to them on both engines.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ExternalId = String(128)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OrganisationRow(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(2))
    business_day_end: Mapped[str] = mapped_column(String(5))
    # When promises count as at risk (promises.md): a share of the promised span before the
    # due, at least so many minutes; a promise with no due after so many hours.
    at_risk_fraction: Mapped[float] = mapped_column(Float, server_default="0.2")
    at_risk_minimum_minutes: Mapped[int] = mapped_column(Integer, server_default="60")
    no_due_alert_hours: Mapped[int] = mapped_column(Integer, server_default="48")
    # Overrides of the trust index's parameters and event weights (docs/trust-index.md).
    trust_settings: Mapped[dict[str, Any]] = mapped_column(JSON, server_default="{}")


class CustomerRow(Timestamped, Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(ExternalId, unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    timezone: Mapped[str | None] = mapped_column(String(64))


class AccountRow(Timestamped, Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(ExternalId, unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    balance_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))


class AgentRow(Timestamped, Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(ExternalId, unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    team: Mapped[str | None] = mapped_column(String(64), index=True)
    active: Mapped[bool] = mapped_column(Boolean)


class CaseRow(Timestamped, Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(ExternalId, unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    owner_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    team: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    root_cause: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ConversationRow(Timestamped, Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_customer_started", "customer_id", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(ExternalId, unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON)


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("conversation_id", "index", name="uq_turns_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    team: Mapped[str | None] = mapped_column(String(64))
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class AuditRow(Base):
    """The latest audit of a conversation: which model, when, and the turns it could not read."""

    __tablename__ = "audits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), unique=True
    )
    model_version: Mapped[str] = mapped_column(String(64), index=True)
    audited_at: Mapped[datetime] = mapped_column(UtcDateTime())
    unsupported: Mapped[list[Any]] = mapped_column(JSON)


class TurnLabelRow(Base):
    __tablename__ = "turn_labels"
    __table_args__ = (
        Index("ix_turn_labels_label_at", "label", "at"),
        Index("ix_turn_labels_at_id", "at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    turn: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(32))
    score: Mapped[float] = mapped_column(Float)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    # Copied from the turn, so the findings page filters without a join.
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    team: Mapped[str | None] = mapped_column(String(64), index=True)


class FindingRow(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(32), index=True)
    turns: Mapped[list[int]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class TrustEventRow(Base):
    """Append-only: triggers in the migration refuse UPDATE and DELETE on both engines."""

    __tablename__ = "trust_events"
    __table_args__ = (Index("ix_trust_events_customer_occurred", "customer_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(64), index=True)
    source_type: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[str] = mapped_column(String(256))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PromiseRow(Timestamped, Base):
    """A promise and its life. `due` and `at_risk_at` are indexed with the status, so the
    clock finds what falls due without reading the rest."""

    __tablename__ = "promises"
    __table_args__ = (
        Index("ix_promises_status_due", "status", "due"),
        Index("ix_promises_status_at_risk", "status", "at_risk_at"),
        Index("ix_promises_owner", "owner_agent_id", "owner_team"),
        Index("ix_promises_conversation_turn", "conversation_id", "turn"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(ExternalId, unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL")
    )
    turn: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), index=True)
    text: Mapped[str] = mapped_column(Text)
    made_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    due: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The due's offset as it was said, so "by Friday" reads as Friday in the customer's zone.
    due_offset_minutes: Mapped[int | None] = mapped_column(Integer)
    granularity: Mapped[str | None] = mapped_column(String(8))
    # Agents, teams and systems by their external ids: who made it, who must keep it.
    maker_agent_id: Mapped[str | None] = mapped_column(String(128), index=True)
    maker_team: Mapped[str | None] = mapped_column(String(64), index=True)
    maker_system: Mapped[str | None] = mapped_column(String(128))
    owner_agent_id: Mapped[str | None] = mapped_column(String(128))
    owner_team: Mapped[str | None] = mapped_column(String(64), index=True)
    owner_system: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    at_risk_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    flagged_at_risk_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    evidence: Mapped[str | None] = mapped_column(Text)
    renegotiated_from: Mapped[str | None] = mapped_column(String(128))
    renegotiated_to: Mapped[str | None] = mapped_column(String(128))
    draft_message: Mapped[str | None] = mapped_column(Text)
    history: Mapped[list[Any]] = mapped_column(JSON)


class CustomerTrustRow(Base):
    """Each customer's trust index as of their latest event, with the state to read it at any
    later instant (the fold of domain/trust.py), kept in the same transaction as each event."""

    __tablename__ = "customer_trust"
    __table_args__ = (Index("ix_customer_trust_at_risk", "at_risk", "index_value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), unique=True
    )
    index_value: Mapped[float] = mapped_column(Float)
    at_risk: Mapped[bool] = mapped_column(Boolean)
    as_of: Mapped[datetime | None] = mapped_column(UtcDateTime())
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TrustSnapshotRow(Base):
    """The organisation's trust on one day, written once a day by the clock: the trend."""

    __tablename__ = "trust_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[str] = mapped_column(String(10), unique=True)
    customers: Mapped[int] = mapped_column(Integer)
    mean_index: Mapped[float] = mapped_column(Float)
    at_risk: Mapped[int] = mapped_column(Integer)
    histogram: Mapped[list[int]] = mapped_column(JSON)


class WebhookRow(Base):
    """An outbound webhook: where events go, which ones, and the secret that signs them."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(ExternalId, unique=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(128))
    events: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WebhookDeliveryRow(Base):
    """One event for one webhook, and how its delivery went (the log people read)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(
        ForeignKey("webhooks.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    event: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_id: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DashboardSessionRow(Base):
    __tablename__ = "dashboard_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
