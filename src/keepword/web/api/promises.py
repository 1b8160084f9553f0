"""Routes for the promise ledger: record, keep, renegotiate, cancel, hand over, list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import AwareDatetime

from keepword import clock
from keepword.domain.errors import InvalidValue
from keepword.domain.promises import PromiseStatus, kind_of
from keepword.services import promises
from keepword.services.ports import PromiseFilter
from keepword.web.api.deps import Reader, UowDep, Writer
from keepword.web.api.paging import Cursor, CustomerId, Limit, page_request
from keepword.web.api.promise_schemas import (
    CancelIn,
    HandOverIn,
    KeepIn,
    PromiseIn,
    PromiseOut,
    RenegotiateIn,
)
from keepword.web.api.schemas import PageOut, sent_as_json

router = APIRouter(tags=["promises"])


@router.post("/promises", response_model=PromiseOut, status_code=201)
def create_promise(body: PromiseIn, uow: UowDep, caller: Writer, response: Response) -> PromiseOut:
    """Record a promise another system made (201); the same promise sent again answers 200,
    another one under the same id 409."""
    now = clock.now()
    promise, created = promises.create_promise(uow, body.to_new(), now)
    response.status_code = 201 if created else 200
    return PromiseOut.of(promise, now)


@router.get("/promises/{promise_id}", response_model=PromiseOut)
def get_promise(promise_id: str, uow: UowDep, _: Reader) -> Response:
    """One promise, with its history."""
    return sent_as_json(PromiseOut.of(promises.get_promise(uow, promise_id), clock.now()))


@router.post("/promises/{promise_id}/keep", response_model=PromiseOut)
def keep(promise_id: str, body: KeepIn, uow: UowDep, caller: Writer) -> PromiseOut:
    """Mark an open promise kept, with what shows it; 409 with its state when it is not open."""
    now = clock.now()
    kept = promises.keep_promise(uow, promise_id, now, body.evidence, by=caller.name)
    return PromiseOut.of(kept, now)


@router.post("/promises/{promise_id}/renegotiate", response_model=PromiseOut, status_code=201)
def renegotiate(promise_id: str, body: RenegotiateIn, uow: UowDep, _: Writer) -> PromiseOut:
    """Before its due, replace a promise by one with a new due the customer was told of;
    answers the new promise."""
    now = clock.now()
    successor = promises.renegotiate_promise(
        uow, promise_id, now, body.due, body.granularity_value(), body.told_customer
    )
    return PromiseOut.of(successor, now)


@router.post("/promises/{promise_id}/cancel", response_model=PromiseOut)
def cancel(promise_id: str, body: CancelIn, uow: UowDep, _: Writer) -> PromiseOut:
    """Withdraw an open promise, saying why."""
    now = clock.now()
    return PromiseOut.of(promises.cancel_promise(uow, promise_id, now, body.reason), now)


@router.post("/promises/{promise_id}/hand-over", response_model=PromiseOut)
def hand_over(promise_id: str, body: HandOverIn, uow: UowDep, _: Writer) -> PromiseOut:
    """Make another agent, team or system accountable for an open promise (recorded)."""
    now = clock.now()
    moved = promises.hand_over_promise(uow, promise_id, now, body.owner.to_domain(), body.note)
    return PromiseOut.of(moved, now)


def _statuses(value: str | None) -> tuple[PromiseStatus, ...]:
    if not value:
        return ()
    found = []
    for name in value.split(","):
        try:
            found.append(PromiseStatus(name.strip()))
        except ValueError:
            names = ", ".join(s.value for s in PromiseStatus)
            raise InvalidValue("status", f"'{name}' is not a status; use {names}") from None
    return tuple(found)


@router.get("/promises", response_model=PageOut[PromiseOut])
def list_promises(
    uow: UowDep,
    _: Reader,
    owner_agent_id: Annotated[str | None, Query(description="Owned by this agent.")] = None,
    owner_team: Annotated[str | None, Query(description="Owned by this team.")] = None,
    maker_agent_id: Annotated[str | None, Query(description="Made by this agent.")] = None,
    maker_team: Annotated[str | None, Query(description="Made by this team.")] = None,
    team: Annotated[str | None, Query(description="Made or owned by this team.")] = None,
    customer_id: CustomerId = None,
    case_id: Annotated[str | None, Query(description="Only this case's.")] = None,
    status: Annotated[
        str | None,
        Query(description="open, kept, broken, renegotiated, cancelled; comma-separated"),
    ] = None,
    kind: Annotated[str | None, Query(description="callback, activation, ...")] = None,
    due_after: Annotated[AwareDatetime | None, Query(description="Due at or after.")] = None,
    due_before: Annotated[AwareDatetime | None, Query(description="Due before.")] = None,
    order: Annotated[str, Query(pattern="^(due|made)$", description="due: soonest first")] = "due",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> PageOut[PromiseOut]:
    """Promises by owner, maker, team, customer, case, status, kind and due window; soonest
    due first (no due last) unless `order=made`."""
    where = PromiseFilter(
        owner_agent_id=owner_agent_id,
        owner_team=owner_team,
        maker_agent_id=maker_agent_id,
        maker_team=maker_team,
        team=team,
        customer_id=customer_id,
        case_id=case_id,
        statuses=_statuses(status),
        kind=kind_of(kind) if kind else None,
        due_after=due_after,
        due_before=due_before,
        by_due=order == "due",
    )
    now = clock.now()
    page = promises.list_promises(uow, where, page_request(limit, cursor))
    return PageOut(items=[PromiseOut.of(p, now) for p in page.items], next_cursor=page.next_cursor)
