"""Check that a production configuration is safe to serve citizens (`flask check-deployment`).

Each check reads the running app's configuration (and, for the database, asks the server),
and says in plain words what is wrong and what to do. The operator reads this before the
first start and after every change of configuration; docs/deployment.md says when.
"""

from __future__ import annotations

import os
import smtplib
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import Engine

from selvvisitation.config import INSTANCE_DIR, PROJECT_ROOT

# Secrets with the environment variable that should carry them and the file that is
# generated on first run when it does not (config._kept_secret).
_SECRETS = (
    ("SECRET_KEY", "secret_key"),
    ("CPR_ENCRYPTION_KEYS", "cpr_encryption_keys"),
    ("CPR_LOOKUP_KEY", "cpr_lookup_key"),
)
_MIN_SECRET_LENGTH = 32  # characters: 128 bits of hex or more


@dataclass(frozen=True)
class DeploymentFinding:
    """One thing checked: whether it holds, and what to do when it does not."""

    name: str
    ok: bool
    text: str


def _secret_findings(app: Flask) -> Iterator[DeploymentFinding]:
    for variable, file_name in _SECRETS:
        if os.environ.get(variable):
            yield DeploymentFinding(variable, True, f"{variable} comes from the environment.")
            continue
        key_file = INSTANCE_DIR / file_name
        mode = stat.S_IMODE(key_file.stat().st_mode) if key_file.exists() else None
        if mode is not None and mode & 0o077 == 0:
            yield DeploymentFinding(
                variable,
                True,
                f"{variable} was generated in {key_file} (readable by its owner only). "
                "Back that file up apart from the database backups.",
            )
        else:
            yield DeploymentFinding(
                variable,
                False,
                f"{variable} is not set, and {key_file} is missing or readable by others. "
                f"Set {variable} from your secret store.",
            )
    if len(app.config["SECRET_KEY"]) < _MIN_SECRET_LENGTH:
        yield DeploymentFinding(
            "SECRET_KEY length",
            False,
            f"SECRET_KEY is shorter than {_MIN_SECRET_LENGTH} characters: anyone who guesses "
            "it can forge a session. Generate one with: python -c 'import secrets; "
            "print(secrets.token_hex(32))'",
        )
    for key in app.config["CPR_ENCRYPTION_KEYS"]:
        try:
            Fernet(key)
        except ValueError:
            yield DeploymentFinding(
                "CPR_ENCRYPTION_KEYS",
                False,
                "A key in CPR_ENCRYPTION_KEYS is not a Fernet key (README: "
                "'CPR numbers are stored encrypted').",
            )
    if len(app.config["CPR_LOOKUP_KEY"]) < _MIN_SECRET_LENGTH:
        yield DeploymentFinding(
            "CPR_LOOKUP_KEY length",
            False,
            f"CPR_LOOKUP_KEY is shorter than {_MIN_SECRET_LENGTH} characters: with the "
            "database, a short key lets anyone test every possible CPR number.",
        )


def _database_findings(engine: Engine) -> Iterator[DeploymentFinding]:
    if engine.dialect.name != "postgresql":
        yield DeploymentFinding(
            "database kind",
            False,
            f"The database is {engine.dialect.name}. Production runs on PostgreSQL: set "
            "DATABASE_URL=postgresql+psycopg://user@host:5432/name (docs/deployment.md).",
        )
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except Exception as error:  # any driver error means the same to the operator
        yield DeploymentFinding(
            "database reachable",
            False,
            f"The database cannot be reached ({type(error).__name__}). Check DATABASE_URL "
            "and that the server is running.",
        )
        return
    yield DeploymentFinding("database reachable", True, "The database answers.")
    head = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_current_head()
    if current == head:
        yield DeploymentFinding("database revision", True, f"The schema is at {head} (head).")
    else:
        yield DeploymentFinding(
            "database revision",
            False,
            f"The schema is at {current or 'no revision'}, the code expects {head}. Run: "
            "flask --app selvvisitation db upgrade",
        )


def _setting_findings(app: Flask) -> Iterator[DeploymentFinding]:
    config = app.config
    yield DeploymentFinding(
        "HTTPS-only cookies",
        bool(config["SESSION_COOKIE_SECURE"]) and bool(config["SESSION_COOKIE_HTTPONLY"]),
        "Session cookies are sent over HTTPS only and hidden from scripts."
        if config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
        else "Session cookies may travel over plain HTTP: unset SESSION_COOKIE_SECURE "
        "(it is on by default) and serve the app behind TLS.",
    )
    oidc = all(config.get(name) for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"))
    yield DeploymentFinding(
        "MitID broker",
        oidc,
        "Citizens sign in with MitID through the configured broker."
        if oidc
        else "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must all be set: without "
        "them citizens cannot sign in with MitID.",
    )
    yield DeploymentFinding(
        "demo sign-in",
        not config["DEMO_MODE"],
        "The demo sign-in (choose a made-up person) is off."
        if not config["DEMO_MODE"]
        else "The demo sign-in is on: anyone can sign in as any citizen. Run with "
        "SELVVISITATION_CONFIG=production and without SELVVISITATION_DEMO.",
    )


def _smtp_finding(config: Any) -> DeploymentFinding:
    """Connect to the SMTP server as the worker will (STARTTLS and login when configured)."""
    host, port = config.get("MAIL_SERVER") or "localhost", int(config.get("MAIL_PORT") or 25)
    try:
        factory = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
        with factory(host, port, timeout=10) as server:
            server.ehlo()
            if config.get("MAIL_USE_TLS"):
                server.starttls()
                server.ehlo()
            if config.get("MAIL_USERNAME"):
                server.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except (smtplib.SMTPException, OSError) as error:
        return DeploymentFinding(
            "SMTP server",
            False,
            f"E-mail notifications are on, but the SMTP server {host}:{port} cannot be used "
            f"({type(error).__name__}): check MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS and the login.",
        )
    return DeploymentFinding("SMTP server", True, f"The SMTP server {host}:{port} answers.")


def _notification_findings(app: Flask) -> Iterator[DeploymentFinding]:
    """Notifications (issue 14): each channel that is on can be used, and none is the demo's."""
    config = app.config
    settings = ("NOTIFY_EMAIL_TRANSPORT", "NOTIFY_SMS_TRANSPORT", "NOTIFY_DIGITAL_POST_TRANSPORT")
    demo = [name for name in settings if config.get(name) == "demo"]
    if demo:
        yield DeploymentFinding(
            "notification transports",
            False,
            f"{', '.join(demo)} is 'demo': nothing is sent, notifications only show on the "
            "staff's outbox page. Set smtp (e-mail), http (SMS) or leave it empty (off).",
        )
    # E-mail and SMS carry a link to the site. (So does Digital Post's text, written to
    # DIGITAL_POST_FOLDER by default; a missing PUBLIC_BASE_URL is not a finding for it.)
    if {config.get("NOTIFY_EMAIL_TRANSPORT"), config.get("NOTIFY_SMS_TRANSPORT")} & {
        "smtp",
        "http",
    }:
        yield DeploymentFinding(
            "notification links",
            str(config.get("PUBLIC_BASE_URL", "")).startswith("https://"),
            "Notifications link to " + str(config.get("PUBLIC_BASE_URL"))
            if str(config.get("PUBLIC_BASE_URL", "")).startswith("https://")
            else "PUBLIC_BASE_URL must be the site's https:// address: every notification "
            "links to it.",
        )
    if config.get("NOTIFY_EMAIL_TRANSPORT") == "smtp":
        yield DeploymentFinding(
            "e-mail sender",
            bool(config.get("MAIL_DEFAULT_SENDER")),
            "E-mail is sent from " + str(config.get("MAIL_DEFAULT_SENDER"))
            if config.get("MAIL_DEFAULT_SENDER")
            else "MAIL_DEFAULT_SENDER must be the municipality's sending address.",
        )
        yield _smtp_finding(config)
    if config.get("NOTIFY_SMS_TRANSPORT") == "http":
        url = str(config.get("SMS_GATEWAY_URL") or "")
        yield DeploymentFinding(
            "SMS gateway",
            url.startswith("https://"),
            f"SMS is posted to {url}."
            if url.startswith("https://")
            else "SMS_GATEWAY_URL must be the gateway's https:// address.",
        )


def _replica_findings(replica: Engine | None) -> Iterator[DeploymentFinding]:
    """With DATABASE_REPLICA_URL set: the replica answers, at the primary's schema."""
    if replica is None:
        return
    try:
        with replica.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except Exception as error:  # any driver error means the same to the operator
        yield DeploymentFinding(
            "read replica reachable",
            False,
            f"The read replica cannot be reached ({type(error).__name__}). Check "
            "DATABASE_REPLICA_URL and the standby, or unset it to read the report from the "
            "primary (docs/deployment.md, section 10).",
        )
        return
    head = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_current_head()
    yield DeploymentFinding(
        "read replica",
        current == head,
        f"The read replica answers, at {head}: the provider report reads from it."
        if current == head
        else f"The read replica is at {current or 'no revision'}, not {head}: is it a "
        "replica of this database, and is it replaying?",
    )


def check_deployment(
    app: Flask, engine: Engine, replica: Engine | None = None
) -> list[DeploymentFinding]:
    """Every check, in the order an operator would fix them."""
    checks: tuple[Callable[[], Iterator[DeploymentFinding]], ...] = (
        lambda: _secret_findings(app),
        lambda: _database_findings(engine),
        lambda: _replica_findings(replica),
        lambda: _setting_findings(app),
        lambda: _notification_findings(app),
    )
    return [finding for check in checks for finding in check()]
