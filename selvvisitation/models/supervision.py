"""Supervision (tilsyn) of providers: the yearly sample, the visit, recommendations, action plans.

Seed 000 (Thisted) "Tilsynsbesøg": a yearly visit to a sample of each provider's citizens,
five themes, oral and written feedback, and action plans agreed from the findings.
Nothing here is deleted: a swapped citizen stays in the sample as replaced, with the reason.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selvvisitation.domain.supervision_sampling import PickReason, SampleRule
from selvvisitation.domain.supervision_themes import (
    THEMES_OF,
    FollowUpStatus,
    SupervisionTheme,
    ThemeAssessment,
    ThemeSet,
)
from selvvisitation.extensions import Model
from selvvisitation.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from selvvisitation.models.citizen import Citizen
    from selvvisitation.models.organisation import Provider
    from selvvisitation.models.users import StaffUser


class SupervisionSample(Model):
    """One provider's sample for one year, drawn once from a recorded seed."""

    __tablename__ = "supervision_sample"
    __table_args__ = (sa.UniqueConstraint("provider_id", "year", name="uq_supervision_sample"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("provider.id"))
    year: Mapped[int]
    seed: Mapped[str] = mapped_column(sa.String(64))
    rule: Mapped[SampleRule] = mapped_column(enum_column(SampleRule))
    population: Mapped[int]
    target_size: Mapped[int]
    # The strata as drawn: [{"index", "min_minutes", "max_minutes", "citizen_ids"}], so a
    # swap uses the same strata and the draw can be repeated from the seed.
    strata: Mapped[list] = mapped_column(sa.JSON, default=list)
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    drawn_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))

    provider: Mapped[Provider] = relationship()
    drawn_by: Mapped[StaffUser | None] = relationship()
    members: Mapped[list[SampledCitizen]] = relationship(
        back_populates="sample",
        cascade="all",
        order_by="SampledCitizen.id",
        foreign_keys="SampledCitizen.sample_id",
    )

    @property
    def active_members(self) -> list[SampledCitizen]:
        return [m for m in self.members if m.replaced_at is None]


class SampledCitizen(Model):
    __tablename__ = "sampled_citizen"

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(sa.ForeignKey("supervision_sample.id"), index=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    stratum: Mapped[int]
    weekly_minutes: Mapped[int]
    reason: Mapped[PickReason] = mapped_column(enum_column(PickReason))
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sampled_citizen.id"))
    # Set when a supervisor swapped this citizen out; the row stays, with the reason.
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    replacement_reason: Mapped[str] = mapped_column(sa.Text, default="")

    sample: Mapped[SupervisionSample] = relationship(
        back_populates="members", foreign_keys=[sample_id]
    )
    citizen: Mapped[Citizen] = relationship()
    replaces: Mapped[SampledCitizen | None] = relationship(remote_side=[id])
    replaced_by: Mapped[StaffUser | None] = relationship()


class SupervisionVisit(Model):
    """The supervision of one provider on one day: findings per theme, recommendations.

    Seed 000 (Thisted) "Tilsynsbesøg"; Thisted's five themes, the Ældretilsyn's three values
    (Ældretilsynsloven § 7 stk. 3) or both, as the municipality's policy offers.
    """

    __tablename__ = "supervision_visit"
    __table_args__ = (sa.Index("ix_supervision_visit_provider_day", "provider_id", "visited_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("provider.id"))
    sample_id: Mapped[int | None] = mapped_column(sa.ForeignKey("supervision_sample.id"))
    visited_on: Mapped[date]
    # Which themes the visit assessed (domain.supervision_themes.THEMES_OF).
    theme_set: Mapped[ThemeSet] = mapped_column(enum_column(ThemeSet), default=ThemeSet.THISTED)
    # 000: the supervision looks at the unit's strengths and what works.
    strengths: Mapped[str] = mapped_column(sa.Text, default="")
    feedback_given_to: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))

    provider: Mapped[Provider] = relationship()
    sample: Mapped[SupervisionSample | None] = relationship()
    created_by: Mapped[StaffUser | None] = relationship()
    findings: Mapped[list[SupervisionFinding]] = relationship(
        back_populates="visit", cascade="all", order_by="SupervisionFinding.id"
    )
    recommendations: Mapped[list[SupervisionRecommendation]] = relationship(
        back_populates="visit",
        cascade="all",
        order_by="SupervisionRecommendation.id",
        foreign_keys="SupervisionRecommendation.visit_id",
    )

    @property
    def themes(self) -> tuple[SupervisionTheme, ...]:
        return THEMES_OF[self.theme_set or ThemeSet.THISTED]

    def finding(self, theme: SupervisionTheme) -> SupervisionFinding | None:
        return next((f for f in self.findings if f.theme == theme), None)


class SupervisionFinding(Model):
    __tablename__ = "supervision_finding"
    __table_args__ = (sa.UniqueConstraint("visit_id", "theme", name="uq_supervision_finding"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("supervision_visit.id"), index=True)
    theme: Mapped[SupervisionTheme] = mapped_column(enum_column(SupervisionTheme))
    assessment: Mapped[ThemeAssessment] = mapped_column(enum_column(ThemeAssessment))
    text: Mapped[str] = mapped_column(sa.Text, default="")

    visit: Mapped[SupervisionVisit] = relationship(back_populates="findings")


class SupervisionRecommendation(Model):
    """A recommendation to the provider, followed up at the next supervision (theme 5)."""

    __tablename__ = "supervision_recommendation"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("supervision_visit.id"), index=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("provider.id"), index=True)
    theme: Mapped[SupervisionTheme] = mapped_column(enum_column(SupervisionTheme))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    follow_up_status: Mapped[FollowUpStatus | None] = mapped_column(enum_column(FollowUpStatus))
    follow_up_note: Mapped[str] = mapped_column(sa.Text, default="")
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    followed_up_in_visit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("supervision_visit.id")
    )

    visit: Mapped[SupervisionVisit] = relationship(
        back_populates="recommendations", foreign_keys=[visit_id]
    )
    actions: Mapped[list[ActionPlanItem]] = relationship(
        back_populates="recommendation", cascade="all", order_by="ActionPlanItem.id"
    )


class ActionPlanItem(Model):
    """The provider's action against a recommendation (000: "konkrete handleplaner")."""

    __tablename__ = "action_plan_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("supervision_recommendation.id"), index=True
    )
    action: Mapped[str] = mapped_column(sa.Text)
    responsible: Mapped[str] = mapped_column(sa.String(160))
    due_on: Mapped[date]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))

    recommendation: Mapped[SupervisionRecommendation] = relationship(back_populates="actions")
