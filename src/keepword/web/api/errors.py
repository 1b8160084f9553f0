"""One place where errors become HTTP responses, all with the same JSON shape.

{"error": "<code>", "message": "<what was wrong and what to do>",
 "problems": [{"field": "turns.0.at", "reason": "..."}]}
"""

from __future__ import annotations

import html
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from keepword.domain.errors import AccessDenied, Conflict, DomainError, InvalidValue, NotFound
from keepword.domain.promises import PromiseConflict
from keepword.services.conversations import BatchRefused
from keepword.web.api.deps import Unauthenticated


def error_body(
    code: str, message: str, problems: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"error": code, "message": message}
    if problems:
        body["problems"] = problems
    return body


def _field_path(location: tuple[Any, ...]) -> str:
    # FastAPI prefixes where the value came from ("body", "query"); keep the field itself.
    parts = [str(p) for p in location]
    if parts and parts[0] in {"body", "query", "path", "header"} and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts)


def _validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [
        {"field": _field_path(tuple(item["loc"])), "reason": item["msg"]} for item in error.errors()
    ]
    summary = "; ".join(f"{p['field']}: {p['reason']}" for p in problems[:5])
    return JSONResponse(error_body("invalid_input", summary, problems), status_code=422)


def _status_of(error: DomainError) -> tuple[int, str]:
    cause = error.error if isinstance(error, BatchRefused) else error
    if isinstance(cause, InvalidValue):
        return 422, "invalid_input"
    if isinstance(cause, NotFound):
        return 404, "not_found"
    if isinstance(cause, Conflict):
        return 409, "conflict"
    if isinstance(cause, AccessDenied):
        return 403, "forbidden"
    return 400, "refused"


def _domain_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, DomainError)
    status, code = _status_of(error)
    if not _is_api(request):
        return _html_error(status, str(error))
    cause = error.error if isinstance(error, BatchRefused) else error
    problems = None
    if isinstance(cause, InvalidValue):
        where = (
            f"line {error.line}: {cause.field}" if isinstance(error, BatchRefused) else cause.field
        )
        problems = [{"field": where, "reason": cause.reason}]
    body = error_body(code, str(error), problems)
    if isinstance(cause, PromiseConflict):
        # The caller asked for a change the promise's state does not allow: say the state.
        body["state"] = {
            "status": cause.status.value,
            "closed_at": cause.closed_at.isoformat() if cause.closed_at else None,
        }
    return JSONResponse(body, status_code=status)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _html_error(status: int, message: str) -> HTMLResponse:
    # The dashboard's own pages render their errors; this covers what reaches the app's edge.
    return HTMLResponse(
        f"<!doctype html><title>{status}</title><h1>{status}</h1>"
        f"<p>{html.escape(message)}</p><p><a href='/'>Back to Keepword</a></p>",
        status_code=status,
    )


def _unauthenticated(_: Request, error: Exception) -> JSONResponse:
    return JSONResponse(
        error_body("unauthenticated", str(error)),
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
    )


def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    if not _is_api(request):
        return _html_error(error.status_code, str(error.detail))
    code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
        error.status_code, "http_error"
    )
    return JSONResponse(
        error_body(code, str(error.detail)),
        status_code=error.status_code,
        headers=getattr(error, "headers", None),
    )


def install_error_handlers(app: FastAPI) -> None:
    """Map every error a route can raise to its status and the shared JSON shape."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(Unauthenticated, _unauthenticated)
    app.add_exception_handler(StarletteHTTPException, _http_error)
