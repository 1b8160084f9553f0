"""The learned model's scores: each label a turn's speaker may carry that reaches its threshold."""

from __future__ import annotations

import numpy as np

from keepword.audit.document import AuditDocument, Evidence
from keepword.audit.features import TurnFeatures, contexts, turn_features
from keepword.audit.labels import LABELS_BY_SPEAKER
from keepword.audit.model import LabelModel
from keepword.domain.conversations import Speaker


class LinearClassifier:
    """Scores each readable turn with the label model and keeps what reaches its threshold."""

    name = "classifier"
    requires = frozenset({"texts", "speakers", "supported", "cues", "vetoes"})
    assigns = frozenset({"model_scores"})

    def __init__(self, model: LabelModel) -> None:
        self.model = model
        self._thresholds = np.array([model.thresholds.get(label, 0.5) for label in model.labels])
        self._allowed = {
            speaker: np.array([label in LABELS_BY_SPEAKER[speaker] for label in model.labels])
            for speaker in Speaker
        }

    def __call__(self, document: AuditDocument) -> None:
        texts, speakers = document.texts, document.speakers
        scored: list[tuple[int, TurnFeatures]] = []
        for index, context in enumerate(contexts(texts, speakers, document.cues)):
            text, speaker = texts[index], speakers[index]
            if not document.supported[index] or not text.strip() or speaker is Speaker.SYSTEM:
                continue
            features = turn_features(
                text, speaker, document.cues[index], context, document.vetoes[index]
            )
            scored.append((index, features))
        if not scored:
            return
        model = self.model
        probabilities = model.probabilities([features for _, features in scored])
        allowed = np.array([self._allowed[speakers[index]] for index, _ in scored])
        # Only labels that reach their threshold are kept, so only they need evidence.
        kept = (probabilities >= self._thresholds) & allowed
        for row, column in zip(*np.nonzero(kept), strict=True):
            index, features = scored[row]
            label = model.labels[column]
            document.model_scores[index][label] = Evidence(
                label, float(probabilities[row, column]), model.evidence(features, label)
            )
