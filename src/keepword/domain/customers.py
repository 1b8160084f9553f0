"""Customers and their accounts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from keepword.domain.errors import InvalidValue
from keepword.domain.values import check_country, check_external_id, check_timezone

_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass
class Customer:
    """A person or business the company serves, known by the source system's id."""

    external_id: str
    name: str | None = None
    country: str | None = None
    timezone: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        check_external_id("id", self.external_id)
        self.country = check_country("country", self.country)
        check_timezone("timezone", self.timezone)


class AccountStatus(StrEnum):
    ACTIVE = "active"
    PENDING = "pending"
    SUSPENDED = "suspended"
    CLOSED = "closed"


@dataclass
class Account:
    """A billable service of a customer; `balance_minor` in minor units (cents), negative = owed."""

    external_id: str
    customer_id: str
    kind: str
    status: AccountStatus = AccountStatus.ACTIVE
    balance_minor: int = 0
    currency: str = "EUR"
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        check_external_id("id", self.external_id)
        check_external_id("customer_id", self.customer_id)
        if not self.kind.strip() or len(self.kind) > 40:
            raise InvalidValue(
                "kind", "give the kind of service in 1-40 characters, e.g. broadband"
            )
        if not _CURRENCY.fullmatch(self.currency):
            raise InvalidValue("currency", f"'{self.currency}' is not an ISO 4217 code such as EUR")
