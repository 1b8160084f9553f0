"""Routes for customers and their accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from keepword import clock
from keepword.adapters.helpdesk.records import AccountRecord, CustomerRecord
from keepword.services import queries
from keepword.services.customers import upsert_account, upsert_customer
from keepword.services.ports import ListFilter
from keepword.web.api.deps import Reader, UowDep, Writer
from keepword.web.api.paging import (
    Cursor,
    CustomerId,
    Limit,
    id_from_path,
    page_request,
    set_upsert_status,
)
from keepword.web.api.schemas import AccountOut, CustomerOut, PageOut, sent_as_json

router = APIRouter(tags=["customers"])


@router.put("/customers/{customer_id}", response_model=CustomerOut, status_code=201)
def put_customer(
    customer_id: str, body: CustomerRecord, uow: UowDep, _: Writer, response: Response
) -> CustomerOut:
    """Create the customer, or update the one with this id (201 created, 200 updated)."""
    customer = body.to_domain(id_from_path(customer_id, body.id))
    stored = upsert_customer(uow, customer, clock.now())
    set_upsert_status(response, stored.created)
    return CustomerOut.of(stored.entity)


@router.get("/customers/{customer_id}", response_model=CustomerOut)
def get_customer(customer_id: str, uow: UowDep, _: Reader) -> Response:
    """One customer."""
    return sent_as_json(CustomerOut.of(queries.get_customer(uow, customer_id)))


@router.get("/customers", response_model=PageOut[CustomerOut])
def list_customers(
    uow: UowDep,
    _: Reader,
    search: Annotated[str | None, Query(description="Part of the id or name.")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> PageOut[CustomerOut]:
    """Customers, oldest first."""
    page = queries.list_customers(uow, ListFilter(search=search), page_request(limit, cursor))
    return PageOut(items=[CustomerOut.of(c) for c in page.items], next_cursor=page.next_cursor)


@router.put("/accounts/{account_id}", response_model=AccountOut, status_code=201)
def put_account(
    account_id: str, body: AccountRecord, uow: UowDep, _: Writer, response: Response
) -> AccountOut:
    """Create or update an account; its customer must exist (409 otherwise)."""
    account = body.to_domain(id_from_path(account_id, body.id))
    stored = upsert_account(uow, account, clock.now())
    set_upsert_status(response, stored.created)
    return AccountOut.of(stored.entity)


@router.get("/accounts/{account_id}", response_model=AccountOut)
def get_account(account_id: str, uow: UowDep, _: Reader) -> Response:
    """One account."""
    return sent_as_json(AccountOut.of(queries.get_account(uow, account_id)))


@router.get("/accounts", response_model=PageOut[AccountOut])
def list_accounts(
    uow: UowDep,
    _: Reader,
    customer_id: CustomerId = None,
    status: Annotated[str | None, Query(description="active, pending, suspended or closed")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> PageOut[AccountOut]:
    """Accounts, oldest first."""
    where = ListFilter(customer_id=customer_id, status=status)
    page = queries.list_accounts(uow, where, page_request(limit, cursor))
    return PageOut(items=[AccountOut.of(a) for a in page.items], next_cursor=page.next_cursor)
