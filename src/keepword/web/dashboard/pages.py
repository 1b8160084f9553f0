"""What every dashboard page shares: the templates and their filters, the logged-in user,
and the few ways a page answers (found, not found, a filter that makes no sense)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from keepword import clock
from keepword.adapters.helpdesk.records import format_balance
from keepword.domain.access import User
from keepword.domain.errors import InvalidValue, NotFound
from keepword.services.access import user_of_session
from keepword.web.api.deps import KeepwordDep
from keepword.web.dashboard.highlight import tone
from keepword.web.dashboard.sessions import COOKIE, SessionSigner
from keepword.web.dashboard.timewords import ago, relative

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


class LoginRequired(Exception):
    """No valid session: the browser is sent to the login page, then back."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def local(value: datetime | None, timezone: str | None = None) -> str:
    """An instant as the reader's clock showed it in `timezone`: 'Wed 2 Sep 2026, 09:14 BST'."""
    if value is None:
        return ""
    shown = value.astimezone(ZoneInfo(timezone)) if timezone else value
    return f"{shown:%a} {shown.day} {shown:%b %Y, %H:%M} {shown.tzname() or ''}".strip()


MINUS = "\u2212"  # the minus sign, wider and clearer than a hyphen


def signed(points: float) -> str:
    """Points with their sign, to one place: '+3.0', MINUS + '17.4', and '0'."""
    if round(points, 1) == 0:
        return "0"
    return f"{'+' if points > 0 else MINUS}{abs(points):.1f}"


templates.env.filters["local"] = local
templates.env.filters["signed"] = signed
templates.env.filters["money"] = format_balance
templates.env.filters["tone"] = lambda label: tone((label,))
templates.env.filters["relative"] = relative
templates.env.filters["ago"] = ago


def signer(request: Request) -> SessionSigner:
    """The app's session cookie signer."""
    found: SessionSigner = request.app.state.session_signer
    return found


def current_user(request: Request, kw: KeepwordDep) -> User:
    """The logged-in user; LoginRequired (a redirect to the login page) when there is none."""
    secret = signer(request).session_secret(request.cookies.get(COOKIE))
    user = user_of_session(kw.uow(), secret, clock.now()) if secret else None
    if user is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    return user


UserDep = Annotated[User, Depends(current_user)]


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """The template `name` filled with `context`."""
    return templates.TemplateResponse(request, name, context, status_code=status)


def not_found(request: Request, user: User, error: NotFound) -> HTMLResponse:
    """The not-found page, naming what was looked for."""
    return render(request, "not_found.html", {"user": user, "message": str(error)}, status=404)


def invalid_filter(request: Request, user: User, error: InvalidValue) -> HTMLResponse:
    """A 422 page saying which filter value makes no sense and what would."""
    context = {"user": user, "title": "Invalid filter", "message": str(error)}
    return render(request, "not_found.html", context, status=422)


def day_start(value: str | None, zone: ZoneInfo, field: str) -> datetime | None:
    """The start of a YYYY-MM-DD day in `zone`, or None when blank."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError as error:
        raise InvalidValue(field, f"'{value}' is not a date such as 2026-11-23") from error
    return datetime(day.year, day.month, day.day, tzinfo=zone)
