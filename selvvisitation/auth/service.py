"""Staff sign-in with lock-out kept in the database.

An in-memory limiter counts per gunicorn worker and forgets on restart; the
database does neither. Every failure answers the same way and costs the same
Argon2 work, whether the username exists, the password is wrong or the account
is locked, so the sign-in page is no username oracle.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from selvvisitation.models import EndedSession, StaffUser
from selvvisitation.security.passwords import verify_password

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
# Ended-session rows are only needed while a copied cookie could still be inside
# its lifetime; keep them a day past the longest session.
ENDED_SESSION_RETENTION = timedelta(days=1)


@dataclass(frozen=True)
class LoginResult:
    staff: StaffUser | None
    problem: str | None  # "refused": one answer for unknown user, wrong password, locked


def attempt_staff_login(
    session: Session, username: str, password: str, now: datetime | None = None
) -> LoginResult:
    """Check a staff sign-in; the caller commits (so the failure count is kept)."""
    now = now or datetime.now(UTC)
    staff = session.scalars(
        select(StaffUser).where(StaffUser.username == username.strip().lower()).with_for_update()
    ).first()
    if staff is None or not staff.active:
        verify_password(None, password)  # same work either way: no username oracle
        return LoginResult(None, "refused")
    password_ok = verify_password(staff.password_hash, password)  # always: same timing
    if staff.locked_until is not None and staff.locked_until > now:
        return LoginResult(None, "refused")
    if not password_ok:
        staff.failed_logins += 1
        if staff.failed_logins >= MAX_FAILED_LOGINS:
            staff.locked_until = now + LOCKOUT
            staff.failed_logins = 0
        return LoginResult(None, "refused")
    staff.failed_logins = 0
    staff.locked_until = None
    staff.session_nonce = secrets.token_hex(16)
    return LoginResult(staff, None)


def end_staff_session(staff: StaffUser) -> None:
    """Rotate the nonce: every cookie issued to this person before sign-out stops working."""
    staff.session_nonce = secrets.token_hex(16)


def prune_ended_sessions(session: Session, now: datetime | None = None) -> None:
    """Forget ended sessions older than any cookie could live."""
    now = now or datetime.now(UTC)
    session.execute(
        delete(EndedSession).where(EndedSession.ended_at < now - ENDED_SESSION_RETENTION)
    )
