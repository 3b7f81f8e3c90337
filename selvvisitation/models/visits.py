"""Planned visits generated from the decision, and what was actually delivered."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from selvvisitation.domain.types import ElementOutcome, VisitServiceOutcome
from selvvisitation.extensions import Model
from selvvisitation.models.base import UTCDateTime, enum_column

if TYPE_CHECKING:
    from selvvisitation.models.catalogue import Service
    from selvvisitation.models.citizen import Citizen
    from selvvisitation.models.decision import GrantedService
    from selvvisitation.models.organisation import Team
    from selvvisitation.models.programme import CareProgrammeElement
    from selvvisitation.models.swaps import SwapRequest
    from selvvisitation.models.users import StaffUser
    from selvvisitation.models.visit_changes import MoveRequest, VisitChange


class Visit(Model):
    __tablename__ = "visit"
    __table_args__ = (
        sa.Index("ix_visit_team_day", "team_id", "day"),
        sa.Index("ix_visit_citizen_day", "citizen_id", "day"),
        # The flag evaluation reads a window of days for the whole municipality (90 days
        # for deselections, 13 weeks for time deviations; services.flags): its queries
        # filter on the day, and on the citizen only through "of this municipality", so
        # neither index above serves them. On the day alone, the window is one range of
        # the index however long the history grows (issue 17).
        sa.Index("ix_visit_day", "day"),
        # The care record system's visit id: the natural key of docs/import-format.md.
        sa.UniqueConstraint("citizen_id", "external_id", name="uq_visit_external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"))
    external_id: Mapped[str | None] = mapped_column(sa.String(64))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("team.id"))
    day: Mapped[date]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    time_of_day: Mapped[str] = mapped_column(sa.String(20), default="morning")
    # The minutes of granted services planned for this visit: the visit's time frame.
    time_frame_minutes: Mapped[int] = mapped_column(default=0)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    cancelled: Mapped[bool] = mapped_column(default=False)
    # The worker planned to come (issue 14 and 12): shown to the citizen by first name only.
    planned_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    # An AEL visit records no minutes, unless the municipality turns on optional time
    # (MunicipalityPolicy.ael_optional_minutes; DOMAIN.md "Ældreloven").
    recorded_minutes: Mapped[int | None]

    citizen: Mapped[Citizen] = relationship()
    team: Mapped[Team | None] = relationship()
    planned_staff: Mapped[StaffUser | None] = relationship(foreign_keys=[planned_staff_id])
    services: Mapped[list[VisitService]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="VisitService.id"
    )
    # An AEL visit's lines: elements of the forløb, no minutes (DOMAIN.md "Ældreloven").
    elements: Mapped[list[VisitElement]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="VisitElement.id"
    )
    # Read with the visit on the team's lists, in the same query (issue 17); written through
    # VisitChange and MoveRequest themselves, oldest first.
    changes: Mapped[list[VisitChange]] = relationship(
        foreign_keys="VisitChange.visit_id",
        viewonly=True,
        order_by="[VisitChange.created_at, VisitChange.id]",
    )
    move_requests: Mapped[list[MoveRequest]] = relationship(
        viewonly=True, order_by="[MoveRequest.created_at, MoveRequest.id]"
    )

    @property
    def is_recorded(self) -> bool:
        return self.recorded_at is not None


class VisitService(Model):
    """One service at one visit: planned minutes, and what was delivered."""

    __tablename__ = "visit_service"
    __table_args__ = (sa.Index("ix_visit_service_service_outcome", "service_id", "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    # The visit's day, copied onto each line (issue 17). The flag rules read the lines of a
    # window of days for the whole municipality; with the day on the line, its index reads
    # only the window however long the history grows, where a join through visit read every
    # line ever recorded. It is also the key the table would be partitioned by
    # (docs/deployment.md). Kept equal to visit.day by the ORM: lines_carry_their_visit_day.
    day: Mapped[date] = mapped_column(index=True)
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service.id"))
    free_text: Mapped[str | None] = mapped_column(sa.String(200))  # help outside the catalogue
    granted_service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("granted_service.id"))
    planned_minutes: Mapped[int] = mapped_column(default=0)
    delivered_minutes: Mapped[int | None]
    outcome: Mapped[VisitServiceOutcome] = mapped_column(
        enum_column(VisitServiceOutcome), default=VisitServiceOutcome.PLANNED
    )
    swap_id: Mapped[int | None] = mapped_column(sa.ForeignKey("swap_request.id"))

    visit: Mapped[Visit] = relationship(back_populates="services")
    service: Mapped[Service | None] = relationship()
    granted_service: Mapped[GrantedService | None] = relationship()
    swap: Mapped[SwapRequest | None] = relationship()


class VisitElement(Model):
    """One element of the forløb planned at one AEL visit, and what became of it (no minutes)."""

    __tablename__ = "visit_element"
    __table_args__ = (sa.Index("ix_visit_element_element_outcome", "element_id", "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    element_id: Mapped[int] = mapped_column(sa.ForeignKey("care_programme_element.id"))
    outcome: Mapped[ElementOutcome] = mapped_column(
        enum_column(ElementOutcome), default=ElementOutcome.PLANNED
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")

    visit: Mapped[Visit] = relationship(back_populates="elements")
    element: Mapped[CareProgrammeElement] = relationship()


@event.listens_for(Session, "before_flush")
def lines_carry_their_visit_day(session: Session, _context: object, _instances: object) -> None:
    """Copy the visit's day onto its lines: a new line takes its visit's, and a visit
    moved to another day (services.visit_change_actions) moves its lines with it. Only new lines
    and moved visits are looked at, so recording a visit costs no extra statement."""
    with session.no_autoflush:
        for obj in session.new:
            if isinstance(obj, VisitService):
                visit = obj.visit or (session.get(Visit, obj.visit_id) if obj.visit_id else None)
                if visit is not None:
                    obj.day = visit.day
        for obj in session.dirty:
            if isinstance(obj, Visit) and sa.inspect(obj).attrs.day.history.has_changes():
                for line in obj.services:
                    line.day = obj.day
