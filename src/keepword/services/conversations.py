"""Use cases for conversations: store one, store many atomically, import a file line by line."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from keepword.domain.agents import Agent
from keepword.domain.cases import Case
from keepword.domain.conversations import Conversation
from keepword.domain.customers import Customer
from keepword.domain.errors import Conflict, DomainError
from keepword.services.audits import calendar_for, record_audit
from keepword.services.ports import ConversationAuditor, UnitOfWork, UnitOfWorkFactory
from keepword.services.trust import folding_once
from keepword.services.upserts import Upserted, save_stamped


@dataclass
class IncomingConversation:
    """A conversation as a source sends it, with what the source says about its customer.

    The conversation file is self-describing: a customer, case or agent it names
    that Keepword has not seen yet is created from it.
    """

    conversation: Conversation
    customer_country: str | None = None
    customer_timezone: str | None = None


def _stub_case(conversation: Conversation, case_id: str) -> Case:
    if conversation.customer_id is None:
        raise Conflict(
            f"case '{case_id}' does not exist and the conversation names no customer to open "
            "it for; give customer.id or create the case first",
            field="case_id",
        )
    first_team = next((t.team for t in conversation.turns if t.team), None)
    return Case(
        external_id=case_id,
        customer_id=conversation.customer_id,
        opened_at=conversation.started_at,
        team=first_team,
    )


def _store(
    uow: UnitOfWork,
    incoming: IncomingConversation,
    now: datetime,
    auditor: ConversationAuditor | None,
) -> bool:
    """Store (and audit) without committing; checks run before the first write. True if created."""
    conversation = incoming.conversation
    case_to_open: Case | None = None
    if conversation.case_id is not None:
        case = uow.cases.get(conversation.case_id)
        if case is None:
            case_to_open = _stub_case(conversation, conversation.case_id)
        elif conversation.customer_id is None:
            conversation.customer_id = case.customer_id
        elif case.customer_id != conversation.customer_id:
            raise Conflict(
                f"case '{case.external_id}' belongs to customer '{case.customer_id}', "
                f"not '{conversation.customer_id}'",
                field="case_id",
            )

    if conversation.customer_id is not None:
        _remember_customer(uow, incoming, conversation.customer_id, now)
    for agent_id in conversation.agent_ids:
        if uow.agents.get(agent_id) is None:
            agent = Agent(agent_id, team=conversation.team_of(agent_id))
            agent.created_at = agent.updated_at = now
            uow.agents.save(agent)
    if case_to_open is not None:
        case_to_open.created_at = case_to_open.updated_at = now
        uow.cases.save(case_to_open)

    previous = uow.conversations.get(conversation.external_id) if auditor else None
    created = save_stamped(uow.conversations, conversation, now)
    if auditor is not None:
        calendar = calendar_for(uow, conversation.customer_id)
        record_audit(uow, conversation, auditor.audit(conversation, calendar), now, previous)
    return created


def _remember_customer(
    uow: UnitOfWork, incoming: IncomingConversation, customer_id: str, now: datetime
) -> None:
    """Create an unknown customer; fill in, never overwrite, what the CRM already said."""
    customer = uow.customers.get(customer_id)
    if customer is None:
        customer = Customer(
            customer_id, country=incoming.customer_country, timezone=incoming.customer_timezone
        )
        customer.created_at = now
    elif (customer.country or not incoming.customer_country) and (
        customer.timezone or not incoming.customer_timezone
    ):
        return
    customer.country = customer.country or incoming.customer_country
    customer.timezone = customer.timezone or incoming.customer_timezone
    customer.updated_at = now
    uow.customers.save(customer)


def store_conversation(
    uow: UnitOfWork,
    incoming: IncomingConversation,
    now: datetime,
    auditor: ConversationAuditor | None = None,
) -> Upserted[Conversation]:
    """Create or replace a conversation by its id, with the customer, case and agents it names.

    With an auditor, the conversation is audited in the same transaction.
    """
    with uow:
        created = _store(uow, incoming, now, auditor)
        uow.commit()
    return Upserted(incoming.conversation, created)


@dataclass(frozen=True)
class RejectedLine:
    """A line of an import that was not stored, and why."""

    line: int
    reason: str
    conversation_id: str | None = None


def store_conversations(
    uow: UnitOfWork,
    batch: list[tuple[int, IncomingConversation]],
    now: datetime,
    auditor: ConversationAuditor | None = None,
) -> list[Upserted[Conversation]]:
    """Store every conversation of `batch` or none: the first refusal aborts the whole batch.

    Raises :class:`BatchRefused` naming the line that was refused.
    """
    results = []
    with uow:
        for line, incoming in batch:
            try:
                created = _store(uow, incoming, now, auditor)
            except DomainError as error:
                raise BatchRefused(line, incoming.conversation.external_id, error) from error
            results.append(Upserted(incoming.conversation, created))
        uow.commit()
    return results


class BatchRefused(DomainError):
    """One line of an all-or-nothing batch was refused, so nothing was stored."""

    def __init__(self, line: int, conversation_id: str, error: DomainError) -> None:
        super().__init__(f"line {line} (conversation '{conversation_id}'): {error}")
        self.line = line
        self.conversation_id = conversation_id
        self.error = error


@dataclass
class ImportReport:
    """What an import did: counts, and every line it refused."""

    created: int = 0
    updated: int = 0
    rejected: list[RejectedLine] = field(default_factory=list)

    @property
    def stored(self) -> int:
        """Conversations created or updated."""
        return self.created + self.updated


ParsedLine = tuple[int, IncomingConversation | RejectedLine]


def import_conversations(
    uow_factory: UnitOfWorkFactory,
    lines: Iterable[ParsedLine],
    now: datetime,
    *,
    auditor: ConversationAuditor | None = None,
    batch_size: int = 200,
    on_line: Callable[[int], None] | None = None,
) -> ImportReport:
    """Store every parsed line, keep going past bad ones, and report each refusal.

    Lines are committed in batches for speed. A refused conversation is caught
    before anything of it is written, so the rest of its batch still commits.
    Re-importing a file updates what it stored before and never duplicates.
    `on_line` is called with the number of lines handled since the last call.
    """
    report = ImportReport()
    pending: list[tuple[int, IncomingConversation]] = []

    def flush() -> None:
        uow = uow_factory()
        # A customer's trust index takes the batch's events once (their conversations
        # may come in any order of time), not once an event.
        with uow:
            with folding_once(uow):
                for line, incoming in pending:
                    try:
                        created = _store(uow, incoming, now, auditor)
                    except DomainError as error:
                        report.rejected.append(
                            RejectedLine(line, str(error), incoming.conversation.external_id)
                        )
                        continue
                    if created:
                        report.created += 1
                    else:
                        report.updated += 1
            uow.commit()
        if on_line is not None:
            on_line(len(pending))
        pending.clear()

    for line, parsed in lines:
        if isinstance(parsed, RejectedLine):
            report.rejected.append(parsed)
            if on_line is not None:
                on_line(1)
            continue
        pending.append((line, parsed))
        if len(pending) >= batch_size:
            flush()
    if pending:
        flush()
    report.rejected.sort(key=lambda rejected: rejected.line)
    return report
