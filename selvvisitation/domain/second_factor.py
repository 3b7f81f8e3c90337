"""Staff's second factor: who must have one, and the recovery codes' form (issue 15, High 2).

Staff read health information and CPR numbers, so OWASP ASVS 4.0.3 level 2 (V2.2,
V2.7, V2.8) asks for more than a password. Each municipality's policy names the roles
that must use a second factor; by default those who see across the whole municipality
(visitators, administrators, supervisors). Team leaders and home-care workers may
enrol, and must when their municipality turns it on.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from selvvisitation.domain.types import StaffRole

DEFAULT_REQUIRED_ROLES: tuple[str, ...] = (
    StaffRole.VISITATOR.value,
    StaffRole.MUNICIPALITY_ADMIN.value,
    StaffRole.SUPERVISOR.value,
)

RECOVERY_CODE_COUNT = 10
# Crockford-like alphabet without 0/O, 1/I/L: easy to read from paper and type.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECOVERY_CODE_LENGTH = 10  # 31**10: about 49 bits each, and each works once


def default_required_roles() -> list[str]:
    """A fresh list for a new municipality's policy (a column default, never shared)."""
    return list(DEFAULT_REQUIRED_ROLES)


def is_required(role: StaffRole | str, required_roles: Iterable[str] | None) -> bool:
    """Whether the role must sign in with a second factor; no policy: the defaults."""
    roles = DEFAULT_REQUIRED_ROLES if required_roles is None else tuple(required_roles)
    return StaffRole(role).value in roles


def new_recovery_codes() -> list[str]:
    """Ten fresh recovery codes, shown as two groups of five: ABCDE-FGHJK."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalise_recovery_code(text: str) -> str:
    """The code as stored: upper case, without spaces and dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def looks_like_totp(text: str) -> bool:
    digits = "".join(text.split())
    return len(digits) == 6 and digits.isascii() and digits.isdigit()


def required_roles_from(chosen: Iterable[str]) -> list[str]:
    """The roles ticked, as stored: known roles only, each once, in StaffRole's order."""
    ticked = set(chosen)
    return [role.value for role in StaffRole if role.value in ticked]


@dataclass(frozen=True)
class RolePolicyChange:
    """What a new list of roles changes: roles that must now use a second factor, and
    roles that no longer must (users who have one keep being asked for it)."""

    added: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.removed)


def role_policy_change(current: Iterable[str], proposed: Iterable[str]) -> RolePolicyChange:
    before, after = required_roles_from(current), required_roles_from(proposed)
    return RolePolicyChange(
        added=tuple(role for role in after if role not in before),
        removed=tuple(role for role in before if role not in after),
    )
