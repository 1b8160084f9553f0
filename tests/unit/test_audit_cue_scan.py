"""The one-pass RE2 scan of the phrase cues only saves time: it finds what searching each
pattern alone finds, on every turn of our corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

from keepword.adapters.helpdesk.records import parse_conversation_lines, split_lines
from keepword.audit.components.cues import CuePatternError, PhraseCues
from keepword.audit.components.language import LanguageCheck
from keepword.audit.cue_patterns import Cue
from keepword.audit.document import AuditDocument
from keepword.domain.conversations import Conversation
from keepword.services.conversations import IncomingConversation

ROOT = Path(__file__).resolve().parents[2]
CORPORA = [
    ROOT / "data" / "train.jsonl",
    ROOT / "data" / "dev.jsonl",
    ROOT / "src" / "keepword" / "demo" / "conversations.jsonl",
]


def _conversations() -> list[Conversation]:
    found = []
    for path in CORPORA:
        for _, parsed in parse_conversation_lines(split_lines(path.read_text(encoding="utf-8"))):
            if isinstance(parsed, IncomingConversation):
                found.append(parsed.conversation)
    return found


def _found(cues: PhraseCues, conversation: Conversation) -> list[tuple[object, ...]]:
    document = AuditDocument(conversation)
    LanguageCheck()(document)
    cues(document)
    return [
        (sorted((e.label, e.span, e.pattern) for e in turn), sorted(vetoes))
        for turn, vetoes in zip(document.cues, document.vetoes, strict=True)
    ]


@pytest.mark.parametrize("path", CORPORA, ids=lambda p: p.name)
def test_corpora_exist(path: Path) -> None:
    assert path.exists()


def test_the_set_scan_finds_exactly_what_each_pattern_finds_on_every_corpus_turn() -> None:
    one_pass, each = PhraseCues(), PhraseCues(one_pass=False)
    differing = [
        (conversation.external_id, index)
        for conversation in _conversations()
        for index, (a, b) in enumerate(
            zip(_found(one_pass, conversation), _found(each, conversation), strict=True)
        )
        if a != b
    ]

    assert differing == []


def test_a_pattern_re2_cannot_compile_is_refused_at_start_with_its_label() -> None:
    with pytest.raises(CuePatternError, match=r"cue 0 of apologizes.*\(\?!"):
        PhraseCues([Cue("apologizes", r"sorry(?!, what)", 0.9)])
