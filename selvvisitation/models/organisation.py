"""The tenant (municipality), its policy, providers and teams."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selvvisitation.domain.second_factor import default_required_roles
from selvvisitation.domain.supervision_themes import ThemeSet
from selvvisitation.domain.types import LegalBasis, ProviderKind, SwapWindow
from selvvisitation.extensions import Model
from selvvisitation.models.base import enum_column

if TYPE_CHECKING:
    from selvvisitation.models.catalogue import Service


class Municipality(Model):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(10), unique=True)  # kommunenummer, e.g. "561"
    name: Mapped[str] = mapped_column(sa.String(120))
    visitation_phone: Mapped[str] = mapped_column(sa.String(40))
    visitation_email: Mapped[str | None] = mapped_column(sa.String(200))
    accessibility_statement_url: Mapped[str | None] = mapped_column(sa.String(500))

    policy: Mapped[MunicipalityPolicy] = relationship(
        back_populates="municipality", uselist=False, cascade="all, delete-orphan"
    )
    providers: Mapped[list[Provider]] = relationship(back_populates="municipality")
    services: Mapped[list[Service]] = relationship(back_populates="municipality")

    def __repr__(self) -> str:
        return f"<Municipality {self.code} {self.name}>"


class MunicipalityPolicy(Model):
    """The municipality's own rules within the law; mirrors domain.policy.Policy."""

    __tablename__ = "municipality_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), unique=True
    )
    swap_window: Mapped[SwapWindow] = mapped_column(
        enum_column(SwapWindow), default=SwapWindow.VISIT
    )
    outside_service_level_allowed: Mapped[bool] = mapped_column(default=False)
    flexible_only_any_category: Mapped[bool] = mapped_column(default=True)
    deselection_threshold_count: Mapped[int] = mapped_column(default=3)
    deselection_threshold_days: Mapped[int] = mapped_column(default=90)
    deviation_percent: Mapped[int] = mapped_column(default=10)
    deviation_min_per_delivery: Mapped[int] = mapped_column(default=10)
    deviation_min_per_week: Mapped[int] = mapped_column(default=20)
    deviation_sustained_days: Mapped[int] = mapped_column(default=14)
    case_deadline_working_days: Mapped[int] = mapped_column(default=5)
    practical_help_start_working_days: Mapped[int] = mapped_column(default=5)
    optional_holidays_are_working_days: Mapped[bool] = mapped_column(default=False)
    show_staff_names_in_access_log: Mapped[bool] = mapped_column(default=False)
    # Ældreloven (DOMAIN.md "Ældreloven"): the basis a new decision gets by default, and the
    # age from which the check page suggests AEL; the visitator always chooses.
    default_legal_basis: Mapped[LegalBasis] = mapped_column(
        enum_column(LegalBasis), default=LegalBasis.SEL
    )
    ael_suggest_from_age: Mapped[int] = mapped_column(default=67)
    element_decline_threshold_count: Mapped[int] = mapped_column(default=3)
    element_decline_threshold_days: Mapped[int] = mapped_column(default=90)
    priorities_not_met_threshold_count: Mapped[int] = mapped_column(default=3)
    priorities_not_met_threshold_days: Mapped[int] = mapped_column(default=30)
    ael_optional_minutes: Mapped[bool] = mapped_column(default=False)
    # Issue 11: the theme set(s) a supervision visit offers (domain.supervision_themes).
    supervision_theme_sets: Mapped[ThemeSet] = mapped_column(
        enum_column(ThemeSet), default=ThemeSet.THISTED
    )
    # The visit calendar (issue 14): see domain.policy.Policy.
    citizen_cancel_deadline_minutes: Mapped[int] = mapped_column(default=120)
    citizen_cancellations_count_as_deselection: Mapped[bool] = mapped_column(default=False)
    # When the visitation answers its phone, shown beside the number (issue 12 item 10).
    visitation_opening_hours: Mapped[str] = mapped_column(sa.String(200), default="")
    # Staff roles that must sign in with a second factor (domain.second_factor).
    second_factor_roles: Mapped[list] = mapped_column(sa.JSON, default=default_required_roles)
    # Legal references shown to citizens: data, not code, because the law moves
    # (the Ældrelov has applied to home care for the elderly since 1 July 2025).
    legal_references: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Messages (issue 14): the working days staff have to answer a citizen's message.
    message_reply_working_days: Mapped[int] = mapped_column(default=1)
    # "Ring mig op" (issue 13): the visitation calls back within this many working days.
    call_back_working_days: Mapped[int] = mapped_column(default=1)

    municipality: Mapped[Municipality] = relationship(back_populates="policy")


class Provider(Model):
    """Municipal home care or an approved private provider (frit valg)."""

    __tablename__ = "provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    kind: Mapped[ProviderKind] = mapped_column(enum_column(ProviderKind))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    offers_personal_care: Mapped[bool] = mapped_column(default=True)
    offers_practical_help: Mapped[bool] = mapped_column(default=True)
    is_nursing_home: Mapped[bool] = mapped_column(default=False)

    municipality: Mapped[Municipality] = relationship(back_populates="providers")
    teams: Mapped[list[Team]] = relationship(back_populates="provider")


class Team(Model):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("provider.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    # The team's own number, given on the message pages for what cannot wait (seed 000);
    # the provider's number is used when the team has none.
    phone: Mapped[str | None] = mapped_column(sa.String(40))

    provider: Mapped[Provider] = relationship(back_populates="teams")
