"""Use cases of the promise ledger: record, keep, renegotiate, cancel and hand over promises.

Every change a customer would feel is a trust event in the same transaction
(`promise_made`, `promise_kept`, `promise_renegotiated`; the clock writes
`promise_broken`), and webhooks subscribed to it get the event queued there
too, so nothing is announced that was not stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from keepword.audit.results import AuditResult
from keepword.domain.conversations import Conversation, Speaker
from keepword.domain.errors import Conflict, NotFound
from keepword.domain.events import TrustEvent
from keepword.domain.promises import (
    Granularity,
    Party,
    Promise,
    PromiseKind,
    PromiseSource,
    PromiseStatus,
)
from keepword.domain.values import EXTERNAL_ID_MAX
from keepword.services.ports import Page, PageRequest, PromiseFilter, UnitOfWork
from keepword.services.trust import note_event

SOURCE_TYPE = "promise"
# A restatement within this distance of an open promise's due is the same promise said again.
SAME_DUE = timedelta(minutes=1)


def promise_id(*parts: str | int) -> str:
    """An id for a promise from where it came from, short enough to be an external id."""
    joined = ":".join(str(p) for p in parts)
    if len(joined) <= EXTERNAL_ID_MAX:
        return joined
    return "p-" + hashlib.sha256(joined.encode()).hexdigest()[:40]


def promise_payload(promise: Promise, now: datetime) -> dict[str, Any]:
    """A promise as webhooks and trust events tell it: plain JSON, instants with offsets."""

    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": promise.external_id,
        "kind": promise.kind.value,
        "text": promise.text,
        "status": promise.status.value,
        "state_now": promise.status_at(now),
        "made_at": iso(promise.made_at),
        "due": iso(promise.due),
        "granularity": promise.granularity.value if promise.granularity else None,
        "customer": promise.customer_id,
        "case": promise.case_id,
        "conversation": promise.conversation_id,
        "turn": promise.turn,
        "made_by": promise.maker.to_dict(),
        "owner": promise.owner.to_dict(),
        "closed_at": iso(promise.closed_at),
        "draft_message": promise.draft_message,
    }


def tell(
    uow: UnitOfWork, promise: Promise, kind: str, at: datetime, now: datetime, **details: Any
) -> None:
    """Write the trust event `kind` of a promise (when it has a customer) and queue the
    webhook event named after it, in the open unit of work."""
    facts: dict[str, Any] = {
        "promise": promise.external_id,
        "kind": promise.kind.value,
        "text": promise.text[:300],
        "due": promise.due.isoformat() if promise.due else None,
        "made_by": promise.maker.to_dict(),
        "owner": promise.owner.to_dict(),
        **details,
    }
    facts = {k: v for k, v in facts.items() if v is not None}
    if promise.customer_id is not None:
        note_event(
            uow,
            TrustEvent(promise.customer_id, at, kind, SOURCE_TYPE, promise.external_id, facts, now),
        )
    event = "promise." + kind.removeprefix("promise_")
    payload = {
        "event": event,
        "occurred_at": at.isoformat(),
        "promise": promise_payload(promise, now),
        "details": {k: v for k, v in details.items() if v is not None},
    }
    uow.webhooks.enqueue(event, payload, f"{promise.external_id}:{event}", now)


def _record(uow: UnitOfWork, promise: Promise, now: datetime) -> None:
    promise.schedule_risk(uow.organisation.get().risk_policy())
    uow.promises.add(promise, now)
    tell(uow, promise, "promise_made", promise.made_at, now)


# Promises found in conversations.


def _maker(conversation: Conversation, turn: int) -> Party:
    spoken = conversation.turns[turn]
    if spoken.speaker is Speaker.SYSTEM:
        return Party(system=spoken.agent_id or f"{conversation.channel.value}-system")
    team = spoken.team or (conversation.team_of(spoken.agent_id) if spoken.agent_id else None)
    return Party(spoken.agent_id, team)


def _same_due(a: Promise, due: datetime | None) -> bool:
    if a.due is None or due is None:
        return a.due is None and due is None
    if a.granularity is Granularity.DAY:
        return a.due.date() == due.astimezone(a.due.tzinfo).date()
    return abs(a.due - due) <= SAME_DUE


def record_found_promises(
    uow: UnitOfWork, conversation: Conversation, result: AuditResult, now: datetime
) -> list[Promise]:
    """Put the promises an audit found in the ledger, in the open unit of work; returns the
    new ones.

    A promise is keyed by its conversation, turn and kind, so auditing again never
    duplicates it. The same promise said again later in the conversation (same kind,
    same due) is one promise, with the restatement in its history. An open promise that
    a newer audit no longer finds, and that nobody has acted on, is withdrawn.
    """
    known = {p.external_id: p for p in uow.promises.in_conversation(conversation.external_id)}
    found_ids: set[str] = set()
    created: list[Promise] = []
    for found in result.promises:
        key = promise_id(conversation.external_id, found.turn, found.kind)
        found_ids.add(key)
        if key in known:
            continue
        said_before = next(
            (p for p in known.values() if p.was_restated_at(conversation.external_id, found.turn)),
            None,
        )
        if said_before is not None:
            # Already recorded as this promise said again; it may be closed since.
            found_ids.add(said_before.external_id)
            continue
        earlier = next(
            (
                p
                for p in known.values()
                if p.is_open
                and p.turn is not None
                and p.turn < found.turn
                and p.kind.value == found.kind
                and _same_due(p, found.due)
            ),
            None,
        )
        if earlier is not None:
            found_ids.add(earlier.external_id)
            if not earlier.was_restated_at(conversation.external_id, found.turn):
                earlier.restate(now, conversation.external_id, found.turn)
                # Guarded: if the clock broke it meanwhile, the restatement does not reopen it.
                uow.promises.save_if(earlier, now, was=PromiseStatus.OPEN, flagged=True)
            continue
        maker = _maker(conversation, found.turn)
        promise = Promise(
            external_id=key,
            kind=PromiseKind(found.kind),
            text=found.text or conversation.turns[found.turn].text[:300],
            made_at=conversation.turns[found.turn].at,
            due=found.due,
            granularity=Granularity(found.granularity) if found.granularity else None,
            maker=maker,
            owner=maker,
            source=PromiseSource.CONVERSATION,
            customer_id=conversation.customer_id,
            case_id=conversation.case_id,
            conversation_id=conversation.external_id,
            turn=found.turn,
        )
        promise.note_made()
        _record(uow, promise, now)
        known[key] = promise
        created.append(promise)
    for key, promise in known.items():
        untouched = all(c.what in ("made", "restated", "at_risk") for c in promise.history)
        if key not in found_ids and promise.is_open and untouched:
            promise.cancel(now, f"no longer found by audit model {result.model_version}")
            uow.promises.save_if(promise, now, was=PromiseStatus.OPEN, flagged=True)
    return created


# Promises from other systems, and what people do with promises.


@dataclass(frozen=True)
class NewPromise:
    """A promise another system records: a sales order's activation date, an appointment."""

    external_id: str
    kind: PromiseKind
    text: str
    due: datetime | None
    granularity: Granularity | None
    maker: Party
    owner: Party | None = None
    made_at: datetime | None = None
    customer_id: str | None = None
    case_id: str | None = None


def _same_as(stored: Promise, new: Promise) -> bool:
    # A promise that names only its case was stored with the case's customer filled in: sent
    # again, it is the same promise, not another one under the same id.
    customer = new.customer_id
    if customer is None and new.case_id is not None and new.case_id == stored.case_id:
        customer = stored.customer_id
    return (
        stored.kind,
        stored.text,
        stored.due,
        stored.granularity,
        stored.maker,
        stored.customer_id,
        stored.case_id,
    ) == (new.kind, new.text, new.due, new.granularity, new.maker, customer, new.case_id)


def create_promise(uow: UnitOfWork, new: NewPromise, now: datetime) -> tuple[Promise, bool]:
    """Record a promise another system made; (the promise, True) when it was created.

    Sending the same promise again is harmless and returns the stored one; sending
    another promise under an id already used is refused.
    """
    with uow:
        promise = Promise(
            external_id=new.external_id,
            kind=new.kind,
            text=new.text,
            made_at=new.made_at or now,
            due=new.due,
            granularity=new.granularity,
            maker=new.maker,
            owner=new.owner or new.maker,
            source=PromiseSource.API,
            customer_id=new.customer_id,
            case_id=new.case_id,
        )
        stored = uow.promises.get(new.external_id)
        if stored is not None:
            if _same_as(stored, promise):
                return stored, False
            raise Conflict(
                f"promise '{new.external_id}' already exists with other details; a new due is "
                "a renegotiation: POST /api/v1/promises/{id}/renegotiate",
                field="id",
            )
        _check_references(uow, promise)
        promise.note_made()
        _record(uow, promise, now)
        uow.commit()
    return promise, True


def _check_references(uow: UnitOfWork, promise: Promise) -> None:
    if promise.customer_id is not None and uow.customers.get(promise.customer_id) is None:
        raise Conflict(f"customer '{promise.customer_id}' does not exist", field="customer_id")
    if promise.case_id is not None:
        case = uow.cases.get(promise.case_id)
        if case is None:
            raise Conflict(f"case '{promise.case_id}' does not exist", field="case_id")
        if promise.customer_id is None:
            promise.customer_id = case.customer_id
        elif case.customer_id != promise.customer_id:
            raise Conflict(
                f"case '{case.external_id}' belongs to customer '{case.customer_id}'",
                field="case_id",
            )


def _load(uow: UnitOfWork, promise_id: str) -> Promise:
    promise = uow.promises.get(promise_id)
    if promise is None:
        raise NotFound("promise", promise_id)
    return promise


def get_promise(uow: UnitOfWork, promise_id: str) -> Promise:
    """The promise with this id; NotFound otherwise."""
    with uow:
        return _load(uow, promise_id)


def keep_promise(
    uow: UnitOfWork, promise_id: str, now: datetime, evidence: str | None, by: str | None = None
) -> Promise:
    """Mark a promise kept, with what shows it; refused (PromiseConflict) unless it is open."""
    with uow:
        promise = _load(uow, promise_id)
        promise.keep(now, evidence, by)
        if not uow.promises.save_if(promise, now, was=PromiseStatus.OPEN, flagged=True):
            raise Conflict(f"promise '{promise_id}' changed meanwhile; read it again", "status")
        late = promise.lateness(now)
        tell(
            uow,
            promise,
            "promise_kept",
            now,
            now,
            evidence=evidence,
            late_by_seconds=int(late.total_seconds()) if late else 0,
        )
        uow.commit()
    return promise


def renegotiate_promise(
    uow: UnitOfWork,
    promise_id: str,
    now: datetime,
    due: datetime,
    granularity: Granularity,
    told_customer: str,
) -> Promise:
    """Before its due, replace a promise by one with a new due the customer was told of;
    returns the new promise."""
    with uow:
        promise = _load(uow, promise_id)
        successor = promise.renegotiate(
            now, _successor_id(uow, promise), due, granularity, told_customer
        )
        if not uow.promises.save_if(promise, now, was=PromiseStatus.OPEN, flagged=True):
            raise Conflict(f"promise '{promise_id}' changed meanwhile; read it again", "status")
        tell(
            uow,
            promise,
            "promise_renegotiated",
            now,
            now,
            new_promise=successor.external_id,
            new_due=due.isoformat(),
            told_customer=told_customer[:300],
        )
        successor.schedule_risk(uow.organisation.get().risk_policy())
        uow.promises.add(successor, now)
        uow.commit()
    return successor


def _successor_id(uow: UnitOfWork, promise: Promise) -> str:
    """The next free id after `promise`'s: "<first id>~2", "~3", ... (one per renegotiation)."""
    first = promise.external_id.split("~")[0]
    for number in range(2, 1000):
        candidate = promise_id(f"{first}~{number}")
        if uow.promises.get(candidate) is None:
            return candidate
    raise Conflict(f"promise '{first}' was renegotiated too often", "id")


def cancel_promise(uow: UnitOfWork, promise_id: str, now: datetime, reason: str) -> Promise:
    """Withdraw an open promise, saying why."""
    with uow:
        promise = _load(uow, promise_id)
        promise.cancel(now, reason)
        if not uow.promises.save_if(promise, now, was=PromiseStatus.OPEN, flagged=True):
            raise Conflict(f"promise '{promise_id}' changed meanwhile; read it again", "status")
        uow.commit()
    return promise


def hand_over_promise(
    uow: UnitOfWork, promise_id: str, now: datetime, to: Party, note: str | None = None
) -> Promise:
    """Make another agent, team or system accountable for an open promise; the hand-over is
    kept in its history and the maker stays who made it."""
    with uow:
        promise = _load(uow, promise_id)
        promise.hand_over(now, to, note)
        # Guarded like every other change: an unguarded write of the open promise read above
        # would reopen one the clock broke (or unflag one it flagged) in the meantime.
        flagged = promise.flagged_at_risk_at is not None
        if not uow.promises.save_if(promise, now, was=PromiseStatus.OPEN, flagged=flagged):
            raise Conflict(f"promise '{promise_id}' changed meanwhile; read it again", "status")
        uow.commit()
    return promise


def list_promises(uow: UnitOfWork, where: PromiseFilter, page: PageRequest) -> Page[Promise]:
    """Promises matching `where`, one page at a time."""
    with uow:
        return uow.promises.list(where, page)


def promises_of(uow: UnitOfWork, where: PromiseFilter, limit: int = 500) -> Sequence[Promise]:
    """Up to `limit` promises matching `where` (for pages that show them all at once)."""
    with uow:
        return uow.promises.list(where, PageRequest(limit=min(limit, 500))).items
