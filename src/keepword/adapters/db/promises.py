"""The promise ledger in the database, and the guarded updates that make the clock safe.

A state change is written as `UPDATE ... WHERE id = :id AND status = 'open'`:
when several workers look at the same overdue promise, the database lets one
of them change it and tells the others that nothing was updated.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from keepword.adapters.db.models import CaseRow, ConversationRow, CustomerRow, PromiseRow
from keepword.adapters.db.repositories import RowIds, _decode_cursor, _limit, _page
from keepword.domain.promises import (
    Granularity,
    Party,
    Promise,
    PromiseChange,
    PromiseKind,
    PromiseSource,
    PromiseStatus,
)
from keepword.services.ports import Page, PageRequest, PromiseFilter, PromiseOutcome


def _history(changes: Sequence[PromiseChange]) -> list[dict[str, Any]]:
    return [{"at": c.at.isoformat(), "what": c.what, "details": c.details} for c in changes]


def _changes(rows: Sequence[dict[str, Any]]) -> list[PromiseChange]:
    return [
        PromiseChange(datetime.fromisoformat(r["at"]), r["what"], dict(r.get("details", {})))
        for r in rows
    ]


def _offset_minutes(value: datetime | None) -> int | None:
    if value is None:
        return None
    offset = value.utcoffset()
    return None if offset is None else int(offset.total_seconds() // 60)


def _in_offset(value: datetime | None, minutes: int | None) -> datetime | None:
    """The stored UTC instant in the offset it was said in (so "by Friday" stays Friday)."""
    if value is None or minutes is None:
        return value
    return value.astimezone(timezone(timedelta(minutes=minutes)))


class PromiseRepository:
    """Promises by their external id; lists by owner, team, customer, status and due."""

    def __init__(self, session: Session, ids: RowIds) -> None:
        self.session = session
        self.ids = ids

    def _select(self) -> Any:
        return (
            select(
                PromiseRow,
                CustomerRow.external_id.label("customer"),
                CaseRow.external_id.label("case"),
                ConversationRow.external_id.label("conversation"),
            )
            .outerjoin(CustomerRow, PromiseRow.customer_id == CustomerRow.id)
            .outerjoin(CaseRow, PromiseRow.case_id == CaseRow.id)
            .outerjoin(ConversationRow, PromiseRow.conversation_id == ConversationRow.id)
        )

    def _to_domain(self, row: Any) -> Promise:
        r: PromiseRow = row[0]
        return Promise(
            external_id=r.external_id,
            kind=PromiseKind(r.kind),
            text=r.text,
            made_at=r.made_at,
            due=_in_offset(r.due, r.due_offset_minutes),
            granularity=Granularity(r.granularity) if r.granularity else None,
            maker=Party(r.maker_agent_id, r.maker_team, r.maker_system),
            owner=Party(r.owner_agent_id, r.owner_team, r.owner_system),
            source=PromiseSource(r.source),
            customer_id=row.customer,
            case_id=row.case,
            conversation_id=row.conversation,
            turn=r.turn,
            status=PromiseStatus(r.status),
            at_risk_at=r.at_risk_at,
            flagged_at_risk_at=r.flagged_at_risk_at,
            closed_at=r.closed_at,
            evidence=r.evidence,
            renegotiated_from=r.renegotiated_from,
            renegotiated_to=r.renegotiated_to,
            draft_message=r.draft_message,
            history=_changes(r.history or []),
            created_at=r.created_at,
            updated_at=r.updated_at,
        )

    def _values(self, promise: Promise) -> dict[str, Any]:
        return {
            "customer_id": self.ids.optional(CustomerRow, promise.customer_id),
            "case_id": self.ids.optional(CaseRow, promise.case_id),
            "conversation_id": self.ids.optional(ConversationRow, promise.conversation_id),
            "turn": promise.turn,
            "source": promise.source.value,
            "kind": promise.kind.value,
            "text": promise.text,
            "made_at": promise.made_at,
            "due": promise.due,
            "due_offset_minutes": _offset_minutes(promise.due),
            "granularity": promise.granularity.value if promise.granularity else None,
            "maker_agent_id": promise.maker.agent_id,
            "maker_team": promise.maker.team,
            "maker_system": promise.maker.system,
            "owner_agent_id": promise.owner.agent_id,
            "owner_team": promise.owner.team,
            "owner_system": promise.owner.system,
            "status": promise.status.value,
            "at_risk_at": promise.at_risk_at,
            "flagged_at_risk_at": promise.flagged_at_risk_at,
            "closed_at": promise.closed_at,
            "evidence": promise.evidence,
            "renegotiated_from": promise.renegotiated_from,
            "renegotiated_to": promise.renegotiated_to,
            "draft_message": promise.draft_message,
            "history": _history(promise.history),
        }

    def get(self, external_id: str) -> Promise | None:
        row = self.session.execute(
            self._select().where(PromiseRow.external_id == external_id)
        ).first()
        return None if row is None else self._to_domain(row)

    def add(self, promise: Promise, now: datetime) -> None:
        row = PromiseRow(external_id=promise.external_id, created_at=now, updated_at=now)
        for name, value in self._values(promise).items():
            setattr(row, name, value)
        self.session.add(row)
        self.session.flush()
        promise.created_at = promise.updated_at = now

    def save(self, promise: Promise, now: datetime) -> None:
        """Write every field of a stored promise (no state guard: for changes a person asked
        for inside one transaction that read it)."""
        self.session.execute(
            update(PromiseRow)
            .where(PromiseRow.external_id == promise.external_id)
            .values(**self._values(promise), updated_at=now)
        )
        promise.updated_at = now

    def save_if(
        self, promise: Promise, now: datetime, *, was: PromiseStatus, flagged: bool
    ) -> bool:
        """Write the promise only if the stored one still has status `was` (and, when
        `flagged` is False, has not been flagged at risk yet); True when this call wrote it.

        False means another worker or person changed it first; nothing was written.
        """
        guard = and_(PromiseRow.external_id == promise.external_id, PromiseRow.status == was.value)
        if not flagged:
            guard = and_(guard, PromiseRow.flagged_at_risk_at.is_(None))
        result = self.session.execute(
            update(PromiseRow).where(guard).values(**self._values(promise), updated_at=now)
        )
        changed = bool(result.rowcount)  # type: ignore[attr-defined]
        if changed:
            promise.updated_at = now
        return changed

    def overdue(self, now: datetime, limit: int) -> Sequence[str]:
        """Ids of open promises whose due has passed at `now`, earliest due first."""
        query = (
            select(PromiseRow.external_id)
            .where(PromiseRow.status == PromiseStatus.OPEN.value, PromiseRow.due < now)
            .order_by(PromiseRow.due, PromiseRow.id)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def coming_at_risk(self, now: datetime, limit: int) -> Sequence[str]:
        """Ids of open promises not yet flagged whose at-risk instant has come at `now`."""
        query = (
            select(PromiseRow.external_id)
            .where(
                PromiseRow.status == PromiseStatus.OPEN.value,
                PromiseRow.at_risk_at <= now,
                PromiseRow.flagged_at_risk_at.is_(None),
            )
            .order_by(PromiseRow.at_risk_at, PromiseRow.id)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def in_conversation(self, conversation_id: str) -> Sequence[Promise]:
        """Every promise a conversation made, in the order of its turns."""
        row_id = self.ids.find(ConversationRow, conversation_id)
        if row_id is None:
            return []
        query = (
            self._select()
            .where(PromiseRow.conversation_id == row_id)
            .order_by(PromiseRow.turn, PromiseRow.id)
        )
        return [self._to_domain(row) for row in self.session.execute(query).all()]

    def of_customer_before(self, customer_id: str, before: datetime) -> Sequence[Promise]:
        """The customer's promises made before `before`, the latest first."""
        row_id = self.ids.find(CustomerRow, customer_id)
        if row_id is None:
            return []
        query = (
            self._select()
            .where(PromiseRow.customer_id == row_id, PromiseRow.made_at < before)
            .order_by(PromiseRow.made_at.desc(), PromiseRow.id.desc())
            .limit(50)
        )
        return [self._to_domain(row) for row in self.session.execute(query).all()]

    def list(self, where: PromiseFilter, page: PageRequest) -> Page[Promise]:
        """Promises matching `where`; soonest due first when `where.by_due`, else oldest first."""
        limit = _limit(page)
        query = self._select()
        owner = where.owner_agent_id
        if owner is not None:
            query = query.where(PromiseRow.owner_agent_id == owner)
        if where.owner_team is not None:
            query = query.where(PromiseRow.owner_team == where.owner_team)
        if where.maker_team is not None:
            query = query.where(PromiseRow.maker_team == where.maker_team)
        if where.maker_agent_id is not None:
            query = query.where(PromiseRow.maker_agent_id == where.maker_agent_id)
        if where.team is not None:
            query = query.where(
                or_(PromiseRow.owner_team == where.team, PromiseRow.maker_team == where.team)
            )
        if where.customer_id is not None:
            query = query.where(CustomerRow.external_id == where.customer_id)
        if where.case_id is not None:
            query = query.where(CaseRow.external_id == where.case_id)
        if where.statuses:
            query = query.where(PromiseRow.status.in_([s.value for s in where.statuses]))
        if where.kind is not None:
            query = query.where(PromiseRow.kind == where.kind.value)
        if where.due_after is not None:
            query = query.where(PromiseRow.due >= where.due_after)
        if where.due_before is not None:
            query = query.where(PromiseRow.due < where.due_before)
        if where.at_risk_by is not None:
            query = query.where(
                PromiseRow.status == PromiseStatus.OPEN.value,
                PromiseRow.at_risk_at <= where.at_risk_by,
            )
        offset = _decode_cursor(page.cursor)
        if where.by_due:
            # Soonest due first, promises with no due last; the cursor is an offset here.
            query = query.order_by(
                PromiseRow.due.is_(None), PromiseRow.due, PromiseRow.made_at, PromiseRow.id
            )
            rows = self.session.execute(query.offset(offset).limit(limit + 1)).all()
            numbered = [(offset + i + 1, self._to_domain(r)) for i, r in enumerate(rows)]
            return _page(numbered, limit)
        query = query.where(PromiseRow.id > offset).order_by(PromiseRow.id).limit(limit + 1)
        rows = self.session.execute(query).all()
        return _page([(r[0].id, self._to_domain(r)) for r in rows], limit)

    def outcomes(self, since: datetime, until: datetime) -> Sequence[PromiseOutcome]:
        """Every promise that was kept or broken in [since, until): who made it, who owned it,
        its kind and when it ended, for keeping rates and the maker-by-owner matrix."""
        query = select(
            PromiseRow.status,
            PromiseRow.kind,
            PromiseRow.closed_at,
            PromiseRow.maker_agent_id,
            PromiseRow.maker_team,
            PromiseRow.owner_agent_id,
            PromiseRow.owner_team,
            PromiseRow.owner_system,
        ).where(
            PromiseRow.status.in_([PromiseStatus.KEPT.value, PromiseStatus.BROKEN.value]),
            PromiseRow.closed_at >= since,
            PromiseRow.closed_at < until,
        )
        return [
            PromiseOutcome(
                PromiseStatus(r.status),
                PromiseKind(r.kind),
                r.closed_at,
                Party(r.maker_agent_id, r.maker_team),
                Party(r.owner_agent_id, r.owner_team, r.owner_system),
            )
            for r in self.session.execute(query).all()
        ]

    def count_open(self) -> int:
        """How many promises are open."""
        query = select(func.count()).where(PromiseRow.status == PromiseStatus.OPEN.value)
        return int(self.session.scalar(query.select_from(PromiseRow)) or 0)
