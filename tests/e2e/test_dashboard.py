"""The dashboard over HTTP: login, sessions, the pages, escaping, and no third-party assets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from keepword.bootstrap import Keepword
from keepword.domain.access import Role
from keepword.services.access import create_user, set_user_active
from keepword.web.dashboard.sessions import COOKIE, SessionSigner
from tests.conftest import NOW
from tests.factories import account_record, case_record, conversation_record, customer_record

API = "/api/v1"
USERNAME = "lead1"
PASSWORD = "a-long-password"
SCRIPT = "<script>alert(1)</script>"
# An attribute that loads or links something from another origin: http:, https: or //host.
REMOTE_ASSET = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


@pytest.fixture
def user(kw: Keepword) -> str:
    create_user(kw.uow(), kw.hasher, USERNAME, PASSWORD, Role.LEAD, NOW)
    return USERNAME


@pytest.fixture
def browser(base_url: str) -> Iterator[httpx.Client]:
    """A browser with no session yet; it does not follow redirects, so tests can see them."""
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=30) as client:
        yield client


def _log_in(
    browser: httpx.Client, password: str = PASSWORD, next_path: str | None = None
) -> httpx.Response:
    form = {"username": USERNAME, "password": password}
    if next_path is not None:
        form["next"] = next_path
    return browser.post("/login", data=form)


@pytest.fixture
def logged_in(browser: httpx.Client, user: str) -> httpx.Client:
    response = _log_in(browser)
    assert response.status_code == 303, response.text
    return browser


@pytest.fixture
def stored(integration: httpx.Client) -> None:
    """Two customers; cust-1 has an account, a case and a conversation with a hostile turn."""
    london = customer_record(name="Ada Example", country="GB", timezone="Europe/London")
    rome = customer_record(name="Bruno Rossi", country="IT", timezone="Europe/Rome")
    assert integration.put(f"{API}/customers/cust-1", json=london).status_code == 201
    assert integration.put(f"{API}/customers/cust-2", json=rome).status_code == 201
    account = account_record("cust-1", balance="-42.50", currency="GBP")
    assert integration.put(f"{API}/accounts/acc-1", json=account).status_code == 201
    case = case_record("cust-1", subject="Modem drops every evening")
    assert integration.put(f"{API}/cases/case-1", json=case).status_code == 201
    turns = [
        {
            "speaker": "customer",
            "text": f"My modem {SCRIPT} drops.",
            "at": "2026-09-02T10:14:05+01:00",
        },
        {
            "speaker": "agent",
            "text": "A technician will call you tomorrow.",
            "at": "2026-09-02T10:15:10+01:00",
            "agent_id": "a-7",
            "team": "provisioning",
        },
    ]
    conversation = conversation_record("conv-1", turns=turns)
    assert integration.post(f"{API}/conversations", json=conversation).status_code == 201


def _login_next(response: httpx.Response) -> str | None:
    """The page a redirect to the login page will return to, or None if it is no such redirect."""
    if response.status_code != 303:
        return None
    location = urlsplit(response.headers["location"])
    if (location.scheme, location.netloc, location.path) != ("", "", "/login"):
        return None
    return parse_qs(location.query).get("next", [None])[0]


def _redirects_to_login(response: httpx.Response, next_path: str = "/customers") -> bool:
    return _login_next(response) == next_path


# --- sessions ---------------------------------------------------------------------------------


def test_customers_without_a_session_redirects_to_login(browser: httpx.Client) -> None:
    response = browser.get("/customers")

    assert response.status_code == 303
    assert _login_next(response) == "/customers"


def test_redirect_to_login_keeps_the_query(browser: httpx.Client) -> None:
    response = browser.get("/customers", params={"q": "ada lovelace", "cursor": "5"})

    assert _login_next(response) == "/customers?q=ada+lovelace&cursor=5"


def test_login_page_is_served(browser: httpx.Client) -> None:
    response = browser.get("/login", params={"next": "/customers/cust-1"})

    assert response.status_code == 200
    assert "Log in to Keepword" in response.text
    assert 'name="next" value="/customers/cust-1"' in response.text


def test_wrong_password_is_refused_and_the_page_says_so(browser: httpx.Client, user: str) -> None:
    response = _log_in(browser, password="not-the-password")

    assert response.status_code == 401
    assert "Wrong username or password." in response.text
    assert COOKIE not in response.headers.get("set-cookie", "")
    assert _redirects_to_login(browser.get("/customers"))


def test_unknown_user_is_refused_like_a_wrong_password(browser: httpx.Client) -> None:
    response = browser.post("/login", data={"username": "nobody", "password": PASSWORD})

    assert response.status_code == 401
    assert "Wrong username or password." in response.text


def test_deactivated_user_may_not_log_in(browser: httpx.Client, kw: Keepword, user: str) -> None:
    set_user_active(kw.uow(), USERNAME, active=False)

    response = _log_in(browser)

    assert response.status_code == 401


def test_right_password_sets_an_httponly_session_cookie(browser: httpx.Client, user: str) -> None:
    response = _log_in(browser)

    assert response.status_code == 303
    assert response.headers["location"] == "/customers"
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith(f"{COOKIE}=")
    attributes = [part.strip().lower() for part in set_cookie.split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_login_returns_to_the_page_asked_for(browser: httpx.Client, user: str) -> None:
    response = _log_in(browser, next_path="/customers/cust-1")

    assert response.status_code == 303
    assert response.headers["location"] == "/customers/cust-1"


@pytest.mark.parametrize(
    "next_path",
    [
        "//evil.example",
        "//evil.example/customers",
        "https://evil.example",
        "http://evil.example/login",
        "evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "",
    ],
)
def test_login_never_redirects_to_another_site(
    browser: httpx.Client, user: str, next_path: str
) -> None:
    response = _log_in(browser, next_path=next_path)

    assert response.status_code == 303
    location = response.headers["location"]
    # A browser reads "//host" and "/\\host" as another site; any other "/..." stays here.
    assert location.startswith("/")
    assert location[1:2] not in ("/", "\\")
    assert urlsplit(location).netloc == ""


@pytest.mark.parametrize("next_path", ["//evil.example", "https://evil.example"])
def test_login_form_does_not_carry_a_next_to_another_site(
    browser: httpx.Client, next_path: str
) -> None:
    response = browser.get("/login", params={"next": next_path})

    assert 'name="next" value="/customers"' in response.text
    assert "evil.example" not in response.text


def test_tampered_cookie_is_treated_as_no_session(browser: httpx.Client, user: str) -> None:
    value = _log_in(browser).cookies[COOKIE]
    tampered = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    browser.cookies.clear()
    browser.cookies.set(COOKIE, tampered)

    response = browser.get("/customers")

    assert _redirects_to_login(response)


def test_cookie_signed_with_another_key_is_treated_as_no_session(
    browser: httpx.Client, user: str
) -> None:
    forged = SessionSigner("another-secret-that-is-long-enough-too-yes", 3600).sign(USERNAME)
    browser.cookies.set(COOKIE, forged)

    response = browser.get("/customers")

    assert _redirects_to_login(response)


def test_session_of_a_deactivated_user_ends(logged_in: httpx.Client, kw: Keepword) -> None:
    set_user_active(kw.uow(), USERNAME, active=False)

    response = logged_in.get("/customers")

    assert _redirects_to_login(response)


def test_logout_clears_the_cookie_and_the_pages_need_login_again(
    logged_in: httpx.Client,
) -> None:
    assert logged_in.get("/customers").status_code == 200

    response = logged_in.post("/logout")

    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    set_cookie = response.headers["set-cookie"].lower()
    assert set_cookie.startswith(f"{COOKIE}=")
    assert "max-age=0" in set_cookie
    assert COOKIE not in logged_in.cookies
    assert _redirects_to_login(logged_in.get("/customers"))


def test_a_copy_of_the_cookie_stops_working_after_logout(
    logged_in: httpx.Client, base_url: str
) -> None:
    copied = logged_in.cookies[COOKIE]

    logged_in.post("/logout")

    with httpx.Client(base_url=base_url, cookies={COOKIE: copied}) as other:
        assert _redirects_to_login(other.get("/customers"))


def test_logging_out_on_one_browser_keeps_the_other_logged_in(
    logged_in: httpx.Client, base_url: str
) -> None:
    with httpx.Client(base_url=base_url) as second:
        _log_in(second)

        logged_in.post("/logout")

        assert second.get("/customers").status_code == 200


def test_home_sends_a_logged_in_user_to_the_customers(logged_in: httpx.Client) -> None:
    response = logged_in.get("/")

    assert response.status_code == 303
    assert response.headers["location"] == "/customers"


# --- pages ------------------------------------------------------------------------------------


def test_customers_page_lists_stored_customers(logged_in: httpx.Client, stored: None) -> None:
    response = logged_in.get("/customers")

    assert response.status_code == 200
    assert 'href="/customers/cust-1">Ada Example</a>' in response.text
    assert 'href="/customers/cust-2">Bruno Rossi</a>' in response.text
    assert f"{USERNAME} <small>(lead)</small>" in response.text


@pytest.mark.parametrize(
    ("q", "shown", "hidden"),
    [
        ("bruno", "Bruno Rossi", "Ada Example"),
        ("ADA", "Ada Example", "Bruno Rossi"),
        ("cust-2", "Bruno Rossi", "Ada Example"),
    ],
)
def test_customer_search_narrows_the_list(
    logged_in: httpx.Client, stored: None, q: str, shown: str, hidden: str
) -> None:
    response = logged_in.get("/customers", params={"q": q})

    assert response.status_code == 200
    assert shown in response.text
    assert hidden not in response.text


def test_customer_search_without_match_says_so(logged_in: httpx.Client, stored: None) -> None:
    response = logged_in.get("/customers", params={"q": "zzz"})

    assert "No customer matches “zzz”." in response.text


def test_customer_page_shows_accounts_cases_and_conversations(
    logged_in: httpx.Client, stored: None
) -> None:
    response = logged_in.get("/customers/cust-1")

    assert response.status_code == 200
    page = response.text
    assert "<h1>Ada Example</h1>" in page
    assert "acc-1" in page
    assert "-42.50 GBP" in page
    assert "case-1" in page
    assert "Modem drops every evening" in page
    assert "provider fault" in page
    assert 'href="/conversations/conv-1"' in page


def test_customer_page_shows_times_in_the_customers_zone(
    logged_in: httpx.Client, stored: None
) -> None:
    response = logged_in.get("/customers/cust-1")

    # The case opened 2026-09-02T09:14+01:00; the conversation started at 10:14+01:00.
    assert "Wed 2 Sep 2026, 09:14 BST" in response.text
    assert "Wed 2 Sep 2026, 10:14 BST" in response.text


def test_customer_without_records_shows_empty_sections(
    logged_in: httpx.Client, stored: None
) -> None:
    response = logged_in.get("/customers/cust-2")

    assert response.status_code == 200
    for empty in ("No accounts.", "No cases.", "No conversations."):
        assert empty in response.text


def test_conversation_page_shows_every_turn(logged_in: httpx.Client, stored: None) -> None:
    response = logged_in.get("/conversations/conv-1")

    assert response.status_code == 200
    assert "My modem &lt;script&gt;alert(1)&lt;/script&gt; drops." in response.text
    assert "A technician will call you tomorrow." in response.text
    assert "a-7 · provisioning" in response.text
    assert "Wed 2 Sep 2026, 10:15 BST" in response.text


def test_pages_name_agents_who_have_a_name(
    logged_in: httpx.Client, integration: httpx.Client, stored: None
) -> None:
    agent = {"name": "Bea Agent", "team": "provisioning"}
    assert integration.put(f"{API}/agents/a-7", json=agent).status_code == 200
    owned = case_record("cust-1", owner_agent_id="a-7", subject="Owned case")
    assert integration.put(f"{API}/cases/case-2", json=owned).status_code == 201

    conversation = logged_in.get("/conversations/conv-1").text
    customer = logged_in.get("/customers/cust-1").text

    assert "Bea Agent · provisioning" in conversation
    assert "<td>Bea Agent</td>" in customer
    assert '<span class="unowned">unowned</span>' in customer


def test_customer_without_a_zone_is_shown_in_the_organisations(
    logged_in: httpx.Client, admin: httpx.Client, integration: httpx.Client
) -> None:
    organisation = {"name": "Northwind", "timezone": "Europe/Rome"}
    assert admin.put(f"{API}/organisation", json=organisation).status_code == 200
    assert integration.put(f"{API}/customers/cust-9", json={"name": "Zed"}).status_code == 201
    case = case_record("cust-9", opened_at="2026-09-02T09:14:00+01:00")
    assert integration.put(f"{API}/cases/case-9", json=case).status_code == 201

    response = logged_in.get("/customers/cust-9")

    assert "Europe/Rome <small>(organisation default)</small>" in response.text
    assert "Wed 2 Sep 2026, 10:14 CEST" in response.text


@pytest.mark.parametrize("path", ["/conversations/conv-1", "/customers/cust-1"])
def test_turn_text_is_html_escaped(logged_in: httpx.Client, stored: None, path: str) -> None:
    response = logged_in.get(path)

    assert response.status_code == 200
    assert SCRIPT not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_customer_name_is_html_escaped(logged_in: httpx.Client, integration: httpx.Client) -> None:
    body = customer_record(name=f"Eve {SCRIPT}")
    assert integration.put(f"{API}/customers/cust-x", json=body).status_code == 201

    pages = [logged_in.get("/customers").text, logged_in.get("/customers/cust-x").text]

    assert all(SCRIPT not in page for page in pages)
    assert all("Eve &lt;script&gt;" in page for page in pages)


def test_search_text_is_html_escaped(logged_in: httpx.Client) -> None:
    response = logged_in.get("/customers", params={"q": SCRIPT})

    assert SCRIPT not in response.text
    assert "&lt;script&gt;" in response.text


@pytest.mark.parametrize(
    ("path", "named"),
    [("/customers/nobody-42", "nobody-42"), ("/conversations/conv-none", "conv-none")],
)
def test_unknown_record_shows_a_not_found_page(
    logged_in: httpx.Client, path: str, named: str
) -> None:
    response = logged_in.get(path)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in response.text
    assert named in response.text


def test_unknown_record_without_a_session_redirects_to_login(browser: httpx.Client) -> None:
    response = browser.get("/customers/nobody-42")

    assert _redirects_to_login(response, "/customers/nobody-42")


# --- assets -----------------------------------------------------------------------------------


def test_stylesheet_is_served(browser: httpx.Client) -> None:
    response = browser.get("/static/keepword.css")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert len(response.text) > 0


def test_stylesheet_loads_nothing_from_elsewhere(browser: httpx.Client) -> None:
    css = browser.get("/static/keepword.css").text

    assert "http://" not in css
    assert "https://" not in css
    assert "@import" not in css


@pytest.mark.parametrize(
    "path",
    [
        "/customers",
        "/customers?q=ada",
        "/customers/cust-1",
        "/customers/cust-2",
        "/conversations/conv-1",
        "/customers/nobody-42",
    ],
)
def test_page_references_no_remote_assets(logged_in: httpx.Client, stored: None, path: str) -> None:
    response = logged_in.get(path)

    assert response.status_code in (200, 404)
    assert "/static/keepword.css" in response.text
    assert REMOTE_ASSET.search(response.text) is None
    assert "http://" not in response.text
    assert "https://" not in response.text


def test_login_page_references_no_remote_assets(browser: httpx.Client) -> None:
    response = browser.get("/login")

    assert "/static/keepword.css" in response.text
    assert REMOTE_ASSET.search(response.text) is None
    assert "http://" not in response.text
    assert "https://" not in response.text
