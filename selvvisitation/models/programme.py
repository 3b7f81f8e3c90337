"""The municipality's forløb catalogue under Ældreloven (helhedspleje, ÆL § 10).

A forløb is a frame with elements, not services with minutes (DOMAIN.md "Ældreloven").
Elements carry one of the nine FSIII "Ældrelovsindsats" codes (domain/fsiii_elderly.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selvvisitation.extensions import Model

if TYPE_CHECKING:
    from selvvisitation.models.decision import Decision
    from selvvisitation.models.organisation import Municipality


class CareProgramme(Model):
    """A forløb in the municipality's catalogue: the "få, sammenhængende og rummelige forløb"."""

    __tablename__ = "care_programme"
    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "code", name="uq_care_programme_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    name_da: Mapped[str] = mapped_column(sa.String(160))
    name_en: Mapped[str] = mapped_column(sa.String(160))
    description_da: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    # An optional indicative frame, for municipalities that use levels.
    indicative_hours_per_week: Mapped[float | None]
    # Demo placeholders are labelled as ours, not a municipality's.
    is_placeholder: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    municipality: Mapped[Municipality] = relationship()
    elements: Mapped[list[CareProgrammeElement]] = relationship(
        back_populates="programme",
        cascade="all, delete-orphan",
        order_by="CareProgrammeElement.position",
    )


class CareProgrammeElement(Model):
    """One element of a forløb, carrying an FSIII "Ældrelovsindsats" code."""

    __tablename__ = "care_programme_element"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("care_programme.id"), index=True)
    fsiii_code: Mapped[str] = mapped_column(sa.String(36))
    name_da: Mapped[str] = mapped_column(sa.String(160))
    name_en: Mapped[str] = mapped_column(sa.String(160))
    description_da: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    programme: Mapped[CareProgramme] = relationship(back_populates="elements")


class PriorityExample(Model):
    """One of the municipality's examples of a priority, e.g. "En kop kaffe og en snak"."""

    __tablename__ = "priority_example"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    text_da: Mapped[str] = mapped_column(sa.String(200))
    text_en: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    municipality: Mapped[Municipality] = relationship()


class GrantedElement(Model):
    """An element of the granted forløb, with what it means for this citizen."""

    __tablename__ = "granted_element"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decision.id"), index=True)
    element_id: Mapped[int] = mapped_column(sa.ForeignKey("care_programme_element.id"))
    meaning: Mapped[str] = mapped_column(sa.Text, default="")

    decision: Mapped[Decision] = relationship(back_populates="granted_elements")
    element: Mapped[CareProgrammeElement] = relationship()
