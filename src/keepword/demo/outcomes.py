"""How the demo's promises end: the ones its stories keep, and what was never a promise.

promise_outcomes.json lists, by conversation and turn, the promises the demo's
stories show kept (with when, and the words that show it) and the audit's readings
that shared/design/promises.md does not count as promises (withdrawn, with the
reason). Everything else is left to the clock, which breaks what the stories break.
Applied through the promise services, so the ledger and the trust events say what
they would say had a person marked each one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from keepword.domain.errors import Conflict
from keepword.domain.promises import EVIDENCE_MAX, Promise, PromiseSource
from keepword.services.ports import PAGE_SIZE_MAX, PageRequest, PromiseFilter, UnitOfWorkFactory
from keepword.services.promises import cancel_promise, keep_promise, list_promises

OUTCOMES_FILE = "promise_outcomes.json"
KEPT_BY = "demo data"  # who marked them, in their history


class _Entry(BaseModel):
    """A promise found by its conversation and turn, of any kind; `words` quotes it, to tell
    apart the promises of one turn."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    conversation: str = Field(min_length=1)
    turn: int = Field(ge=0)
    words: str = Field(min_length=1)

    def finds(self, promise: Promise) -> bool:
        """True when `promise` is this entry's: same conversation and turn, quoting `words`."""
        return (
            promise.conversation_id == self.conversation
            and promise.turn == self.turn
            and _plain(self.words) in _plain(promise.text)
        )


class KeptPromise(_Entry):
    """A promise the stories show kept, at `kept_at`, as `evidence` says."""

    kept_at: AwareDatetime
    evidence: str = Field(min_length=1, max_length=EVIDENCE_MAX)


class WithdrawnPromise(_Entry):
    """What the audit read as a promise and is not one (a past action, an explanation)."""

    reason: str = Field(min_length=1)


class PromiseOutcomes(BaseModel):
    """The contents of promise_outcomes.json."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    about: str = ""
    kept: tuple[KeptPromise, ...] = ()
    withdrawn: tuple[WithdrawnPromise, ...] = ()


@dataclass(frozen=True)
class OutcomeReport:
    """What applying the outcomes did: promises kept and withdrawn now, promises skipped
    because they were kept, cancelled or otherwise closed before (a second load), and
    entries no promise answers (an audit model that no longer finds it)."""

    kept: int = 0
    withdrawn: int = 0
    already_closed: int = 0
    not_found: int = 0


def _plain(text: str) -> str:
    return " ".join(text.casefold().split())


def read_outcomes() -> PromiseOutcomes:
    """The demo's promise_outcomes.json, parsed."""
    text = resources.files("keepword.demo").joinpath(OUTCOMES_FILE).read_text(encoding="utf-8")
    return PromiseOutcomes.model_validate_json(text)


def _conversation_promises(uow_factory: UnitOfWorkFactory) -> dict[tuple[str, int], list[Promise]]:
    """Every conversation promise in the ledger, by conversation and turn."""
    found: dict[tuple[str, int], list[Promise]] = defaultdict(list)
    page = PageRequest(limit=PAGE_SIZE_MAX)
    while True:
        listed = list_promises(uow_factory(), PromiseFilter(), page)
        for promise in listed.items:
            if (
                promise.source is PromiseSource.CONVERSATION
                and promise.conversation_id is not None
                and promise.turn is not None
            ):
                found[(promise.conversation_id, promise.turn)].append(promise)
        if listed.next_cursor is None:
            return found
        page = PageRequest(limit=PAGE_SIZE_MAX, cursor=listed.next_cursor)


def apply_outcomes(
    uow_factory: UnitOfWorkFactory, outcomes: PromiseOutcomes, now: datetime
) -> OutcomeReport:
    """Keep the promises `outcomes` shows kept (at their instant) and cancel the withdrawn
    ones (at `now`, with their reason).

    Idempotent: a promise already kept, cancelled or broken is left as it is. An entry
    that finds no promise (the audit model reads the turn otherwise) is skipped and counted.
    """
    promises = _conversation_promises(uow_factory)
    counts = {"kept": 0, "withdrawn": 0, "already_closed": 0, "not_found": 0}
    done: set[str] = set()
    entries: list[KeptPromise | WithdrawnPromise] = [*outcomes.kept, *outcomes.withdrawn]
    for entry in entries:
        matches = [p for p in promises.get((entry.conversation, entry.turn), []) if entry.finds(p)]
        if not matches:
            counts["not_found"] += 1
        for promise in matches:
            if not promise.is_open or promise.external_id in done:
                counts["already_closed"] += 1
                continue
            try:
                if isinstance(entry, KeptPromise):
                    keep_promise(
                        uow_factory(), promise.external_id, entry.kept_at, entry.evidence, KEPT_BY
                    )
                    counts["kept"] += 1
                else:
                    cancel_promise(uow_factory(), promise.external_id, now, entry.reason)
                    counts["withdrawn"] += 1
            except Conflict:  # closed meanwhile (a clock running beside the load)
                counts["already_closed"] += 1
            done.add(promise.external_id)
    return OutcomeReport(**counts)
