"""Outbound webhooks and their delivery log in the database.

Deliveries are an outbox: queued in the transaction of the event that caused
them, claimed later by a worker with a guarded update and a lease, so two
workers never send the same attempt and a worker that dies mid-send only
delays a delivery until its lease runs out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.orm import Session

from keepword.adapters.db.models import WebhookDeliveryRow, WebhookRow
from keepword.adapters.db.repositories import _decode_cursor, _limit
from keepword.domain.webhooks import Delivery, DeliveryStatus, Webhook
from keepword.services.ports import Page, PageRequest

# The width of webhook_deliveries.event_id.
DELIVERY_KEY_MAX = 64


def _delivery_key(event_id: str, webhook_row_id: int) -> str:
    """The key that queues an event once per webhook. A promise's id alone may be 128
    characters (PostgreSQL refuses a longer key outright), so a long key becomes its digest:
    as unique, and the same every time the event is queued again."""
    key = f"{event_id}@{webhook_row_id}"
    if len(key) <= DELIVERY_KEY_MAX:
        return key
    return hashlib.sha256(key.encode()).hexdigest()[:DELIVERY_KEY_MAX]


def _webhook(row: WebhookRow) -> Webhook:
    return Webhook(
        row.external_id, row.url, row.secret, list(row.events), row.created_at, row.active
    )


def _delivery(row: WebhookDeliveryRow, webhook_id: str) -> Delivery:
    return Delivery(
        delivery_id=row.id,
        webhook_id=webhook_id,
        event_id=row.event_id,
        event=row.event,
        payload=dict(row.payload),
        created_at=row.created_at,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
    )


class WebhookRepository:
    """Webhooks by their external id, and the deliveries queued for them."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, webhook: Webhook) -> None:
        self.session.add(
            WebhookRow(
                external_id=webhook.external_id,
                url=webhook.url,
                secret=webhook.secret,
                events=list(webhook.events),
                active=webhook.active,
                created_at=webhook.created_at,
            )
        )
        self.session.flush()

    def get(self, external_id: str) -> Webhook | None:
        row = self.session.scalar(select(WebhookRow).where(WebhookRow.external_id == external_id))
        return None if row is None else _webhook(row)

    def all(self) -> Sequence[Webhook]:
        return [
            _webhook(r) for r in self.session.scalars(select(WebhookRow).order_by(WebhookRow.id))
        ]

    def remove(self, external_id: str) -> bool:
        result = self.session.execute(
            delete(WebhookRow).where(WebhookRow.external_id == external_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def enqueue(self, event: str, payload: dict[str, Any], event_id: str, now: datetime) -> int:
        queued = 0
        for row in self.session.scalars(select(WebhookRow).where(WebhookRow.active.is_(True))):
            if event not in row.events:
                continue
            key = _delivery_key(event_id, row.id)
            exists = self.session.scalar(
                select(WebhookDeliveryRow.id).where(WebhookDeliveryRow.event_id == key)
            )
            if exists is not None:
                continue
            self.session.add(
                WebhookDeliveryRow(
                    webhook_id=row.id,
                    event_id=key,
                    event=event,
                    payload=payload,
                    status=DeliveryStatus.PENDING.value,
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
            queued += 1
        self.session.flush()
        return queued

    def claim(
        self, now: datetime, lease: timedelta, limit: int
    ) -> Sequence[tuple[Delivery, Webhook]]:
        waiting = (DeliveryStatus.PENDING.value, DeliveryStatus.SENDING.value)
        candidates = self.session.execute(
            select(WebhookDeliveryRow, WebhookRow)
            .join(WebhookRow, WebhookDeliveryRow.webhook_id == WebhookRow.id)
            .where(
                WebhookDeliveryRow.status.in_(waiting),
                WebhookDeliveryRow.next_attempt_at <= now,
                WebhookRow.active.is_(True),
            )
            .order_by(WebhookDeliveryRow.next_attempt_at, WebhookDeliveryRow.id)
            .limit(limit)
        ).all()
        claimed = []
        for row, webhook in candidates:
            # Another worker may have claimed it since we read it: then this updates nothing.
            result = self.session.execute(
                update(WebhookDeliveryRow)
                .where(
                    and_(
                        WebhookDeliveryRow.id == row.id,
                        WebhookDeliveryRow.status == row.status,
                        WebhookDeliveryRow.next_attempt_at == row.next_attempt_at,
                    )
                )
                .values(status=DeliveryStatus.SENDING.value, next_attempt_at=now + lease)
            )
            if result.rowcount:  # type: ignore[attr-defined]
                delivery = _delivery(row, webhook.external_id)
                delivery.status = DeliveryStatus.SENDING
                claimed.append((delivery, _webhook(webhook)))
        return claimed

    def record(self, delivery: Delivery) -> None:
        self.session.execute(
            update(WebhookDeliveryRow)
            .where(WebhookDeliveryRow.id == delivery.delivery_id)
            .values(
                status=delivery.status.value,
                attempts=delivery.attempts,
                next_attempt_at=delivery.next_attempt_at,
                last_status_code=delivery.last_status_code,
                last_error=delivery.last_error,
                delivered_at=delivery.delivered_at,
            )
        )

    def deliveries(self, external_id: str, page: PageRequest) -> Page[Delivery]:
        limit = _limit(page)
        webhook = self.session.scalar(
            select(WebhookRow.id).where(WebhookRow.external_id == external_id)
        )
        if webhook is None:
            return Page([])
        after = _decode_cursor(page.cursor)
        query = select(WebhookDeliveryRow).where(WebhookDeliveryRow.webhook_id == webhook)
        if after:
            query = query.where(WebhookDeliveryRow.id < after)
        rows = list(
            self.session.scalars(query.order_by(WebhookDeliveryRow.id.desc()).limit(limit + 1))
        )
        kept = rows[:limit]
        cursor = str(kept[-1].id) if len(rows) > limit and kept else None
        return Page([_delivery(r, external_id) for r in kept], cursor)
