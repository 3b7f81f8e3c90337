"""Command-line tools: `flask --app selvvisitation <command>`."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from selvvisitation import rules_commands
from selvvisitation.extensions import db


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(forget_pending_cpr)
    app.cli.add_command(rotate_cpr_keys)
    rules_commands.register(app)


@click.command("seed-demo")
def seed_demo() -> None:
    """Create the demo municipality (once) and print the demo logins."""
    from selvvisitation.demo.ael import basis_counts
    from selvvisitation.demo.seed import build_demo, reset_demo_passwords
    from selvvisitation.domain.dates import local_today
    from selvvisitation.models import Municipality
    from selvvisitation.services.flags import evaluate_municipality

    existing = db.session.scalars(select(Municipality).where(Municipality.code == "561")).first()
    if existing is not None:
        click.echo("Demo data exists already; new passwords for the demo staff:")
        logins = reset_demo_passwords(db.session, existing)
    else:
        click.echo("Creating the demo municipality …")
        result = build_demo(db.session)
        logins = result.logins
        db.session.flush()
        # The visitators' queue starts as it would in real life: flags raised from the history.
        report = evaluate_municipality(db.session, result.municipality.id)
        click.echo(f"Flags raised from the demo history: {len(report.opened)}")
        existing = result.municipality
    db.session.commit()
    click.echo("Citizens by legal basis of their current decision:")
    for line in basis_counts(db.session, existing, local_today()).lines():
        click.echo(line)
    click.echo("")
    click.echo("Demo logins (staff sign-in at /log-ind/personale):")
    for login in logins:
        click.echo(f"  {login.role.value:<20} {login.username:<16} {login.password}")
    click.echo("Citizens and relatives: choose a made-up person at /log-ind")


@click.command("forget-pending-cpr")
def forget_pending_cpr() -> None:
    """Drop relatives' CPR numbers left in unfinished conversations (run it from cron).

    A conversation untouched for PENDING_CPR_MINUTES loses the number; the citizen is
    asked to write it again when she comes back.
    """
    from datetime import timedelta

    from flask import current_app

    from selvvisitation.models.base import utcnow
    from selvvisitation.security.locking import lock_for_write
    from selvvisitation.services.dialogue import forget_stale_cprs

    minutes = current_app.config["PENDING_CPR_MINUTES"]
    lock_for_write(db.session)  # as a request that writes does: the lock before the reads
    dropped = forget_stale_cprs(db.session, utcnow() - timedelta(minutes=minutes))
    db.session.commit()
    click.echo(
        f"Dropped the CPR number from {dropped} conversation(s) left for more than "
        f"{minutes} minutes."
    )


@click.command("rotate-cpr-keys")
def rotate_cpr_keys() -> None:
    """Re-encrypt every stored CPR number with the first key of CPR_ENCRYPTION_KEYS.

    After it, the keys listed after the first open nothing and may be removed (README).
    The blind index does not change: it has its own key.
    """
    from selvvisitation.models import Citizen, Relative
    from selvvisitation.security import cpr_vault

    count = 0
    for model in (Citizen, Relative):
        for person in db.session.scalars(select(model).where(model.cpr_encrypted.is_not(None))):
            person.cpr_encrypted = cpr_vault.rotate(person.cpr_encrypted)
            count += 1
    db.session.commit()
    click.echo(f"CPR numbers re-encrypted with the first key: {count}")
