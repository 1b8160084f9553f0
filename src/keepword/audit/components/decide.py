"""Turns evidence into labels: the model's probability against each label's threshold.

Without a trained model the precise cues decide alone. Either way the evidence
span is the cue's words when a cue fired, else the sentence around the words
that pushed the model most.
"""

from __future__ import annotations

from keepword.audit.document import AuditDocument, Evidence
from keepword.audit.features import SENTENCE_END
from keepword.audit.labels import PROMISE
from keepword.audit.results import TurnLabel


def sentence_around(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The span of the sentence holding `span` (the whole turn, trimmed, when span is (0, 0))."""
    if span == (0, 0):
        start = len(text) - len(text.lstrip())
        return (start, len(text.rstrip()))
    start = 0
    for match in SENTENCE_END.finditer(text, 0, span[0]):
        start = match.end()
    end_match = SENTENCE_END.search(text, span[1])
    end = end_match.start() + len(end_match.group().rstrip()) if end_match else len(text)
    return (start, max(end, span[1]))


class ThresholdDecision:
    """Keeps a label when its score reaches the label's threshold, or when a trusted cue
    (a label's cues, or one pattern of them, right at least 90% of the time in training)
    fired and nothing vetoed it."""

    name = "decide"
    requires = frozenset({"texts", "supported", "cues", "vetoes", "model_scores"})
    assigns = frozenset({"labels", "promising"})

    def __init__(
        self, thresholds: dict[str, float] | None, trusted_cues: frozenset[str] = frozenset()
    ) -> None:
        # None: no trained model; a cue alone decides, at its own strength.
        self.thresholds = thresholds
        self.trusted_cues = trusted_cues

    def __call__(self, document: AuditDocument) -> None:
        for index, text in enumerate(document.texts):
            if not document.supported[index]:
                continue
            cues = {e.label: e for e in document.cues[index]}
            candidates = self._candidates(
                cues, document.model_scores[index], document.vetoes[index]
            )
            for label, evidence in candidates.items():
                span = cues[label].span if label in cues else sentence_around(text, evidence.span)
                if label == PROMISE:  # a reading for the promise finder, not a label of the turn
                    document.promising[index] = Evidence(label, evidence.score, span)
                else:
                    document.labels.append(TurnLabel(index, label, evidence.score, span))

    def _candidates(
        self, cues: dict[str, Evidence], scores: dict[str, Evidence], vetoes: set[str]
    ) -> dict[str, Evidence]:
        if self.thresholds is None:
            return cues
        kept = {
            label: evidence
            for label, evidence in scores.items()
            if evidence.score >= self.thresholds.get(label, 0.5)
        }
        for label, evidence in cues.items():
            if label in kept or label in vetoes:
                continue
            # A label's cues may be trusted as a whole, or one precise pattern of them.
            if label in self.trusted_cues or f"{label}:{evidence.pattern}" in self.trusted_cues:
                kept[label] = evidence
        return kept
