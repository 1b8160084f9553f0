"""Loads the demo data through the same services and parsers as real data."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import Any

from keepword.adapters.helpdesk.records import (
    AccountRecord,
    AgentRecord,
    CaseRecord,
    CustomerRecord,
    OrganisationRecord,
    parse_conversation_lines,
    split_lines,
)
from keepword.demo.outcomes import OutcomeReport, apply_outcomes, read_outcomes
from keepword.domain.access import Role
from keepword.services import queries
from keepword.services.access import create_user, list_users
from keepword.services.agents import upsert_agent
from keepword.services.cases import upsert_case
from keepword.services.conversations import ImportReport, import_conversations
from keepword.services.customers import upsert_account, upsert_customer
from keepword.services.organisation import configure_organisation
from keepword.services.ports import (
    ConversationAuditor,
    ListFilter,
    PageRequest,
    PasswordHasher,
    UnitOfWorkFactory,
)

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "keepword-demo"  # noqa: S105 - published on purpose: it is the demo's login


@dataclass(frozen=True)
class DemoReport:
    """How much demo data was loaded, whether the demo login was created now, and how many
    promises the stories' outcomes kept or withdrew."""

    agents: int
    customers: int
    accounts: int
    cases: int
    conversations: ImportReport
    user_created: bool
    promises: OutcomeReport = field(default_factory=OutcomeReport)


def _text(name: str) -> str:
    return resources.files("keepword.demo").joinpath(name).read_text(encoding="utf-8")


def _records(name: str) -> Iterator[dict[str, Any]]:
    for line in split_lines(_text(name)):
        if line.strip():
            yield json.loads(line)


def is_empty(uow_factory: UnitOfWorkFactory) -> bool:
    """True when the database holds no customer yet."""
    page = queries.list_customers(uow_factory(), ListFilter(), PageRequest(limit=1))
    return not page.items


def conversation_count() -> int:
    """How many demo conversations there are, for a progress bar."""
    return sum(1 for line in split_lines(_text("conversations.jsonl")) if line.strip())


def load_demo(
    uow_factory: UnitOfWorkFactory,
    hasher: PasswordHasher,
    now: datetime,
    on_line: Callable[[int], None] | None = None,
    auditor: ConversationAuditor | None = None,
) -> DemoReport:
    """Load (or refresh) the demo organisation and create the demo login if it is missing.

    Loading twice updates and never duplicates, since every record has its id. After the
    conversations, the promises their stories keep are marked kept and the audit's
    readings that are no promise are withdrawn (promise_outcomes.json); the clock breaks
    the rest.
    """
    organisation = OrganisationRecord.model_validate_json(_text("organisation.json"))
    configure_organisation(uow_factory(), organisation.to_domain())
    counts = {"agents": 0, "customers": 0, "accounts": 0, "cases": 0}
    for data in _records("agents.jsonl"):
        record = AgentRecord.model_validate(data)
        upsert_agent(uow_factory(), record.to_domain(data["id"]), now)
        counts["agents"] += 1
    for data in _records("customers.jsonl"):
        customer = CustomerRecord.model_validate(data)
        upsert_customer(uow_factory(), customer.to_domain(data["id"]), now)
        counts["customers"] += 1
    for data in _records("accounts.jsonl"):
        account = AccountRecord.model_validate(data)
        upsert_account(uow_factory(), account.to_domain(data["id"]), now)
        counts["accounts"] += 1
    for data in _records("cases.jsonl"):
        case = CaseRecord.model_validate(data)
        upsert_case(uow_factory(), case.to_domain(data["id"]), now)
        counts["cases"] += 1
    report = import_conversations(
        uow_factory,
        parse_conversation_lines(split_lines(_text("conversations.jsonl"))),
        now,
        auditor=auditor,
        on_line=on_line,
    )
    promises = apply_outcomes(uow_factory, read_outcomes(), now)
    user_created = False
    if not any(u.username == DEMO_USERNAME for u in list_users(uow_factory())):
        create_user(uow_factory(), hasher, DEMO_USERNAME, DEMO_PASSWORD, Role.ADMIN, now)
        user_created = True
    return DemoReport(conversations=report, user_created=user_created, promises=promises, **counts)
