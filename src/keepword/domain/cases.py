"""Cases: one customer problem, owned by one agent until the customer confirms it is solved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from keepword.domain.agents import check_team
from keepword.domain.errors import InvalidValue
from keepword.domain.values import check_aware, check_external_id


class CaseStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"  # waiting on the customer or a third party
    RESOLVED = "resolved"  # the provider says it is solved
    CONFIRMED = "confirmed"  # the customer says it is solved


class RootCause(StrEnum):
    PROVIDER_FAULT = "provider_fault"
    CUSTOMER_ACTION = "customer_action"
    THIRD_PARTY = "third_party"
    UNKNOWN = "unknown"


SUBJECT_MAX = 200


@dataclass
class Case:
    """A customer's problem from opening to confirmed resolution."""

    external_id: str
    customer_id: str
    opened_at: datetime
    account_id: str | None = None
    owner_agent_id: str | None = None
    team: str | None = None
    subject: str | None = None
    status: CaseStatus = CaseStatus.OPEN
    root_cause: RootCause = RootCause.UNKNOWN
    closed_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        check_external_id("id", self.external_id)
        check_external_id("customer_id", self.customer_id)
        check_aware("opened_at", self.opened_at)
        self.team = check_team("team", self.team)
        if self.subject is not None and len(self.subject) > SUBJECT_MAX:
            raise InvalidValue("subject", f"at most {SUBJECT_MAX} characters")
        if self.closed_at is not None:
            check_aware("closed_at", self.closed_at)
            if self.closed_at < self.opened_at:
                raise InvalidValue("closed_at", "is before opened_at")
            if self.status in (CaseStatus.OPEN, CaseStatus.PENDING):
                raise InvalidValue(
                    "closed_at", f"a case with status '{self.status}' has not been closed yet"
                )

    @property
    def is_closed(self) -> bool:
        """True once the provider or the customer has called the case solved."""
        return self.status in (CaseStatus.RESOLVED, CaseStatus.CONFIRMED)
