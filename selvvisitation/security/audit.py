"""The one audit helper: every read of a citizen's case by staff, every change by anyone."""

from __future__ import annotations

from typing import Any

from selvvisitation.domain.types import ActorKind
from selvvisitation.extensions import db


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
