"""Query parameters shared by list routes, and the id rule shared by upsert routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response
from pydantic import AwareDatetime

from keepword.domain.errors import InvalidValue
from keepword.services.ports import PAGE_SIZE_MAX, PageRequest

Limit = Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX, description="Items per page.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]
Since = Annotated[AwareDatetime | None, Query(description="From this instant (inclusive).")]
Until = Annotated[AwareDatetime | None, Query(description="Before this instant (exclusive).")]
CustomerId = Annotated[str | None, Query(description="Only this customer's.")]


def page_request(limit: int, cursor: str | None) -> PageRequest:
    return PageRequest(limit=limit, cursor=cursor)


def id_from_path(path_id: str, body_id: str | None) -> str:
    """The id in the path; a different one in the body is refused rather than silently ignored."""
    if body_id is not None and body_id != path_id:
        raise InvalidValue("id", f"the body says '{body_id}' but the path says '{path_id}'")
    return path_id


def set_upsert_status(response: Response, created: bool) -> None:
    """201 when the call created the entity, 200 when it updated it."""
    response.status_code = 201 if created else 200
