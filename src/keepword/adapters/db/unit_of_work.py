"""The unit of work over one SQLAlchemy session: one transaction, every repository."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from keepword.adapters.db.promises import PromiseRepository
from keepword.adapters.db.repositories import (
    AccountRepository,
    AgentRepository,
    AuditRepository,
    CaseRepository,
    ConversationRepository,
    CustomerRepository,
    OrganisationRepository,
    RowIds,
    SessionRepository,
    TokenRepository,
    TrustEventRepository,
    UserRepository,
)
from keepword.adapters.db.trust import TrustRepository
from keepword.adapters.db.webhooks import WebhookRepository


class SqlUnitOfWork:
    """Opens a session on enter; rolls back on exit whatever was not committed."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None
        self._depth = 0

    def __enter__(self) -> Self:
        # Re-entrant, so a use case can call another inside its own transaction.
        self._depth += 1
        if self._depth == 1:
            self._session = self._session_factory()
            self._open_repositories(self._session)
        return self

    def _open_repositories(self, session: Session) -> None:
        # Repositories remember what they read within a transaction, so each gets new ones.
        ids = RowIds(session)
        self.customers = CustomerRepository(session, ids)
        self.accounts = AccountRepository(session, ids)
        self.agents = AgentRepository(session, ids)
        self.cases = CaseRepository(session, ids)
        self.conversations = ConversationRepository(session, ids)
        self.trust_events = TrustEventRepository(session, ids)
        self.audits = AuditRepository(session, ids)
        self.tokens = TokenRepository(session)
        self.users = UserRepository(session)
        self.sessions = SessionRepository(session)
        self.organisation = OrganisationRepository(session)
        self.promises = PromiseRepository(session, ids)
        self.webhooks = WebhookRepository(session)
        self.trust = TrustRepository(session, ids)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth == 0 and self._session is not None:
            # Closing rolls back what was not committed; a rollback of its own first would
            # only expire every object the session is about to let go of.
            self._session.close()
            self._session = None

    def commit(self) -> None:
        assert self._session is not None, "commit outside `with uow:`"
        self._session.commit()

    def rollback(self) -> None:
        assert self._session is not None, "rollback outside `with uow:`"
        self._session.rollback()
        self._open_repositories(self._session)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit, since services return what they stored."""
    return sessionmaker(engine, expire_on_commit=False, autoflush=True)
