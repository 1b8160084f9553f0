"""The trust pages over HTTP: the Trust section of the customer page (the index now, at
risk and why, the timeline in words with signed points, the chart) and the organisation
overview (distribution, trend from the daily snapshots, where trust is lost by team, who is
at risk); the login they need, and the customer's words escaped."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from keepword import clock
from keepword.audit.results import AuditResult, TurnLabel
from keepword.audit.timeexpr import BusinessCalendar
from keepword.bootstrap import Keepword
from keepword.domain.access import Role
from keepword.domain.conversations import Channel, Conversation, Speaker, Turn
from keepword.domain.events import TrustEvent
from keepword.services.access import create_user
from keepword.services.conversations import IncomingConversation, store_conversation
from keepword.services.events import record_trust_event
from keepword.services.trust import index_history, snapshot_trust
from tests.conftest import NOW
from tests.factories import customer_record

API = "/api/v1"
PASSWORD = "a-long-password"
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
MINUS = "\u2212"
REMOTE_ASSET = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
OPERATIONS = {"team": "operations"}
ACTIVATION = "Activation within 3 days"
EMPTY_TREND = "The clock keeps one snapshot a day; the trend starts tomorrow"


# --- arranging ------------------------------------------------------------------------------


@pytest.fixture
def browser(base_url: str) -> Iterator[httpx.Client]:
    """A browser with no session; it does not follow redirects, so tests can see them."""
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=30) as client:
        yield client


@pytest.fixture
def lead(browser: httpx.Client, kw: Keepword) -> httpx.Client:
    """A team lead, logged in."""
    create_user(kw.uow(), kw.hasher, "lead1", PASSWORD, Role.LEAD, NOW)
    response = browser.post("/login", data={"username": "lead1", "password": PASSWORD})
    assert response.status_code == 303, response.text
    return browser


@pytest.fixture
def customers(integration: httpx.Client) -> None:
    """cust-1 Ada in London, cust-2 Bruno in Rome, cust-3 Chloe in Paris."""
    for customer_id, name, zone in [
        ("cust-1", "Ada Example", "Europe/London"),
        ("cust-2", "Bruno Rossi", "Europe/Rome"),
        ("cust-3", "Chloe Martin", "Europe/Paris"),
    ]:
        body = customer_record(name=name, timezone=zone)
        assert integration.put(f"{API}/customers/{customer_id}", json=body).status_code == 201


def _event(kw: Keepword, customer_id: str, kind: str, at: datetime, **details: Any) -> None:
    """A trust event another system records as it happens."""
    source = f"{customer_id}:{kind}:{int(at.timestamp())}"
    event = TrustEvent(customer_id, at, kind, "test", source, details)
    record_trust_event(kw.uow(), event, at)


def _broken(kw: Keepword, customer_id: str, at: datetime, text: str) -> None:
    """A promise owned by team operations, broken at its due `at`."""
    details = {"text": text, "due": at.isoformat(), "owner": OPERATIONS}
    _event(kw, customer_id, "promise_broken", at, **details)


@pytest.fixture
def ada(kw: Keepword, customers: None) -> datetime:
    """Ada's trust: a promise made 60 days ago and broken 57 days ago, an agent taking it on
    the day after (a repair), a rude agent two hours ago and her frustration an hour ago."""
    now = clock.now()
    made = {"text": ACTIVATION, "due": (now - timedelta(days=57)).isoformat()}
    _event(kw, "cust-1", "promise_made", now - timedelta(days=60), **made, owner=OPERATIONS)
    _broken(kw, "cust-1", now - timedelta(days=57), ACTIVATION)
    _event(
        kw,
        "cust-1",
        "owns",
        now - timedelta(days=56),
        evidence="I will see to it myself",
        team="sales",
    )
    _event(
        kw,
        "cust-1",
        "rude",
        now - timedelta(hours=2),
        evidence="That is not my problem",
        team="billing",
    )
    _event(kw, "cust-1", "frustrated", now - timedelta(hours=1), evidence="This is ridiculous")
    return now


@pytest.fixture
def bruno(kw: Keepword, customers: None) -> datetime:
    """Bruno at risk: two promises broken within a day of each other, three and two days ago."""
    now = clock.now()
    _broken(kw, "cust-2", now - timedelta(days=3), "Refund by Friday")
    _broken(kw, "cust-2", now - timedelta(days=2), "Engineer on Monday")
    return now


@pytest.fixture
def chloe(kw: Keepword, customers: None) -> datetime:
    """Chloe heard an apology a day ago, and nothing else."""
    now = clock.now()
    _event(kw, "cust-3", "apologizes", now - timedelta(days=1), evidence="Sorry for the wait")
    return now


def _figure(page: str, name: str) -> dict[str, Any]:
    match = re.search(
        rf'<script type="application/json" id="{name}">(.*?)</script>', page, re.DOTALL
    )
    assert match, f"the page carries no {name}"
    figure: dict[str, Any] = json.loads(match.group(1))
    return figure


def _between(page: str, start: str, end: str) -> str:
    return page[page.index(start) : page.index(end, page.index(start))]


def _trust_section(page: str) -> str:
    return _between(page, '<section class="trust"', "</section>")


def _rows(table: str) -> list[str]:
    return re.findall(r"<tr class=\"move.*?</tr>", table, re.DOTALL)


# --- access -----------------------------------------------------------------------------------


def test_trust_overview_needs_a_login(browser: httpx.Client) -> None:
    response = browser.get("/trust")

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Ftrust"


def test_navigation_links_the_trust_overview(lead: httpx.Client) -> None:
    page = lead.get("/customers").text

    assert '<a href="/trust">Trust</a>' in page


# --- the customer page ------------------------------------------------------------------------


def test_trust_section_comes_first_on_the_customer_page(lead: httpx.Client, ada: datetime) -> None:
    page = lead.get("/customers/cust-1").text

    assert page.index('<h2 id="trust-heading">Trust</h2>') < page.index("<h2>Promises</h2>")


def test_customer_without_events_stands_at_the_prior_and_says_how_events_arrive(
    lead: httpx.Client, customers: None
) -> None:
    response = lead.get("/customers/cust-1")

    assert response.status_code == 200
    trust = _trust_section(response.text)
    assert '<span class="number">70</span>' in trust
    assert "No trust events for this customer yet" in trust
    assert "POST /api/v1/conversations" in trust
    assert "At risk" not in trust
    assert "<script" not in response.text  # no chart, so no script


def test_customer_page_shows_the_index_now_and_what_moves_it_most(
    lead: httpx.Client, ada: datetime
) -> None:
    trust = _trust_section(lead.get("/customers/cust-1").text)

    assert '<span class="number">45</span> <small>of 100</small>' in trust
    assert "<strong>Not at risk.</strong>" in trust
    most = _between(trust, '<ul class="moves-most">', "</ul>")
    assert f"{MINUS}14.5</span> Promise &#39;{ACTIVATION}&#39; broken, 57 days late" in most
    assert most.index("broken") < most.index("Agent rude") < most.index("Customer frustrated")


def test_customer_at_risk_says_why(lead: httpx.Client, bruno: datetime) -> None:
    trust = _trust_section(lead.get("/customers/cust-2").text)

    assert '<div class="trust-now trust-at-risk">' in trust
    assert "<strong>⚠ At risk</strong>: index 25" in trust
    assert "is under 40; fell 27 points in 30 days." in trust


def test_timeline_lists_the_events_in_time_order_in_plain_words(
    lead: httpx.Client, ada: datetime
) -> None:
    trust = _trust_section(lead.get("/customers/cust-1").text)

    rows = _rows(_between(trust, '<table class="timeline">', "</table>"))
    assert len(rows) == 5
    words = [
        f"Promise &#39;{ACTIVATION}&#39; made",
        f"Promise &#39;{ACTIVATION}&#39; broken",
        "Agent took ownership after a breach: &#39;I will see to it myself&#39;",
        "Agent rude: &#39;That is not my problem&#39;",
        "Customer frustrated: &#39;This is ridiculous&#39;",
    ]
    for row, said in zip(rows, words, strict=True):
        assert f'<td class="said">{said}</td>' in row
    assert "5 events that count, oldest first, in Europe/London" in trust


def test_timeline_signs_the_points_each_event_counts_for_now_and_did_then(
    lead: httpx.Client, ada: datetime
) -> None:
    trust = _trust_section(lead.get("/customers/cust-1").text)

    made, broken, owned, rude, frustrated = _rows(trust)
    assert '<td class="num points">0</td>' in made
    assert f'{MINUS}14.5<br><small class="muted">{MINUS}18.0 then</small>' in broken
    assert '+1.4<br><small class="muted">+1.8 then</small>' in owned
    assert f'<td class="num points">{MINUS}10.0</td>' in rude
    assert f'<td class="num points">{MINUS}2.0</td>' in frustrated
    assert '<td class="num">52</td>' in broken  # the index just after it


def test_timeline_tells_breaches_from_repairs_by_word_sign_and_colour(
    lead: httpx.Client, ada: datetime
) -> None:
    made, broken, owned, rude, frustrated = _rows(
        _trust_section(lead.get("/customers/cust-1").text)
    )

    assert broken.startswith('<tr class="move move-breach">')
    assert '<span class="move-tag move-tag-breach">▼ breach</span>' in broken
    assert rude.startswith('<tr class="move move-breach">')
    assert owned.startswith('<tr class="move move-repair">')
    assert '<span class="move-tag move-tag-repair">▲ repair</span>' in owned
    assert '<span class="move-tag move-tag-signal">◆ customer signal</span>' in frustrated
    assert '<span class="move-tag move-tag-recorded">· no effect</span>' in made


def test_timeline_times_are_in_the_customers_zone(
    lead: httpx.Client, kw: Keepword, customers: None
) -> None:
    _event(kw, "cust-2", "rude", datetime.fromisoformat("2026-09-02T08:15:00+00:00"))

    trust = _trust_section(lead.get("/customers/cust-2").text)

    assert '<td class="when">Wed 2 Sep 2026, 10:15 CEST</td>' in trust


def test_chart_has_one_point_per_event_at_the_index_after_it(
    lead: httpx.Client, kw: Keepword, ada: datetime
) -> None:
    page = lead.get("/customers/cust-1").text

    (trace,) = _figure(page, "trust-figure")["data"]
    history = index_history(kw.uow(), "cust-1")
    assert len(trace["x"]) == len(trace["y"]) == len(history) == 5
    assert trace["y"] == [index for _, index in history]
    assert trace["y"][:2] == [70.0, 52.0]
    assert trace["x"] == sorted(trace["x"])
    assert trace["marker"]["symbol"][1:3] == ["triangle-down", "triangle-up"]
    assert trace["customdata"][1][1:] == ["breach", f"{MINUS}18.0"]


def test_customer_chart_loads_plotly_from_this_server_only(
    lead: httpx.Client, ada: datetime
) -> None:
    page = lead.get("/customers/cust-1").text

    assert '<script src="/static/vendor/plotly.min.js?v=' in page
    assert '<script src="/static/keepword-chart.js" defer></script>' in page
    assert 'data-figure="trust-figure"' in page
    assert REMOTE_ASSET.search(page) is None


class RudeAuditor:
    """An auditor that finds the agent rude on turn 1, on its first five words."""

    model_version = "scripted-rude-1"

    def audit(self, conversation: Conversation, calendar: BusinessCalendar | None = None) -> Any:
        text = conversation.turns[1].text
        span = (0, len(" ".join(text.split()[:5])))
        label = TurnLabel(1, "rude", 0.93, span)
        return AuditResult(
            conversation.external_id, labels=(label,), model_version=self.model_version
        )


def test_audited_conversation_enters_the_timeline_and_the_team_table(
    lead: httpx.Client, kw: Keepword, customers: None
) -> None:
    said = clock.now() - timedelta(hours=3)
    turns = [
        Turn(Speaker.CUSTOMER, "My internet is down again.", said - timedelta(minutes=1)),
        Turn(Speaker.AGENT, "That is your problem, not ours. Goodbye.", said, "a-3", "support"),
    ]
    conversation = Conversation("conv-7", turns[0].at, turns, Channel.CHAT, "cust-3")
    store_conversation(kw.uow(), IncomingConversation(conversation), said, RudeAuditor())

    trust = _trust_section(lead.get("/customers/cust-3").text)
    overview = lead.get("/trust").text

    (row,) = _rows(trust)
    assert "Agent rude: &#39;That is your problem, not&#39;" in row
    assert f'<td class="num points">{MINUS}10.0</td>' in row
    lost = _between(overview, '<table class="lost">', "</table>")
    assert '<tr data-team="support">' in lost


# --- the overview -----------------------------------------------------------------------------


def test_overview_with_no_customers_says_how_indexes_begin(lead: httpx.Client) -> None:
    response = lead.get("/trust")

    assert response.status_code == 200
    page = response.text
    assert "No customer has a trust index yet." in page
    assert "POST /api/v1/conversations" in page
    assert EMPTY_TREND in page
    assert "No trust lost to breaches now." in page
    assert "No customer is at risk: none has a trust index yet." in page
    assert "<script" not in page


def test_overview_without_snapshots_says_the_trend_starts_tomorrow(
    lead: httpx.Client, ada: datetime
) -> None:
    page = lead.get("/trust").text

    assert EMPTY_TREND in page
    assert "trend-figure" not in page
    assert "histogram-figure" in page


def test_overview_counts_customers_per_ten_points(
    lead: httpx.Client, ada: datetime, bruno: datetime, chloe: datetime
) -> None:
    page = lead.get("/trust").text

    histogram = _between(page, '<table class="histogram">', "</table>")
    counts = re.findall(r'<td class="num" data-bin="(\d+)">(\d+)</td>', histogram)
    assert [int(count) for _, count in counts] == [0, 0, 1, 0, 1, 0, 0, 1, 0, 0]
    assert [int(low) for low, _ in counts] == list(range(0, 100, 10))
    (bars,) = _figure(page, "histogram-figure")["data"]
    assert bars["type"] == "bar"
    assert bars["y"] == [0, 0, 1, 0, 1, 0, 0, 1, 0, 0]
    assert bars["x"][0] == "0\u20139"
    assert bars["x"][-1] == "90\u2013100"
    assert "<dt>Customers with an index</dt><dd>3</dd>" in page


def test_overview_trend_comes_from_the_daily_snapshots(
    lead: httpx.Client, kw: Keepword, customers: None
) -> None:
    now = clock.now()
    _event(kw, "cust-3", "apologizes", now - timedelta(days=3), evidence="Sorry")
    snapshot_trust(kw.uow(), now - timedelta(days=2))
    _broken(kw, "cust-2", now - timedelta(hours=40), "Refund by Friday")
    _broken(kw, "cust-2", now - timedelta(hours=39), "Engineer on Monday")
    snapshot_trust(kw.uow(), now - timedelta(days=1))

    page = lead.get("/trust").text

    assert EMPTY_TREND not in page
    at_risk, mean = _figure(page, "trend-figure")["data"]
    days = [(now - timedelta(days=d)).date().isoformat() for d in (2, 1)]
    assert mean["x"] == at_risk["x"] == days
    assert mean["y"][0] == 71.0
    assert mean["y"][1] == pytest.approx((71.0 + 25.0) / 2, abs=0.5)
    assert at_risk["y"] == [0, 1]
    table = _between(page, '<table class="trend">', "</table>")
    assert f'<tr><td>{days[0]}</td><td class="num">1</td><td class="num">71</td>' in table


def test_overview_shows_where_trust_is_lost_by_team_and_kind(
    lead: httpx.Client, ada: datetime, bruno: datetime
) -> None:
    page = lead.get("/trust").text

    lost = _between(page, '<table class="lost">', "</table>")
    teams = re.findall(r'<tr data-team="([^"]+)">', lost)
    assert teams == ["operations", "billing", "no team"]  # most lost first
    header = _between(lost, "<thead>", "</thead>")
    assert header.index("Promise broken") < header.index("Agent rude")
    assert header.index("Agent rude") < header.index("Customer frustrated")
    billing = _between(lost, '<tr data-team="billing">', "</tr>")
    assert (
        f'<td class="num" data-kind="rude"><span class="points points-down">{MINUS}10.0' in billing
    )
    operations = _between(lost, '<tr data-team="operations">', "</tr>")
    # Bruno's two broken promises (18 and 27 points, barely faded) and Ada's, faded to 14.5.
    assert f"{MINUS}59." in operations
    assert "no team recorded" in lost
    assert "sales" not in teams  # a repair loses nothing


def test_overview_lists_customers_at_risk_lowest_first_with_why(
    lead: httpx.Client, kw: Keepword, ada: datetime, bruno: datetime
) -> None:
    now = clock.now()
    _broken(kw, "cust-3", now - timedelta(days=1), "Call back today")
    _broken(kw, "cust-3", now - timedelta(hours=20), "Call back tomorrow")
    _broken(kw, "cust-3", now - timedelta(hours=19), "Call back at noon")

    page = lead.get("/trust").text

    listed = _between(page, '<table class="at-risk">', "</table>")
    assert re.findall(r'<tr data-customer="([^"]+)">', listed) == ["cust-3", "cust-2"]
    bruno_row = _between(listed, '<tr data-customer="cust-2">', "</tr>")
    assert '<a href="/customers/cust-2#trust">Bruno Rossi</a>' in bruno_row
    assert '<td class="num index"><strong>25.4</strong>' in bruno_row
    assert "is under 40; fell 27 points in 30 days" in bruno_row
    # 27 points, the second breach in a month, faded over two days.
    assert (
        f"{MINUS}26.8</span> Promise &#39;Engineer on Monday&#39; broken, 2 days late" in bruno_row
    )
    assert "cust-1" not in listed  # Ada is not at risk
    assert '<dt>At risk now</dt><dd><a href="#at-risk">2</a></dd>' in page


def test_overview_loads_plotly_from_this_server_only(lead: httpx.Client, ada: datetime) -> None:
    page = lead.get("/trust").text

    assert '<script src="/static/vendor/plotly.min.js?v=' in page
    assert '<script src="/static/keepword-chart.js" defer></script>' in page
    assert REMOTE_ASSET.search(page) is None
    assert "http://" not in page
    assert "https://" not in page


# --- escaping ---------------------------------------------------------------------------------


@pytest.fixture
def hostile(kw: Keepword, integration: httpx.Client) -> None:
    """A customer at risk whose name, promise texts, evidence and team carry a script tag."""
    body = customer_record(name=f"Eve {SCRIPT}")
    assert integration.put(f"{API}/customers/cust-x", json=body).status_code == 201
    now = clock.now()
    _broken(kw, "cust-x", now - timedelta(days=2), f"Refund {SCRIPT}")
    _broken(kw, "cust-x", now - timedelta(days=1), f"Call {SCRIPT}")
    _event(kw, "cust-x", "rude", now - timedelta(hours=1), evidence=SCRIPT, team=f"t{SCRIPT}")


@pytest.mark.parametrize("path", ["/customers/cust-x", "/trust"])
def test_user_text_is_escaped(lead: httpx.Client, hostile: None, path: str) -> None:
    response = lead.get(path)

    assert response.status_code == 200
    assert SCRIPT not in response.text
    assert ESCAPED in response.text
