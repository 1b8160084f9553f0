"""Splits a turn's text into pieces, each with the labels whose evidence covers it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from keepword.audit.labels import is_breaking, may_carry
from keepword.audit.results import TurnLabel
from keepword.domain.conversations import Speaker


@dataclass(frozen=True)
class Piece:
    """A run of text and the labels marking it ("" when none)."""

    text: str
    labels: tuple[str, ...]
    tone: str  # "breaking", "building", "signal" or ""


def tone(labels: tuple[str, ...]) -> str:
    """How a set of labels is coloured: breaking wins, then building; customer signals alone."""
    if not labels:
        return ""
    if any(is_breaking(label) for label in labels):
        return "breaking"
    if all(may_carry(Speaker.CUSTOMER, label) for label in labels):
        return "signal"
    return "building"


def pieces(text: str, found: list[TurnLabel]) -> list[Piece]:
    """The text cut at every evidence boundary; a breaking label wins the colour of its piece."""
    cuts = {0, len(text)}
    for label in found:
        start, end = max(0, min(label.span[0], len(text))), max(0, min(label.span[1], len(text)))
        cuts.update((start, end))
    bounds = sorted(cuts)
    result = []
    for start, end in itertools.pairwise(bounds):
        if start == end:
            continue
        covering = tuple(
            sorted({f.label for f in found if f.span[0] <= start and end <= f.span[1]})
        )
        result.append(Piece(text[start:end], covering, tone(covering)))
    return result
