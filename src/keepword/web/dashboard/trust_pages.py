"""Dashboard pages of the trust index: the Trust section of the customer page (the index
now, whether at risk and why, the timeline of events and the index over time) and the
organisation overview at /trust (distribution, trend, where trust is lost, who is at risk).
Charts are Plotly figures as JSON, drawn by static/keepword-chart.js."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import escape

from keepword import clock
from keepword.domain.customers import Customer
from keepword.domain.errors import NotFound
from keepword.domain.trust import Effect, TrustModel
from keepword.services import queries, trust
from keepword.services.ports import UnitOfWork
from keepword.services.trust import TimelineEntry, TrustDay
from keepword.web.api.deps import KeepwordDep
from keepword.web.dashboard.pages import UserDep, render, signed
from keepword.web.dashboard.promise_pages import plotly_url

router = APIRouter(include_in_schema=False)

TREND_DAYS = 90
KINDS_SHOWN = 7  # columns of "where trust is being lost"; the rest are summed in one more
OTHER = "~other"  # no event kind can be named so
MOVES_NOW = 3  # the strongest events the customer's summary names
DASH = "\u2013"
BINS = [f"{low}{DASH}{low + 9 if low < 90 else 100}" for low in range(0, 100, 10)]
CONFIG = {"displaylogo": False, "responsive": True}
# The stylesheet's colours (static/keepword.css), for the charts.
BAD, GOOD, WARN, MUTED, ACCENT = "#b3261e", "#1f7a4d", "#8a5a00", "#5d6678", "#2556a8"


@dataclass(frozen=True)
class Move:
    """How a page shows what an event did: a word and a sign for reading, a colour and a
    marker for glancing (colour is never the only cue)."""

    key: str
    word: str
    arrow: str
    colour: str
    symbol: str


BREACH = Move("breach", "breach", "▼", BAD, "triangle-down")
REPAIR = Move("repair", "repair", "▲", GOOD, "triangle-up")
BUILDS = Move("builds", "builds trust", "▲", GOOD, "triangle-up")
SIGNAL = Move("signal", "customer signal", "◆", WARN, "diamond")
RECORDED = Move("recorded", "no effect", "·", MUTED, "circle-open")


def move_of(entry: TimelineEntry) -> Move:
    """What the event did: a breach, a repair of one, trust built, a signal, or nothing."""
    if entry.effect is Effect.BREACH:
        return BREACH
    if entry.effect is Effect.POSITIVE:
        return REPAIR if entry.repairs else BUILDS
    if entry.effect is Effect.SIGNAL:
        return SIGNAL
    return RECORDED


def _plotly_time(entry: TimelineEntry, zone: ZoneInfo) -> str:
    # Plotly reads dates without an offset as they are, so they go in the reader's clock.
    return entry.event.occurred_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def _threshold(at_risk_below: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """A dashed line across the chart at the at-risk index, and its words."""
    line = {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "y0": at_risk_below,
        "y1": at_risk_below,
        "line": {"color": BAD, "width": 1, "dash": "dash"},
    }
    words = {
        "xref": "paper",
        "x": 0,
        "xanchor": "left",
        "y": at_risk_below,
        "yanchor": "top",
        "text": f"at risk below {at_risk_below:g}",
        "showarrow": False,
        "font": {"color": BAD, "size": 11},
    }
    return line, words


def index_figure(
    entries: Sequence[TimelineEntry], timezone: str, at_risk_below: float
) -> dict[str, Any]:
    """The customer's index over time as Plotly's figure JSON: one point just after each
    event, marked by what the event did, its words and points on hover."""
    zone = ZoneInfo(timezone)
    moves = [move_of(entry) for entry in entries]
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": "trust index",
        "x": [_plotly_time(entry, zone) for entry in entries],
        "y": [entry.index_after for entry in entries],
        "line": {"color": ACCENT, "width": 2},
        "marker": {
            "size": 11,
            "symbol": [move.symbol for move in moves],
            "color": [move.colour for move in moves],
            "line": {"width": 1, "color": "#ffffff"},
        },
        # Plotly draws some HTML in hover text, so the customer's words go in escaped.
        "customdata": [
            [str(escape(entry.text)), move.word, signed(entry.points_then)]
            for entry, move in zip(entries, moves, strict=True)
        ],
        "hovertemplate": "%{x|%d %b %Y, %H:%M}<br>%{customdata[0]}"
        "<br>%{customdata[1]}: %{customdata[2]}, index after %{y}<extra></extra>",
    }
    line, words = _threshold(at_risk_below)
    layout = {
        "xaxis": {"title": {"text": f"time ({timezone})"}, "type": "date"},
        "yaxis": {"title": {"text": "trust index"}, "range": [0, 100]},
        "shapes": [line],
        "annotations": [words],
        "showlegend": False,
        "margin": {"l": 60, "r": 20, "t": 20, "b": 50},
        "height": 320,
        "hovermode": "closest",
    }
    return {"data": [trace], "layout": layout, "config": CONFIG}


def customer_trust(
    uow: UnitOfWork, customer: Customer, timezone: str, model: TrustModel
) -> dict[str, Any]:
    """What the customer page shows of trust: the index now, at risk or not and why, the
    events that move it most, the timeline in time order and its chart."""
    now = clock.now()
    found = trust.trust_of(uow, customer.external_id, now, top=MOVES_NOW)
    timeline = trust.trust_timeline(uow, customer.external_id, now)
    return {
        "trust": found.reading,
        "trust_prior": model.prior,
        "at_risk_below": model.at_risk_below,
        "timeline": timeline,
        "move_of": move_of,
        "trust_figure": index_figure(timeline, timezone, model.at_risk_below) if timeline else None,
        "plotly": plotly_url(),
    }


# The organisation overview.


def histogram_figure(bins: Sequence[int], at_risk_below: float) -> dict[str, Any]:
    """Customers per 10 points of index as a bar chart; bins below the at-risk index red."""
    colours = [BAD if low < at_risk_below else ACCENT for low in range(0, 100, 10)]
    trace = {
        "type": "bar",
        "name": "customers",
        "x": BINS,
        "y": list(bins),
        "marker": {"color": colours},
        "hovertemplate": "index %{x}: %{y} customers<extra></extra>",
    }
    layout = {
        "xaxis": {"title": {"text": "trust index"}, "type": "category"},
        "yaxis": {"title": {"text": "customers"}, "rangemode": "tozero"},
        "bargap": 0.1,
        "showlegend": False,
        "margin": {"l": 60, "r": 20, "t": 20, "b": 50},
        "height": 300,
    }
    return {"data": [trace], "layout": layout, "config": CONFIG}


def trend_figure(days: Sequence[TrustDay]) -> dict[str, Any]:
    """The mean index (line, left axis) and customers at risk (bars, right axis) per day."""
    x = [day.day.isoformat() for day in days]
    mean = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": "mean index",
        "x": x,
        "y": [day.mean_index for day in days],
        "line": {"color": ACCENT, "width": 2},
        "connectgaps": False,
        "hovertemplate": "%{x|%d %b %Y}: mean index %{y}<extra></extra>",
    }
    risky = {
        "type": "bar",
        "name": "customers at risk",
        "x": x,
        "y": [day.at_risk for day in days],
        "yaxis": "y2",
        "marker": {"color": BAD, "opacity": 0.45},
        "hovertemplate": "%{x|%d %b %Y}: %{y} at risk<extra></extra>",
    }
    layout = {
        "xaxis": {"title": {"text": "day"}, "type": "date", "tickformat": "%d %b"},
        "yaxis": {"title": {"text": "mean index"}, "range": [0, 100]},
        "yaxis2": {
            "title": {"text": "at risk"},
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
        },
        "legend": {"orientation": "h", "y": -0.3},
        "margin": {"l": 60, "r": 60, "t": 20, "b": 60},
        "height": 320,
        "hovermode": "x unified",
    }
    # The mean is drawn over the bars.
    return {"data": [risky, mean], "layout": layout, "config": CONFIG}


@dataclass(frozen=True)
class LostTable:
    """Points lost by team (rows, most lost first) and breach kind (columns, most lost
    first; beyond KINDS_SHOWN the rest are summed in an OTHER column)."""

    teams: Sequence[str]
    kinds: Sequence[str]
    cells: dict[tuple[str, str], float]
    totals: dict[str, float]


def lost_table(rows: Iterable[tuple[str, str, float]], columns: int = KINDS_SHOWN) -> LostTable:
    """The (team, kind, points) rows of `organisation_trust` as a team-by-kind table."""
    found = list(rows)
    by_kind: dict[str, float] = {}
    by_team: dict[str, float] = {}
    for team, kind, points in found:
        by_kind[kind] = by_kind.get(kind, 0.0) + points
        by_team[team] = by_team.get(team, 0.0) + points
    ranked = sorted(by_kind, key=lambda kind: (by_kind[kind], kind))
    # An OTHER column is only worth it when it sums two kinds or more.
    shown = ranked if len(ranked) <= columns + 1 else ranked[:columns]
    kinds = [*shown, OTHER] if len(shown) < len(ranked) else shown
    cells: dict[tuple[str, str], float] = {}
    for team, kind, points in found:
        key = (team, kind if kind in shown else OTHER)
        cells[key] = round(cells.get(key, 0.0) + points, 1)
    return LostTable(
        teams=sorted(by_team, key=lambda team: (by_team[team], team)),
        kinds=kinds,
        cells=cells,
        totals={team: round(points, 1) for team, points in by_team.items()},
    )


def _names(uow: UnitOfWork, customer_ids: Iterable[str]) -> dict[str, str]:
    """The name of each known customer among `customer_ids` (those without one left out)."""
    names = {}
    for customer_id in customer_ids:
        try:
            customer = queries.get_customer(uow, customer_id)
        except NotFound:
            continue
        if customer.name:
            names[customer_id] = customer.name
    return names


@router.get("/trust")
def overview(request: Request, kw: KeepwordDep, user: UserDep) -> HTMLResponse:
    """The organisation's trust now: how the index is spread, its trend from the daily
    snapshots, which breaches cost most trust by team, and who is at risk, lowest first."""
    now = clock.now()
    uow = kw.uow()
    organisation = queries.get_organisation(uow)
    model = organisation.trust_model()
    summary = trust.organisation_trust(uow, now, days=TREND_DAYS)
    days = trust.trust_trend(uow, now, days=TREND_DAYS)
    risky = trust.at_risk(uow, now)
    lost = lost_table(summary.lost_by_team)
    context = {
        "user": user,
        "now": now,
        "timezone": organisation.timezone,
        "summary": summary,
        "model": model,
        "bins": BINS,
        "histogram_figure": histogram_figure(summary.histogram, model.at_risk_below)
        if summary.customers
        else None,
        "days": days,
        "trend_days": TREND_DAYS,
        "trend_figure": trend_figure(days) if days else None,
        "lost": lost,
        "kind_words": {kind: model.weight_of(kind).words or kind for kind in lost.kinds},
        "other": OTHER,
        "at_risk": risky,
        "names": _names(uow, [c.customer_id for c in risky]),
        "plotly": plotly_url(),
    }
    return render(request, "trust.html", context)
