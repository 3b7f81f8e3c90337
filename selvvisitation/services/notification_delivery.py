"""The delivery worker behind `flask deliver-notifications` (issue 14).

    claim  - one short transaction takes a batch of due rows: on PostgreSQL
             SELECT … FOR UPDATE SKIP LOCKED, so workers side by side take different rows;
             on SQLite BEGIN IMMEDIATE, so one worker claims at a time. Each row gets a
             lease (claimed_until) and one more attempt counted.
    send   - row by row, each through its channel (services/notification_channels.py).
    mark   - sent, or back to pending with exponential back-off, or dead after
             NOTIFY_MAX_ATTEMPTS (or at once when the failure is permanent).

Nothing is lost when a worker dies mid-batch: its lease expires and the next worker claims
the rows again. Nothing is sent twice by us: a row is sent only by the worker whose claim
still holds, and a sent row is never claimed again; the one window left (a worker that dies
after the channel took the message but before it marked the row sent) is closed at the
receiver by the idempotency key the message carries (Message-ID, the SMS idempotency header).
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from selvvisitation.domain.notifications import DeliveryStatus, after_failure
from selvvisitation.models import Notification
from selvvisitation.models.base import utcnow
from selvvisitation.security.locking import lock_for_write
from selvvisitation.services.notification_channels import DeliveryError, deliver

Clock = Callable[[], datetime]


def worker_name() -> str:
    """This worker's name on its claims: host, process and a random part (unique per run)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass
class DeliveryReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    skipped: int = 0  # the claim had passed to another worker before this one sent it

    def add(self, other: DeliveryReport) -> None:
        for name in ("claimed", "sent", "retried", "dead", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def claim_batch(
    session: Session, *, worker: str, now: datetime, lease_seconds: int, limit: int
) -> list[int]:
    """Claim up to ``limit`` due rows for ``worker`` and commit; return their ids."""
    lock_for_write(session)  # SQLite: BEGIN IMMEDIATE; PostgreSQL: the row locks below
    ids = list(
        session.scalars(
            select(Notification.id)
            .where(
                Notification.status == DeliveryStatus.PENDING,
                Notification.next_attempt_at <= now,
                or_(Notification.claimed_until.is_(None), Notification.claimed_until <= now),
            )
            .order_by(Notification.next_attempt_at, Notification.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if ids:
        session.execute(
            update(Notification)
            .where(Notification.id.in_(ids))
            .values(
                claimed_until=now + timedelta(seconds=lease_seconds),
                claimed_by=worker,
                attempts=Notification.attempts + 1,
            )
        )
    session.commit()
    return ids


def _still_ours(session: Session, notification_id: int, worker: str, now: datetime) -> bool:
    """The claim still holds: pending, claimed by this worker, lease not passed."""
    row = session.execute(
        select(Notification.status, Notification.claimed_by, Notification.claimed_until).where(
            Notification.id == notification_id
        )
    ).one_or_none()
    return (
        row is not None
        and row.status == DeliveryStatus.PENDING
        and row.claimed_by == worker
        and row.claimed_until is not None
        and row.claimed_until > now
    )


def _finish(session: Session, notification_id: int, worker: str, **values: Any) -> None:
    """Write the outcome, only where this worker's claim is still the row's claim."""
    session.execute(
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.claimed_by == worker,
            Notification.status == DeliveryStatus.PENDING,
        )
        .values(claimed_until=None, **values)
    )
    session.commit()


def send_claimed(
    session: Session,
    notification_id: int,
    *,
    worker: str,
    config: Mapping[str, Any],
    clock: Clock = utcnow,
) -> str:
    """Send one claimed row and record the outcome; return sent, retried, dead or skipped."""
    session.rollback()  # a fresh read: another worker may have taken the row meanwhile
    if not _still_ours(session, notification_id, worker, clock()):
        session.rollback()
        return "skipped"
    notification = session.get(Notification, notification_id)
    assert notification is not None  # _still_ours read it
    attempts = notification.attempts
    # The settings this row is sent with: the worker's, and whose municipality it is from
    # (the Digital Post envelope names the recipient with the municipality's code).
    row_config = {**config, "MUNICIPALITY_CODE": notification.citizen.municipality.code}
    session.expunge(notification)  # its loaded values are what is sent
    session.rollback()  # no transaction stays open while the channel is slow
    try:
        transport = deliver(notification, row_config)
    except DeliveryError as error:
        retry = after_failure(
            attempts,
            clock(),
            max_attempts=int(config.get("NOTIFY_MAX_ATTEMPTS", 6)),
            base_seconds=int(config.get("NOTIFY_BACKOFF_SECONDS", 60)),
            permanent=error.permanent,
        )
        lock_for_write(session)
        if retry.give_up:
            _finish(
                session,
                notification_id,
                worker,
                status=DeliveryStatus.DEAD,
                last_error=str(error)[:500],
            )
            return "dead"
        _finish(
            session,
            notification_id,
            worker,
            next_attempt_at=retry.next_attempt_at,
            last_error=str(error)[:500],
        )
        return "retried"
    lock_for_write(session)
    _finish(
        session,
        notification_id,
        worker,
        status=DeliveryStatus.SENT,
        sent_at=clock(),
        transport=transport,
        last_error="",
    )
    return "sent"


def deliver_due(
    session: Session,
    config: Mapping[str, Any],
    *,
    worker: str | None = None,
    clock: Clock = utcnow,
    max_batches: int | None = None,
) -> DeliveryReport:
    """Claim and send batches until nothing is due (`--once`); return what happened."""
    worker = worker or worker_name()
    report = DeliveryReport()
    batches = 0
    while max_batches is None or batches < max_batches:
        ids = claim_batch(
            session,
            worker=worker,
            now=clock(),
            lease_seconds=int(config.get("NOTIFY_LEASE_SECONDS", 300)),
            limit=int(config.get("NOTIFY_BATCH_SIZE", 50)),
        )
        if not ids:
            break
        batches += 1
        report.claimed += len(ids)
        for notification_id in ids:
            outcome = send_claimed(
                session, notification_id, worker=worker, config=config, clock=clock
            )
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report
