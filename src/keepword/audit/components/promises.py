"""Finds the promises of the turns decided to make one: their kind, due and words.

A turn the model (or a trusted cue) reads as promising is cut into sentences;
the sentences that hold a promise cue and no look-alike (an offer, a hope, a
commitment that waits on the customer) are its promises, one per kind, each
resolved to a due instant in the customer's calendar (keepword.audit.timeexpr).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from keepword.audit.cue_patterns import CUES, VETOES
from keepword.audit.document import AuditDocument
from keepword.audit.labels import PROMISE
from keepword.audit.results import Promise
from keepword.audit.timeexpr import BusinessCalendar, Due, resolve_due

# A sentence ends at ., ! or ? before white space, or at a line break: "t.co/x" and
# "10.30" stay whole. Within a sentence a promise ends where another begins: at a
# semicolon, or at "and"/"but"/"then" before a new subject that will do something ("...
# by tomorrow afternoon, and I'll call you tomorrow evening").
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
_CLAUSE_BREAK = re.compile(
    r";\s*|,?\s+(?:and|but|then|plus|while)\s+(?=(?:i|we|you|they|he|she|it|our|your|the|a|an|"
    r"this|that)\b[^,.;:]{0,40}?(?:\bwill\b|'ll\b|\bshould\b|\bshall\b|\bis going to\b|"
    r"\bare going to\b|\bgets?\b|\barrives?\b))",
    re.IGNORECASE,
)
_PROMISE = re.compile("|".join(f"(?:{c.pattern})" for c in CUES if c.label == PROMISE), re.I)
_NOT_A_PROMISE = re.compile("|".join(f"(?:{p})" for p in VETOES[PROMISE]), re.I)
# In a turn that promises, a clause that speaks of the future and names a time is one of
# its promises even in words no cue knows ("our courier will have it at your hotel by 1pm",
# "the new card arrives in 7 to 10 days").
_FUTURE = re.compile(
    r"\b(?:will|shall|going to|should|gonna|due|scheduled|booked|expected|planned|arrives?|"
    r"pays? out|goes out|takes?|within|expect)\b|'ll\b",
    re.IGNORECASE,
)

# The kind of a promise by the words of its sentence, first match wins: a refund promised
# by an engineer is still a refund, a replacement shipped is still a repair.
KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        (
            "refund",
            r"\b(?:refund|reimburs|credit(?:ed)?\b|money back|revers|waiv|compensat|chargeback)",
        ),
        (
            "activation",
            r"\b(?:activat|go(?:es)? live|be live|installed|installation|install\b|set up\b|"
            r"enabled?\b|switch(?:ed)? on|connected\b|connection date|port(?:ed|ing)? over)",
        ),
        (
            "repair",
            r"\b(?:fix|repair|replac|engineer|technician|resolv|restor|investigat|look(?:ing)? "
            r"into|troubleshoot|patch|working again|back (?:up|online)|fault)",
        ),
        (
            "delivery",
            r"\b(?:deliver|ship|dispatch|arriv|courier|parcel|package|collect|pick(?:ed)? ?up|"
            r"ready for|in the (?:mail|post)|tracking)",
        ),
        (
            "callback",
            r"\b(?:call (?:you|u)|ring you|phone you|contact (?:you|u)|reach out|get back to|be in "
            r"touch|reply|respond|dm (?:you|u)|message (?:you|u)|follow up with|hear from|"
            r"call ?back)",
        ),
        (
            "update",
            r"\b(?:update|let (?:you|u) know|keep (?:you|u) (?:posted|informed)|inform|notif|"
            r"confirm|e-?mail (?:you|u)|text (?:you|u)|send (?:you|u)|status)",
        ),
    )
)


def kind_of(sentence: str) -> str:
    """The kind of the promise a sentence makes (promises.md), `other` when no word says."""
    for kind, pattern in KINDS:
        if pattern.search(sentence):
            return kind
    return "other"


def _split(text: str, pattern: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
    found = []
    for match in pattern.finditer(text, start, end):
        found.append((start, match.start()))
        start = match.end()
    found.append((start, end))
    return [(a, b) for a, b in found if text[a:b].strip()]


def sentences(text: str) -> list[tuple[int, int]]:
    """The spans of the sentences of a turn, white space trimmed, empty ones left out."""
    return _split(text, _SENTENCE_BREAK, 0, len(text))


def clauses(text: str) -> list[tuple[int, int]]:
    """The spans of the clauses of a turn: its sentences, each cut where a second promise
    begins ("..., and I'll call you at 6")."""
    return [c for a, b in sentences(text) for c in _split(text, _CLAUSE_BREAK, a, b)]


@dataclass
class _Found:
    kind: str
    span: tuple[int, int]
    due: Due | None


class PromiseFinder:
    """Turns the turns decided as promising into promises with a kind and a due."""

    name = "promises"
    requires = frozenset({"texts", "promising", "calendar"})
    assigns = frozenset({"promises"})

    def __call__(self, document: AuditDocument) -> None:
        turns = document.conversation.turns
        for index, evidence in sorted(document.promising.items()):
            self._find(document, index, evidence.span[0], turns[index].at)

    def _find(self, document: AuditDocument, index: int, pointed: int, said_at: datetime) -> None:
        text = document.texts[index]
        spans = clauses(text)
        # Each clause's due, resolved once: it decides both whether a clause promises and when.
        dues = {span: _due_of(text, span, said_at, document.calendar) for span in spans}
        promising = [
            span
            for span in spans
            if _NOT_A_PROMISE.search(text, span[0], span[1]) is None
            and (
                _PROMISE.search(text, span[0], span[1]) is not None
                or (_FUTURE.search(text, span[0], span[1]) is not None and _at(dues[span]))
            )
        ]
        if not promising:
            # The model read a promise no cue names: its words are the clause it pointed at.
            promising = [next((s for s in spans if s[0] <= pointed < s[1]), spans[0])]
        found: list[_Found] = []
        for span in promising:
            kind = kind_of(text[span[0] : span[1]])
            due = dues[span]
            # One promise per kind and due: the same thing said twice in a turn is one.
            if not any(f.kind == kind and _at(f.due) == _at(due) for f in found):
                found.append(_Found(kind, span, due))
        if all(_at(f.due) is None for f in found):
            # "I've escalated it. Expect a call within 24 hours": the time may sit in a
            # clause of its own; it belongs to the turn's first promise.
            elsewhere = next(
                (
                    dues[span]
                    for span in spans
                    if span not in promising
                    and _at(dues[span]) is not None
                    and _NOT_A_PROMISE.search(text, span[0], span[1]) is None
                ),
                None,
            )
            if elsewhere is not None:
                found[0].due = elsewhere
        # A promise with no time beside one of the same kind with a time is the same one.
        timed = {f.kind for f in found if _at(f.due) is not None}
        for promise in found:
            if _at(promise.due) is None and promise.kind in timed:
                continue
            document.promises.append(_promise(index, text, promise))


def _due_of(
    text: str, span: tuple[int, int], said_at: datetime, calendar: BusinessCalendar
) -> Due | None:
    """The due a clause names, its span within the whole turn."""
    due = resolve_due(text[span[0] : span[1]], said_at, calendar)
    return None if due is None else _shifted(due, span[0])


def _at(due: Due | None) -> datetime | None:
    return due.at if due is not None else None


def _shifted(due: Due, offset: int) -> Due:
    return Due(due.at, due.granularity, (due.span[0] + offset, due.span[1] + offset), due.rule)


def _promise(turn: int, text: str, found: _Found) -> Promise:
    due = found.due
    return Promise(
        turn=turn,
        kind=found.kind,
        due=due.at if due is not None else None,
        granularity=due.granularity if due is not None else None,
        text=text[found.span[0] : found.span[1]].strip(),
        span=found.span,
    )
