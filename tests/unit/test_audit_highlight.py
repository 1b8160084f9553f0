"""How the conversation page cuts a turn into marked pieces."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keepword.audit.labels import LABELS
from keepword.audit.results import TurnLabel
from keepword.web.dashboard.highlight import Piece, pieces, tone

TEXT = "I'm sorry for the trouble. That's not my department."


def found(label: str, start: int, end: int) -> TurnLabel:
    return TurnLabel(0, label, 0.9, (start, end))


def test_a_turn_without_labels_is_one_plain_piece() -> None:
    assert pieces(TEXT, []) == [Piece(TEXT, (), "")]


def test_an_empty_turn_has_no_pieces() -> None:
    assert pieces("", [found("rude", 0, 5)]) == []


def test_a_label_marks_exactly_its_evidence() -> None:
    result = pieces(TEXT, [found("apologizes", 0, 9)])

    assert result == [
        Piece("I'm sorry", ("apologizes",), "building"),
        Piece(TEXT[9:], (), ""),
    ]


def test_overlapping_evidence_gives_a_piece_with_both_labels() -> None:
    result = pieces(TEXT, [found("apologizes", 0, 25), found("owns", 10, 40)])

    assert [(p.text, p.labels) for p in result] == [
        (TEXT[0:10], ("apologizes",)),
        (TEXT[10:25], ("apologizes", "owns")),
        (TEXT[25:40], ("owns",)),
        (TEXT[40:], ()),
    ]


def test_a_breaking_label_colours_its_piece_breaking() -> None:
    result = pieces(TEXT, [found("deflects", 34, 51)])

    assert [p.tone for p in result if p.labels] == ["breaking"]


def test_a_breaking_label_wins_the_colour_where_it_overlaps_a_building_one() -> None:
    result = pieces(TEXT, [found("apologizes", 0, 40), found("deflects", 27, 51)])

    overlap = next(p for p in result if len(p.labels) == 2)
    assert overlap.labels == ("apologizes", "deflects")
    assert overlap.tone == "breaking"


def test_customer_signals_alone_are_coloured_as_signals() -> None:
    text = "This is ridiculous, still waiting."

    result = pieces(text, [found("frustrated", 8, 18), found("chases", 20, 33)])

    assert [p.tone for p in result if p.labels] == ["signal", "signal"]


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ((), ""),
        (("owns",), "building"),
        (("rude",), "breaking"),
        (("chases",), "signal"),
        (("owns", "rude"), "breaking"),
        (("apologizes", "empathizes"), "building"),
    ],
)
def test_the_tone_of_a_set_of_labels(labels: tuple[str, ...], expected: str) -> None:
    assert tone(labels) == expected


@pytest.mark.parametrize(
    ("span", "marked"),
    [
        ((41, 500), "department."),
        ((-5, 9), "I'm sorry"),
        ((100, 200), None),
        ((-10, -2), None),
    ],
    ids=["past-the-end", "before-the-start", "wholly-after", "wholly-before"],
)
def test_an_out_of_range_span_is_clamped_to_the_text(
    span: tuple[int, int], marked: str | None
) -> None:
    result = pieces(TEXT, [found("rude", *span)])

    assert "".join(p.text for p in result) == TEXT
    assert [p.text for p in result if p.labels] == ([marked] if marked else [])


SPANS = st.tuples(
    st.integers(min_value=-20, max_value=80), st.integers(min_value=-20, max_value=80)
)


@given(
    st.text(max_size=60),
    st.lists(st.tuples(st.sampled_from(LABELS), SPANS), max_size=6),
)
def test_pieces_always_join_back_into_the_text(
    text: str, labels: list[tuple[str, tuple[int, int]]]
) -> None:
    result = pieces(text, [found(label, *span) for label, span in labels])

    assert "".join(p.text for p in result) == text
    assert all(p.text for p in result)


@given(
    st.text(min_size=1, max_size=60),
    st.lists(st.tuples(st.sampled_from(LABELS), SPANS), min_size=1, max_size=6),
)
def test_each_piece_carries_exactly_the_labels_whose_evidence_covers_it(
    text: str, labels: list[tuple[str, tuple[int, int]]]
) -> None:
    evidence = [found(label, *span) for label, span in labels]

    position = 0
    for piece in pieces(text, evidence):
        covering = {
            e.label
            for e in evidence
            if max(0, e.span[0]) <= position and position + len(piece.text) <= e.span[1]
        }
        assert set(piece.labels) == covering
        assert piece.tone == tone(piece.labels)
        position += len(piece.text)
