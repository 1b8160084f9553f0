"""The learned model's scores for every label a turn's speaker may carry."""

from __future__ import annotations

from keepword.audit.document import AuditDocument, Evidence
from keepword.audit.features import WHOLE_TURN, TurnFeatures, contexts, turn_features
from keepword.audit.labels import LABELS_BY_SPEAKER
from keepword.audit.model import LabelModel
from keepword.domain.conversations import Speaker


class LinearClassifier:
    """Scores each readable turn with the label model; the decision comes later."""

    name = "classifier"
    requires = frozenset({"texts", "speakers", "supported", "cues", "vetoes"})
    assigns = frozenset({"model_scores"})

    def __init__(self, model: LabelModel) -> None:
        self.model = model

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
        for (index, features), row in zip(scored, probabilities, strict=True):
            evidence = {}
            for label in LABELS_BY_SPEAKER[speakers[index]]:
                probability = float(row[model.index[label]])
                # Only a label that can be kept needs its evidence found.
                kept = probability >= model.thresholds.get(label, 0.5)
                span = model.evidence(features, label) if kept else WHOLE_TURN
                evidence[label] = Evidence(label, probability, span)
            document.model_scores[index] = evidence
