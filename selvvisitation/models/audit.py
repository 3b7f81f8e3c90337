"""The append-only audit log: who read or changed what, for whom, why and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from selvvisitation.domain.types import ActorKind
from selvvisitation.extensions import Model
from selvvisitation.models.base import UTCDateTime, enum_column, utcnow


class AuditLogImmutableError(RuntimeError):
    """An audit entry was about to be changed or deleted."""


class AuditEntry(Model):
    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_citizen_at", "citizen_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind))
    # The ids of who acted and for whom, without foreign keys (migration 0004, issue 17):
    # an entry is written by the app for people it has just read, and a key made every
    # read entry look each of them up and lock her row (FOR KEY SHARE) on PostgreSQL:
    # some 0.3 ms of the database's CPU for a day list of 8 citizens, and a lock on the
    # same worker's row from every request she has in flight. The log records, it does
    # not hold the rows it names.
    actor_staff_id: Mapped[int | None] = mapped_column()
    actor_relative_id: Mapped[int | None] = mapped_column()
    actor_citizen_id: Mapped[int | None] = mapped_column()
    actor_role: Mapped[str] = mapped_column(sa.String(40), default="")
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    # The citizen whose information was read or changed (on whose behalf).
    citizen_id: Mapped[int | None] = mapped_column()
    action: Mapped[str] = mapped_column(sa.String(40))  # read, create, update, …
    object_type: Mapped[str] = mapped_column(sa.String(60), default="")
    object_id: Mapped[str] = mapped_column(sa.String(60), default="")
    purpose: Mapped[str] = mapped_column(sa.String(200), default="")
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)


@event.listens_for(Session, "before_flush")
def _audit_is_append_only(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogImmutableError("audit entries are append-only")
