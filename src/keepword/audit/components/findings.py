"""Conversation-level findings (taxonomy.md): failures that show only across turns."""

from __future__ import annotations

import re
from typing import Final

from keepword.audit.document import AuditDocument
from keepword.audit.results import Finding
from keepword.domain.conversations import Speaker

_CANCELLED: Final = re.compile(
    r"\b(?:i'?ve|i have|we'?ve|we have|has been|have been|is now|is|are now|was)\s+"
    r"(?:now\s+|successfully\s+)?(?:cancell?ed|closed|terminated)\b|\bcancell?ation (?:is |has "
    r"been )?(?:confirmed|processed|complete)",
    re.IGNORECASE,
)
_INVESTIGATES: Final = re.compile(
    r"\b(?:let me|i'?ll|i will|we'?ll|we will|i'?m going to)\s+(?:\w+\s+)?(?:check|look into|"
    r"investigate|test|run|escalate|send an? (?:engineer|technician))|\b(?:i'?ve|i have|we'?ve)\s+"
    r"(?:run|checked|tested|escalated|raised|booked)\b",
    re.IGNORECASE,
)


class ConversationFindings:
    """Adds cancellation_obstructed, fault_dismissed, customer_chased and left_unowned."""

    name = "findings"
    requires = frozenset({"labels", "texts", "speakers"})
    assigns = frozenset({"findings"})

    def __call__(self, document: AuditDocument) -> None:
        checks = (
            self._cancellation_obstructed,
            self._fault_dismissed,
            self._customer_chased,
            self._left_unowned,
        )
        for check in checks:
            finding = check(document)
            if finding is not None:
                document.findings.append(finding)

    @staticmethod
    def _agent_turns(document: AuditDocument) -> list[int]:
        return [i for i, s in enumerate(document.speakers) if s is Speaker.AGENT]

    def _cancellation_obstructed(self, document: AuditDocument) -> Finding | None:
        asked = document.turns_with("wants_to_cancel")
        if len(asked) < 2:
            return None
        # Obstruction needs someone to obstruct: an agent who answered after the first request.
        agents = [i for i in self._agent_turns(document) if i > asked[0]]
        if not agents or any(_CANCELLED.search(document.texts[i]) for i in agents):
            return None
        obstructing = document.turns_with("obstructs_cancellation")
        return Finding("cancellation_obstructed", tuple(sorted({*asked, *obstructing})))

    def _fault_dismissed(self, document: AuditDocument) -> Finding | None:
        reports = document.turns_with("reports_fault")
        dismissals = sorted(
            {*document.turns_with("dismisses_report"), *document.turns_with("blames_customer")}
        )
        for dismissal in dismissals:
            earlier = [r for r in reports if r < dismissal]
            if not earlier:
                continue
            later_agents = [i for i in self._agent_turns(document) if i > dismissal]
            if any(_INVESTIGATES.search(document.texts[i]) for i in later_agents):
                continue
            return Finding("fault_dismissed", (earlier[-1], dismissal))
        return None

    @staticmethod
    def _customer_chased(document: AuditDocument) -> Finding | None:
        chases = document.turns_with("chases")
        return Finding("customer_chased", tuple(chases)) if chases else None

    def _left_unowned(self, document: AuditDocument) -> Finding | None:
        agents = self._agent_turns(document)
        if not agents or not document.has_label(agents[-1], "deflects"):
            return None
        if document.turns_with("owns"):
            return None
        return Finding("left_unowned", (agents[-1],))
