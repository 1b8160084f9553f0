"""The trigger gate of the phrase cues only saves time: it never hides a match."""

from __future__ import annotations

from pathlib import Path

import pytest

from keepword.adapters.helpdesk.records import parse_conversation_lines, split_lines
from keepword.audit.components.cues import CUES, TRIGGERS, PhraseCues
from keepword.audit.components.language import LanguageCheck
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


def _cues(cues: PhraseCues, conversation: Conversation) -> list[list[tuple[str, tuple[int, int]]]]:
    document = AuditDocument(conversation)
    LanguageCheck()(document)
    cues(document)
    return [sorted((e.label, e.span) for e in turn) for turn in document.cues]


def test_every_label_with_cues_has_triggers() -> None:
    assert {cue.label for cue in CUES} <= set(TRIGGERS)


@pytest.mark.parametrize("path", CORPORA, ids=lambda p: p.name)
def test_corpora_exist(path: Path) -> None:
    assert path.exists()


def test_gated_cues_find_exactly_what_ungated_cues_find_on_every_corpus_turn() -> None:
    gated, ungated = PhraseCues(), PhraseCues(gated=False)
    differing = [
        (conversation.external_id, index)
        for conversation in _conversations()
        for index, (a, b) in enumerate(
            zip(_cues(gated, conversation), _cues(ungated, conversation), strict=True)
        )
        if a != b
    ]

    assert differing == []
