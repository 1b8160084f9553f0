"""Conversations and their turns: what was said, by whom, when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from keepword.domain.agents import check_team
from keepword.domain.errors import InvalidValue
from keepword.domain.values import check_aware, check_external_id, check_text

# A turn far longer than any chat or e-mail is almost surely a pasted log or an attack.
TURN_TEXT_MAX = 100_000
TURNS_MAX = 2_000


class Channel(StrEnum):
    CHAT = "chat"
    EMAIL = "email"
    PHONE = "phone"
    SOCIAL = "social"
    SMS = "sms"
    OTHER = "other"


class Speaker(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"


@dataclass
class Turn:
    """One utterance: who spoke, the words, when; agents also say who they are and their team."""

    speaker: Speaker
    text: str
    at: datetime
    agent_id: str | None = None
    team: str | None = None
    # Fields of the source's turn that Keepword does not use, kept so nothing is lost.
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Conversation:
    """A thread of turns between a customer and the provider, in one channel."""

    external_id: str
    started_at: datetime
    turns: list[Turn]
    channel: Channel = Channel.OTHER
    customer_id: str | None = None
    case_id: str | None = None
    # Fields of the source record that Keepword does not use; kept so nothing is lost.
    extra: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        check_external_id("id", self.external_id)
        check_aware("started_at", self.started_at)
        if not self.turns:
            raise InvalidValue("turns", "a conversation needs at least one turn")
        if len(self.turns) > TURNS_MAX:
            raise InvalidValue("turns", f"at most {TURNS_MAX} turns per conversation")
        for index, turn in enumerate(self.turns):
            check_aware(f"turns.{index}.at", turn.at)
            check_text(f"turns.{index}.text", turn.text, TURN_TEXT_MAX)
            if turn.agent_id is not None:
                check_external_id(f"turns.{index}.agent_id", turn.agent_id)
            turn.team = check_team(f"turns.{index}.team", turn.team)

    @property
    def agent_ids(self) -> list[str]:
        """The agents who spoke, each once, in order of first appearance."""
        return list(dict.fromkeys(t.agent_id for t in self.turns if t.agent_id is not None))

    def team_of(self, agent_id: str) -> str | None:
        """The team the agent named in their last turn that named one."""
        for turn in reversed(self.turns):
            if turn.agent_id == agent_id and turn.team:
                return turn.team
        return None
