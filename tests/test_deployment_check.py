"""`flask check-deployment`: a production configuration is checked and each finding said plainly.

Issue 16 ("A deployment a municipality can run"): secrets set, the database reachable and at
the head revision, HTTPS-only cookies, the MitID broker configured, the demo sign-in off;
exit non-zero on any finding. Each test builds a production app of its own on a database of
its own, upgraded with the real migrations, with the suite's CPR keys (the vault is global).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from selvvisitation import create_app

ON_POSTGRES = os.environ["TEST_DATABASE_URL"].startswith("postgresql")


@pytest.fixture
def own_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the suite's kind: a file for SQLite, a new database on PostgreSQL."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'deployment.db'}"
        return
    server = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"sv_check_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def production_env(app, monkeypatch, own_database_url):
    """The environment of a well-configured production deployment."""
    monkeypatch.setenv("SELVVISITATION_CONFIG", "production")
    monkeypatch.delenv("SELVVISITATION_DEMO", raising=False)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", own_database_url)
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    monkeypatch.setenv("CPR_ENCRYPTION_KEYS", ",".join(app.config["CPR_ENCRYPTION_KEYS"]))
    monkeypatch.setenv("CPR_LOOKUP_KEY", app.config["CPR_LOOKUP_KEY"])
    monkeypatch.setenv("OIDC_ISSUER", "https://broker.example.dk")
    monkeypatch.setenv("OIDC_CLIENT_ID", "selvvisitation")
    monkeypatch.setenv("OIDC_CLIENT_SECRET", secrets.token_hex(16))
    return monkeypatch


def _check(*, upgraded: bool = True):
    application = create_app("production")
    with application.app_context():
        if upgraded:
            upgrade()
        result = application.test_cli_runner().invoke(args=["check-deployment"])
        from selvvisitation.extensions import db

        db.engine.dispose()  # PostgreSQL drops the database after the test
    return result


def _fix_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("FIX")]


@pytest.mark.skipif(not ON_POSTGRES, reason="production runs on PostgreSQL; SQLite is below")
def test_a_well_configured_postgresql_deployment_passes_every_check(production_env):
    result = _check()

    assert result.exit_code == 0, result.output
    assert _fix_lines(result.output) == []
    assert "Every check holds." in result.output


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite finding needs a SQLite database")
def test_sqlite_is_the_one_finding_of_an_otherwise_well_configured_deployment(production_env):
    result = _check()

    assert result.exit_code == 1
    assert [line.split(":")[0] for line in _fix_lines(result.output)] == ["FIX  database kind"]


def test_a_database_behind_the_code_is_told_to_upgrade(production_env):
    result = _check(upgraded=False)

    assert result.exit_code == 1
    assert any(
        "database revision" in line and "db upgrade" in line for line in _fix_lines(result.output)
    )


def test_demo_sign_in_insecure_cookies_and_no_broker_are_each_a_finding(production_env):
    production_env.setenv("SELVVISITATION_DEMO", "1")
    production_env.setenv("SESSION_COOKIE_SECURE", "0")
    production_env.delenv("OIDC_CLIENT_SECRET")

    result = _check()

    assert result.exit_code == 1
    named = {line.split(":")[0].removeprefix("FIX  ") for line in _fix_lines(result.output)}
    assert {"demo sign-in", "HTTPS-only cookies", "MitID broker"} <= named


def test_a_short_secret_key_is_a_finding(production_env):
    production_env.setenv("SECRET_KEY", "kort")

    result = _check()

    assert any("SECRET_KEY length" in line for line in _fix_lines(result.output))
    assert result.exit_code == 1


def test_an_unreachable_database_is_said_in_plain_words(production_env):
    production_env.setenv(
        "DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    )

    result = _check(upgraded=False)

    assert result.exit_code == 1
    assert any("cannot be reached" in line for line in _fix_lines(result.output))


@pytest.mark.skipif(not ON_POSTGRES, reason="production runs on PostgreSQL; SQLite is below")
def test_a_read_replica_is_checked_when_one_is_configured(production_env, own_database_url):
    """docs/deployment.md, section 10: the report's replica answers at the same revision (here
    the database itself stands in), or the finding says it cannot be reached."""
    production_env.setenv("DATABASE_REPLICA_URL", own_database_url)
    result = _check()
    assert result.exit_code == 0, result.output
    assert "read replica: The read replica answers" in result.output

    production_env.setenv(
        "DATABASE_REPLICA_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    )
    result = _check()
    assert result.exit_code == 1
    assert [line for line in _fix_lines(result.output) if "replica" in line] == [
        "FIX  read replica reachable: The read replica cannot be reached (OperationalError). "
        "Check DATABASE_REPLICA_URL and the standby, or unset it to read the report from the "
        "primary (docs/deployment.md, section 10)."
    ]


def test_email_notifications_check_the_smtp_server_and_its_sender(production_env, smtp_inbox):
    """Issue 14: with e-mail on, the check connects to the SMTP server the worker will use."""
    production_env.setenv("NOTIFY_EMAIL_TRANSPORT", "smtp")
    production_env.setenv("MAIL_SERVER", "127.0.0.1")
    production_env.setenv("MAIL_PORT", str(smtp_inbox.port))
    production_env.setenv("PUBLIC_BASE_URL", "https://selvvisitation.testby.dk")
    production_env.setenv("MAIL_DEFAULT_SENDER", "selvvisitation@testby.dk")
    result = _check()
    assert "ok   SMTP server: The SMTP server 127.0.0.1:" in result.output
    assert not [line for line in _fix_lines(result.output) if "SMTP" in line or "e-mail" in line]


def test_an_smtp_server_that_does_not_answer_and_a_demo_transport_are_findings(production_env):
    import socket

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, never listening: the connection is refused
    production_env.setenv("NOTIFY_EMAIL_TRANSPORT", "smtp")
    production_env.setenv("MAIL_SERVER", "127.0.0.1")
    production_env.setenv("MAIL_PORT", str(closed.getsockname()[1]))
    production_env.setenv("NOTIFY_SMS_TRANSPORT", "demo")
    try:
        result = _check()
    finally:
        closed.close()
    fixes = [line.split(":")[0] for line in _fix_lines(result.output)]
    assert "FIX  SMTP server" in fixes
    assert "FIX  notification transports" in fixes
    assert "FIX  notification links" in fixes and "FIX  e-mail sender" in fixes
    assert result.exit_code == 1
