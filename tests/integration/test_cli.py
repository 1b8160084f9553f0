"""The `keepword` command line, driven through Typer's test runner against a real database."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from keepword.adapters.db.engine import make_engine
from keepword.adapters.db.migrate import downgrade, head_revision, upgrade
from keepword.bootstrap import Keepword
from keepword.cli.main import app
from keepword.clock import now
from keepword.services import queries
from keepword.services.access import authenticate_token
from keepword.services.ports import ListFilter, PageRequest
from tests.factories import conversation_record

EVERYTHING = ListFilter()
BIG_PAGE = PageRequest(limit=500)
SECRET = re.compile(r"^kw_(?P<id>[0-9a-f]{8})_\S{20,}$", re.MULTILINE)
PASSWORD = "a-long-enough-password"


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "KEEPWORD_DATABASE_URL": database_url,
        "KEEPWORD_DATA_DIR": str(tmp_path),
        "KEEPWORD_SECRET_KEY": "x" * 40,
        # Rich wraps at 80 columns when it cannot see a terminal, which splits long paths.
        "COLUMNS": "250",
    }


@pytest.fixture
def empty_env(env: dict[str, str], tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a database without Keepword's schema (PostgreSQL: restored after)."""
    url = env["KEEPWORD_DATABASE_URL"]
    if url.startswith("sqlite"):
        yield {**env, "KEEPWORD_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
        return
    engine = make_engine(url)
    downgrade(engine, "base")
    try:
        yield env
    finally:
        upgrade(engine)
        engine.dispose()


def _run(env: dict[str, str], *args: str, stdin: str | None = None) -> Result:
    """Run `keepword ARGS`; anything but a clean exit (an uncaught exception) fails the test."""
    return CliRunner().invoke(app, list(args), env=env, input=stdin, catch_exceptions=False)


def _conversation_ids(kw: Keepword) -> list[str]:
    page = queries.list_conversations(kw.uow(), EVERYTHING, BIG_PAGE)
    return sorted(conversation.external_id for conversation in page.items)


def _customer_count(kw: Keepword) -> int:
    return len(queries.list_customers(kw.uow(), EVERYTHING, BIG_PAGE).items)


def _jsonl(path: Path, lines: list[Any]) -> Path:
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n",
        encoding="utf-8",
    )
    return path


# --- db -------------------------------------------------------------------------------------


def test_db_upgrade_creates_the_schema_then_says_it_is_already_at_the_revision(
    empty_env: dict[str, str],
) -> None:
    first = _run(empty_env, "db", "upgrade")
    second = _run(empty_env, "db", "upgrade")

    assert first.exit_code == 0, first.output
    assert f"upgraded from empty to revision {head_revision()}" in first.output
    assert second.exit_code == 0, second.output
    assert f"already at revision {head_revision()}" in second.output


def test_db_current_shows_the_database_and_the_newest_revision(env: dict[str, str]) -> None:
    result = _run(env, "db", "current")

    assert result.exit_code == 0
    assert f"database: {head_revision()}" in result.output
    assert f"newest:   {head_revision()}" in result.output


def test_a_command_on_a_database_without_schema_asks_for_db_upgrade(
    empty_env: dict[str, str],
) -> None:
    result = _run(empty_env, "token", "list")

    assert result.exit_code == 2
    assert "keepword db upgrade" in result.output


# --- import conversations -------------------------------------------------------------------


@pytest.fixture
def five_lines(tmp_path: Path) -> Path:
    """Lines 1, 3 and 5 are good; line 2 is not JSON; line 4 starts without an offset."""
    return _jsonl(
        tmp_path / "conversations.jsonl",
        [
            conversation_record("c-1"),
            '{"id": "c-2", "channel": "chat",',
            conversation_record("c-3"),
            conversation_record("c-4", started_at="2026-09-02T10:14:00"),
            conversation_record("c-5"),
        ],
    )


def test_import_reports_each_bad_line_with_its_number_and_reason_and_exits_1(
    env: dict[str, str], five_lines: Path
) -> None:
    result = _run(env, "import", "conversations", str(five_lines))

    assert result.exit_code == 1
    assert re.search(r"line 2: not JSON", result.stderr)
    assert re.search(r"line 4 \(c-4\): started_at: ", result.stderr)
    assert "3 created, 0 updated, 2 rejected." in result.stdout


def test_import_stores_the_good_lines_of_a_file_with_bad_ones(
    env: dict[str, str], five_lines: Path, kw: Keepword
) -> None:
    _run(env, "import", "conversations", str(five_lines))

    assert _conversation_ids(kw) == ["c-1", "c-3", "c-5"]


def test_importing_the_same_file_again_updates_and_never_duplicates(
    env: dict[str, str], five_lines: Path, kw: Keepword
) -> None:
    _run(env, "import", "conversations", str(five_lines))

    again = _run(env, "import", "conversations", str(five_lines))

    assert "0 created, 3 updated, 2 rejected." in again.stdout
    assert _conversation_ids(kw) == ["c-1", "c-3", "c-5"]


def test_a_file_without_bad_lines_imports_with_exit_0(
    env: dict[str, str], tmp_path: Path, kw: Keepword
) -> None:
    path = _jsonl(tmp_path / "good.jsonl", [conversation_record("c-1"), conversation_record("c-2")])

    result = _run(env, "import", "conversations", str(path), "--batch-size", "1")

    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated, 0 rejected." in result.stdout
    assert _conversation_ids(kw) == ["c-1", "c-2"]


def test_import_reads_standard_input_for_a_dash(env: dict[str, str], kw: Keepword) -> None:
    text = json.dumps(conversation_record("c-1")) + "\n"

    result = _run(env, "import", "conversations", "-", stdin=text)

    assert result.exit_code == 0, result.output
    assert _conversation_ids(kw) == ["c-1"]


def test_importing_a_missing_file_exits_2_naming_the_path(
    env: dict[str, str], tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere" / "missing.jsonl"

    result = _run(env, "import", "conversations", str(missing))

    assert result.exit_code == 2
    assert str(missing) in result.output
    assert "no such file" in result.output


def test_importing_a_file_that_is_not_utf8_exits_2(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"id": "café"}\n'.encode("latin-1"))

    result = _run(env, "import", "conversations", str(path))

    assert result.exit_code == 2
    assert "not UTF-8" in result.output


def test_a_line_separator_inside_a_turn_text_does_not_split_the_line(
    env: dict[str, str], tmp_path: Path, kw: Keepword
) -> None:
    # JSON allows U+2028, U+2029 and U+0085 raw inside strings; str.splitlines() splits there.
    record = conversation_record("c-1")
    record["turns"][0]["text"] = "First paragraph.\u2028Second paragraph.\u0085Third."
    path = tmp_path / "separators.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")

    result = _run(env, "import", "conversations", str(path))

    assert result.exit_code == 0, result.output
    assert "1 created, 0 updated, 0 rejected." in result.stdout
    stored = queries.get_conversation(kw.uow(), "c-1")
    assert stored.turns[0].text == record["turns"][0]["text"]


def test_a_nul_character_in_a_turn_text_does_not_abort_the_import(
    env: dict[str, str], tmp_path: Path, kw: Keepword
) -> None:
    # PostgreSQL text refuses NUL; caught as a DataError mid-batch it would lose the good lines.
    bad = conversation_record("c-nul")
    bad["turns"][0]["text"] = "before\u0000after"
    path = _jsonl(tmp_path / "nul.jsonl", [conversation_record("c-ok"), bad])

    result = _run(env, "import", "conversations", str(path))

    assert result.exit_code in (0, 1)
    assert "c-ok" in _conversation_ids(kw)


def test_a_rejected_line_whose_id_looks_like_markup_is_reported_as_it_is(
    env: dict[str, str], tmp_path: Path
) -> None:
    # Ids and reasons come from the file: read as Rich markup, "[/]" would raise MarkupError.
    path = _jsonl(tmp_path / "markup.jsonl", [conversation_record("c[/]", channel="fax")])

    result = _run(env, "import", "conversations", str(path))

    assert result.exit_code == 1
    assert "line 1 (c[/]): channel: " in result.stderr


# --- tokens ---------------------------------------------------------------------------------


def test_token_create_prints_a_kw_secret(env: dict[str, str]) -> None:
    result = _run(env, "token", "create", "--name", "x", "--role", "lead")

    assert result.exit_code == 0, result.output
    match = SECRET.search(result.stdout)
    assert match is not None, result.stdout
    assert f"Token {match['id']} (lead) for 'x'" in result.stdout


def test_a_created_token_authenticates(env: dict[str, str], kw: Keepword) -> None:
    result = _run(env, "token", "create", "--name", "x", "--role", "lead")
    match = SECRET.search(result.stdout)
    assert match is not None

    token = authenticate_token(kw.uow(), match.group(0), now())

    assert token is not None
    assert token.token_id == match["id"]


def test_token_list_shows_the_id_but_not_the_secret(env: dict[str, str]) -> None:
    created = _run(env, "token", "create", "--name", "zendesk-sync", "--role", "integration")
    match = SECRET.search(created.stdout)
    assert match is not None

    listed = _run(env, "token", "list")

    assert listed.exit_code == 0
    assert match["id"] in listed.stdout
    assert "zendesk-sync" in listed.stdout
    assert match.group(0) not in listed.output
    assert match.group(0).split("_", 2)[2] not in listed.output


def test_token_list_without_tokens_says_how_to_make_one(env: dict[str, str]) -> None:
    result = _run(env, "token", "list")

    assert result.exit_code == 0
    assert "No tokens yet" in result.stdout


def test_token_revoke_stops_the_token_from_authenticating(
    env: dict[str, str], kw: Keepword
) -> None:
    match = SECRET.search(_run(env, "token", "create", "--name", "x", "--role", "lead").stdout)
    assert match is not None

    result = _run(env, "token", "revoke", match["id"])

    assert result.exit_code == 0, result.output
    assert f"Token {match['id']} ('x') is revoked." in result.stdout
    assert authenticate_token(kw.uow(), match.group(0), now()) is None


def test_token_revoke_of_an_unknown_id_exits_1_saying_so(env: dict[str, str]) -> None:
    result = _run(env, "token", "revoke", "deadbeef")

    assert result.exit_code == 1
    assert "token 'deadbeef' does not exist" in result.output


def test_token_revoke_of_an_id_that_looks_like_markup_exits_1_saying_so(
    env: dict[str, str],
) -> None:
    # Read as Rich markup, "[/]" would raise MarkupError instead of printing.
    result = _run(env, "token", "revoke", "[/]")

    assert result.exit_code == 1
    assert "token '[/]' does not exist" in result.output


def test_token_create_with_an_unknown_role_exits_2(env: dict[str, str]) -> None:
    result = _run(env, "token", "create", "--name", "x", "--role", "overlord")

    assert result.exit_code == 2
    assert "overlord" in result.output


# --- users ----------------------------------------------------------------------------------


def test_user_create_then_user_list_shows_the_user_and_role(env: dict[str, str]) -> None:
    created = _run(env, "user", "create", "ada", "--role", "lead", "--password", PASSWORD)

    listed = _run(env, "user", "list")

    assert created.exit_code == 0, created.output
    assert "User 'ada' (lead) created." in created.stdout
    assert listed.exit_code == 0
    assert re.search(r"ada\s.*lead\s.*yes", listed.stdout)
    assert PASSWORD not in listed.output


def test_user_create_with_a_short_password_exits_1_naming_password(env: dict[str, str]) -> None:
    result = _run(env, "user", "create", "ada", "--password", "short")

    assert result.exit_code == 1
    assert "password: " in result.output


def test_user_create_with_a_taken_name_exits_1(env: dict[str, str]) -> None:
    _run(env, "user", "create", "ada", "--password", PASSWORD)

    result = _run(env, "user", "create", "ada", "--password", PASSWORD)

    assert result.exit_code == 1
    assert "already exists" in result.output


def test_user_disable_marks_the_user_inactive(env: dict[str, str]) -> None:
    _run(env, "user", "create", "ada", "--password", PASSWORD)

    disabled = _run(env, "user", "disable", "ada")

    assert disabled.exit_code == 0
    assert re.search(r"ada\s.*agent\s.*no", _run(env, "user", "list").stdout)


# --- demo -----------------------------------------------------------------------------------


def test_demo_loads_20_customers_and_61_conversations(env: dict[str, str], kw: Keepword) -> None:
    result = _run(env, "demo")

    assert result.exit_code == 0, result.output
    assert _customer_count(kw) == 20
    assert len(_conversation_ids(kw)) == 61
    assert "Demo login (created)" in result.stdout


def test_loading_the_demo_twice_does_not_duplicate_it(env: dict[str, str], kw: Keepword) -> None:
    _run(env, "demo")

    again = _run(env, "demo")

    assert again.exit_code == 0, again.output
    assert _customer_count(kw) == 20
    assert len(_conversation_ids(kw)) == 61
    assert "Demo login (exists)" in again.stdout


def test_demo_if_empty_on_a_loaded_database_does_nothing(env: dict[str, str], kw: Keepword) -> None:
    _run(env, "demo")
    before = queries.list_customers(kw.uow(), EVERYTHING, BIG_PAGE).items

    result = _run(env, "demo", "--if-empty")

    assert result.exit_code == 0
    assert "already holds data" in result.stdout
    assert queries.list_customers(kw.uow(), EVERYTHING, BIG_PAGE).items == before


def test_demo_if_empty_on_an_empty_database_loads_the_demo(
    env: dict[str, str], kw: Keepword
) -> None:
    result = _run(env, "demo", "--if-empty")

    assert result.exit_code == 0, result.output
    assert _customer_count(kw) == 20


# --- settings and help ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("KEEPWORD_SECRET_KEY", "changeme"),
        ("KEEPWORD_LOG_LEVEL", "loud"),
        ("KEEPWORD_PORT", "70000"),
    ],
)
def test_a_bad_setting_exits_2_naming_the_variable(
    env: dict[str, str], variable: str, value: str
) -> None:
    result = _run({**env, variable: value}, "token", "list")

    assert result.exit_code == 2
    assert f"{variable}: " in result.output


def test_org_set_with_an_unknown_time_zone_exits_1_naming_timezone(env: dict[str, str]) -> None:
    result = _run(env, "org", "set", "--timezone", "Mars/Base")

    assert result.exit_code == 1
    assert "timezone: 'Mars/Base'" in result.output


def test_org_set_changes_only_the_settings_given(env: dict[str, str]) -> None:
    _run(env, "org", "set", "--name", "Acme Telecom", "--timezone", "Europe/Rome")

    result = _run(env, "org", "set", "--business-day-end", "17:30")

    assert result.exit_code == 0, result.output
    shown = _run(env, "org", "show").stdout
    assert re.search(r"name:\s+Acme Telecom", shown)
    assert re.search(r"time zone:\s+Europe/Rome", shown)
    assert re.search(r"business day end:\s+17:30", shown)


def _command_paths() -> list[list[str]]:
    """Every command and group of the app, as the words that name it."""
    paths: list[list[str]] = [[]]

    def walk(command: Any, prefix: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            paths.append([*prefix, name])
            walk(sub, [*prefix, name])

    walk(typer.main.get_command(app), [])
    return paths


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "keepword")
def test_help_of_every_command_exits_0(env: dict[str, str], path: list[str]) -> None:
    result = _run(env, *path, "--help")

    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_the_help_covers_every_sub_command() -> None:
    names = {" ".join(path) for path in _command_paths()}

    assert {"db upgrade", "import conversations", "token create", "user create", "demo"} <= names
