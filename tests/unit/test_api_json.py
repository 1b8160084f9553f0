"""A response body sent as its own JSON answers exactly what FastAPI's response_model would."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from fastapi import FastAPI, Response
from pydantic import BaseModel

from keepword.web.api.schemas import CustomerOut, sent_as_json
from keepword.web.api.trust import ExplainedOut, TrustOut

PLUS_TWO = timezone(timedelta(hours=2))

BODIES: list[BaseModel] = [
    CustomerOut(
        id="cust-1",
        name="Zoë Ünal",
        country=None,
        timezone="Europe/Paris",
        created_at=datetime(2026, 11, 23, 14, 30, 15, 123456, tzinfo=PLUS_TWO),
        updated_at=None,
    ),
    TrustOut(
        customer="cust-1",
        index=61.234567890123,
        at_risk=True,
        explanation=[
            ExplainedOut(
                kind="promise_broken",
                at=datetime(2026, 11, 20, 9, 0, tzinfo=PLUS_TWO),
                contribution=-12.5e-7,
                text="Promise 'call back by Friday' broken, 3 days late",
            )
        ],
    ),
]


async def _get_both(app: FastAPI) -> tuple[httpx.Response, httpx.Response]:
    # In process, through the app's whole ASGI stack: no socket needed to compare bytes.
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get("/as-model"), await client.get("/sent")


def _served_both_ways(body: BaseModel) -> tuple[httpx.Response, httpx.Response]:
    app = FastAPI()

    @app.get("/as-model", response_model=type(body))
    def as_model() -> BaseModel:
        return body

    @app.get("/sent", response_model=type(body))
    def sent() -> Response:
        return sent_as_json(body)

    return asyncio.run(_get_both(app))


@pytest.mark.parametrize("body", BODIES, ids=lambda body: type(body).__name__)
def test_a_body_sent_as_json_is_the_response_its_model_would_make(body: BaseModel) -> None:
    as_model, sent = _served_both_ways(body)

    assert sent.status_code == as_model.status_code == 200
    assert sent.headers["content-type"] == as_model.headers["content-type"]
    assert sent.content == as_model.content
