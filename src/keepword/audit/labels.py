"""The labels of shared/design/taxonomy.md, grouped, and who may carry them."""

from __future__ import annotations

from typing import Final

from keepword.domain.conversations import Speaker

AGENT_BREAKING: Final = (
    "blames_customer",
    "deflects",
    "dismisses_report",
    "obstructs_cancellation",
    "shifts_cost",
    "inconveniences",
    "rude",
)
AGENT_BUILDING: Final = (
    "owns",
    "apologizes",
    "empathizes",
    "informs_proactively",
    "confirms_resolution",
)
CUSTOMER_SIGNALS: Final = (
    "reports_fault",
    "wants_to_cancel",
    "chases",
    "threatens_churn",
    "frustrated",
)
LABELS: Final = AGENT_BREAKING + AGENT_BUILDING + CUSTOMER_SIGNALS

FINDINGS: Final = ("cancellation_obstructed", "fault_dismissed", "customer_chased", "left_unowned")

LABELS_BY_SPEAKER: dict[Speaker, tuple[str, ...]] = {
    Speaker.AGENT: AGENT_BREAKING + AGENT_BUILDING,
    Speaker.CUSTOMER: CUSTOMER_SIGNALS,
    Speaker.SYSTEM: (),
}

# Not a label of taxonomy.md: the model's reading of "this turn makes a promise"
# (shared/design/promises.md), learned and cued like the labels, and reported as promises.
PROMISE: Final = "promise"
MODEL_LABELS: Final = (*LABELS, PROMISE)
# What the model and the cues may find on a turn of each speaker: a system's message
# ("your engineer arrives between 8 and 12") promises too, though it behaves as no one.
READINGS_BY_SPEAKER: dict[Speaker, tuple[str, ...]] = {
    Speaker.AGENT: (*LABELS_BY_SPEAKER[Speaker.AGENT], PROMISE),
    Speaker.CUSTOMER: LABELS_BY_SPEAKER[Speaker.CUSTOMER],
    Speaker.SYSTEM: (PROMISE,),
}


def is_breaking(label: str) -> bool:
    """True for an agent behaviour that breaks trust."""
    return label in AGENT_BREAKING


def may_carry(speaker: Speaker, label: str) -> bool:
    """True when a turn of `speaker` can carry `label` (agents behave, customers signal)."""
    return label in LABELS_BY_SPEAKER[speaker]
