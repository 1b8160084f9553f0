"""Routes of the conversation audit: audit a conversation, read stored audits and findings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from keepword.adapters.helpdesk.records import ConversationRecord
from keepword.services import queries
from keepword.services.ports import ListFilter
from keepword.web.api.deps import KeepwordDep, Reader, UowDep
from keepword.web.api.paging import Cursor, CustomerId, Limit, Since, Until, page_request
from keepword.web.api.schemas import Instant, PageOut

router = APIRouter(tags=["audit"])


class AuditOut(BaseModel):
    """An audit in the format of shared/formats/audit.md (plus `model` and `unsupported`)."""

    id: str
    turns: dict[str, list[dict[str, Any]]]
    promises: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    unsupported: list[dict[str, Any]] = []
    model: str | None = None


class LabelOut(BaseModel):
    conversation_id: str
    turn: int
    label: str
    score: float
    span: tuple[int, int]
    evidence: str
    at: Instant
    agent_id: str | None
    team: str | None


@router.post("/audit", response_model=AuditOut)
def post_audit(body: ConversationRecord, kw: KeepwordDep, _: Reader) -> dict[str, Any]:
    """Audit a conversation without storing anything: conversation in, audit out."""
    return kw.auditor.audit(body.to_incoming().conversation).to_record()


@router.get("/conversations/{conversation_id}/audit", response_model=AuditOut)
def get_stored_audit(conversation_id: str, uow: UowDep, _: Reader) -> dict[str, Any]:
    """The stored audit of a conversation (404 if it is unknown or was never audited)."""
    return queries.get_audit(uow, conversation_id).to_record()


@router.get("/findings", response_model=PageOut[LabelOut])
def list_findings(
    uow: UowDep,
    _: Reader,
    label: Annotated[
        str | None, Query(description="One label, or several separated by commas.")
    ] = None,
    agent_id: Annotated[str | None, Query(description="Only this agent's turns.")] = None,
    team: Annotated[str | None, Query(description="Only this team's turns.")] = None,
    customer_id: CustomerId = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> PageOut[LabelOut]:
    """Labels the audit found on stored turns, newest first, with their evidence."""
    extra = {k: v for k, v in {"label": label, "agent_id": agent_id}.items() if v}
    where = ListFilter(customer_id=customer_id, team=team, since=since, until=until, extra=extra)
    page = queries.list_found_labels(uow, where, page_request(limit, cursor))
    return PageOut(
        items=[
            LabelOut(
                conversation_id=f.conversation_id,
                turn=f.turn,
                label=f.label,
                score=round(f.score, 4),
                span=f.span,
                evidence=f.evidence,
                at=f.at,
                agent_id=f.agent_id,
                team=f.team,
            )
            for f in page.items
        ],
        next_cursor=page.next_cursor,
    )
