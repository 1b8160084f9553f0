"""The batch fold over a real corpus: the demo's customers, their events as the audit, the
promise ledger and the clock wrote them to a real database."""

from __future__ import annotations

from datetime import UTC, datetime

from keepword.bootstrap import Keepword
from keepword.demo.loader import load_demo
from keepword.domain.trust import fold
from keepword.services.trust import rebuild_trust
from keepword.services.trust_rebuild import fold_many
from keepword.worker import ClockWorker
from tests.conftest import NOW

CLOCK = datetime(2026, 12, 3, tzinfo=UTC)


def test_the_batch_fold_gives_the_demo_customers_the_states_of_the_fold(kw: Keepword) -> None:
    load_demo(kw.uow, kw.hasher, NOW, auditor=kw.auditor)
    ClockWorker(kw).run_once(CLOCK)  # the promises the stories never keep break
    with kw.uow() as uow:
        model = uow.organisation.get().trust_model()
        customers = [events for _, events in uow.trust.events_by_customer()]

    found = fold_many(customers, model, alone_after=1)  # every customer in numpy

    assert len(customers) > 10
    assert found == [fold(events, model) for events in customers]


def test_rebuilding_the_demo_finds_every_stored_index_as_the_events_give_it(
    kw: Keepword,
) -> None:
    load_demo(kw.uow, kw.hasher, NOW, auditor=kw.auditor)
    ClockWorker(kw).run_once(CLOCK)

    report = rebuild_trust(kw.uow, CLOCK)

    assert report.customers > 10
    assert report.changed == 0
