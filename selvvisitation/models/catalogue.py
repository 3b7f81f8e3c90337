"""The municipality's service catalogue (serviceniveau / kvalitetsstandarder)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selvvisitation.domain.types import ServiceCategory
from selvvisitation.extensions import Model
from selvvisitation.models.base import enum_column

if TYPE_CHECKING:
    from selvvisitation.models.organisation import Municipality


class Service(Model):
    __tablename__ = "service"
    __table_args__ = (sa.UniqueConstraint("municipality_id", "code", name="uq_service_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    fsiii_code: Mapped[str | None] = mapped_column(sa.String(20))  # KL's Fælles Sprog III
    name_da: Mapped[str] = mapped_column(sa.String(160))
    name_en: Mapped[str] = mapped_column(sa.String(160))
    category: Mapped[ServiceCategory] = mapped_column(enum_column(ServiceCategory))
    swappable: Mapped[bool] = mapped_column(default=True)  # rule 9
    flexible_only: Mapped[bool] = mapped_column(default=False)  # rule 10
    within_service_level: Mapped[bool] = mapped_column(default=True)  # rule 2
    default_minutes: Mapped[int] = mapped_column(default=15)
    minutes_are_placeholder: Mapped[bool] = mapped_column(default=False)
    description_da: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    synonyms_da: Mapped[list] = mapped_column(sa.JSON, default=list)
    synonyms_en: Mapped[list] = mapped_column(sa.JSON, default=list)
    quality_standard: Mapped[str] = mapped_column(sa.String(200), default="")
    swap_rule_text: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    municipality: Mapped[Municipality] = relationship(back_populates="services")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_da

    def description(self, locale: str) -> str:
        return self.description_en if locale == "en" else self.description_da
