"""Finds the promises of the turns decided to make one: their kind, due and words.

A turn the model (or a trusted cue) reads as promising is cut into sentences;
the sentences that hold a promise cue and no look-alike (an offer, a hope, a
commitment that waits on the customer) are its promises, one per kind, each
resolved to a due instant in the customer's calendar (keepword.audit.timeexpr).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from keepword.audit.casefold import reads_as_lower
from keepword.audit.cue_patterns import CUES, VETOES
from keepword.audit.document import AuditDocument
from keepword.audit.labels import PROMISE
from keepword.audit.results import Promise
from keepword.audit.timeexpr import BusinessCalendar, Due, resolve_due
from keepword.domain.conversations import Speaker


class _Caseless:
    """A case-insensitive pattern that is searched, where it can be, in the lower-cased
    text as a case-sensitive one: the same matches, several times sooner (with IGNORECASE
    the regex engine cannot skip ahead to the letters a match must start with; the promise
    cues took 7 us a clause, 2.5 us this way). `search` takes the text as `lowered` gives
    it, with whether it is lower-cased."""

    __slots__ = ("any_case", "lower_case")

    def __init__(self, pattern: str) -> None:
        self.any_case = re.compile(pattern, re.IGNORECASE)
        # A pattern with a capital of its own (not in an escape such as \W or \S) can
        # match lower-cased text only case-insensitively.
        unescaped = re.sub(r"\\.", "", pattern)
        plain = unescaped == unescaped.lower()
        self.lower_case = re.compile(pattern) if plain else self.any_case

    def search(
        self, text: str, is_lower: bool, start: int = 0, end: int = 2**62
    ) -> re.Match[str] | None:
        """The first match in text[start:end], as the pattern with IGNORECASE finds it in
        the original text."""
        return (self.lower_case if is_lower else self.any_case).search(text, start, end)

    def finditer(self, text: str, is_lower: bool, start: int, end: int) -> Iterator[re.Match[str]]:
        """Every match in text[start:end], as `search` finds the first."""
        return (self.lower_case if is_lower else self.any_case).finditer(text, start, end)


def lowered(text: str) -> tuple[str, bool]:
    """`text` lower-cased, and True, where a case-sensitive search of it finds what a
    case-insensitive search of `text` finds (`casefold.reads_as_lower`); else `text`
    itself and False."""
    low = text.lower()
    return (low, True) if reads_as_lower(text, low) else (text, False)


# A sentence ends at ., ! or ? before white space, or at a line break: "t.co/x" and
# "10.30" stay whole. Within a sentence a promise ends where another begins: at a
# semicolon, or at "and"/"but"/"then" before a new subject that will do something ("...
# by tomorrow afternoon, and I'll call you tomorrow evening"), or has just done something
# that starts a new promise ("... tomorrow afternoon, and I've booked you a car, which
# will be ready by 6pm"). A short adverbial may stand between "and" and the subject
# ("..., and for the delay we'll credit you").
_SENTENCE_BREAK: Final = re.compile(r"(?<=[.!?])\s+|\n+")
_CLAUSE_BREAK: Final = _Caseless(
    r";\s*|,?\s+(?:and|but|then|plus|while)\s+(?=(?:(?:for|as|in|on|after|with)\s+[^,.;:]{1,30}?"
    r",?\s+)?(?:(?:i|we|you|they|he|she|it|our|your|the|a|an|this|that)\b[^,.;:]{0,50}?"
    r"(?:\bwill\b|'ll\b|\bshould\b|\bshall\b|\bis going to\b|\bare going to\b|\bgets?\b|"
    r"\barrives?\b)|(?:i|we)(?:'ve|\s+have)\s+(?:\w+\s+)?\w+ed\b))"
)
_PROMISE: Final = _Caseless("|".join(f"(?:{c.pattern})" for c in CUES if c.label == PROMISE))
# Beside the vetoes of the cues, a duty in the past is no promise: "you should have been
# helped a week ago", "you shouldn't have had to chase us" (a cue reads "you should ... have").
_NOT_A_PROMISE: Final = _Caseless(
    "|".join(
        [
            *(f"(?:{p})" for p in VETOES[PROMISE]),
            r"\bshould(?:n't|n\u2019t|\s+not|\s+never)?\s+(?:\w+\s+)?have\s+(?:been|had)\b",
        ]
    )
)
# In a turn that promises, a clause that speaks of the future and names a time is one of
# its promises even in words no cue knows ("our courier will have it at your hotel by 1pm",
# "the new card arrives in 7 to 10 days").
# Also the present progressive of an arrangement ("the fix is rolling out in a couple of
# days", "your engineer is coming on Tuesday"), a booking made or confirmed ("your
# appointment is confirmed for Wednesday at 10:30", "I've rebooked you as the first job
# Friday, 8-10am", "I've arranged for it to be shipped before the end of this week") and a
# timeline kept ("the crew is on track for 6 PM").
_FUTURE: Final = _Caseless(
    r"\b(?:will|shall|going to|should|gonna|due|(?:re)?scheduled|(?:re)?booked|expected|planned|"
    r"arranged|reserved|arrives?|pays? out|goes out|takes?|within|expect|confirmed for|set for|"
    r"on (?:track|schedule|course) for)\b|'ll\b"
    r"|(?:\b(?:is|are|am)|(?<=\w)(?:'s|'re|\u2019s|\u2019re))\s+(?:now\s+|currently\s+|already\s+)?"
    # "-ing" words that are no verb of an arrangement: "it's missing", "it's nothing".
    r"(?!(?:\w*thing|missing|pending|outstanding|during|morning|evening|working|interesting|"
    r"amazing|annoying|confusing|frustrating|disappointing|concerning|worrying|willing|boring)\b)"
    r"[a-z]{2,}ing\b"
)
# A promise to do something when an event happens that is not the customer's to bring
# about: "I'll DM you as soon as it's live", "the crew lead will text you when they're on
# the way", "the courier will collect the toaster when they deliver it". It falls due with
# the event, which no clock time dates: it has no due of its own unless it names one.
# "when you ..." waits on the customer and is no promise (the vetoes say so).
_ON_EVENT: Final = _Caseless(
    r"(?:\bwill\b|'ll\b|\u2019ll\b|\bshall\b|\bgoing to\b)[^.;!?]{0,80}?\b(?:as soon as|the "
    r"(?:moment|minute|second|instant)|when|whenever|once)\s+(?!(?:you|u)\b)"
)
# A future passive ("the deposit you paid for the original dates will be refunded", "the
# faulty unit will be replaced"): a promise, with or without a time, when its words name
# the kind of thing promised (`kind_of`); "your details will be kept on file" names none.
_FUTURE_PASSIVE: Final = _Caseless(
    r"(?:\bwill|'ll|\u2019ll|\bshall)\s+(?:now\s+|also\s+|then\s+)?be\s+(?:\w+ly\s+)?"
    r"\w+(?:ed|en|t)\b"
)
# Telling the customer something, in any channel: such a promise is an update ("we'll SMS
# you when they arrive" tells of a delivery; it is not one), or a callback when it is a call.
_NOTIFY: Final = _Caseless(
    r"\b(?:text|sms|e-?mail|message|dm|notify|alert|ping|let (?:you|u) know|tell (?:you|u)|update "
    r"(?:you|u)|post (?:here|an update)|send (?:you|u) (?:a |an )?(?:text|sms|message|e-?mail|"
    r"notification|update|note))\b"
)
_CALL: Final = _Caseless(r"\b(?:call|ring|phone)\s+(?:you|u)\b")
# A message about something sent to the customer is an update, whatever it is about: "I'll
# send you the refund confirmation", "you'll get the tracking code by email", "we'll send a
# reminder the day before" (not a refund, a delivery or a visit).
_MESSAGE_ABOUT: Final = _Caseless(
    r"\b(?:send|e-?mail|text|forward|get|receive)\b[^.;!?]{0,40}?\b(?:confirmation|receipt|"
    r"reminder|notification|tracking (?:code|number|link|details)|reference(?: number)?|"
    r"summary|itinerary|details|link)s?\b"
)

# The kind of a promise by the words of its sentence, first match wins: a refund promised
# by an engineer is still a refund, a replacement shipped is still a repair.
KINDS: tuple[tuple[str, _Caseless], ...] = tuple(
    (kind, _Caseless(pattern))
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
    return _kind_in(*lowered(sentence))


def _kind_in(sentence: str, is_lower: bool) -> str:
    """`kind_of` a sentence as `lowered` gives it."""
    if _MESSAGE_ABOUT.search(sentence, is_lower):
        return "update"
    for kind, pattern in KINDS:
        if pattern.search(sentence, is_lower):
            return kind
    return "other"


def _pieces(
    text: str, breaks: list[tuple[int, int]], start: int, end: int
) -> list[tuple[int, int]]:
    """text[start:end] cut at `breaks` (spans within it, in order), empty pieces left out."""
    found = []
    for at, after in breaks:
        found.append((start, at))
        start = after
    found.append((start, end))
    return [(a, b) for a, b in found if text[a:b].strip()]


def sentences(text: str) -> list[tuple[int, int]]:
    """The spans of the sentences of a turn, white space trimmed, empty ones left out."""
    breaks = [m.span() for m in _SENTENCE_BREAK.finditer(text)]
    return _pieces(text, breaks, 0, len(text))


def clauses(text: str) -> list[tuple[int, int]]:
    """The spans of the clauses of a turn: its sentences, each cut where a second promise
    begins ("..., and I'll call you at 6")."""
    return _clauses(text, *lowered(text))


def _clauses(text: str, subject: str, is_lower: bool) -> list[tuple[int, int]]:
    """`clauses` of `text`, given it as `lowered` gives it too."""
    found = []
    for a, b in sentences(text):
        breaks = [m.span() for m in _CLAUSE_BREAK.finditer(subject, is_lower, a, b)]
        found.extend(_pieces(text, breaks, a, b))
    return found


@dataclass
class _Found:
    kind: str
    span: tuple[int, int]
    due: Due | None
    on_event: bool = False  # falls due with an event: "we'll text you when it ships"


class PromiseFinder:
    """Turns the turns decided as promising into promises with a kind and a due.

    Also an agent turn the model left under its threshold where a promise cue fired and no
    look-alike did: a clause of it that the cue marks and that names a definite time
    ("I'll e-mail you by end of day") is a promise by any reading. Only such clauses are
    taken from it; a cue with no time, or a vague one, is not enough.
    """

    name = "promises"
    requires = frozenset({"texts", "promising", "calendar", "cues", "speakers"})
    assigns = frozenset({"promises"})

    def __call__(self, document: AuditDocument) -> None:
        turns = document.conversation.turns
        promising = document.promising
        for index in range(len(turns)):
            evidence = promising.get(index)
            if evidence is not None:
                self._find(document, index, evidence.span[0], turns[index].at)
            elif document.speakers[index] is Speaker.AGENT and any(
                cue.label == PROMISE for cue in document.cues[index]
            ):
                self._find_definite(document, index, turns[index].at)

    def _find_definite(self, document: AuditDocument, index: int, said_at: datetime) -> None:
        """The promises of the clauses a promise cue marks that name a definite time, in a
        turn with no look-alike anywhere: an offer ("Would you like that?") or a condition
        on the customer ("DM us your number and I'll look into it today") may sit in the
        clause or sentence beside the one that seems to promise."""
        text = document.texts[index]
        subject, is_lower = lowered(text)
        if _NOT_A_PROMISE.search(subject, is_lower) is not None:
            return
        found: list[_Found] = []
        for span in _clauses(text, subject, is_lower):
            if _PROMISE.search(subject, is_lower, span[0], span[1]) is None:
                continue
            due = _due_of(text, span, said_at, document.calendar)
            if due is None or due.at is None:
                continue
            clause = subject[span[0] : span[1]]
            _add_once(found, _Found(_kind(clause, is_lower, False), span, due))
        document.promises.extend(_promise(index, text, promise) for promise in found)

    def _find(self, document: AuditDocument, index: int, pointed: int, said_at: datetime) -> None:
        text = document.texts[index]
        # The patterns are searched in the lower-cased text (`_Caseless`); spans hold in both.
        subject, is_lower = lowered(text)
        spans = _clauses(text, subject, is_lower)
        calendar = document.calendar
        # Each clause's due, resolved once and only when asked: whether a clause promises
        # asks for it only when the clause speaks of the future and no cue says more, and
        # the "elsewhere" rule below only when no promise has a time.
        dues: dict[tuple[int, int], Due | None] = {}

        def due_of(span: tuple[int, int]) -> Due | None:
            if span in dues:
                return dues[span]
            due = dues[span] = _due_of(text, span, said_at, calendar)
            return due

        # Each clause's look-alike check, made once and only when asked: whether a clause
        # promises asks for it only once its words would promise, the "elsewhere" rule below
        # only of a clause with a time.
        vetoes: dict[tuple[int, int], bool] = {}

        def vetoed(span: tuple[int, int]) -> bool:
            veto = vetoes.get(span)
            if veto is None:
                veto = _NOT_A_PROMISE.search(subject, is_lower, span[0], span[1]) is not None
                vetoes[span] = veto
            return veto

        on_event = {span for span in spans if _ON_EVENT.search(subject, is_lower, span[0], span[1])}
        # A clause promises when no look-alike is in it and its words promise: the cheap
        # checks first, the look-alike check next, and the due (the dearest) last.
        promising = [
            span
            for span in spans
            if (
                (
                    span in on_event
                    or _PROMISE.search(subject, is_lower, span[0], span[1]) is not None
                    or (
                        _FUTURE_PASSIVE.search(subject, is_lower, span[0], span[1]) is not None
                        and _kind_in(subject[span[0] : span[1]], is_lower) != "other"
                    )
                )
                and not vetoed(span)
            )
            # A future with a time, even a vague one: "your final statement will follow in
            # the coming weeks" promises it, with no due.
            or (
                _FUTURE.search(subject, is_lower, span[0], span[1]) is not None
                and not vetoed(span)
                and due_of(span) is not None
            )
        ]
        if not promising:
            # The model read a promise no cue names: its words are the clause it pointed at.
            promising = [next((s for s in spans if s[0] <= pointed < s[1]), spans[0])]
        found: list[_Found] = []
        for span in promising:
            kind = _kind(subject[span[0] : span[1]], is_lower, span in on_event)
            _add_once(found, _Found(kind, span, due_of(span), span in on_event))
        # A promise that waits on an event takes no other clause's time: "the fix is
        # rolling out in a couple of days and I'll DM you as soon as it's live" does not
        # promise the DM in a couple of days.
        timeless = [f for f in found if not f.on_event]
        if timeless and all(_at(f.due) is None for f in timeless):
            # "I've escalated it. Expect a call within 24 hours": the time may sit in a
            # clause of its own; it belongs to the turn's first promise.
            elsewhere = next(
                (
                    due
                    for span in spans
                    if span not in promising
                    and not vetoed(span)
                    and _at(due := due_of(span)) is not None
                ),
                None,
            )
            if elsewhere is not None:
                timeless[0].due = elsewhere
        # A promise with no time beside one of the same kind with a time is the same one,
        # said again without its time ("we'll fix it by Friday ... we will fix it"). Not when
        # it waits on an event, a promise of its own; nor when no word names the kind of
        # either ("other"): then nothing says they are the same.
        timed = {f.kind for f in found if _at(f.due) is not None and f.kind != "other"}
        for promise in found:
            if _at(promise.due) is None and promise.kind in timed and not promise.on_event:
                continue
            document.promises.append(_promise(index, text, promise))


def _add_once(found: list[_Found], promise: _Found) -> None:
    """Add `promise` unless one of its kind and due is there: the same thing said twice in
    a turn is one promise."""
    if not any(f.kind == promise.kind and _at(f.due) == _at(promise.due) for f in found):
        found.append(promise)


def _kind(clause: str, is_lower: bool, on_event: bool) -> str:
    """The kind of a clause's promise (the clause as `lowered` gives it); telling the
    customer of an event is an update (or a callback, by phone), whatever the event is
    about."""
    if on_event:
        if _CALL.search(clause, is_lower):
            return "callback"
        if _NOTIFY.search(clause, is_lower):
            return "update"
    return _kind_in(clause, is_lower)


def _due_of(
    text: str, span: tuple[int, int], said_at: datetime, calendar: BusinessCalendar
) -> Due | None:
    """The due a clause names, its span within the whole turn. The turn's text before the
    clause is its context: "The visit is on Friday. We'll call the day after." """
    due = resolve_due(text[span[0] : span[1]], said_at, calendar, context=text[: span[0]])
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
