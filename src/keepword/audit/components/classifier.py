"""The learned model's scores: each label a turn's speaker may carry that reaches its threshold."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from keepword.audit.document import AuditDocument, Evidence
from keepword.audit.features import TurnInput, contexts, turn_input
from keepword.audit.labels import READINGS_BY_SPEAKER
from keepword.audit.model import LabelModel
from keepword.domain.conversations import Speaker


class LinearClassifier:
    """Scores each readable turn with the label model and keeps what reaches its threshold.

    Over many documents, every turn of all of them is scored in one matrix
    operation: the fixed cost of numpy is paid once a batch, not once a turn.
    """

    name = "classifier"
    requires = frozenset({"texts", "tokens", "speakers", "supported", "cues", "vetoes"})
    assigns = frozenset({"model_scores"})

    def __init__(self, model: LabelModel) -> None:
        self.model = model
        self._thresholds = np.array([model.thresholds.get(label, 0.5) for label in model.labels])
        self._allowed = {
            speaker: np.array([label in READINGS_BY_SPEAKER[speaker] for label in model.labels])
            for speaker in Speaker
        }

    def __call__(self, document: AuditDocument) -> None:
        self.batch([document])

    def batch(self, documents: Sequence[AuditDocument]) -> None:
        """Score every readable turn of `documents` at once and keep what reaches a threshold."""
        model = self.model
        where: list[tuple[AuditDocument, int]] = []
        inputs: list[TurnInput] = []
        for document in documents:
            texts, speakers, toks = document.texts, document.speakers, document.tokens
            for index, context in enumerate(contexts(texts, speakers, document.cues)):
                speaker = speakers[index]
                if not toks[index] or not document.supported[index]:
                    continue
                inputs.append(
                    turn_input(
                        texts[index],
                        toks[index],
                        speaker,
                        document.cues[index],
                        context,
                        document.vetoes[index],
                    )
                )
                where.append((document, index))
        if not inputs:
            return
        batch = model.score(inputs)
        probabilities = batch.probabilities
        allowed = np.array([self._allowed[doc.speakers[index]] for doc, index in where])
        # Only labels that reach their threshold are kept, so only they need evidence.
        kept = (probabilities >= self._thresholds) & allowed
        for row, column in zip(*np.nonzero(kept), strict=True):
            document, index = where[row]
            label = model.labels[column]
            # A label a cue found takes the cue's words as evidence; no need to look further.
            cue = next((e for e in document.cues[index] if e.label == label), None)
            span = cue.span if cue is not None else model.evidence(batch, int(row), label)
            document.model_scores[index][label] = Evidence(
                label, float(probabilities[row, column]), span
            )
