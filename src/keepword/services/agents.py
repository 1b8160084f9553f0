"""Use cases for agents."""

from __future__ import annotations

from datetime import datetime

from keepword.domain.agents import Agent
from keepword.services.ports import UnitOfWork
from keepword.services.upserts import Upserted, save_stamped


def upsert_agent(uow: UnitOfWork, agent: Agent, now: datetime) -> Upserted[Agent]:
    """Create the agent, or update the one with the same id."""
    with uow:
        created = save_stamped(uow.agents, agent, now)
        uow.commit()
    return Upserted(agent, created)
