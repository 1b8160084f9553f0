"""The clock's worker: `keepword worker --once` through Typer's test runner, and ClockWorker's
rounds, alone and in a loop that stops when told, against a real database."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from keepword.adapters.db.engine import make_engine
from keepword.adapters.db.migrate import downgrade, upgrade
from keepword.bootstrap import Keepword
from keepword.cli.main import app
from keepword.domain.errors import Conflict
from keepword.domain.promises import Granularity, Party, Promise, PromiseKind, PromiseStatus
from keepword.services import promises
from keepword.services.ports import PageRequest
from keepword.services.webhooks import add_webhook
from keepword.worker import ClockWorker

MANILA = timezone(timedelta(hours=8))
SAID = datetime(2024, 12, 20, 16, 0, tzinfo=MANILA)
DUE = datetime(2024, 12, 23, 23, 59, 59, tzinfo=MANILA)
BROKEN_AT = datetime(2024, 12, 24, 0, 0, tzinfo=MANILA)
# The revision before promises and webhooks existed.
OLD_REVISION = "0002"


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "KEEPWORD_DATABASE_URL": database_url,
        "KEEPWORD_DATA_DIR": str(tmp_path),
        "KEEPWORD_SECRET_KEY": "x" * 40,
        # Rich wraps at 80 columns when it cannot see a terminal.
        "COLUMNS": "250",
    }


@pytest.fixture
def old_env(env: dict[str, str], tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a database migrated only to OLD_REVISION (PostgreSQL: restored after)."""
    url = env["KEEPWORD_DATABASE_URL"]
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine, OLD_REVISION)
        engine.dispose()
        yield {**env, "KEEPWORD_DATABASE_URL": url}
        return
    engine = make_engine(url)
    downgrade(engine, OLD_REVISION)
    try:
        yield env
    finally:
        upgrade(engine)
        engine.dispose()


@pytest.fixture
def closed_port_url() -> Iterator[str]:
    """A URL where nothing listens: the port is bound (so nobody else takes it) but never
    listened on, so a connection is refused at once."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    sock.close()


def _run(env: dict[str, str], *args: str) -> Result:
    """Run `keepword ARGS`; an uncaught exception fails the test."""
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def _promise(kw: Keepword, promise_id: str = "so-5521", due: datetime = DUE) -> str:
    new = promises.NewPromise(
        external_id=promise_id,
        kind=PromiseKind.ACTIVATION,
        text="Your line will be active within 3 days",
        due=due,
        granularity=Granularity.DAY,
        maker=Party("a-7", "sales"),
        made_at=SAID,
    )
    promises.create_promise(kw.uow(), new, SAID)
    return promise_id


def _status(kw: Keepword, promise_id: str) -> PromiseStatus:
    return promises.get_promise(kw.uow(), promise_id).status


def _wait_until(condition: Callable[[], bool], seconds: float = 20) -> None:
    """Poll `condition` until it holds; fail the test if it does not within `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"still not true after {seconds} s")
        time.sleep(0.01)


# --- keepword worker --once ---------------------------------------------------------------------


def test_worker_once_breaks_an_overdue_promise_and_says_so(
    env: dict[str, str], kw: Keepword
) -> None:
    promise_id = _promise(kw)

    result = _run(env, "worker", "--once")

    assert result.exit_code == 0, result.output
    assert "1 broken" in result.output
    assert "0 promises flagged at risk" in result.output
    assert _status(kw, promise_id) is PromiseStatus.BROKEN


def test_worker_once_twice_breaks_the_promise_only_once(env: dict[str, str], kw: Keepword) -> None:
    _promise(kw)
    _run(env, "worker", "--once")

    again = _run(env, "worker", "--once")

    assert again.exit_code == 0, again.output
    assert "0 broken" in again.output


def test_worker_once_says_how_its_webhooks_went(
    env: dict[str, str], kw: Keepword, closed_port_url: str
) -> None:
    add_webhook(kw.uow(), "ops", closed_port_url, ["promise.broken"], SAID, None)
    _promise(kw)

    result = _run(env, "worker", "--once")

    assert result.exit_code == 0, result.output
    assert "webhooks: 0 delivered, 1 to retry, 0 given up" in result.output


def test_worker_once_leaves_a_promise_that_is_not_yet_due_open(
    env: dict[str, str], kw: Keepword
) -> None:
    promise_id = _promise(kw, due=datetime(2099, 3, 2, 23, 59, 59, tzinfo=MANILA))

    result = _run(env, "worker", "--once")

    assert result.exit_code == 0, result.output
    assert "0 broken" in result.output
    assert _status(kw, promise_id) is PromiseStatus.OPEN


def test_worker_refuses_to_start_on_an_old_schema_and_asks_for_db_upgrade(
    old_env: dict[str, str],
) -> None:
    result = _run(old_env, "worker", "--once")

    assert result.exit_code == 2, result.output
    assert "keepword db upgrade" in result.output


# --- ClockWorker --------------------------------------------------------------------------------


def test_a_round_at_an_instant_returns_what_it_swept_and_delivered(
    kw: Keepword, closed_port_url: str
) -> None:
    promise_id = _promise(kw)
    add_webhook(kw.uow(), "ops", closed_port_url, ["promise.broken"], SAID, None)

    swept, delivered = ClockWorker(kw, interval=0.05).run_once(BROKEN_AT)

    assert (swept.broken, swept.flagged) == ([promise_id], [])
    assert (delivered.delivered, delivered.retrying, delivered.failed) == (0, 1, 0)


def test_a_round_before_the_due_flags_the_promise_at_risk_and_breaks_nothing(
    kw: Keepword,
) -> None:
    promise_id = _promise(kw)
    at_risk = promises.get_promise(kw.uow(), promise_id).at_risk_at
    assert at_risk is not None

    swept, _ = ClockWorker(kw, interval=0.05).run_once(at_risk)

    assert (swept.flagged, swept.broken) == ([promise_id], [])


def test_a_round_without_an_instant_asks_the_workers_clock(kw: Keepword) -> None:
    promise_id = _promise(kw)
    asked: list[datetime] = []

    def now() -> datetime:
        asked.append(BROKEN_AT)
        return BROKEN_AT

    swept, _ = ClockWorker(kw, interval=0.05, now=now).run_once()

    assert swept.broken == [promise_id]
    assert asked == [BROKEN_AT]


def test_the_interval_defaults_to_the_setting(kw: Keepword) -> None:
    assert ClockWorker(kw).interval == kw.settings.worker_interval_seconds


def test_the_loop_in_a_thread_does_its_rounds_and_stops_when_told(kw: Keepword) -> None:
    promise_id = _promise(kw)
    worker = ClockWorker(kw, interval=0.05, now=lambda: BROKEN_AT)

    thread = worker.start_thread()
    _wait_until(lambda: _status(kw, promise_id) is PromiseStatus.BROKEN)
    worker.stop()
    thread.join(timeout=20)

    assert not thread.is_alive()


def test_a_stopped_worker_runs_no_round(kw: Keepword) -> None:
    promise_id = _promise(kw)
    worker = ClockWorker(kw, interval=0.05, now=lambda: BROKEN_AT)
    worker.stop()

    worker.run_forever()

    assert _status(kw, promise_id) is PromiseStatus.OPEN


def test_a_failed_round_is_logged_and_the_next_round_runs(
    kw: Keepword, caplog: pytest.LogCaptureFixture
) -> None:
    promise_id = _promise(kw)
    calls = 0
    lock = threading.Lock()

    def now() -> datetime:
        nonlocal calls
        with lock:
            calls += 1
            first = calls == 1
        if first:
            raise RuntimeError("the clock hiccuped")
        return BROKEN_AT

    worker = ClockWorker(kw, interval=0.05, now=now)
    with caplog.at_level(logging.ERROR, logger="keepword.worker"):
        thread = worker.start_thread()
        _wait_until(lambda: _status(kw, promise_id) is PromiseStatus.BROKEN)
        worker.stop()
        thread.join(timeout=20)

    assert not thread.is_alive()
    assert any("round failed" in record.getMessage() for record in caplog.records)


def test_a_round_queues_and_a_later_round_retries_the_webhook(
    kw: Keepword, closed_port_url: str
) -> None:
    add_webhook(kw.uow(), "ops", closed_port_url, ["promise.broken"], SAID, None)
    _promise(kw)
    worker = ClockWorker(kw, interval=0.05)
    worker.run_once(BROKEN_AT)

    early = worker.run_once(BROKEN_AT + timedelta(seconds=29))[1]
    on_time = worker.run_once(BROKEN_AT + timedelta(seconds=30))[1]

    assert early.retrying == 0
    assert on_time.retrying == 1
    with kw.uow() as uow:
        [delivery] = uow.webhooks.deliveries("ops", PageRequest(limit=10)).items
    assert delivery.attempts == 2


# --- the clock and people at the same time ------------------------------------------------------


def test_a_hand_over_read_before_the_clock_broke_the_promise_does_not_reopen_it(
    kw: Keepword,
) -> None:
    promise_id = _promise(kw)
    uow = kw.uow()
    with uow:
        read = uow.promises.get

        def read_then_the_clock_strikes(external_id: str) -> Promise | None:
            found = read(external_id)
            ClockWorker(kw, interval=0.05).run_once(BROKEN_AT)
            return found

        # The use case re-enters this unit of work, so its read is the one above.
        uow.promises.get = read_then_the_clock_strikes  # type: ignore[method-assign]
        with pytest.raises(Conflict, match="changed meanwhile"):
            promises.hand_over_promise(uow, promise_id, BROKEN_AT, Party(team="operations"))

    stored = promises.get_promise(kw.uow(), promise_id)
    assert stored.status is PromiseStatus.BROKEN
    assert stored.owner == Party("a-7", "sales")
