"""Agents: the people who speak for the provider, and their teams."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from keepword.domain.errors import InvalidValue
from keepword.domain.values import check_external_id

TEAM_MAX = 64


def check_team(field: str, team: str | None) -> str | None:
    """Return a team name of 1-64 characters, or None."""
    if team is None:
        return None
    if not team.strip() or len(team) > TEAM_MAX:
        raise InvalidValue(field, f"a team name has 1-{TEAM_MAX} characters")
    return team.strip()


@dataclass
class Agent:
    """Someone who answers customers; `team` is who they answer for."""

    external_id: str
    name: str | None = None
    team: str | None = None
    active: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        check_external_id("id", self.external_id)
        self.team = check_team("team", self.team)
