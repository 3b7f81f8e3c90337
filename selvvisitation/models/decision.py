"""Versioned decisions (afgørelser) and the services they grant.

A change to a decision makes a new version; the old one is marked superseded
and stays readable, unchanged, because it is what the citizen was told and what
a complaint (002 section 17) is about.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from selvvisitation.domain.types import Frequency, LegalBasis
from selvvisitation.extensions import Model
from selvvisitation.models.base import UTCDateTime, enum_column, utcnow
from selvvisitation.models.programme import GrantedElement

if TYPE_CHECKING:
    from selvvisitation.models.catalogue import Service
    from selvvisitation.models.citizen import Citizen
    from selvvisitation.models.organisation import Provider
    from selvvisitation.models.programme import CareProgramme


class SupersededDecisionError(RuntimeError):
    """A superseded decision version was about to change."""


class Decision(Model):
    __tablename__ = "decision"
    __table_args__ = (sa.UniqueConstraint("citizen_id", "version", name="uq_decision_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(sa.ForeignKey("citizen.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    valid_from: Mapped[date]
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    reasons: Mapped[str] = mapped_column(sa.Text, default="")
    letter_text: Mapped[str] = mapped_column(sa.Text, default="")
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decision.id"))
    # The law this version is made under (DOMAIN.md "Ældreloven"): SEL grants services with
    # minutes (granted_services); AEL grants one forløb with elements (granted_elements).
    legal_basis: Mapped[LegalBasis] = mapped_column(enum_column(LegalBasis), default=LegalBasis.SEL)
    care_programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("care_programme.id"))
    goals: Mapped[str] = mapped_column(sa.Text, default="")  # in the citizen's own words
    visit_frequency_text: Mapped[str] = mapped_column(sa.String(200), default="")
    provider_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider.id"))
    follow_up_date: Mapped[date | None]

    citizen: Mapped[Citizen] = relationship(back_populates="decisions")
    granted_services: Mapped[list[GrantedService]] = relationship(
        back_populates="decision", cascade="all", order_by="GrantedService.id"
    )
    care_programme: Mapped[CareProgramme | None] = relationship()
    provider: Mapped[Provider | None] = relationship()
    granted_elements: Mapped[list[GrantedElement]] = relationship(
        back_populates="decision", cascade="all", order_by="GrantedElement.id"
    )

    @property
    def is_ael(self) -> bool:
        return self.legal_basis == LegalBasis.AEL

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class GrantedService(Model):
    __tablename__ = "granted_service"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decision.id"), index=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id"), index=True)
    minutes_per_delivery: Mapped[int]
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency))
    # Weekdays for WEEKLY grants, "0,3" = Monday and Thursday (0 = Monday).
    weekdays: Mapped[str] = mapped_column(sa.String(20), default="")
    time_of_day: Mapped[str] = mapped_column(sa.String(20), default="morning")
    legal_basis: Mapped[str] = mapped_column(sa.String(120), default="Serviceloven § 83")
    start_date: Mapped[date]
    end_date: Mapped[date | None]  # set for temporary grants (003 "Midlertidig indsats")

    decision: Mapped[Decision] = relationship(back_populates="granted_services")
    service: Mapped[Service] = relationship()

    @property
    def weekday_tuple(self) -> tuple[int, ...]:
        return tuple(int(d) for d in self.weekdays.split(",") if d.strip())

    @property
    def is_temporary(self) -> bool:
        return self.end_date is not None

    def active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


def _original(obj: Any, attr: str) -> Any:
    history = inspect(obj).attrs[attr].load_history()  # loads an expired value too
    if history.unchanged:
        return history.unchanged[0]
    if history.deleted:
        return history.deleted[0]
    return None


@event.listens_for(Session, "before_flush")
def _keep_superseded_decisions_unchanged(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Decision) and _original(obj, "superseded_at") is not None:
            if session.is_modified(obj) or obj in session.deleted:
                raise SupersededDecisionError(f"decision {obj.id} is superseded")
        if isinstance(obj, GrantedService | GrantedElement) and obj.decision is not None:
            if _original(obj.decision, "superseded_at") is not None and (
                session.is_modified(obj) or obj in session.deleted
            ):
                raise SupersededDecisionError(f"decision {obj.decision_id} is superseded")
    for obj in session.new:
        if isinstance(obj, GrantedService | GrantedElement) and obj.decision is not None:
            decision_state = inspect(obj.decision)
            if decision_state.persistent and _original(obj.decision, "superseded_at") is not None:
                raise SupersededDecisionError(f"decision {obj.decision_id} is superseded")
