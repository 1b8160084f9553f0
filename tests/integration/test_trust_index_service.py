"""The trust index kept beside the trust log on a real database: updated with every event,
equal to a rebuild, read in one row, with customers at risk announced once."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from keepword.adapters.db.models import CustomerRow, CustomerTrustRow
from keepword.audit.auditor import default_auditor
from keepword.bootstrap import Keepword
from keepword.cli.main import app
from keepword.domain.conversations import Conversation, Speaker, Turn
from keepword.domain.customers import Customer
from keepword.domain.errors import NotFound
from keepword.domain.events import TrustEvent
from keepword.domain.trust import FOLD_RULES, fold, read
from keepword.services.conversations import (
    IncomingConversation,
    import_conversations,
    store_conversation,
)
from keepword.services.events import record_trust_event
from keepword.services.ports import PageRequest
from keepword.services.trust import (
    at_risk,
    indices_under_former_rules,
    organisation_trust,
    rebuild_trust,
    snapshot_trust,
    trust_of,
)
from keepword.services.webhooks import add_webhook

T0 = datetime(2025, 5, 5, 9, 0, tzinfo=UTC)


def _customer(kw: Keepword, customer_id: str = "cust-1") -> None:
    customer = Customer(customer_id)
    customer.created_at = customer.updated_at = T0
    with kw.uow() as uow:
        uow.customers.save(customer)
        uow.commit()


def _event(kind: str, days: float, customer: str = "cust-1", **details: object) -> TrustEvent:
    return TrustEvent(
        customer, T0 + timedelta(days=days), kind, "test", f"{kind}@{days}", dict(details)
    )


def _record(kw: Keepword, *events: TrustEvent) -> None:
    for event in events:
        record_trust_event(kw.uow(), event, event.occurred_at + timedelta(minutes=1))


def test_a_known_customer_with_no_events_stands_at_the_prior(kw: Keepword) -> None:
    _customer(kw)

    found = trust_of(kw.uow(), "cust-1", T0)

    assert found.reading.index == 70.0
    assert not found.reading.at_risk


def test_an_unknown_customer_has_no_index(kw: Keepword) -> None:
    with pytest.raises(NotFound):
        trust_of(kw.uow(), "nobody", T0)


def test_the_stored_index_is_what_folding_every_event_gives(kw: Keepword) -> None:
    _customer(kw)
    _record(kw, _event("promise_broken", 0), _event("owns", 1), _event("apologizes", 1.5))
    # An event that happened before the last one recorded: the index is folded again.
    _record(kw, _event("rude", 0.5))

    stored = trust_of(kw.uow(), "cust-1", T0 + timedelta(days=3)).reading.index
    with kw.uow() as uow:
        events = uow.trust.events_of("cust-1")
        model = uow.organisation.get().trust_model()
    from_scratch = read(fold(events, model), T0 + timedelta(days=3), model).index

    assert stored == from_scratch


def test_a_rebuild_agrees_with_the_index_kept_event_by_event(kw: Keepword) -> None:
    for customer in ("cust-1", "cust-2"):
        _customer(kw, customer)
        _record(
            kw,
            _event("deflects", 0, customer),
            _event("owns", 2, customer),
            _event("promise_kept", 4, customer),
        )

    report = rebuild_trust(kw.uow, T0 + timedelta(days=5))

    assert (report.customers, report.events, report.changed) == (2, 6, 0)


def _conversation(id: str, days: float, customer: str, *texts: str) -> IncomingConversation:
    at = T0 + timedelta(days=days)
    speakers = itertools.cycle([Speaker.CUSTOMER, Speaker.AGENT])
    turns = [
        Turn(speaker, text, at + timedelta(minutes=i))
        for i, (speaker, text) in enumerate(zip(speakers, texts, strict=False))
    ]
    return IncomingConversation(Conversation(id, at, turns, customer_id=customer))


BACKFILL = [  # a helpdesk export: not in order of time, two customers mixed
    ("c-3", 9, "cust-1", "Still no refund?", "Sorry, that's not my department, call billing."),
    ("c-1", 0, "cust-1", "My modem keeps dropping.", "I'm sorry, I'll fix this today."),
    ("c-9", 4, "cust-2", "The app crashes.", "You must have installed it wrong."),
    ("c-2", 5, "cust-1", "It is dropping again!", "That's not our fault, it's your wifi."),
    ("c-8", 1, "cust-2", "Where is my parcel?", "I've checked: it arrives tomorrow by noon."),
]


@pytest.mark.parametrize("batch_size", [1, 2, 200])
def test_an_import_in_any_order_and_batch_keeps_the_index_a_rebuild_gives(
    kw: Keepword, batch_size: int
) -> None:
    lines = [(n, _conversation(*row)) for n, row in enumerate(BACKFILL, start=1)]

    import_conversations(kw.uow, lines, T0, auditor=default_auditor(), batch_size=batch_size)

    when = T0 + timedelta(days=10)
    stored = {c: trust_of(kw.uow(), c, when).reading for c in ("cust-1", "cust-2")}
    assert {c: r.index for c, r in stored.items()} != {"cust-1": 70.0, "cust-2": 70.0}
    assert rebuild_trust(kw.uow, when).changed == 0
    with kw.uow() as uow:
        model = uow.organisation.get().trust_model()
        for customer, reading in stored.items():
            from_scratch = read(fold(uow.trust.events_of(customer), model), when, model)
            assert reading.index == from_scratch.index
            assert reading.explanation == from_scratch.explanation


def test_a_customer_who_becomes_at_risk_is_announced_to_webhooks_once(kw: Keepword) -> None:
    _customer(kw)
    add_webhook(kw.uow(), "cx", "http://127.0.0.1:9/hook", ["customer.at_risk"], T0, None)

    _record(kw, _event("promise_broken", 0), _event("blames_customer", 1))
    _record(kw, _event("rude", 2), _event("deflects", 3))

    with kw.uow() as uow:
        log = uow.webhooks.deliveries("cx", PageRequest(limit=10)).items
    assert [d.event for d in log] == ["customer.at_risk"]
    assert log[0].payload["customer"] == "cust-1"
    assert [c.customer_id for c in at_risk(kw.uow(), T0 + timedelta(days=4))] == ["cust-1"]


def test_a_threat_to_leave_after_a_conversation_full_of_breaches_puts_the_customer_at_risk(
    kw: Keepword,
) -> None:
    turns = [
        (Speaker.CUSTOMER, "My router is broken again."),
        (Speaker.AGENT, "That's not my department, you'll need to contact the manufacturer."),
        (Speaker.CUSTOMER, "Unbelievable. I'm switching to another provider."),
    ]
    conversation = Conversation(
        "c-1",
        T0,
        [Turn(s, text, T0 + timedelta(minutes=i)) for i, (s, text) in enumerate(turns)],
        customer_id="cust-1",
    )

    store_conversation(kw.uow(), IncomingConversation(conversation), T0, default_auditor())

    found = trust_of(kw.uow(), "cust-1", T0 + timedelta(hours=1))
    assert found.reading.at_risk
    assert "asked to leave or threatened to, after a breach" in found.reading.reasons


def test_the_organisation_overview_counts_and_bins_customers_and_keeps_a_daily_trend(
    kw: Keepword,
) -> None:
    for number in range(3):
        _customer(kw, f"cust-{number}")
        _record(kw, _event("promise_broken", 0, f"cust-{number}", owner={"team": "ops"}))

    assert snapshot_trust(kw.uow(), T0 + timedelta(days=1))
    assert not snapshot_trust(kw.uow(), T0 + timedelta(days=1, hours=3))
    overview = organisation_trust(kw.uow(), T0 + timedelta(days=1))

    assert overview.customers == 3
    assert sum(overview.histogram) == 3
    assert overview.histogram[5] == 3  # each at about 52
    assert [day for day, _, _ in overview.trend] == ["2025-05-06"]
    assert overview.lost_by_team[0][:2] == ("ops", "promise_broken")


def test_trust_show_prints_the_json_of_the_issue(
    kw: Keepword, monkeypatch: pytest.MonkeyPatch
) -> None:
    _customer(kw)
    _record(
        kw,
        _event(
            "promise_broken",
            0,
            text="activation within 3 days",
            due=(T0 - timedelta(days=1)).isoformat(),
        ),
    )
    monkeypatch.setenv("KEEPWORD_DATABASE_URL", kw.settings.resolved_database_url)
    monkeypatch.setenv("KEEPWORD_DATA_DIR", str(kw.settings.data_dir))

    result = CliRunner().invoke(app, ["trust", "show", "cust-1", "--json"])

    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert set(shown) == {"customer", "index", "at_risk", "explanation"}
    assert shown["customer"] == "cust-1"
    first = shown["explanation"][0]
    assert set(first) == {"kind", "at", "contribution", "text"}
    assert first["kind"] == "promise_broken"
    assert first["text"].startswith("Promise 'activation within 3 days' broken")


def _stored_json(kw: Keepword, customer_id: str) -> dict[str, Any]:
    with kw.engine.connect() as connection:
        found: dict[str, Any] = connection.execute(
            select(CustomerTrustRow.state)
            .join(CustomerRow, CustomerRow.id == CustomerTrustRow.customer_id)
            .where(CustomerRow.external_id == customer_id)
        ).scalar_one()
    return found


def test_the_stored_state_keeps_only_what_the_explanation_reads(kw: Keepword) -> None:
    _customer(kw)
    long_details: dict[str, Any] = {
        "text": "activation within 3 days",
        "due": T0.isoformat(),
        "turn": 3,
    }
    _record(
        kw,
        _event("promise_broken", 0, **long_details, audit={"model": "x" * 500}),
        *[_event("owns", 1 + n / 10, team="support", evidence="I'll see to it") for n in range(40)],
    )

    stored = _stored_json(kw, "cust-1")

    assert stored["v"] == 2
    contributions = stored["contributions"]
    assert isinstance(contributions, list)
    assert len(contributions) <= 20  # EXPLAINED_MAX of each way of fading
    assert contributions[0][5] == {"text": "activation within 3 days", "due": T0.isoformat()}
    assert len(json.dumps(stored)) < 6_000


def test_a_state_stored_in_the_former_format_still_reads_and_folds_on(kw: Keepword) -> None:
    _customer(kw)
    events = [_event("promise_broken", 0, text="activation within 3 days"), _event("owns", 1)]
    _record(kw, *events)
    now = T0 + timedelta(days=3)
    expected = trust_of(kw.uow(), "cust-1", now).reading
    # The row as format 1 wrote it: no "v", each contribution an object with every detail.
    former = _stored_json(kw, "cust-1")
    del former["v"]
    former["contributions"] = [
        {
            "kind": kind,
            "at": at,
            "points": points,
            "fades_as": fades_as,
            "source_id": source_id,
            "details": {**details, "conversation": "conv-1", "turn": 2},
        }
        for kind, at, points, fades_as, source_id, details in former["contributions"]
    ]
    with kw.engine.begin() as connection:
        connection.execute(update(CustomerTrustRow).values(state=former))

    assert trust_of(kw.uow(), "cust-1", now).reading == expected
    _record(kw, _event("apologizes", 2))
    with kw.uow() as uow:
        model = uow.organisation.get().trust_model()
        counted = uow.trust.events_of("cust-1")
    assert trust_of(kw.uow(), "cust-1", now).reading == read(fold(counted, model), now, model)
    assert _stored_json(kw, "cust-1")["v"] == 2


def test_a_state_folded_under_former_rules_is_folded_again_at_the_next_event(
    kw: Keepword,
) -> None:
    _customer(kw)
    # One conversation of two breaches: under the former rules the second compounded on
    # the first (6 * 1.5 for the finding), under today's each takes its own points.
    _record(
        kw,
        _event("deflects", 0, conversation="conv-1"),
        _event("left_unowned", 0.01, conversation="conv-1"),
    )
    former = _stored_json(kw, "cust-1")
    assert former["rules"] == FOLD_RULES
    del former["rules"]  # as a state stored before the rules were versioned
    former["damage"] += 3.0  # what the former compounding took more
    with kw.engine.begin() as connection:
        connection.execute(update(CustomerTrustRow).values(state=former))
    now = T0 + timedelta(days=2)
    assert trust_of(kw.uow(), "cust-1", now).reading.index < 70 - 12  # read as stored

    _record(kw, _event("apologizes", 1))

    with kw.uow() as uow:
        model = uow.organisation.get().trust_model()
        counted = uow.trust.events_of("cust-1")
    assert trust_of(kw.uow(), "cust-1", now).reading == read(fold(counted, model), now, model)
    assert _stored_json(kw, "cust-1")["rules"] == FOLD_RULES


def test_an_upgrade_says_how_many_indices_were_folded_under_former_rules(
    kw: Keepword, monkeypatch: pytest.MonkeyPatch
) -> None:
    for customer in ("cust-1", "cust-2"):
        _customer(kw, customer)
        _record(kw, _event("deflects", 0, customer))
    assert indices_under_former_rules(kw.uow()) == 0
    former = _stored_json(kw, "cust-1")
    del former["rules"]
    with kw.engine.begin() as connection:
        connection.execute(
            update(CustomerTrustRow)
            .where(
                CustomerTrustRow.customer_id
                == select(CustomerRow.id)
                .where(CustomerRow.external_id == "cust-1")
                .scalar_subquery()
            )
            .values(state=former)
        )
    monkeypatch.setenv("KEEPWORD_DATABASE_URL", kw.settings.resolved_database_url)
    monkeypatch.setenv("KEEPWORD_DATA_DIR", str(kw.settings.data_dir))

    result = CliRunner().invoke(app, ["db", "upgrade"])

    assert result.exit_code == 0, result.output
    assert indices_under_former_rules(kw.uow()) == 1
    assert "1 customers' trust indices were folded under the index's former rules" in " ".join(
        result.output.split()
    )
    assert "keepword trust rebuild" in result.output
    rebuild_trust(kw.uow, T0 + timedelta(days=1))
    assert indices_under_former_rules(kw.uow()) == 0
