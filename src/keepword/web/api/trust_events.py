"""Routes for reading the trust event log."""

from __future__ import annotations

from fastapi import APIRouter

from keepword.services import queries
from keepword.services.ports import ListFilter
from keepword.web.api.deps import Reader, UowDep
from keepword.web.api.paging import Cursor, CustomerId, Limit, Since, Until, page_request
from keepword.web.api.schemas import PageOut, TrustEventOut

router = APIRouter(tags=["trust events"])


@router.get("/trust-events", response_model=PageOut[TrustEventOut])
def list_trust_events(
    uow: UowDep,
    _: Reader,
    customer_id: CustomerId = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> PageOut[TrustEventOut]:
    """Trust events in the order they were recorded; `since`/`until` bound when they occurred."""
    where = ListFilter(customer_id=customer_id, since=since, until=until)
    page = queries.list_trust_events(uow, where, page_request(limit, cursor))
    return PageOut(items=[TrustEventOut.of(e) for e in page.items], next_cursor=page.next_cursor)
