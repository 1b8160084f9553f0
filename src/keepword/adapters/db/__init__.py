"""Storage on SQLAlchemy 2: SQLite (embedded) and PostgreSQL, one schema, Alembic migrations."""
