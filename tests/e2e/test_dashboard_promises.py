"""The promise pages over HTTP: an agent's and a team's worklist, one promise, the report,
the promises on the customer page, the Plotly script served from the package, escaping
and the login they need."""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from markupsafe import escape

from keepword import clock
from keepword.audit.results import AuditResult
from keepword.audit.results import Promise as FoundPromise
from keepword.audit.timeexpr import BusinessCalendar
from keepword.bootstrap import Keepword
from keepword.domain.access import Role
from keepword.domain.conversations import Channel, Conversation, Speaker, Turn
from keepword.domain.promises import Granularity, Party, PromiseKind
from keepword.services.access import create_user
from keepword.services.conversations import IncomingConversation, store_conversation
from keepword.services.due import sweep_due
from keepword.services.promises import (
    NewPromise,
    create_promise,
    get_promise,
    hand_over_promise,
    keep_promise,
    renegotiate_promise,
)
from tests.conftest import NOW
from tests.factories import customer_record

API = "/api/v1"
PASSWORD = "a-long-password"
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
REMOTE_ASSET = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
FIGURE = re.compile(
    r'<script type="application/json" id="keeping-rate-figure">(.*?)</script>', re.DOTALL
)
SALES = Party("a-7", "sales")


# --- arranging ------------------------------------------------------------------------------


def _log_in(client: httpx.Client, username: str) -> httpx.Client:
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def browser(base_url: str) -> Iterator[httpx.Client]:
    """A browser with no session; it does not follow redirects, so tests can see them."""
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=30) as client:
        yield client


@pytest.fixture
def lead(browser: httpx.Client, kw: Keepword) -> httpx.Client:
    """A team lead, logged in; their username is no agent's id."""
    create_user(kw.uow(), kw.hasher, "lead1", PASSWORD, Role.LEAD, NOW)
    return _log_in(browser, "lead1")


@pytest.fixture
def customers(integration: httpx.Client) -> None:
    """cust-1 in London, cust-2 in Rome."""
    london = customer_record(name="Ada Example", country="GB", timezone="Europe/London")
    rome = customer_record(name="Bruno Rossi", country="IT", timezone="Europe/Rome")
    assert integration.put(f"{API}/customers/cust-1", json=london).status_code == 201
    assert integration.put(f"{API}/customers/cust-2", json=rome).status_code == 201


def _promise(
    kw: Keepword,
    promise_id: str,
    now: datetime,
    *,
    due_in: timedelta | None,
    made_ago: timedelta = timedelta(days=1),
    text: str | None = None,
    maker: Party = SALES,
    owner: Party | None = None,
    customer_id: str | None = "cust-1",
    kind: PromiseKind = PromiseKind.CALLBACK,
) -> str:
    """A promise another system records, made `made_ago` before `now` and due `due_in` after."""
    new = NewPromise(
        external_id=promise_id,
        kind=kind,
        text=text or f"We will sort out {promise_id}.",
        due=now + due_in if due_in is not None else None,
        granularity=Granularity.MINUTE if due_in is not None else None,
        maker=maker,
        owner=owner,
        made_at=now - made_ago,
        customer_id=customer_id,
    )
    create_promise(kw.uow(), new, now - made_ago)
    return promise_id


def _section(page: str, key: str) -> str:
    """The HTML of one worklist section ('' when the page has none)."""
    match = re.search(rf'<section class="worklist section-{key}".*?</section>', page, re.DOTALL)
    return match.group(0) if match else ""


def _figure(page: str) -> dict[str, Any]:
    match = FIGURE.search(page)
    assert match, "the page carries no chart figure"
    figure: dict[str, Any] = json.loads(match.group(1))
    return figure


@pytest.fixture
def worklist_now(kw: Keepword, customers: None) -> datetime:
    """Agent a-7's promises at a moment: one broken by the clock two days ago, one just past
    its due (not yet swept), one at risk, two coming, one with no due; and one a-7 made that
    team operations owns."""
    now = clock.now()
    _promise(kw, "p-broken", now, due_in=timedelta(days=-2), made_ago=timedelta(days=4))
    _promise(kw, "p-past", now, due_in=timedelta(minutes=-10), made_ago=timedelta(days=1))
    _promise(kw, "p-risky", now, due_in=timedelta(minutes=30), made_ago=timedelta(hours=10))
    _promise(kw, "p-soon", now, due_in=timedelta(hours=5, minutes=30), made_ago=timedelta(hours=1))
    _promise(kw, "p-later", now, due_in=timedelta(days=3, hours=2), made_ago=timedelta(hours=1))
    _promise(kw, "p-whenever", now, due_in=None, made_ago=timedelta(hours=1))
    _promise(
        kw,
        "p-handed",
        now,
        due_in=timedelta(days=2, hours=3),
        maker=Party("a-9", "sales"),
        owner=Party(team="operations"),
        customer_id="cust-2",
        kind=PromiseKind.ACTIVATION,
    )
    # An hour ago the clock broke the two-day-old one and flagged the risky one.
    sweep_due(kw.uow, now - timedelta(hours=1))
    return now


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/promises", "/promises?team=ops", "/promises/p-1", "/promises/report?by=kind"],
)
def test_promise_pages_need_a_login(browser: httpx.Client, path: str) -> None:
    response = browser.get(path)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_navigation_links_the_promise_pages(lead: httpx.Client) -> None:
    page = lead.get("/customers").text

    assert '<a href="/promises">Promises</a>' in page
    assert '<a href="/promises/report">Promise report</a>' in page


# --- the worklist -----------------------------------------------------------------------------


def test_worklist_without_an_owner_asks_for_one(lead: httpx.Client) -> None:
    response = lead.get("/promises")

    assert response.status_code == 200
    assert "Choose an agent or a team" in response.text


@pytest.mark.parametrize(("query", "whose"), [("agent=a-7", "agent a-7"), ("team=ops", "team ops")])
def test_empty_worklist_says_how_promises_arrive(
    lead: httpx.Client, query: str, whose: str
) -> None:
    response = lead.get(f"/promises?{query}")

    assert response.status_code == 200
    assert f"No open promises for {whose}. Promises appear when agents make them" in response.text
    assert "POST /api/v1/promises" in response.text


def test_worklist_puts_each_promise_in_its_section(
    lead: httpx.Client, worklist_now: datetime
) -> None:
    page = lead.get("/promises", params={"agent": "a-7"}).text

    overdue, at_risk = _section(page, "overdue"), _section(page, "at_risk")
    coming, no_due = _section(page, "coming"), _section(page, "no_due")
    assert page.index("<h2>Overdue") < page.index("<h2>At risk") < page.index("<h2>Coming")
    assert page.index("<h2>Coming") < page.index("<h2>No due yet")
    assert "p-broken" in overdue
    assert "p-past" in overdue
    assert "p-risky" in at_risk
    assert "p-soon" in coming
    assert "p-later" in coming
    assert "p-whenever" in no_due
    everything = overdue + at_risk + coming + no_due
    for promise_id in ("p-broken", "p-past", "p-risky", "p-soon", "p-later", "p-whenever"):
        assert everything.count(f"/promises/{promise_id}") == 1
    assert "p-handed" not in page  # team operations owns it, not a-7


def test_worklist_orders_soonest_due_first(lead: httpx.Client, worklist_now: datetime) -> None:
    page = lead.get("/promises", params={"agent": "a-7"}).text

    overdue, coming = _section(page, "overdue"), _section(page, "coming")
    assert overdue.index("p-broken") < overdue.index("p-past")
    assert coming.index("p-soon") < coming.index("p-later")


def test_worklist_rows_say_due_in_words_and_in_time(
    lead: httpx.Client, kw: Keepword, worklist_now: datetime
) -> None:
    page = lead.get("/promises", params={"agent": "a-7"}).text

    soon = get_promise(kw.uow(), "p-soon")
    overdue, coming = _section(page, "overdue"), _section(page, "coming")
    assert soon.describe_due() in coming
    assert "in 5 h" in coming
    assert "in 3 days" in coming
    assert "2 days late" in overdue
    assert re.search(r"\b1\d min late", overdue)  # 10 min, give or take a slow test
    assert 'href="/customers/cust-1">Ada Example</a>' in coming
    assert '<span class="status status-broken">broken</span>' in overdue
    assert '<span class="status status-overdue">overdue</span>' in overdue


def test_at_risk_rows_carry_the_prepared_draft(
    lead: httpx.Client, kw: Keepword, worklist_now: datetime
) -> None:
    page = lead.get("/promises", params={"agent": "a-7"}).text

    draft = get_promise(kw.uow(), "p-risky").draft_message
    assert draft is not None
    at_risk = _section(page, "at_risk")
    assert "<details" in at_risk
    assert "Draft message to the customer" in at_risk
    assert str(escape(draft)) in at_risk
    assert "<details" not in _section(page, "coming")


def test_agent_sees_their_own_worklist_by_default(
    browser: httpx.Client, kw: Keepword, integration: httpx.Client, worklist_now: datetime
) -> None:
    assert integration.put(f"{API}/agents/a-7", json={"name": "Bea Agent"}).status_code in (
        200,
        201,
    )
    create_user(kw.uow(), kw.hasher, "a-7", PASSWORD, Role.AGENT, NOW)
    _log_in(browser, "a-7")

    page = browser.get("/promises").text

    assert "<h1>My promises" in page
    assert "p-risky" in _section(page, "at_risk")
    assert "Bea Agent (sales)" in page


def test_team_view_shows_what_the_team_made_and_what_it_owns(
    lead: httpx.Client, worklist_now: datetime
) -> None:
    sales = lead.get("/promises", params={"team": "sales"}).text
    operations = lead.get("/promises", params={"team": "operations"}).text

    assert "<h1>Promises of team sales" in sales
    assert "p-handed" in sales  # sales made it
    assert "p-soon" in sales
    assert "p-handed" in _section(operations, "coming")  # operations owns it
    assert "p-soon" not in operations
    row = _section(operations, "coming")
    assert "a-9 (sales)" in row
    assert "team operations" in row
    assert "handed over" in row
    assert 'href="/customers/cust-2">Bruno Rossi</a>' in row


@pytest.mark.parametrize(
    ("status", "shown", "hidden"),
    [
        ("at_risk", "p-risky", "p-soon"),
        ("overdue", "p-past", "p-risky"),
        ("no_due", "p-whenever", "p-later"),
        ("broken", "p-broken", "p-past"),
    ],
)
def test_team_view_filters_by_status(
    lead: httpx.Client, worklist_now: datetime, status: str, shown: str, hidden: str
) -> None:
    page = lead.get("/promises", params={"team": "sales", "status": status}).text

    assert f"/promises/{shown}" in page
    assert f"/promises/{hidden}" not in page
    assert 'aria-current="page"' in page


def test_team_view_lists_kept_promises(
    lead: httpx.Client, kw: Keepword, worklist_now: datetime
) -> None:
    keep_promise(kw.uow(), "p-soon", worklist_now, "called back", by="a-7")

    kept = lead.get("/promises", params={"team": "sales", "status": "kept"}).text
    still_open = lead.get("/promises", params={"team": "sales"}).text

    assert "/promises/p-soon" in kept
    assert "kept on time" in kept
    assert "/promises/p-soon" not in still_open


def test_unknown_status_filter_is_refused(lead: httpx.Client) -> None:
    response = lead.get("/promises", params={"team": "sales", "status": "lost"})

    assert response.status_code == 422
    assert "&#39;lost&#39; is not a status" in response.text


# --- one promise ------------------------------------------------------------------------------


class ScriptedAuditor:
    """An auditor that finds one callback promise on turn 1, due 23:59:59 the next day."""

    model_version = "scripted-1"

    def audit(self, conversation: Conversation, calendar: BusinessCalendar | None = None) -> Any:
        turn = conversation.turns[1]
        due = datetime(2026, 9, 3, 23, 59, 59, tzinfo=turn.at.tzinfo)
        found = FoundPromise(1, "callback", due, "day", turn.text, (0, len(turn.text)))
        return AuditResult(
            conversation.external_id, model_version=self.model_version, promises=(found,)
        )


SAID_AT = datetime.fromisoformat("2026-09-02T10:15:10+01:00")


@pytest.fixture
def said_promise(kw: Keepword, customers: None) -> str:
    """A promise a-7 made in conversation conv-1 to cust-1 (London), then handed to team
    operations, flagged at risk, renegotiated, and the new one kept; returns the first's id."""
    turns = [
        Turn(Speaker.CUSTOMER, f"My modem {SCRIPT} drops.", SAID_AT - timedelta(minutes=1)),
        Turn(Speaker.AGENT, "A technician will call you tomorrow.", SAID_AT, "a-7", "sales"),
    ]
    conversation = Conversation(
        "conv-1", SAID_AT - timedelta(minutes=1), turns, Channel.CHAT, "cust-1"
    )
    store_conversation(kw.uow(), IncomingConversation(conversation), SAID_AT, ScriptedAuditor())
    promise_id = "conv-1:1:callback"
    hand_over_promise(
        kw.uow(),
        promise_id,
        datetime(2026, 9, 2, 11, 0, tzinfo=UTC),
        Party(team="operations"),
        "needs a technician",
    )
    sweep_due(kw.uow, datetime(2026, 9, 3, 19, 0, tzinfo=UTC))
    renegotiate_promise(
        kw.uow(),
        promise_id,
        datetime(2026, 9, 3, 20, 0, tzinfo=UTC),
        datetime(2026, 9, 5, 12, 0, tzinfo=UTC),
        Granularity.MINUTE,
        "Phoned the customer: Saturday at 13:00 instead.",
    )
    keep_promise(
        kw.uow(), f"{promise_id}~2", datetime(2026, 9, 5, 9, 0, tzinfo=UTC), "call log 991"
    )
    return promise_id


def test_promise_page_shows_its_fields(lead: httpx.Client, said_promise: str) -> None:
    response = lead.get(f"/promises/{said_promise}")

    assert response.status_code == 200
    page = response.text
    assert '<h1 class="promise-text">“A technician will call you tomorrow.”</h1>' in page
    assert '<span class="status status-renegotiated">renegotiated</span>' in page
    assert "by the end of Thursday 3 September 2026" in page
    assert "a-7 (sales)" in page
    assert "team operations" in page
    assert 'href="/customers/cust-1">Ada Example</a>' in page
    assert 'href="/promises/conv-1%3A1%3Acallback~2"' in page


def test_promise_page_tells_the_history_in_the_customers_time(
    lead: httpx.Client, said_promise: str
) -> None:
    page = lead.get(f"/promises/{said_promise}").text

    history = page[page.index("<h2>History</h2>") :]
    assert "Europe/London (the customer's)" in history
    made = history.index("Wed 2 Sep 2026, 10:15 BST")
    handed = history.index("Wed 2 Sep 2026, 12:00 BST")
    flagged = history.index("Thu 3 Sep 2026, 20:00 BST")
    renegotiated = history.index("Thu 3 Sep 2026, 21:00 BST")
    assert made < handed < flagged < renegotiated
    for what in ("made", "handed over", "at risk", "renegotiated"):
        assert f">{what}</strong>" in history
    assert "needs a technician" in history
    assert "Phoned the customer: Saturday at 13:00 instead." in history


def test_promise_page_links_the_turn_it_came_from(lead: httpx.Client, said_promise: str) -> None:
    page = lead.get(f"/promises/{said_promise}").text

    assert 'href="/conversations/conv-1#turn-1"' in page
    assert '<blockquote class="turn-said">A technician will call you tomorrow.</blockquote>' in page


def test_promise_page_shows_the_draft_message(
    lead: httpx.Client, kw: Keepword, said_promise: str
) -> None:
    page = lead.get(f"/promises/{said_promise}").text

    draft = get_promise(kw.uow(), said_promise).draft_message
    assert draft is not None
    assert "<h2>Message to the customer</h2>" in page
    assert str(escape(draft)) in page


def test_kept_promise_page_shows_what_proves_it(lead: httpx.Client, said_promise: str) -> None:
    page = lead.get(f"/promises/{said_promise}~2").text

    assert '<span class="status status-kept">kept</span>' in page
    assert "call log 991" in page
    assert ">kept</strong> on time" in page
    assert 'href="/promises/conv-1%3A1%3Acallback"' in page  # it replaces the first


def test_unknown_promise_shows_a_not_found_page(lead: httpx.Client) -> None:
    response = lead.get("/promises/p-nobody")

    assert response.status_code == 404
    assert "p-nobody" in response.text


# --- the customer page ------------------------------------------------------------------------


def test_customer_page_lists_open_promises_then_past_ones(
    lead: httpx.Client, kw: Keepword, worklist_now: datetime
) -> None:
    keep_promise(kw.uow(), "p-soon", worklist_now, "done")

    page = lead.get("/customers/cust-1").text

    promises = page[page.index("<h2>Promises</h2>") : page.index("<h2>Accounts</h2>")]
    assert promises.index("p-past") < promises.index("p-risky") < promises.index("p-later")
    assert promises.index("p-later") < promises.index("Past promises")
    assert promises.index("Past promises") < promises.index("p-soon")
    assert promises.index("Past promises") < promises.index("p-broken")
    assert '<span class="status status-kept">kept</span>' in promises
    assert '<span class="status status-at_risk">at risk</span>' in promises
    assert "in 3 days" in promises
    assert "p-handed" not in promises  # that one is cust-2's


def test_customer_without_promises_says_how_they_arrive(
    lead: httpx.Client, customers: None
) -> None:
    page = lead.get("/customers/cust-2").text

    assert "No promises to this customer." in page
    assert "POST /api/v1/promises" in page


# --- the report -------------------------------------------------------------------------------


@pytest.fixture
def ended(kw: Keepword, customers: None) -> None:
    """Promises that ended in October 2026: sales kept one (week of 5 Oct); one sales made for
    operations broke (12 Oct) and another was kept (19 Oct); operations kept its own (15 Oct)."""

    def end(promise_id: str, maker: str, owner: str, due: datetime, kept: bool) -> None:
        made = due - timedelta(days=2)
        _promise(
            kw,
            promise_id,
            made,
            due_in=timedelta(days=2),
            made_ago=timedelta(0),
            maker=Party(team=maker),
            owner=Party(team=owner),
            kind=PromiseKind.REPAIR if owner == "operations" else PromiseKind.REFUND,
        )
        if kept:
            keep_promise(kw.uow(), promise_id, due - timedelta(hours=1), "done")
        else:
            sweep_due(kw.uow, due + timedelta(minutes=1))

    end("r-1", "sales", "sales", datetime(2026, 10, 6, 12, tzinfo=UTC), kept=True)
    end("r-2", "sales", "operations", datetime(2026, 10, 13, 12, tzinfo=UTC), kept=False)
    end("r-3", "operations", "operations", datetime(2026, 10, 15, 12, tzinfo=UTC), kept=True)
    end("r-4", "sales", "operations", datetime(2026, 10, 20, 12, tzinfo=UTC), kept=True)


OCTOBER = {"since": "2026-10-05", "until": "2026-11-01"}


def test_report_charts_the_weekly_keeping_rate_per_team(lead: httpx.Client, ended: None) -> None:
    response = lead.get("/promises/report", params={**OCTOBER, "by": "team"})

    assert response.status_code == 200
    figure = _figure(response.text)
    lines = {trace["name"]: trace for trace in figure["data"]}
    assert set(lines) == {"operations", "sales"}
    weeks = ["2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26"]
    assert lines["sales"]["x"] == weeks
    assert lines["sales"]["y"] == [100.0, None, None, None]
    assert lines["operations"]["y"] == [None, 50.0, 100.0, None]
    assert lines["operations"]["customdata"][1] == [1, 1]
    assert all(trace["type"] == "scatter" for trace in figure["data"])


def test_report_table_has_the_charts_numbers(lead: httpx.Client, ended: None) -> None:
    page = lead.get("/promises/report", params={**OCTOBER, "by": "team"}).text

    table = page[page.index('<table class="rates">') :]
    table = table[: table.index("</table>")]
    operations = table[table.index('<th scope="row">operations</th>') :]
    operations = operations[: operations.index("</tr>")]
    assert "50%<br><small>1 of 2</small>" in operations
    assert "67%</strong><br><small>2 of 3</small>" in operations


@pytest.mark.parametrize(
    ("by", "groups"), [("kind", {"refund", "repair"}), ("agent", {"team operations", "team sales"})]
)
def test_report_groups_by_kind_or_agent(
    lead: httpx.Client, ended: None, by: str, groups: set[str]
) -> None:
    page = lead.get("/promises/report", params={**OCTOBER, "by": by}).text

    assert {trace["name"] for trace in _figure(page)["data"]} == groups


def test_report_shows_the_maker_by_owner_matrix(lead: httpx.Client, ended: None) -> None:
    page = lead.get("/promises/report", params=OCTOBER).text

    matrix = page[page.index('<table class="matrix">') :]
    matrix = matrix[: matrix.index("</table>")]
    worst = '<td class="num cell worst" data-maker="sales" data-owner="operations">'
    assert worst + "1 kept / 1 broken<br><small>50% broken</small>" in matrix
    assert '<td class="num cell" data-maker="sales" data-owner="sales">1 kept / 0 broken' in matrix
    assert (
        '<td class="num cell" data-maker="operations" data-owner="operations">1 kept / 0 broken'
        in matrix
    )
    assert matrix.count(" worst") == 1


def test_report_with_nothing_ended_says_so_and_loads_no_script(lead: httpx.Client) -> None:
    response = lead.get("/promises/report")

    assert response.status_code == 200
    assert "No promises were kept or broken" in response.text
    assert "<script" not in response.text


def test_report_loads_plotly_from_this_server_only(lead: httpx.Client, ended: None) -> None:
    page = lead.get("/promises/report", params=OCTOBER).text

    assert '<script src="/static/vendor/plotly.min.js?v=' in page
    assert '<script src="/static/keepword-chart.js" defer></script>' in page
    assert REMOTE_ASSET.search(page) is None
    assert "http://" not in page
    assert "https://" not in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"by": "colour"}, "is not a grouping"),
        ({"since": "last week"}, "is not a date"),
        ({"since": "2026-11-02", "until": "2026-11-01"}, "is after"),
    ],
)
def test_report_refuses_filters_that_make_no_sense(
    lead: httpx.Client, params: dict[str, str], message: str
) -> None:
    response = lead.get("/promises/report", params=params)

    assert response.status_code == 422
    assert message in response.text


# --- the Plotly script ------------------------------------------------------------------------


def _packaged_plotly() -> Path:
    spec = importlib.util.find_spec("plotly")
    assert spec is not None
    assert spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


def test_plotly_is_served_from_the_installed_package(browser: httpx.Client) -> None:
    response = browser.get("/static/vendor/plotly.min.js")

    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert "max-age=31536000" in response.headers["cache-control"]
    assert response.content == _packaged_plotly().read_bytes()


def test_chart_script_is_served(browser: httpx.Client) -> None:
    response = browser.get("/static/keepword-chart.js")

    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert "Plotly.newPlot" in response.text


# --- escaping ---------------------------------------------------------------------------------


@pytest.fixture
def hostile(kw: Keepword, integration: httpx.Client) -> datetime:
    """A customer, a promise text and a team, each with a script tag in it; the promise is
    at risk now and one like it ended in October."""
    body = customer_record(name=f"Eve {SCRIPT}")
    assert integration.put(f"{API}/customers/cust-x", json=body).status_code == 201
    now = clock.now()
    team = Party("a-5", f"t{SCRIPT}")
    _promise(
        kw,
        "p-x",
        now,
        due_in=timedelta(minutes=20),
        made_ago=timedelta(hours=5),
        text=f"Refund {SCRIPT} today",
        maker=team,
        customer_id="cust-x",
    )
    sweep_due(kw.uow, now)
    due = datetime(2026, 10, 6, 12, tzinfo=UTC)
    _promise(
        kw,
        "p-y",
        due,
        due_in=timedelta(0),
        made_ago=timedelta(days=1),
        maker=team,
        customer_id="cust-x",
    )
    sweep_due(kw.uow, due + timedelta(minutes=1))
    return now


@pytest.mark.parametrize(
    "path",
    [
        f"/promises?team=t{SCRIPT}",
        "/promises?agent=a-5",
        "/promises/p-x",
        "/customers/cust-x",
        "/promises/report?since=2026-10-05&until=2026-11-01",
    ],
)
def test_user_text_is_escaped(lead: httpx.Client, hostile: datetime, path: str) -> None:
    response = lead.get(path)

    assert response.status_code == 200
    assert SCRIPT not in response.text
    assert ESCAPED in response.text or "\\u003cscript\\u003e" in response.text
