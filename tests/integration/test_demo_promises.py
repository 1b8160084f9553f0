"""The demo's promises end as its stories end: what the stories keep is kept (at the instant
they show it), what is no promise is withdrawn, and the clock breaks the rest; against a real
database, with the shipped audit model."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from importlib import resources
from typing import Any

import pytest

from keepword.bootstrap import Keepword
from keepword.demo.loader import load_demo
from keepword.demo.outcomes import (
    KeptPromise,
    OutcomeReport,
    PromiseOutcomes,
    apply_outcomes,
    read_outcomes,
)
from keepword.domain.promises import Promise, PromiseStatus
from keepword.services.ports import PromiseFilter
from keepword.services.promises import promises_of
from keepword.worker import ClockWorker
from tests.conftest import NOW

CLOCK = datetime(2026, 12, 3, tzinfo=UTC)
LONDON_BST = timezone(timedelta(hours=1))
MANILA = timezone(timedelta(hours=8))

# Broken on purpose by the stories, as the customers tell it.
STORY_BROKEN = {
    ("conv-0014", 1),  # "active within 3 days" (by Monday 14 Sep): live on 22 Sep (conv-0021)
    ("conv-0016", 4),  # operations "within one working day": "Nobody from operations contacted me"
    ("conv-0050", 1),  # "we aim to reply within 2 working days": "One week and no answer"
    ("conv-0051", 1),  # the same auto-reply: "A week and no reply"
    ("conv-0060", 1),  # the same auto-reply: "Still no reply after 4 days"
}
# Promised, and no later conversation shows them kept: the clock breaks them too.
NEVER_SHOWN_KEPT = {
    ("conv-0011", 6),  # confirmation text and a reminder the evening before the visit
    ("conv-0015", 3),  # replacement SIM within 2 working days
    ("conv-0020", 2),  # roaming refund within 5 business days
    ("conv-0020", 4),  # e-mail confirming that refund within the hour
    ("conv-0049", 1),  # router at the new address by Friday 13 November
    ("conv-0054", 5),  # 4G backup router delivered by 6pm
}


def _ledger(kw: Keepword) -> list[Promise]:
    return sorted(promises_of(kw.uow(), PromiseFilter()), key=lambda p: p.external_id)


def _at(kw: Keepword, conversation: str, turn: int, words: str) -> Promise:
    """The one promise of that turn whose text says `words`."""
    found = [
        p
        for p in _ledger(kw)
        if p.conversation_id == conversation and p.turn == turn and words in p.text
    ]
    assert len(found) == 1, found
    return found[0]


def _snapshot(kw: Keepword) -> list[tuple[Any, ...]]:
    return [
        (p.external_id, p.status, p.closed_at, p.evidence, p.flagged_at_risk_at, p.history)
        for p in _ledger(kw)
    ]


def _load(kw: Keepword) -> OutcomeReport:
    report = load_demo(kw.uow, kw.hasher, NOW, auditor=kw.auditor)
    assert not report.conversations.rejected
    return report.promises


def test_after_one_clock_round_only_what_the_stories_break_is_broken(kw: Keepword) -> None:
    report = _load(kw)

    swept, _ = ClockWorker(kw).run_once(CLOCK)

    assert report == OutcomeReport(kept=27, withdrawn=12, already_closed=0, not_found=0)
    broken = {(p.conversation_id, p.turn) for p in _ledger(kw) if p.status is PromiseStatus.BROKEN}
    assert broken == STORY_BROKEN | NEVER_SHOWN_KEPT
    assert len(swept.broken) == len(STORY_BROKEN | NEVER_SHOWN_KEPT)
    cancelled = [p for p in _ledger(kw) if p.status is PromiseStatus.CANCELLED]
    assert len(cancelled) == 12
    for promise in cancelled:
        reasons = [c.details["reason"] for c in promise.history if c.what == "cancelled"]
        assert len(reasons) == 1
        assert reasons[0].startswith("not a"), promise.external_id


def test_the_stories_keep_the_engineer_and_the_refunds_and_break_the_3_day_activation(
    kw: Keepword,
) -> None:
    _load(kw)

    ClockWorker(kw).run_once(CLOCK)

    # An activation promised in 3 days that took 10: the promise breaks, its rescue is kept.
    promised = _at(kw, "conv-0014", 1, "within 3 days")
    assert promised.status is PromiseStatus.BROKEN
    assert promised.due == datetime(2026, 9, 14, 23, 59, 59, tzinfo=MANILA)
    assert _at(kw, "conv-0016", 4, "within one working day").status is PromiseStatus.BROKEN
    assert _at(kw, "conv-0016", 2, "still sitting with").status is PromiseStatus.CANCELLED
    live = _at(kw, "conv-0019", 4, "live by 9am tomorrow")
    assert live.status is PromiseStatus.KEPT
    assert live.closed_at == datetime(2026, 9, 22, 7, 30, tzinfo=MANILA)
    assert "conv-0021 turn 0" in (live.evidence or "")
    assert _at(kw, "conv-0019", 4, "check it myself").status is PromiseStatus.KEPT
    # The engineer did come; the refunds did arrive.
    engineer = _at(kw, "conv-0011", 4, "booked an engineer")
    assert engineer.status is PromiseStatus.KEPT
    assert engineer.closed_at == datetime(2026, 9, 10, 9, 51, 13, tzinfo=LONDON_BST)
    assert engineer.evidence == "engineer replaced the modem: conv-0013 turn 2"
    assert engineer.lateness(CLOCK) is None
    assert [c.details["by"] for c in engineer.history if c.what == "kept"] == ["demo data"]
    refund = _at(kw, "conv-0007", 2, "within 5 business days")
    assert refund.status is PromiseStatus.KEPT
    assert refund.lateness(CLOCK) is None
    assert _at(kw, "conv-0012", 2, "back on your card").status is PromiseStatus.KEPT


def test_applying_the_outcomes_again_skips_what_is_closed_and_counts_what_is_missing(
    kw: Keepword,
) -> None:
    _load(kw)
    ClockWorker(kw).run_once(CLOCK)
    before = _snapshot(kw)
    lost = KeptPromise(
        conversation="conv-0011",
        turn=4,
        words="words another model would not quote",
        kept_at=datetime(2026, 9, 10, 10, 0, tzinfo=LONDON_BST),
        evidence="a promise the model no longer finds",
    )

    again = apply_outcomes(kw.uow, read_outcomes(), NOW)
    extra = apply_outcomes(kw.uow, PromiseOutcomes(kept=(lost,)), NOW)

    assert again == OutcomeReport(kept=0, withdrawn=0, already_closed=39, not_found=0)
    assert extra == OutcomeReport(not_found=1)
    assert _snapshot(kw) == before


def test_loading_the_demo_twice_gives_the_same_ledger(kw: Keepword) -> None:
    _load(kw)
    before = _snapshot(kw)

    again = _load(kw)

    assert again == OutcomeReport(kept=0, withdrawn=0, already_closed=39, not_found=0)
    assert _snapshot(kw) == before


def test_outcomes_of_promises_nobody_recorded_are_skipped_and_counted(kw: Keepword) -> None:
    report = apply_outcomes(kw.uow, read_outcomes(), NOW)

    assert report == OutcomeReport(not_found=39)
    assert _ledger(kw) == []


# --- the file itself: every entry is the conversations' words ------------------------------------


def _conversations() -> dict[str, dict[str, Any]]:
    text = resources.files("keepword.demo").joinpath("conversations.jsonl").read_text("utf-8")
    return {c["id"]: c for c in map(json.loads, filter(str.strip, text.splitlines()))}


def _plain(text: str) -> str:
    return " ".join(text.casefold().split())


@pytest.mark.parametrize("section", ["kept", "withdrawn"])
def test_every_outcome_quotes_an_agent_or_system_turn(section: str) -> None:
    conversations = _conversations()
    outcomes = read_outcomes()
    for entry in getattr(outcomes, section):
        turns = conversations[entry.conversation]["turns"]
        turn = turns[entry.turn]
        assert turn["speaker"] in ("agent", "system"), entry
        assert _plain(entry.words) in _plain(turn["text"]), entry


def test_every_promise_is_kept_after_it_was_made_as_a_later_turn_shows() -> None:
    conversations = _conversations()
    for entry in read_outcomes().kept:
        made = datetime.fromisoformat(conversations[entry.conversation]["turns"][entry.turn]["at"])
        assert entry.kept_at > made, entry
        shown_in = re.findall(r"(conv-\d{4}) turns? \d", entry.evidence)
        assert shown_in, entry
        assert all(c in conversations for c in shown_in), entry


def test_no_promise_is_listed_twice() -> None:
    outcomes = read_outcomes()
    keys = [(e.conversation, e.turn, e.words) for e in (*outcomes.kept, *outcomes.withdrawn)]
    assert len(keys) == len(set(keys))
