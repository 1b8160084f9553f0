"""The learned model's scores for every label a turn's speaker may carry."""

from __future__ import annotations

from keepword.audit.document import AuditDocument, Evidence
from keepword.audit.features import context_of, turn_features
from keepword.audit.labels import LABELS_BY_SPEAKER
from keepword.audit.model import LabelModel


class LinearClassifier:
    """Scores each readable turn with the label model; the decision comes later."""

    name = "classifier"
    requires = frozenset({"texts", "speakers", "supported", "cues"})
    assigns = frozenset({"model_scores"})

    def __init__(self, model: LabelModel) -> None:
        self.model = model

    def __call__(self, document: AuditDocument) -> None:
        texts, speakers = document.texts, document.speakers
        for index, text in enumerate(texts):
            if not document.supported[index] or not text.strip():
                continue
            context = context_of(index, texts, speakers, document.cues)
            features = turn_features(text, speakers[index], document.cues[index], context)
            document.model_scores[index] = {
                scored.label: Evidence(scored.label, scored.probability, scored.span)
                for scored in self.model.score(features, LABELS_BY_SPEAKER[speakers[index]])
            }
