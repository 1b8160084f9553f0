"""Liveness and readiness probes, outside /api and without authentication."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from keepword.web.api.deps import KeepwordDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(kw: KeepwordDep) -> JSONResponse:
    """The database answers and its schema is current; 503 with the reason otherwise."""
    try:
        current = kw.schema_is_current()
    except SQLAlchemyError as error:
        reason = f"database unreachable: {type(error).__name__}"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    if not current:
        reason = "database schema is out of date; run `keepword db upgrade`"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    return JSONResponse({"status": "ok"})
