"""Routes for cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from keepword import clock
from keepword.adapters.helpdesk.records import CaseRecord
from keepword.services import queries
from keepword.services.cases import upsert_case
from keepword.services.ports import ListFilter
from keepword.web.api.deps import Reader, UowDep, Writer
from keepword.web.api.paging import (
    Cursor,
    CustomerId,
    Limit,
    Since,
    Until,
    id_from_path,
    page_request,
    set_upsert_status,
)
from keepword.web.api.schemas import CaseOut, PageOut, sent_as_json

router = APIRouter(tags=["cases"])


@router.put("/cases/{case_id}", response_model=CaseOut, status_code=201)
def put_case(case_id: str, body: CaseRecord, uow: UowDep, _: Writer, response: Response) -> CaseOut:
    """Create or update a case; its customer, account and owner must exist (409 otherwise)."""
    stored = upsert_case(uow, body.to_domain(id_from_path(case_id, body.id)), clock.now())
    set_upsert_status(response, stored.created)
    return CaseOut.of(stored.entity)


@router.get("/cases/{case_id}", response_model=CaseOut)
def get_case(case_id: str, uow: UowDep, _: Reader) -> Response:
    """One case."""
    return sent_as_json(CaseOut.of(queries.get_case(uow, case_id)))


@router.get("/cases", response_model=PageOut[CaseOut])
def list_cases(
    uow: UowDep,
    _: Reader,
    customer_id: CustomerId = None,
    account_id: Annotated[str | None, Query(description="Only this account's.")] = None,
    team: Annotated[str | None, Query(description="Only this team's.")] = None,
    status: Annotated[str | None, Query(description="open, pending, resolved, confirmed")] = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> PageOut[CaseOut]:
    """Cases, oldest first; `since`/`until` bound when they were opened."""
    where = ListFilter(
        customer_id=customer_id,
        account_id=account_id,
        team=team,
        status=status,
        since=since,
        until=until,
    )
    page = queries.list_cases(uow, where, page_request(limit, cursor))
    return PageOut(items=[CaseOut.of(c) for c in page.items], next_cursor=page.next_cursor)
