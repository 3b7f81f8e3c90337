"""Staff sign-in with lock-out and throttling kept in the database.

An in-memory limiter counts per gunicorn worker and forgets on restart; the
database does neither.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from selvvisitation.models import StaffUser
from selvvisitation.security.passwords import verify_password

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


@dataclass(frozen=True)
class LoginResult:
    staff: StaffUser | None
    problem: str | None  # "invalid", "locked"


def attempt_staff_login(
    session: Session, username: str, password: str, now: datetime | None = None
) -> LoginResult:
    now = now or datetime.now(UTC)
    staff = session.scalars(
        select(StaffUser).where(StaffUser.username == username.strip().lower()).with_for_update()
    ).first()
    if staff is None or not staff.active:
        verify_password(None, password)  # same work either way: no username oracle
        return LoginResult(None, "invalid")
    if staff.locked_until is not None and staff.locked_until > now:
        return LoginResult(None, "locked")
    if not verify_password(staff.password_hash, password):
        staff.failed_logins += 1
        if staff.failed_logins >= MAX_FAILED_LOGINS:
            staff.locked_until = now + LOCKOUT
            staff.failed_logins = 0
        return LoginResult(None, "invalid")
    staff.failed_logins = 0
    staff.locked_until = None
    staff.session_nonce = secrets.token_hex(16)
    return LoginResult(staff, None)


def end_staff_session(staff: StaffUser) -> None:
    """Rotate the nonce: every cookie issued before sign-out stops working."""
    staff.session_nonce = secrets.token_hex(16)
