"""The municipality admin's changes: rules, catalogue, providers, teams and staff users.

Everything is scoped to one municipality: lookups by id return None for another
municipality's rows, so a view answers 404 without saying the row exists.

Each admin action is one service function and one transaction (issue 16; cosmicpython's
unit of work, services.transaction.one_transaction): it writes the change and its audit
entry and commits, or on any error rolls all of it back. The view checks the form, makes
one call, and redirects or renders.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from selvvisitation.auth import second_factor
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.policy_edit import EDITABLE, stored_references
from selvvisitation.domain.policy_edit import changes as policy_changes
from selvvisitation.domain.types import ActorKind, ProviderKind, StaffRole
from selvvisitation.models import (
    AuditEntry,
    Citizen,
    MunicipalityPolicy,
    Provider,
    Service,
    StaffUser,
    Team,
)
from selvvisitation.security import audit
from selvvisitation.security.access import Actor
from selvvisitation.security.locking import lock_for_write
from selvvisitation.security.passwords import hash_password
from selvvisitation.services.adapters import policy_for
from selvvisitation.services.policy_preview import PolicyPreview, preview
from selvvisitation.services.transaction import one_transaction


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


# The actions: one transaction each, with its audit entry (the acting admin named).


def record_by(
    admin: StaffUser,
    action: str,
    object_type: str,
    object_id: object,
    purpose: str,
    citizen: Citizen | None = None,
    **detail: Any,
) -> None:
    """Add the audit entry of the admin's action to its transaction, in her name (as
    current_actor() is in her request)."""
    audit.record(
        action,
        citizen=citizen,
        object_type=object_type,
        object_id=object_id,
        purpose=purpose,
        detail=detail,
        actor=Actor(kind=ActorKind.STAFF, staff=admin),
    )


def save_policy(session: Session, admin: StaffUser, proposed: Policy) -> dict[str, list[str]]:
    """Store the rules the admin previewed for her municipality, with the audit entry of
    what changed, and commit: all of it or nothing.

    Under the write lock the current rules are read again, so the audit entry compares
    with what is replaced, even if another admin saved meanwhile. Returns the changes."""
    with one_transaction(session):
        lock_for_write(session)
        municipality = admin.municipality
        current = policy_for(municipality)
        row = municipality.policy or MunicipalityPolicy(municipality=municipality)
        for name in EDITABLE:
            setattr(row, name, getattr(proposed, name))
        row.legal_references = stored_references(proposed.legal_references)
        session.add(row)
        changed = policy_changes(current, proposed)
        record_by(
            admin,
            "update",
            "municipality_policy",
            municipality.id,
            "policy",
            changes=changed,
        )
    return changed


def preview_policy(
    session: Session, admin: StaffUser, current: Policy, proposed: Policy
) -> PolicyPreview:
    """What the proposed rules would flag (policy_preview.preview), changing nothing but
    the log: the citizens it names are shown, so each gets a read entry on her "Hvem har
    kigget" (issue 15), committed with the preview."""
    with one_transaction(session):
        effect = preview(session, admin.municipality, current, proposed)
        for citizen in (*effect.newly_flagged, *effect.no_longer_flagged):
            record_by(admin, "read", "policy_preview", "", "policy_preview", citizen=citizen)
    return effect


def save_service(
    session: Session, admin: StaffUser, service: Service | None, data: dict[str, Any]
) -> Service:
    """Add a service to the admin's catalogue (``service`` None) or change one, with the
    audit entry of what changed; one transaction. The view has checked the code is free."""
    action = "create" if service is None else "update"
    if service is None:
        service = Service(municipality_id=admin.municipality_id)
    with one_transaction(session):
        changed = apply_service(service, data)
        session.add(service)
        session.flush()
        record_by(admin, action, "service", service.id, "catalogue", changes=changed)
    return service


def save_provider(
    session: Session,
    admin: StaffUser,
    provider: Provider | None,
    *,
    name: str,
    kind: ProviderKind,
    phone: str | None,
    offers_personal_care: bool,
    offers_practical_help: bool,
) -> Provider:
    """Add a provider to the admin's municipality (``provider`` None) or change one,
    audited; one transaction."""
    action = "create" if provider is None else "update"
    if provider is None:
        provider = Provider(municipality_id=admin.municipality_id)
    with one_transaction(session):
        provider.name = name
        provider.kind = kind
        provider.phone = (phone or "").strip() or None
        provider.offers_personal_care = offers_personal_care
        provider.offers_practical_help = offers_practical_help
        session.add(provider)
        session.flush()
        record_by(admin, action, "provider", provider.id, "organisation")
    return provider


def add_team(session: Session, admin: StaffUser, provider: Provider, name: str) -> Team:
    """A new team at the provider, audited; one transaction."""
    with one_transaction(session):
        team = Team(provider=provider, name=name.strip())
        session.add(team)
        session.flush()
        record_by(admin, "create", "team", team.id, "organisation")
    return team


def save_team(
    session: Session, admin: StaffUser, team: Team, *, name: str, phone: str | None
) -> Team:
    """The team's name and phone number, audited; one transaction."""
    with one_transaction(session):
        team.name = name.strip()
        team.phone = (phone or "").strip() or None
        record_by(admin, "update", "team", team.id, "organisation")
    return team


def add_user(
    session: Session,
    admin: StaffUser,
    *,
    username: str,
    name: str,
    role: StaffRole,
    team: Team | None,
    password: str,
) -> StaffUser:
    """A new staff user of the admin's municipality, with the audit entries of the user and
    of the role given; one transaction. The view has checked the username is free."""
    with one_transaction(session):
        staff = create_staff(
            session,
            municipality_id=admin.municipality_id,
            username=username,
            name=name,
            role=role,
            team=team,
            password=password,
        )
        session.flush()
        record_by(admin, "create", "staff_user", staff.id, "staff_users", role=staff.role.value)
        _audit_role_change(admin, staff, None)
    return staff


def save_user(
    session: Session,
    admin: StaffUser,
    staff: StaffUser,
    *,
    username: str,
    name: str,
    role: StaffRole,
    team: Team | None,
    password: str | None,
) -> bool:
    """Change a user (update_staff), with the audit entries of the change, of a new role
    and of a new password; one transaction. Returns whether the password was changed (the
    user's sessions then end: the admin's own goes on, the view starts it afresh)."""
    with one_transaction(session):
        old_role = staff.role
        password_changed = update_staff(
            staff, username=username, name=name, role=role, team=team, password=password
        )
        record_by(admin, "update", "staff_user", staff.id, "staff_users", role=staff.role.value)
        if staff.role != old_role:
            _audit_role_change(admin, staff, old_role)
        if password_changed:
            _audit_sign_in_change(admin, "password_changed", staff)
    return password_changed


def set_active(session: Session, admin: StaffUser, staff: StaffUser, active: bool) -> None:
    """Deactivate (never delete; sessions end) or reactivate the user, audited; one
    transaction."""
    with one_transaction(session):
        (reactivate if active else deactivate)(staff)
        record_by(admin, "update", "staff_user", staff.id, "staff_users", active=active)


def reset_user_second_factor(session: Session, admin: StaffUser, staff: StaffUser) -> None:
    """An admin's reset of the user's TOTP and recovery codes, which ends the user's
    sessions, audited; one transaction. The view offers it only for another user."""
    with one_transaction(session):
        second_factor.reset(staff)
        _audit_sign_in_change(admin, "second_factor_reset", staff)


def _audit_role_change(admin: StaffUser, staff: StaffUser, old_role: StaffRole | None) -> None:
    """A role given or changed: shown to the other admins on the users page."""
    # A dict, as "from" cannot be a keyword; its values are record_by's **detail (Any).
    detail: dict[str, Any] = {
        "from": old_role.value if old_role else None,
        "to": staff.role.value,
        "by": admin.username,
    }
    record_by(
        admin,
        "role_changed",
        "staff_user",
        staff.id,
        "staff_users",
        **detail,
    )


def _audit_sign_in_change(admin: StaffUser, action: str, staff: StaffUser) -> None:
    """A new password or a reset second factor: who did it; the user's sessions ended."""
    record_by(
        admin,
        action,
        "staff_user",
        staff.id,
        "staff_users",
        by=admin.username,
        sessions_ended=True,
    )
