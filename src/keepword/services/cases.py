"""Use cases for cases."""

from __future__ import annotations

from datetime import datetime

from keepword.domain.cases import Case
from keepword.domain.errors import Conflict
from keepword.services.ports import UnitOfWork
from keepword.services.upserts import Upserted, save_stamped


def check_case_references(uow: UnitOfWork, case: Case) -> None:
    """Refuse a case whose customer, account or owner is unknown, or whose account is another's."""
    if uow.customers.get(case.customer_id) is None:
        raise Conflict(
            f"customer '{case.customer_id}' does not exist; create the customer first",
            field="customer_id",
        )
    if case.account_id is not None:
        account = uow.accounts.get(case.account_id)
        if account is None:
            raise Conflict(
                f"account '{case.account_id}' does not exist; create the account first",
                field="account_id",
            )
        if account.customer_id != case.customer_id:
            raise Conflict(
                f"account '{case.account_id}' belongs to customer '{account.customer_id}', "
                f"not '{case.customer_id}'",
                field="account_id",
            )
    if case.owner_agent_id is not None and uow.agents.get(case.owner_agent_id) is None:
        raise Conflict(
            f"agent '{case.owner_agent_id}' does not exist; create the agent first",
            field="owner_agent_id",
        )


def upsert_case(uow: UnitOfWork, case: Case, now: datetime) -> Upserted[Case]:
    """Create or update a case; its customer, account and owner must exist already."""
    with uow:
        check_case_references(uow, case)
        created = save_stamped(uow.cases, case, now)
        uow.commit()
    return Upserted(case, created)
