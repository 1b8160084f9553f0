"""The features the learned model reads from a turn: the same code trains and predicts.

Words and word pairs of the turn, the cues that fired on it, and a little of
what came before (did the customer already ask to cancel? did they just ask
for a status?). Each feature remembers where in the text it came from, so a
label found by the model can still point at its evidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from keepword.audit.document import Evidence
from keepword.domain.conversations import Speaker

_TOKEN = re.compile(
    r"(?P<url>https?://\S+|www\.\S+)|(?P<handle>@\w+)|(?P<num>\d+(?:[.,:]\d+)*)"
    r"|(?P<word>[^\W\d_]+(?:['\u2019][^\W\d_]+)*)|(?P<mark>[!?])"
)
_STATUS_QUESTION = re.compile(
    r"\b(?:where(?:'s| is)|when (?:will|is|can|does)|how long|what(?:'s| is) the status|"
    r"any (?:news|update)|eta)\b",
    re.IGNORECASE,
)
# Agent labels that depend on what the customer said before.
MAX_FEATURES_PER_TURN = 400


@dataclass(frozen=True)
class Feature:
    """A named feature of a turn and the characters it came from ((0, 0): the turn as a whole)."""

    name: str
    span: tuple[int, int]


def tokens(text: str) -> list[tuple[str, tuple[int, int]]]:
    """The turn's tokens, normalised (lower case; URLs, handles and numbers folded), with spans."""
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "word":
            token = match.group().lower().replace("\u2019", "'")
        elif kind == "mark":
            token = match.group()
        else:
            token = f"<{kind}>"
        found.append((token, match.span()))
    return found


@dataclass(frozen=True)
class TurnContext:
    """What the turns before this one said, as far as the model needs it."""

    cancel_requests: int = 0
    fault_reported: bool = False
    status_asked_just_before: bool = False
    agent_helped_before: bool = False
    is_first_turn: bool = False


def context_of(
    index: int,
    texts: Sequence[str],
    speakers: Sequence[Speaker],
    cues: Sequence[Sequence[Evidence]],
) -> TurnContext:
    """Summarise turns 0..index-1 from their texts and cue hits (never from later turns)."""
    cancel_requests = 0
    fault_reported = False
    helped = False
    for earlier in range(index):
        labels = {e.label for e in cues[earlier]}
        if speakers[earlier] is Speaker.CUSTOMER:
            cancel_requests += "wants_to_cancel" in labels
            fault_reported = fault_reported or "reports_fault" in labels
        elif speakers[earlier] is Speaker.AGENT and len(texts[earlier]) > 80:
            helped = True
    previous_customer = next(
        (i for i in range(index - 1, -1, -1) if speakers[i] is Speaker.CUSTOMER), None
    )
    status_asked = previous_customer is not None and bool(
        _STATUS_QUESTION.search(texts[previous_customer])
    )
    return TurnContext(cancel_requests, fault_reported, status_asked, helped, index == 0)


def turn_features(
    text: str, speaker: Speaker, cues: Sequence[Evidence], context: TurnContext
) -> list[Feature]:
    """Every feature of one turn, in a stable order."""
    toks = tokens(text)
    features = [Feature(f"w:{token}", span) for token, span in toks]
    features += [Feature(f"b:{a} {b}", (sa[0], sb[1])) for (a, sa), (b, sb) in pairwise(toks)]
    features += [Feature(f"cue:{e.label}", e.span) for e in cues]
    whole = (0, 0)
    features.append(Feature(f"speaker:{speaker.value}", whole))
    if len(toks) <= 3:
        features.append(Feature("len:short", whole))
    elif len(toks) > 60:
        features.append(Feature("len:long", whole))
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.7:
        features.append(Feature("shape:caps", whole))
    if context.cancel_requests:
        features.append(Feature("ctx:cancel_asked", whole))
    if context.cancel_requests >= 2:
        features.append(Feature("ctx:cancel_asked_again", whole))
    if context.fault_reported:
        features.append(Feature("ctx:fault_reported", whole))
    if context.status_asked_just_before:
        features.append(Feature("ctx:status_asked", whole))
    if context.agent_helped_before:
        features.append(Feature("ctx:helped_before", whole))
    if context.is_first_turn:
        features.append(Feature("ctx:first_turn", whole))
    return features[:MAX_FEATURES_PER_TURN]
