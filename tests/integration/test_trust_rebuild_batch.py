"""The batch fold over a real corpus: the demo's customers, their events as the audit, the
promise ledger and the clock wrote them to a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from keepword.bootstrap import Keepword
from keepword.demo.loader import load_demo
from keepword.domain.customers import Customer
from keepword.domain.events import TrustEvent
from keepword.domain.trust import RETRACTED, fold
from keepword.services.trust import rebuild_trust
from keepword.services.trust_rebuild import BATCH, fold_columns, fold_many
from keepword.worker import ClockWorker
from tests.conftest import NOW

CLOCK = datetime(2026, 12, 3, tzinfo=UTC)


def _demo(kw: Keepword) -> None:
    """The demo's customers and their events, with the promises the stories never keep
    broken by the clock."""
    load_demo(kw.uow, kw.hasher, NOW, auditor=kw.auditor)
    ClockWorker(kw).run_once(CLOCK)


def test_the_batch_fold_gives_the_demo_customers_the_states_of_the_fold(kw: Keepword) -> None:
    _demo(kw)
    with kw.uow() as uow:
        model = uow.organisation.get().trust_model()
        customers = [events for _, events in uow.trust.events_by_customer()]

    found = fold_many(customers, model, alone_after=1)  # every customer in numpy

    assert len(customers) > 10
    assert found == [fold(events, model) for events in customers]


def test_rebuilding_the_demo_finds_every_stored_index_as_the_events_give_it(
    kw: Keepword,
) -> None:
    _demo(kw)

    report = rebuild_trust(kw.uow, CLOCK)

    assert report.customers > 10
    assert report.changed == 0


def test_the_columns_the_database_gives_fold_as_its_events_do(kw: Keepword) -> None:
    _demo(kw)
    with kw.uow() as uow:
        model = uow.organisation.get().trust_model()
        by_customer = dict(uow.trust.events_by_customer())
        batches = list(uow.trust.event_columns(4))  # several batches, of 4 customers or fewer
        # Within the unit of work: the fold fetches the details it reads.
        found = [
            (customer, state)
            for columns in batches
            for customer, state in zip(
                columns.customer_ids, fold_columns(columns, model, alone_after=1), strict=True
            )
        ]

    assert len(batches) > 2
    assert [customer for customer, _ in found] == list(by_customer)
    assert [state for _, state in found] == [fold(e, model) for e in by_customer.values()]


def _appended(kw: Keepword, *events: TrustEvent) -> None:
    with kw.uow() as uow:
        for event in events:
            uow.trust_events.append(event)
        uow.commit()


def test_of_two_withdrawals_of_a_label_the_one_appended_last_decides_in_the_columns_too(
    kw: Keepword,
) -> None:
    # The database gives each customer's events in order of instant; `counted` reads
    # withdrawals in the order appended, in which the earlier withdrawal came last here.
    t0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    with kw.uow() as uow:
        for customer in ("cust-1", "cust-2"):
            found = Customer(customer)
            found.created_at = found.updated_at = t0
            uow.customers.save(found)
        uow.commit()
    day = timedelta(days=1)
    withdrawal = {"retracts": "rude"}
    for customer in ("cust-1", "cust-2"):
        label = TrustEvent(
            customer, t0 + 3 * day, "rude", "turn_label", "c:1:rude", {}, t0 + 3 * day
        )
        late = TrustEvent(
            customer, t0 + 5 * day, RETRACTED, "turn_label", "c:1:rude", withdrawal, t0 + 6 * day
        )
        early = TrustEvent(
            customer, t0, RETRACTED, "turn_label", "c:1:rude", withdrawal, t0 + 7 * day
        )
        _appended(kw, label, late, early)
    with kw.uow() as uow:
        model = uow.organisation.get().trust_model()
        expected = [fold(uow.trust.events_of(c), model) for c in ("cust-1", "cust-2")]
        (columns,) = uow.trust.event_columns(10)
        found = fold_columns(columns, model, alone_after=1)
        # Folded alone (by domain.trust.fold, from TrustEvents made of the columns) too.
        alone = fold_columns(columns, model, alone_after=5)

    assert expected[0].contributions  # the rude turn counts: the early withdrawal decides
    assert found == expected
    assert alone == expected


def test_the_columns_refuse_to_fetch_details_once_their_unit_of_work_has_ended(
    kw: Keepword,
) -> None:
    load_demo(kw.uow, kw.hasher, NOW, auditor=kw.auditor)
    with kw.uow() as uow:
        model = uow.organisation.get().trust_model()
        batches = list(uow.trust.event_columns(BATCH))

    with pytest.raises(RuntimeError, match="within its unit of work"):
        fold_columns(batches[0], model, alone_after=1)


def test_the_sums_read_out_of_each_stored_state_give_its_index(kw: Keepword) -> None:
    _demo(kw)
    with kw.uow() as uow:
        model = uow.organisation.get().trust_model()
        whole = dict(uow.trust.all_states())
        sums = dict(uow.trust.stored_sums())

    assert len(sums) > 10
    assert sums.keys() == whole.keys()
    for customer, state in whole.items():
        for when in (None, CLOCK, CLOCK + timedelta(days=45), CLOCK + timedelta(days=400)):
            assert sums[customer].index(when, model) == state.index(when, model)
