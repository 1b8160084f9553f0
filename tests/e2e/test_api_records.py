"""Customers, accounts, agents and cases over HTTP: upserts, refusals, paging and filters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.e2e.api import API, instant, listed_ids
from tests.factories import account_record, case_record, customer_record


def _put(client: httpx.Client, kind: str, external_id: str, body: dict[str, Any]) -> httpx.Response:
    return client.put(f"{API}/{kind}/{quote(external_id, safe='')}", json=body)


def _created(client: httpx.Client, kind: str, external_id: str, body: dict[str, Any]) -> None:
    response = _put(client, kind, external_id, body)
    assert response.status_code == 201, response.text


def _fields(response: httpx.Response) -> list[str]:
    return [problem["field"] for problem in response.json()["problems"]]


@pytest.fixture
def customer(integration: httpx.Client) -> str:
    _created(integration, "customers", "cust-1", customer_record())
    return "cust-1"


@pytest.fixture
def other_customer(integration: httpx.Client) -> str:
    _created(integration, "customers", "cust-2", customer_record(name="Bo Other"))
    return "cust-2"


# --- create, then update ----------------------------------------------------------------------

RECORDS: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("customers", "cust-9", customer_record(), {"name": "Ada Renamed"}),
    ("accounts", "acc-9", account_record(), {"balance": "10.00"}),
    ("agents", "a-9", {"name": "Bea Agent", "team": "support"}, {"team": "billing"}),
    ("cases", "case-9", case_record(), {"status": "pending"}),
]


@pytest.mark.parametrize(("kind", "external_id", "body", "change"), RECORDS)
def test_put_creates_then_updates_and_the_list_holds_one(
    integration: httpx.Client,
    customer: str,
    kind: str,
    external_id: str,
    body: dict[str, Any],
    change: dict[str, Any],
) -> None:
    first = _put(integration, kind, external_id, body)
    second = _put(integration, kind, external_id, {**body, **change})

    assert first.status_code == 201, first.text
    assert second.status_code == 200, second.text
    [(field, value)] = change.items()
    assert second.json()[field] == value
    assert integration.get(f"{API}/{kind}/{external_id}").json()[field] == value
    assert second.json()["created_at"] == first.json()["created_at"]
    assert listed_ids(integration, kind).count(external_id) == 1


def test_put_customer_returns_what_was_stored(integration: httpx.Client) -> None:
    response = _put(
        integration, "customers", "cust-7", customer_record(country="it", timezone="Europe/Rome")
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["id"], body["name"], body["country"], body["timezone"]) == (
        "cust-7",
        "Ada Example",
        "IT",
        "Europe/Rome",
    )
    assert integration.get(f"{API}/customers/cust-7").json() == body


def test_put_account_keeps_the_balance_exactly(integration: httpx.Client, customer: str) -> None:
    response = _put(integration, "accounts", "acc-1", account_record(balance="-0.10"))

    assert response.status_code == 201
    stored = integration.get(f"{API}/accounts/acc-1").json()
    assert stored["customer_id"] == customer
    assert (stored["balance"], stored["currency"]) == ("-0.10", "GBP")


def test_stored_case_reads_back_the_sameinstant(integration: httpx.Client, customer: str) -> None:
    response = _put(integration, "cases", "case-1", case_record())

    assert response.status_code == 201
    stored = integration.get(f"{API}/cases/case-1").json()
    assert instant(stored["opened_at"]) == datetime(2026, 9, 2, 8, 14, tzinfo=UTC)
    assert (stored["customer_id"], stored["status"], stored["root_cause"]) == (
        customer,
        "open",
        "provider_fault",
    )


def test_body_id_equal_to_path_id_is_accepted(integration: httpx.Client) -> None:
    response = _put(integration, "customers", "cust-1", customer_record(id="cust-1"))

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("customers", customer_record(id="cust-other")),
        ("accounts", account_record(id="cust-other")),
        ("agents", {"id": "cust-other"}),
        ("cases", case_record(id="cust-other")),
    ],
)
def test_body_id_different_from_path_id_is_refused(
    integration: httpx.Client, customer: str, kind: str, body: dict[str, Any]
) -> None:
    before = listed_ids(integration, kind)

    response = _put(integration, kind, "the-path-id", body)

    assert response.status_code == 422
    assert _fields(response) == ["id"]
    assert "cust-other" in response.json()["message"]
    assert "the-path-id" in response.json()["message"]
    assert listed_ids(integration, kind) == before


# --- validation -------------------------------------------------------------------------------

INVALID: list[tuple[str, str, dict[str, Any], str]] = [
    ("customers", "country-name", customer_record(country="Britain"), "country"),
    ("customers", "unknown-timezone", customer_record(timezone="Europe/Atlantis"), "timezone"),
    ("customers", "unknown-field", customer_record(nickname="Ada"), "nickname"),
    ("customers", "long-name", customer_record(name="x" * 201), "name"),
    ("accounts", "three-decimals", account_record(balance="12.345"), "balance"),
    ("accounts", "not-a-number", account_record(balance="twelve"), "balance"),
    ("accounts", "unknown-status", account_record(status="frozen"), "status"),
    ("accounts", "bad-currency", account_record(currency="G1P"), "currency"),
    ("accounts", "unknown-field", account_record(iban="GB00"), "iban"),
    ("accounts", "no-customer", {"kind": "broadband"}, "customer_id"),
    ("agents", "unknown-field", {"name": "Bea", "email": "bea@example.com"}, "email"),
    ("cases", "unknown-status", case_record(status="closed"), "status"),
    ("cases", "unknown-root-cause", case_record(root_cause="gremlins"), "root_cause"),
    ("cases", "naive-opened-at", case_record(opened_at="2026-09-02T09:14:00"), "opened_at"),
    (
        "cases",
        "closed-before-opened",
        case_record(status="resolved", closed_at="2026-09-01T09:14:00+01:00"),
        "closed_at",
    ),
    (
        "cases",
        "closed-but-open",
        case_record(status="open", closed_at="2026-09-03T09:14:00+01:00"),
        "closed_at",
    ),
    ("cases", "unknown-field", case_record(priority="high"), "priority"),
]


@pytest.mark.parametrize(
    ("kind", "body", "field"),
    [pytest.param(kind, body, field, id=f"{kind}-{name}") for kind, name, body, field in INVALID],
)
def test_invalid_record_is_refused_naming_the_field_and_nothing_is_stored(
    integration: httpx.Client, customer: str, kind: str, body: dict[str, Any], field: str
) -> None:
    before = listed_ids(integration, kind)

    response = _put(integration, kind, "new-1", body)

    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_input"
    assert _fields(response) == [field]
    assert field in response.json()["message"]
    assert integration.get(f"{API}/{kind}/new-1").status_code == 404
    assert listed_ids(integration, kind) == before


def test_refused_update_leaves_the_stored_record_as_it_was(
    integration: httpx.Client, customer: str
) -> None:
    before = integration.get(f"{API}/customers/{customer}").json()

    response = _put(integration, "customers", customer, customer_record(timezone="Mars/Base"))

    assert response.status_code == 422
    assert integration.get(f"{API}/customers/{customer}").json() == before


def test_closed_case_with_closed_at_after_opened_at_is_accepted(
    integration: httpx.Client, customer: str
) -> None:
    body = case_record(status="resolved", closed_at="2026-09-03T09:14:00+01:00")

    response = _put(integration, "cases", "case-1", body)

    assert response.status_code == 201, response.text
    stored = integration.get(f"{API}/cases/case-1").json()
    assert instant(stored["closed_at"]) == datetime(2026, 9, 3, 8, 14, tzinfo=UTC)
    assert stored["status"] == "resolved"


@pytest.mark.parametrize("kind", ["customers", "accounts", "agents", "cases"])
def test_id_with_a_space_in_the_path_is_refused(
    integration: httpx.Client, customer: str, kind: str
) -> None:
    bodies = {
        "customers": customer_record(),
        "accounts": account_record(),
        "agents": {},
        "cases": case_record(),
    }

    response = integration.put(f"{API}/{kind}/has%20space", json=bodies[kind])

    assert response.status_code == 422
    assert _fields(response) == ["id"]


# --- references -------------------------------------------------------------------------------


def test_account_for_unknown_customer_is_a_conflict_naming_the_customer(
    integration: httpx.Client,
) -> None:
    response = _put(integration, "accounts", "acc-1", account_record("cust-missing"))

    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert "cust-missing" in response.json()["message"]
    assert integration.get(f"{API}/accounts/acc-1").status_code == 404
    assert listed_ids(integration, "customers") == []


def test_case_for_unknown_customer_is_a_conflict(integration: httpx.Client) -> None:
    response = _put(integration, "cases", "case-1", case_record("cust-missing"))

    assert response.status_code == 409
    assert "cust-missing" in response.json()["message"]
    assert listed_ids(integration, "cases") == []


def test_case_with_unknown_account_is_a_conflict(integration: httpx.Client, customer: str) -> None:
    response = _put(integration, "cases", "case-1", case_record(account_id="acc-missing"))

    assert response.status_code == 409
    assert "acc-missing" in response.json()["message"]
    assert listed_ids(integration, "cases") == []


def test_case_whose_account_belongs_to_another_customer_is_a_conflict(
    integration: httpx.Client, customer: str, other_customer: str
) -> None:
    _created(integration, "accounts", "acc-2", account_record(other_customer))

    response = _put(integration, "cases", "case-1", case_record(customer, account_id="acc-2"))

    assert response.status_code == 409
    message = response.json()["message"]
    assert "acc-2" in message
    assert other_customer in message
    assert integration.get(f"{API}/cases/case-1").status_code == 404


def test_case_with_unknown_owner_agent_is_a_conflict(
    integration: httpx.Client, customer: str
) -> None:
    response = _put(integration, "cases", "case-1", case_record(owner_agent_id="a-ghost"))

    assert response.status_code == 409
    assert "a-ghost" in response.json()["message"]
    assert listed_ids(integration, "cases") == []
    assert listed_ids(integration, "agents") == []


def test_case_with_known_account_and_owner_is_stored_with_them(
    integration: httpx.Client, customer: str
) -> None:
    _created(integration, "accounts", "acc-1", account_record(customer))
    _created(integration, "agents", "a-7", {"name": "Bea", "team": "support"})

    response = _put(
        integration, "cases", "case-1", case_record(account_id="acc-1", owner_agent_id="a-7")
    )

    assert response.status_code == 201
    stored = integration.get(f"{API}/cases/case-1").json()
    assert (stored["account_id"], stored["owner_agent_id"]) == ("acc-1", "a-7")


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("customers", "customer"),
        ("accounts", "account"),
        ("agents", "agent"),
        ("cases", "case"),
        ("conversations", "conversation"),
    ],
)
def test_get_unknown_id_is_not_found_naming_it(
    integration: httpx.Client, kind: str, label: str
) -> None:
    response = integration.get(f"{API}/{kind}/nobody-42")

    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "message": f"{label} 'nobody-42' does not exist",
    }


# --- pagination -------------------------------------------------------------------------------


def test_pages_of_three_walk_all_seven_customers_once(integration: httpx.Client) -> None:
    expected = [f"cust-{n}" for n in range(1, 8)]
    for external_id in expected:
        _created(integration, "customers", external_id, customer_record())
    pages: list[list[str]] = []
    cursor: str | None = None

    while True:
        params: dict[str, Any] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        body = integration.get(f"{API}/customers", params=params).json()
        pages.append([item["id"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None or len(pages) > 5:
            break

    assert [len(page) for page in pages] == [3, 3, 1]
    seen = [external_id for page in pages for external_id in page]
    assert seen == expected


def test_last_full_page_has_no_next_cursor(integration: httpx.Client) -> None:
    for n in range(3):
        _created(integration, "customers", f"cust-{n}", customer_record())

    body = integration.get(f"{API}/customers", params={"limit": 3}).json()

    assert len(body["items"]) == 3
    assert body["next_cursor"] is None


@pytest.mark.parametrize("path", ["customers", "accounts", "agents", "cases"])
@pytest.mark.parametrize("limit", [0, -1, 501])
def test_limit_out_of_range_is_refused(integration: httpx.Client, path: str, limit: int) -> None:
    response = integration.get(f"{API}/{path}", params={"limit": limit})

    assert response.status_code == 422
    assert _fields(response) == ["limit"]


def test_limit_of_500_is_accepted(integration: httpx.Client) -> None:
    response = integration.get(f"{API}/customers", params={"limit": 500})

    assert response.status_code == 200


@pytest.mark.parametrize("cursor", ["abc", "-1", "1.5", "", "²", "9" * 30])
def test_garbage_cursor_is_refused(integration: httpx.Client, customer: str, cursor: str) -> None:
    response = integration.get(f"{API}/customers", params={"cursor": cursor})

    assert response.status_code == 422, response.text
    assert _fields(response) == ["cursor"]


# --- filters ----------------------------------------------------------------------------------


def test_accounts_filter_by_customer(
    integration: httpx.Client, customer: str, other_customer: str
) -> None:
    _created(integration, "accounts", "acc-1", account_record(customer))
    _created(integration, "accounts", "acc-2", account_record(other_customer))
    _created(integration, "accounts", "acc-3", account_record(customer, kind="mobile"))

    assert listed_ids(integration, "accounts", customer_id=customer) == ["acc-1", "acc-3"]
    assert listed_ids(integration, "accounts", customer_id=other_customer) == ["acc-2"]
    assert listed_ids(integration, "accounts", customer_id="cust-none") == []


def test_accounts_filter_by_status(integration: httpx.Client, customer: str) -> None:
    _created(integration, "accounts", "acc-1", account_record(status="active"))
    _created(integration, "accounts", "acc-2", account_record(status="suspended"))

    assert listed_ids(integration, "accounts", status="suspended") == ["acc-2"]


def test_cases_filter_by_status(integration: httpx.Client, customer: str) -> None:
    _created(integration, "cases", "case-1", case_record(status="open"))
    _created(integration, "cases", "case-2", case_record(status="pending"))
    _created(integration, "cases", "case-3", case_record(status="open"))

    assert listed_ids(integration, "cases", status="open") == ["case-1", "case-3"]
    assert listed_ids(integration, "cases", status="pending") == ["case-2"]
    assert listed_ids(integration, "cases", status="confirmed") == []


def test_cases_filter_by_customer(
    integration: httpx.Client, customer: str, other_customer: str
) -> None:
    _created(integration, "cases", "case-1", case_record(customer))
    _created(integration, "cases", "case-2", case_record(other_customer))

    assert listed_ids(integration, "cases", customer_id=other_customer) == ["case-2"]


@pytest.fixture
def cases_over_three_days(integration: httpx.Client, customer: str) -> None:
    """case-1 opened 1 Sep, case-2 on 2 Sep at 08:14 UTC (09:14 BST), case-3 on 3 Sep."""
    opened = {
        "case-1": "2026-09-01T12:00:00+00:00",
        "case-2": "2026-09-02T09:14:00+01:00",
        "case-3": "2026-09-03T12:00:00-05:00",
    }
    for external_id, opened_at in opened.items():
        _created(integration, "cases", external_id, case_record(opened_at=opened_at))


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        ("2026-09-02T00:00:00+00:00", None, ["case-2", "case-3"]),
        (None, "2026-09-02T00:00:00+00:00", ["case-1"]),
        ("2026-09-02T00:00:00+00:00", "2026-09-03T00:00:00+00:00", ["case-2"]),
        # since is inclusive: the same instant written with another offset.
        ("2026-09-02T08:14:00Z", "2026-09-02T08:15:00Z", ["case-2"]),
        ("2026-09-02T10:14:00+02:00", None, ["case-2", "case-3"]),
        # until is exclusive.
        (None, "2026-09-02T08:14:00+00:00", ["case-1"]),
        # 3 Sep 12:00 at -05:00 is 17:00 UTC.
        ("2026-09-03T16:59:00+00:00", None, ["case-3"]),
        ("2026-09-03T17:00:01+00:00", None, []),
    ],
)
def test_cases_filter_by_when_they_were_opened(
    integration: httpx.Client,
    cases_over_three_days: None,
    since: str | None,
    until: str | None,
    expected: list[str],
) -> None:
    params = {key: value for key, value in {"since": since, "until": until}.items() if value}

    assert listed_ids(integration, "cases", **params) == expected


@pytest.mark.parametrize("param", ["since", "until"])
def test_naive_datetime_filter_is_refused(integration: httpx.Client, param: str) -> None:
    response = integration.get(f"{API}/cases", params={param: "2026-09-02T00:00:00"})

    assert response.status_code == 422
    assert _fields(response) == [param]


def test_unparsable_datetime_filter_is_refused(integration: httpx.Client) -> None:
    response = integration.get(f"{API}/cases", params={"since": "yesterday"})

    assert response.status_code == 422
    assert _fields(response) == ["since"]


@pytest.fixture
def three_customers(integration: httpx.Client) -> None:
    _created(integration, "customers", "cust-1", customer_record(name="Ada Lovelace"))
    _created(integration, "customers", "acme-7", customer_record(name="Acme Ltd"))
    _created(integration, "customers", "cust-3", customer_record(name="Grace Hopper"))


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("lovelace", ["cust-1"]),
        ("LOVELACE", ["cust-1"]),
        ("ACME", ["acme-7"]),
        ("cust-", ["cust-1", "cust-3"]),
        ("CUST-3", ["cust-3"]),
        ("hOP", ["cust-3"]),
        ("nobody", []),
    ],
)
def test_customer_search_matches_id_or_name_ignoring_case(
    integration: httpx.Client, three_customers: None, search: str, expected: list[str]
) -> None:
    assert listed_ids(integration, "customers", search=search) == expected


@pytest.mark.parametrize(("search", "expected"), [("_", ["cust_1"]), ("%", ["50%off"])])
def test_customer_search_treats_wildcards_literally(
    integration: httpx.Client, search: str, expected: list[str]
) -> None:
    for external_id in ("cust_1", "cust-2", "50%off"):
        _created(integration, "customers", external_id, customer_record(name="Plain Name"))

    assert listed_ids(integration, "customers", search=search) == expected


def test_instants_come_back_in_utc_whatever_offset_they_were_sent_with(
    integration: httpx.Client,
) -> None:
    integration.put("/api/v1/customers/cust-1", json=customer_record())

    written = integration.put(
        "/api/v1/cases/case-1", json=case_record(opened_at="2026-09-02T09:14:00+02:00")
    )
    read = integration.get("/api/v1/cases/case-1")

    assert written.json()["opened_at"] == "2026-09-02T07:14:00Z"
    assert read.json()["opened_at"] == "2026-09-02T07:14:00Z"
