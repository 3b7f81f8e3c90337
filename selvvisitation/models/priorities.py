"""An AEL citizen's priorities: "Det vigtigste for mig ved næste besøg" (DOMAIN.md "Ældreloven").

Under Ældreloven the swap (§ 94 a) is replaced by priorities: the citizen says what matters
most at one coming visit, or for a period; the worker decides on the day what is safe.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selvvisitation.domain.types import (
    LapseReason,
    PriorityKind,
    PriorityNotMetReason,
    PriorityStatus,
)
from selvvisitation.extensions import Model
from selvvisitation.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from selvvisitation.models.citizen import Citizen, Relative
    from selvvisitation.models.programme import CareProgrammeElement
    from selvvisitation.models.visits import Visit


class VisitPriority(Model):
    __tablename__ = "visit_priority"
    __table_args__ = (sa.Index("ix_visit_priority_citizen_status", "citizen_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)  # "PRI-" + digits
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visit.id"))
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    element_id: Mapped[int | None] = mapped_column(sa.ForeignKey("care_programme_element.id"))
    kind: Mapped[PriorityKind] = mapped_column(enum_column(PriorityKind))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[PriorityStatus] = mapped_column(
        enum_column(PriorityStatus), default=PriorityStatus.REQUESTED
    )
    not_met_reason: Mapped[PriorityNotMetReason | None] = mapped_column(
        enum_column(PriorityNotMetReason)
    )
    not_met_text: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_relative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relative.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    lapse_reason: Mapped[LapseReason | None] = mapped_column(enum_column(LapseReason))
    # A standing priority is answered visit by visit: each answer is a row of its own for that
    # visit, pointing back here, so "met" and "not met" are counted per visit (ÆL § 11 flag).
    standing_priority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visit_priority.id"))

    citizen: Mapped[Citizen] = relationship()
    visit: Mapped[Visit | None] = relationship()
    element: Mapped[CareProgrammeElement | None] = relationship()
    created_by_relative: Mapped[Relative | None] = relationship()
