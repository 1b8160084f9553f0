"""Routes for agents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from keepword import clock
from keepword.adapters.helpdesk.records import AgentRecord
from keepword.services import queries
from keepword.services.agents import upsert_agent
from keepword.services.ports import ListFilter
from keepword.web.api.deps import Reader, UowDep, Writer
from keepword.web.api.paging import Cursor, Limit, id_from_path, page_request, set_upsert_status
from keepword.web.api.schemas import AgentOut, PageOut, sent_as_json

router = APIRouter(tags=["agents"])


@router.put("/agents/{agent_id}", response_model=AgentOut, status_code=201)
def put_agent(
    agent_id: str, body: AgentRecord, uow: UowDep, _: Writer, response: Response
) -> AgentOut:
    """Create the agent, or update the one with this id."""
    stored = upsert_agent(uow, body.to_domain(id_from_path(agent_id, body.id)), clock.now())
    set_upsert_status(response, stored.created)
    return AgentOut.of(stored.entity)


@router.get("/agents/{agent_id}", response_model=AgentOut)
def get_agent(agent_id: str, uow: UowDep, _: Reader) -> Response:
    """One agent."""
    return sent_as_json(AgentOut.of(queries.get_agent(uow, agent_id)))


@router.get("/agents", response_model=PageOut[AgentOut])
def list_agents(
    uow: UowDep,
    _: Reader,
    team: Annotated[str | None, Query(description="Only this team's agents.")] = None,
    search: Annotated[str | None, Query(description="Part of the id or name.")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> PageOut[AgentOut]:
    """Agents, oldest first."""
    page = queries.list_agents(
        uow, ListFilter(team=team, search=search), page_request(limit, cursor)
    )
    return PageOut(items=[AgentOut.of(a) for a in page.items], next_cursor=page.next_cursor)
