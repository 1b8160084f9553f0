"""The clock's jobs: flag promises coming at risk, break overdue ones, send queued webhooks.

Each job claims its rows with guarded updates, so any number of workers can run
them at once: for each promise exactly one of them flags or breaks it, and the
others find that nothing was updated and move on. Time comes in as `now`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from keepword.domain.promises import Promise, PromiseStatus
from keepword.domain.webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature,
)
from keepword.services.ports import UnitOfWorkFactory, WebhookSender
from keepword.services.promises import tell

BATCH = 200
# A worker that claimed a delivery and died leaves it claimed this long at most.
DELIVERY_LEASE = timedelta(minutes=2)


@dataclass
class SweepReport:
    """What one sweep did: which promises it flagged at risk and which it broke."""

    flagged: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)


def sweep_due(uow_factory: UnitOfWorkFactory, now: datetime, *, batch: int = BATCH) -> SweepReport:
    """Flag every open promise whose at-risk instant has come and break every one whose due
    has passed at `now`, each exactly once whatever other workers do at the same time.

    Breaking writes `promise_broken` (with how late) to the trust log and queues the
    `promise.broken` webhook; flagging prepares a draft message to the customer and
    queues `promise.at_risk`. Work is committed a batch at a time.
    """
    report = SweepReport()
    while True:
        uow = uow_factory()
        with uow:
            overdue = uow.promises.overdue(now, batch)
            for promise_id in overdue:
                promise = uow.promises.get(promise_id)
                if promise is None or not promise.is_overdue(now):
                    continue
                promise.break_(now)
                # Another worker broke it first, or a person kept it meanwhile: not ours.
                if not uow.promises.save_if(promise, now, was=PromiseStatus.OPEN, flagged=True):
                    continue
                late = promise.lateness(now)
                tell(
                    uow,
                    promise,
                    "promise_broken",
                    promise.due or now,
                    now,
                    late_by_seconds=int(late.total_seconds()) if late else 0,
                )
                report.broken.append(promise_id)
            risky = uow.promises.coming_at_risk(now, batch)
            for promise_id in risky:
                promise = uow.promises.get(promise_id)
                if promise is None or not _flaggable(promise, now):
                    continue
                promise.flag_at_risk(now)
                if not uow.promises.save_if(promise, now, was=PromiseStatus.OPEN, flagged=False):
                    continue
                tell(uow, promise, "promise_at_risk", now, now, draft_message=promise.draft_message)
                report.flagged.append(promise_id)
            uow.commit()
        if len(overdue) < batch and len(risky) < batch:
            return report


def _flaggable(promise: Promise, now: datetime) -> bool:
    return promise.is_open and promise.flagged_at_risk_at is None and not promise.is_overdue(now)


@dataclass
class DeliveryReport:
    """What one round of webhook delivery did."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_webhooks(
    uow_factory: UnitOfWorkFactory, sender: WebhookSender, now: datetime, *, batch: int = 50
) -> DeliveryReport:
    """Send every queued webhook delivery that is due at `now`, signed with its webhook's
    secret; a failure is retried later with backoff, and given up after the last retry.

    Deliveries are claimed in one transaction and their outcomes written in another, so
    no database transaction stays open while a receiver is slow to answer.
    """
    report = DeliveryReport()
    uow = uow_factory()
    with uow:
        claimed = uow.webhooks.claim(now, DELIVERY_LEASE, batch)
        uow.commit()
    outcomes = []
    for delivery, webhook in claimed:
        body = json.dumps(delivery.payload, sort_keys=True).encode()
        timestamp = str(int(now.timestamp()))
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature(webhook.secret, timestamp, body),
            TIMESTAMP_HEADER: timestamp,
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: delivery.event_id,
            "User-Agent": "Keepword-Webhooks/1",
        }
        try:
            status = sender.send(webhook.url, body, headers)
        except OSError as error:
            delivery.failed(now, None, f"no answer: {error}")
        else:
            if 200 <= status < 300:
                delivery.succeeded(now, status)
            else:
                delivery.failed(now, status, f"the receiver answered HTTP {status}")
        outcomes.append(delivery)
    uow = uow_factory()
    with uow:
        for delivery in outcomes:
            uow.webhooks.record(delivery)
            if delivery.status.value == "delivered":
                report.delivered += 1
            elif delivery.status.value == "failed":
                report.failed += 1
            else:
                report.retrying += 1
        uow.commit()
    return report
