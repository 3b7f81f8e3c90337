"""Staff's second factor: TOTP (RFC 6238) with pyotp, and one-time recovery codes.

No Flask here; the views in auth/second_factor_views.py call these. The secret is kept
encrypted with the CPR vault's keys; recovery codes only as Argon2 hashes. A code is
accepted once: the time step it belongs to is remembered (ASVS V2.8.4), and a wrong
code counts towards the account's pause like a wrong password (services.staff_sign_in).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from selvvisitation.domain.second_factor import (
    is_required,
    looks_like_totp,
    new_recovery_codes,
    normalise_recovery_code,
)
from selvvisitation.models import RecoveryCode, StaffUser
from selvvisitation.security import cpr_vault
from selvvisitation.services.staff_sign_in import LOCKOUT, MAX_FAILED_LOGINS

if TYPE_CHECKING:
    import pyotp

ISSUER = "Selvvisitation"
# Recovery codes are random (about 49 bits each), not chosen by people: a lighter Argon2
# than the passwords' is enough against a stolen table, and checking ten stays quick.
_recovery_hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
# One step either side: the phone's clock may be 30 seconds off (RFC 6238 section 6).
VALID_WINDOW = 1


@cache
def _pyotp() -> ModuleType:
    """pyotp (about 4 MB) only when a code is made or checked: the admin views import this
    module, and a worker serving the day's pages never needs it."""
    import pyotp

    return pyotp


def required_for(staff: StaffUser) -> bool:
    """Whether the staff member's municipality requires a second factor for the role."""
    policy = staff.municipality.policy
    return is_required(staff.role, policy.second_factor_roles if policy is not None else None)


def asked_at_sign_in(staff: StaffUser) -> bool:
    """A code is asked for when the user has one, or must get one before going on."""
    return staff.has_second_factor or required_for(staff)


def start_enrolment(staff: StaffUser) -> str:
    """A new secret for a user without a confirmed one; kept until a code confirms it."""
    if staff.has_second_factor:
        raise ValueError("already enrolled")  # an admin's reset comes first
    if staff.totp_secret_encrypted is None:
        staff.totp_secret_encrypted = cpr_vault.encrypt_secret(_pyotp().random_base32())
    return secret_of(staff)


def secret_of(staff: StaffUser) -> str:
    return cpr_vault.decrypt_secret(staff.totp_secret_encrypted or "")


def provisioning_uri(staff: StaffUser, secret: str) -> str:
    """The otpauth:// address the authenticator app reads from the QR code."""
    label = f"{staff.municipality.name} ({staff.username})"
    return _pyotp().TOTP(secret).provisioning_uri(name=label, issuer_name=ISSUER)


def qr_svg(uri: str, title: str) -> str:
    """The QR code as inline SVG, drawn on the server: no JavaScript, no image request."""
    import segno  # only at enrolment: a worker serving the day's pages never needs it

    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, light="#fff", title=title)
    return svg.replace("<svg ", '<svg role="img" ', 1)


def _time_step(totp: pyotp.TOTP, at: datetime) -> int:
    return int(totp.timecode(at))


def _accept_totp(staff: StaffUser, code: str, now: datetime) -> bool:
    totp = _pyotp().TOTP(secret_of(staff))
    digits = "".join(code.split())
    current = _time_step(totp, now)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        step = current + offset
        if staff.totp_last_step is not None and step <= staff.totp_last_step:
            continue  # that code, or an older one, was used already
        if secrets.compare_digest(totp.generate_otp(step), digits):
            staff.totp_last_step = step
            return True
    return False


def _accept_recovery_code(staff: StaffUser, code: str, now: datetime) -> bool:
    typed = normalise_recovery_code(code)
    if not typed:
        return False
    for stored in staff.recovery_codes:
        if stored.used_at is None and _matches(stored.code_hash, typed):
            stored.used_at = now
            return True
    return False


def _matches(code_hash: str, typed: str) -> bool:
    try:
        return _recovery_hasher.verify(code_hash, typed)
    except (VerificationError, InvalidHashError):
        return False


def check_code(staff: StaffUser, code: str, now: datetime | None = None) -> bool:
    """Check a six-digit code or a recovery code; the caller holds the write lock and commits.

    A wrong code counts like a wrong password: after MAX_FAILED_LOGINS the account pauses.
    """
    now = now or datetime.now(UTC)
    if staff.locked_until is not None and staff.locked_until > now:
        return False
    if staff.totp_secret_encrypted is None:
        ok = False
    elif looks_like_totp(code):
        ok = _accept_totp(staff, code, now)
    else:
        ok = staff.has_second_factor and _accept_recovery_code(staff, code, now)
    if ok:
        staff.failed_logins = 0
        return True
    staff.failed_logins += 1
    if staff.failed_logins >= MAX_FAILED_LOGINS:
        staff.locked_until = now + LOCKOUT
        staff.failed_logins = 0
    return False


def confirm_enrolment(session: Session, staff: StaffUser, now: datetime | None = None) -> list[str]:
    """The first code was right: the factor is in use. Return ten fresh recovery codes."""
    staff.totp_confirmed_at = now or datetime.now(UTC)
    return replace_recovery_codes(session, staff)


def replace_recovery_codes(session: Session, staff: StaffUser) -> list[str]:
    """Ten new codes; the old ones stop working. Only the hashes are stored."""
    staff.recovery_codes.clear()
    codes = new_recovery_codes()
    for code in codes:
        staff.recovery_codes.append(
            RecoveryCode(code_hash=_recovery_hasher.hash(normalise_recovery_code(code)))
        )
    session.flush()
    return codes


def unused_recovery_codes(staff: StaffUser) -> int:
    return sum(1 for code in staff.recovery_codes if code.used_at is None)


def reset(staff: StaffUser) -> None:
    """An admin's reset: the factor and its recovery codes go, and every session ends.

    The next sign-in enrols anew (where the policy requires a second factor).
    """
    staff.totp_secret_encrypted = None
    staff.totp_confirmed_at = None
    staff.totp_last_step = None
    staff.recovery_codes.clear()
    staff.session_nonce = secrets.token_hex(16)
