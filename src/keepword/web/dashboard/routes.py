"""Dashboard pages: login, customers, a customer, a conversation, findings; the promise
pages live in promise_pages, the trust pages in trust_pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from keepword import clock
from keepword.audit.coaching import coaching_for
from keepword.audit.labels import LABELS, is_breaking
from keepword.audit.results import AuditResult
from keepword.domain.errors import InvalidValue, NotFound
from keepword.services import queries
from keepword.services.access import end_session, log_in, start_session
from keepword.services.ports import ListFilter, PageRequest
from keepword.web.api.deps import KeepwordDep
from keepword.web.dashboard import promise_pages, trust_pages
from keepword.web.dashboard.highlight import pieces
from keepword.web.dashboard.pages import (
    HERE,
    LoginRequired,
    UserDep,
    day_start,
    invalid_filter,
    not_found,
    render,
    signer,
)
from keepword.web.dashboard.sessions import COOKIE, SessionSigner

PAGE_SIZE = 25
RELATED_MAX = 200


router = APIRouter(include_in_schema=False)


def _safe_next(next_path: str | None) -> str:
    # Only paths on this site: an absolute URL here would make the login page an open redirect.
    if next_path and next_path.startswith("/") and not next_path.startswith("//"):
        return next_path
    return "/customers"


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    kw: KeepwordDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/customers",
) -> Response:
    user = log_in(kw.uow(), kw.hasher, username.strip(), password)
    if user is None:
        context = {
            "next": _safe_next(next),
            "error": "Wrong username or password.",
            "username": username,
        }
        return render(request, "login.html", context, status=401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    cookies = signer(request)
    lifetime = timedelta(seconds=cookies.max_age)
    secret = start_session(kw.uow(), user, clock.now(), lifetime)
    response.set_cookie(
        COOKIE,
        cookies.sign(secret),
        max_age=cookies.max_age,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
def logout(request: Request, kw: KeepwordDep) -> Response:
    secret = signer(request).session_secret(request.cookies.get(COOKIE))
    if secret:
        end_session(kw.uow(), secret)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/")
def home(_: UserDep) -> Response:
    return RedirectResponse("/customers", status_code=303)


@router.get("/customers")
def customers(
    request: Request,
    kw: KeepwordDep,
    user: UserDep,
    q: str | None = None,
    cursor: str | None = None,
) -> HTMLResponse:
    search = q.strip() if q else None
    page = queries.list_customers(
        kw.uow(), ListFilter(search=search or None), PageRequest(PAGE_SIZE, cursor)
    )
    return render(request, "customers.html", {"user": user, "page": page, "q": search or ""})


@router.get("/customers/{customer_id}")
def customer(request: Request, customer_id: str, kw: KeepwordDep, user: UserDep) -> HTMLResponse:
    uow = kw.uow()
    try:
        found = queries.get_customer(uow, customer_id)
    except NotFound as error:
        return not_found(request, user, error)
    mine = ListFilter(customer_id=customer_id)
    everything = PageRequest(RELATED_MAX)
    organisation = queries.get_organisation(uow)
    cases = queries.list_cases(uow, mine, everything).items
    timezone = found.timezone or organisation.timezone
    context = {
        "user": user,
        "customer": found,
        "timezone": timezone,
        "accounts": queries.list_accounts(uow, mine, everything).items,
        "cases": cases,
        "agents": queries.agent_names(uow, [c.owner_agent_id for c in cases if c.owner_agent_id]),
        "conversations": sorted(
            queries.list_conversations(uow, mine, everything).items,
            key=lambda c: c.started_at,
            reverse=True,
        ),
        **promise_pages.customer_promises(uow, found),
        **trust_pages.customer_trust(uow, found, timezone, organisation.trust_model()),
    }
    return render(request, "customer.html", context)


@router.get("/conversations/{conversation_id}")
def conversation(
    request: Request, conversation_id: str, kw: KeepwordDep, user: UserDep
) -> HTMLResponse:
    uow = kw.uow()
    try:
        found = queries.get_conversation(uow, conversation_id)
    except NotFound as error:
        return not_found(request, user, error)
    customer = queries.get_customer(uow, found.customer_id) if found.customer_id else None
    timezone = (customer.timezone if customer else None) or queries.get_organisation(uow).timezone
    try:
        audit: AuditResult | None = queries.get_audit(uow, conversation_id)
    except NotFound:
        audit = None
    found_labels = list(audit.labels) if audit else []
    breaking = sorted({f.label for f in found_labels if is_breaking(f.label)})
    context = {
        "user": user,
        "conversation": found,
        "customer": customer,
        "timezone": timezone,
        "agents": queries.agent_names(uow, found.agent_ids),
        "audit": audit,
        "pieces": [
            pieces(turn.text, [f for f in found_labels if f.turn == index])
            for index, turn in enumerate(found.turns)
        ],
        "labels_by_turn": {
            index: [f.label for f in found_labels if f.turn == index]
            for index in range(len(found.turns))
        },
        "unsupported": {u.turn: u.reason for u in audit.unsupported} if audit else {},
        "coaching": [(label, coaching_for(label)) for label in breaking],
    }
    return render(request, "conversation.html", context)


@router.get("/findings")
def findings(
    request: Request,
    kw: KeepwordDep,
    user: UserDep,
    label: str | None = None,
    agent: str | None = None,
    team: str | None = None,
    since: str | None = None,
    until: str | None = None,
    cursor: str | None = None,
) -> HTMLResponse:
    uow = kw.uow()
    organisation = queries.get_organisation(uow)
    zone = ZoneInfo(organisation.timezone)
    try:
        start = day_start(since, zone, "since")
        end = day_start(until, zone, "until")
    except InvalidValue as error:
        return invalid_filter(request, user, error)
    extra = {k: v for k, v in {"label": label, "agent_id": agent}.items() if v}
    where = ListFilter(
        team=team or None,
        since=start,
        until=end + timedelta(days=1) if end else None,
        extra=extra,
    )
    page = queries.list_found_labels(uow, where, PageRequest(PAGE_SIZE, cursor))
    agents = queries.list_agents(uow, ListFilter(), PageRequest(500)).items
    context = {
        "user": user,
        "page": page,
        "labels": LABELS,
        "teams": sorted({a.team for a in agents if a.team}),
        "agents": sorted(agents, key=lambda a: a.name or a.external_id),
        "agent_names": {a.external_id: a.name or a.external_id for a in agents},
        "filters": {
            "label": label or "",
            "agent": agent or "",
            "team": team or "",
            "since": since or "",
            "until": until or "",
        },
        "timezone": organisation.timezone,
    }
    return render(request, "findings.html", context)


def _to_login(_: Request, error: Exception) -> Response:
    assert isinstance(error, LoginRequired)
    return RedirectResponse(f"/login?next={quote(error.next_path, safe='')}", status_code=303)


def mount_dashboard(app: FastAPI, secret: str, max_age: int) -> None:
    """Add the dashboard's pages, its static files and its session signing to `app`."""
    app.state.session_signer = SessionSigner(secret, max_age)
    app.add_exception_handler(LoginRequired, _to_login)
    app.include_router(promise_pages.vendor)  # before the mount, which answers all of /static
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(router)
    app.include_router(promise_pages.router)
    app.include_router(trust_pages.router)
