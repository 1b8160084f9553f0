"""Run the test suite on a fresh PostgreSQL database, created and dropped by this run.

    python scripts/test_on_postgres.py [-- PYTEST ARGS]

The server is the one KEEPWORD_TEST_PG_URL names (default: postgres@127.0.0.1:5432,
trust auth). When none answers, a throwaway server is started in a temporary
directory on a free port (installing Debian's postgresql package first if its
binaries are missing) and stopped afterwards, also when the tests fail.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def say(message: str) -> None:
    print(f"[test_on_postgres] {message}", flush=True)


def answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def server_binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version_key(path: str) -> float:
    try:
        return float(Path(path).parts[4])
    except (IndexError, ValueError):
        return 0.0


def install_server() -> None:
    if os.geteuid() != 0:
        sys.exit(
            "PostgreSQL binaries are missing and this user cannot install them: "
            "install the 'postgresql' package or set KEEPWORD_TEST_PG_URL."
        )
    say("installing the postgresql package (its binaries are missing)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True, env=env)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_postgres(command: list[str]) -> list[str]:
    # initdb refuses to run as root, so the server runs as the unprivileged postgres user.
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextlib.contextmanager
def throwaway_server() -> Iterator[str]:
    binaries = server_binaries()
    if binaries is None:
        install_server()
        binaries = server_binaries()
        if binaries is None:
            sys.exit("installed postgresql but found no initdb")
    workdir = Path(tempfile.mkdtemp(prefix="keepword-pg-"))
    data = workdir / "data"
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
            user = pwd.getpwnam("postgres")
        os.chown(workdir, user.pw_uid, user.pw_gid)
    port = free_port()
    say(f"starting a throwaway PostgreSQL in {workdir} on port {port}")
    subprocess.run(
        as_postgres(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = str(binaries / "pg_ctl")
    subprocess.run(
        as_postgres(
            [pg_ctl, "-D", str(data), "-o", options, "-l", str(workdir / "log"), "-w", "start"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            as_postgres([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(workdir, ignore_errors=True)
        say("throwaway PostgreSQL stopped and removed")


@contextlib.contextmanager
def server() -> Iterator[str]:
    url = os.environ.get("KEEPWORD_TEST_PG_URL") or DEFAULT_URL
    if answers(url):
        yield url
        return
    say(f"no PostgreSQL answers at {url}")
    with throwaway_server() as started:
        yield started


@contextlib.contextmanager
def fresh_databases(server_url: str, count: int) -> Iterator[str]:
    """`count` empty databases, one for each pytest-xdist worker; yields their URL with
    "{worker}" where the worker's number goes (tests/conftest.py fills it in)."""
    base = f"keepword_test_{os.getpid()}_{secrets.token_hex(3)}"
    names = [f"{base}_{worker}" for worker in range(count)]
    with psycopg.connect(server_url, autocommit=True) as connection:
        for name in names:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    say(f"created database{'s' if count > 1 else ''} {', '.join(names)}")
    try:
        yield sqlalchemy_url(server_url, base + "_{worker}")
    finally:
        with psycopg.connect(server_url, autocommit=True) as connection:
            for name in names:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        say(f"dropped {', '.join(names)}")


def workers(pytest_args: list[str]) -> int:
    """How many pytest-xdist workers the arguments ask for (`-n N`, `-nN`); 1 without."""
    for index, arg in enumerate(pytest_args):
        value = None
        if arg in ("-n", "--numprocesses") and index + 1 < len(pytest_args):
            value = pytest_args[index + 1]
        elif arg.startswith("-n") and arg[2:].isdigit():
            value = arg[2:]
        elif arg.startswith("--numprocesses="):
            value = arg.split("=", 1)[1]
        if value is not None:
            if value == "auto":
                return os.cpu_count() or 1
            return max(int(value), 1) if value.isdigit() else 1
    return 1


def sqlalchemy_url(server_url: str, name: str) -> str:
    """The server's URL pointed at database `name`, with the psycopg 3 driver named."""
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(scheme="postgresql+psycopg", path=f"/{name}"))


def main(argv: list[str]) -> int:
    pytest_args = argv[argv.index("--") + 1 :] if "--" in argv else argv
    count = workers(pytest_args)
    with server() as server_url, fresh_databases(server_url, count) as database_url:
        env = {**os.environ, "KEEPWORD_TEST_DATABASE_URL": database_url}
        say("running the test suite on PostgreSQL")
        return subprocess.run([sys.executable, "-m", "pytest", *pytest_args], env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
