"""Routes for outbound webhooks (admin): subscribe, list, remove, read the delivery log."""

from __future__ import annotations

from fastapi import APIRouter, Response

from keepword import clock
from keepword.services import webhooks
from keepword.web.api.deps import Configurer, UowDep
from keepword.web.api.paging import Cursor, Limit, page_request
from keepword.web.api.promise_schemas import DeliveryOut, WebhookIn, WebhookOut
from keepword.web.api.schemas import PageOut

router = APIRouter(tags=["webhooks"])


@router.post("/webhooks", response_model=WebhookOut, status_code=201)
def add(body: WebhookIn, uow: UowDep, _: Configurer) -> WebhookOut:
    """Send the events named to `url`, each signed: `X-Keepword-Signature: sha256=<hex>` is
    the HMAC-SHA256 of "<X-Keepword-Timestamp>.<body>" under the secret, which is answered
    here once (generated when left out)."""
    created = webhooks.add_webhook(uow, body.id, body.url, body.events, clock.now(), body.secret)
    return WebhookOut.of(created, with_secret=True)


@router.get("/webhooks", response_model=list[WebhookOut])
def list_all(uow: UowDep, _: Configurer) -> list[WebhookOut]:
    """Every webhook, oldest first (without secrets)."""
    return [WebhookOut.of(w) for w in webhooks.list_webhooks(uow)]


@router.delete("/webhooks/{webhook_id}", status_code=204)
def remove(webhook_id: str, uow: UowDep, _: Configurer) -> Response:
    """Stop sending to a webhook and forget its log."""
    webhooks.remove_webhook(uow, webhook_id)
    return Response(status_code=204)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=PageOut[DeliveryOut])
def deliveries(
    webhook_id: str, uow: UowDep, _: Configurer, limit: Limit = 50, cursor: Cursor = None
) -> PageOut[DeliveryOut]:
    """What was sent to the webhook, newest first: status, attempts, last answer or error."""
    page = webhooks.delivery_log(uow, webhook_id, page_request(limit, cursor))
    return PageOut(items=[DeliveryOut.of(d) for d in page.items], next_cursor=page.next_cursor)
