"""Citizens' wishes: swaps under §94 a and plain preferences for their visits."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selvvisitation.domain.types import ActorKind, DeclineReason, LapseReason, SwapStatus
from selvvisitation.extensions import Model
from selvvisitation.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from selvvisitation.models.catalogue import Service
    from selvvisitation.models.citizen import Citizen, Relative
    from selvvisitation.models.visits import Visit


class SwapRequest(Model):
    """A citizen's swap for one coming visit, or a standing wish for a period."""

    __tablename__ = "swap_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)  # shown on the receipt
    # One submit, one record: a double-clicked form carries the same token twice.
    submission_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    # A standing swap's answer for one visit is a swap of its own for that visit; this says
    # which standing swap it answers, so that visit no longer shows the standing one as open.
    from_standing_id: Mapped[int | None] = mapped_column(sa.ForeignKey("swap_request.id"))
    status: Mapped[SwapStatus] = mapped_column(
        enum_column(SwapStatus), default=SwapStatus.REQUESTED
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind))
    created_by_relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"))
    created_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    # Rule 6 (§90): the citizen was told a dropped service cannot be demanded later.
    acknowledged_cannot_demand_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_kind: Mapped[ActorKind | None] = mapped_column(enum_column(ActorKind))
    # Rule 5: the worker's judgement on the day, recorded, never computed.
    # When a worker of the team first opened the visit with this swap on it: the citizen's
    # overview says "set af hjemmeplejen" (issue 12 item 2) until the worker answers.
    seen_by_worker_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    decline_reason: Mapped[DeclineReason | None] = mapped_column(enum_column(DeclineReason))
    decline_text: Mapped[str] = mapped_column(sa.Text, default="")
    # A changed decision re-planned the visit and the swap no longer fits (domain/replan.py).
    lapsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lapsed_reason: Mapped[LapseReason | None] = mapped_column(enum_column(LapseReason))
    lapsed_decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decision.id"))
    # Cancelled by the citizen or a relative before the worker acted (issue 12 item 2):
    # the status becomes WITHDRAWN; who and when are kept, nothing is deleted.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_kind: Mapped[ActorKind | None] = mapped_column(enum_column(ActorKind))
    withdrawn_by_relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"))

    citizen: Mapped[Citizen] = relationship()
    visit: Mapped[Visit | None] = relationship()
    created_by_relative: Mapped[Relative | None] = relationship(
        foreign_keys=[created_by_relative_id]
    )
    withdrawn_by_relative: Mapped[Relative | None] = relationship(
        foreign_keys=[withdrawn_by_relative_id]
    )
    lines: Mapped[list[SwapLine]] = relationship(
        back_populates="swap", cascade="all, delete-orphan", order_by="SwapLine.id"
    )

    @property
    def dropped(self) -> list[SwapLine]:
        return [line for line in self.lines if line.kind == "drop"]

    @property
    def added(self) -> list[SwapLine]:
        return [line for line in self.lines if line.kind == "add"]


class SwapLine(Model):
    __tablename__ = "swap_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    swap_id: Mapped[int] = mapped_column(
        sa.ForeignKey("swap_request.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(4))  # "drop" or "add"
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service.id"))
    free_text: Mapped[str | None] = mapped_column(sa.String(200))
    minutes: Mapped[int]

    swap: Mapped[SwapRequest] = relationship(back_populates="lines")
    service: Mapped[Service | None] = relationship()


class Wish(Model):
    """A wish for the visits that is not a swap: time, clothes, worker, habits."""

    __tablename__ = "wish"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Shown on the confirmation page (issue 12): "ONS-" and eight digits, like "PRI-".
    reference: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visit.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))  # time, clothing, worker, routine, other
    text: Mapped[str] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(default=True)
    seen_by_worker_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # as on a swap
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind))
    created_by_relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"))
    # Cancelled by the citizen or a relative (issue 12 item 2): no longer active, kept.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_kind: Mapped[ActorKind | None] = mapped_column(enum_column(ActorKind))
    withdrawn_by_relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"))

    citizen: Mapped[Citizen] = relationship()
    created_by_relative: Mapped[Relative | None] = relationship(
        foreign_keys=[created_by_relative_id]
    )
    withdrawn_by_relative: Mapped[Relative | None] = relationship(
        foreign_keys=[withdrawn_by_relative_id]
    )
