"""The clock's loop: every few seconds, sweep promises coming due, send queued webhooks and
keep the day's snapshot of the organisation's trust.

`keepword worker` runs it alone; `keepword serve` runs it in a thread beside the
web app (the embedded setup). Any number may run against one database: the
sweeps claim their rows with guarded updates.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from keepword import clock
from keepword.bootstrap import Keepword
from keepword.services.due import DeliveryReport, SweepReport, deliver_webhooks, sweep_due
from keepword.services.trust import snapshot_trust

log = logging.getLogger("keepword.worker")


class ClockWorker:
    """Runs the clock's jobs once, or until told to stop; `now` is where time comes from."""

    def __init__(
        self,
        keepword: Keepword,
        interval: float | None = None,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.keepword = keepword
        self.interval = keepword.settings.worker_interval_seconds if interval is None else interval
        self._now = now
        self.stopping = threading.Event()

    def run_once(self, now: datetime | None = None) -> tuple[SweepReport, DeliveryReport]:
        """One round at `now` (default: the clock's): flag, break, then deliver."""
        at = now or self._now()
        swept = sweep_due(self.keepword.uow, at)
        delivered = deliver_webhooks(self.keepword.uow, self.keepword.webhook_sender, at)
        snapshot_trust(self.keepword.uow(), at)  # once a day; later rounds find it kept
        if swept.flagged or swept.broken or delivered.delivered or delivered.failed:
            log.info(
                "at %s: %d flagged at risk, %d broken; webhooks %d delivered, %d retrying, "
                "%d given up",
                at.isoformat(timespec="seconds"),
                len(swept.flagged),
                len(swept.broken),
                delivered.delivered,
                delivered.retrying,
                delivered.failed,
            )
        return swept, delivered

    def run_forever(self) -> None:
        """Round after round until `stop()`; an error in one round is logged and the next
        round runs, so one bad row does not stop the clock."""
        while not self.stopping.is_set():
            try:
                self.run_once()
            except Exception:  # a worker must outlive a bad round
                log.exception("the clock's round failed; trying again in %ss", self.interval)
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        """Finish the current round and return from `run_forever`."""
        self.stopping.set()

    def start_thread(self) -> threading.Thread:
        """Run the loop in a daemon thread (inside `keepword serve`)."""
        thread = threading.Thread(target=self.run_forever, name="keepword-clock", daemon=True)
        thread.start()
        return thread
