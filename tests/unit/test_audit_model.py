"""The label model's fast path scores exactly the features `turn_features` names.

Scoring finds rows through integer tables instead of feature names; these
tests check, over every turn of our corpora, that it sums the same rows and
points at the same evidence as the plain reading of the named features.
"""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path

import numpy as np
import pytest

from keepword.adapters.helpdesk.records import parse_conversation_lines, split_lines
from keepword.audit.components.cues import PhraseCues
from keepword.audit.components.language import LanguageCheck
from keepword.audit.document import AuditDocument
from keepword.audit.features import (
    WHOLE_TURN,
    TurnContext,
    TurnFeatures,
    TurnInput,
    contexts,
    sentence_ends,
    turn_features,
)
from keepword.audit.model import LabelModel, load_model, model_from_json
from keepword.audit.tokens import tokens
from keepword.domain.conversations import Speaker
from keepword.services.conversations import IncomingConversation

ROOT = Path(__file__).resolve().parents[2]


def _turns() -> list[tuple[TurnInput, TurnFeatures]]:
    text = (ROOT / "data" / "dev.jsonl").read_text(encoding="utf-8")
    found = []
    # The cue scanner compiles its pattern sets once; building one per conversation
    # would spend the whole test compiling.
    language, cues = LanguageCheck(), PhraseCues()
    for _, parsed in parse_conversation_lines(split_lines(text)):
        if not isinstance(parsed, IncomingConversation):
            continue
        document = AuditDocument(parsed.conversation)
        language(document)
        cues(document)
        for index, context in enumerate(contexts(document.texts, document.speakers, document.cues)):
            toks = document.tokens[index]
            if document.speakers[index] is Speaker.SYSTEM or not toks:
                continue
            named = turn_features(
                document.texts[index],
                toks,
                document.speakers[index],
                document.cues[index],
                context,
                document.vetoes[index],
            )
            found.append((named.source, named))
    return found


@pytest.fixture(scope="module")
def model() -> LabelModel:
    shipped = load_model()
    assert shipped is not None
    return shipped


@pytest.fixture(scope="module")
def turns() -> list[tuple[TurnInput, TurnFeatures]]:
    return _turns()


def _named_totals(model: LabelModel, named: TurnFeatures) -> np.ndarray:
    # Each named feature once, as training reads a turn (keepword.audit.training: a turn's
    # features are a set of columns, each worth 1).
    rows = sorted({row for row in model.rows_of(named) if row is not None})
    weights = np.array([model.weights_of(row) for row in rows]).reshape(len(rows), -1)
    return weights.sum(axis=0) + np.array([model.bias[label] for label in model.labels])


def _named_evidence(model: LabelModel, named: TurnFeatures, label: str) -> tuple[int, int]:
    """The reading of evidence by names: each feature with a span adds its weight to the
    sentence it starts in, and the evidence is the strongest positive feature of the
    sentence with the highest sum (of the whole turn when no sum is positive)."""
    column = model.labels.index(label)
    ends = sentence_ends(named.source.text)
    given = len(named.source.names)
    # Summed in the fast path's order: words, pairs, stems, then the named features.
    order = [*range(given, len(named.names)), *range(given)]
    sums = [0.0] * (len(ends) + 1)
    candidates = []
    for index in order:
        row = model.rows_of(named)[index]
        span = named.span_of(index)
        if row is None or span == WHOLE_TURN:
            continue
        weight = model.weights_of(row)[column]
        sums[bisect_right(ends, span[0])] += weight
        candidates.append((index, weight, span))
    chosen = sums.index(max(sums)) if max(sums) > 0 else None
    best, found = 0.0, WHOLE_TURN
    for _, weight, span in sorted(candidates):  # in the order turn_features names them
        if weight > best and (chosen is None or bisect_right(ends, span[0]) == chosen):
            best, found = weight, span
    return found


def test_the_fast_path_gives_each_turn_the_probabilities_of_its_named_features(
    model: LabelModel, turns: list[tuple[TurnInput, TurnFeatures]]
) -> None:
    batch = model.score([given for given, _ in turns])
    expected = np.array([_named_totals(model, named) for _, named in turns])

    assert np.allclose(batch.probabilities, 1 / (1 + np.exp(-np.clip(expected, -30, 30))))


@pytest.mark.parametrize(
    ("once", "again"),
    [
        ("thanks thanks thanks thanks", "thanks thanks thanks thanks thanks thanks"),
        ("@a @b still broken", "@a @b @c @d @e still broken"),
        ("no no refund please", "no no no no refund please"),
    ],
)
def test_a_feature_said_again_in_a_turn_counts_once_as_in_training(
    model: LabelModel, once: str, again: str
) -> None:
    inputs = [_customer_turn(once), _customer_turn(again)]
    assert {*inputs[0].words} == {*inputs[1].words}

    first, second = model.score(inputs).probabilities

    assert np.array_equal(first, second)


def _customer_turn(text: str) -> TurnInput:
    conversation = next(
        parsed.conversation
        for _, parsed in parse_conversation_lines(
            split_lines(
                '{"id": "c-1", "channel": "social", "started_at": "2026-01-05T09:00:00+00:00", '
                f'"turns": [{{"speaker": "customer", "text": "{text}"}}]}}'
            )
        )
    )
    document = AuditDocument(conversation)
    LanguageCheck()(document)
    PhraseCues()(document)
    context = contexts(document.texts, document.speakers, document.cues)[0]
    return turn_features(
        text, document.tokens[0], Speaker.CUSTOMER, document.cues[0], context, document.vetoes[0]
    ).source


def test_the_fast_path_points_at_the_evidence_the_named_features_point_at(
    model: LabelModel, turns: list[tuple[TurnInput, TurnFeatures]]
) -> None:
    batch = model.score([given for given, _ in turns])
    differing = [
        (index, label)
        for index, (_, named) in enumerate(turns)
        for label in ("apologizes", "reports_fault", "deflects", "frustrated", "owns")
        if model.evidence(batch, index, label) != _named_evidence(model, named, label)
    ]

    assert differing == []


def test_a_model_of_another_format_is_refused_with_what_to_do() -> None:
    with pytest.raises(ValueError, match="keepword train"):
        model_from_json({"format": 1, "version": "old"})


def test_the_evidence_is_in_the_sentence_whose_words_say_it_most() -> None:
    # One word of the first sentence weighs most, but the second says it more in all.
    weights = {"w:fee": 1.2, "w:complaints": 1.0, "w:team": 0.6}

    found = _toy_evidence(weights, "The fee stands. Please ask our complaints team.")

    assert found == "complaints"


def test_with_no_sentence_of_positive_weight_the_evidence_is_the_strongest_word() -> None:
    weights = {"w:fee": 0.3, "w:stands": -1.0, "w:ask": -2.0}

    assert _toy_evidence(weights, "The fee stands. Please ask.") == "fee"


def _toy_evidence(weights: dict[str, float], text: str) -> str:
    """The words a model of these feature weights for deflects alone shows as evidence."""
    toy = LabelModel(
        "toy",
        ["deflects"],
        {"deflects": 0.0},
        {"deflects": 0.5},
        {name: [(0, weight)] for name, weight in weights.items()},
    )
    span = toy.evidence(toy.score([_agent_turn(text)]), 0, "deflects")
    return text[span[0] : span[1]]


def _agent_turn(text: str) -> TurnInput:
    return turn_features(text, tokens(text), Speaker.AGENT, [], TurnContext()).source
