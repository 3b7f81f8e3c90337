"""Test fixtures: one app per run on a real database, cleaned between tests.

SQLite (a temporary file, so a served app and concurrent requests share it) is
the default; TEST_DATABASE_URL points the same suite at PostgreSQL.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest
import time_machine
from hypothesis import HealthCheck, settings
from sqlalchemy import text

_CHOSEN_BY = "SELVVISITATION_TESTS_CHOSEN_BY"  # the process that chose the places below
_OWN_INSTANCE, _OWN_DATABASE = "SELVVISITATION_TESTS_OWN_INSTANCE", "SELVVISITATION_TESTS_OWN_DB"
_SERVER = "SELVVISITATION_TESTS_SERVER_URL"  # the PostgreSQL database a worker's sits beside


def _choose_places() -> None:
    """Choose this process's database and instance folder, once.

    pytest-xdist's workers (make test runs one per core) inherit the environment of the
    process that started them: a place that process chose itself is marked, so each worker
    chooses its own temporary SQLite file and instance folder instead of sharing them. On
    PostgreSQL a worker gets a database of its own beside the named one (test_gw0,
    test_gw1), made by the app fixture, so no worker empties another's tables. A second
    import of this module in the same process (``from tests.conftest import ...``) changes
    nothing.
    """
    if os.environ.get(_CHOSEN_BY) == str(os.getpid()):
        return
    folder = Path(tempfile.mkdtemp(prefix="selvvisitation-tests-"))
    if not os.environ.get("SELVVISITATION_INSTANCE_DIR") or os.environ.get(_OWN_INSTANCE):
        os.environ["SELVVISITATION_INSTANCE_DIR"] = str(folder / "instance")
        os.environ[_OWN_INSTANCE] = "1"
    if not os.environ.get("TEST_DATABASE_URL") or os.environ.get(_OWN_DATABASE):
        os.environ["TEST_DATABASE_URL"] = f"sqlite:///{folder / 'test.db'}"
        os.environ[_OWN_DATABASE] = "1"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ["TEST_DATABASE_URL"]
    if worker and url.startswith("postgresql"):
        from sqlalchemy.engine import make_url

        server = make_url(url)
        os.environ[_SERVER] = url
        os.environ["TEST_DATABASE_URL"] = server.set(
            database=f"{server.database}_{worker}"
        ).render_as_string(hide_password=False)
    os.environ[_CHOSEN_BY] = str(os.getpid())


_choose_places()

# No per-example deadline: a loaded 2-core CI machine is slow, not wrong. In CI the
# examples are derandomized so a run is reproducible; locally they explore freely.
settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") else "default")

from selvvisitation import create_app  # noqa: E402
from selvvisitation.extensions import db  # noqa: E402

pytest_plugins = [
    "tests.factories",
    "tests.pages",
    "tests.notification_servers",
    "tests.unit_of_work",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--today",
        metavar="YYYY-MM-DD",
        help="run the suite as if it were 10:00 in Denmark on this day, the clock running on "
        "(CI runs it once near a holiday: a test that quietly depends on today's date fails)",
    )


_travel = None


def pytest_configure(config: pytest.Config) -> None:
    """--today: the whole run, collection included, starts on the given day (time-machine)."""
    global _travel
    today = config.getoption("--today")
    if today:
        from zoneinfo import ZoneInfo

        start = datetime.combine(date.fromisoformat(today), time(10), ZoneInfo("Europe/Copenhagen"))
        _travel = time_machine.travel(start, tick=True)
        _travel.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _travel is not None:
        _travel.stop()


def pytest_report_header(config: pytest.Config) -> list[str]:
    url = os.environ["TEST_DATABASE_URL"]
    lines = [f"database: {url.split('@')[-1] if '@' in url else url}"]
    if config.getoption("--today"):
        lines.append(f"today (faked, clock running): {config.getoption('--today')}")
    return lines


def _create_worker_database() -> None:
    """The worker's own PostgreSQL database, made once on the server the run was pointed at."""
    from sqlalchemy.engine import make_url

    _create_postgresql_database(
        os.environ[_SERVER], str(make_url(os.environ["TEST_DATABASE_URL"]).database)
    )


def _create_postgresql_database(server_url: str, name: str) -> None:
    """A database called ``name`` on the server of ``server_url``, unless it exists."""
    from sqlalchemy import create_engine

    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def app():
    if os.environ.get(_SERVER) and os.environ.get("PYTEST_XDIST_WORKER"):
        try:
            _create_worker_database()
        except Exception as error:
            if os.environ.get("REQUIRE_POSTGRES"):
                raise RuntimeError(f"test database unreachable: {error}") from error
            pytest.skip(f"test database unreachable: {error}")
    application = create_app("test")
    with application.app_context():
        try:
            db.session.execute(text("SELECT 1"))
        except Exception as error:
            if os.environ.get("REQUIRE_POSTGRES"):
                raise RuntimeError(f"test database unreachable: {error}") from error
            pytest.skip(f"test database unreachable: {error}")
        build_schema_from_migrations()
    yield application
    with application.app_context():
        db.session.remove()
        drop_schema()


def drop_schema() -> None:
    """Drop what the migrations made. On PostgreSQL that is the public schema: a function a
    revision made outlives drop_all(), and a database the suite used on another branch may
    hold one. On SQLite, every table (their triggers go with them)."""
    db.session.remove()
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
            return
    db.drop_all(bind_key=None)  # the primary's: a replica bind (test_report_replica) has none
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def build_schema_from_migrations() -> None:
    """The suite runs on the schema production gets, `flask db upgrade` to head, triggers
    included (the audit log's, migration 0002), not on the models' create_all();
    tests/test_migrations.py holds that the two agree."""
    from flask_migrate import upgrade

    drop_schema()
    upgrade()


def _clean_tables() -> None:
    db.session.rollback()
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        _clean_postgresql_tables(tables)
    else:
        _clean_sqlite_tables(tables)
    db.session.commit()


# The audit log refuses UPDATE and DELETE in the database itself (migration 0002). Emptying
# it between tests is the one delete the suite needs, and only the suite: the cleaning
# transaction lifts the table's triggers, deletes, and puts them back before it commits, so
# no other connection and no test ever sees the table without them. Nothing in the app
# changes or deletes an audit entry: every test runs with the triggers (test_audit_trigger.py).
APPEND_ONLY_TABLES = ("audit_entry",)


def _clean_sqlite_tables(tables: list[str]) -> None:
    for name in tables:
        if name not in APPEND_ONLY_TABLES:
            db.session.execute(text(f'DELETE FROM "{name}"'))
            continue
        if not db.session.execute(text(f'SELECT EXISTS (SELECT 1 FROM "{name}")')).scalar():
            continue
        triggers = db.session.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
            {"t": name},
        ).all()
        for trigger, _sql in triggers:
            db.session.execute(text(f'DROP TRIGGER "{trigger}"'))
        db.session.execute(text(f'DELETE FROM "{name}"'))
        for _trigger, sql in triggers:
            db.session.execute(text(sql))


def _clean_postgresql_tables(tables: list[str]) -> None:
    """Empty the tables a test filled and restart every id at 1, as on SQLite.

    A TRUNCATE of all fifty tables gives each table and index a new file: about a second per
    test, most of the PostgreSQL run. One query finds the few tables with rows; DELETE empties
    them in dependency order, and the sequences restart as TRUNCATE ... RESTART IDENTITY did.
    """
    probe = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in tables
    )
    filled = set(db.session.execute(text(probe)).scalars())
    for name in tables:
        if name in filled and name in APPEND_ONLY_TABLES:
            _delete_past_the_triggers(name)
        elif name in filled:
            db.session.execute(text(f'DELETE FROM "{name}"'))
    db.session.execute(text(_restart_sequences()))


def _delete_past_the_triggers(name: str) -> None:
    """On PostgreSQL, for this transaction only. A superuser (CI's) sets the session's
    replication role, which fires no ordinary trigger (about 3 ms a test); another role
    owns the tables it made, and ALTER TABLE, transactional and holding the table's lock
    until commit, lifts them (about 15 ms)."""
    if _is_superuser():
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
        db.session.execute(text(f'DELETE FROM "{name}"'))
        db.session.execute(text("SET LOCAL session_replication_role = origin"))
    else:
        db.session.execute(text(f'ALTER TABLE "{name}" DISABLE TRIGGER USER'))
        db.session.execute(text(f'DELETE FROM "{name}"'))
        db.session.execute(text(f'ALTER TABLE "{name}" ENABLE TRIGGER USER'))


@functools.cache
def _is_superuser() -> bool:
    return bool(
        db.session.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        ).scalar()
    )


@functools.cache
def _restart_sequences() -> str:
    pairs = ", ".join(
        f"('\"{table.name}\"', '{table.autoincrement_column.name}')"
        for table in db.metadata.sorted_tables
        if table.autoincrement_column is not None
    )
    return (
        "SELECT setval(pg_get_serial_sequence(t, c), 1, false) "
        f"FROM (VALUES {pairs}) AS v(t, c) WHERE pg_get_serial_sequence(t, c) IS NOT NULL"
    )


def replica_url_beside(url: str) -> str:
    """Where the replica's stand-in lives: the test database's name with ``_replica`` on
    PostgreSQL (test_gw0_replica beside test_gw0), a second file beside SQLite's."""
    from sqlalchemy.engine import make_url

    primary = make_url(url)
    if primary.get_backend_name() == "postgresql":
        replica = primary.set(database=f"{primary.database}_replica")
        return replica.render_as_string(hide_password=False)
    return f"sqlite:///{Path(str(primary.database)).with_name('replica.db')}"


@pytest.fixture(scope="session")
def replica_database(app) -> Iterator[str]:
    """A second database standing in for a read replica (issue 16; tests/supervision/
    test_report_replica.py), made beside the worker's own the way that one is made, with
    the models' tables. A stand-in is not fed by replication: a test copies the primary
    into it (``Replica.copy_primary``), then the two differ as a lagging replica would."""
    from sqlalchemy import create_engine

    url = replica_url_beside(os.environ["TEST_DATABASE_URL"])
    if url.startswith("postgresql"):
        from sqlalchemy.engine import make_url

        try:
            _create_postgresql_database(
                os.environ["TEST_DATABASE_URL"], str(make_url(url).database)
            )
        except Exception as error:
            raise RuntimeError(f"cannot make the replica stand-in {url}: {error}") from error
    else:
        Path(str(url).removeprefix("sqlite:///")).unlink(missing_ok=True)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            db.metadata.create_all(connection)
        yield url
    finally:
        engine.dispose()


class Replica:
    """The stand-in replica, written directly (the app's replica engine is read only)."""

    def __init__(self, url: str, app) -> None:
        from sqlalchemy import create_engine

        self.engine = create_engine(url)
        self.app = app

    def empty(self) -> None:
        with self.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())

    def copy_primary(self) -> None:
        """Replicate: every row of the primary as it is now (committed), table by table."""
        db.session.commit()
        with db.engine.connect() as source, self.engine.begin() as target:
            for table in db.metadata.sorted_tables:
                rows = [dict(row._mapping) for row in source.execute(table.select())]
                if rows:
                    target.execute(table.insert(), rows)

    def count(self, model) -> int:
        from sqlalchemy import func, select

        with self.engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture(scope="session")
def replica_app(replica_database):
    """The app as a deployment with DATABASE_REPLICA_URL runs it: the same primary as
    ``app``, and the stand-in as its ``replica`` bind."""
    from selvvisitation.config import TestConfig, replica_binds

    config = TestConfig()
    config.SQLALCHEMY_BINDS = replica_binds(replica_database)
    application = create_app(config)
    yield application
    with application.app_context():
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def replica(replica_database, replica_app) -> Iterator[Replica]:
    """The stand-in replica, empty, and the app that reads its reports from it."""
    stand_in = Replica(replica_database, replica_app)
    stand_in.empty()
    yield stand_in
    stand_in.engine.dispose()


@pytest.fixture(autouse=True)
def app_context(app) -> Iterator[None]:
    """Every test runs in an app context on an empty database."""
    with app.test_request_context():
        _clean_tables()
        yield
        db.session.remove()


@pytest.fixture(autouse=True)
def today_clock(request: pytest.FixtureRequest) -> Iterator[time_machine.Coordinates | None]:
    """Set the clock where the test (or its module) is marked ``today(moment)``.

    Autouse, so the day is set before any fixture builds data from "today". The clock starts
    at the moment and runs on, as --today's does: rows made one after another keep their
    order by time (a clock standing still gives them equal stamps, and PostgreSQL may then
    return them in any order). ``today(moment, tick=False)`` stops it for a test that asserts
    an exact time; a test that needs time to pass asks for this fixture and moves it
    (``today_clock.shift``). Unmarked tests keep the real clock. tests/clock.py names the
    moments.
    """
    marker = request.node.get_closest_marker("today")
    if marker is None:
        yield None
        return
    (moment,) = marker.args
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise TypeError("today needs an aware datetime (a moment from tests/clock.py)")
    with time_machine.travel(moment, tick=marker.kwargs.get("tick", True)) as traveller:
        yield traveller


@pytest.fixture
def client(app):
    return app.test_client()
