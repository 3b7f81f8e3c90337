"""Staff users and their roles."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from selvvisitation.models.organisation import Municipality, Provider, Team


class StaffUser(db.Model):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole))
    provider_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider.id"))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("team.id"))
    password_hash: Mapped[str] = mapped_column(sa.String(255), default="")
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Rotated at sign-out so an old cookie cannot be replayed.
    session_nonce: Mapped[str] = mapped_column(sa.String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality: Mapped[Municipality] = relationship()
    provider: Mapped[Provider | None] = relationship()
    team: Mapped[Team | None] = relationship()
