"""The model's features: tokens line up with their spans, and context never looks ahead."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keepword.audit.document import Evidence
from keepword.audit.features import (
    TurnContext,
    contexts,
    token_spans,
    tokens,
    turn_features,
)
from keepword.domain.conversations import Speaker

PIECES = st.sampled_from(
    [
        *"abcXYZ @#1.,:/w!?'\u2019\u00e9\u00df 9h\n\t",
        "http://",
        "www.",
        "HTTPS://",
        "Www.",
        "don't",
        "\u0130",
        "\u01c5",
        "\ufb03",
        "@user",
        "3.50",
    ]
)


@settings(max_examples=500)
@given(st.one_of(st.lists(PIECES, max_size=30).map("".join), st.text(max_size=80)))
def test_every_token_has_exactly_one_span(text: str) -> None:
    assert len(tokens(text)) == len(token_spans(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Still NOT working!", ["still", "not", "working", "!"]),
        ("@AmazonHelp order 123 at https://t.co/x", ["<handle>", "order", "<num>", "at", "<url>"]),
        ("it\u2019s www.example.com", ["it's", "<url>"]),
        ("", []),
    ],
)
def test_tokens_are_lower_case_with_handles_numbers_and_links_folded(
    text: str, expected: list[str]
) -> None:
    assert tokens(text) == expected


def test_a_feature_span_points_at_its_words() -> None:
    text = "Please call billing today"
    features = turn_features(text, Speaker.AGENT, [], TurnContext())

    bigram = features.names.index("b:call billing")

    start, end = features.span_of(bigram)
    assert text[start:end] == "call billing"


def test_a_cue_feature_points_at_the_cue_words() -> None:
    text = "That's not my department."
    cue = Evidence("deflects", 0.9, (7, 24))
    features = turn_features(text, Speaker.AGENT, [cue], TurnContext())

    assert features.span_of(features.names.index("cue:deflects")) == (7, 24)


def test_all_caps_turns_are_marked() -> None:
    shouting = turn_features(
        "THIS IS RIDICULOUS I WANT MY MONEY", Speaker.CUSTOMER, [], TurnContext()
    )
    calm = turn_features("this is ridiculous, I want my money", Speaker.CUSTOMER, [], TurnContext())

    assert "shape:caps" in shouting.names
    assert "shape:caps" not in calm.names


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


def test_a_status_question_is_seen_by_the_next_turn() -> None:
    texts = ["When will my engineer arrive?", "Tomorrow between 8 and 12."]
    speakers = [Speaker.CUSTOMER, Speaker.AGENT]

    found = contexts(texts, speakers, [[], []])

    assert not found[0].status_asked_just_before
    assert found[1].status_asked_just_before


@pytest.mark.parametrize("text", ["a" * 10_000, "word " * 3_000])
def test_long_turns_give_a_bounded_number_of_features(text: str) -> None:
    features = turn_features(text, Speaker.CUSTOMER, [], TurnContext())

    assert len(features.names) <= 400
    assert re.fullmatch(r"[a-z:]+.*", features.names[0])
