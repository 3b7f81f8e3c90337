"""Reassessment visits (revisitation) and Herning's two follow-up forms (seed 001).

Herning's supervision policy (001, "Borgertilfredshed" and "Kvalitetssikring af den
leverede hjælp"): at each revisitation the visitator fills in one form with the
citizen's perceived quality and one with the visitator's own observations in the
home; a summary per provider is made from them. So both forms record the provider
that delivered the help at the time, and keep their answers as plain values.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selvvisitation.domain.assessment import AssessmentStatus, Satisfaction, YesPartlyNo
from selvvisitation.extensions import Model
from selvvisitation.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from selvvisitation.models.cases import Case
    from selvvisitation.models.citizen import Citizen
    from selvvisitation.models.users import StaffUser


class AssessmentVisit(Model):
    """A booked reassessment visit in the citizen's home."""

    __tablename__ = "assessment_visit"
    __table_args__ = (
        sa.Index("ix_assessment_visit_visitator_at", "visitator_staff_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    visitator_staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_user.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[AssessmentStatus] = mapped_column(
        enum_column(AssessmentStatus), default=AssessmentStatus.BOOKED
    )
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    booked_by_staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_user.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    case: Mapped[Case] = relationship()
    citizen: Mapped[Citizen] = relationship()
    visitator: Mapped[StaffUser] = relationship(foreign_keys=[visitator_staff_id])
    quality: Mapped[PerceivedQuality | None] = relationship(back_populates="visit", uselist=False)
    observation: Mapped[VisitatorObservation | None] = relationship(
        back_populates="visit", uselist=False
    )


class PerceivedQuality(Model):
    """The citizen's perceived quality, asked by the visitator (001, "Borgertilfredshed")."""

    __tablename__ = "perceived_quality"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_visit.id"), unique=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    provider_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider.id"), index=True)
    satisfaction: Mapped[Satisfaction] = mapped_column(enum_column(Satisfaction))
    help_as_granted: Mapped[YesPartlyNo] = mapped_column(enum_column(YesPartlyNo))
    heard_and_involved: Mapped[YesPartlyNo] = mapped_column(enum_column(YesPartlyNo))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_user.id"))

    visit: Mapped[AssessmentVisit] = relationship(back_populates="quality")


class VisitatorObservation(Model):
    """The visitator's observations in the home (001, "Kvalitetssikring af den leverede hjælp")."""

    __tablename__ = "visitator_observation"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_visit.id"), unique=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    provider_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider.id"), index=True)
    matches_decision: Mapped[YesPartlyNo] = mapped_column(enum_column(YesPartlyNo))
    goals_met: Mapped[YesPartlyNo] = mapped_column(enum_column(YesPartlyNo))
    meets_service_level: Mapped[YesPartlyNo] = mapped_column(enum_column(YesPartlyNo))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_user.id"))

    visit: Mapped[AssessmentVisit] = relationship(back_populates="observation")
