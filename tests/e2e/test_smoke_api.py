from __future__ import annotations

import httpx

from tests.factories import conversation_record


def test_stored_conversation_reads_back_over_http(admin: httpx.Client) -> None:
    response = admin.post("/api/v1/conversations", json=conversation_record())
    assert response.status_code == 201, response.text
    got = admin.get("/api/v1/conversations/conv-1")
    assert got.status_code == 200
    assert got.json()["turns"][1]["agent_id"] == "a-7"
