"""The one audit helper: every read of a citizen's case by staff, every change by anyone.

`record(...)` adds an AuditEntry to the current transaction, so the entry is
committed with the change it logs, or not at all. `purpose` is a code from
PURPOSES (or a new code you add there): the citizen's page "Hvem har kigget på
mine oplysninger" turns it into plain words. The log is append-only: an ORM
guard (models.audit) refuses updates and deletes. A PostgreSQL trigger would
also stop raw SQL, but `make migration` regenerates the one migration from the
models and autogenerate does not carry triggers, so the ORM guard is the rule.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from selvvisitation.domain.types import ActorKind, StaffRole
from selvvisitation.extensions import db

# Why someone looked or changed something, in the words the citizen reads (Min log).
PURPOSES: dict[str, Any] = {
    "relative_view": _l("A relative you gave consent to looked at your help"),
    "own_request": _l("You asked for a change yourself"),
    "on_behalf_of_citizen": _l("A relative made a request for you"),
    "visit_list": _l("To plan the day's visits to you"),
    "record_visit": _l("To write down the help you got at a visit"),
    "swap_decision": _l("To answer your wish to swap help"),
    "case_handling": _l("To handle your case about your help"),
    "reassessment": _l("To look at your help again"),
    "tilsyn": _l("Supervision of the quality of home care"),
    "supervision": _l("Supervision of the quality of home care"),
    "data_export": _l("You downloaded your information"),
    "access_log": _l("A relative looked at who has seen your information"),
}
_BY_ACTION: dict[str, Any] = {
    "read": _l("Looked at your information"),
    "create": _l("Added information about you"),
    "update": _l("Changed information about you"),
    "delete": _l("Removed information about you"),
}
ROLE_NAMES: dict[str, Any] = {
    StaffRole.HOME_CARE_WORKER.value: _l("Home-care worker"),
    StaffRole.TEAM_LEADER.value: _l("Team leader"),
    StaffRole.VISITATOR.value: _l("Visitator"),
    StaffRole.MUNICIPALITY_ADMIN.value: _l("Administrator"),
    StaffRole.SUPERVISOR.value: _l("Supervisor"),
    ActorKind.RELATIVE.value: _l("Relative"),
    ActorKind.CITIZEN.value: _l("You"),
    ActorKind.SYSTEM.value: _l("The system"),
}


def describe_purpose(purpose: str, action: str) -> str:
    """The purpose in plain words; an unknown code falls back to what was done."""
    text = PURPOSES.get(purpose) or _BY_ACTION.get(action) or _BY_ACTION["read"]
    return str(text)


def role_name(role: str) -> str:
    return str(ROLE_NAMES.get(role, role))


def record(
    action: str,
    *,
    citizen: Any = None,
    object_type: str = "",
    object_id: Any = "",
    purpose: str = "",
    detail: dict | None = None,
    actor: Any = None,
) -> None:
    """Add an audit entry to the current transaction (committed with the change it logs)."""
    from selvvisitation.models import AuditEntry
    from selvvisitation.security.access import current_actor

    actor = actor or current_actor()
    staff = actor.staff
    organisation = ""
    if staff is not None:
        organisation = staff.provider.name if staff.provider else staff.municipality.name
    entry = AuditEntry(
        actor_kind=actor.kind or ActorKind.SYSTEM,
        actor_staff_id=staff.id if staff is not None else None,
        actor_relative_id=actor.relative.id if actor.relative is not None else None,
        actor_citizen_id=actor.citizen.id if actor.citizen is not None else None,
        actor_role=actor.role,
        organisation=organisation,
        citizen_id=citizen.id if citizen is not None else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        purpose=purpose,
        detail=detail or {},
    )
    db.session.add(entry)
