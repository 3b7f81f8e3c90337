"""The municipality admin's changes: catalogue, providers, teams and staff users.

Everything is scoped to one municipality: lookups by id return None for another
municipality's rows, so a view answers 404 without saying the row exists.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from selvvisitation.domain.types import StaffRole
from selvvisitation.models import AuditEntry, Provider, Service, StaffUser, Team
from selvvisitation.security.passwords import hash_password


def service_of(session: Session, municipality_id: int, service_id: int) -> Service | None:
    service = session.get(Service, service_id)
    return service if service is not None and service.municipality_id == municipality_id else None


def provider_of(session: Session, municipality_id: int, provider_id: int) -> Provider | None:
    provider = session.get(Provider, provider_id)
    ok = provider is not None and provider.municipality_id == municipality_id
    return provider if ok else None


def team_of(session: Session, municipality_id: int, team_id: int) -> Team | None:
    team = session.get(Team, team_id)
    ok = team is not None and team.provider.municipality_id == municipality_id
    return team if ok else None


def staff_of(session: Session, municipality_id: int, staff_id: int) -> StaffUser | None:
    staff = session.get(StaffUser, staff_id)
    return staff if staff is not None and staff.municipality_id == municipality_id else None


def teams_in(session: Session, municipality_id: int) -> list[Team]:
    return list(
        session.scalars(
            select(Team)
            .join(Provider)
            .where(Provider.municipality_id == municipality_id)
            .order_by(Provider.name, Team.name)
        )
    )


def code_taken(session: Session, municipality_id: int, code: str, but: int | None = None) -> bool:
    query = (
        select(func.count())
        .select_from(Service)
        .where(Service.municipality_id == municipality_id, func.lower(Service.code) == code.lower())
    )
    if but is not None:
        query = query.where(Service.id != but)
    return bool(session.scalar(query))


def normal_username(username: str) -> str:
    """Usernames are kept trimmed and lower-case; sign-in compares the same way."""
    return username.strip().lower()


def username_taken(
    session: Session, municipality_id: int, username: str, but: int | None = None
) -> bool:
    """In use in this municipality: another municipality's usernames are never looked at,
    so the answer reveals nothing about them (issue 15, Low 12)."""
    query = (
        select(func.count())
        .select_from(StaffUser)
        .where(
            StaffUser.municipality_id == municipality_id,
            StaffUser.username == normal_username(username),
        )
    )
    if but is not None:
        query = query.where(StaffUser.id != but)
    return bool(session.scalar(query))


ROLE_CHANGES_SHOWN = 10


def recent_role_changes(
    session: Session, municipality_id: int, limit: int = ROLE_CHANGES_SHOWN
) -> list[AuditEntry]:
    """The latest roles given or changed by the municipality's admins, newest first: each
    admin sees what the others did (issue 15, Low 13)."""
    return list(
        session.scalars(
            select(AuditEntry)
            .join(StaffUser, AuditEntry.actor_staff_id == StaffUser.id)
            .where(
                StaffUser.municipality_id == municipality_id,
                AuditEntry.object_type == "staff_user",
                AuditEntry.action == "role_changed",
            )
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )


def lines(text: str | None) -> list[str]:
    """Synonyms typed one per line (or comma-separated), trimmed, without blanks or repeats."""
    words: list[str] = []
    for part in (text or "").replace(",", "\n").splitlines():
        word = part.strip()
        if word and word not in words:
            words.append(word)
    return words


SERVICE_FIELDS = (
    "code",
    "fsiii_code",
    "name_da",
    "name_en",
    "category",
    "swappable",
    "flexible_only",
    "within_service_level",
    "default_minutes",
    "description_da",
    "description_en",
    "active",
)


def apply_service(service: Service, data: dict[str, Any]) -> dict[str, Any]:
    """Set the service's fields from the form; return what changed, for the audit log."""
    changes: dict[str, Any] = {}
    values = {name: data[name] for name in SERVICE_FIELDS}
    values["code"] = values["code"].strip()
    values["fsiii_code"] = (values["fsiii_code"] or "").strip() or None
    values["synonyms_da"] = lines(data["synonyms_da"])
    values["synonyms_en"] = lines(data["synonyms_en"])
    for name, value in values.items():
        old = getattr(service, name, None)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(service, name, value)
    # Minutes entered by the municipality are its own, no longer demo placeholders.
    if "default_minutes" in changes:
        service.minutes_are_placeholder = False
    return changes


def create_staff(
    session: Session,
    *,
    municipality_id: int,
    username: str,
    name: str,
    role: StaffRole,
    team: Team | None,
    password: str,
) -> StaffUser:
    staff = StaffUser(
        municipality_id=municipality_id,
        username=normal_username(username),
        name=name.strip(),
        role=role,
        team=team,
        provider=team.provider if team else None,
        password_hash=hash_password(password),
        session_nonce=secrets.token_hex(16),
    )
    session.add(staff)
    return staff


def update_staff(
    staff: StaffUser,
    *,
    username: str,
    name: str,
    role: StaffRole,
    team: Team | None,
    password: str | None,
) -> bool:
    """Change a user; a new password only when one is given (an empty field keeps the old).

    A new password ends every session of the user (issue 15, Medium 4; ASVS V3.3.3): all
    of them carry the nonce rotated here. Return whether the password was changed.
    """
    staff.username = normal_username(username)
    staff.name = name.strip()
    staff.role = role
    staff.team = team
    staff.provider = team.provider if team else None
    if not password:
        return False
    staff.password_hash = hash_password(password)
    staff.session_nonce = secrets.token_hex(16)
    staff.failed_logins = 0
    staff.locked_until = None
    return True


def deactivate(staff: StaffUser) -> None:
    """Never deleted: the audit log and the decisions name them. Sessions end at once."""
    staff.active = False
    staff.session_nonce = secrets.token_hex(16)


def reactivate(staff: StaffUser) -> None:
    """Let a deactivated user sign in again with their password, from a clean slate.

    Failed sign-ins from before (perhaps someone trying the unused account) are
    forgotten, so the user is not locked out on the first attempt.
    """
    staff.active = True
    staff.failed_logins = 0
    staff.locked_until = None
