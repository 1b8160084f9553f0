"""The audit's entry points: one conversation, or many, in; results out."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from keepword.audit.components.classifier import LinearClassifier
from keepword.audit.components.cues import PhraseCues
from keepword.audit.components.decide import ThresholdDecision
from keepword.audit.components.findings import ConversationFindings
from keepword.audit.components.language import LanguageCheck
from keepword.audit.document import AuditDocument
from keepword.audit.model import LabelModel, load_model
from keepword.audit.pipeline import Component, Pipeline
from keepword.audit.results import AuditResult
from keepword.domain.conversations import Conversation

CUES_ONLY = "cues-only"


class Auditor:
    """A pipeline built once (model loaded, patterns compiled) and applied to many conversations."""

    def __init__(self, model: LabelModel | None) -> None:
        components: list[Component] = [LanguageCheck(), PhraseCues()]
        if model is not None:
            components.append(LinearClassifier(model))
        else:
            components.append(_NoModel())
        components += [
            ThresholdDecision(
                model.thresholds if model else None,
                model.trusted_cues if model else frozenset(),
            ),
            ConversationFindings(),
        ]
        self.pipeline = Pipeline(components)
        self.model_version = model.version if model else CUES_ONLY

    def audit(self, conversation: Conversation) -> AuditResult:
        """Label the turns of one conversation and find what shows across them."""
        document = self.pipeline.run(AuditDocument(conversation))
        return AuditResult(
            conversation_id=conversation.external_id,
            labels=tuple(document.labels),
            findings=tuple(document.findings),
            unsupported=tuple(document.unsupported),
            model_version=self.model_version,
        )

    def audit_many(self, conversations: Iterable[Conversation]) -> list[AuditResult]:
        """Audit several conversations, in order; safe to call from any process or worker."""
        return [self.audit(conversation) for conversation in conversations]


class _NoModel:
    """Stands in for the classifier when no model is trained: no scores."""

    name = "classifier"
    requires = frozenset({"texts"})
    assigns = frozenset({"model_scores"})

    def __call__(self, document: AuditDocument) -> None:
        return None


@cache
def default_auditor(model_path: Path | None = None) -> Auditor:
    """The auditor with the model shipped in the package (or the one at `model_path`)."""
    return Auditor(load_model(model_path))


def audit(conversation: Conversation) -> AuditResult:
    """Audit one conversation with the shipped model."""
    return default_auditor().audit(conversation)


def audit_many(conversations: Iterable[Conversation]) -> list[AuditResult]:
    """Audit conversations in order with the shipped model; what batch workers call."""
    return default_auditor().audit_many(conversations)
