"""Repositories: domain objects in, domain objects out; external ids outside, row ids inside."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar, cast

from sqlalchemy import Row, Select, Table, bindparam, delete, insert, or_, select
from sqlalchemy.orm import Session, aliased

from keepword.adapters.db.models import (
    AccountRow,
    AgentRow,
    ApiTokenRow,
    AuditRow,
    Base,
    CaseRow,
    ConversationRow,
    CustomerRow,
    DashboardSessionRow,
    FindingRow,
    OrganisationRow,
    TrustEventRow,
    TurnLabelRow,
    TurnRow,
    UserRow,
)
from keepword.audit.results import AuditResult, Finding, TurnLabel, UnsupportedTurn
from keepword.domain.access import ApiToken, DashboardSession, Role, User
from keepword.domain.agents import Agent
from keepword.domain.cases import Case, CaseStatus, RootCause
from keepword.domain.conversations import Channel, Conversation, Speaker, Turn
from keepword.domain.customers import Account, AccountStatus, Customer
from keepword.domain.errors import InvalidValue
from keepword.domain.events import TrustEvent
from keepword.domain.organisation import Organisation, parse_business_day_end
from keepword.services.ports import PAGE_SIZE_MAX, ListFilter, Page, PageRequest, StoredLabel


class _Identified(Protocol):
    external_id: str


E = TypeVar("E", bound=_Identified)
T = TypeVar("T")
AnySelect = Select[*tuple[Any, ...]]


_IDS_OF: dict[type[Any], Any] = {}


def _id_of(model: type[Any]) -> Any:
    """The statement that finds a row's id by its external id, built once a table: each
    trust event's write asks it (building one costs about what running it does)."""
    found = _IDS_OF.get(model)
    if found is None:
        # The table's columns, not the mapped class's: see _TOKEN_BY_HASH.
        table = cast(Table, model.__table__)
        found = select(table.c.id).where(table.c.external_id == bindparam("external_id"))
        _IDS_OF[model] = found
    return found


_BY_EXTERNAL_ID: dict[type[Any], AnySelect] = {}


class RowIds:
    """Translates external ids to row ids, remembering them for the unit of work."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._known: dict[tuple[type[Base], str], int] = {}

    def find(self, model: type[Any], external_id: str) -> int | None:
        key = (model, external_id)
        if key not in self._known:
            row_id = self._session.scalar(_id_of(model), {"external_id": external_id})
            if row_id is None:
                return None
            self._known[key] = row_id
        return self._known[key]

    def require(self, model: type[Any], external_id: str) -> int:
        row_id = self.find(model, external_id)
        if row_id is None:
            # Services check references first; reaching this is a bug, not bad input.
            raise LookupError(f"{model.__tablename__} '{external_id}' vanished mid-transaction")
        return row_id

    def optional(self, model: type[Any], external_id: str | None) -> int | None:
        return None if external_id is None else self.require(model, external_id)


def _contains(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with % and _ in it taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


ROW_ID_MAX = 2**31 - 1  # row ids are INTEGER on PostgreSQL


def _decode_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    # isdigit() alone admits "²"; anything past the largest row id would overflow the column.
    if not (cursor.isascii() and cursor.isdigit()) or int(cursor) > ROW_ID_MAX:
        raise InvalidValue("cursor", "not a cursor this list gave out; start again without it")
    return int(cursor)


def _encode_time_cursor(at: datetime, row_id: int) -> str:
    return f"{int(at.timestamp() * 1_000_000)}.{row_id}"


def _decode_time_cursor(cursor: str) -> tuple[datetime, int]:
    """The (instant, row id) a newest-first list stopped at; InvalidValue for anything else."""
    micros, _, row_id = cursor.partition(".")
    if not (micros.isascii() and micros.isdigit() and row_id.isascii() and row_id.isdigit()):
        raise InvalidValue("cursor", "not a cursor this list gave out; start again without it")
    if int(row_id) > ROW_ID_MAX or int(micros) > 10**17:
        raise InvalidValue("cursor", "not a cursor this list gave out; start again without it")
    return datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC), int(row_id)


def _page(rows: Sequence[tuple[int, T]], limit: int) -> Page[T]:
    has_more = len(rows) > limit
    kept = rows[:limit]
    next_cursor = str(kept[-1][0]) if has_more and kept else None
    return Page([entity for _, entity in kept], next_cursor)


def _limit(page: PageRequest) -> int:
    if not 1 <= page.limit <= PAGE_SIZE_MAX:
        raise InvalidValue("limit", f"must be between 1 and {PAGE_SIZE_MAX}")
    return page.limit


class _ExternalIdRepository(Generic[E]):
    """Shared shape of repositories keyed by `external_id`; subclasses map rows both ways."""

    # Any: every model here has `id` and `external_id`, which the Base type cannot say.
    model: Any
    cacheable = True

    def __init__(self, session: Session, ids: RowIds) -> None:
        self.session = session
        self.ids = ids
        self._cache: dict[str, E] = {}

    def _select(self) -> AnySelect:
        return select(self.model)

    def _to_domain(self, row: Any) -> E:
        raise NotImplementedError

    def _fill(self, row: Any, entity: E) -> None:
        raise NotImplementedError

    def _where(self, query: AnySelect, where: ListFilter) -> AnySelect:
        return query

    def _by_external_id(self) -> AnySelect:
        # Built once a repository class: every read of one record by its id asks it, and
        # building it (with its cache key) costs more than SQLite's lookup does.
        found = _BY_EXTERNAL_ID.get(type(self))
        if found is None:
            found = self._select().where(self.model.external_id == bindparam("external_id"))
            _BY_EXTERNAL_ID[type(self)] = found
        return found

    def get(self, external_id: str) -> E | None:
        if external_id in self._cache:
            return copy.copy(self._cache[external_id])
        row = self.session.execute(self._by_external_id(), {"external_id": external_id}).first()
        if row is None:
            return None
        entity = self._to_domain(row)
        self._remember(entity)
        return entity

    def _remember(self, entity: E) -> None:
        # An import asks for the same customers and agents again and again; within one
        # transaction the answer cannot change behind our back, so it is kept.
        if self.cacheable:
            self._cache[entity.external_id] = copy.copy(entity)

    def created_at_of(self, external_id: str) -> datetime | None:
        if external_id in self._cache:
            return getattr(self._cache[external_id], "created_at", None)
        return self.session.scalar(
            select(self.model.created_at).where(self.model.external_id == external_id)
        )

    def save(self, entity: E) -> None:
        external_id: str = entity.external_id
        row = self.session.scalar(select(self.model).where(self.model.external_id == external_id))
        is_new = row is None
        if row is None:
            row = self.model()
            row.external_id = external_id
        # Fill before adding: a lookup while filling would flush a half-filled row.
        self._fill(row, entity)
        if is_new:
            self.session.add(row)
        self.session.flush()
        self._remember(entity)

    def list(self, where: ListFilter, page: PageRequest) -> Page[E]:
        limit = _limit(page)
        row_id = self.model.id
        query = self._where(self._select(), where)
        query = query.where(row_id > _decode_cursor(page.cursor)).order_by(row_id).limit(limit + 1)
        rows = self.session.execute(query).all()
        return _page([(row[0].id, self._to_domain(row)) for row in rows], limit)


class CustomerRepository(_ExternalIdRepository[Customer]):
    model = CustomerRow

    def _to_domain(self, row: Any) -> Customer:
        r: CustomerRow = row[0]
        return Customer(r.external_id, r.name, r.country, r.timezone, r.created_at, r.updated_at)

    def _fill(self, row: CustomerRow, c: Customer) -> None:
        row.name, row.country, row.timezone = c.name, c.country, c.timezone
        assert c.created_at is not None
        assert c.updated_at is not None
        row.created_at, row.updated_at = c.created_at, c.updated_at

    def _where(self, query: AnySelect, where: ListFilter) -> AnySelect:
        if where.search:
            pattern = _contains(where.search)
            query = query.where(
                or_(
                    CustomerRow.external_id.ilike(pattern, escape="\\"),
                    CustomerRow.name.ilike(pattern, escape="\\"),
                )
            )
        return query


class AccountRepository(_ExternalIdRepository[Account]):
    model = AccountRow

    def _select(self) -> AnySelect:
        return select(AccountRow, CustomerRow.external_id).join(
            CustomerRow, AccountRow.customer_id == CustomerRow.id
        )

    def _to_domain(self, row: Any) -> Account:
        r: AccountRow = row[0]
        return Account(
            r.external_id,
            row[1],
            r.kind,
            AccountStatus(r.status),
            r.balance_minor,
            r.currency,
            r.created_at,
            r.updated_at,
        )

    def _fill(self, row: AccountRow, a: Account) -> None:
        row.customer_id = self.ids.require(CustomerRow, a.customer_id)
        row.kind, row.status = a.kind, a.status.value
        row.balance_minor, row.currency = a.balance_minor, a.currency
        assert a.created_at is not None
        assert a.updated_at is not None
        row.created_at, row.updated_at = a.created_at, a.updated_at

    def _where(self, query: AnySelect, where: ListFilter) -> AnySelect:
        if where.customer_id:
            query = query.where(CustomerRow.external_id == where.customer_id)
        if where.status:
            query = query.where(AccountRow.status == where.status)
        return query


class AgentRepository(_ExternalIdRepository[Agent]):
    model = AgentRow

    def _to_domain(self, row: Any) -> Agent:
        r: AgentRow = row[0]
        return Agent(r.external_id, r.name, r.team, r.active, r.created_at, r.updated_at)

    def _fill(self, row: AgentRow, a: Agent) -> None:
        row.name, row.team, row.active = a.name, a.team, a.active
        assert a.created_at is not None
        assert a.updated_at is not None
        row.created_at, row.updated_at = a.created_at, a.updated_at

    def _where(self, query: AnySelect, where: ListFilter) -> AnySelect:
        if where.team:
            query = query.where(AgentRow.team == where.team)
        if where.search:
            pattern = _contains(where.search)
            query = query.where(
                or_(
                    AgentRow.external_id.ilike(pattern, escape="\\"),
                    AgentRow.name.ilike(pattern, escape="\\"),
                )
            )
        return query


_CaseAccount = aliased(AccountRow)
_CaseOwner = aliased(AgentRow)


class CaseRepository(_ExternalIdRepository[Case]):
    model = CaseRow

    def _select(self) -> AnySelect:
        return (
            select(
                CaseRow, CustomerRow.external_id, _CaseAccount.external_id, _CaseOwner.external_id
            )
            .join(CustomerRow, CaseRow.customer_id == CustomerRow.id)
            .outerjoin(_CaseAccount, CaseRow.account_id == _CaseAccount.id)
            .outerjoin(_CaseOwner, CaseRow.owner_agent_id == _CaseOwner.id)
        )

    def _to_domain(self, row: Any) -> Case:
        r: CaseRow = row[0]
        return Case(
            external_id=r.external_id,
            customer_id=row[1],
            opened_at=r.opened_at,
            account_id=row[2],
            owner_agent_id=row[3],
            team=r.team,
            subject=r.subject,
            status=CaseStatus(r.status),
            root_cause=RootCause(r.root_cause),
            closed_at=r.closed_at,
            created_at=r.created_at,
            updated_at=r.updated_at,
        )

    def _fill(self, row: CaseRow, c: Case) -> None:
        row.customer_id = self.ids.require(CustomerRow, c.customer_id)
        row.account_id = self.ids.optional(AccountRow, c.account_id)
        row.owner_agent_id = self.ids.optional(AgentRow, c.owner_agent_id)
        row.team, row.subject = c.team, c.subject
        row.status, row.root_cause = c.status.value, c.root_cause.value
        row.opened_at, row.closed_at = c.opened_at, c.closed_at
        assert c.created_at is not None
        assert c.updated_at is not None
        row.created_at, row.updated_at = c.created_at, c.updated_at

    def _where(self, query: AnySelect, where: ListFilter) -> AnySelect:
        if where.customer_id:
            query = query.where(CustomerRow.external_id == where.customer_id)
        if where.account_id:
            query = query.where(_CaseAccount.external_id == where.account_id)
        if where.team:
            query = query.where(CaseRow.team == where.team)
        if where.status:
            query = query.where(CaseRow.status == where.status)
        if where.since:
            query = query.where(CaseRow.opened_at >= where.since)
        if where.until:
            query = query.where(CaseRow.opened_at < where.until)
        return query


_ConversationCustomer = aliased(CustomerRow)
_ConversationCase = aliased(CaseRow)


class ConversationRepository(_ExternalIdRepository[Conversation]):
    """Conversations with their turns; saving replaces the turns wholesale."""

    model = ConversationRow
    cacheable = False  # large, and read once per use case

    def _select(self) -> AnySelect:
        return (
            select(
                ConversationRow,
                _ConversationCustomer.external_id,
                _ConversationCase.external_id,
            )
            .outerjoin(
                _ConversationCustomer, ConversationRow.customer_id == _ConversationCustomer.id
            )
            .outerjoin(_ConversationCase, ConversationRow.case_id == _ConversationCase.id)
        )

    def _turns(self, conversation_ids: list[int]) -> dict[int, list[Turn]]:
        turns: dict[int, list[Turn]] = {cid: [] for cid in conversation_ids}
        if not conversation_ids:
            return turns
        rows = self.session.execute(
            select(TurnRow, AgentRow.external_id)
            .outerjoin(AgentRow, TurnRow.agent_id == AgentRow.id)
            .where(TurnRow.conversation_id.in_(conversation_ids))
            .order_by(TurnRow.conversation_id, TurnRow.index)
        ).all()
        for turn, agent_external_id in rows:
            turns[turn.conversation_id].append(
                Turn(
                    Speaker(turn.speaker),
                    turn.text,
                    turn.at,
                    agent_external_id,
                    turn.team,
                    dict(turn.extra or {}),
                )
            )
        return turns

    def _build(self, row: Any, turns: list[Turn]) -> Conversation:
        r: ConversationRow = row[0]
        return Conversation(
            external_id=r.external_id,
            started_at=r.started_at,
            turns=turns,
            channel=Channel(r.channel),
            customer_id=row[1],
            case_id=row[2],
            extra=dict(r.extra or {}),
            created_at=r.created_at,
            updated_at=r.updated_at,
        )

    def _to_domain(self, row: Any) -> Conversation:
        return self._build(row, self._turns([row[0].id])[row[0].id])

    def save(self, entity: Conversation) -> None:
        row = self.session.scalar(
            select(ConversationRow).where(ConversationRow.external_id == entity.external_id)
        )
        customer_id = self.ids.optional(CustomerRow, entity.customer_id)
        case_id = self.ids.optional(CaseRow, entity.case_id)
        agent_ids = [self.ids.optional(AgentRow, turn.agent_id) for turn in entity.turns]
        if row is None:
            row = ConversationRow(external_id=entity.external_id)
            self.session.add(row)
        else:
            self.session.execute(delete(TurnRow).where(TurnRow.conversation_id == row.id))
        row.channel = entity.channel.value
        row.customer_id, row.case_id = customer_id, case_id
        row.started_at = entity.started_at
        row.extra = entity.extra
        assert entity.created_at is not None
        assert entity.updated_at is not None
        row.created_at, row.updated_at = entity.created_at, entity.updated_at
        self.session.flush()
        self.session.execute(
            insert(TurnRow),
            [
                {
                    "conversation_id": row.id,
                    "index": index,
                    "speaker": turn.speaker.value,
                    "text": turn.text,
                    "at": turn.at,
                    "agent_id": agent_id,
                    "team": turn.team,
                    "extra": turn.extra or None,
                }
                for index, (turn, agent_id) in enumerate(zip(entity.turns, agent_ids, strict=True))
            ],
        )

    def list(self, where: ListFilter, page: PageRequest) -> Page[Conversation]:
        limit = _limit(page)
        query = self._select().where(ConversationRow.id > _decode_cursor(page.cursor))
        if where.customer_id:
            query = query.where(_ConversationCustomer.external_id == where.customer_id)
        if where.case_id:
            query = query.where(_ConversationCase.external_id == where.case_id)
        if where.since:
            query = query.where(ConversationRow.started_at >= where.since)
        if where.until:
            query = query.where(ConversationRow.started_at < where.until)
        rows = self.session.execute(query.order_by(ConversationRow.id).limit(limit + 1)).all()
        # The extra row only says whether another page exists; its turns are not loaded.
        kept = rows[:limit]
        turns = self._turns([row[0].id for row in kept])
        conversations = [self._build(row, turns[row[0].id]) for row in kept]
        next_cursor = str(kept[-1][0].id) if len(rows) > limit else None
        return Page(conversations, next_cursor)


class AuditRepository:
    """The latest audit of each conversation, with its turn labels and findings."""

    def __init__(self, session: Session, ids: RowIds) -> None:
        self.session = session
        self.ids = ids

    def get(self, conversation_id: str) -> AuditResult | None:
        row_id = self.ids.find(ConversationRow, conversation_id)
        if row_id is None:
            return None
        audit = self.session.scalar(select(AuditRow).where(AuditRow.conversation_id == row_id))
        if audit is None:
            return None
        labels = self.session.scalars(
            select(TurnLabelRow)
            .where(TurnLabelRow.conversation_id == row_id)
            .order_by(TurnLabelRow.turn, TurnLabelRow.label)
        )
        findings = self.session.scalars(
            select(FindingRow).where(FindingRow.conversation_id == row_id).order_by(FindingRow.id)
        )
        return AuditResult(
            conversation_id=conversation_id,
            labels=tuple(
                TurnLabel(r.turn, r.label, r.score, (r.span_start, r.span_end)) for r in labels
            ),
            findings=tuple(Finding(r.label, tuple(r.turns)) for r in findings),
            unsupported=tuple(
                UnsupportedTurn(int(u["turn"]), str(u["reason"])) for u in audit.unsupported
            ),
            model_version=audit.model_version,
        )

    def replace(
        self, conversation: Conversation, result: AuditResult, audited_at: datetime
    ) -> None:
        row_id = self.ids.require(ConversationRow, conversation.external_id)
        self.session.execute(delete(TurnLabelRow).where(TurnLabelRow.conversation_id == row_id))
        self.session.execute(delete(FindingRow).where(FindingRow.conversation_id == row_id))
        audit = self.session.scalar(select(AuditRow).where(AuditRow.conversation_id == row_id))
        if audit is None:
            audit = AuditRow(conversation_id=row_id)
            self.session.add(audit)
        audit.model_version = result.model_version
        audit.audited_at = audited_at
        audit.unsupported = [{"turn": u.turn, "reason": u.reason} for u in result.unsupported]
        turns = conversation.turns
        if result.labels:
            self.session.execute(
                insert(TurnLabelRow),
                [
                    {
                        "conversation_id": row_id,
                        "turn": found.turn,
                        "label": found.label,
                        "score": found.score,
                        "span_start": found.span[0],
                        "span_end": found.span[1],
                        "at": turns[found.turn].at,
                        "agent_id": self.ids.optional(AgentRow, turns[found.turn].agent_id),
                        "team": turns[found.turn].team,
                    }
                    for found in result.labels
                ],
            )
        for finding in result.findings:
            last = turns[max(finding.turns)] if finding.turns else turns[-1]
            self.session.add(
                FindingRow(
                    conversation_id=row_id,
                    label=finding.label,
                    turns=list(finding.turns),
                    at=last.at,
                )
            )
        self.session.flush()

    def labels(self, where: ListFilter, page: PageRequest) -> Page[StoredLabel]:
        limit = _limit(page)
        query = (
            select(TurnLabelRow, ConversationRow.external_id, AgentRow.external_id, TurnRow.text)
            .join(ConversationRow, TurnLabelRow.conversation_id == ConversationRow.id)
            .join(
                TurnRow,
                (TurnRow.conversation_id == TurnLabelRow.conversation_id)
                & (TurnRow.index == TurnLabelRow.turn),
            )
            .outerjoin(AgentRow, TurnLabelRow.agent_id == AgentRow.id)
        )
        if page.cursor is not None:
            at, row_id = _decode_time_cursor(page.cursor)
            query = query.where(
                (TurnLabelRow.at < at) | ((TurnLabelRow.at == at) & (TurnLabelRow.id < row_id))
            )
        if label := where.extra.get("label"):
            query = query.where(TurnLabelRow.label.in_(label.split(",")))
        if agent := where.extra.get("agent_id"):
            query = query.where(AgentRow.external_id == agent)
        if where.team:
            query = query.where(TurnLabelRow.team == where.team)
        if where.customer_id:
            query = query.join(CustomerRow, ConversationRow.customer_id == CustomerRow.id).where(
                CustomerRow.external_id == where.customer_id
            )
        if where.since:
            query = query.where(TurnLabelRow.at >= where.since)
        if where.until:
            query = query.where(TurnLabelRow.at < where.until)
        rows = self.session.execute(
            query.order_by(TurnLabelRow.at.desc(), TurnLabelRow.id.desc()).limit(limit + 1)
        ).all()
        found = [
            (
                r,
                StoredLabel(
                    conversation_id=conversation,
                    turn=r.turn,
                    label=r.label,
                    score=r.score,
                    span=(r.span_start, r.span_end),
                    at=r.at,
                    agent_id=agent_id,
                    team=r.team,
                    text=text,
                ),
            )
            for r, conversation, agent_id, text in rows
        ]
        kept = found[:limit]
        next_cursor = (
            _encode_time_cursor(kept[-1][0].at, kept[-1][0].id) if len(found) > limit else None
        )
        return Page([label for _, label in kept], next_cursor)

    def outdated(self, model_version: str, limit: int) -> Sequence[str]:
        query = (
            select(ConversationRow.external_id)
            .outerjoin(AuditRow, AuditRow.conversation_id == ConversationRow.id)
            .where((AuditRow.id.is_(None)) | (AuditRow.model_version != model_version))
            .order_by(ConversationRow.id)
            .limit(limit)
        )
        return list(self.session.scalars(query))


class TrustEventRepository:
    """The append-only log: there is deliberately no update or delete here."""

    def __init__(self, session: Session, ids: RowIds) -> None:
        self.session = session
        self.ids = ids

    def append(self, event: TrustEvent) -> None:
        assert event.recorded_at is not None
        self.session.add(
            TrustEventRow(
                customer_id=self.ids.require(CustomerRow, event.customer_id),
                occurred_at=event.occurred_at,
                kind=event.kind,
                source_type=event.source_type,
                source_id=event.source_id,
                details=event.details,
                recorded_at=event.recorded_at,
            )
        )
        self.session.flush()

    def list(self, where: ListFilter, page: PageRequest) -> Page[TrustEvent]:
        limit = _limit(page)
        query = (
            select(TrustEventRow, CustomerRow.external_id)
            .join(CustomerRow, TrustEventRow.customer_id == CustomerRow.id)
            .where(TrustEventRow.id > _decode_cursor(page.cursor))
        )
        if where.customer_id:
            query = query.where(CustomerRow.external_id == where.customer_id)
        if where.since:
            query = query.where(TrustEventRow.occurred_at >= where.since)
        if where.until:
            query = query.where(TrustEventRow.occurred_at < where.until)
        rows = self.session.execute(query.order_by(TrustEventRow.id).limit(limit + 1)).all()
        return _page(
            [
                (
                    r.id,
                    TrustEvent(
                        customer_id=customer,
                        occurred_at=r.occurred_at,
                        kind=r.kind,
                        source_type=r.source_type,
                        source_id=r.source_id,
                        details=dict(r.details or {}),
                        recorded_at=r.recorded_at,
                    ),
                )
                for r, customer in rows
            ],
            limit,
        )


def _token(row: ApiTokenRow | Row[*tuple[Any, ...]]) -> ApiToken:
    return ApiToken(
        row.token_id, row.name, Role(row.role), row.created_at, row.last_used_at, row.revoked_at
    )


class TokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, token: ApiToken, secret_hash: str) -> None:
        self.session.add(
            ApiTokenRow(
                token_id=token.token_id,
                name=token.name,
                role=token.role.value,
                secret_hash=secret_hash,
                created_at=token.created_at,
            )
        )
        self.session.flush()

    def get(self, token_id: str) -> ApiToken | None:
        row = self.session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_id == token_id))
        return None if row is None else _token(row)

    def find_by_hash(self, secret_hash: str) -> ApiToken | None:
        row = self.session.execute(_TOKEN_BY_HASH, {"secret_hash": secret_hash}).first()
        return None if row is None else _token(row)

    def save(self, token: ApiToken) -> None:
        row = self.session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_id == token.token_id))
        if row is None:
            raise LookupError(f"token '{token.token_id}' is not stored")
        row.name, row.role = token.name, token.role.value
        row.last_used_at, row.revoked_at = token.last_used_at, token.revoked_at
        self.session.flush()

    def all(self) -> Sequence[ApiToken]:
        return [
            _token(r) for r in self.session.scalars(select(ApiTokenRow).order_by(ApiTokenRow.id))
        ]


def _user(row: UserRow) -> User:
    return User(row.username, Role(row.role), row.password_hash, row.created_at, row.active)


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, username: str) -> User | None:
        row = self.session.scalar(select(UserRow).where(UserRow.username == username))
        return None if row is None else _user(row)

    def save(self, user: User) -> None:
        row = self.session.scalar(select(UserRow).where(UserRow.username == user.username))
        if row is None:
            row = UserRow(username=user.username)
            self.session.add(row)
        row.role, row.password_hash = user.role.value, user.password_hash
        row.active, row.created_at = user.active, user.created_at
        self.session.flush()

    def all(self) -> Sequence[User]:
        return [_user(r) for r in self.session.scalars(select(UserRow).order_by(UserRow.username))]


class SessionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, dashboard_session: DashboardSession) -> None:
        user_id = self.session.scalar(
            select(UserRow.id).where(UserRow.username == dashboard_session.username)
        )
        if user_id is None:
            raise LookupError(f"user '{dashboard_session.username}' is not stored")
        self.session.add(
            DashboardSessionRow(
                session_id=dashboard_session.session_id,
                user_id=user_id,
                started_at=dashboard_session.started_at,
                expires_at=dashboard_session.expires_at,
            )
        )
        self.session.flush()

    def get(self, session_id: str) -> DashboardSession | None:
        found = self.session.execute(
            select(DashboardSessionRow, UserRow.username)
            .join(UserRow, DashboardSessionRow.user_id == UserRow.id)
            .where(DashboardSessionRow.session_id == session_id)
        ).first()
        if found is None:
            return None
        row, username = found
        return DashboardSession(row.session_id, username, row.started_at, row.expires_at)

    def delete(self, session_id: str) -> None:
        self.session.execute(
            delete(DashboardSessionRow).where(DashboardSessionRow.session_id == session_id)
        )

    def delete_expired(self, now: datetime) -> int:
        result = self.session.execute(
            delete(DashboardSessionRow).where(DashboardSessionRow.expires_at <= now)
        )
        return int(getattr(result, "rowcount", 0) or 0)


# The hot reads below name the tables' columns, not the mapped classes': a statement of
# mapped entities or attributes takes the ORM's way through the session, which on SQLite
# costs more than the lookup itself, and these rows are only read.
_ORGANISATIONS = cast(Table, OrganisationRow.__table__)
_TRUST_SETTINGS = select(_ORGANISATIONS.c.trust_settings).where(_ORGANISATIONS.c.id == 1)
_TOKENS = cast(Table, ApiTokenRow.__table__)
# Every API request looks its token up by this, built once.
_TOKEN_BY_HASH = select(
    _TOKENS.c.token_id,
    _TOKENS.c.name,
    _TOKENS.c.role,
    _TOKENS.c.created_at,
    _TOKENS.c.last_used_at,
    _TOKENS.c.revoked_at,
).where(_TOKENS.c.secret_hash == bindparam("secret_hash"))


class OrganisationRepository:
    """One row, id 1; until someone configures it, the defaults of `Organisation`."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self) -> Organisation:
        row = self.session.get(OrganisationRow, 1)
        if row is None:
            return Organisation()
        return Organisation(
            row.name,
            row.timezone,
            row.country,
            parse_business_day_end(row.business_day_end),
            row.at_risk_fraction,
            timedelta(minutes=row.at_risk_minimum_minutes),
            timedelta(hours=row.no_due_alert_hours),
            dict(row.trust_settings or {}),
        )

    def trust_settings(self) -> dict[str, Any]:
        # One column, not the row made an Organisation: read with every index read and
        # every trust event's write, by a statement built once.
        found = self.session.execute(_TRUST_SETTINGS).scalar()
        return dict(found or {})

    def save(self, organisation: Organisation) -> None:
        row = self.session.get(OrganisationRow, 1)
        if row is None:
            row = OrganisationRow(id=1)
            self.session.add(row)
        row.name, row.timezone, row.country = (
            organisation.name,
            organisation.timezone,
            organisation.country,
        )
        row.business_day_end = organisation.business_day_end.strftime("%H:%M")
        row.at_risk_fraction = organisation.at_risk_fraction
        row.at_risk_minimum_minutes = int(organisation.at_risk_minimum.total_seconds() // 60)
        row.no_due_alert_hours = int(organisation.no_due_alert.total_seconds() // 3600)
        row.trust_settings = dict(organisation.trust_settings)
        self.session.flush()
