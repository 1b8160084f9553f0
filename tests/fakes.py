"""Hand-written fakes of the services' ports: in-memory, inspectable, no database."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from keepword.domain.access import ApiToken, DashboardSession, User
from keepword.domain.events import TrustEvent
from keepword.domain.organisation import Organisation
from keepword.services.ports import ListFilter, Page, PageRequest

T = TypeVar("T")


class FakeRepository(Generic[T]):
    """Entities by external id; the committed state is kept apart from the pending one."""

    def __init__(self) -> None:
        self.committed: dict[str, T] = {}
        self.pending: dict[str, T] = {}

    def get(self, external_id: str) -> T | None:
        found = self.pending.get(external_id, self.committed.get(external_id))
        return copy.deepcopy(found)

    def created_at_of(self, external_id: str) -> datetime | None:
        found = self.get(external_id)
        return None if found is None else found.created_at  # type: ignore[attr-defined]

    def save(self, entity: T) -> None:
        self.pending[entity.external_id] = copy.deepcopy(entity)  # type: ignore[attr-defined]

    def list(self, where: ListFilter, page: PageRequest) -> Page[T]:
        items = [
            e
            for e in {**self.committed, **self.pending}.values()
            if where.customer_id is None or getattr(e, "customer_id", None) == where.customer_id
        ]
        return Page(items[: page.limit])

    def commit(self) -> None:
        self.committed.update(self.pending)
        self.pending.clear()

    def rollback(self) -> None:
        self.pending.clear()


class FakeTrustEventLog:
    def __init__(self) -> None:
        self.committed: list[TrustEvent] = []
        self.pending: list[TrustEvent] = []

    def append(self, event: TrustEvent) -> None:
        self.pending.append(event)

    def list(self, where: ListFilter, page: PageRequest) -> Page[TrustEvent]:
        return Page(self.committed[: page.limit])

    def commit(self) -> None:
        self.committed.extend(self.pending)
        self.pending.clear()

    def rollback(self) -> None:
        self.pending.clear()


class FakeTokenStore:
    def __init__(self) -> None:
        self.tokens: dict[str, tuple[ApiToken, str]] = {}

    def add(self, token: ApiToken, secret_hash: str) -> None:
        self.tokens[token.token_id] = (copy.deepcopy(token), secret_hash)

    def get(self, token_id: str) -> ApiToken | None:
        found = self.tokens.get(token_id)
        return copy.deepcopy(found[0]) if found else None

    def find_by_hash(self, secret_hash: str) -> ApiToken | None:
        for token, stored_hash in self.tokens.values():
            if stored_hash == secret_hash:
                return copy.deepcopy(token)
        return None

    def save(self, token: ApiToken) -> None:
        self.tokens[token.token_id] = (copy.deepcopy(token), self.tokens[token.token_id][1])

    def all(self) -> Sequence[ApiToken]:
        return [copy.deepcopy(t) for t, _ in self.tokens.values()]


class FakeUserStore:
    def __init__(self) -> None:
        self.users: dict[str, User] = {}

    def get(self, username: str) -> User | None:
        return copy.deepcopy(self.users.get(username))

    def save(self, user: User) -> None:
        self.users[user.username] = copy.deepcopy(user)

    def all(self) -> Sequence[User]:
        return [copy.deepcopy(u) for _, u in sorted(self.users.items())]


class FakeSessionStore:
    def __init__(self) -> None:
        self.sessions: dict[str, DashboardSession] = {}

    def add(self, session: DashboardSession) -> None:
        self.sessions[session.session_id] = session

    def get(self, session_id: str) -> DashboardSession | None:
        return self.sessions.get(session_id)

    def delete(self, session_id: str) -> None:
        self.sessions.pop(session_id, None)

    def delete_expired(self, now: datetime) -> int:
        expired = [sid for sid, s in self.sessions.items() if s.expires_at <= now]
        for sid in expired:
            del self.sessions[sid]
        return len(expired)


class FakeOrganisationStore:
    def __init__(self) -> None:
        self.organisation = Organisation()

    def get(self) -> Organisation:
        return copy.deepcopy(self.organisation)

    def trust_settings(self) -> dict[str, Any]:
        return copy.deepcopy(self.organisation.trust_settings)

    def save(self, organisation: Organisation) -> None:
        self.organisation = copy.deepcopy(organisation)


class FakeUnitOfWork:
    """Every store in memory; `commits` counts commits so tests can see one happened."""

    def __init__(self) -> None:
        self.customers: FakeRepository[Any] = FakeRepository()
        self.accounts: FakeRepository[Any] = FakeRepository()
        self.agents: FakeRepository[Any] = FakeRepository()
        self.cases: FakeRepository[Any] = FakeRepository()
        self.conversations: FakeRepository[Any] = FakeRepository()
        self.trust_events = FakeTrustEventLog()
        self.tokens = FakeTokenStore()
        self.users = FakeUserStore()
        self.sessions = FakeSessionStore()
        self.organisation = FakeOrganisationStore()
        self.commits = 0

    def _transactional(self) -> list[Any]:
        return [
            self.customers,
            self.accounts,
            self.agents,
            self.cases,
            self.conversations,
            self.trust_events,
        ]

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        for store in self._transactional():
            store.commit()
        self.commits += 1

    def rollback(self) -> None:
        for store in self._transactional():
            store.rollback()


class FakeHasher:
    """Reversible 'hashing' so tests stay fast; never use outside tests."""

    def hash(self, password: str) -> str:
        return f"fake${password[::-1]}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == self.hash(password)
