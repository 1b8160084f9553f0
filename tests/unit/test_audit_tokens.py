"""Tokens: the fast path and the regular expression agree, and every token has its span."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keepword.audit.tokens import regex_tokens, span_of_tokens, token_spans, tokens

PIECES = st.sampled_from(
    [
        *"abcXYZ @#1.,:/w!?'\u2019\u2018\u00e9\u00df 9h\n\t_-\x01\u00a0\u2014",
        "http://",
        "https://",
        "www.",
        "HTTPS://",
        "Www.",
        "don't",
        "\u0130",
        "\u01c5",
        "\ufb03",
        "\U0001f621",
        "\u2026",
        "@user",
        "3.50",
    ]
)
TEXTS = st.one_of(st.lists(PIECES, max_size=30).map("".join), st.text(max_size=80))


@settings(max_examples=1000)
@given(TEXTS)
def test_the_fast_path_finds_the_tokens_the_expression_finds(text: str) -> None:
    assert tokens(text) == regex_tokens(text)


@settings(max_examples=500)
@given(TEXTS)
def test_every_token_has_exactly_one_span(text: str) -> None:
    assert len(tokens(text)) == len(token_spans(text))


@settings(max_examples=300)
@given(TEXTS.filter(lambda t: len(tokens(t)) >= 2))
def test_a_pair_of_tokens_spans_from_the_first_to_the_second(text: str) -> None:
    spans = token_spans(text)

    assert span_of_tokens(text, 0, 1) == (spans[0][0], spans[1][1])
    assert span_of_tokens(text, len(spans) - 1, len(spans) - 1) == spans[-1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Still NOT working!", ["still", "not", "working"]),
        ("@AmazonHelp order 123 at https://t.co/x", ["<handle>", "order", "<num>", "at", "<url>"]),
        ("it\u2019s www.example.com", ["it's", "<url>"]),
        ("visit\u00a0https://t.co/x\u00a0to apply", ["visit", "<url>", "to", "apply"]),
        ("I\u2019m so \u2014 sorry \U0001f621 caf\u00e9", ["i'm", "so", "sorry", "caf\u00e9"]),
        ("xhttp://y", ["xhttp", "y"]),
        ("", []),
    ],
)
def test_tokens_are_lower_case_with_handles_numbers_and_links_folded(
    text: str, expected: list[str]
) -> None:
    assert tokens(text) == expected


def test_the_span_of_a_link_covers_the_whole_link() -> None:
    text = "see https://t.co/abc now"

    assert [text[a:b] for a, b in token_spans(text)] == ["see", "https://t.co/abc", "now"]
