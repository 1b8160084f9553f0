"""The features the learned model reads from a turn: the same code trains and predicts.

Words, word pairs and word stems of the turn, the cues that fired on it (and
the look-alikes that argue against a label), and a little of what came before
(did the customer already ask to cancel? did they just ask for a status?).
Each feature remembers where in the text it came from, so a label found by
the model can still point at its evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Final, NamedTuple

from keepword.audit.document import Evidence
from keepword.audit.tokens import span_of_tokens
from keepword.domain.conversations import Speaker

_STATUS_QUESTION: Final = re.compile(
    r"\b(?:where(?:'s| is)|when (?:will|is|can|does)|how long|what(?:'s| is) the status|"
    r"any (?:news|update)|eta)\b",
    re.IGNORECASE,
)
# A turn's first MAX_WORDS tokens are read; a longer turn's rest adds nothing, so time and
# memory stay bounded on a 10,000-character e-mail.
MAX_WORDS: Final = 150
# Words longer than STEM + 1 letters also give their first STEM letters as a feature, so
# "frustrating" teaches "frustrated" too: a stemmer for a microsecond a turn.
STEM: Final = 5
WHOLE_TURN: Final = (0, 0)  # the span of a feature that belongs to the turn as a whole

# Byte tables that delete all but (upper-case) ASCII letters: counting them runs in C.
_NOT_ASCII_LETTER: Final = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))
_NOT_ASCII_UPPER: Final = bytes(b for b in range(256) if not 65 <= b <= 90)


# A sentence ends at a run of stops or line breaks and the white space after it.
SENTENCE_END: Final = re.compile(r"[.!?\n]+\s*")


def sentence_ends(text: str) -> list[int]:
    """Where each sentence of `text` but the last ends (the offset after its stop and the
    white space that follows): character c lies in sentence `bisect_right(ends, c)`."""
    return [match.end() for match in SENTENCE_END.finditer(text)]


def has_stem(token: str) -> bool:
    """Whether a token is long enough to give a stem feature (placeholders never do)."""
    return len(token) > STEM + 1 and token[0] != "<"


class TurnContext(NamedTuple):
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
    fault_reported = helped = status_asked = False
    for index, speaker in enumerate(speakers):
        found.append(TurnContext(cancel_requests, fault_reported, status_asked, helped, index == 0))
        if speaker is Speaker.CUSTOMER:
            for evidence in cues[index]:
                cancel_requests += evidence.label == "wants_to_cancel"
                fault_reported = fault_reported or evidence.label == "reports_fault"
            # Asked once for the customer's latest turn, not once for every turn after it.
            status_asked = _STATUS_QUESTION.search(texts[index]) is not None
        elif speaker is Speaker.AGENT and len(texts[index]) > 80:
            helped = True
    return found


@dataclass
class TurnInput:
    """What the model reads of one turn: its words and the names of its other features.

    `names` are the cue features and those of the whole turn (speaker, vetoes,
    shape, context); the model derives the word, word-pair and stem features
    from `words` itself. `name_spans` holds the span of each name.
    """

    text: str
    words: Sequence[str]
    names: list[str]
    name_spans: list[tuple[int, int]]

    def words_span(self, first: int, last: int) -> tuple[int, int]:
        """The characters from word `first` to word `last` (found only when evidence needs them)."""
        return span_of_tokens(self.text, first, last)


def turn_input(
    text: str,
    toks: Sequence[str],
    speaker: Speaker,
    cues: Sequence[Evidence],
    context: TurnContext,
    vetoes: Iterable[str] = (),
) -> TurnInput:
    """The model's view of one turn whose tokens are `toks`."""
    names: list[str] = []
    spans: list[tuple[int, int]] = []
    for evidence in cues:
        names.append(f"cue:{evidence.label}")
        spans.append(evidence.span)
        if evidence.pattern is not None:
            names.append(f"cue:{evidence.label}:{evidence.pattern}")
            spans.append(evidence.span)
    whole = [f"speaker:{speaker.value}"]
    whole += [f"veto:{label}" for label in vetoes]
    if len(toks) <= 3:
        whole.append("len:short")
    elif len(toks) > 60:
        whole.append("len:long")
    if "?" in text:
        whole.append("has:?")
        if text.rstrip().endswith("?"):
            whole.append("ends:?")
    if "!" in text:
        whole.append("has:!")
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

    names += whole
    spans += [WHOLE_TURN] * len(whole)
    words = toks[:MAX_WORDS] if len(toks) > MAX_WORDS else toks
    return TurnInput(text, words, names, spans)


@dataclass
class TurnFeatures:
    """Every feature name of a turn, each with the characters it came from.

    The names the model derives from words are spelled out here: `w:word`,
    `b:word word` (a pair of neighbours) and `s:stem`. Training reads these
    names; the model's fast path finds the same rows without building them.
    """

    names: list[str]
    source: TurnInput
    # For each name from words: the first and last token it covers.
    _token_ranges: list[tuple[int, int]]

    def span_of(self, index: int) -> tuple[int, int]:
        """The span of feature `index`: a cue, a word, a word pair, a stem, or (0, 0)."""
        given = len(self.source.names)
        if index < given:
            return self.source.name_spans[index]
        first, last = self._token_ranges[index - given]
        return self.source.words_span(first, last)


def word_features(words: Sequence[str]) -> tuple[list[str], list[tuple[int, int]]]:
    """The word, word-pair and stem feature names of `words`, with the tokens each covers."""
    names = ["w:" + word for word in words]
    ranges = [(i, i) for i in range(len(words))]
    names += [f"b:{a} {b}" for a, b in pairwise(words)]
    ranges += [(i, i + 1) for i in range(len(words) - 1)]
    stems = [i for i, word in enumerate(words) if has_stem(word)]
    names += ["s:" + words[i][:STEM] for i in stems]
    ranges += [(i, i) for i in stems]
    return names, ranges


def turn_features(
    text: str,
    toks: Sequence[str],
    speaker: Speaker,
    cues: Sequence[Evidence],
    context: TurnContext,
    vetoes: Iterable[str] = (),
) -> TurnFeatures:
    """Every feature of one turn, named, in a stable order: cues, the whole turn, words."""
    source = turn_input(text, toks, speaker, cues, context, vetoes)
    names, ranges = word_features(source.words)
    return TurnFeatures([*source.names, *names], source, ranges)
