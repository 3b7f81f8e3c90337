"""The municipality's second-factor policy: which staff roles sign in with a code
(issue 15, High 2; ASVS V2.2.3). Shown before it is saved; saved in one transaction
with its audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from selvvisitation.domain.second_factor import (
    DEFAULT_REQUIRED_ROLES,
    RolePolicyChange,
    required_roles_from,
    role_policy_change,
)
from selvvisitation.models import Municipality, MunicipalityPolicy, StaffUser
from selvvisitation.security import audit
from selvvisitation.security.locking import lock_for_write


def required_roles(municipality: Municipality) -> list[str]:
    """The roles that must use a second factor now (no policy row: the defaults)."""
    policy = municipality.policy
    roles = policy.second_factor_roles if policy is not None else DEFAULT_REQUIRED_ROLES
    return required_roles_from(roles)


@dataclass(frozen=True)
class RolePolicyEffect:
    change: RolePolicyChange
    # Active users in a newly required role without a second factor: each is asked to set
    # one up at the next sign-in, before she gets in (auth.second_factor.asked_at_sign_in).
    to_enrol: int
    # The admin herself must use a second factor under the new list and has none yet.
    admin_must_enrol: bool


def effect_of(
    session: Session, municipality: Municipality, admin: StaffUser, proposed: list[str]
) -> RolePolicyEffect:
    change = role_policy_change(required_roles(municipality), proposed)
    to_enrol = 0
    if change.added:
        to_enrol = (
            session.scalar(
                select(func.count())
                .select_from(StaffUser)
                .where(
                    StaffUser.municipality_id == municipality.id,
                    StaffUser.active.is_(True),
                    StaffUser.role.in_(change.added),
                    StaffUser.totp_confirmed_at.is_(None),
                )
            )
            or 0
        )
    return RolePolicyEffect(
        change=change,
        to_enrol=to_enrol,
        admin_must_enrol=admin.role.value in proposed and not admin.has_second_factor,
    )


def save_second_factor_roles(
    session: Session, municipality: Municipality, proposed: list[str], actor: Any
) -> RolePolicyChange:
    """Store the new list with its audit entry and commit; nothing changes if it is the same."""
    lock_for_write(session)
    session.refresh(municipality)
    current = required_roles(municipality)
    new = required_roles_from(proposed)
    change = role_policy_change(current, new)
    if not change.changes_anything:
        session.rollback()
        return change
    row = municipality.policy or MunicipalityPolicy(municipality=municipality)
    row.second_factor_roles = new
    session.add(row)
    audit.record(
        "update",
        object_type="municipality_policy",
        object_id=municipality.id,
        purpose="policy",
        detail={"changes": {"second_factor_roles": [current, new]}},
        actor=actor,
    )
    session.commit()
    return change
