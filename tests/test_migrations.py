"""Migrations: `flask db upgrade` from empty gives exactly the models' schema; downgrade to base
leaves nothing behind. Runs on whichever database the suite runs on (SQLite and PostgreSQL).
The suite itself runs on the migrations' schema (tests/conftest.py), so the models and the
migrations agreeing means the tests test what production runs."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from selvvisitation.extensions import db
from tests.conftest import build_schema_from_migrations, drop_schema


def _functions_left() -> list[str]:
    """PostgreSQL functions in the public schema (migration 0002 made one for its triggers)."""
    if db.engine.dialect.name != "postgresql":
        return []
    with db.engine.connect() as connection:
        return list(
            connection.execute(
                text(
                    "SELECT proname FROM pg_proc JOIN pg_namespace n ON n.oid = pronamespace "
                    "WHERE n.nspname = 'public'"
                )
            ).scalars()
        )


def test_upgrade_from_empty_matches_the_models_and_downgrade_removes_everything(app):
    drop_schema()
    try:
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"migrations and models differ: {differences}"

        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        assert _functions_left() == []
    finally:
        build_schema_from_migrations()
