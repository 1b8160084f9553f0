"""The Alembic migrations: from nothing to the newest schema, down to nothing and up again.

On SQLite each test migrates its own new file. On PostgreSQL there is one test database,
so the test takes it down to base first and always brings it back up afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from keepword.adapters.db.engine import make_engine
from keepword.adapters.db.migrate import (
    current_revision,
    downgrade,
    head_revision,
    is_up_to_date,
    upgrade,
)
from keepword.adapters.db.models import Base

MODEL_TABLES = set(Base.metadata.tables)


@pytest.fixture
def empty_engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database without Keepword's tables."""
    if database_url.startswith("sqlite"):
        engine = make_engine(f"sqlite:///{tmp_path / 'fresh' / 'keepword.sqlite3'}")
        yield engine
        engine.dispose()
        return
    engine = make_engine(database_url)
    downgrade(engine, "base")
    try:
        yield engine
    finally:
        upgrade(engine)
        engine.dispose()


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_an_empty_database_has_no_revision_and_is_not_up_to_date(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None
    assert not is_up_to_date(empty_engine)


def test_upgrade_brings_an_empty_database_to_the_head_revision(empty_engine: Engine) -> None:
    upgrade(empty_engine)

    assert current_revision(empty_engine) == head_revision()
    assert is_up_to_date(empty_engine)


def test_upgrade_creates_every_table_of_the_models(empty_engine: Engine) -> None:
    upgrade(empty_engine)

    assert _tables(empty_engine) >= MODEL_TABLES


def test_the_migrated_schema_matches_the_models(empty_engine: Engine) -> None:
    upgrade(empty_engine)

    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_upgrading_twice_changes_nothing(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    tables = _tables(empty_engine)

    upgrade(empty_engine)

    assert _tables(empty_engine) == tables
    assert current_revision(empty_engine) == head_revision()


def test_downgrade_to_base_removes_every_table(empty_engine: Engine) -> None:
    upgrade(empty_engine)

    downgrade(empty_engine, "base")

    assert not MODEL_TABLES & _tables(empty_engine)
    assert current_revision(empty_engine) is None


def test_upgrade_after_downgrade_gives_a_working_schema_again(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    downgrade(empty_engine, "base")

    upgrade(empty_engine)

    assert is_up_to_date(empty_engine)
    assert _tables(empty_engine) >= MODEL_TABLES
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO customers (external_id, created_at, updated_at) "
                "VALUES ('cust-1', :now, :now)"
            ),
            {"now": "2026-11-23 12:00:00"},
        )


def test_the_append_only_guard_is_back_after_downgrade_and_upgrade(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    downgrade(empty_engine, "base")
    upgrade(empty_engine)
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO customers (id, external_id, created_at, updated_at) "
                "VALUES (1, 'cust-1', :now, :now)"
            ),
            {"now": "2026-11-23 12:00:00"},
        )
        connection.execute(
            text(
                "INSERT INTO trust_events (customer_id, occurred_at, kind, source_type, "
                "source_id, details, recorded_at) VALUES (1, :now, 'k', 's', 'x', '{}', :now)"
            ),
            {"now": "2026-11-23 12:00:00"},
        )

    with pytest.raises(DBAPIError, match="append-only"), empty_engine.begin() as connection:
        connection.execute(text("DELETE FROM trust_events"))
