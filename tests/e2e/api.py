"""What the API tests share: the prefix and reading lists and instants back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

API = "/api/v1"


def listed_ids(client: httpx.Client, path: str, **params: Any) -> list[str]:
    """The ids of the first page of a list route, asserting the list answered."""
    response = client.get(f"{API}/{path}", params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def instant(value: str) -> datetime:
    """An instant the API returned, which must carry a UTC offset."""
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{value} has no offset"
    return parsed
