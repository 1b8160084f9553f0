"""The learned label model: linear weights over turn features, stored as plain JSON.

JSON rather than pickle: the artefact is shipped in the package, read at start,
and must be safe to load and easy to inspect ("why did this turn get deflects?").
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from itertools import repeat
from pathlib import Path
from typing import Any, Final

import numpy as np

from keepword.audit.features import (
    STEM,
    WHOLE_TURN,
    TurnFeatures,
    TurnInput,
    has_stem,
    sentence_ends,
)
from keepword.audit.tokens import token_spans

# 2: features from keepword.audit.features of Keepword 0.2 (per-pattern cues, stems, "?"/"!").
FORMAT: Final = 2
DEFAULT_MODEL: Final = "labels.json"


class ModelError(ValueError):
    """A model file that this version of Keepword cannot use."""


@dataclass
class ScoredBatch:
    """The feature rows a batch of turns hit, kept so evidence needs no second lookup of
    the named features and pairs (`LabelModel.evidence` looks its turn's words up again).

    Row -1 is the model's all-zero row: an unknown feature adds nothing. Turn
    t's rows are `rows[starts[t]:]`: first -1, then one per named feature, then
    one per distinct word (its `w:` feature) and one per distinct stem, as a
    turn's features are a set in training; its pairs are
    `pair_rows[word_starts[t]:word_starts[t + 1] - 1]`, pair p joining words p
    and p + 1 (the sums count each distinct pair once).
    """

    inputs: Sequence[TurnInput]
    probabilities: Any
    rows: Any
    starts: list[int]
    pair_rows: Any
    word_starts: list[int]
    # Per turn, what evidence reads of its words whatever the label (`LabelModel._placed`).
    placed: dict[int, tuple[Any, Any, Any, list[int]]] = field(default_factory=dict)


class LabelModel:
    """One logistic model per label over shared sparse features, with a threshold each.

    Scoring finds each turn's feature rows through integer tables (token ids,
    sorted word-pair keys) with numpy over the whole batch, then sums the
    weight rows: a few microseconds a turn, whatever the number of labels.
    `turn_features` names the same features; the tests check both agree.
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
        # One extra all-zero row, which every -1 (unknown) row reads.
        self._matrix = np.zeros((len(weights) + 1, len(self.labels)))
        for name, pairs in weights.items():
            for label_index, weight in pairs:
                self._matrix[self._rows[name], label_index] = weight
        self._bias = np.array([bias[label] for label in self.labels])
        self._build_tables()
        # How training went (held-out scores per label): for people, never for decisions.
        self.training: dict[str, Any] = {}

    def _build_tables(self) -> None:
        """Tables that find word, stem and pair rows without building feature names."""
        rows = self._rows
        self._word_row = {name[2:]: row for name, row in rows.items() if name.startswith("w:")}
        self._stem_row = {name[2:]: row for name, row in rows.items() if name.startswith("s:")}
        # Word pairs are found as integer keys (first id * size + second id) in a sorted array.
        ids: dict[str, int] = {}
        for name in rows:
            if name.startswith("b:"):
                for word in name[2:].split(" "):
                    ids.setdefault(word, len(ids))
        self._token_id = ids
        self._size = size = len(ids) + 1  # the last id stands for every other word
        pairs = sorted(
            (ids[a] * size + ids[b], row)
            for name, row in rows.items()
            if name.startswith("b:")
            for a, b in [name[2:].split(" ")]
        )
        self._pair_keys = np.array([key for key, _ in pairs], dtype=np.int64)
        self._pair_row = np.array([row for _, row in pairs], dtype=np.int64)

    @property
    def bias(self) -> dict[str, float]:
        """Each label's intercept."""
        return {label: float(self._bias[i]) for i, label in enumerate(self.labels)}

    def weights_of(self, row: int) -> list[float]:
        """The weight of feature row `row` for each label, in `labels` order."""
        return [float(w) for w in self._matrix[row]]

    def rows_of(self, turn: TurnFeatures) -> list[int | None]:
        """The weight row of each of the turn's named features (None: unknown to the model)."""
        return list(map(self._rows.get, turn.names))

    def score(self, inputs: Sequence[TurnInput]) -> ScoredBatch:
        """Each label's probability on each turn of `inputs` (each with at least one word),
        with the rows behind them."""
        names_get, word_get, stem_get = self._rows.get, self._word_row.get, self._stem_row.get
        token_id, other = self._token_id.get, self._size - 1
        rows: list[int] = []
        starts: list[int] = []
        ids: list[int] = []
        word_starts = [0]
        minus = repeat(-1)
        for given in inputs:
            words = given.words
            starts.append(len(rows))
            rows.append(-1)  # every turn's segment starts at a row of its own
            rows += map(names_get, given.names, minus)
            # Each word and stem once: training reads a turn's features as a set, so "@a @b
            # @c @d" is no more evidence than "@a" (nor "no no no no" than "no").
            distinct = dict.fromkeys(words)
            rows += map(word_get, distinct, minus)
            rows += map(stem_get, dict.fromkeys([w[:STEM] for w in distinct if has_stem(w)]), minus)
            ids += map(token_id, words, repeat(other))
            word_starts.append(len(ids))
        row_array = np.array(rows, dtype=np.int64)
        pair_rows = self._pair_rows(np.array(ids, dtype=np.int64), word_starts)
        totals = self._sums(row_array, starts, pair_rows, word_starts) + self._bias
        probabilities = 1.0 / (1.0 + np.exp(-np.clip(totals, -30.0, 30.0)))
        return ScoredBatch(inputs, probabilities, row_array, starts, pair_rows, word_starts)

    def _sums(self, rows: Any, starts: list[int], pair_rows: Any, word_starts: list[int]) -> Any:
        """Each turn's sum of the weight rows it hit, features and pairs together, each
        distinct feature once (as training reads a turn).

        Only the known rows are gathered (about half are unknown, -1, and add nothing),
        and each label's column is summed per turn with one `bincount`: a third quicker
        than gathering every row and summing segments, and the same sums.
        """
        turns = len(starts)
        turn_of_row = np.repeat(np.arange(turns), np.diff(np.append(starts, len(rows))))
        turn_of_pair = np.repeat(np.arange(turns), np.diff(word_starts))
        every_row = np.concatenate((rows, pair_rows))
        every_turn = np.concatenate((turn_of_row, turn_of_pair))
        known = every_row >= 0
        owners, hit = every_turn[known], every_row[known]
        paired = np.flatnonzero(known[len(rows) :]) + len(rows)
        if len(paired):
            # A pair said twice in a turn ("<handle> <handle>" in "@a @b @c") counts once:
            # of the known pairs (few), only the first of each turn and row is kept.
            size = len(self._matrix)
            keys = every_turn[paired] * size + every_row[paired]
            _, first = np.unique(keys, return_index=True)
            keep = known.copy()
            keep[paired] = False
            keep[paired[first]] = True
            owners, hit = every_turn[keep], every_row[keep]
        weights = self._matrix[hit]
        return np.stack(
            [
                np.bincount(owners, weights=weights[:, label], minlength=turns)
                for label in range(weights.shape[1])
            ],
            axis=1,
        )

    def _pair_rows(self, token: Any, word_starts: list[int]) -> Any:
        """For each word, the row of the pair it starts (-1 for a turn's last word or an
        unknown pair): one entry a word, so a turn's pairs lie in its words' segment."""
        pair_rows = np.full(len(token), -1, dtype=np.int64)
        if len(token) < 2 or not len(self._pair_keys):
            return pair_rows
        first, second = token[:-1], token[1:]
        keys = first * self._size + second
        found = np.minimum(np.searchsorted(self._pair_keys, keys), len(self._pair_keys) - 1)
        other = self._size - 1
        hit = (self._pair_keys[found] == keys) & (first != other) & (second != other)
        pair_rows[:-1] = np.where(hit, self._pair_row[found], -1)
        # A turn's last word starts no pair with the next turn's first.
        pair_rows[np.array(word_starts[1:], dtype=np.int64) - 1] = -1
        return pair_rows

    def probabilities(self, turns: Sequence[TurnInput]) -> Any:
        """A (turns x labels) array: each label's probability on each turn."""
        if not turns:
            return np.zeros((0, len(self.labels)))
        return self.score(turns).probabilities

    def evidence(self, batch: ScoredBatch, turn: int, label: str) -> tuple[int, int]:
        """The span of the feature that pushed `label` most on `turn` of the batch, within the
        sentence that pushed it most ((0, 0): none).

        Each feature with a span (a cue, a word, a word pair, a stem) adds its weight for
        the label to the sentence it starts in. The evidence is the strongest feature of
        the sentence with the highest sum: where the turn's words say it most, not where
        one word weighs most ("The visit was logged as a call-out and the fee remains
        payable. If you disagree, you can ask our complaints team." deflects in its second
        sentence). With no sentence of positive sum, the strongest feature of the turn.
        Candidates are taken in the order `turn_features` names them (cues and whole-turn
        features, words, pairs, stems), so ties go the same way.
        """
        column = self._matrix[:, self.index[label]]
        given = batch.inputs[turn]
        count, rows = len(given.words), batch.rows
        named = batch.starts[turn] + 1
        first_word = batch.word_starts[turn]
        word_rows, stem_rows, token_sentence, ends = self._placed(batch, turn)
        segments = (
            (column[word_rows], 0),
            (column[batch.pair_rows[first_word : first_word + count - 1]], 1),
            (column[stem_rows], 0),
        )
        names = [
            (float(column[rows[named + position]]), span)
            for position, span in enumerate(given.name_spans)
            if span != WHOLE_TURN
        ]
        chosen: int | None = None
        if ends:  # more than one sentence: which one says it most
            sums = np.zeros(len(ends) + 1)
            for weights, width in segments:
                sums += np.bincount(
                    token_sentence[: count - width], weights=weights, minlength=len(sums)
                )
            for weight, span in names:
                sums[bisect_right(ends, span[0])] += weight
            chosen = int(sums.argmax()) if sums.max() > 0 else None

        best, best_span = 0.0, WHOLE_TURN
        for weight, span in names:
            if weight > best and (chosen is None or bisect_right(ends, span[0]) == chosen):
                best, best_span = weight, span
        found: tuple[int, int] | None = None
        for weights, width in segments:
            if not len(weights):
                continue
            if chosen is not None:
                weights = np.where(token_sentence[: count - width] == chosen, weights, -np.inf)
            top = int(weights.argmax())  # the first of equal weights, as the names path takes
            if weights[top] > best:
                best, found = float(weights[top]), (top, top + width)
        if found is not None:
            best_span = given.words_span(*found)
        return best_span

    def _placed(self, batch: ScoredBatch, turn: int) -> tuple[Any, Any, Any, list[int]]:
        """A turn's word rows and stem rows, word by word (the batch holds each distinct
        word once), the sentence each word starts in, and where its sentences end (none
        for a turn of one sentence); worked out once a turn, whatever the label."""
        found = batch.placed.get(turn)
        if found is not None:
            return found
        given = batch.inputs[turn]
        words, count = given.words, len(given.words)
        word_get, stem_get = self._word_row.get, self._stem_row.get
        word_rows = np.fromiter(map(word_get, words, repeat(-1)), np.int64, count)
        stem_rows = np.fromiter(
            (stem_get(w[:STEM], -1) if has_stem(w) else -1 for w in words), np.int64, count
        )
        text = given.text
        # A stop at the very end closes the last sentence, it opens none.
        ends = [end for end in sentence_ends(text) if end < len(text)]
        token_sentence = (
            np.array(
                [bisect_right(ends, start) for start, _ in token_spans(text)[:count]],
                dtype=np.int64,
            )
            if ends
            else np.zeros(count, np.int64)
        )
        found = batch.placed[turn] = (word_rows, stem_rows, token_sentence, ends)
        return found

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
