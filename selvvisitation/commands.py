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
    app.cli.add_command(check_deployment)
    app.cli.add_command(backup_drill)
    app.cli.add_command(partition_visit_lines)
    app.cli.add_command(deliver_notifications)
    rules_commands.register(app)


@click.command("seed-demo")
def seed_demo() -> None:
    """Create the demo municipality (once) and print the demo logins."""
    from flask import current_app

    from selvvisitation.demo.ael import basis_counts
    from selvvisitation.demo.seed import build_demo, reset_demo_passwords
    from selvvisitation.demo.week import play_demo_week
    from selvvisitation.domain.dates import local_today
    from selvvisitation.models import Municipality
    from selvvisitation.services.flags import evaluate_municipality

    if not current_app.config.get("DEMO_MODE"):
        # Made-up people with e-mail settings do not belong in a municipality's database.
        raise click.ClickException(
            "seed-demo adds made-up citizens and staff, so it runs only in demo mode "
            "(SELVVISITATION_CONFIG=demo, or SELVVISITATION_DEMO=1). Nothing was written."
        )
    existing = db.session.scalars(select(Municipality).where(Municipality.code == "561")).first()
    if existing is not None:
        click.echo("Demo data exists already; new passwords for the demo staff:")
        logins = reset_demo_passwords(db.session(), existing)
    else:
        click.echo("Creating the demo municipality …")
        today = local_today()
        result = build_demo(db.session(), today=today)
        logins = result.logins
        db.session.flush()
        # The visitators' queue starts as it would in real life: flags raised from the history.
        report = evaluate_municipality(db.session(), result.municipality.id)
        click.echo(f"Flags raised from the demo history: {len(report.opened)}")
        existing = result.municipality
        db.session.commit()
        # Issue 14: a week of what the demo family was told, through the real services (each
        # step commits), listed on the Demo-udbakke; only in the demo, where nothing is sent.
        demo_mode = bool(current_app.config.get("DEMO_MODE"))
        week = play_demo_week(db.session(), existing, today) if demo_mode else None
        if week is not None:
            click.echo(f"A demo week of notifications for {week.citizen.name}'s family")
    db.session.commit()
    click.echo("Citizens by legal basis of their current decision:")
    for line in basis_counts(db.session(), existing, local_today()).lines():
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
    from selvvisitation.services.conversation_store import forget_stale_cprs

    minutes = current_app.config["PENDING_CPR_MINUTES"]
    lock_for_write(db.session())  # as a request that writes does: the lock before the reads
    dropped = forget_stale_cprs(db.session(), utcnow() - timedelta(minutes=minutes))
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
    from selvvisitation.models import Citizen, Relative, StaffUser
    from selvvisitation.security import cpr_vault

    count = 0
    for citizen in db.session.scalars(select(Citizen).where(Citizen.cpr_encrypted.is_not(None))):
        citizen.cpr_encrypted = cpr_vault.rotate(citizen.cpr_encrypted)
        count += 1
    for relative in db.session.scalars(select(Relative).where(Relative.cpr_encrypted.is_not(None))):
        relative.cpr_encrypted = cpr_vault.rotate(relative.cpr_encrypted or "")
        count += 1
    # Staff's TOTP secrets are kept with the same keys (auth.second_factor).
    for staff in db.session.scalars(
        select(StaffUser).where(StaffUser.totp_secret_encrypted.is_not(None))
    ):
        staff.totp_secret_encrypted = cpr_vault.rotate(staff.totp_secret_encrypted or "")
    db.session.commit()
    click.echo(f"CPR numbers re-encrypted with the first key: {count}")


@click.command("check-deployment")
def check_deployment() -> None:
    """Check this configuration before serving citizens; exit 1 on any finding."""
    from flask import current_app

    from selvvisitation.deployment_check import check_deployment as run_checks
    from selvvisitation.replica import REPLICA

    findings = run_checks(current_app, db.engine, db.engines.get(REPLICA))
    for finding in findings:
        click.echo(f"{'ok  ' if finding.ok else 'FIX '} {finding.name}: {finding.text}")
    problems = [finding for finding in findings if not finding.ok]
    if problems:
        click.echo(f"{len(problems)} finding(s): fix them before serving citizens.")
        raise SystemExit(1)
    click.echo("Every check holds.")


@click.command("backup-drill")
def backup_drill() -> None:
    """Dump the database, restore it into a new one and sign a citizen in there by CPR.

    Proves that the backup and the keys of this configuration belong together (README:
    without the keys the CPR numbers are lost). The copy is dropped afterwards.
    """
    from flask import current_app

    from selvvisitation.backup_drill import BackupDrillError, run_backup_drill

    try:
        result = run_backup_drill(current_app.config["SQLALCHEMY_DATABASE_URI"])
    except BackupDrillError as error:
        click.echo(f"Backup drill FAILED: {error}")
        raise SystemExit(1) from None
    click.echo(
        f"Backup drill passed: a dump of {result.dump_bytes:,} bytes restored into a new "
        f"database; {result.citizens} citizen(s) there, and citizen #{result.citizen_id} "
        "signs in by her CPR number with this configuration's keys. The copy is dropped."
    )


@click.command("partition-visit-lines")
@click.option("--yes", is_flag=True, help="The app is stopped and a backup taken: go ahead.")
def partition_visit_lines(yes: bool) -> None:
    """Partition visit_service by month (PostgreSQL; docs/deployment.md, section 10).

    One transaction that locks and copies the table: stop the app and back up first.
    """
    from flask import current_app

    from selvvisitation.partitioning import PartitioningError
    from selvvisitation.partitioning import partition_visit_lines as partition

    if not yes:
        click.echo("Stop the app and back up first, then run again with --yes.")
        raise SystemExit(2)
    try:
        partition(current_app.config["SQLALCHEMY_DATABASE_URI"])
    except PartitioningError as error:
        click.echo(f"Nothing changed: {error}")
        raise SystemExit(1) from None
    click.echo("visit_service is partitioned by month. Run the monthly partitions timer.")


@click.command("deliver-notifications")
@click.option("--once", is_flag=True, help="Send what is due, then stop (for cron).")
@click.option(
    "--interval",
    default=30,
    show_default=True,
    type=click.IntRange(min=1),
    help="Seconds between rounds when running as a loop (without --once).",
)
def deliver_notifications(once: bool, interval: int) -> None:
    """Send the notifications in the outbox: retries with back-off, then dead-letter.

    Several workers may run side by side on PostgreSQL (FOR UPDATE SKIP LOCKED); on SQLite
    run one. A worker stopped mid-batch loses nothing: its claims expire and are sent by
    the next round (NOTIFY_LEASE_SECONDS).
    """
    import signal
    import threading

    from flask import current_app

    from selvvisitation.services.notification_delivery import deliver_due, worker_name

    worker = worker_name()
    stopping = threading.Event()
    if not once:
        # systemd stops the service with SIGTERM: finish the row in hand, then stop.
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    while True:
        report = deliver_due(db.session(), current_app.config, worker=worker)
        if report.claimed or once:
            click.echo(
                f"Notifications: {report.sent} sent, {report.retried} to try again, "
                f"{report.dead} given up (dead-letter), {report.skipped} taken by another worker."
            )
        if once or stopping.wait(interval):
            break
