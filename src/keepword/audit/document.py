"""The document the audit pipeline passes from component to component.

Components read what earlier ones added and add their own; the document keeps
findings apart from any storage, so the audit stays pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final
from zoneinfo import ZoneInfo

from keepword.audit.results import Finding, Promise, TurnLabel, UnsupportedTurn
from keepword.audit.timeexpr import BusinessCalendar
from keepword.audit.tokens import tokens
from keepword.domain.conversations import Conversation, Speaker

DEFAULT_CALENDAR: Final = BusinessCalendar(ZoneInfo("UTC"), None)


@dataclass(frozen=True)
class Evidence:
    """A component's vote for a label on a turn: a score in [0, 1] and the words behind it."""

    label: str
    score: float
    span: tuple[int, int]
    # Which of the label's phrase cues matched (None: the evidence is not a cue).
    pattern: int | None = None


@dataclass
class AuditDocument:
    """One conversation being audited, with what each component has found so far."""

    conversation: Conversation
    # The customer's calendar (time zone, country's holidays, end of business): promises fall
    # due in it. The default is UTC with no holidays.
    calendar: BusinessCalendar = field(default_factory=lambda: DEFAULT_CALENDAR)
    # Which turns are read at all (False: e.g. not English); set by the language component.
    supported: list[bool] = field(default_factory=list)
    unsupported: list[UnsupportedTurn] = field(default_factory=list)
    # Per turn, the evidence each source found: precise cues and the learned model.
    cues: list[list[Evidence]] = field(default_factory=list)
    # Labels whose look-alike wording was found ("DM us" for deflects): a hint against them.
    vetoes: list[set[str]] = field(default_factory=list)
    model_scores: list[dict[str, Evidence]] = field(default_factory=list)
    labels: list[TurnLabel] = field(default_factory=list)
    # Turns decided to make a promise, with the words that show it; the promise finder reads them.
    promising: dict[int, Evidence] = field(default_factory=dict)
    promises: list[Promise] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # The words, speaker and tokens of each turn, taken once: components index them in loops.
    texts: list[str] = field(init=False)
    speakers: list[Speaker] = field(init=False)
    tokens: list[list[str]] = field(init=False)

    def __post_init__(self) -> None:
        turns = self.conversation.turns
        count = len(turns)
        self.texts = [turn.text for turn in turns]
        self.speakers = [turn.speaker for turn in turns]
        self.tokens = [tokens(text) for text in self.texts]
        self.supported = [True] * count
        self.cues = [[] for _ in range(count)]
        self.vetoes = [set() for _ in range(count)]
        self.model_scores = [{} for _ in range(count)]

    def has_label(self, turn: int, label: str) -> bool:
        """True when the decided labels put `label` on `turn`."""
        return any(found.turn == turn and found.label == label for found in self.labels)

    def turns_with(self, label: str) -> list[int]:
        """The turns that carry `label`, in order."""
        return sorted({found.turn for found in self.labels if found.label == label})
