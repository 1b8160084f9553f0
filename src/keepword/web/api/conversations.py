"""Routes for conversations: one at a time, or many at once as JSON Lines."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from keepword import clock
from keepword.adapters.helpdesk.records import (
    ConversationRecord,
    conversation_to_record,
    parse_conversation_lines,
    split_lines,
)
from keepword.domain.errors import InvalidValue
from keepword.services import queries
from keepword.services.conversations import (
    IncomingConversation,
    RejectedLine,
    store_conversation,
    store_conversations,
)
from keepword.services.ports import ListFilter
from keepword.web.api.deps import KeepwordDep, Reader, UowDep, Writer
from keepword.web.api.paging import (
    Cursor,
    CustomerId,
    Limit,
    Since,
    Until,
    page_request,
    set_upsert_status,
)
from keepword.web.api.schemas import BulkOut, PageOut, StoredOut

router = APIRouter(tags=["conversations"])

BULK_MAX_BYTES = 32 * 1024 * 1024
BULK_MAX_LINES = 10_000


@router.post("/conversations", response_model=StoredOut, status_code=201)
def post_conversation(
    body: ConversationRecord, kw: KeepwordDep, _: Writer, response: Response
) -> StoredOut:
    """Store one conversation (shared/formats/conversations.md); the same id updates it.

    Customers, agents and cases it names that are not known yet are created.
    """
    stored = store_conversation(kw.uow(), body.to_incoming(), clock.now(), kw.auditor)
    set_upsert_status(response, stored.created)
    return StoredOut(id=stored.entity.external_id, created=stored.created)


@router.post(
    "/conversations/bulk",
    response_model=BulkOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
            "description": "One conversation per line (JSON Lines).",
        }
    },
)
async def post_conversations_bulk(request: Request, kw: KeepwordDep, _: Writer) -> BulkOut:
    """Store up to 10,000 conversations, all or none: any bad line refuses the whole request.

    The error names the line and the field; fix it and send the same body again
    (re-sending never duplicates).
    """
    raw = await request.body()
    if len(raw) > BULK_MAX_BYTES:
        raise InvalidValue("(body)", f"at most {BULK_MAX_BYTES // (1024 * 1024)} MiB per request")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidValue("(body)", f"not UTF-8 (byte {error.start})") from error
    batch: list[tuple[int, IncomingConversation]] = []
    for line, parsed in parse_conversation_lines(split_lines(text)):
        if isinstance(parsed, RejectedLine):
            raise InvalidValue(f"line {line}", parsed.reason)
        batch.append((line, parsed))
        if len(batch) > BULK_MAX_LINES:
            raise InvalidValue("(body)", f"at most {BULK_MAX_LINES} conversations per request")
    if not batch:
        raise InvalidValue("(body)", "no conversations: send one JSON object per line")
    stored = await run_in_threadpool(store_conversations, kw.uow(), batch, clock.now(), kw.auditor)
    return BulkOut(
        created=sum(s.created for s in stored),
        updated=sum(not s.created for s in stored),
        conversations=[StoredOut(id=s.entity.external_id, created=s.created) for s in stored],
    )


@router.get("/conversations/{conversation_id}", response_model=ConversationRecord)
def get_conversation(conversation_id: str, uow: UowDep, _: Reader) -> dict[str, Any]:
    """One conversation in the conversation format; instants are given in UTC."""
    return conversation_to_record(queries.get_conversation(uow, conversation_id))


@router.get("/conversations", response_model=PageOut[ConversationRecord])
def list_conversations(
    uow: UowDep,
    _: Reader,
    customer_id: CustomerId = None,
    case_id: Annotated[str | None, Query(description="Only this case's.")] = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """Conversations with their turns, oldest stored first; `since`/`until` bound the start."""
    where = ListFilter(customer_id=customer_id, case_id=case_id, since=since, until=until)
    page = queries.list_conversations(uow, where, page_request(limit, cursor))
    return {
        "items": [conversation_to_record(c) for c in page.items],
        "next_cursor": page.next_cursor,
    }
