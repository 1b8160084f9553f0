"""Use cases of the conversation audit: audit what is stored, keep the results, tell the trust log.

Every label and finding becomes a trust event keyed by where it was found, so
re-auditing never writes the same event twice; a label a newer model no longer
finds is withdrawn by a `retracted` event, since the log is append-only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from keepword.audit.calendars import customer_calendar
from keepword.audit.results import AuditResult
from keepword.audit.timeexpr import BusinessCalendar
from keepword.domain.conversations import Conversation
from keepword.domain.errors import NotFound
from keepword.domain.events import TrustEvent
from keepword.domain.promises import PromiseStatus
from keepword.domain.trust import REPEAT_OF, order_of
from keepword.services.ports import ConversationAuditor, UnitOfWork, UnitOfWorkFactory
from keepword.services.promises import record_found_promises
from keepword.services.trust import folding_once, note_event

RETRACTED = "retracted"


EventKey = tuple[str, str]  # (customer, source id)


def _events_of(conversation: Conversation, result: AuditResult) -> dict[EventKey, TrustEvent]:
    """The trust events an audit of `conversation` implies, keyed by customer and source.

    An anonymous conversation moves no customer's trust, so it implies none.
    """
    if conversation.customer_id is None:
        return {}
    events: dict[EventKey, TrustEvent] = {}
    first_of: dict[str, str] = {}  # label -> the source of its first turn here
    for found in sorted(result.labels, key=lambda label: label.turn):
        source_id = f"{conversation.external_id}:{found.turn}:{found.label}"
        turn = conversation.turns[found.turn]
        details = {
            "conversation": conversation.external_id,
            "turn": found.turn,
            "score": round(found.score, 4),
            "evidence": turn.text[found.span[0] : found.span[1]][:300],
        }
        if turn.agent_id is not None:
            details["agent"] = turn.agent_id
        if turn.team is not None:
            details["team"] = turn.team
        # The same behaviour again in the same conversation is one incident said again:
        # the trust fold weighs it less and compounds nothing on it (docs/trust-index.md).
        first = first_of.setdefault(found.label, source_id)
        if first != source_id:
            details[REPEAT_OF] = first
        events[(conversation.customer_id, source_id)] = TrustEvent(
            conversation.customer_id, turn.at, found.label, "turn_label", source_id, details
        )
    for finding in result.findings:
        source_id = f"{conversation.external_id}:{finding.label}"
        last = conversation.turns[max(finding.turns)] if finding.turns else conversation.turns[-1]
        events[(conversation.customer_id, source_id)] = TrustEvent(
            conversation.customer_id,
            last.at,
            finding.label,
            "finding",
            source_id,
            {"conversation": conversation.external_id, "turns": list(finding.turns)},
        )
    return events


def record_audit(
    uow: UnitOfWork,
    conversation: Conversation,
    result: AuditResult,
    now: datetime,
    previous: Conversation | None = None,
) -> None:
    """Store an audit in the open unit of work and append the trust events it changes.

    `previous` is the conversation as it was when it was last audited (default:
    the same conversation); the events that audit implied are read from it, so
    a conversation stored again with other turns or another customer retracts
    exactly what it said before.
    """
    before = uow.audits.get(conversation.external_id)
    uow.audits.replace(conversation, result, now)
    record_found_promises(uow, conversation, result, now)
    old = _events_of(previous or conversation, before) if before is not None else {}
    new = _events_of(conversation, result)
    _link_chases(uow, conversation, result, new)
    added = [_stamped(event, now) for key, event in new.items() if key not in old]
    withdrawn = [
        TrustEvent(
            event.customer_id,
            event.occurred_at,
            RETRACTED,
            event.source_type,
            event.source_id,
            {"retracts": event.kind, "model": result.model_version},
            now,
        )
        for key, event in old.items()
        if key not in new
    ]
    # In fold order, so each customer's index takes them one by one without a refold.
    for event in sorted([*added, *withdrawn], key=order_of):
        note_event(uow, event)


def _link_chases(
    uow: UnitOfWork,
    conversation: Conversation,
    result: AuditResult,
    events: dict[EventKey, TrustEvent],
) -> None:
    """Name, in each `customer_chased` event, the promise the customer is chasing: the
    latest one made before the first chasing turn that was broken, else the latest still
    open (in this conversation or an earlier one of the same customer)."""
    customer = conversation.customer_id
    chased = next((f for f in result.findings if f.label == "customer_chased"), None)
    if customer is None or chased is None or not chased.turns:
        return
    key = (customer, f"{conversation.external_id}:customer_chased")
    if key not in events:
        return
    first = conversation.turns[min(chased.turns)].at
    earlier = uow.promises.of_customer_before(customer, first)
    promise = next((p for p in earlier if p.status is PromiseStatus.BROKEN), None) or next(
        (p for p in earlier if p.is_open), None
    )
    if promise is not None:
        events[key].details["promise"] = promise.external_id
        events[key].details["promise_status"] = promise.status_at(first)


def calendar_for(uow: UnitOfWork, customer_id: str | None) -> BusinessCalendar:
    """The calendar a customer's promises fall due in: their time zone and country, else the
    organisation's, and the organisation's end of the business day."""
    organisation = uow.organisation.get()
    customer = uow.customers.get(customer_id) if customer_id is not None else None
    return customer_calendar(
        customer.timezone if customer else None,
        customer.country if customer else None,
        default_timezone=organisation.timezone,
        default_country=organisation.country,
        business_day_end=organisation.business_day_end,
    )


def _stamped(event: TrustEvent, now: datetime) -> TrustEvent:
    return TrustEvent(
        event.customer_id,
        event.occurred_at,
        event.kind,
        event.source_type,
        event.source_id,
        event.details,
        now,
    )


def audit_stored_conversation(
    uow: UnitOfWork, auditor: ConversationAuditor, conversation_id: str, now: datetime
) -> AuditResult:
    """Audit a stored conversation again and keep the result (replacing the earlier one)."""
    with uow:
        conversation = uow.conversations.get(conversation_id)
        if conversation is None:
            raise NotFound("conversation", conversation_id)
        result = auditor.audit(conversation, calendar_for(uow, conversation.customer_id))
        record_audit(uow, conversation, result, now)
        uow.commit()
    return result


def reaudit_outdated(
    uow_factory: UnitOfWorkFactory,
    auditor: ConversationAuditor,
    now: datetime,
    *,
    batch_size: int = 200,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Re-audit every conversation not yet audited by the auditor's model; returns how many.

    Each batch commits on its own, so an interrupted run resumes where it stopped.
    """
    total = 0
    while True:
        uow = uow_factory()
        with uow:
            pending = uow.audits.outdated(auditor.model_version, batch_size)
            if not pending:
                return total
            # A new model retracts and adds labels: each customer refolds once a batch.
            with folding_once(uow):
                for conversation_id in pending:
                    conversation = uow.conversations.get(conversation_id)
                    if conversation is not None:
                        calendar = calendar_for(uow, conversation.customer_id)
                        result = auditor.audit(conversation, calendar)
                        record_audit(uow, conversation, result, now)
            uow.commit()
        total += len(pending)
        if on_batch is not None:
            on_batch(len(pending))
