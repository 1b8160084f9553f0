"""The learned label model: linear weights over turn features, stored as plain JSON.

JSON rather than pickle: the artefact is shipped in the package, read at start,
and must be safe to load and easy to inspect ("why did this turn get deflects?").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from keepword.audit.features import WHOLE_TURN, TurnFeatures

FORMAT = 1
DEFAULT_MODEL = "labels.json"


class ModelError(ValueError):
    """A model file that this version of Keepword cannot use."""


class LabelModel:
    """One logistic model per label over shared sparse features, with a threshold each.

    Scoring sums the weight rows of a turn's features with numpy: a few
    microseconds a turn, whatever the number of labels.
    """

    def __init__(
        self,
        version: str,
        labels: Sequence[str],
        bias: dict[str, float],
        thresholds: dict[str, float],
        weights: dict[str, list[tuple[int, float]]],
        trusted_cues: Sequence[str] = (),
    ) -> None:
        self.version = version
        # Labels whose phrase cue decides by itself (it was right >= 90% of the time in training).
        self.trusted_cues = frozenset(trusted_cues)
        self.labels = tuple(labels)
        self.thresholds = dict(thresholds)
        self.weights = weights
        self.index = {label: i for i, label in enumerate(self.labels)}
        self._rows = {name: row for row, name in enumerate(weights)}
        # One extra all-zero row, so a turn with no known feature still sums to zero.
        self._matrix = np.zeros((len(weights) + 1, len(self.labels)))
        for name, pairs in weights.items():
            for label_index, weight in pairs:
                self._matrix[self._rows[name], label_index] = weight
        self._bias = np.array([bias[label] for label in self.labels])
        self._zero_row = len(weights)
        # How training went (held-out scores per label): for people, never for decisions.
        self.training: dict[str, Any] = {}

    @property
    def bias(self) -> dict[str, float]:
        """Each label's intercept."""
        return {label: float(self._bias[i]) for i, label in enumerate(self.labels)}

    def probabilities(self, turns: Sequence[TurnFeatures]) -> Any:
        """A (turns x labels) array: each label's probability on each turn."""
        if not turns:
            return np.zeros((0, len(self.labels)))
        rows = self._rows
        indices: list[int] = []
        starts: list[int] = []
        for turn in turns:
            starts.append(len(indices))
            indices.append(self._zero_row)
            indices.extend(row for row in map(rows.get, turn.names) if row is not None)
        totals = np.add.reduceat(self._matrix[indices], starts, axis=0) + self._bias
        return 1.0 / (1.0 + np.exp(-np.clip(totals, -30.0, 30.0)))

    def evidence(self, turn: TurnFeatures, label: str) -> tuple[int, int]:
        """The span of the feature that pushed `label` most on this turn ((0, 0): none)."""
        rows = self._rows
        known = [(position, row) for position, row in enumerate(map(rows.get, turn.names))]
        positions = [position for position, row in known if row is not None]
        if not positions:
            return WHOLE_TURN
        weights = self._matrix[[row for _, row in known if row is not None], self.index[label]]
        for best in np.argsort(-weights, kind="stable"):
            if weights[best] <= 0:
                break
            span = turn.span_of(positions[int(best)])
            if span != WHOLE_TURN:
                return span
        return WHOLE_TURN

    def to_json(self) -> dict[str, Any]:
        """The model as the JSON document `load_model` reads."""
        return {
            "format": FORMAT,
            "version": self.version,
            "labels": list(self.labels),
            "bias": self.bias,
            "thresholds": self.thresholds,
            "trusted_cues": sorted(self.trusted_cues),
            "weights": {
                name: [list(pair) for pair in pairs] for name, pairs in self.weights.items()
            },
            "training": self.training,
        }


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
    model = LabelModel(
        data["version"],
        data["labels"],
        data["bias"],
        data["thresholds"],
        weights,
        data.get("trusted_cues", ()),
    )
    model.training = dict(data.get("training", {}))
    return model


def load_model(path: Path | None = None) -> LabelModel | None:
    """The model at `path`, or the one shipped in the package; None when none is shipped."""
    if path is not None:
        return model_from_json(json.loads(path.read_text(encoding="utf-8")))
    shipped = resources.files("keepword.audit.models").joinpath(DEFAULT_MODEL)
    if not shipped.is_file():
        return None
    return model_from_json(json.loads(shipped.read_text(encoding="utf-8")))
