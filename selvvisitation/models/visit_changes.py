"""Cancelled and moved visits, move requests, the citizen's last look at her calendar and
her calendar feeds (issue 14; seed 002's quality standards)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selvvisitation.domain.types import (
    ActorKind,
    CancelReason,
    MoveRequestStatus,
    VisitChangeKind,
)
from selvvisitation.extensions import Model
from selvvisitation.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from selvvisitation.models.citizen import Citizen, Relative
    from selvvisitation.models.users import StaffUser
    from selvvisitation.models.visits import Visit


class VisitChange(Model):
    """A visit cancelled or moved, by the citizen's side or by the provider (002)."""

    __tablename__ = "visit_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    kind: Mapped[VisitChangeKind] = mapped_column(enum_column(VisitChangeKind))
    by_provider: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[CancelReason | None] = mapped_column(enum_column(CancelReason))
    reason_text: Mapped[str] = mapped_column(sa.Text, default="")
    old_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    old_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    new_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 002: the citizen must be told (a move > 30 min of personal care, a delay > 1 hour of
    # practical help, a provider's cancellation). The notification itself is wired later.
    notice_due: Mapped[bool] = mapped_column(default=False)
    # 002, Praktiske opgaver: a provider's cancellation gives a replacement within 1 week.
    replacement_visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visit.id"))
    replacement_due: Mapped[date | None]
    # Set by the nightly evaluation when the week passed without a delivered replacement:
    # the team leader's flag.
    replacement_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind))
    created_by_relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"))
    created_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship(foreign_keys=[visit_id])
    citizen: Mapped[Citizen] = relationship()
    replacement_visit: Mapped[Visit | None] = relationship(foreign_keys=[replacement_visit_id])
    created_by_relative: Mapped[Relative | None] = relationship()
    created_by_staff: Mapped[StaffUser | None] = relationship()


class MoveRequest(Model):
    """The citizen asks to move a visit; the team answers (002: agreed between them)."""

    __tablename__ = "visit_move_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    wish: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[MoveRequestStatus] = mapped_column(
        enum_column(MoveRequestStatus), default=MoveRequestStatus.REQUESTED
    )
    answer_text: Mapped[str] = mapped_column(sa.Text, default="")
    new_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind))
    created_by_relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))

    visit: Mapped[Visit] = relationship()
    citizen: Mapped[Citizen] = relationship()
    created_by_relative: Mapped[Relative | None] = relationship()


class CalendarLook(Model):
    """When the citizen (relative_id None) or one relative last looked at the calendar."""

    __tablename__ = "calendar_look"
    __table_args__ = (sa.Index("ix_calendar_look_reader", "citizen_id", "relative_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"))
    relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"))
    looked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarFeed(Model):
    """A personal, secret, revocable iCalendar link: only the token's hash is stored."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    citizen: Mapped[Citizen] = relationship()
