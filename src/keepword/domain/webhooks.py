"""Outbound webhooks: where events are sent, how they are signed, and when a failed delivery
is tried again."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from keepword.domain.errors import InvalidValue
from keepword.domain.values import check_aware, check_external_id

# What a webhook may subscribe to. Each name is "<noun>.<what happened>".
EVENTS = (
    "promise.at_risk",
    "promise.broken",
    "promise.kept",
    "promise.renegotiated",
    "customer.at_risk",
)
SIGNATURE_HEADER = "X-Keepword-Signature"
TIMESTAMP_HEADER = "X-Keepword-Timestamp"
EVENT_HEADER = "X-Keepword-Event"
DELIVERY_HEADER = "X-Keepword-Delivery"
# After the first attempt, a failed delivery is tried again after each of these; then it
# is given up (and stays in the log as failed, where a person can read why).
RETRY_AFTER = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
)
_URL = re.compile(r"https?://[^\s/?#]+(?:[/?#]\S*)?", re.IGNORECASE)
SECRET_MIN = 16


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a worker; back to pending if the worker dies
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # every attempt failed


def check_events(events: list[str]) -> list[str]:
    """The events, each known, each once; InvalidValue naming the first unknown."""
    if not events:
        raise InvalidValue("events", f"subscribe to at least one of {', '.join(EVENTS)}")
    for name in events:
        if name not in EVENTS:
            raise InvalidValue("events", f"'{name}' is not an event; use {', '.join(EVENTS)}")
    return list(dict.fromkeys(events))


@dataclass
class Webhook:
    """An HTTP endpoint that receives the events it subscribed to, signed with its secret."""

    external_id: str
    url: str
    secret: str
    events: list[str]
    created_at: datetime
    active: bool = True

    def __post_init__(self) -> None:
        check_external_id("id", self.external_id)
        if not _URL.fullmatch(self.url) or len(self.url) > 2000 or not _has_host(self.url):
            raise InvalidValue("url", f"'{self.url[:80]}' is not an http:// or https:// URL")
        if len(self.secret) < SECRET_MIN or not self.secret.isprintable():
            raise InvalidValue("secret", f"use at least {SECRET_MIN} printable characters")
        self.events = check_events(self.events)
        check_aware("created_at", self.created_at)

    def wants(self, event: str) -> bool:
        """True when this webhook is active and subscribed to `event`."""
        return self.active and event in self.events


def _has_host(url: str) -> bool:
    # The pattern admits "http://host:99999/" and "http://[::1/": nothing can be sent there,
    # and a sender that cannot even parse the URL would fail every round, so refuse them here.
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    return bool(parts.hostname) and port != 0


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for a body sent at `timestamp` (Unix seconds, as a string):
    `sha256=` and the hex HMAC-SHA256 of "<timestamp>.<body>" under the webhook's secret.

    Receivers recompute it and compare in constant time; the timestamp in the signed
    text lets them refuse old replays.
    """
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """True when `header` is the signature of this body and timestamp under `secret`."""
    return hmac.compare_digest(signature(secret, timestamp, body), header)


@dataclass
class Delivery:
    """One event on its way to one webhook, and what happened on each attempt."""

    delivery_id: int | None
    webhook_id: str
    event_id: str
    event: str
    payload: dict[str, Any]
    created_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    delivered_at: datetime | None = None
    log: list[dict[str, Any]] = field(default_factory=list)

    def succeeded(self, now: datetime, status_code: int) -> None:
        """The receiver took it (2xx)."""
        self.attempts += 1
        self.status = DeliveryStatus.DELIVERED
        self.last_status_code = status_code
        self.last_error = None
        self.delivered_at = now
        self.next_attempt_at = None

    def failed(self, now: datetime, status_code: int | None, error: str) -> None:
        """An attempt failed; schedule the next one, or give up after the last."""
        self.attempts += 1
        self.last_status_code = status_code
        self.last_error = error[:2000]
        if self.attempts > len(RETRY_AFTER):
            self.status = DeliveryStatus.FAILED
            self.next_attempt_at = None
        else:
            self.status = DeliveryStatus.PENDING
            self.next_attempt_at = now + RETRY_AFTER[self.attempts - 1]
