"""What the services need from the outside world, as Protocols; adapters implement them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Protocol, Self, TypeVar

from keepword.audit.results import AuditResult
from keepword.audit.timeexpr import BusinessCalendar
from keepword.domain.access import ApiToken, DashboardSession, User
from keepword.domain.agents import Agent
from keepword.domain.cases import Case
from keepword.domain.conversations import Conversation
from keepword.domain.customers import Account, Customer
from keepword.domain.events import TrustEvent
from keepword.domain.organisation import Organisation
from keepword.domain.promises import Party, Promise, PromiseKind, PromiseStatus
from keepword.domain.trust import TrustState
from keepword.domain.webhooks import Delivery, Webhook

if TYPE_CHECKING:  # numpy, which only a rebuild needs
    from keepword.services.trust_rebuild import EventColumns

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

PAGE_SIZE_MAX = 500


@dataclass(frozen=True)
class PageRequest:
    """Which page of a list: at most `limit` items after the opaque `cursor`."""

    limit: int = 50
    cursor: str | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    """Items of one page, and the cursor of the next one (None on the last page)."""

    items: Sequence[T]
    next_cursor: str | None = None


@dataclass(frozen=True)
class ListFilter:
    """Narrows a list; a field left None does not filter.

    `since`/`until` bound the entity's main instant (a conversation's start, a
    case's opening, an event's occurrence) as since <= t < until.
    """

    customer_id: str | None = None
    case_id: str | None = None
    account_id: str | None = None
    team: str | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    search: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


class Repository(Protocol[T]):
    """Entities keyed by the source system's own id."""

    def get(self, external_id: str) -> T | None:
        """The entity with this id, or None."""

    def created_at_of(self, external_id: str) -> datetime | None:
        """When the entity with this id was first stored, or None if it is not stored."""

    def save(self, entity: T) -> None:
        """Insert the entity, or update the stored one with the same id."""

    def list(self, where: ListFilter, page: PageRequest) -> Page[T]:
        """Entities matching `where`, oldest first, one page at a time."""


class TrustEventLog(Protocol):
    """The append-only log of trust events."""

    def append(self, event: TrustEvent) -> None:
        """Record one more event; events are never updated or deleted."""

    def list(self, where: ListFilter, page: PageRequest) -> Page[TrustEvent]:
        """Events matching `where`, in the order they were recorded."""


@dataclass(frozen=True)
class StoredLabel:
    """A label an audit put on a stored turn, with who spoke it and when."""

    conversation_id: str
    turn: int
    label: str
    score: float
    span: tuple[int, int]
    at: datetime
    agent_id: str | None
    team: str | None
    text: str

    @property
    def evidence(self) -> str:
        """The words of the turn that show the label."""
        return self.text[self.span[0] : self.span[1]]


class AuditStore(Protocol):
    """The latest audit of each stored conversation."""

    def get(self, conversation_id: str) -> AuditResult | None:
        """The stored audit of a conversation, or None if it was never audited."""

    def replace(
        self, conversation: Conversation, result: AuditResult, audited_at: datetime
    ) -> None:
        """Store `result` as the conversation's audit, replacing any earlier one."""

    def labels(self, where: ListFilter, page: PageRequest) -> Page[StoredLabel]:
        """Stored turn labels, newest turn first; `where.extra` may hold label and agent_id."""

    def outdated(self, model_version: str, limit: int) -> Sequence[str]:
        """Ids of up to `limit` conversations that `model_version` has not audited."""


class ConversationAuditor(Protocol):
    """Reads a conversation and says what it shows (keepword.audit in production)."""

    model_version: str

    def audit(
        self, conversation: Conversation, calendar: BusinessCalendar | None = None
    ) -> AuditResult:
        """Labels, promises (due in the customer's `calendar`), findings and unreadable turns
        of one conversation."""


@dataclass(frozen=True)
class PromiseFilter:
    """Narrows a list of promises; a field left None (or empty) does not filter.

    `team` matches the team that made the promise or the one that owns it; `by_due`
    orders soonest due first (promises with no due last) instead of oldest first.
    """

    owner_agent_id: str | None = None
    owner_team: str | None = None
    maker_agent_id: str | None = None
    maker_team: str | None = None
    team: str | None = None
    customer_id: str | None = None
    case_id: str | None = None
    statuses: tuple[PromiseStatus, ...] = ()
    kind: PromiseKind | None = None
    due_after: datetime | None = None
    due_before: datetime | None = None
    at_risk_by: datetime | None = None
    by_due: bool = False


@dataclass(frozen=True)
class PromiseOutcome:
    """How one promise ended (kept or broken), by whom it was made and owned."""

    status: PromiseStatus
    kind: PromiseKind
    closed_at: datetime
    maker: Party
    owner: Party


class PromiseLedger(Protocol):
    """Every promise and its state; state changes the clock makes are guarded."""

    def get(self, external_id: str) -> Promise | None:
        """The promise with this id, or None."""

    def add(self, promise: Promise, now: datetime) -> None:
        """Store a new promise."""

    def save(self, promise: Promise, now: datetime) -> None:
        """Store a change someone asked for, within the transaction that read the promise."""

    def save_if(
        self, promise: Promise, now: datetime, *, was: PromiseStatus, flagged: bool
    ) -> bool:
        """Store the change only if the stored promise still has status `was` (and is not yet
        flagged at risk, unless `flagged`); False when another worker got there first."""

    def overdue(self, now: datetime, limit: int) -> Sequence[str]:
        """Ids of open promises past their due at `now`, earliest due first."""

    def coming_at_risk(self, now: datetime, limit: int) -> Sequence[str]:
        """Ids of open, unflagged promises whose at-risk instant has come at `now`."""

    def in_conversation(self, conversation_id: str) -> Sequence[Promise]:
        """The promises a conversation made, in turn order."""

    def of_customer_before(self, customer_id: str, before: datetime) -> Sequence[Promise]:
        """The customer's promises made before `before`, the latest first (at most 50)."""

    def list(self, where: PromiseFilter, page: PageRequest) -> Page[Promise]:
        """Promises matching `where`, one page at a time."""

    def outcomes(self, since: datetime, until: datetime) -> Sequence[PromiseOutcome]:
        """The promises kept or broken in [since, until)."""

    def count_open(self) -> int:
        """How many promises are open."""


class WebhookStore(Protocol):
    """Outbound webhooks and the log of their deliveries (an outbox: events are queued in
    the transaction that caused them and sent after it committed)."""

    def add(self, webhook: Webhook) -> None:
        """Store a new webhook."""

    def get(self, external_id: str) -> Webhook | None:
        """The webhook with this id, or None."""

    def all(self) -> Sequence[Webhook]:
        """Every webhook, oldest first."""

    def remove(self, external_id: str) -> bool:
        """Delete a webhook and its log; False when there was none."""

    def enqueue(self, event: str, payload: dict[str, Any], event_id: str, now: datetime) -> int:
        """Queue an event for every active webhook subscribed to it; returns how many.
        The same event id is never queued twice for a webhook."""

    def claim(
        self, now: datetime, lease: timedelta, limit: int
    ) -> Sequence[tuple[Delivery, Webhook]]:
        """Deliveries due at `now` with their webhooks, each claimed (guarded) for `lease`;
        a delivery whose worker died is claimed again once its lease ran out."""

    def record(self, delivery: Delivery) -> None:
        """Store how an attempt went."""

    def deliveries(self, external_id: str, page: PageRequest) -> Page[Delivery]:
        """A webhook's delivery log, newest first."""


class TrustStore(Protocol):
    """Each customer's folded trust (one row a customer) and the daily snapshots."""

    def get(self, customer_id: str) -> tuple[TrustState, bool] | None:
        """The customer's state and whether they were at risk at their last event."""

    def save(
        self, customer_id: str, state: TrustState, index: float, at_risk: bool, now: datetime
    ) -> None:
        """Store the customer's state, its index at its last event and whether at risk."""

    def save_all(
        self, states: Sequence[tuple[str, TrustState, float, bool]], now: datetime
    ) -> None:
        """Store many customers' states at once (customer, state, index, at risk), as
        `save` stores each."""

    def flagged(self, limit: int) -> Sequence[tuple[str, TrustState]]:
        """Customers at risk at their last event, lowest index first."""

    def all_states(self) -> Iterator[tuple[str, TrustState]]:
        """Every customer's state."""

    def stored_sums(self) -> Iterator[tuple[str, TrustState]]:
        """Every customer's stored state with only what its index is worked out from (as
        of, damage and credit: `TrustState.index` reads nothing else)."""

    def folded_under_other_rules(self, rules: int) -> int:
        """How many stored states were folded under rules other than `rules` (or before
        states said which)."""

    def customers_with_events(self) -> Sequence[str]:
        """Every customer with at least one trust event."""

    def events_of(self, customer_id: str) -> Sequence[TrustEvent]:
        """One customer's trust events, in the order recorded."""

    def events_by_customer(self) -> Iterator[tuple[str, list[TrustEvent]]]:
        """Every customer's events, one customer at a time."""

    def event_columns(self, customers: int) -> Iterator[EventColumns]:
        """Every customer with events, their events as columns, `customers` customers at a
        time (fewer where some have none)."""

    def snapshot(
        self, day: str, customers: int, mean: float, at_risk: int, histogram: list[int]
    ) -> bool:
        """Keep the organisation's trust of `day`; False when kept already."""

    def snapshots(self, since: str) -> Sequence[tuple[str, int, float, int, list[int]]]:
        """(day, customers, mean index, at risk, histogram) from `since` on, oldest first."""


class WebhookSender(Protocol):
    """Sends one signed webhook request (httpx in production)."""

    def send(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """POST `body`; the HTTP status code. Raises OSError when nothing answered."""


class TokenStore(Protocol):
    def add(self, token: ApiToken, secret_hash: str) -> None:
        """Store a new token with the hash of its secret."""

    def get(self, token_id: str) -> ApiToken | None:
        """The token with this public id, or None."""

    def find_by_hash(self, secret_hash: str) -> ApiToken | None:
        """The token whose secret hashes to `secret_hash`, or None."""

    def save(self, token: ApiToken) -> None:
        """Update a stored token (last use, revocation)."""

    def all(self) -> Sequence[ApiToken]:
        """Every token, oldest first."""


class SessionStore(Protocol):
    def add(self, session: DashboardSession) -> None:
        """Store a new dashboard session."""

    def get(self, session_id: str) -> DashboardSession | None:
        """The session with this id, or None."""

    def delete(self, session_id: str) -> None:
        """Forget a session (logging out); forgetting an unknown one does nothing."""

    def delete_expired(self, now: datetime) -> int:
        """Forget every session expired at `now`; returns how many."""


class UserStore(Protocol):
    def get(self, username: str) -> User | None:
        """The user with this name, or None."""

    def save(self, user: User) -> None:
        """Insert or update a user by username."""

    def all(self) -> Sequence[User]:
        """Every user, by name."""


class OrganisationStore(Protocol):
    def get(self) -> Organisation:
        """The organisation's settings (defaults until someone sets them)."""

    def trust_settings(self) -> dict[str, Any]:
        """`get().trust_settings` alone: every reading of an index asks for them."""

    def save(self, organisation: Organisation) -> None:
        """Store the organisation's settings."""


class UnitOfWork(Protocol):
    """One transaction over every store; nothing is written until `commit`."""

    # Read-only properties, so an implementation may hold more specific repositories.
    @property
    def customers(self) -> Repository[Customer]: ...
    @property
    def accounts(self) -> Repository[Account]: ...
    @property
    def agents(self) -> Repository[Agent]: ...
    @property
    def cases(self) -> Repository[Case]: ...
    @property
    def conversations(self) -> Repository[Conversation]: ...
    @property
    def trust_events(self) -> TrustEventLog: ...
    @property
    def audits(self) -> AuditStore: ...
    @property
    def tokens(self) -> TokenStore: ...
    @property
    def users(self) -> UserStore: ...
    @property
    def sessions(self) -> SessionStore: ...
    @property
    def organisation(self) -> OrganisationStore: ...
    @property
    def promises(self) -> PromiseLedger: ...
    @property
    def webhooks(self) -> WebhookStore: ...
    @property
    def trust(self) -> TrustStore: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""

    def commit(self) -> None:
        """Make the work so far durable."""

    def rollback(self) -> None:
        """Discard the work since the last commit."""


UnitOfWorkFactory = Callable[[], UnitOfWork]


class PasswordHasher(Protocol):
    """Slow, salted password hashing (argon2 in production)."""

    def hash(self, password: str) -> str:
        """A hash that `verify` accepts for this password and no other."""

    def verify(self, password_hash: str, password: str) -> bool:
        """True when `password` is the one `password_hash` was made from."""
