"""The learned label model: linear weights over turn features, stored as plain JSON.

JSON rather than pickle: the artefact is shipped in the package, read at start,
and must be safe to load and easy to inspect ("why did this turn get deflects?").
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from keepword.audit.features import Feature

FORMAT = 1
DEFAULT_MODEL = "labels.json"


class ModelError(ValueError):
    """A model file that this version of Keepword cannot use."""


@dataclass(frozen=True)
class Scored:
    """A label's probability on a turn and the span of the feature that pushed it most."""

    label: str
    probability: float
    span: tuple[int, int]


class LabelModel:
    """One logistic model per label over shared sparse features, with a threshold each."""

    def __init__(
        self,
        version: str,
        labels: Sequence[str],
        bias: dict[str, float],
        thresholds: dict[str, float],
        weights: dict[str, list[tuple[int, float]]],
    ) -> None:
        self.version = version
        self.labels = tuple(labels)
        self.bias = [bias[label] for label in self.labels]
        self.thresholds = dict(thresholds)
        self.weights = weights
        self._index = {label: i for i, label in enumerate(self.labels)}

    def score(self, features: Iterable[Feature], labels: Iterable[str]) -> list[Scored]:
        """The probability of each of `labels` given the turn's features."""
        wanted = [self._index[label] for label in labels if label in self._index]
        if not wanted:
            return []
        totals = list(self.bias)
        best = [0.0] * len(self.labels)
        spans: list[tuple[int, int]] = [(0, 0)] * len(self.labels)
        for feature in features:
            for index, weight in self.weights.get(feature.name, ()):
                totals[index] += weight
                # The evidence is the strongest push towards the label that has a place.
                if weight > best[index] and feature.span != (0, 0):
                    best[index], spans[index] = weight, feature.span
        return [Scored(self.labels[i], _sigmoid(totals[i]), spans[i]) for i in wanted]

    def to_json(self) -> dict[str, Any]:
        """The model as the JSON document `load_model` reads."""
        return {
            "format": FORMAT,
            "version": self.version,
            "labels": list(self.labels),
            "bias": {label: self.bias[i] for i, label in enumerate(self.labels)},
            "thresholds": self.thresholds,
            "weights": {
                name: [list(pair) for pair in pairs] for name, pairs in self.weights.items()
            },
        }


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def model_from_json(data: dict[str, Any]) -> LabelModel:
    """Build a model from its JSON document; ModelError if the format is not this version's."""
    if data.get("format") != FORMAT:
        raise ModelError(
            f"model format {data.get('format')!r} is not {FORMAT}; run `keepword train`"
        )
    weights = {
        name: [(int(index), float(weight)) for index, weight in pairs]
        for name, pairs in data["weights"].items()
    }
    return LabelModel(data["version"], data["labels"], data["bias"], data["thresholds"], weights)


def load_model(path: Path | None = None) -> LabelModel | None:
    """The model at `path`, or the one shipped in the package; None when none is shipped."""
    if path is not None:
        return model_from_json(json.loads(path.read_text(encoding="utf-8")))
    shipped = resources.files("keepword.audit.models").joinpath(DEFAULT_MODEL)
    if not shipped.is_file():
        return None
    return model_from_json(json.loads(shipped.read_text(encoding="utf-8")))
