"""The model's features: named features point at their words, and context never looks ahead."""

from __future__ import annotations

import pytest

from keepword.audit.document import Evidence
from keepword.audit.features import (
    MAX_WORDS,
    TurnContext,
    contexts,
    turn_features,
    word_features,
)
from keepword.audit.tokens import tokens
from keepword.domain.conversations import Speaker


def _features(text: str, speaker: Speaker = Speaker.AGENT, cues: list[Evidence] | None = None):  # type: ignore[no-untyped-def]
    return turn_features(text, tokens(text), speaker, cues or [], TurnContext())


def test_a_word_pair_points_at_its_two_words() -> None:
    text = "Please call billing today"
    features = _features(text)

    start, end = features.span_of(features.names.index("b:call billing"))

    assert text[start:end] == "call billing"


def test_a_stem_points_at_the_word_it_comes_from() -> None:
    text = "This is so frustrating"
    features = _features(text, Speaker.CUSTOMER)

    start, end = features.span_of(features.names.index("s:frust"))

    assert text[start:end] == "frustrating"


def test_a_cue_and_its_pattern_point_at_the_cue_words() -> None:
    text = "That's not my department."
    cue = Evidence("deflects", 0.9, (7, 24), pattern=0)
    features = _features(text, cues=[cue])

    assert features.span_of(features.names.index("cue:deflects")) == (7, 24)
    assert features.span_of(features.names.index("cue:deflects:0")) == (7, 24)


@pytest.mark.parametrize(
    ("words", "names"),
    [
        (["sorry"], ["w:sorry"]),
        (["so", "frustrating"], ["w:so", "w:frustrating", "b:so frustrating", "s:frust"]),
        (["<handle>", "hello"], ["w:<handle>", "w:hello", "b:<handle> hello"]),
    ],
)
def test_words_give_words_pairs_and_stems_of_long_words(words: list[str], names: list[str]) -> None:
    assert word_features(words)[0] == names


def test_all_caps_turns_are_marked() -> None:
    shouting = _features("THIS IS RIDICULOUS I WANT MY MONEY", Speaker.CUSTOMER)
    calm = _features("this is ridiculous, I want my money", Speaker.CUSTOMER)

    assert "shape:caps" in shouting.names
    assert "shape:caps" not in calm.names


def test_a_question_is_marked_where_it_ends() -> None:
    assert {"has:?", "ends:?"} <= set(_features("Is it working now?").names)
    assert "ends:?" not in _features("Why? Because it broke.").names


def test_context_counts_cancel_requests_made_before_a_turn_only() -> None:
    texts = ["I want to cancel", "Why?", "Cancel it please", "Why would you want to leave?"]
    speakers = [Speaker.CUSTOMER, Speaker.AGENT, Speaker.CUSTOMER, Speaker.AGENT]
    cues = [
        [Evidence("wants_to_cancel", 0.9, (0, 16))],
        [],
        [Evidence("wants_to_cancel", 0.9, (0, 16))],
        [],
    ]

    found = contexts(texts, speakers, cues)

    assert [c.cancel_requests for c in found] == [0, 1, 1, 2]


def test_a_status_question_is_seen_by_the_turns_after_it() -> None:
    texts = ["When will my engineer arrive?", "Tomorrow between 8 and 12.", "Thanks"]
    speakers = [Speaker.CUSTOMER, Speaker.AGENT, Speaker.CUSTOMER]

    found = contexts(texts, speakers, [[], [], []])

    assert [c.status_asked_just_before for c in found] == [False, True, True]


@pytest.mark.parametrize("text", ["a" * 10_000, "word " * 3_000, "x y " * 2_000])
def test_long_turns_give_a_bounded_number_of_features(text: str) -> None:
    features = _features(text, Speaker.CUSTOMER)

    assert len(features.source.words) <= MAX_WORDS
    assert len(features.names) <= 3 * MAX_WORDS + 20
