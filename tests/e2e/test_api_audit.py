"""The audit over HTTP: audit on demand, stored audits, findings, trust events, dashboard pages.

The app's auditor is set to the cues-only one before any request, so the labels
expected here do not depend on whichever trained model ships with the package.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from keepword.adapters.helpdesk.records import ConversationRecord
from keepword.audit.auditor import CUES_ONLY, Auditor
from keepword.audit.coaching import coaching_for
from keepword.bootstrap import Keepword
from keepword.domain.access import Role
from keepword.services.access import create_user
from keepword.services.conversations import store_conversation
from tests.conftest import NOW
from tests.factories import conversation_record

API = "/api/v1"
USERNAME = "lead1"
PASSWORD = "a-long-password"
RECORD_KEYS = {"id", "turns", "promises", "findings"}


@pytest.fixture(autouse=True)
def cues_only_auditor(kw: Keepword) -> None:
    """Replace the cached auditor before the app first reads it."""
    kw.__dict__["auditor"] = Auditor(None)


def turn(speaker: str, text: str, at: str, **fields: str) -> dict[str, Any]:
    return {"speaker": speaker, "text": text, "at": at, **fields}


def deflected(id: str = "conv-1", **overrides: Any) -> dict[str, Any]:
    """A fault report answered by an apology and a deflection: breaking and building labels."""
    return conversation_record(
        id,
        turns=[
            turn("customer", "My card does not work with any phone.", "2026-09-02T10:14:05+01:00"),
            turn(
                "agent",
                "Sorry to hear that. Please contact the manufacturer about the card.",
                "2026-09-02T10:15:10+01:00",
                agent_id="a-7",
                team="provisioning",
            ),
        ],
        **overrides,
    )


def store(client: httpx.Client, record: dict[str, Any]) -> None:
    response = client.post(f"{API}/conversations", json=record)
    assert response.status_code in (200, 201), response.text


def labels_of(audit: dict[str, Any]) -> dict[str, set[str]]:
    return {turn: {item["label"] for item in items} for turn, items in audit["turns"].items()}


# --- POST /audit ----------------------------------------------------------------------------


def test_posting_a_conversation_to_audit_returns_the_audit_format(
    integration: httpx.Client,
) -> None:
    response = integration.post(f"{API}/audit", json=deflected())

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= RECORD_KEYS
    assert body["id"] == "conv-1"
    assert labels_of(body) == {"0": {"reports_fault"}, "1": {"apologizes", "deflects"}}
    assert body["findings"] == [{"label": "left_unowned", "turns": [1]}]
    assert body["model"] == CUES_ONLY


def test_each_label_of_an_audit_has_a_score_in_range_and_a_span_in_its_turn(
    integration: httpx.Client,
) -> None:
    record = deflected()

    body = integration.post(f"{API}/audit", json=record).json()

    for key, items in body["turns"].items():
        text = record["turns"][int(key)]["text"]
        for item in items:
            start, end = item["span"]
            assert 0 <= start < end <= len(text)
            assert 0.0 <= item["score"] <= 1.0


def test_posting_to_audit_stores_nothing(integration: httpx.Client) -> None:
    integration.post(f"{API}/audit", json=deflected("conv-transient"))

    assert integration.get(f"{API}/conversations/conv-transient").status_code == 404
    assert integration.get(f"{API}/trust-events").json()["items"] == []


def test_posting_a_non_english_turn_to_audit_reports_it_unsupported(
    integration: httpx.Client,
) -> None:
    record = conversation_record(
        turns=[
            turn(
                "customer",
                "Quiero cancelar mi contrato porque el servicio es muy malo",
                "2026-09-02T10:14:05+01:00",
            )
        ]
    )

    body = integration.post(f"{API}/audit", json=record).json()

    assert body["turns"] == {}
    assert [u["turn"] for u in body["unsupported"]] == [0]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"started_at": None}, "started_at"),
        ({"turns": []}, "turns"),
        ({"id": None}, "id"),
    ],
    ids=["no-start", "no-turns", "no-id"],
)
def test_an_invalid_conversation_to_audit_is_refused_naming_the_field(
    integration: httpx.Client, change: dict[str, Any], field: str
) -> None:
    record = {k: v for k, v in {**deflected(), **change}.items() if v is not None}

    response = integration.post(f"{API}/audit", json=record)

    assert response.status_code == 422
    assert field in [problem["field"] for problem in response.json()["problems"]]


def test_a_turn_without_a_speaker_is_refused_naming_the_turn(integration: httpx.Client) -> None:
    record = deflected()
    del record["turns"][1]["speaker"]

    response = integration.post(f"{API}/audit", json=record)

    assert response.status_code == 422
    assert "turns.1.speaker" in [problem["field"] for problem in response.json()["problems"]]


def test_auditing_needs_a_token(anonymous: httpx.Client) -> None:
    response = anonymous.post(f"{API}/audit", json=deflected())

    assert response.status_code == 401


@pytest.mark.parametrize("client_name", ["admin", "integration", "lead", "agent"])
def test_any_role_may_audit(request: pytest.FixtureRequest, client_name: str) -> None:
    client: httpx.Client = request.getfixturevalue(client_name)

    response = client.post(f"{API}/audit", json=deflected())

    assert response.status_code == 200, response.text


# --- stored audits --------------------------------------------------------------------------


def test_a_stored_conversation_has_its_audit_with_the_model(integration: httpx.Client) -> None:
    store(integration, deflected())

    response = integration.get(f"{API}/conversations/conv-1/audit")

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= RECORD_KEYS
    assert body["model"] == CUES_ONLY
    assert labels_of(body) == {"0": {"reports_fault"}, "1": {"apologizes", "deflects"}}


def test_the_stored_audit_is_what_auditing_on_demand_gives(integration: httpx.Client) -> None:
    store(integration, deflected())

    stored = integration.get(f"{API}/conversations/conv-1/audit").json()
    on_demand = integration.post(f"{API}/audit", json=deflected()).json()

    assert stored == on_demand


def test_the_audit_of_an_unknown_conversation_is_not_found(integration: httpx.Client) -> None:
    response = integration.get(f"{API}/conversations/conv-nowhere/audit")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def store_unaudited(kw: Keepword, id: str = "conv-quiet") -> None:
    """Store a conversation the way an import without an auditor would."""
    incoming = ConversationRecord.model_validate(deflected(id)).to_incoming()
    store_conversation(kw.uow(), incoming, NOW, auditor=None)


def test_a_conversation_never_audited_has_no_audit_and_says_how_to_get_one(
    integration: httpx.Client, kw: Keepword
) -> None:
    store_unaudited(kw)

    response = integration.get(f"{API}/conversations/conv-quiet/audit")

    assert response.status_code == 404
    assert "keepword reaudit" in response.json()["message"]


def test_the_stored_audit_needs_a_token(anonymous: httpx.Client) -> None:
    assert anonymous.get(f"{API}/conversations/conv-1/audit").status_code == 401


def test_the_customers_trust_events_show_what_the_audit_found(integration: httpx.Client) -> None:
    store(integration, deflected())

    response = integration.get(f"{API}/trust-events", params={"customer_id": "cust-1"})

    assert response.status_code == 200
    found = {(e["source_id"], e["kind"]) for e in response.json()["items"]}
    assert found == {
        ("conv-1:0:reports_fault", "reports_fault"),
        ("conv-1:1:apologizes", "apologizes"),
        ("conv-1:1:deflects", "deflects"),
        ("conv-1:left_unowned", "left_unowned"),
    }


def test_storing_the_same_conversation_again_repeats_no_trust_event(
    integration: httpx.Client,
) -> None:
    store(integration, deflected())

    store(integration, deflected())

    items = integration.get(f"{API}/trust-events", params={"customer_id": "cust-1"}).json()["items"]
    assert len(items) == 4


# --- GET /findings --------------------------------------------------------------------------


@pytest.fixture
def two_stored(integration: httpx.Client) -> None:
    """conv-1 (2 Sep, a-7 provisioning) and conv-2 (5 Sep, a-8 billing, cust-2)."""
    store(integration, deflected())
    store(
        integration,
        conversation_record(
            "conv-2",
            started_at="2026-09-05T09:00:00+00:00",
            customer={"id": "cust-2"},
            case_id=None,
            turns=[
                turn("customer", "Still waiting for my refund.", "2026-09-05T09:00:00+00:00"),
                turn(
                    "agent",
                    "Calm down, I'll take care of this.",
                    "2026-09-05T09:01:00+00:00",
                    agent_id="a-8",
                    team="billing",
                ),
            ],
        ),
    )


def findings(client: httpx.Client, **params: Any) -> list[tuple[str, int, str]]:
    response = client.get(f"{API}/findings", params=params)
    assert response.status_code == 200, response.text
    return [(f["conversation_id"], f["turn"], f["label"]) for f in response.json()["items"]]


@pytest.mark.usefixtures("two_stored")
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"label": "deflects"}, {("conv-1", 1, "deflects")}),
        ({"label": "rude,owns"}, {("conv-2", 1, "rude"), ("conv-2", 1, "owns")}),
        ({"agent_id": "a-7"}, {("conv-1", 1, "apologizes"), ("conv-1", 1, "deflects")}),
        ({"team": "billing"}, {("conv-2", 1, "rude"), ("conv-2", 1, "owns")}),
        ({"customer_id": "cust-2"}, {("conv-2", 0, "chases"), ("conv-2", 1, "rude"),
                                     ("conv-2", 1, "owns")}),
        ({"since": "2026-09-04T00:00:00Z"}, {("conv-2", 0, "chases"), ("conv-2", 1, "rude"),
                                            ("conv-2", 1, "owns")}),
        ({"until": "2026-09-04T00:00:00+02:00"}, {("conv-1", 0, "reports_fault"),
                                                  ("conv-1", 1, "apologizes"),
                                                  ("conv-1", 1, "deflects")}),
        ({"label": "rude", "team": "provisioning"}, set()),
    ],
    ids=["label", "labels", "agent", "team", "customer", "since", "until", "none"],
)  # fmt: skip
def test_findings_narrow_by_each_filter(
    lead: httpx.Client, params: dict[str, str], expected: set[tuple[str, int, str]]
) -> None:
    assert set(findings(lead, **params)) == expected


@pytest.mark.usefixtures("two_stored")
def test_a_finding_shows_its_evidence_and_who_spoke(lead: httpx.Client) -> None:
    (item,) = lead.get(f"{API}/findings", params={"label": "deflects"}).json()["items"]

    assert "contact the manufacturer" in item["evidence"]
    assert (item["agent_id"], item["team"]) == ("a-7", "provisioning")
    assert item["at"] == "2026-09-02T09:15:10Z"
    assert 0.0 <= item["score"] <= 1.0


@pytest.mark.usefixtures("two_stored")
def test_findings_page_through_every_label_once(lead: httpx.Client) -> None:
    seen: list[tuple[str, int, str]] = []
    params: dict[str, Any] = {"limit": 2}
    while True:
        body = lead.get(f"{API}/findings", params=params).json()
        assert len(body["items"]) <= 2
        seen += [(f["conversation_id"], f["turn"], f["label"]) for f in body["items"]]
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]

    assert len(seen) == len(set(seen)) == 6


@pytest.mark.parametrize(
    "params",
    [{"since": "yesterday"}, {"since": "2026-09-04T00:00:00"}, {"limit": 0}, {"cursor": "x"}],
    ids=["not-an-instant", "no-offset", "zero-limit", "bad-cursor"],
)
def test_findings_refuse_a_bad_query(lead: httpx.Client, params: dict[str, Any]) -> None:
    response = lead.get(f"{API}/findings", params=params)

    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"


def test_findings_need_a_token(anonymous: httpx.Client) -> None:
    assert anonymous.get(f"{API}/findings").status_code == 401


# --- the dashboard --------------------------------------------------------------------------


@pytest.fixture
def browser(base_url: str, kw: Keepword) -> Iterator[httpx.Client]:
    """A lead logged in to the dashboard."""
    create_user(kw.uow(), kw.hasher, USERNAME, PASSWORD, Role.LEAD, NOW)
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=30) as client:
        response = client.post("/login", data={"username": USERNAME, "password": PASSWORD})
        assert response.status_code == 303, response.text
        yield client


def page(browser: httpx.Client, path: str, **params: str) -> str:
    response = browser.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.text


def marks(html: str, tone: str) -> list[str]:
    return re.findall(rf'<mark class="mark mark-{tone}"[^>]*>([^<]*)</mark>', html)


@pytest.mark.usefixtures("two_stored")
def test_the_conversation_page_marks_breaking_evidence(browser: httpx.Client) -> None:
    html = page(browser, "/conversations/conv-1")

    (marked,) = marks(html, "breaking")
    assert "contact the manufacturer" in marked


@pytest.mark.usefixtures("two_stored")
def test_the_conversation_page_marks_building_evidence(browser: httpx.Client) -> None:
    html = page(browser, "/conversations/conv-1")

    (marked,) = marks(html, "building")
    assert "Sorry" in marked


@pytest.mark.usefixtures("two_stored")
def test_the_conversation_page_lists_the_findings(browser: httpx.Client) -> None:
    html = page(browser, "/conversations/conv-1")

    findings_section = html.split("<h2>Findings</h2>", 1)[1].split("</ul>", 1)[0]
    assert "left unowned" in findings_section


@pytest.mark.usefixtures("two_stored")
def test_the_conversation_page_coaches_on_a_breaking_label(browser: httpx.Client) -> None:
    note = coaching_for("deflects")
    assert note is not None

    html = page(browser, "/conversations/conv-1")

    assert "<h2>Coaching</h2>" in html
    assert note.split(":")[0] in html


@pytest.mark.usefixtures("two_stored")
def test_the_conversation_page_names_the_model(browser: httpx.Client) -> None:
    assert f"Audited by {CUES_ONLY}." in page(browser, "/conversations/conv-1")


def test_the_conversation_page_says_when_a_conversation_was_never_audited(
    browser: httpx.Client, kw: Keepword
) -> None:
    store_unaudited(kw)

    html = page(browser, "/conversations/conv-quiet")

    assert "has not been audited yet" in html
    assert "<mark" not in html


def _rows(html: str) -> list[tuple[str, str]]:
    """(label, conversation) of each row of the findings table."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(
        r'<span class="label label-\w+">([^<]+)</span>.*?href="/conversations/([^"#]+)#',
        body,
        flags=re.DOTALL,
    )


@pytest.mark.usefixtures("two_stored")
def test_the_findings_page_lists_every_label(browser: httpx.Client) -> None:
    rows = _rows(page(browser, "/findings"))

    assert sorted(rows) == sorted(
        [
            ("reports fault", "conv-1"),
            ("apologizes", "conv-1"),
            ("deflects", "conv-1"),
            ("chases", "conv-2"),
            ("rude", "conv-2"),
            ("owns", "conv-2"),
        ]
    )


@pytest.mark.usefixtures("two_stored")
def test_the_findings_page_narrows_by_label(browser: httpx.Client) -> None:
    assert _rows(page(browser, "/findings", label="deflects")) == [("deflects", "conv-1")]


@pytest.mark.usefixtures("two_stored")
def test_the_findings_page_narrows_by_team(browser: httpx.Client) -> None:
    rows = _rows(page(browser, "/findings", team="billing"))

    assert sorted(rows) == [("owns", "conv-2"), ("rude", "conv-2")]


@pytest.mark.usefixtures("two_stored")
def test_the_findings_page_narrows_by_day(browser: httpx.Client) -> None:
    rows = _rows(page(browser, "/findings", since="2026-09-05", until="2026-09-05"))

    assert {conversation for _, conversation in rows} == {"conv-2"}


@pytest.mark.usefixtures("two_stored")
def test_the_findings_page_refuses_a_bad_date_with_a_message(browser: httpx.Client) -> None:
    response = browser.get("/findings", params={"since": "notadate"})

    assert response.status_code == 422
    assert "notadate" in response.text
    assert "is not a date" in response.text


def test_the_findings_page_needs_a_session(base_url: str) -> None:
    with httpx.Client(base_url=base_url, follow_redirects=False) as client:
        response = client.get("/findings")

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
