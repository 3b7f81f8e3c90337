"""Hvem har kigget på mine oplysninger: the citizen's access log, like sundhed.dk's Min log.

Issue 6: date, purpose in plain words, role and organisation; staff names only
when the municipality's policy says so (MunicipalityPolicy.show_staff_names_in_access_log).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from selvvisitation.citizen.views import blueprint
from selvvisitation.domain.types import ActorKind
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, Citizen, StaffUser
from selvvisitation.security import audit
from selvvisitation.security.access import CITIZEN_SEE, allow, current_actor
from selvvisitation.services.dialogue_context import names_given

PAGE_SIZE = 50


@dataclass(frozen=True)
class AccessLine:
    at: datetime
    purpose: str
    role: str
    organisation: str
    name: str | None  # staff names only where the municipality shows them


def access_log(
    session: Session, citizen: Citizen, *, page: int = 1, show_staff_names: bool = False
) -> tuple[list[AccessLine], int]:
    """Others' reads and changes of this citizen's information, newest first."""
    about_citizen = (
        AuditEntry.citizen_id == citizen.id,
        # The citizen's own actions are not "someone looked at me".
        AuditEntry.actor_kind != ActorKind.CITIZEN,
    )
    total = session.scalar(select(func.count(AuditEntry.id)).where(*about_citizen)) or 0
    rows = session.execute(
        select(AuditEntry, StaffUser.name)
        .where(*about_citizen)
        .outerjoin(StaffUser, StaffUser.id == AuditEntry.actor_staff_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    # A relative under the name the citizen gave them, never another citizen's (High 1).
    relative_names = names_given(citizen)
    lines = []
    for entry, staff_name in rows:
        name = None
        if entry.actor_kind == ActorKind.RELATIVE:
            name = relative_names.get(entry.actor_relative_id or 0)
        if entry.actor_kind == ActorKind.STAFF and show_staff_names:
            name = staff_name
        lines.append(
            AccessLine(
                at=entry.at,
                purpose=audit.describe_purpose(entry.purpose, entry.action),
                role=audit.role_name(entry.actor_role),
                organisation=entry.organisation,
                name=name,
            )
        )
    return lines, total


@blueprint.route("/hvem-har-kigget")
@allow(CITIZEN_SEE)
def access_log_page() -> str:
    actor = current_actor()
    citizen = actor.subject
    page = request.args.get("side", 1, type=int) or 1
    page = max(1, min(page, 10_000))
    policy = citizen.municipality.policy
    lines, total = access_log(
        db.session(),
        citizen,
        page=page,
        show_staff_names=bool(policy and policy.show_staff_names_in_access_log),
    )
    if actor.relative is not None:
        audit.record("read", citizen=citizen, object_type="access_log", purpose="access_log")
    return render_template(
        "citizen/access_log.html",
        citizen=citizen,
        lines=lines,
        page=page,
        has_next=page * PAGE_SIZE < total,
        total=total,
    )
