"""The rules of outbound webhooks: what may be subscribed to, how a request is signed, and when a
failed delivery is tried again."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from keepword.domain.errors import InvalidValue
from keepword.domain.webhooks import (
    EVENTS,
    RETRY_AFTER,
    Delivery,
    DeliveryStatus,
    Webhook,
    check_events,
    signature,
    verify,
)

NOW = datetime(2024, 12, 23, 16, 0, 1, tzinfo=UTC)
SECRET = "a-webhook-secret-of-some-length"
BODY = b'{"event": "promise.broken"}'
TIMESTAMP = "1734969601"


def make_delivery(**overrides: object) -> Delivery:
    fields: dict[str, object] = {
        "delivery_id": 1,
        "webhook_id": "ops",
        "event_id": "so-1:promise.broken@1",
        "event": "promise.broken",
        "payload": {"event": "promise.broken"},
        "created_at": NOW,
    }
    fields.update(overrides)
    return Delivery(**fields)  # type: ignore[arg-type]


def make_webhook(**overrides: object) -> Webhook:
    fields: dict[str, object] = {
        "external_id": "ops",
        "url": "https://hooks.example.com/keepword",
        "secret": SECRET,
        "events": ["promise.broken"],
        "created_at": NOW,
    }
    fields.update(overrides)
    return Webhook(**fields)  # type: ignore[arg-type]


def fail(delivery: Delivery, times: int, start: datetime = NOW) -> datetime:
    """Fail `times` attempts, each at the instant the previous one scheduled; the last instant."""
    at = start
    for _ in range(times):
        delivery.failed(at, 500, "the receiver answered HTTP 500")
        at = delivery.next_attempt_at or at
    return at


# --- when a failed delivery is tried again ------------------------------------------------------


def test_a_first_failed_attempt_is_tried_again_after_30_seconds() -> None:
    delivery = make_delivery()

    delivery.failed(NOW, 500, "the receiver answered HTTP 500")

    assert delivery.status is DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.next_attempt_at == NOW + timedelta(seconds=30)
    assert (delivery.last_status_code, delivery.last_error) == (
        500,
        "the receiver answered HTTP 500",
    )


@pytest.mark.parametrize("failures", range(1, len(RETRY_AFTER) + 1))
def test_each_failed_attempt_waits_the_next_step_of_the_backoff(failures: int) -> None:
    delivery = make_delivery()
    before_last = fail(delivery, failures - 1)

    delivery.failed(before_last, 503, "the receiver answered HTTP 503")

    assert delivery.status is DeliveryStatus.PENDING
    assert delivery.next_attempt_at == before_last + RETRY_AFTER[failures - 1]


def test_the_backoff_grows_from_30_seconds_to_6_hours() -> None:
    assert RETRY_AFTER[0] == timedelta(seconds=30)
    assert RETRY_AFTER[-1] == timedelta(hours=6)
    assert list(RETRY_AFTER) == sorted(RETRY_AFTER)


def test_a_delivery_is_given_up_when_the_attempt_after_the_last_retry_fails() -> None:
    delivery = make_delivery()
    fail(delivery, len(RETRY_AFTER))

    delivery.failed(NOW + timedelta(days=1), None, "no answer: connection refused")

    assert delivery.status is DeliveryStatus.FAILED
    assert delivery.attempts == len(RETRY_AFTER) + 1
    assert delivery.next_attempt_at is None
    assert (delivery.last_status_code, delivery.last_error) == (
        None,
        "no answer: connection refused",
    )


def test_a_long_error_is_kept_to_2000_characters() -> None:
    delivery = make_delivery()

    delivery.failed(NOW, None, "x" * 5000)

    assert delivery.last_error == "x" * 2000


def test_a_delivery_that_succeeds_after_failures_is_delivered_with_no_error_left() -> None:
    delivery = make_delivery()
    at = fail(delivery, 2)

    delivery.succeeded(at, 204)

    assert delivery.status is DeliveryStatus.DELIVERED
    assert delivery.attempts == 3
    assert (delivery.delivered_at, delivery.next_attempt_at) == (at, None)
    assert (delivery.last_status_code, delivery.last_error) == (204, None)


# --- signatures ---------------------------------------------------------------------------------


def test_the_signature_is_the_hmac_sha256_of_the_timestamp_a_dot_and_the_body() -> None:
    expected = hmac.new(SECRET.encode(), TIMESTAMP.encode() + b"." + BODY, hashlib.sha256)

    assert signature(SECRET, TIMESTAMP, BODY) == "sha256=" + expected.hexdigest()


def test_a_signature_verifies_under_its_secret() -> None:
    assert verify(SECRET, TIMESTAMP, BODY, signature(SECRET, TIMESTAMP, BODY))


@pytest.mark.parametrize(
    ("secret", "timestamp", "body"),
    [
        pytest.param("another-secret-of-some-length", TIMESTAMP, BODY, id="other-secret"),
        pytest.param(SECRET, "1734969602", BODY, id="other-timestamp"),
        pytest.param(SECRET, TIMESTAMP, BODY + b" ", id="other-body"),
    ],
)
def test_a_signature_does_not_verify_anything_else(
    secret: str, timestamp: str, body: bytes
) -> None:
    header = signature(SECRET, TIMESTAMP, BODY)

    assert not verify(secret, timestamp, body, header)


def test_a_header_that_is_not_a_signature_does_not_verify() -> None:
    assert not verify(SECRET, TIMESTAMP, BODY, "sha256=")
    assert not verify(SECRET, TIMESTAMP, BODY, "")


# --- what may be subscribed to ------------------------------------------------------------------


def test_check_events_keeps_each_event_once_in_the_order_given() -> None:
    events = ["promise.kept", "promise.broken", "promise.kept"]

    assert check_events(events) == ["promise.kept", "promise.broken"]


def test_every_known_event_may_be_subscribed_to() -> None:
    assert check_events(list(EVENTS)) == list(EVENTS)


def test_check_events_refuses_an_unknown_event_naming_it_and_the_known_ones() -> None:
    with pytest.raises(InvalidValue) as refused:
        check_events(["promise.broken", "promise.forgotten"])

    assert refused.value.field == "events"
    assert "'promise.forgotten'" in refused.value.reason
    assert all(event in refused.value.reason for event in EVENTS)


def test_check_events_refuses_an_empty_subscription() -> None:
    with pytest.raises(InvalidValue) as refused:
        check_events([])

    assert refused.value.field == "events"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example.com/",
        "hooks.example.com/keepword",
        "https://",
        "https://hooks example.com/",
        "http://hooks.example.com:99999/",
        "http://hooks.example.com:port/",
        "http://[::1/hook",
        "http://:8080/hook",
    ],
)
def test_a_webhook_refuses_what_is_not_an_http_url(url: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        make_webhook(url=url)

    assert refused.value.field == "url"


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/keepword",
        "http://127.0.0.1:8080/hook?team=ops",
        "http://[::1]:8080/hook",
        "HTTPS://HOOKS.EXAMPLE.COM",
    ],
)
def test_a_webhook_accepts_an_http_or_https_url(url: str) -> None:
    assert make_webhook(url=url).url == url


def test_a_webhook_refuses_a_short_secret() -> None:
    with pytest.raises(InvalidValue) as refused:
        make_webhook(secret="short")

    assert refused.value.field == "secret"


def test_an_active_webhook_wants_only_the_events_it_subscribed_to() -> None:
    webhook = make_webhook(events=["promise.broken", "promise.kept"])

    assert webhook.wants("promise.broken")
    assert not webhook.wants("promise.at_risk")


def test_an_inactive_webhook_wants_nothing() -> None:
    webhook = make_webhook(active=False)

    assert not webhook.wants("promise.broken")
