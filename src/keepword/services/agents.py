"""Use cases for agents."""

from __future__ import annotations

from datetime import datetime

from keepword.domain.agents import Agent
from keepword.services.ports import UnitOfWork
from keepword.services.results import Upserted


def upsert_agent(uow: UnitOfWork, agent: Agent, now: datetime) -> Upserted[Agent]:
    """Create the agent, or update the one with the same id."""
    with uow:
        existing = uow.agents.get(agent.external_id)
        agent.created_at = existing.created_at if existing else now
        agent.updated_at = now
        uow.agents.save(agent)
        uow.commit()
    return Upserted(agent, created=existing is None)
