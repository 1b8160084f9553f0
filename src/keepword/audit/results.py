"""What an audit finds: labels on turns with evidence, conversation findings, and its output record.

The record is the line format of shared/formats/audit.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class TurnLabel:
    """A label on one turn: how sure (0-1) and the characters of the turn that show it."""

    turn: int
    label: str
    score: float
    span: tuple[int, int]


@dataclass(frozen=True)
class Finding:
    """A failure that shows only across turns, with the turns that prove it."""

    label: str
    turns: tuple[int, ...]


@dataclass(frozen=True)
class Promise:
    """A promise a turn made (shared/design/promises.md): what kind, when it falls due, and
    the words that made it. `due` is None when the words give no time."""

    turn: int
    kind: str
    due: datetime | None
    granularity: str | None
    text: str
    span: tuple[int, int]

    def to_record(self) -> dict[str, Any]:
        """This promise as it appears in an audit line (shared/formats/audit.md)."""
        return {
            "turn": self.turn,
            "kind": self.kind,
            "due": self.due.isoformat() if self.due is not None else None,
            "granularity": self.granularity,
            "text": self.text,
            "span": list(self.span),
        }


@dataclass(frozen=True)
class UnsupportedTurn:
    """A turn the audit did not read, and why (e.g. not English)."""

    turn: int
    reason: str


@dataclass(frozen=True)
class AuditResult:
    """Everything one audit found in one conversation."""

    conversation_id: str
    labels: tuple[TurnLabel, ...] = ()
    findings: tuple[Finding, ...] = ()
    unsupported: tuple[UnsupportedTurn, ...] = ()
    model_version: str = ""
    promises: tuple[Promise, ...] = ()

    def labels_of(self, turn: int) -> list[str]:
        """The labels found on one turn, in the order they were found."""
        return [found.label for found in self.labels if found.turn == turn]

    def to_record(self) -> dict[str, Any]:
        """This result as a line of shared/formats/audit.md."""
        turns: dict[str, list[dict[str, Any]]] = {}
        for found in sorted(self.labels, key=lambda f: (f.turn, f.label)):
            turns.setdefault(str(found.turn), []).append(
                {"label": found.label, "score": round(found.score, 4), "span": list(found.span)}
            )
        record: dict[str, Any] = {
            "id": self.conversation_id,
            "turns": turns,
            "promises": [promise.to_record() for promise in self.promises],
            "findings": [{"label": f.label, "turns": list(f.turns)} for f in self.findings],
        }
        if self.unsupported:
            record["unsupported"] = [{"turn": u.turn, "reason": u.reason} for u in self.unsupported]
        if self.model_version:
            record["model"] = self.model_version
        return record
