"""The features the learned model reads from a turn: the same code trains and predicts.

Words and word pairs of the turn, the cues that fired on it (and the look-alikes
that argue against a label), and a little of what came before (did the
customer already ask to cancel? did they just ask for a status?). Each
feature remembers where in the text it came from, so a label found by the
model can still point at its evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from keepword.audit.document import Evidence
from keepword.domain.conversations import Speaker

_TOKEN = re.compile(
    r"https?://\S+|www\.\S+|@\w+|\d+(?:[.,:]\d+)*|[^\W\d_]+(?:['\u2019][^\W\d_]+)*|[!?]",
    re.IGNORECASE,
)
_STATUS_QUESTION = re.compile(
    r"\b(?:where(?:'s| is)|when (?:will|is|can|does)|how long|what(?:'s| is) the status|"
    r"any (?:news|update)|eta)\b",
    re.IGNORECASE,
)
# Agent labels that depend on what the customer said before.
MAX_FEATURES_PER_TURN = 400


# Byte tables that delete all but (upper-case) ASCII letters: counting them runs in C.
_NOT_ASCII_LETTER = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))
_NOT_ASCII_UPPER = bytes(b for b in range(256) if not 65 <= b <= 90)
WHOLE_TURN = (0, 0)  # the span of a feature that belongs to the turn as a whole


_DIGIT = re.compile(r"\d")
# The same words as _TOKEN on plain ASCII text, several times faster than its Unicode classes.
_ASCII_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)*|[!?]")
URL, HANDLE, NUMBER = "<url>", "<handle>", "<num>"


def _normalise(token: str) -> str:
    first = token[0]
    if first == "@":
        return HANDLE
    if first.isdigit():
        return NUMBER
    if "://" in token or token[:4].lower() == "www.":
        return URL
    return token.lower().replace("\u2019", "'")


def tokens(text: str) -> list[str]:
    """The turn's tokens, normalised: lower case; URLs, handles and numbers folded."""
    if text.isascii():
        lowered = text.lower()
        # Most turns hold no handle, number or link: then plain words are all there is.
        plain = "@" not in text and "http" not in lowered and "www." not in lowered
        if plain and not _DIGIT.search(text):
            return _ASCII_TOKEN.findall(lowered)
    return [_normalise(token) for token in _TOKEN.findall(text)]


def token_spans(text: str) -> list[tuple[int, int]]:
    """Where each of `tokens(text)` lies in the text (computed only when evidence is needed)."""
    return [match.span() for match in _TOKEN.finditer(text)]


@dataclass(frozen=True)
class TurnContext:
    """What the turns before this one said, as far as the model needs it."""

    cancel_requests: int = 0
    fault_reported: bool = False
    status_asked_just_before: bool = False
    agent_helped_before: bool = False
    is_first_turn: bool = False


def contexts(
    texts: Sequence[str], speakers: Sequence[Speaker], cues: Sequence[Sequence[Evidence]]
) -> list[TurnContext]:
    """For each turn, what the turns before it said (never the turns after it), in one pass."""
    found = []
    cancel_requests = 0
    fault_reported = helped = False
    previous_customer: int | None = None
    for index, speaker in enumerate(speakers):
        status_asked = previous_customer is not None and bool(
            _STATUS_QUESTION.search(texts[previous_customer])
        )
        found.append(TurnContext(cancel_requests, fault_reported, status_asked, helped, index == 0))
        labels = {e.label for e in cues[index]}
        if speaker is Speaker.CUSTOMER:
            cancel_requests += "wants_to_cancel" in labels
            fault_reported = fault_reported or "reports_fault" in labels
            previous_customer = index
        elif speaker is Speaker.AGENT and len(texts[index]) > 80:
            helped = True
    return found


@dataclass
class TurnFeatures:
    """A turn's feature names, and how to find the characters each came from.

    Order: cues, then the features of the whole turn, then words, then word
    pairs, so a very long turn loses only its last words to the cap, never a cue.
    """

    names: list[str]
    text: str
    cue_spans: tuple[tuple[int, int], ...]
    whole_count: int
    token_count: int
    _spans: list[tuple[int, int]] | None = None

    def span_of(self, index: int) -> tuple[int, int]:
        """The span of feature `index`: a cue, a word, a word pair, or (0, 0) for the turn."""
        if index < len(self.cue_spans):
            return self.cue_spans[index]
        index -= len(self.cue_spans) + self.whole_count
        if index < 0:
            return WHOLE_TURN
        if self._spans is None:  # found once, and only for turns that need evidence
            self._spans = token_spans(self.text)
        spans, n = self._spans, self.token_count
        if index < n:
            return spans[index]
        return (spans[index - n][0], spans[index - n + 1][1])


def turn_features(
    text: str,
    speaker: Speaker,
    cues: Sequence[Evidence],
    context: TurnContext,
    vetoes: Iterable[str] = (),
) -> TurnFeatures:
    """Every feature of one turn, in a stable order, at most MAX_FEATURES_PER_TURN."""
    toks = tokens(text)
    whole = [f"speaker:{speaker.value}", *(f"veto:{label}" for label in vetoes)]
    if len(toks) <= 3:
        whole.append("len:short")
    elif len(toks) > 60:
        whole.append("len:long")
    raw = text.encode("ascii", "ignore")
    letters = len(raw.translate(None, _NOT_ASCII_LETTER))
    if letters >= 12 and len(raw.translate(None, _NOT_ASCII_UPPER)) / letters > 0.7:
        whole.append("shape:caps")
    if context.cancel_requests:
        whole.append("ctx:cancel_asked")
    if context.cancel_requests >= 2:
        whole.append("ctx:cancel_asked_again")
    if context.fault_reported:
        whole.append("ctx:fault_reported")
    if context.status_asked_just_before:
        whole.append("ctx:status_asked")
    if context.agent_helped_before:
        whole.append("ctx:helped_before")
    if context.is_first_turn:
        whole.append("ctx:first_turn")
    names = [f"cue:{evidence.label}" for evidence in cues] + whole
    room = MAX_FEATURES_PER_TURN - len(names)
    # Words first, then pairs, each list cut to what is left of the cap.
    kept = toks[: max(room, 0)]
    names += [f"w:{token}" for token in kept]
    room -= len(kept)
    names += [f"b:{a} {b}" for a, b in pairwise(toks)][: max(room, 0)]
    return TurnFeatures(names, text, tuple(e.span for e in cues), len(whole), len(kept))
