"""Flags, cases for the visitators, reassessment requests and staff reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selvvisitation.domain.types import (
    ActorKind,
    CaseKind,
    CaseStatus,
    FlagRule,
    FlagStatus,
    ReassessmentReason,
)
from selvvisitation.extensions import db
from selvvisitation.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from selvvisitation.models.catalogue import Service
    from selvvisitation.models.citizen import Citizen
    from selvvisitation.models.users import StaffUser


class Case(db.Model):
    __tablename__ = "case"
    __table_args__ = (
        sa.Index("ix_case_queue", "municipality_id", "status", "deadline"),
        # The visitators' work queue: open cases in queue order, read page by page with
        # keyset paging, so the first and the hundredth page cost the same (issue 5).
        sa.Index(
            "ix_case_open_queue",
            "municipality_id",
            "priority",
            "deadline",
            "id",
            sqlite_where=sa.text("status <> 'closed'"),
            postgresql_where=sa.text("status <> 'closed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"))
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    kind: Mapped[CaseKind] = mapped_column(enum_column(CaseKind))
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus), default=CaseStatus.OPEN)
    priority: Mapped[int] = mapped_column(default=2)  # 1 high, 2 normal, 3 low
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[date | None]  # counted in working days (hverdage)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    assigned_to_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))

    citizen: Mapped[Citizen] = relationship()
    assigned_to: Mapped[StaffUser | None] = relationship()
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", cascade="all", order_by="CaseEvent.at"
    )
    flags: Mapped[list[Flag]] = relationship(back_populates="case")


class CaseEvent(db.Model):
    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind))
    actor_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    actor_relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"))
    kind: Mapped[str] = mapped_column(sa.String(40))  # opened, dismissed, decision_changed, …
    text: Mapped[str] = mapped_column(sa.Text, default="")
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="events")


class Flag(db.Model):
    """A reason to look again at a citizen's decision (rule 7; seed 003).

    Never deleted: a flag that no longer holds is closed with its reason; one a
    visitator dismissed stays dismissed, and only later evidence raises it again.
    """

    __tablename__ = "flag"
    __table_args__ = (
        # At most one open flag per citizen and finding key: evaluation is idempotent.
        sa.Index(
            "uq_flag_open_key",
            "citizen_id",
            "key",
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    rule: Mapped[FlagRule] = mapped_column(enum_column(FlagRule))
    key: Mapped[str] = mapped_column(sa.String(120))
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service.id"))
    status: Mapped[FlagStatus] = mapped_column(enum_column(FlagStatus), default=FlagStatus.OPEN)
    period_start: Mapped[date]
    period_end: Mapped[date]
    evidence: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_reason: Mapped[str] = mapped_column(sa.Text, default="")
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismissed_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    dismissed_reason: Mapped[str] = mapped_column(sa.Text, default="")
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id"), index=True)

    citizen: Mapped[Citizen] = relationship()
    service: Mapped[Service | None] = relationship()
    case: Mapped[Case | None] = relationship(back_populates="flags")


class ReassessmentRequest(db.Model):
    """A request for revisitation from the citizen, a relative (FSIII A2) or home care (A4)."""

    __tablename__ = "reassessment_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id"), index=True)
    reason: Mapped[ReassessmentReason] = mapped_column(enum_column(ReassessmentReason))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    relative_participates: Mapped[bool] = mapped_column(default=False)
    preferred_time: Mapped[str] = mapped_column(sa.String(200), default="")
    fsiii_code: Mapped[str | None] = mapped_column(sa.String(10))
    requested_by_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind))
    requested_by_relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"))
    requested_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submission_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    citizen: Mapped[Citizen] = relationship()
    case: Mapped[Case | None] = relationship()


class StaffReport(db.Model):
    """A provider's report of changed need (000, 002, 003): worse or better."""

    __tablename__ = "staff_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id"), index=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_user.id"))
    direction: Mapped[str] = mapped_column(sa.String(10))  # worse / better
    # Events to phone in at once (000): serious_failure, abuse, hospital, accident.
    urgent_event: Mapped[str | None] = mapped_column(sa.String(30))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    citizen: Mapped[Citizen] = relationship()
    case: Mapped[Case | None] = relationship()
