"""The audit's entry points: one conversation, or many, in; results out."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Final

from keepword.audit.components.classifier import LinearClassifier
from keepword.audit.components.cues import PhraseCues
from keepword.audit.components.decide import ThresholdDecision
from keepword.audit.components.findings import ConversationFindings
from keepword.audit.components.language import LanguageCheck
from keepword.audit.components.promises import PromiseFinder
from keepword.audit.document import DEFAULT_CALENDAR, AuditDocument
from keepword.audit.model import LabelModel, load_model
from keepword.audit.pipeline import Component, Pipeline
from keepword.audit.results import AuditResult
from keepword.audit.timeexpr import BusinessCalendar
from keepword.domain.conversations import Conversation

CUES_ONLY: Final = "cues-only"


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
            PromiseFinder(),
            ConversationFindings(),
        ]
        self.pipeline = Pipeline(components)
        self.model_version = model.version if model else CUES_ONLY

    def audit(
        self, conversation: Conversation, calendar: BusinessCalendar | None = None
    ) -> AuditResult:
        """Label the turns of one conversation, find its promises (due in the customer's
        `calendar`, by default UTC) and what shows across its turns."""
        return self.audit_many([conversation], [calendar])[0]

    def audit_many(
        self,
        conversations: Iterable[Conversation],
        calendars: Iterable[BusinessCalendar | None] | None = None,
    ) -> list[AuditResult]:
        """Audit several conversations, in order, each in its calendar (`calendars` runs
        beside `conversations`; None: UTC); safe to call from any process or worker.

        The same results as auditing each alone, faster: the model scores the
        turns of all of them at once.
        """
        items = list(conversations)
        chosen = list(calendars) if calendars is not None else [None] * len(items)
        if len(chosen) != len(items):
            raise ValueError(f"{len(items)} conversations but {len(chosen)} calendars")
        documents = [
            AuditDocument(conversation, calendar or DEFAULT_CALENDAR)
            for conversation, calendar in zip(items, chosen, strict=True)
        ]
        return [self._result(document) for document in self.pipeline.run_all(documents)]

    def _result(self, document: AuditDocument) -> AuditResult:
        return AuditResult(
            conversation_id=document.conversation.external_id,
            labels=tuple(document.labels),
            findings=tuple(document.findings),
            unsupported=tuple(document.unsupported),
            model_version=self.model_version,
            promises=tuple(document.promises),
        )


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


def audit(conversation: Conversation, calendar: BusinessCalendar | None = None) -> AuditResult:
    """Audit one conversation with the shipped model, its promises due in `calendar`."""
    return default_auditor().audit(conversation, calendar)


def audit_many(
    conversations: Iterable[Conversation],
    calendars: Iterable[BusinessCalendar | None] | None = None,
) -> list[AuditResult]:
    """Audit conversations in order with the shipped model; what batch workers call."""
    return default_auditor().audit_many(conversations, calendars)
