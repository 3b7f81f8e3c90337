"""The second step of a staff sign-in, each a unit of work (issue 16; ASVS V2.8).

Each step takes the write lock, reads the staff member again under it, checks what she
typed (auth.second_factor) and commits what that changed: a wrong code counted towards
the pause, a code's time step or a recovery code used up, an enrolment's secret kept
(the QR code must stay the same on reload), the factor confirmed with fresh recovery
codes. The views only turn the outcome into a page and the signed cookie.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from selvvisitation.auth import second_factor
from selvvisitation.models import StaffUser
from selvvisitation.security.locking import lock_for_write
from selvvisitation.services.transaction import one_transaction


@dataclass(frozen=True)
class CodeChecked:
    """Whether the code was right; if not, whether the account is paused now."""

    ok: bool
    paused: bool = False
    recovery_codes_left: int = 0


@dataclass(frozen=True)
class EnrolmentStep:
    """The secret to show, and the recovery codes once the first code was right."""

    secret: str
    checked: CodeChecked | None = None  # None: no code given yet
    recovery_codes: list[str] | None = None  # shown once, never stored readable


def _checked(staff: StaffUser, code: str, now: datetime) -> CodeChecked:
    if second_factor.check_code(staff, code, now):
        return CodeChecked(True, recovery_codes_left=second_factor.unused_recovery_codes(staff))
    paused = staff.locked_until is not None and staff.locked_until > now
    return CodeChecked(False, paused=paused)


def check_second_factor(
    session: Session, staff: StaffUser, code: str, now: datetime | None = None
) -> CodeChecked:
    """Check the code of someone half-way through signing in, and keep what it changed."""
    with one_transaction(session):
        lock_for_write(session)
        session.refresh(staff)
        checked = _checked(staff, code, now or datetime.now(UTC))
    return checked


def enrol_second_factor(
    session: Session, staff: StaffUser, code: str | None, now: datetime | None = None
) -> EnrolmentStep:
    """Start enrolling the authenticator (or go on with the secret already started) and,
    given the first ``code``, confirm it: the factor is in use from then on."""
    now = now or datetime.now(UTC)
    with one_transaction(session):
        lock_for_write(session)
        session.refresh(staff)
        secret = second_factor.start_enrolment(staff)
        if code is None:
            return EnrolmentStep(secret)
        checked = _checked(staff, code, now)
        codes = second_factor.confirm_enrolment(session, staff, now) if checked.ok else None
    return EnrolmentStep(secret, checked, codes)
