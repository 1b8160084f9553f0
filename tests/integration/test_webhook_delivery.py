"""Outbound webhooks sent for real: a promise broken by the clock reaches a local HTTP receiver,
signed; failures are retried with backoff and then given up; claims keep two workers from
sending the same delivery; a webhook that is inactive or removed gets nothing."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from keepword.adapters.notify.webhooks import HttpxWebhookSender
from keepword.bootstrap import Keepword
from keepword.domain.promises import Granularity, Party, PromiseKind
from keepword.domain.webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    RETRY_AFTER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Delivery,
    DeliveryStatus,
    Webhook,
    verify,
)
from keepword.services import promises
from keepword.services.due import deliver_webhooks, sweep_due
from keepword.services.ports import PageRequest
from keepword.services.webhooks import add_webhook, remove_webhook

MANILA = timezone(timedelta(hours=8))
SAID = datetime(2024, 12, 20, 16, 0, tzinfo=MANILA)
DUE = datetime(2024, 12, 23, 23, 59, 59, tzinfo=MANILA)
BROKEN_AT = datetime(2024, 12, 24, 0, 0, tzinfo=MANILA)
SECRET = "a-webhook-secret-of-some-length"


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """A real HTTP server on 127.0.0.1 that records every request and answers `status`."""

    def __init__(self) -> None:
        self.status = 204
        self._requests: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver._requests.append(Received(self.path, dict(self.headers), body))
                    status = receiver.status
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the test reads `requests`, not the server's log

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/keepword"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def requests(self) -> list[Received]:
        with self._lock:
            return list(self._requests)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sender() -> Iterator[HttpxWebhookSender]:
    sending = HttpxWebhookSender(timeout=10)
    yield sending
    sending.close()


@pytest.fixture
def closed_port_url() -> Iterator[str]:
    """A URL where nothing listens: the port is bound (so nobody else takes it) but never
    listened on, so a connection is refused at once."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    sock.close()


def _subscribe(kw: Keepword, url: str, webhook_id: str = "ops") -> None:
    add_webhook(kw.uow(), webhook_id, url, ["promise.broken"], SAID, SECRET)


def _promise(kw: Keepword, promise_id: str = "so-5521") -> str:
    new = promises.NewPromise(
        external_id=promise_id,
        kind=PromiseKind.ACTIVATION,
        text="Your line will be active within 3 days",
        due=DUE,
        granularity=Granularity.DAY,
        maker=Party("a-7", "sales"),
        made_at=SAID,
    )
    promises.create_promise(kw.uow(), new, SAID)
    return promise_id


def _broken(kw: Keepword, promise_id: str = "so-5521") -> str:
    _promise(kw, promise_id)
    assert sweep_due(kw.uow, BROKEN_AT).broken == [promise_id]
    return promise_id


def _log(kw: Keepword, webhook_id: str = "ops") -> list[Delivery]:
    with kw.uow() as uow:
        return list(uow.webhooks.deliveries(webhook_id, PageRequest(limit=50)).items)


def _only_delivery(kw: Keepword) -> Delivery:
    [delivery] = _log(kw)
    return delivery


# --- a delivery that goes through ---------------------------------------------------------------


def test_a_promise_broken_by_the_clock_is_posted_to_the_webhook_as_json(
    kw: Keepword, receiver: Receiver, sender: HttpxWebhookSender
) -> None:
    _subscribe(kw, receiver.url)
    promise_id = _broken(kw)

    report = deliver_webhooks(kw.uow, sender, BROKEN_AT)

    assert report.delivered == 1
    [request] = receiver.requests
    assert request.path == "/hooks/keepword"
    assert request.headers["Content-Type"] == "application/json"
    body = json.loads(request.body)
    assert body["event"] == "promise.broken"
    assert body["occurred_at"] == DUE.isoformat()
    assert (body["promise"]["id"], body["promise"]["status"]) == (promise_id, "broken")
    assert body["details"]["late_by_seconds"] == 1


def test_the_request_is_signed_with_the_webhooks_secret(
    kw: Keepword, receiver: Receiver, sender: HttpxWebhookSender
) -> None:
    _subscribe(kw, receiver.url)
    _broken(kw)

    deliver_webhooks(kw.uow, sender, BROKEN_AT)

    [request] = receiver.requests
    timestamp = request.headers[TIMESTAMP_HEADER]
    assert timestamp == str(int(BROKEN_AT.timestamp()))
    header = request.headers[SIGNATURE_HEADER]
    assert header.startswith("sha256=")
    assert verify(SECRET, timestamp, request.body, header)
    assert not verify("another-secret-of-some-length", timestamp, request.body, header)


def test_the_request_names_the_event_and_the_delivery(
    kw: Keepword, receiver: Receiver, sender: HttpxWebhookSender
) -> None:
    _subscribe(kw, receiver.url)
    _broken(kw)

    deliver_webhooks(kw.uow, sender, BROKEN_AT)

    [request] = receiver.requests
    assert request.headers[EVENT_HEADER] == "promise.broken"
    assert request.headers[DELIVERY_HEADER] == _only_delivery(kw).event_id


def test_a_delivered_event_is_logged_as_delivered_and_never_sent_again(
    kw: Keepword, receiver: Receiver, sender: HttpxWebhookSender
) -> None:
    _subscribe(kw, receiver.url)
    _broken(kw)
    deliver_webhooks(kw.uow, sender, BROKEN_AT)

    later = deliver_webhooks(kw.uow, sender, BROKEN_AT + timedelta(days=1))

    assert later.delivered == 0
    assert len(receiver.requests) == 1
    delivery = _only_delivery(kw)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        204,
    )
    assert delivery.delivered_at == BROKEN_AT


def test_a_promise_with_a_long_id_is_delivered_too(
    kw: Keepword, receiver: Receiver, sender: HttpxWebhookSender
) -> None:
    # A conversation's promise id is up to 128 characters; its delivery's id must still fit.
    _subscribe(kw, receiver.url)
    promise_id = _broken(kw, "order-" + "9" * 120)

    report = deliver_webhooks(kw.uow, sender, BROKEN_AT)

    assert report.delivered == 1
    [request] = receiver.requests
    assert json.loads(request.body)["promise"]["id"] == promise_id
    assert request.headers[DELIVERY_HEADER] == _only_delivery(kw).event_id


# --- failures, retries and giving up -------------------------------------------------------------


def test_a_receiver_answering_500_leaves_the_delivery_pending_for_30_seconds(
    kw: Keepword, receiver: Receiver, sender: HttpxWebhookSender
) -> None:
    receiver.status = 500
    _subscribe(kw, receiver.url)
    _broken(kw)

    report = deliver_webhooks(kw.uow, sender, BROKEN_AT)

    assert (report.delivered, report.retrying, report.failed) == (0, 1, 0)
    delivery = _only_delivery(kw)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.PENDING,
        1,
        500,
    )
    assert delivery.next_attempt_at == BROKEN_AT + timedelta(seconds=30)
    assert delivery.last_error is not None
    assert "500" in delivery.last_error


def test_a_pending_delivery_is_not_retried_before_its_time_and_is_retried_at_it(
    kw: Keepword, receiver: Receiver, sender: HttpxWebhookSender
) -> None:
    receiver.status = 500
    _subscribe(kw, receiver.url)
    _broken(kw)
    deliver_webhooks(kw.uow, sender, BROKEN_AT)
    receiver.status = 200

    early = deliver_webhooks(kw.uow, sender, BROKEN_AT + timedelta(seconds=29))
    on_time = deliver_webhooks(kw.uow, sender, BROKEN_AT + timedelta(seconds=30))

    assert (early.delivered, early.retrying) == (0, 0)
    assert on_time.delivered == 1
    assert len(receiver.requests) == 2
    delivery = _only_delivery(kw)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.DELIVERED,
        2,
        None,
    )


def test_retries_follow_the_backoff_and_after_the_last_the_delivery_failed_with_the_error(
    kw: Keepword, receiver: Receiver, sender: HttpxWebhookSender
) -> None:
    receiver.status = 500
    _subscribe(kw, receiver.url)
    _broken(kw)
    at = BROKEN_AT
    waits = []

    for _ in RETRY_AFTER:
        assert deliver_webhooks(kw.uow, sender, at).retrying == 1
        delivery = _only_delivery(kw)
        assert delivery.next_attempt_at is not None
        waits.append(delivery.next_attempt_at - at)
        at = delivery.next_attempt_at
    last = deliver_webhooks(kw.uow, sender, at)

    assert waits == list(RETRY_AFTER)
    assert last.failed == 1
    assert len(receiver.requests) == len(RETRY_AFTER) + 1
    delivery = _only_delivery(kw)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        DeliveryStatus.FAILED,
        len(RETRY_AFTER) + 1,
        None,
    )
    assert delivery.last_error == "the receiver answered HTTP 500"


def test_a_delivery_given_up_is_not_sent_again(
    kw: Keepword, receiver: Receiver, sender: HttpxWebhookSender
) -> None:
    receiver.status = 500
    _subscribe(kw, receiver.url)
    _broken(kw)
    at = BROKEN_AT
    for _ in range(len(RETRY_AFTER) + 1):
        deliver_webhooks(kw.uow, sender, at)
        at = _only_delivery(kw).next_attempt_at or at
    sent = len(receiver.requests)

    deliver_webhooks(kw.uow, sender, at + timedelta(days=30))

    assert len(receiver.requests) == sent
    assert _only_delivery(kw).status is DeliveryStatus.FAILED


def test_a_receiver_that_is_not_listening_counts_as_a_failed_attempt(
    kw: Keepword, closed_port_url: str, sender: HttpxWebhookSender
) -> None:
    _subscribe(kw, closed_port_url)
    _broken(kw)

    report = deliver_webhooks(kw.uow, sender, BROKEN_AT)

    assert report.retrying == 1
    delivery = _only_delivery(kw)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.PENDING,
        1,
        None,
    )
    assert delivery.next_attempt_at == BROKEN_AT + timedelta(seconds=30)
    assert delivery.last_error is not None
    assert delivery.last_error.startswith("no answer")


def test_a_url_whose_host_cannot_be_encoded_fails_its_delivery_and_not_the_round(
    kw: Keepword, receiver: Receiver, sender: HttpxWebhookSender
) -> None:
    # httpx refuses an empty host label with UnicodeError, not an HTTPError: it must still
    # count as one failed attempt, and the other webhooks of the round must be delivered.
    add_webhook(kw.uow(), "typo", "http://hooks..example.com/", ["promise.broken"], SAID, SECRET)
    _subscribe(kw, receiver.url)
    _broken(kw)

    report = deliver_webhooks(kw.uow, sender, BROKEN_AT)

    assert (report.delivered, report.retrying) == (1, 1)
    [typo] = _log(kw, "typo")
    assert (typo.status, typo.attempts) == (DeliveryStatus.PENDING, 1)
    assert typo.last_error is not None
    assert typo.last_error.startswith("no answer")
    assert len(receiver.requests) == 1


# --- workers, and who gets nothing ---------------------------------------------------------------


def test_two_workers_at_the_same_instant_send_a_delivery_once(
    kw: Keepword, receiver: Receiver
) -> None:
    _subscribe(kw, receiver.url)
    _broken(kw)
    barrier = threading.Barrier(2)
    delivered: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        sending = HttpxWebhookSender(timeout=10)
        try:
            barrier.wait(timeout=30)
            delivered.append(deliver_webhooks(kw.uow, sending, BROKEN_AT).delivered)
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            sending.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(delivered) == [0, 1]
    assert len(receiver.requests) == 1


def test_a_delivery_claimed_by_a_worker_is_not_claimed_again_until_its_lease_ends(
    kw: Keepword,
) -> None:
    _subscribe(kw, "http://127.0.0.1:9/hook")
    _broken(kw)
    with kw.uow() as uow:
        first = uow.webhooks.claim(BROKEN_AT, timedelta(minutes=2), 10)
        uow.commit()

    with kw.uow() as uow:
        meanwhile = uow.webhooks.claim(BROKEN_AT + timedelta(minutes=1), timedelta(minutes=2), 10)
        after_lease = uow.webhooks.claim(BROKEN_AT + timedelta(minutes=2), timedelta(minutes=2), 10)
        uow.commit()

    assert len(first) == 1
    assert meanwhile == []
    assert [delivery.event_id for delivery, _ in after_lease] == [first[0][0].event_id]


def test_an_inactive_webhook_gets_nothing(
    kw: Keepword, receiver: Receiver, sender: HttpxWebhookSender
) -> None:
    with kw.uow() as uow:
        uow.webhooks.add(Webhook("paused", receiver.url, SECRET, ["promise.broken"], SAID, False))
        uow.commit()
    _broken(kw)

    report = deliver_webhooks(kw.uow, sender, BROKEN_AT)

    assert report.delivered == 0
    assert receiver.requests == []
    assert _log(kw, "paused") == []


def test_a_webhook_removed_after_the_event_was_queued_gets_nothing(
    kw: Keepword, receiver: Receiver, sender: HttpxWebhookSender
) -> None:
    _subscribe(kw, receiver.url)
    _broken(kw)
    assert len(_log(kw)) == 1

    remove_webhook(kw.uow(), "ops")
    report = deliver_webhooks(kw.uow, sender, BROKEN_AT)

    assert (report.delivered, report.retrying, report.failed) == (0, 0, 0)
    assert receiver.requests == []


def test_a_webhook_not_subscribed_to_the_event_gets_nothing(
    kw: Keepword, receiver: Receiver, sender: HttpxWebhookSender
) -> None:
    add_webhook(kw.uow(), "kept-only", receiver.url, ["promise.kept"], SAID, SECRET)
    _broken(kw)

    deliver_webhooks(kw.uow, sender, BROKEN_AT)

    assert receiver.requests == []
    assert _log(kw, "kept-only") == []


def test_each_subscribed_webhook_gets_its_own_delivery_signed_with_its_own_secret(
    kw: Keepword, receiver: Receiver, sender: HttpxWebhookSender
) -> None:
    _subscribe(kw, receiver.url + "?to=ops", "ops")
    other_secret = "another-secret-of-some-length"
    add_webhook(kw.uow(), "crm", receiver.url + "?to=crm", ["promise.broken"], SAID, other_secret)
    _broken(kw)

    deliver_webhooks(kw.uow, sender, BROKEN_AT)

    by_path = {request.path.split("=")[-1]: request for request in receiver.requests}
    assert sorted(by_path) == ["crm", "ops"]
    for name, secret in (("ops", SECRET), ("crm", other_secret)):
        request = by_path[name]
        header = request.headers[SIGNATURE_HEADER]
        assert verify(secret, request.headers[TIMESTAMP_HEADER], request.body, header)
    assert by_path["ops"].headers[DELIVERY_HEADER] != by_path["crm"].headers[DELIVERY_HEADER]
