"""The composition root: builds the engine, units of work and adapters from Settings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine

from keepword.adapters.db.engine import make_engine
from keepword.adapters.db.unit_of_work import SqlUnitOfWork, session_factory
from keepword.adapters.notify.webhooks import HttpxWebhookSender
from keepword.adapters.passwords import Argon2Hasher
from keepword.audit.auditor import Auditor, default_auditor
from keepword.services.ports import PasswordHasher, UnitOfWork, WebhookSender
from keepword.settings import Settings


@dataclass
class Keepword:
    """Everything a CLI command or the web app needs, wired once."""

    settings: Settings
    engine: Engine
    hasher: PasswordHasher

    def __post_init__(self) -> None:
        self._sessions = session_factory(self.engine)

    @cached_property
    def auditor(self) -> Auditor:
        """The conversation auditor, with the configured model (else the shipped one).

        Shared by every Keepword of the process: loading a model takes a quarter second.
        """
        return default_auditor(self.settings.audit_model)

    @cached_property
    def webhook_sender(self) -> WebhookSender:
        """Sends signed webhook requests (httpx, 10 s timeout)."""
        return HttpxWebhookSender()

    def uow(self) -> UnitOfWork:
        """A new unit of work (one transaction) on this database."""
        return SqlUnitOfWork(self._sessions)

    def schema_is_current(self) -> bool:
        """True when `keepword db upgrade` has nothing left to do."""
        from keepword.adapters.db.migrate import is_up_to_date  # Alembic is slow to import

        return is_up_to_date(self.engine)

    def close(self) -> None:
        """Release the database connections."""
        if "webhook_sender" in self.__dict__:
            self.webhook_sender.close()  # type: ignore[attr-defined]
        self.engine.dispose()


def bootstrap(settings: Settings) -> Keepword:
    """Wire Keepword for `settings`; connects lazily, so this never blocks."""
    return Keepword(settings, make_engine(settings.resolved_database_url), Argon2Hasher())
