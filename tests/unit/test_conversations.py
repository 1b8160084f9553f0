"""The rules of a conversation and its turns, and who spoke for which team."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keepword.domain.conversations import (
    TURN_TEXT_MAX,
    TURNS_MAX,
    Channel,
    Conversation,
    Speaker,
    Turn,
)
from keepword.domain.errors import InvalidValue

STARTED = datetime(2026, 9, 2, 9, 14, tzinfo=UTC)


def _customer(text: str = "Hello?") -> Turn:
    return Turn(Speaker.CUSTOMER, text, STARTED)


def _agent(agent_id: str | None, team: str | None = None, text: str = "On it.") -> Turn:
    return Turn(Speaker.AGENT, text, STARTED + timedelta(minutes=1), agent_id, team)


def _conversation(turns: list[Turn]) -> Conversation:
    return Conversation(external_id="conv-1", started_at=STARTED, turns=turns)


def test_a_conversation_defaults_to_the_other_channel_and_no_extra_fields() -> None:
    conversation = _conversation([_customer()])

    assert conversation.channel is Channel.OTHER
    assert conversation.extra == {}
    assert conversation.customer_id is None


def test_a_conversation_without_turns_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        _conversation([])

    assert refused.value.field == "turns"


def test_a_conversation_with_more_than_the_maximum_of_turns_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        _conversation([_customer()] * (TURNS_MAX + 1))

    assert refused.value.field == "turns"


def test_a_conversation_with_exactly_the_maximum_of_turns_is_accepted() -> None:
    assert len(_conversation([_customer()] * TURNS_MAX).turns) == TURNS_MAX


@pytest.mark.parametrize("index", [0, 1, 2])
def test_a_turn_text_over_the_limit_is_refused_naming_the_turn_index(index: int) -> None:
    turns = [_customer(), _agent("a-1"), _customer()]
    turns[index].text = "x" * (TURN_TEXT_MAX + 1)

    with pytest.raises(InvalidValue) as refused:
        _conversation(turns)

    assert refused.value.field == f"turns.{index}.text"


def test_a_turn_text_of_exactly_the_limit_is_accepted() -> None:
    conversation = _conversation([_customer("x" * TURN_TEXT_MAX)])

    assert len(conversation.turns[0].text) == TURN_TEXT_MAX


@pytest.mark.parametrize(
    ("turn", "field"),
    [
        pytest.param(
            Turn(Speaker.CUSTOMER, "hi", datetime(2026, 9, 2, 9, 15)),  # noqa: DTZ001
            "turns.1.at",
            id="naive at",
        ),
        pytest.param(_agent("a 7"), "turns.1.agent_id", id="agent id with a space"),
        pytest.param(_agent("a-7", team=" "), "turns.1.team", id="blank team"),
        pytest.param(_agent("a-7", team="t" * 65), "turns.1.team", id="team too long"),
    ],
)
def test_a_turn_breaking_a_rule_is_refused_naming_its_index(turn: Turn, field: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        _conversation([_customer(), turn])

    assert refused.value.field == field


def test_a_conversation_with_a_naive_start_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        Conversation("conv-1", datetime(2026, 9, 2, 9, 14), [_customer()])  # noqa: DTZ001

    assert refused.value.field == "started_at"


def test_a_turn_team_is_stored_without_surrounding_spaces() -> None:
    conversation = _conversation([_agent("a-7", team=" billing  ")])

    assert conversation.turns[0].team == "billing"


def test_agent_ids_lists_each_agent_once_in_order_of_first_appearance() -> None:
    conversation = _conversation(
        [_customer(), _agent("a-2"), _agent("a-1"), _customer(), _agent("a-2"), _agent("a-3")]
    )

    assert conversation.agent_ids == ["a-2", "a-1", "a-3"]


def test_agent_ids_is_empty_when_no_agent_named_themselves() -> None:
    conversation = _conversation([_customer(), _agent(None), Turn(Speaker.SYSTEM, "x", STARTED)])

    assert conversation.agent_ids == []


@given(st.lists(st.one_of(st.none(), st.sampled_from(["a-1", "a-2", "a-3", "b"])), min_size=1))
def test_agent_ids_are_unique_and_keep_the_order_of_first_appearance(
    speakers: list[str | None],
) -> None:
    conversation = _conversation([_agent(agent_id) for agent_id in speakers])

    ids = conversation.agent_ids

    assert len(ids) == len(set(ids))
    assert set(ids) == {agent_id for agent_id in speakers if agent_id is not None}
    assert ids == sorted(ids, key=speakers.index)


@pytest.mark.parametrize(
    ("turns", "agent_id", "team"),
    [
        pytest.param([_agent("a-1", "billing")], "a-1", "billing", id="one turn"),
        pytest.param(
            [_agent("a-1", "billing"), _agent("a-1", "retention")],
            "a-1",
            "retention",
            id="the last team named wins",
        ),
        pytest.param(
            [_agent("a-1", "billing"), _agent("a-1", None)],
            "a-1",
            "billing",
            id="a later turn without a team does not erase it",
        ),
        pytest.param(
            [_agent("a-1", "billing"), _agent("a-2", "retention")],
            "a-1",
            "billing",
            id="another agent's team is not theirs",
        ),
        pytest.param([_agent("a-1", None)], "a-1", None, id="never named a team"),
        pytest.param([_agent("a-1", "billing")], "a-9", None, id="agent who did not speak"),
    ],
)
def test_team_of_is_the_team_an_agent_named_in_their_last_turn_that_named_one(
    turns: list[Turn], agent_id: str, team: str | None
) -> None:
    assert _conversation(turns).team_of(agent_id) == team
