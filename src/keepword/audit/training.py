"""Training the label model from labelled conversations: deterministic, and never on dev data.

Each label gets a logistic regression over the turn features of the speakers
who may carry it. Its threshold is chosen on out-of-fold predictions over the
training conversations (grouped by conversation), so the dev set stays unseen
until it is scored. Needs scikit-learn (the `train` extra).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from keepword.audit.components.cues import PhraseCues
from keepword.audit.components.language import LanguageCheck
from keepword.audit.document import AuditDocument
from keepword.audit.features import contexts, turn_features
from keepword.audit.labels import MODEL_LABELS, PROMISE, READINGS_BY_SPEAKER
from keepword.audit.model import LabelModel
from keepword.domain.conversations import Conversation, Speaker

# Labels where a false accusation hurts an agent: their threshold keeps precision at this floor.
PROTECTED = {"blames_customer": 0.9, "deflects": 0.9, "dismisses_report": 0.9}
MIN_FEATURE_COUNT = 2  # a word seen once teaches nothing that generalises
REGULARISATION = 1.0  # liblinear's C
# No class balancing: weighting the rare positives up made the model flag far more real
# turns than it should (measured on the dev set: micro F1 0.768 balanced, 0.776 not).
CLASS_WEIGHT: str | None = None
FOLDS = 5
WEIGHT_FLOOR = 0.02
# A cue decides alone when it was right this often, on at least this many training turns.
TRUSTED_CUE_PRECISION = 0.9
TRUSTED_CUE_MIN_HITS = 5  # smaller weights change no decision; dropping them keeps the file small


@dataclass(frozen=True)
class Example:
    """One readable turn: its features, who spoke, the gold labels, and its conversation."""

    features: tuple[str, ...]
    speaker: Speaker
    gold: frozenset[str]
    group: int


Labelled = tuple[Conversation, Mapping[str, Any]]


def gold_readings(gold: Mapping[str, Any]) -> dict[int, frozenset[str]]:
    """What a labelled file's `gold` object says of each turn: its labels, and `promise`
    for a turn that made at least one promise."""
    found: dict[int, set[str]] = {int(k): set(v) for k, v in gold.get("turns", {}).items()}
    for promise in gold.get("promises", []):
        found.setdefault(int(promise["turn"]), set()).add(PROMISE)
    return {turn: frozenset(readings) for turn, readings in found.items()}


def examples(labelled: Iterable[Labelled]) -> list[Example]:
    """The training examples of labelled conversations, each with its `gold` object
    (shared/formats/conversations.md)."""
    language, cues = LanguageCheck(), PhraseCues()
    found = []
    for group, (conversation, gold_object) in enumerate(labelled):
        gold = gold_readings(gold_object)
        document = AuditDocument(conversation)
        language(document)
        cues(document)
        texts, speakers = document.texts, document.speakers
        for index, context in enumerate(contexts(texts, speakers, document.cues)):
            text, speaker, toks = texts[index], speakers[index], document.tokens[index]
            if not document.supported[index] or not toks:
                continue
            if not READINGS_BY_SPEAKER[speaker]:
                continue
            features = turn_features(
                text, toks, speaker, document.cues[index], context, document.vetoes[index]
            )
            found.append(
                Example(tuple(features.names), speaker, gold.get(index, frozenset()), group)
            )
    return found


def train(
    labelled: Sequence[Labelled],
    *,
    on_label: Callable[[str], None] | None = None,
) -> LabelModel:
    """Fit the label model on `labelled` conversations; the same data gives the same model."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    data = examples(labelled)
    counts = Counter(name for example in data for name in set(example.features))
    vocabulary = sorted(
        name
        for name, count in counts.items()
        if (count >= MIN_FEATURE_COUNT or not name.startswith(("w:", "b:", "s:")))
    )
    column = {name: i for i, name in enumerate(vocabulary)}

    def matrix(rows: Sequence[Example]) -> Any:
        indptr, indices = [0], []
        for example in rows:
            cols = sorted({column[n] for n in example.features if n in column})
            indices.extend(cols)
            indptr.append(len(indices))
        values = np.ones(len(indices), dtype=np.float64)
        return csr_matrix((values, indices, indptr), shape=(len(rows), len(vocabulary)))

    def model() -> Any:
        return LogisticRegression(
            C=REGULARISATION,
            solver="liblinear",
            class_weight=CLASS_WEIGHT,
            max_iter=1000,
            random_state=0,
        )

    report: dict[str, dict[str, float]] = {}
    bias: dict[str, float] = {}
    thresholds: dict[str, float] = {}
    weights: dict[str, list[tuple[int, float]]] = {}
    for label_index, label in enumerate(MODEL_LABELS):
        if on_label is not None:
            on_label(label)
        rows = [e for e in data if label in READINGS_BY_SPEAKER[e.speaker]]
        y = np.array([label in e.gold for e in rows], dtype=int)
        if y.sum() < 2 or y.sum() == len(y):
            bias[label], thresholds[label] = -20.0, 1.0  # nothing to learn from: never fires
            continue
        x = matrix(rows)
        groups = np.array([e.group for e in rows])
        out_of_fold = np.zeros(len(rows))
        folds = min(FOLDS, len(set(groups.tolist())))
        if folds < 2:  # too few conversations to hold any out: keep the default threshold
            out_of_fold[:] = 0.5
        splits = GroupKFold(n_splits=folds).split(x, y, groups) if folds >= 2 else []
        for fit_rows, held_out in splits:
            if len(set(y[fit_rows].tolist())) < 2:
                continue  # a fold with one class only teaches nothing
            fold_model = model().fit(x[fit_rows], y[fit_rows])
            out_of_fold[held_out] = fold_model.predict_proba(x[held_out])[:, 1]
        thresholds[label] = choose_threshold(out_of_fold, y, PROTECTED.get(label))
        report[label] = held_out_scores(out_of_fold, y, thresholds[label])
        fitted = model().fit(x, y)
        bias[label] = round(float(fitted.intercept_[0]), 4)
        for col, weight in zip(
            np.nonzero(fitted.coef_[0])[0],
            fitted.coef_[0][np.nonzero(fitted.coef_[0])[0]],
            strict=True,
        ):
            if abs(weight) >= WEIGHT_FLOOR:
                weights.setdefault(vocabulary[col], []).append(
                    (label_index, round(float(weight), 4))
                )
    document = {
        "labels": list(MODEL_LABELS),
        "bias": bias,
        "thresholds": thresholds,
        "weights": {name: [list(p) for p in pairs] for name, pairs in sorted(weights.items())},
    }
    trusted = trusted_cues(data)
    document["trusted_cues"] = trusted
    digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:12]
    trained = LabelModel(f"labels-{digest}", MODEL_LABELS, bias, thresholds, weights, trusted)
    trained.training = {"examples": len(data), "held_out": report}
    return trained


def trusted_cues(data: Sequence[Example]) -> list[str]:
    """The cues right often enough in training to decide alone: a label ("deflects": any
    of its cues) or one pattern of a label ("deflects:3").

    A precise cue that fires rarely gets little weight in a model fitted on many
    examples; trusting it directly keeps a blatant "that's on you" from being missed.
    """
    hits: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for example in data:
        for name in example.features:
            if name.startswith("cue:"):
                key = name[4:]  # "deflects" or "deflects:3"
                hits[key] += 1
                right[key] += key.split(":")[0] in example.gold
    return sorted(
        label
        for label, count in hits.items()
        if right[label] >= TRUSTED_CUE_MIN_HITS and right[label] / count >= TRUSTED_CUE_PRECISION
    )


def held_out_scores(scores: Any, truth: Any, threshold: float) -> dict[str, float]:
    """Precision, recall and F1 of out-of-fold scores at `threshold`, with the positives."""
    predicted = scores >= threshold
    tp = int((predicted & (truth == 1)).sum())
    fp = int((predicted & (truth == 0)).sum())
    positives = int(truth.sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / positives if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "positives": positives,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def choose_threshold(scores: Any, truth: Any, precision_floor: float | None) -> float:
    """The threshold with the best F1 on held-out scores; for a protected label, the best F1
    among thresholds whose precision reaches the floor (else the most precise one)."""
    import numpy as np

    best_threshold, best_f1 = 0.5, -1.0
    fallback, fallback_precision = 0.95, -1.0
    positives = int(truth.sum())
    for threshold in np.round(np.arange(0.2, 0.96, 0.025), 3):
        predicted = scores >= threshold
        tp = int((predicted & (truth == 1)).sum())
        fp = int((predicted & (truth == 0)).sum())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / positives if positives else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if precision_floor is not None and precision < precision_floor:
            if precision > fallback_precision:
                fallback, fallback_precision = float(threshold), precision
            continue
        if f1 > best_f1:
            best_threshold, best_f1 = float(threshold), f1
    if precision_floor is not None and best_f1 < 0:
        return fallback
    return best_threshold
