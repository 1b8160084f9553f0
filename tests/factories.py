"""Builders of valid records and domain objects, with overrides for the field a test is about."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from keepword.domain.conversations import Conversation, Speaker, Turn

STARTED = datetime(2026, 9, 2, 9, 14, tzinfo=UTC)


def conversation_record(id: str = "conv-1", **overrides: Any) -> dict[str, Any]:
    """A valid line of the conversation format (shared/formats/conversations.md)."""
    record: dict[str, Any] = {
        "id": id,
        "channel": "chat",
        "started_at": "2026-09-02T10:14:00+01:00",
        "customer": {"id": "cust-1", "country": "GB", "timezone": "Europe/London"},
        "case_id": "case-1",
        "turns": [
            {
                "speaker": "customer",
                "text": "My line is still not active.",
                "at": "2026-09-02T10:14:05+01:00",
            },
            {
                "speaker": "agent",
                "text": "Sorry about that. It will be active within 3 business days.",
                "at": "2026-09-02T10:15:10+01:00",
                "agent_id": "a-7",
                "team": "provisioning",
            },
        ],
    }
    record.update(overrides)
    return record


def customer_record(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"name": "Ada Example", "country": "GB", "timezone": "Europe/London"}
    record.update(overrides)
    return record


def account_record(customer_id: str = "cust-1", **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "customer_id": customer_id,
        "kind": "broadband",
        "status": "active",
        "balance": "-42.50",
        "currency": "GBP",
    }
    record.update(overrides)
    return record


def case_record(customer_id: str = "cust-1", **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "customer_id": customer_id,
        "subject": "Modem drops every evening",
        "status": "open",
        "root_cause": "provider_fault",
        "opened_at": "2026-09-02T09:14:00+01:00",
    }
    record.update(overrides)
    return record


def make_conversation(
    external_id: str = "conv-1",
    *,
    customer_id: str | None = "cust-1",
    case_id: str | None = None,
    agent_id: str | None = "a-7",
    turns: list[Turn] | None = None,
) -> Conversation:
    """A small valid conversation: a customer's report and an agent's answer."""
    return Conversation(
        external_id=external_id,
        started_at=STARTED,
        turns=turns
        or [
            Turn(Speaker.CUSTOMER, "The modem keeps dropping.", STARTED),
            Turn(
                Speaker.AGENT,
                "I'm sorry; I'll run a line test now.",
                STARTED + timedelta(minutes=1),
                agent_id,
                "support",
            ),
        ],
        customer_id=customer_id,
        case_id=case_id,
    )
