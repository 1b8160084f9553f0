"""Use cases for customers and their accounts."""

from __future__ import annotations

from datetime import datetime

from keepword.domain.customers import Account, Customer
from keepword.domain.errors import Conflict
from keepword.services.ports import UnitOfWork
from keepword.services.upserts import Upserted, save_stamped


def upsert_customer(uow: UnitOfWork, customer: Customer, now: datetime) -> Upserted[Customer]:
    """Create the customer, or update the one with the same id; returns which happened."""
    with uow:
        created = save_stamped(uow.customers, customer, now)
        uow.commit()
    return Upserted(customer, created)


def upsert_account(uow: UnitOfWork, account: Account, now: datetime) -> Upserted[Account]:
    """Create or update an account; its customer must exist already."""
    with uow:
        if uow.customers.get(account.customer_id) is None:
            raise Conflict(
                f"customer '{account.customer_id}' does not exist; create the customer first",
                field="customer_id",
            )
        created = save_stamped(uow.accounts, account, now)
        uow.commit()
    return Upserted(account, created)
