"""Conversations over HTTP: one at a time, in bulk as JSON Lines, and listed back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.e2e.api import API, instant, listed_ids
from tests.factories import conversation_record, customer_record

NDJSON = {"Content-Type": "application/x-ndjson"}


def _post(client: httpx.Client, record: dict[str, Any]) -> httpx.Response:
    return client.post(f"{API}/conversations", json=record)


def _stored(client: httpx.Client, record: dict[str, Any]) -> None:
    response = _post(client, record)
    assert response.status_code in (200, 201), response.text


def _bulk(client: httpx.Client, lines: list[str]) -> httpx.Response:
    body = "".join(f"{line}\n" for line in lines)
    return client.post(f"{API}/conversations/bulk", content=body.encode(), headers=NDJSON)


def _texts(conversation: dict[str, Any]) -> list[str]:
    return [turn["text"] for turn in conversation["turns"]]


def _record_of(external_id: str, customer_id: str, case_id: str, **overrides: Any) -> str:
    customer = {"id": customer_id, "country": "GB", "timezone": "Europe/London"}
    record = conversation_record(external_id, customer=customer, case_id=case_id, **overrides)
    return json.dumps(record)


# --- one conversation -------------------------------------------------------------------------


def test_new_conversation_is_created(integration: httpx.Client) -> None:
    response = _post(integration, conversation_record())

    assert response.status_code == 201
    assert response.json() == {"id": "conv-1", "created": True}


def test_conversation_reads_back_in_the_conversation_format(integration: httpx.Client) -> None:
    _stored(integration, conversation_record())

    got = integration.get(f"{API}/conversations/conv-1").json()

    assert (got["id"], got["channel"], got["case_id"]) == ("conv-1", "chat", "case-1")
    assert got["customer"]["id"] == "cust-1"
    assert instant(got["started_at"]) == datetime(2026, 9, 2, 9, 14, tzinfo=UTC)
    assert [(t["speaker"], t.get("agent_id"), t.get("team")) for t in got["turns"]] == [
        ("customer", None, None),
        ("agent", "a-7", "provisioning"),
    ]
    assert _texts(got) == _texts(conversation_record())
    assert instant(got["turns"][1]["at"]) == datetime(2026, 9, 2, 9, 15, 10, tzinfo=UTC)


def test_same_id_again_updates_and_replaces_the_turns(integration: httpx.Client) -> None:
    _stored(integration, conversation_record())
    new_turns = [
        {"speaker": "customer", "text": "Still waiting.", "at": "2026-09-05T10:00:00+01:00"},
        {"speaker": "agent", "text": "It is active now.", "agent_id": "a-7"},
        {"speaker": "system", "text": "Closed."},
    ]

    response = _post(integration, conversation_record(turns=new_turns))

    assert response.status_code == 200
    assert response.json() == {"id": "conv-1", "created": False}
    got = integration.get(f"{API}/conversations/conv-1").json()
    assert _texts(got) == ["Still waiting.", "It is active now.", "Closed."]
    assert listed_ids(integration, "conversations") == ["conv-1"]


def test_turn_without_at_reads_back_at_the_start(integration: httpx.Client) -> None:
    turns = [{"speaker": "customer", "text": "Hello?"}]

    _stored(integration, conversation_record(turns=turns))

    got = integration.get(f"{API}/conversations/conv-1").json()
    assert instant(got["turns"][0]["at"]) == instant(got["started_at"])


def test_conversation_creates_the_customer_it_names(integration: httpx.Client) -> None:
    _stored(integration, conversation_record())

    customer = integration.get(f"{API}/customers/cust-1").json()

    assert (customer["country"], customer["timezone"]) == ("GB", "Europe/London")


def test_conversation_creates_the_agent_it_names(integration: httpx.Client) -> None:
    _stored(integration, conversation_record())

    agent = integration.get(f"{API}/agents/a-7").json()

    assert (agent["id"], agent["team"], agent["active"]) == ("a-7", "provisioning", True)


def test_conversation_creates_the_case_it_names(integration: httpx.Client) -> None:
    _stored(integration, conversation_record())

    case = integration.get(f"{API}/cases/case-1").json()

    assert (case["customer_id"], case["status"], case["team"]) == ("cust-1", "open", "provisioning")
    assert instant(case["opened_at"]) == datetime(2026, 9, 2, 9, 14, tzinfo=UTC)


def test_conversation_does_not_overwrite_what_the_crm_said(integration: httpx.Client) -> None:
    crm = customer_record(name="Ada Example", country="IE", timezone="Europe/Dublin")
    assert integration.put(f"{API}/customers/cust-1", json=crm).status_code == 201

    _stored(integration, conversation_record())

    customer = integration.get(f"{API}/customers/cust-1").json()
    assert (customer["name"], customer["country"], customer["timezone"]) == (
        "Ada Example",
        "IE",
        "Europe/Dublin",
    )


def test_conversation_naming_only_a_known_case_joins_its_customer(
    integration: httpx.Client,
) -> None:
    _stored(integration, conversation_record("conv-1"))
    record = conversation_record("conv-2")
    del record["customer"]

    _stored(integration, record)

    assert integration.get(f"{API}/conversations/conv-2").json()["customer"]["id"] == "cust-1"


def test_conversation_whose_case_belongs_to_another_customer_is_a_conflict(
    integration: httpx.Client,
) -> None:
    _stored(integration, conversation_record("conv-1"))
    other = {"id": "cust-2", "country": "IT", "timezone": "Europe/Rome"}
    turns = [{"speaker": "agent", "text": "Hi", "agent_id": "a-new", "team": "sales"}]

    response = _post(
        integration, conversation_record("conv-2", customer=other, case_id="case-1", turns=turns)
    )

    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    message = response.json()["message"]
    assert "case-1" in message
    assert "cust-1" in message
    assert "cust-2" in message
    assert integration.get(f"{API}/conversations/conv-2").status_code == 404
    assert integration.get(f"{API}/customers/cust-2").status_code == 404
    assert integration.get(f"{API}/agents/a-new").status_code == 404
    assert listed_ids(integration, "conversations") == ["conv-1"]


def test_unknown_case_without_a_customer_is_a_conflict(integration: httpx.Client) -> None:
    record = conversation_record(case_id="case-new")
    del record["customer"]

    response = _post(integration, record)

    assert response.status_code == 409
    assert "case-new" in response.json()["message"]
    assert listed_ids(integration, "conversations") == []
    assert listed_ids(integration, "agents") == []


INVALID: list[tuple[str, dict[str, Any], str]] = [
    (
        "unknown-speaker",
        {"turns": [{"speaker": "robot", "text": "beep"}]},
        "turns.0.speaker",
    ),
    (
        "naive-turn-at",
        {
            "turns": [
                {"speaker": "customer", "text": "Hi"},
                {"speaker": "agent", "text": "Hello", "at": "2026-09-02T10:15:00"},
            ]
        },
        "turns.1.at",
    ),
    ("missing-text", {"turns": [{"speaker": "customer"}]}, "turns.0.text"),
    ("naive-started-at", {"started_at": "2026-09-02T10:14:00"}, "started_at"),
    ("empty-turns", {"turns": []}, "turns"),
    ("unknown-channel", {"channel": "pigeon"}, "channel"),
    ("empty-id", {"id": ""}, "id"),
    ("id-with-slash", {"id": "conv/1"}, "id"),
    (
        "agent-id-with-space",
        {"turns": [{"speaker": "agent", "text": "Hi", "agent_id": "a 7"}]},
        "turns.0.agent_id",
    ),
    (
        "bad-customer-country",
        {"customer": {"id": "cust-1", "country": "Britain"}},
        "customer.country",
    ),
    (
        "bad-customer-timezone",
        {"customer": {"id": "cust-1", "timezone": "Mars/Base"}},
        "customer.timezone",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [pytest.param(overrides, field, id=name) for name, overrides, field in INVALID],
)
def test_invalid_conversation_is_refused_naming_the_field_path(
    integration: httpx.Client, overrides: dict[str, Any], field: str
) -> None:
    record = {**conversation_record(), **overrides}

    response = _post(integration, record)

    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_input"
    assert [problem["field"] for problem in response.json()["problems"]] == [field]
    assert listed_ids(integration, "conversations") == []
    assert listed_ids(integration, "customers") == []


def test_missing_id_is_refused_naming_it(integration: httpx.Client) -> None:
    record = conversation_record()
    del record["id"]

    response = _post(integration, record)

    assert response.status_code == 422
    assert [problem["field"] for problem in response.json()["problems"]] == ["id"]


def test_unknown_top_level_fields_are_kept(integration: httpx.Client) -> None:
    extra = {"source": "zendesk", "gold": {"turns": {"1": ["apologizes"]}}, "tags": ["vip", 3]}

    _stored(integration, conversation_record(**extra))

    got = integration.get(f"{API}/conversations/conv-1").json()
    assert {key: got[key] for key in extra} == extra


def test_unknown_fields_are_replaced_by_the_update(integration: httpx.Client) -> None:
    _stored(integration, conversation_record(source="zendesk"))

    _stored(integration, conversation_record(origin="freshdesk"))

    got = integration.get(f"{API}/conversations/conv-1").json()
    assert got["origin"] == "freshdesk"
    assert "source" not in got


# --- bulk -------------------------------------------------------------------------------------


def _three_lines() -> list[str]:
    return [_record_of(f"conv-{n}", f"cust-{n}", f"case-{n}") for n in (1, 2, 3)]


def test_bulk_of_three_lines_creates_three(integration: httpx.Client) -> None:
    response = _bulk(integration, _three_lines())

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["created"], body["updated"]) == (3, 0)
    assert body["conversations"] == [{"id": f"conv-{n}", "created": True} for n in (1, 2, 3)]
    assert listed_ids(integration, "conversations") == ["conv-1", "conv-2", "conv-3"]
    assert listed_ids(integration, "cases") == ["case-1", "case-2", "case-3"]


def test_bulk_sent_again_updates_and_never_duplicates(integration: httpx.Client) -> None:
    assert _bulk(integration, _three_lines()).status_code == 200

    response = _bulk(integration, _three_lines())

    assert response.status_code == 200
    assert (response.json()["created"], response.json()["updated"]) == (0, 3)
    assert listed_ids(integration, "conversations") == ["conv-1", "conv-2", "conv-3"]
    got = integration.get(f"{API}/conversations/conv-2").json()
    assert _texts(got) == _texts(conversation_record())


def test_bulk_skips_blank_lines(integration: httpx.Client) -> None:
    lines = _three_lines()

    response = _bulk(integration, [lines[0], "", "   ", lines[1]])

    assert response.status_code == 200
    assert response.json()["created"] == 2


def test_bulk_line_that_is_not_json_refuses_everything(integration: httpx.Client) -> None:
    lines = _three_lines()
    lines[1] = '{"id": "conv-2", "turns": ['

    response = _bulk(integration, lines)

    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"
    assert response.json()["message"].startswith("line 2: not JSON")
    assert [p["field"] for p in response.json()["problems"]] == ["line 2"]
    assert listed_ids(integration, "conversations") == []
    assert listed_ids(integration, "customers") == []


def test_bulk_line_with_an_invalid_field_names_line_and_field(integration: httpx.Client) -> None:
    lines = _three_lines()
    lines[2] = _record_of("conv-3", "cust-3", "case-3", turns=[{"speaker": "robot", "text": "x"}])

    response = _bulk(integration, lines)

    assert response.status_code == 422
    assert response.json()["message"].startswith("line 3: turns.0.speaker")
    assert listed_ids(integration, "conversations") == []


def test_bulk_line_that_conflicts_refuses_everything(integration: httpx.Client) -> None:
    _stored(integration, conversation_record("conv-9", customer={"id": "cust-9"}, case_id="case-9"))
    lines = _three_lines()
    lines[2] = _record_of("conv-3", "cust-3", "case-9")

    response = _bulk(integration, lines)

    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    message = response.json()["message"]
    assert message.startswith("line 3 (conversation 'conv-3')")
    assert "cust-9" in message
    assert listed_ids(integration, "conversations") == ["conv-9"]
    assert listed_ids(integration, "customers") == ["cust-9"]
    assert listed_ids(integration, "cases") == ["case-9"]
    assert listed_ids(integration, "agents") == ["a-7"]


def test_bulk_line_that_conflicts_with_an_earlier_line_refuses_everything(
    integration: httpx.Client,
) -> None:
    lines = [
        _record_of("conv-1", "cust-1", "case-1"),
        _record_of("conv-2", "cust-2", "case-1"),
    ]

    response = _bulk(integration, lines)

    assert response.status_code == 409
    assert response.json()["message"].startswith("line 2 (conversation 'conv-2')")
    assert listed_ids(integration, "conversations") == []
    assert listed_ids(integration, "cases") == []


@pytest.mark.parametrize("body", [b"", b"\n\n", b"   \n"])
def test_bulk_without_conversations_is_refused(integration: httpx.Client, body: bytes) -> None:
    response = integration.post(f"{API}/conversations/bulk", content=body, headers=NDJSON)

    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"
    assert "no conversations" in response.json()["message"]


def test_bulk_that_is_not_utf8_is_refused(integration: httpx.Client) -> None:
    body = json.dumps(conversation_record()).encode() + b"\xff\n"

    response = integration.post(f"{API}/conversations/bulk", content=body, headers=NDJSON)

    assert response.status_code == 422
    assert "UTF-8" in response.json()["message"]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_bulk_line_may_hold_unicode_line_separators_inside_strings(
    integration: httpx.Client, separator: str
) -> None:
    text = f"First line.{separator}Second line."
    turns = [{"speaker": "customer", "text": text}]
    line = json.dumps(conversation_record(turns=turns), ensure_ascii=False)

    response = _bulk(integration, [line])

    assert response.status_code == 200, response.text
    got = integration.get(f"{API}/conversations/conv-1").json()
    assert _texts(got) == [text]


# --- listing ----------------------------------------------------------------------------------


@pytest.fixture
def four_conversations(integration: httpx.Client) -> None:
    """conv-1 and conv-2 of cust-1 (case-1, case-2); conv-3 of cust-2; conv-4 anonymous."""
    starts = {
        "conv-1": "2026-09-01T10:00:00+02:00",
        "conv-2": "2026-09-02T10:14:00+01:00",
        "conv-3": "2026-09-03T09:00:00+00:00",
        "conv-4": "2026-09-04T09:00:00-04:00",
    }
    owners = {"conv-1": "cust-1", "conv-2": "cust-1", "conv-3": "cust-2"}
    cases = {"conv-1": "case-1", "conv-2": "case-2", "conv-3": "case-3"}
    for external_id, started_at in starts.items():
        record = conversation_record(external_id, started_at=started_at)
        if external_id in owners:
            record["customer"] = {"id": owners[external_id]}
            record["case_id"] = cases[external_id]
        else:
            del record["customer"], record["case_id"]
        _stored(integration, record)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["conv-1", "conv-2", "conv-3", "conv-4"]),
        ({"customer_id": "cust-1"}, ["conv-1", "conv-2"]),
        ({"customer_id": "cust-2"}, ["conv-3"]),
        ({"customer_id": "cust-none"}, []),
        ({"case_id": "case-2"}, ["conv-2"]),
        ({"customer_id": "cust-1", "case_id": "case-3"}, []),
        ({"since": "2026-09-02T09:14:00Z"}, ["conv-2", "conv-3", "conv-4"]),
        ({"until": "2026-09-02T09:14:00Z"}, ["conv-1"]),
        (
            {"since": "2026-09-02T00:00:00+00:00", "until": "2026-09-04T00:00:00+00:00"},
            ["conv-2", "conv-3"],
        ),
        # conv-4 started 13:00 UTC on 4 Sep.
        ({"since": "2026-09-04T12:59:59+00:00"}, ["conv-4"]),
        ({"since": "2026-09-04T09:00:01-04:00"}, []),
    ],
)
def test_conversations_filter(
    integration: httpx.Client,
    four_conversations: None,
    params: dict[str, str],
    expected: list[str],
) -> None:
    assert listed_ids(integration, "conversations", **params) == expected


def test_naive_since_is_refused(integration: httpx.Client) -> None:
    response = integration.get(f"{API}/conversations", params={"since": "2026-09-02T00:00:00"})

    assert response.status_code == 422
    assert [p["field"] for p in response.json()["problems"]] == ["since"]


def test_conversations_page_with_their_turns(
    integration: httpx.Client, four_conversations: None
) -> None:
    pages: list[dict[str, Any]] = []
    cursor: str | None = None

    while True:
        params: dict[str, Any] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        response = integration.get(f"{API}/conversations", params=params)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        cursor = pages[-1]["next_cursor"]
        if cursor is None or len(pages) > 3:
            break

    assert [[item["id"] for item in page["items"]] for page in pages] == [
        ["conv-1", "conv-2", "conv-3"],
        ["conv-4"],
    ]
    assert all(
        _texts(item) == _texts(conversation_record()) for page in pages for item in page["items"]
    )


def test_conversations_page_of_one_when_more_follow(
    integration: httpx.Client, four_conversations: None
) -> None:
    response = integration.get(f"{API}/conversations", params={"limit": 1})

    assert response.status_code == 200, response.text
    assert [item["id"] for item in response.json()["items"]] == ["conv-1"]
    assert response.json()["next_cursor"] is not None
