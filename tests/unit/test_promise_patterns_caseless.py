"""The promise finder's patterns, searched in the lower-cased turn as case-sensitive ones
(`_Caseless`), find what the case-insensitive patterns find in the turn as written."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keepword.audit.components import promises
from keepword.audit.components.promises import KINDS, lowered

PATTERNS = {
    name: getattr(promises, name)
    for name in (
        "_PROMISE",
        "_NOT_A_PROMISE",
        "_FUTURE",
        "_ON_EVENT",
        "_FUTURE_PASSIVE",
        "_NOTIFY",
        "_CALL",
        "_MESSAGE_ABOUT",
        "_CLAUSE_BREAK",
    )
} | {f"kind {kind}": pattern for kind, pattern in KINDS}

WORDS = [
    "We'll",
    "REFUND",
    "you",
    "by",
    "Friday",
    "I'LL",
    "call",
    "You",
    "back",
    "when",
    "it",
    "Ships",
    "should",
    "have",
    "been",
    "Sent",
    "is",
    "Rolling",
    "out",
    "and",
    "we",
    "Will",
    "be",
    "Replaced",
    "\u2019ll",
    "Tracking",
    "Number",
    ",",
    ".",
    ";",
    "\u0130stanbul",
    "\u017fhip",
    "\u212aelvin",
    "stra\u00dfe",
    "\u00c9t\u00e9",
    "\U0001f600",
    "DM",
    "u",
]


def _same(pattern: promises._Caseless, text: str) -> None:
    subject, is_lower = lowered(text)
    expected = pattern.any_case.search(text)
    found = pattern.search(subject, is_lower)
    assert (found.span() if found else None) == (expected.span() if expected else None)


@pytest.mark.parametrize("name", sorted(PATTERNS))
@pytest.mark.parametrize(
    "text",
    [
        "We'll REFUND you by Friday, AND I'll call you back when it SHIPS.",
        "You SHOULD have been helped a week ago.",
        "The fix is Rolling Out in a couple of days; we'll DM you as soon as it's live.",
        "\u0130 will send you the Tracking Number",  # a capital that lower-cases to two
        "Your \u017fhipment WILL be Replaced",  # the long s, which IGNORECASE folds to s
    ],
)
def test_each_pattern_finds_in_the_lower_cased_turn_what_it_finds_as_written(
    name: str, text: str
) -> None:
    _same(PATTERNS[name], text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join))
def test_any_mix_of_cases_and_letters_gives_the_same_matches(text: str) -> None:
    for pattern in PATTERNS.values():
        _same(pattern, text)


def test_a_turn_whose_lower_case_moves_its_characters_is_searched_as_written() -> None:
    text = "\u0130 will call you"

    assert lowered(text) == (text, False)
    assert lowered("We WILL call") == ("we will call", True)
