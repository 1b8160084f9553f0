"""Dashboard pages of the promise ledger: an agent's or a team's worklist, one promise, the
keeping-rate report, and the Plotly script the report's chart needs, served from the
installed package so the page works with no network."""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from keepword import clock
from keepword.domain.customers import Customer
from keepword.domain.errors import InvalidValue, NotFound
from keepword.domain.promises import Party, Promise, PromiseChange, PromiseStatus
from keepword.services import promise_reports, promises, queries
from keepword.services.ports import ListFilter, PageRequest, PromiseFilter, UnitOfWork
from keepword.web.api.deps import KeepwordDep
from keepword.web.dashboard.pages import (
    UserDep,
    day_start,
    invalid_filter,
    local,
    not_found,
    render,
)
from keepword.web.dashboard.timewords import span

router = APIRouter(include_in_schema=False)
# Registered before the /static mount, which would otherwise answer every /static/... path.
vendor = APIRouter(include_in_schema=False)

PLOTLY_PATH = "/static/vendor/plotly.min.js"
# The URL carries the version, so a year-long cache never serves an old Plotly after an upgrade.
LONG_CACHE = "public, max-age=31536000, immutable"
AGENTS_MAX = 500
ENDED_WINDOW = timedelta(days=30)
REPORT_WEEKS = 12
WORST_CELLS = 3
WEEK_MS = 7 * 24 * 3600 * 1000  # Plotly's dtick for dates is in milliseconds
GROUPINGS = ("team", "agent", "kind")
ENDED = ("kept", "broken", "renegotiated", "cancelled")
STATUS_FILTERS = {
    "overdue": "Overdue",
    "at_risk": "At risk",
    "coming": "Coming",
    "no_due": "No due yet",
    **{status: status.capitalize() for status in ENDED},
}


@dataclass(frozen=True)
class Section:
    """One part of a worklist: its heading, its promises, and what to say when it is empty."""

    key: str
    title: str
    promises: Sequence[Promise]
    note: str
    empty: str


def _open_sections(worklist: promise_reports.Worklist) -> list[Section]:
    within = promise_reports.RECENTLY_BROKEN.days
    return [
        Section(
            "overdue",
            "Overdue",
            worklist.overdue,
            f"Past their due; broken ones stay here for {within} days. Tell the customer "
            "where it stands and when it will be done.",
            "Nothing overdue.",
        ),
        Section(
            "at_risk",
            "At risk",
            worklist.at_risk,
            "Due soon with nothing to show they will be kept. Send the draft before the "
            "date passes, or renegotiate.",
            "Nothing at risk.",
        ),
        Section(
            "coming",
            "Coming",
            worklist.upcoming,
            "Open and on time.",
            "Nothing else coming.",
        ),
        Section(
            "no_due",
            "No due yet",
            worklist.no_due,
            "Nobody said when; these age here until kept or cancelled.",
            "Every open promise has a due.",
        ),
    ]


def _words(party: Party, names: dict[str, str]) -> str:
    """Who a party is, with agents' names where known: 'Bea Agent (sales)', 'team billing'."""
    if party.agent_id is not None:
        name = names.get(party.agent_id, party.agent_id)
        return name + (f" ({party.team})" if party.team else "")
    return party.describe()


def _names(uow: UnitOfWork, found: Iterable[Promise]) -> dict[str, str]:
    ids = [
        party.agent_id
        for promise in found
        for party in (promise.maker, promise.owner)
        if party.agent_id
    ]
    return queries.agent_names(uow, ids)


def _is_agent(uow: UnitOfWork, agent_id: str) -> bool:
    try:
        queries.get_agent(uow, agent_id)
    except NotFound:
        return False
    return True


@router.get("/promises")
def worklist(
    request: Request,
    kw: KeepwordDep,
    user: UserDep,
    agent: str | None = None,
    team: str | None = None,
    status: str | None = None,
) -> HTMLResponse:
    """An agent's promises (the logged-in user's when they are an agent), or those a team
    made or owns; open ones in sections, or one status."""
    now = clock.now()
    uow = kw.uow()
    agent, team = (agent or "").strip() or None, (team or "").strip() or None
    if status and status not in STATUS_FILTERS:
        choices = ", ".join(STATUS_FILTERS)
        error = InvalidValue("status", f"'{status}' is not a status; use one of {choices}")
        return invalid_filter(request, user, error)
    if agent is None and team is None and _is_agent(uow, user.username):
        agent = user.username
    sections: list[Section] = []
    whose = ""
    if agent is not None or team is not None:
        # An agent's list is what they must keep; a team's also shows what it promised for
        # others to keep, since the customer heard it from them.
        where = PromiseFilter(owner_agent_id=agent) if agent else PromiseFilter(team=team)
        whose = f"agent {agent}" if agent else f"team {team}"
        if status in ENDED:
            ended = promise_reports.ended_promises(
                uow, where, PromiseStatus(status), now - ENDED_WINDOW
            )
            note = (
                f"Due in the last {ENDED_WINDOW.days} days or later, latest due first; "
                "promises with no due are not listed here."
            )
            empty = f"No {status} promises due in the last {ENDED_WINDOW.days} days for {whose}."
            sections = [Section(status, STATUS_FILTERS[status], ended, note, empty)]
        else:
            found = promise_reports.open_worklist(uow, now, where)
            sections = [s for s in _open_sections(found) if status in (None, "", s.key)]
    shown = [p for section in sections for p in section.promises]
    agents = queries.list_agents(uow, ListFilter(), PageRequest(AGENTS_MAX)).items
    context = {
        "user": user,
        "now": now,
        "agent": agent or "",
        "team": team if not agent else "",
        "whose": whose,
        "mine": agent == user.username,
        "status": status or "",
        "statuses": STATUS_FILTERS,
        "sections": sections,
        "total": len(shown),
        "customers": promise_reports.customers_of(uow, shown),
        "names": _names(uow, shown),
        "words": _words,
        "agent_ids": sorted(a.external_id for a in agents),
        "teams": sorted({a.team for a in agents if a.team}),
    }
    return render(request, "promises.html", context)


# The report: keeping rate by week, and who promised what for whom to keep.


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weeks(first: date, last: date, seen: Iterable[date]) -> list[date]:
    """Every Monday from `first`'s week to `last`'s, and any week the data has besides
    (weeks are counted on the UTC date a promise ended)."""
    weeks = set(seen)
    week = _monday(first)
    while week <= last:
        weeks.add(week)
        week += timedelta(days=7)
    return sorted(weeks)


@dataclass(frozen=True)
class RateRow:
    """One group's kept and broken counts per week, and over the whole range."""

    group: str
    label: str
    weeks: Sequence[promise_reports.KeepingRate | None]
    kept: int
    broken: int

    @property
    def rate(self) -> float | None:
        """The share kept over the range, None when none ended."""
        total = self.kept + self.broken
        return self.kept / total if total else None


def _rate_rows(
    rates: Sequence[promise_reports.KeepingRate], weeks: Sequence[date], labels: dict[str, str]
) -> list[RateRow]:
    by_group: dict[str, dict[date, promise_reports.KeepingRate]] = {}
    for rate in rates:
        by_group.setdefault(rate.group, {})[rate.week] = rate
    rows = []
    for group, found in sorted(by_group.items()):
        kept = sum(r.kept for r in found.values())
        broken = sum(r.broken for r in found.values())
        cells = [found.get(week) for week in weeks]
        rows.append(RateRow(group, labels.get(group, group), cells, kept, broken))
    return rows


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def rate_figure(rows: Sequence[RateRow], weeks: Sequence[date]) -> dict[str, Any]:
    """The keeping-rate chart as Plotly's figure JSON: one line per group, a point per week
    with promises that ended (a gap where none did), kept and broken counts on hover."""
    x = [week.isoformat() for week in weeks]
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": row.label,
            "x": x,
            "y": [_percent(cell.rate if cell else None) for cell in row.weeks],
            "customdata": [[cell.kept, cell.broken] if cell else [0, 0] for cell in row.weeks],
            "hovertemplate": "week of %{x|%d %b %Y}: %{y}% kept"
            "<br>%{customdata[0]} kept, %{customdata[1]} broken",
            "connectgaps": False,
        }
        for row in rows
    ]
    layout = {
        "xaxis": {
            "title": {"text": "week starting"},
            "type": "date",
            "tickformat": "%d %b",
            # A tick on every Monday, as the table's columns, while that stays readable.
            **({"tick0": x[0], "dtick": WEEK_MS} if 0 < len(x) <= 26 else {}),
        },
        "yaxis": {"title": {"text": "kept"}, "range": [0, 105], "ticksuffix": "%"},
        "legend": {"orientation": "h", "y": -0.25},
        "margin": {"l": 60, "r": 20, "t": 20, "b": 60},
        "height": 380,
        "hovermode": "closest",
    }
    return {"data": traces, "layout": layout, "config": {"displaylogo": False, "responsive": True}}


@dataclass(frozen=True)
class Matrix:
    """Teams that made promises (rows) against teams that had to keep them (columns)."""

    makers: Sequence[str]
    owners: Sequence[str]
    cells: dict[tuple[str, str], promise_reports.MakerOwnerCell]
    worst: frozenset[tuple[str, str]]

    def totals(self, maker: str) -> tuple[int, int]:
        """Kept and broken over a maker's row."""
        row = [c for (m, _), c in self.cells.items() if m == maker]
        return sum(c.kept for c in row), sum(c.broken for c in row)


def _share_broken(cell: promise_reports.MakerOwnerCell) -> float:
    return cell.broken / (cell.kept + cell.broken)


def maker_owner_matrix(cells: Sequence[promise_reports.MakerOwnerCell]) -> Matrix:
    """The matrix, with its worst cells: the WORST_CELLS with the highest share broken (more
    broken promises first among equal shares); cells where nothing broke are never worst."""
    found = {(c.maker, c.owner): c for c in cells}
    ranked = sorted(
        (c for c in cells if c.broken),
        key=lambda c: (_share_broken(c), c.broken),
        reverse=True,
    )
    return Matrix(
        makers=sorted({c.maker for c in cells}),
        owners=sorted({c.owner for c in cells}),
        cells=found,
        worst=frozenset((c.maker, c.owner) for c in ranked[:WORST_CELLS]),
    )


@router.get("/promises/report")
def report(
    request: Request,
    kw: KeepwordDep,
    user: UserDep,
    since: str | None = None,
    until: str | None = None,
    by: str = "team",
) -> HTMLResponse:
    """Keeping rate per week by team, agent or kind (a chart and its table), and the
    maker-by-owner matrix, for promises that ended between `since` and `until` (days)."""
    uow = kw.uow()
    organisation = queries.get_organisation(uow)
    zone = ZoneInfo(organisation.timezone)
    try:
        if by not in GROUPINGS:
            raise InvalidValue("by", f"'{by}' is not a grouping; use team, agent or kind")
        start = day_start(since, zone, "since")
        end = day_start(until, zone, "until")
        last = end.date() if end else clock.now().astimezone(zone).date()
        first = start.date() if start else _monday(last) - timedelta(weeks=REPORT_WEEKS - 1)
        if first > last:
            raise InvalidValue("since", f"{first.isoformat()} is after {last.isoformat()}")
    except InvalidValue as error:
        return invalid_filter(request, user, error)
    begin = datetime(first.year, first.month, first.day, tzinfo=zone)
    stop = datetime(last.year, last.month, last.day, tzinfo=zone) + timedelta(days=1)
    rates = promise_reports.keeping_rates(uow, begin, stop, by)
    weeks = _weeks(first, last, (r.week for r in rates))
    labels = queries.agent_names(uow, [r.group for r in rates]) if by == "agent" else {}
    rows = _rate_rows(rates, weeks, labels)
    matrix = maker_owner_matrix(promise_reports.maker_by_owner(uow, begin, stop))
    context = {
        "user": user,
        "filters": {"since": first.isoformat(), "until": last.isoformat(), "by": by},
        "groupings": GROUPINGS,
        "weeks": weeks,
        "rows": rows,
        "figure": rate_figure(rows, weeks) if rows else None,
        "matrix": matrix,
        "share_broken": _share_broken,
        "plotly": plotly_url(),
        "timezone": organisation.timezone,
    }
    return render(request, "promise_report.html", context)


# One promise.


@dataclass(frozen=True)
class Entry:
    """One line of a promise's history, in words, with a link where it points elsewhere."""

    at: datetime
    what: str
    words: str
    link: str | None = None
    link_text: str | None = None


def _party(details: Any, names: dict[str, str]) -> str:
    if not isinstance(details, dict):
        return str(details)
    party = Party(details.get("agent_id"), details.get("team"), details.get("system"))
    return _words(party, names)


def _instant(value: Any, timezone: str) -> str:
    try:
        return local(datetime.fromisoformat(str(value)), timezone)
    except ValueError:
        return str(value)


def _id(value: Any) -> str:
    return quote(str(value), safe="")


def _entry(change: PromiseChange, promise: Promise, timezone: str, names: dict[str, str]) -> Entry:
    """A history entry as a person reads it; anything unrecognised is shown as stored."""
    d = change.details
    due = f"due {_instant(d['due'], timezone)}" if d.get("due") else "no due given"
    if change.what == "made" and d.get("renegotiated_from"):
        source = f"/promises/{_id(d['renegotiated_from'])}"
        return Entry(
            change.at, "made", f"as a renegotiation, {due}; replaces", source, "the old one"
        )
    if change.what == "made":
        return Entry(change.at, "made", f"by {_party(d.get('by', {}), names)}, {due}")
    if change.what == "restated":
        link = f"/conversations/{_id(d.get('conversation'))}#turn-{_id(d.get('turn'))}"
        words = f"said again, in conversation {d.get('conversation')} turn {d.get('turn')}"
        return Entry(change.at, "restated", words, link, "see the turn")
    if change.what == "at_risk":
        near = (
            f"close to its due ({_instant(d['due'], timezone)})"
            if d.get("due")
            else "open long with no due given"
        )
        words = f"{near}, with nothing to show it will be kept; a draft for the customer was made"
        return Entry(change.at, "at risk", words)
    if change.what == "handed_over":
        words = f"from {_party(d.get('from'), names)} to {_party(d.get('to'), names)}"
        return Entry(change.at, "handed over", words + (f": {d['note']}" if d.get("note") else ""))
    if change.what == "kept":
        words = "late" if d.get("late") else "on time"
        if d.get("by"):
            words += f", marked by {d['by']}"
        if d.get("evidence"):
            words += f"; shown by: {d['evidence']}"
        return Entry(change.at, "kept", words)
    if change.what == "broken":
        return Entry(change.at, "broken", f"{due} passed while it was still open")
    if change.what == "renegotiated":
        words = (
            f"due moved from {_instant(d.get('old_due'), timezone)} to "
            f"{_instant(d.get('new_due'), timezone)}; the customer was told: "
            f"{d.get('told_customer', '')}"
        )
        successor = promise.renegotiated_to
        if successor is None:
            return Entry(change.at, "renegotiated", words)
        return Entry(change.at, "renegotiated", words, f"/promises/{_id(successor)}", "the new one")
    if change.what == "cancelled":
        return Entry(change.at, "cancelled", str(d.get("reason", "")))
    shown = ", ".join(f"{key}: {value}" for key, value in d.items())
    return Entry(change.at, change.what.replace("_", " "), shown)


@router.get("/promises/{promise_id}")
def promise_page(request: Request, promise_id: str, kw: KeepwordDep, user: UserDep) -> HTMLResponse:
    """One promise: its fields, its history in the customer's time, the turn that made it,
    and the message to send the customer."""
    now = clock.now()
    uow = kw.uow()
    try:
        promise = promises.get_promise(uow, promise_id)
    except NotFound as error:
        return not_found(request, user, error)
    customer = queries.get_customer(uow, promise.customer_id) if promise.customer_id else None
    organisation = queries.get_organisation(uow)
    timezone = (customer.timezone if customer else None) or organisation.timezone
    said = _turn_text(uow, promise)
    names = _names(uow, [promise])
    # A promise not yet flagged has no stored draft; the same words can be prepared now.
    draft = promise.draft_message or (promise.update_for_customer() if promise.is_open else None)
    late = promise.lateness(now)
    context = {
        "user": user,
        "now": now,
        "promise": promise,
        "state": promise.status_at(now),
        "late": span(late) if late else None,
        "customer": customer,
        "timezone": timezone,
        "zone_is_customers": bool(customer and customer.timezone),
        "said": said,
        "maker": _words(promise.maker, names),
        "owner": _words(promise.owner, names),
        "draft": draft,
        "history": [_entry(c, promise, timezone, names) for c in promise.history],
    }
    return render(request, "promise.html", context)


def _turn_text(uow: UnitOfWork, promise: Promise) -> str | None:
    """The words of the turn that made the promise, when its conversation is stored."""
    if promise.conversation_id is None or promise.turn is None:
        return None
    try:
        conversation = queries.get_conversation(uow, promise.conversation_id)
    except NotFound:
        return None
    if 0 <= promise.turn < len(conversation.turns):
        return conversation.turns[promise.turn].text
    return None


# The customer page's promises.


def customer_promises(uow: UnitOfWork, customer: Customer) -> dict[str, Any]:
    """What the customer page shows of promises: open ones soonest due first, then past
    ones (kept, broken, renegotiated, cancelled) the latest ended first."""
    found = promises.promises_of(uow, PromiseFilter(customer_id=customer.external_id, by_due=True))
    past = [p for p in found if not p.is_open]
    past.sort(key=lambda p: p.closed_at or p.made_at, reverse=True)
    return {
        "open_promises": [p for p in found if p.is_open],
        "past_promises": past,
        "promise_names": _names(uow, found),
        "words": _words,
        "now": clock.now(),
    }


# Plotly's script, from the installed package.


@functools.cache
def plotly_script_path() -> Path | None:
    """plotly/package_data/plotly.min.js in the installed plotly package, found without
    importing it (the Python package is not needed at request time); None when absent."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "package_data" / "plotly.min.js"
        if path.is_file():
            return path
    return None


@functools.cache
def plotly_url() -> str:
    """Where pages load Plotly from, with the package version to bust caches on upgrade."""
    try:
        return f"{PLOTLY_PATH}?v={version('plotly')}"
    except PackageNotFoundError:
        return PLOTLY_PATH


@vendor.get(PLOTLY_PATH)
def plotly_script() -> Response:
    """The Plotly bundle that ships inside the installed plotly package."""
    path = plotly_script_path()
    if path is None:
        return PlainTextResponse(
            "Plotly is not installed; `pip install 'plotly>=5.20'` brings it.", status_code=404
        )
    return FileResponse(path, media_type="text/javascript", headers={"Cache-Control": LONG_CACHE})
