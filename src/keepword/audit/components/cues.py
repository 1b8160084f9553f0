"""Finds the phrase cues and vetoes of keepword.audit.cue_patterns in each turn, with spans.

All the patterns a speaker's turns can match are compiled into one RE2 set, so
a turn is scanned once whatever the number of patterns (a few microseconds);
only the patterns that matched are searched again for their spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import re2

from keepword.audit.cue_patterns import CUES, LOOKALIKES, VETOES, Cue
from keepword.audit.document import AuditDocument, Evidence
from keepword.audit.labels import READINGS_BY_SPEAKER
from keepword.domain.conversations import Speaker


class CuePatternError(ValueError):
    """A cue or veto pattern that RE2 cannot compile."""


# RE2 builds its DFA lazily within this budget; at the default 8 MB the speaker sets of
# some 140 patterns run out and fall back to a slower engine (81 us a turn instead of 14).
DFA_MEMORY: Final = 64 << 20


def _options() -> Any:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = DFA_MEMORY
    return options


def _compile(pattern: str, where: str) -> Any:
    try:
        return re2.compile(pattern, _options())
    except re2.error as error:
        raise CuePatternError(f"{where}: RE2 cannot compile {pattern!r}: {error}") from None


@dataclass(frozen=True)
class _Entry:
    """One pattern of a speaker's set: a cue (with its strength), a veto or a look-alike."""

    label: str
    regex: Any
    strength: float | None  # None: a veto or a look-alike
    number: int  # the cue's position among its label's cues, for the model's features
    lookalike: bool = False


class _SpeakerScan:
    """Every cue and veto pattern a speaker's turns may match, in one RE2 set."""

    def __init__(self, entries: list[_Entry]) -> None:
        self.entries = entries
        self.set = re2.Set.SearchSet(_options())
        for entry in entries:
            self.set.Add(entry.regex.pattern)
        self.set.Compile()

    def matched(self, text: str) -> list[_Entry]:
        """The entries whose pattern occurs in `text`, in table order."""
        found = self.set.Match(text)
        return [self.entries[i] for i in sorted(found)] if found else []


def _entries(cues: Sequence[Cue], allowed: Sequence[str]) -> list[_Entry]:
    entries: list[_Entry] = []
    numbers: dict[str, int] = {}
    for cue in cues:
        if cue.label in allowed:
            number = numbers.get(cue.label, 0)
            numbers[cue.label] = number + 1
            where = f"cue {number} of {cue.label}"
            entries.append(_Entry(cue.label, _compile(cue.pattern, where), cue.strength, number))
    for label, patterns in VETOES.items():
        if label in allowed:
            for number, pattern in enumerate(patterns):
                where = f"veto {number} of {label}"
                entries.append(_Entry(label, _compile(pattern, where), None, number))
    for label, patterns in LOOKALIKES.items():
        if label in allowed:
            for number, pattern in enumerate(patterns):
                regex = _compile(pattern, f"look-alike {number} of {label}")
                entries.append(_Entry(label, regex, None, number, lookalike=True))
    return entries


def _outside(regex: Any, text: str, excluded: list[tuple[int, int]]) -> Any:
    """The first match of `regex` in `text` that does not lie inside an excluded span."""
    position = 0
    while (match := regex.search(text, position)) is not None:
        holder = next((s for s in excluded if s[0] <= match.start() < s[1]), None)
        if holder is None:
            return match
        position = holder[1]
    return None


class PhraseCues:
    """Finds the precise cues of every label the speaker may carry (and of promises), with
    their spans.

    `one_pass=False` searches every pattern on its own instead of the one set
    scan; it exists so tests can show that the set scan finds exactly the same.
    """

    name = "cues"
    requires = frozenset({"texts", "speakers", "supported"})
    assigns = frozenset({"cues", "vetoes"})

    def __init__(self, cues: Sequence[Cue] | None = None, *, one_pass: bool = True) -> None:
        table = CUES if cues is None else cues
        self._scans: dict[Speaker, _SpeakerScan] = {}
        for speaker, allowed in READINGS_BY_SPEAKER.items():
            entries = _entries(table, allowed)
            if entries:
                self._scans[speaker] = _SpeakerScan(entries)
        self._one_pass = one_pass

    def find(self, text: str, speaker: Speaker) -> tuple[list[Evidence], set[str]]:
        """The cues found in `text` (one per label: its leftmost match) and the vetoed labels."""
        scan = self._scans.get(speaker)
        if scan is None or not text:
            return [], set()
        if self._one_pass:
            matched = scan.matched(text)
        else:
            matched = [entry for entry in scan.entries if entry.regex.search(text) is not None]
        found: dict[str, tuple[tuple[int, int], float, int]] = {}
        vetoed: set[str] = set()
        excluded: dict[str, list[tuple[int, int]]] = {}
        for entry in matched:
            if entry.lookalike:
                spans = excluded.setdefault(entry.label, [])
                spans += [m.span() for m in entry.regex.finditer(text)]
            elif entry.strength is None:
                vetoed.add(entry.label)
        for entry in matched:
            if entry.strength is None:
                continue
            if entry.label in excluded:
                match = _outside(entry.regex, text, excluded[entry.label])
                if match is None:
                    continue
            else:
                match = entry.regex.search(text)
            span = match.span()
            best = found.get(entry.label)
            # The leftmost match wins, as one alternation of the label's patterns would pick.
            if best is None or span[0] < best[0][0]:
                found[entry.label] = (span, entry.strength, entry.number)
        cues = [
            Evidence(label, strength, span, pattern=number)
            for label, (span, strength, number) in found.items()
        ]
        return cues, vetoed

    def __call__(self, document: AuditDocument) -> None:
        turns = zip(document.texts, document.speakers, strict=True)
        for index, (text, speaker) in enumerate(turns):
            if document.supported[index] and text:
                document.cues[index], document.vetoes[index] = self.find(text, speaker)
