"""Use cases of outbound webhooks: subscribe an endpoint, list, remove, read its log."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from keepword.domain.errors import Conflict, NotFound
from keepword.domain.webhooks import Delivery, Webhook
from keepword.services.ports import Page, PageRequest, UnitOfWork


def add_webhook(
    uow: UnitOfWork, webhook_id: str, url: str, events: list[str], now: datetime, secret: str | None
) -> Webhook:
    """Subscribe `url` to `events`; a secret is generated when none is given (it signs every
    request, and is returned only here)."""
    with uow:
        if uow.webhooks.get(webhook_id) is not None:
            raise Conflict(f"webhook '{webhook_id}' already exists; remove it first", "id")
        webhook = Webhook(webhook_id, url, secret or secrets.token_urlsafe(32), events, now)
        uow.webhooks.add(webhook)
        uow.commit()
    return webhook


def list_webhooks(uow: UnitOfWork) -> Sequence[Webhook]:
    """Every webhook, oldest first."""
    with uow:
        return uow.webhooks.all()


def remove_webhook(uow: UnitOfWork, webhook_id: str) -> None:
    """Stop sending to a webhook and forget its log."""
    with uow:
        if not uow.webhooks.remove(webhook_id):
            raise NotFound("webhook", webhook_id)
        uow.commit()


def delivery_log(uow: UnitOfWork, webhook_id: str, page: PageRequest) -> Page[Delivery]:
    """What was sent to a webhook, newest first, with how each attempt went."""
    with uow:
        if uow.webhooks.get(webhook_id) is None:
            raise NotFound("webhook", webhook_id)
        return uow.webhooks.deliveries(webhook_id, page)
