"""The promise ledger and outbound webhooks over HTTP: recording, refusals, the life of a
promise, lists with their filters and paging, and who may do what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from keepword.bootstrap import Keepword
from keepword.domain.promises import PromiseKind
from keepword.services.due import sweep_due
from tests.e2e.api import API, instant, listed_ids
from tests.factories import case_record, customer_record

MANILA = timezone(timedelta(hours=8))
# A promise made on a Friday afternoon in Manila, due (and broken) long before the tests run.
SAID = "2024-12-20T16:00:00+08:00"
PAST_DUE = "2024-12-23T23:59:59+08:00"
AFTER_PAST_DUE = datetime(2024, 12, 24, 0, 0, tzinfo=MANILA)
# Dues the real clock will not reach while the tests run.
DUE = "2099-03-02T23:59:59+08:00"
LATER_DUE = "2099-03-06T23:59:59+08:00"


def promise_body(id: str = "so-5521", **overrides: Any) -> dict[str, Any]:
    """A valid promise another system records; overrides replace (or, as None, drop) fields."""
    body: dict[str, Any] = {
        "id": id,
        "kind": "activation",
        "text": "Your line will be active within 3 days",
        "due": DUE,
        "granularity": "day",
        "made_at": SAID,
        "made_by": {"agent_id": "a-7", "team": "sales"},
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def _post(client: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    return client.post(f"{API}/promises", json=body)


def _created(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    response = _post(client, body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _act(
    client: httpx.Client, promise_id: str, action: str, body: dict[str, Any]
) -> httpx.Response:
    return client.post(f"{API}/promises/{promise_id}/{action}", json=body)


def _get(client: httpx.Client, promise_id: str) -> dict[str, Any]:
    response = client.get(f"{API}/promises/{promise_id}")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def _fields(response: httpx.Response) -> list[str]:
    return [problem["field"] for problem in response.json()["problems"]]


def _all_pages(client: httpx.Client, **params: Any) -> list[list[str]]:
    """The ids of every page of GET /promises, page by page, following the cursors."""
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get(f"{API}/promises", params=query)
        assert response.status_code == 200, response.text
        pages.append([item["id"] for item in response.json()["items"]])
        cursor = response.json()["next_cursor"]
        if cursor is None or len(pages) > 20:
            return pages


@pytest.fixture
def open_promise(integration: httpx.Client) -> str:
    return str(_created(integration, promise_body())["id"])


@pytest.fixture
def overdue_promise(integration: httpx.Client) -> str:
    """A promise whose due passed long ago, still open: the clock has not swept it."""
    return str(_created(integration, promise_body("so-late", due=PAST_DUE))["id"])


# --- recording a promise ----------------------------------------------------------------------


def test_posting_a_promise_records_it_and_answers_201_with_what_was_stored(
    integration: httpx.Client,
) -> None:
    response = _post(integration, promise_body())

    assert response.status_code == 201, response.text
    stored = response.json()
    assert (stored["id"], stored["kind"], stored["status"], stored["source"]) == (
        "so-5521",
        "activation",
        "open",
        "api",
    )
    assert stored["made_by"] == stored["owner"] == {"agent_id": "a-7", "team": "sales"}
    assert [change["what"] for change in stored["history"]] == ["made"]
    assert _get(integration, "so-5521") == stored


def test_a_stored_due_reads_back_the_same_instant_in_the_offset_it_was_said_in(
    integration: httpx.Client, open_promise: str
) -> None:
    stored = _get(integration, open_promise)

    due = instant(stored["due"])
    assert due == datetime(2099, 3, 2, 23, 59, 59, tzinfo=MANILA)
    assert due.utcoffset() == timedelta(hours=8)
    assert instant(stored["made_at"]) == datetime(2024, 12, 20, 8, 0, tzinfo=UTC)
    assert instant(stored["at_risk_at"]) < due


def test_posting_the_same_promise_again_answers_200_with_the_stored_one(
    integration: httpx.Client,
) -> None:
    first = _created(integration, promise_body())

    again = _post(integration, promise_body())

    assert again.status_code == 200, again.text
    assert again.json() == first
    assert listed_ids(integration, "promises") == ["so-5521"]


def test_posting_the_same_promise_of_a_case_again_answers_200(integration: httpx.Client) -> None:
    # The case's customer is filled in when the promise is stored; the body names only the case.
    assert integration.put(f"{API}/customers/cust-1", json=customer_record()).status_code == 201
    assert integration.put(f"{API}/cases/case-1", json=case_record()).status_code == 201
    first = _created(integration, promise_body(case_id="case-1"))

    again = _post(integration, promise_body(case_id="case-1"))

    assert first["customer_id"] == "cust-1"
    assert again.status_code == 200, again.text
    assert again.json() == first


def test_posting_another_promise_under_a_used_id_is_refused_with_409(
    integration: httpx.Client, open_promise: str
) -> None:
    response = _post(integration, promise_body(open_promise, text="Active within 5 days"))

    assert response.status_code == 409, response.text
    assert response.json()["error"] == "conflict"
    assert "renegotiate" in response.json()["message"]
    assert _get(integration, open_promise)["text"] == "Your line will be active within 3 days"


REFUSED: list[tuple[str, dict[str, Any], str]] = [
    ("unknown-kind", promise_body(kind="appointment"), "kind"),
    ("due-without-offset", promise_body(due="2024-12-23T23:59:59"), "due"),
    ("due-before-made-at", promise_body(due="2024-12-20T15:59:59+08:00"), "due"),
    ("granularity-without-due", promise_body(due=None, granularity="day"), "granularity"),
    ("unknown-granularity", promise_body(granularity="week"), "granularity"),
    ("made-at-without-offset", promise_body(made_at="2024-12-20T16:00:00"), "made_at"),
    ("unknown-field", promise_body(priority="high"), "priority"),
]


@pytest.mark.parametrize(
    ("body", "field"), [pytest.param(body, field, id=name) for name, body, field in REFUSED]
)
def test_an_invalid_promise_is_refused_with_422_naming_the_field_and_nothing_is_stored(
    integration: httpx.Client, body: dict[str, Any], field: str
) -> None:
    response = _post(integration, body)

    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_input"
    assert _fields(response) == [field]
    assert integration.get(f"{API}/promises/{body['id']}").status_code == 404


def test_an_unknown_kind_is_refused_with_a_message_that_lists_the_kinds(
    integration: httpx.Client,
) -> None:
    response = _post(integration, promise_body(kind="appointment"))

    message = response.json()["message"]
    assert "'appointment'" in message
    assert all(kind.value in message for kind in PromiseKind)


def test_a_due_without_an_offset_is_refused_saying_to_send_one(
    integration: httpx.Client,
) -> None:
    response = _post(integration, promise_body(due="2024-12-23T23:59:59"))

    assert "UTC offset" in response.json()["message"]


def test_a_promise_with_no_due_is_recorded_with_no_granularity(
    integration: httpx.Client,
) -> None:
    stored = _created(integration, promise_body(due=None, granularity=None, made_at=None))

    assert (stored["due"], stored["granularity"], stored["state_now"]) == (None, None, "open")


def test_a_promise_for_an_unknown_customer_is_refused_with_409(integration: httpx.Client) -> None:
    response = _post(integration, promise_body(customer_id="nobody"))

    assert response.status_code == 409, response.text
    assert "nobody" in response.json()["message"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "promises/nobody", None),
        ("POST", "promises/nobody/keep", {}),
        ("POST", "promises/nobody/cancel", {"reason": "recorded in error"}),
        ("POST", "promises/nobody/hand-over", {"owner": {"team": "operations"}}),
        (
            "POST",
            "promises/nobody/renegotiate",
            {"due": LATER_DUE, "told_customer": "Called the customer"},
        ),
    ],
)
def test_an_unknown_promise_answers_404(
    integration: httpx.Client, method: str, path: str, body: dict[str, Any] | None
) -> None:
    response = integration.request(method, f"{API}/{path}", json=body)

    assert response.status_code == 404, response.text
    assert response.json()["error"] == "not_found"
    assert "nobody" in response.json()["message"]


# --- the life of a promise ----------------------------------------------------------------------


def test_keeping_an_open_promise_answers_200_with_the_evidence(
    integration: httpx.Client, open_promise: str
) -> None:
    response = _act(integration, open_promise, "keep", {"evidence": "ACT-889 activated"})

    assert response.status_code == 200, response.text
    kept = response.json()
    assert (kept["status"], kept["state_now"], kept["evidence"]) == (
        "kept",
        "kept",
        "ACT-889 activated",
    )
    assert instant(kept["closed_at"]) <= datetime.now(UTC)
    assert kept["history"][-1]["what"] == "kept"
    assert _get(integration, open_promise) == kept


def test_keeping_a_kept_promise_again_answers_409_with_its_state(
    integration: httpx.Client, open_promise: str
) -> None:
    _act(integration, open_promise, "keep", {})

    response = _act(integration, open_promise, "keep", {"evidence": "again"})

    assert response.status_code == 409, response.text
    assert response.json()["state"]["status"] == "kept"


def test_keeping_a_promise_the_clock_broke_answers_409_with_its_state(
    integration: httpx.Client, kw: Keepword, overdue_promise: str
) -> None:
    assert sweep_due(kw.uow, AFTER_PAST_DUE).broken == [overdue_promise]

    response = _act(integration, overdue_promise, "keep", {"evidence": "done at last"})

    assert response.status_code == 409, response.text
    state = response.json()["state"]
    assert state["status"] == "broken"
    assert instant(state["closed_at"]) == AFTER_PAST_DUE
    assert _get(integration, overdue_promise)["evidence"] is None


def test_an_open_promise_past_its_due_reads_as_overdue(
    integration: httpx.Client, overdue_promise: str
) -> None:
    stored = _get(integration, overdue_promise)

    assert (stored["status"], stored["state_now"]) == ("open", "overdue")


def test_renegotiating_answers_201_with_the_new_promise(
    integration: httpx.Client, open_promise: str
) -> None:
    response = _act(
        integration,
        open_promise,
        "renegotiate",
        {"due": LATER_DUE, "granularity": "day", "told_customer": "Called: the exchange is late"},
    )

    assert response.status_code == 201, response.text
    successor = response.json()
    assert successor["id"] != open_promise
    assert (successor["status"], successor["renegotiated_from"]) == ("open", open_promise)
    assert instant(successor["due"]) == datetime(2099, 3, 6, 23, 59, 59, tzinfo=MANILA)
    assert (successor["kind"], successor["text"]) == (
        "activation",
        "Your line will be active within 3 days",
    )
    assert _get(integration, successor["id"]) == successor


def test_the_renegotiated_promise_is_closed_and_points_to_its_successor(
    integration: httpx.Client, open_promise: str
) -> None:
    successor = _act(
        integration,
        open_promise,
        "renegotiate",
        {"due": LATER_DUE, "told_customer": "Called: the exchange is late"},
    ).json()

    old = _get(integration, open_promise)

    assert (old["status"], old["renegotiated_to"]) == ("renegotiated", successor["id"])
    assert old["history"][-1]["what"] == "renegotiated"
    assert old["history"][-1]["details"]["told_customer"] == "Called: the exchange is late"


def test_renegotiating_after_the_due_is_refused_with_409(
    integration: httpx.Client, overdue_promise: str
) -> None:
    response = _act(
        integration,
        overdue_promise,
        "renegotiate",
        {"due": LATER_DUE, "told_customer": "Called the customer, too late"},
    )

    assert response.status_code == 409, response.text
    assert "before its due" in response.json()["message"]
    assert _get(integration, overdue_promise)["status"] == "open"


def test_renegotiating_to_a_due_without_an_offset_is_refused_naming_due(
    integration: httpx.Client, open_promise: str
) -> None:
    response = _act(
        integration,
        open_promise,
        "renegotiate",
        {"due": "2099-03-06T23:59:59", "told_customer": "Called the customer"},
    )

    assert response.status_code == 422, response.text
    assert _fields(response) == ["due"]


def test_cancelling_an_open_promise_closes_it_saying_why(
    integration: httpx.Client, open_promise: str
) -> None:
    response = _act(integration, open_promise, "cancel", {"reason": "The order was withdrawn"})

    assert response.status_code == 200, response.text
    cancelled = response.json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["history"][-1]["what"] == "cancelled"
    assert cancelled["history"][-1]["details"] == {"reason": "The order was withdrawn"}


def test_cancelling_a_cancelled_promise_answers_409_with_its_state(
    integration: httpx.Client, open_promise: str
) -> None:
    _act(integration, open_promise, "cancel", {"reason": "The order was withdrawn"})

    response = _act(integration, open_promise, "cancel", {"reason": "Again"})

    assert response.status_code == 409, response.text
    assert response.json()["state"]["status"] == "cancelled"


def test_handing_over_changes_the_owner_and_keeps_who_made_it(
    integration: httpx.Client, open_promise: str
) -> None:
    response = _act(
        integration,
        open_promise,
        "hand-over",
        {"owner": {"team": "operations"}, "note": "operations activates lines"},
    )

    assert response.status_code == 200, response.text
    moved = response.json()
    assert moved["owner"] == {"team": "operations"}
    assert moved["made_by"] == {"agent_id": "a-7", "team": "sales"}
    assert moved["history"][-1]["what"] == "handed_over"
    assert listed_ids(integration, "promises", owner_team="operations") == [open_promise]


def test_handing_over_to_nobody_is_refused_naming_owner(
    integration: httpx.Client, open_promise: str
) -> None:
    response = _act(integration, open_promise, "hand-over", {"owner": {}})

    assert response.status_code == 422, response.text
    assert _fields(response) == ["owner"]


# --- lists --------------------------------------------------------------------------------------


@pytest.fixture
def ledger(integration: httpx.Client) -> list[str]:
    """Four promises of two customers, made and owned by different agents and teams."""
    for customer in ("cust-1", "cust-2"):
        response = integration.put(f"{API}/customers/{customer}", json=customer_record())
        assert response.status_code == 201, response.text
    bodies = [
        promise_body("p-sales", customer_id="cust-1", due="2099-03-04T12:00:00+00:00"),
        promise_body(
            "p-billing",
            kind="refund",
            customer_id="cust-1",
            made_by={"agent_id": "a-8", "team": "billing"},
            owner={"agent_id": "a-9", "team": "operations"},
            due="2099-03-02T12:00:00+00:00",
        ),
        promise_body(
            "p-someday",
            kind="callback",
            customer_id="cust-2",
            made_by={"agent_id": "a-8", "team": "billing"},
            due=None,
            granularity=None,
        ),
        promise_body(
            "p-crm",
            kind="delivery",
            customer_id="cust-2",
            made_by={"system": "crm", "team": "sales"},
            owner={"team": "logistics"},
            due="2099-03-03T12:00:00+00:00",
            granularity="minute",
        ),
    ]
    return [_created(integration, body)["id"] for body in bodies]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"owner_agent_id": "a-9"}, ["p-billing"]),
        ({"owner_agent_id": "a-7"}, ["p-sales"]),
        ({"owner_team": "operations"}, ["p-billing"]),
        ({"owner_team": "sales"}, ["p-sales"]),
        ({"maker_team": "billing"}, ["p-billing", "p-someday"]),
        ({"maker_team": "sales"}, ["p-sales", "p-crm"]),
        ({"maker_agent_id": "a-8"}, ["p-billing", "p-someday"]),
        ({"team": "operations"}, ["p-billing"]),
        ({"team": "billing"}, ["p-billing", "p-someday"]),
        ({"team": "logistics"}, ["p-crm"]),
        ({"customer_id": "cust-2"}, ["p-someday", "p-crm"]),
        ({"kind": "refund"}, ["p-billing"]),
        ({"customer_id": "cust-1", "kind": "activation"}, ["p-sales"]),
        ({"team": "nobody"}, []),
    ],
    ids=lambda value: (
        "&".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else None
    ),
)
def test_the_list_filters_promises_by_who_and_what(
    integration: httpx.Client, ledger: list[str], params: dict[str, str], expected: list[str]
) -> None:
    found = listed_ids(integration, "promises", order="made", **params)

    assert found == expected


def test_the_list_filters_by_a_comma_list_of_statuses(
    integration: httpx.Client, ledger: list[str]
) -> None:
    _act(integration, "p-sales", "keep", {"evidence": "done"})
    _act(integration, "p-crm", "cancel", {"reason": "The customer collected it"})

    kept_or_cancelled = listed_ids(integration, "promises", order="made", status="kept,cancelled")
    still_open = listed_ids(integration, "promises", order="made", status="open")

    assert kept_or_cancelled == ["p-sales", "p-crm"]
    assert still_open == ["p-billing", "p-someday"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "open,finished"}, "status"),
        ({"kind": "appointment"}, "kind"),
        ({"due_after": "2099-03-02T00:00:00"}, "due_after"),
        ({"order": "owner"}, "order"),
        ({"limit": "0"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_a_list_with_an_invalid_parameter_is_refused_with_422_naming_it(
    integration: httpx.Client, ledger: list[str], params: dict[str, str], field: str
) -> None:
    response = integration.get(f"{API}/promises", params=params)

    assert response.status_code == 422, response.text
    assert _fields(response) == [field]


def test_an_unknown_status_is_refused_with_a_message_that_lists_the_statuses(
    integration: httpx.Client,
) -> None:
    response = integration.get(f"{API}/promises", params={"status": "finished"})

    message = response.json()["message"]
    assert "'finished'" in message
    assert all(s in message for s in ("open", "kept", "broken", "renegotiated", "cancelled"))


def test_the_due_window_includes_its_start_and_excludes_its_end(
    integration: httpx.Client, ledger: list[str]
) -> None:
    found = listed_ids(
        integration,
        "promises",
        due_after="2099-03-02T12:00:00+00:00",
        due_before="2099-03-04T12:00:00+00:00",
    )

    assert found == ["p-billing", "p-crm"]


def test_the_due_window_reads_its_bounds_with_their_offsets(
    integration: httpx.Client, ledger: list[str]
) -> None:
    # 20:00 in Manila is 12:00 UTC: the window starts exactly at p-crm's due.
    found = listed_ids(integration, "promises", due_after="2099-03-03T20:00:00+08:00")

    assert found == ["p-crm", "p-sales"]


def test_the_list_is_soonest_due_first_with_promises_without_a_due_last(
    integration: httpx.Client, ledger: list[str]
) -> None:
    by_due = listed_ids(integration, "promises", order="due")
    by_default = listed_ids(integration, "promises")

    assert by_due == by_default == ["p-billing", "p-crm", "p-sales", "p-someday"]


def test_order_made_lists_promises_in_the_order_they_were_recorded(
    integration: httpx.Client, ledger: list[str]
) -> None:
    assert listed_ids(integration, "promises", order="made") == ledger


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("due", [["p-billing", "p-crm"], ["p-sales", "p-someday"]]),
        ("made", [["p-sales", "p-billing"], ["p-someday", "p-crm"]]),
    ],
)
def test_the_cursor_walks_every_page_once(
    integration: httpx.Client, ledger: list[str], order: str, expected: list[list[str]]
) -> None:
    assert _all_pages(integration, order=order, limit=2) == expected


def test_a_page_that_fits_everything_has_no_next_cursor(
    integration: httpx.Client, ledger: list[str]
) -> None:
    response = integration.get(f"{API}/promises", params={"limit": 4})

    assert len(response.json()["items"]) == 4
    assert response.json()["next_cursor"] is None


def test_every_instant_of_a_listed_promise_carries_an_offset(
    integration: httpx.Client, ledger: list[str]
) -> None:
    items = integration.get(f"{API}/promises").json()["items"]

    for item in items:
        for name in ("made_at", "due", "at_risk_at"):
            if item[name] is not None:
                instant(item[name])
        for change in item["history"]:
            instant(change["at"])


# --- who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["agent", "lead"])
def test_an_agent_or_a_lead_may_read_promises(
    request: pytest.FixtureRequest, open_promise: str, role: str
) -> None:
    reader: httpx.Client = request.getfixturevalue(role)

    assert listed_ids(reader, "promises") == [open_promise]
    assert _get(reader, open_promise)["id"] == open_promise


WRITES: list[tuple[str, dict[str, Any]]] = [
    ("promises", promise_body("so-new")),
    ("promises/so-5521/keep", {"evidence": "done"}),
    ("promises/so-5521/cancel", {"reason": "withdrawn"}),
    ("promises/so-5521/hand-over", {"owner": {"team": "operations"}}),
    ("promises/so-5521/renegotiate", {"due": LATER_DUE, "told_customer": "Called them"}),
]


@pytest.mark.parametrize("role", ["agent", "lead"])
@pytest.mark.parametrize(("path", "body"), WRITES, ids=[path for path, _ in WRITES])
def test_an_agent_or_a_lead_may_not_change_promises(
    request: pytest.FixtureRequest,
    integration: httpx.Client,
    open_promise: str,
    role: str,
    path: str,
    body: dict[str, Any],
) -> None:
    before = _get(integration, open_promise)
    reader: httpx.Client = request.getfixturevalue(role)

    response = reader.post(f"{API}/{path}", json=body)

    assert response.status_code == 403, response.text
    assert response.json()["error"] == "forbidden"
    assert _get(integration, open_promise) == before
    assert listed_ids(integration, "promises") == [open_promise]


@pytest.mark.parametrize(("path", "body"), WRITES, ids=[path for path, _ in WRITES])
def test_an_integration_may_change_promises(
    integration: httpx.Client, open_promise: str, path: str, body: dict[str, Any]
) -> None:
    response = integration.post(f"{API}/{path}", json=body)

    assert response.status_code in (200, 201), response.text


def test_reading_promises_without_a_token_answers_401(anonymous: httpx.Client) -> None:
    assert anonymous.get(f"{API}/promises").status_code == 401


# --- webhooks -----------------------------------------------------------------------------------

HOOK_URL = "https://hooks.example.com/keepword"
HOOK_SECRET = "a-webhook-secret-of-some-length"


def webhook_body(id: str = "ops", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": id, "url": HOOK_URL, "events": ["promise.broken"]}
    body.update(overrides)
    return body


def _webhook_ids(admin: httpx.Client) -> list[str]:
    response = admin.get(f"{API}/webhooks")
    assert response.status_code == 200, response.text
    return [hook["id"] for hook in response.json()]


def test_an_admin_adds_a_webhook_and_is_answered_its_secret_once(admin: httpx.Client) -> None:
    response = admin.post(f"{API}/webhooks", json=webhook_body(secret=HOOK_SECRET))

    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["id"], created["url"], created["events"], created["active"]) == (
        "ops",
        HOOK_URL,
        ["promise.broken"],
        True,
    )
    assert created["secret"] == HOOK_SECRET
    instant(created["created_at"])


def test_a_webhook_without_a_secret_is_given_a_long_random_one(admin: httpx.Client) -> None:
    first = admin.post(f"{API}/webhooks", json=webhook_body("one")).json()
    second = admin.post(f"{API}/webhooks", json=webhook_body("two")).json()

    assert len(first["secret"]) >= 32
    assert first["secret"] != second["secret"]


def test_the_webhook_list_never_shows_a_secret(admin: httpx.Client) -> None:
    admin.post(f"{API}/webhooks", json=webhook_body(secret=HOOK_SECRET))
    generated = admin.post(f"{API}/webhooks", json=webhook_body("two")).json()["secret"]

    response = admin.get(f"{API}/webhooks")

    assert [hook["id"] for hook in response.json()] == ["ops", "two"]
    assert all(hook.get("secret") is None for hook in response.json())
    assert HOOK_SECRET not in response.text
    assert generated not in response.text


def test_removing_a_webhook_answers_204_and_takes_it_off_the_list(admin: httpx.Client) -> None:
    admin.post(f"{API}/webhooks", json=webhook_body("ops"))
    admin.post(f"{API}/webhooks", json=webhook_body("two"))

    response = admin.delete(f"{API}/webhooks/ops")

    assert response.status_code == 204, response.text
    assert _webhook_ids(admin) == ["two"]
    assert admin.get(f"{API}/webhooks/ops/deliveries").status_code == 404


def test_removing_an_unknown_webhook_answers_404(admin: httpx.Client) -> None:
    assert admin.delete(f"{API}/webhooks/nobody").status_code == 404


def test_a_second_webhook_under_a_used_id_is_refused_with_409(admin: httpx.Client) -> None:
    admin.post(f"{API}/webhooks", json=webhook_body())

    response = admin.post(f"{API}/webhooks", json=webhook_body(url="https://other.example.com/"))

    assert response.status_code == 409, response.text
    assert [hook["url"] for hook in admin.get(f"{API}/webhooks").json()] == [HOOK_URL]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param(webhook_body(events=["promise.forgotten"]), "events", id="unknown-event"),
        pytest.param(webhook_body(events=[]), "events", id="no-events"),
        pytest.param(webhook_body(url="ftp://hooks.example.com/"), "url", id="ftp-url"),
        pytest.param(webhook_body(url="hooks.example.com/keepword"), "url", id="no-scheme"),
        pytest.param(webhook_body(url="https:// hooks.example.com/"), "url", id="space"),
        pytest.param(webhook_body(url="http://hooks.example.com:99999/"), "url", id="bad-port"),
        pytest.param(webhook_body(url="http://[::1/hook"), "url", id="bad-address"),
        pytest.param(webhook_body(secret="short"), "secret", id="short-secret"),
    ],
)
def test_an_invalid_webhook_is_refused_with_422_naming_the_field(
    admin: httpx.Client, body: dict[str, Any], field: str
) -> None:
    response = admin.post(f"{API}/webhooks", json=body)

    assert response.status_code == 422, response.text
    assert _fields(response) == [field]
    assert _webhook_ids(admin) == []


def test_an_unknown_event_is_refused_with_a_message_that_lists_the_events(
    admin: httpx.Client,
) -> None:
    response = admin.post(f"{API}/webhooks", json=webhook_body(events=["promise.forgotten"]))

    assert "'promise.forgotten'" in response.json()["message"]
    assert "promise.broken" in response.json()["message"]


def test_the_delivery_log_shows_what_was_queued_for_the_webhook(
    admin: httpx.Client, integration: httpx.Client, kw: Keepword, overdue_promise: str
) -> None:
    admin.post(f"{API}/webhooks", json=webhook_body())
    sweep_due(kw.uow, AFTER_PAST_DUE)

    response = admin.get(f"{API}/webhooks/ops/deliveries")

    assert response.status_code == 200, response.text
    [delivery] = response.json()["items"]
    assert (delivery["event"], delivery["status"], delivery["attempts"]) == (
        "promise.broken",
        "pending",
        0,
    )
    assert instant(delivery["next_attempt_at"]) == AFTER_PAST_DUE
    assert delivery["payload"]["promise"]["id"] == overdue_promise
    assert delivery["payload"]["promise"]["status"] == "broken"
    assert response.json()["next_cursor"] is None


def test_the_delivery_log_of_an_unknown_webhook_answers_404(admin: httpx.Client) -> None:
    assert admin.get(f"{API}/webhooks/nobody/deliveries").status_code == 404


@pytest.mark.parametrize("role", ["integration", "lead", "agent"])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "webhooks", None),
        ("POST", "webhooks", webhook_body("mine")),
        ("DELETE", "webhooks/ops", None),
        ("GET", "webhooks/ops/deliveries", None),
    ],
)
def test_only_an_admin_may_manage_webhooks(
    request: pytest.FixtureRequest,
    admin: httpx.Client,
    role: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    admin.post(f"{API}/webhooks", json=webhook_body(secret=HOOK_SECRET))
    caller: httpx.Client = request.getfixturevalue(role)

    response = caller.request(method, f"{API}/{path}", json=body)

    assert response.status_code == 403, response.text
    assert HOOK_SECRET not in response.text
    assert _webhook_ids(admin) == ["ops"]
