"""Authentication and roles over HTTP: who may call which route of the API."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from keepword.bootstrap import Keepword
from keepword.domain.access import Role
from keepword.services.access import create_token, revoke_token
from tests.conftest import NOW
from tests.factories import account_record, case_record, conversation_record, customer_record

API = "/api/v1"

READ_PATHS = [
    f"{API}/customers",
    f"{API}/accounts",
    f"{API}/agents",
    f"{API}/cases",
    f"{API}/conversations",
    f"{API}/trust-events",
]

# Each write with a body that would be accepted from a caller allowed to write.
WRITES: list[tuple[str, str, Any]] = [
    ("PUT", f"{API}/customers/cust-1", customer_record()),
    ("PUT", f"{API}/accounts/acc-1", account_record()),
    ("PUT", f"{API}/agents/a-7", {"name": "Bea Agent", "team": "support"}),
    ("PUT", f"{API}/cases/case-1", case_record()),
    ("POST", f"{API}/conversations", conversation_record()),
    ("POST", f"{API}/conversations/bulk", json.dumps(conversation_record()) + "\n"),
]


def _send(client: httpx.Client, method: str, path: str, body: Any = None) -> httpx.Response:
    if isinstance(body, str):
        headers = {"Content-Type": "application/x-ndjson"}
        return client.request(method, path, content=body.encode(), headers=headers)
    return client.request(method, path, json=body)


def _bearer(base_url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


@pytest.fixture
def clients(
    anonymous: httpx.Client,
    admin: httpx.Client,
    integration: httpx.Client,
    lead: httpx.Client,
    agent: httpx.Client,
) -> dict[str, httpx.Client]:
    return {
        "anonymous": anonymous,
        "admin": admin,
        "integration": integration,
        "lead": lead,
        "agent": agent,
    }


@pytest.fixture
def seeded(admin: httpx.Client) -> None:
    """A customer with an account, so that writes of accounts and cases can succeed."""
    assert admin.put(f"{API}/customers/cust-1", json=customer_record()).status_code == 201
    assert admin.put(f"{API}/accounts/acc-1", json=account_record()).status_code == 201
    assert admin.put(f"{API}/agents/a-7", json={"team": "support"}).status_code == 201


def _everything(client: httpx.Client) -> dict[str, Any]:
    """Every list the API serves, as one value to compare before and after a refused write."""
    return {path: client.get(path).json() for path in READ_PATHS}


# --- no token, bad tokens, revoked tokens -------------------------------------------------


@pytest.mark.parametrize("path", [*READ_PATHS, f"{API}/tokens", f"{API}/customers/cust-1"])
def test_request_without_token_is_refused_with_bearer_challenge(
    anonymous: httpx.Client, path: str
) -> None:
    response = anonymous.get(path)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    body = response.json()
    assert body["error"] == "unauthenticated"
    assert "Bearer" in body["message"]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_write_without_token_is_refused_and_stores_nothing(
    anonymous: httpx.Client, admin: httpx.Client, method: str, path: str, body: Any
) -> None:
    response = _send(anonymous, method, path, body)

    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"
    assert admin.get(f"{API}/customers").json()["items"] == []


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Token kw_abc",
        "kw_abc",
        "Bearer not-a-keepword-token",
        "Bearer kw_deadbeef_unknownunknownunknownunknownunknown00",
    ],
)
def test_malformed_or_unknown_token_is_refused(base_url: str, authorization: str) -> None:
    with httpx.Client(base_url=base_url, headers={"Authorization": authorization}) as client:
        response = client.get(f"{API}/customers")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert set(response.json()) == {"error", "message"}
    assert response.json()["error"] == "unauthenticated"


def test_token_with_altered_secret_is_refused(base_url: str, kw: Keepword) -> None:
    secret = create_token(kw.uow(), "sync", Role.INTEGRATION, NOW).secret
    altered = secret[:-1] + ("A" if secret[-1] != "A" else "B")

    with _bearer(base_url, altered) as client:
        response = client.get(f"{API}/customers")

    assert response.status_code == 401


def test_token_revoked_over_the_api_is_refused(admin: httpx.Client, base_url: str) -> None:
    issued = admin.post(f"{API}/tokens", json={"name": "sync", "role": "integration"}).json()
    with _bearer(base_url, issued["token"]) as client:
        assert client.get(f"{API}/customers").status_code == 200

        revoked = admin.delete(f"{API}/tokens/{issued['id']}")
        response = client.get(f"{API}/customers")

    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert response.status_code == 401
    assert response.json() == {
        "error": "unauthenticated",
        "message": "the bearer token is unknown or revoked",
    }


def test_token_revoked_through_the_service_is_refused(base_url: str, kw: Keepword) -> None:
    issued = create_token(kw.uow(), "reader", Role.LEAD, NOW)
    with _bearer(base_url, issued.secret) as client:
        assert client.get(f"{API}/cases").status_code == 200

        revoke_token(kw.uow(), issued.token.token_id, NOW)
        response = client.get(f"{API}/cases")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_revoking_an_unknown_token_is_not_found(admin: httpx.Client) -> None:
    response = admin.delete(f"{API}/tokens/nosuchid")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert "nosuchid" in response.json()["message"]


# --- roles ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "integration", "lead", "agent"])
@pytest.mark.parametrize("path", READ_PATHS)
def test_every_role_can_read_lists(clients: dict[str, httpx.Client], role: str, path: str) -> None:
    response = clients[role].get(path)

    assert response.status_code == 200, response.text
    assert response.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("role", ["lead", "agent"])
@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_readers_may_not_write(
    clients: dict[str, httpx.Client],
    seeded: None,
    role: str,
    method: str,
    path: str,
    body: Any,
) -> None:
    before = _everything(clients["admin"])

    response = _send(clients[role], method, path, body)

    assert response.status_code == 403
    payload = response.json()
    assert payload["error"] == "forbidden"
    assert f"role '{role}'" in payload["message"]
    assert "write" in payload["message"]
    assert _everything(clients["admin"]) == before


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "expected"),
    [
        ("integration", "PUT", f"{API}/customers/cust-2", customer_record(), 201),
        ("integration", "PUT", f"{API}/accounts/acc-2", account_record(), 201),
        ("integration", "PUT", f"{API}/agents/a-8", {"team": "support"}, 201),
        ("integration", "PUT", f"{API}/cases/case-2", case_record(), 201),
        ("integration", "POST", f"{API}/conversations", conversation_record("conv-9"), 201),
        ("admin", "PUT", f"{API}/customers/cust-2", customer_record(), 201),
        ("admin", "PUT", f"{API}/cases/case-2", case_record(), 201),
        ("admin", "POST", f"{API}/conversations", conversation_record("conv-9"), 201),
    ],
)
def test_writers_may_write(
    clients: dict[str, httpx.Client],
    seeded: None,
    role: str,
    method: str,
    path: str,
    body: Any,
    expected: int,
) -> None:
    response = _send(clients[role], method, path, body)

    assert response.status_code == expected, response.text


def test_integration_may_bulk_write(integration: httpx.Client) -> None:
    body = json.dumps(conversation_record()) + "\n"

    response = _send(integration, "POST", f"{API}/conversations/bulk", body)

    assert response.status_code == 200, response.text
    assert response.json()["created"] == 1


@pytest.mark.parametrize("role", ["integration", "lead", "agent"])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"{API}/tokens", None),
        ("POST", f"{API}/tokens", {"name": "mine", "role": "admin"}),
        ("DELETE", f"{API}/tokens/whatever", None),
    ],
)
def test_only_admin_manages_tokens(
    clients: dict[str, httpx.Client], role: str, method: str, path: str, body: Any
) -> None:
    response = _send(clients[role], method, path, body)

    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert "manage_access" in response.json()["message"]
    assert [t["name"] for t in clients["admin"].get(f"{API}/tokens").json()] == [
        "test-admin",
        "test-integration",
        "test-lead",
        "test-agent",
    ]


# --- managing tokens ------------------------------------------------------------------------


def test_admin_creates_a_token_whose_secret_is_returned_once(admin: httpx.Client) -> None:
    response = admin.post(f"{API}/tokens", json={"name": "zendesk-sync", "role": "integration"})

    assert response.status_code == 201
    issued = response.json()
    assert issued["name"] == "zendesk-sync"
    assert issued["role"] == "integration"
    assert issued["revoked_at"] is None
    assert issued["token"].startswith(f"kw_{issued['id']}_")
    assert len(issued["token"]) > 40


def test_token_list_never_contains_secrets(admin: httpx.Client) -> None:
    issued = admin.post(f"{API}/tokens", json={"name": "zendesk-sync", "role": "agent"}).json()

    response = admin.get(f"{API}/tokens")

    assert response.status_code == 200
    listed = {t["id"]: t for t in response.json()}
    assert issued["id"] in listed
    assert listed[issued["id"]]["name"] == "zendesk-sync"
    assert all("token" not in t for t in listed.values())
    assert issued["token"] not in response.text
    secret_part = issued["token"].rsplit("_", 1)[1]
    assert secret_part not in response.text


@pytest.mark.parametrize(
    ("role", "read_status", "write_status"),
    [("integration", 200, 201), ("lead", 200, 403), ("agent", 200, 403), ("admin", 200, 201)],
)
def test_new_token_works_with_its_role(
    admin: httpx.Client, base_url: str, role: str, read_status: int, write_status: int
) -> None:
    secret = admin.post(f"{API}/tokens", json={"name": "new", "role": role}).json()["token"]

    with _bearer(base_url, secret) as client:
        read = client.get(f"{API}/customers")
        write = client.put(f"{API}/customers/cust-5", json=customer_record())

    assert read.status_code == read_status
    assert write.status_code == write_status


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "role": "root"}, "role"),
        ({"name": "", "role": "agent"}, "name"),
        ({"name": "x" * 65, "role": "agent"}, "name"),
        ({"role": "agent"}, "name"),
    ],
)
def test_bad_token_request_names_the_field(
    admin: httpx.Client, body: dict[str, Any], field: str
) -> None:
    response = admin.post(f"{API}/tokens", json=body)

    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"
    assert [p["field"] for p in response.json()["problems"]] == [field]


# --- open routes ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_probes_answer_without_token(anonymous: httpx.Client, path: str) -> None:
    response = anonymous.get(path)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_document_is_served_without_token(anonymous: httpx.Client) -> None:
    response = anonymous.get(f"{API}/openapi.json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Keepword"


def test_openapi_document_lists_the_conversation_routes(anonymous: httpx.Client) -> None:
    paths = anonymous.get(f"{API}/openapi.json").json()["paths"]

    assert set(paths[f"{API}/conversations"]) == {"get", "post"}
    assert set(paths[f"{API}/conversations/bulk"]) == {"post"}
    assert set(paths[f"{API}/conversations/{{conversation_id}}"]) == {"get"}
    bulk_body = paths[f"{API}/conversations/bulk"]["post"]["requestBody"]
    assert "application/x-ndjson" in bulk_body["content"]


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        (f"{API}/customers/{{customer_id}}", "CustomerOut"),
        (f"{API}/accounts/{{account_id}}", "AccountOut"),
        (f"{API}/agents/{{agent_id}}", "AgentOut"),
        (f"{API}/cases/{{case_id}}", "CaseOut"),
        (f"{API}/promises/{{promise_id}}", "PromiseOut"),
        (f"{API}/customers/{{customer_id}}/trust", "TrustOut"),
    ],
)
def test_openapi_document_gives_reads_sent_as_json_their_schema_and_bearer_token(
    anonymous: httpx.Client, path: str, schema: str
) -> None:
    read = anonymous.get(f"{API}/openapi.json").json()["paths"][path]["get"]

    body = read["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"$ref": f"#/components/schemas/{schema}"}
    assert read["security"] == [{"HTTPBearer": []}]


def test_openapi_document_leaves_out_the_dashboard(anonymous: httpx.Client) -> None:
    paths = anonymous.get(f"{API}/openapi.json").json()["paths"]

    assert "/login" not in paths
    assert "/customers" not in paths


def test_unknown_api_route_answers_json_not_found(admin: httpx.Client) -> None:
    response = admin.get(f"{API}/nothing-here")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


# --- the organisation's settings ------------------------------------------------------------

ORGANISATION = {"name": "Northwind Telecom", "timezone": "Europe/Rome", "country": "IT"}


@pytest.mark.parametrize("role", ["admin", "integration", "lead", "agent"])
def test_every_role_can_read_the_organisation(clients: dict[str, httpx.Client], role: str) -> None:
    response = clients[role].get(f"{API}/organisation")

    assert response.status_code == 200
    assert set(response.json()) == {
        "name",
        "timezone",
        "country",
        "business_day_end",
        "at_risk_fraction",
        "at_risk_minimum_minutes",
        "no_due_alert_hours",
        "trust",
    }


@pytest.mark.parametrize("role", ["integration", "lead", "agent"])
def test_only_admin_configures_the_organisation(
    clients: dict[str, httpx.Client], role: str
) -> None:
    before = clients["admin"].get(f"{API}/organisation").json()

    response = clients[role].put(f"{API}/organisation", json=ORGANISATION)

    assert response.status_code == 403
    assert "configure" in response.json()["message"]
    assert clients["admin"].get(f"{API}/organisation").json() == before


def test_admin_configures_the_organisation(admin: httpx.Client) -> None:
    response = admin.put(f"{API}/organisation", json=ORGANISATION)

    assert response.status_code == 200, response.text
    stored = admin.get(f"{API}/organisation").json()
    assert stored == {
        **ORGANISATION,
        "business_day_end": "17:00",
        "at_risk_fraction": 0.2,
        "at_risk_minimum_minutes": 60,
        "no_due_alert_hours": 48,
        "trust": {},
    }
