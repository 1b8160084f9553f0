"""Fixtures shared by every test.

The database is SQLite unless KEEPWORD_TEST_DATABASE_URL names another
(scripts/test_on_postgres.py sets it to a fresh PostgreSQL database). Each
test gets an empty, fully migrated database: a copy of a migrated file on
SQLite, truncated tables on PostgreSQL.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import httpx
import pytest
import uvicorn
from sqlalchemy import text

from keepword.adapters.db.engine import make_engine
from keepword.adapters.db.migrate import upgrade
from keepword.adapters.db.models import Base
from keepword.adapters.passwords import Argon2Hasher
from keepword.bootstrap import Keepword, bootstrap
from keepword.compiled import build, stale_extensions
from keepword.domain.access import Role
from keepword.services.access import create_token
from keepword.settings import Settings
from keepword.web.app import create_app

TEST_SECRET = "test-secret-key-that-is-long-enough-for-keepword"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def pytest_report_header() -> str:
    return f"keepword: the audit {build()}"


def pytest_configure(config: pytest.Config) -> None:
    # An extension is imported before the source beside it: tests of a source edited
    # since the build would test the old code and pass or fail for the wrong reason.
    stale = stale_extensions()
    if stale:
        names = ", ".join(path.name.split(".", 1)[0] + ".py" for path in stale[:5])
        more = f" and {len(stale) - 5} more" if len(stale) > 5 else ""
        pytest.exit(
            f"the compiled audit is older than its source ({names}{more}): run "
            "`make install-dev` to build it again, or `KEEPWORD_COMPILE=0 make install-dev` "
            "to run the sources as they are",
            returncode=4,
        )


def _external_database_url() -> str | None:
    url = os.environ.get("KEEPWORD_TEST_DATABASE_URL") or None
    if url is not None and "{worker}" in url:
        # One database for each pytest-xdist worker (scripts/test_on_postgres.py makes them).
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
        url = url.replace("{worker}", worker)
    return url


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database migrated once per run: a template file (SQLite) or the test database itself."""
    url = _external_database_url()
    if url is None:
        path = tmp_path_factory.mktemp("template") / "keepword.sqlite3"
        url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> str:
    """The URL of an empty, migrated database for this test alone."""
    if migrated_template.startswith("sqlite"):
        source = Path(migrated_template.removeprefix("sqlite:///"))
        target = tmp_path / "keepword.sqlite3"
        shutil.copyfile(source, target)
        return f"sqlite:///{target}"
    engine = make_engine(migrated_template)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        # The append-only trust log refuses TRUNCATE too; a replica session fires no triggers.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return migrated_template


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "var",
        secret_key=TEST_SECRET,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def kw(settings: Settings) -> Iterator[Keepword]:
    """Keepword wired to this test's database."""
    wired = bootstrap(settings)
    # Real argon2, at the lowest cost it allows: the default takes a third of a second a login.
    wired.hasher = Argon2Hasher(time_cost=1, memory_cost=64)
    yield wired
    wired.close()


def _free_socket() -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that name it, and
    # without it every response waits 40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture
def base_url(settings: Settings, kw: Keepword) -> Iterator[str]:
    """The real app served by uvicorn on a free local port, for the length of one test."""
    app = create_app(settings, kw)
    sock = _free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def _client(base_url: str, token: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base_url, headers=headers, timeout=30)


@pytest.fixture
def anonymous(base_url: str) -> Iterator[httpx.Client]:
    """An HTTP client with no credentials."""
    with _client(base_url, None) as client:
        yield client


def _token(kw: Keepword, role: Role) -> str:
    return create_token(kw.uow(), f"test-{role}", role, NOW).secret


@pytest.fixture
def admin(base_url: str, kw: Keepword) -> Iterator[httpx.Client]:
    """An HTTP client holding an admin token."""
    with _client(base_url, _token(kw, Role.ADMIN)) as client:
        yield client


@pytest.fixture
def integration(base_url: str, kw: Keepword) -> Iterator[httpx.Client]:
    """An HTTP client holding an integration token (reads and writes data)."""
    with _client(base_url, _token(kw, Role.INTEGRATION)) as client:
        yield client


@pytest.fixture
def lead(base_url: str, kw: Keepword) -> Iterator[httpx.Client]:
    """An HTTP client holding a team lead's token (reads everything)."""
    with _client(base_url, _token(kw, Role.LEAD)) as client:
        yield client


@pytest.fixture
def agent(base_url: str, kw: Keepword) -> Iterator[httpx.Client]:
    """An HTTP client holding an agent's token (reads)."""
    with _client(base_url, _token(kw, Role.AGENT)) as client:
        yield client


REFERENCE_SCORER = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "score.py"


@pytest.fixture(scope="session")
def reference() -> ModuleType:
    """shared/eval/score.py, the reference scorer; skipped where the checkout has no ../shared."""
    if not REFERENCE_SCORER.is_file():
        pytest.skip(
            f"the reference scorer {REFERENCE_SCORER} is absent (only CI and developers have it)"
        )
    spec = importlib.util.spec_from_file_location("reference_score", REFERENCE_SCORER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
